"""Progress of a long command (`tracetrick build`) on stderr.

On a terminal, and for more than a few steps, one click progress bar redrawn in place;
otherwise (stderr piped to a file or a CI log, or a short build) one plain line per
step, `[3/14] derived cookbook/02-logdet.yaml`, so a log never fills with carriage
returns.  stdout is never written.  The display is a context manager so the bar's line
is finished before anything else (an error message) is printed.
"""

from __future__ import annotations

import shutil
import sys
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

BAR_MIN_STEPS = 6  # a bar from this many steps on; a few plain lines otherwise
BAR_WIDTH = 20
# `building  [####----]  12/14  ` before the label; a long label is cut to what is left
# of the terminal's width, so the line never wraps (a wrapped bar garbles the screen).
_CLUTTER = len("building  []  999/999  ") + BAR_WIDTH + 1


class ProgressDisplay:
    """Call it as the build's progress callback: `display(done, total, label)`."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.bar: ProgressBar[str | None] | None = None
        self.label_width = 0

    def __enter__(self) -> "ProgressDisplay":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None and total >= BAR_MIN_STEPS and _is_terminal(self.stream):
            self.bar = click.progressbar(
                length=total,
                label="building",
                file=self.stream,
                width=BAR_WIDTH,
                show_pos=True,
                show_eta=False,
                show_percent=False,
                item_show_func=lambda item: item,
            )
            self.label_width = max(10, shutil.get_terminal_size().columns - _CLUTTER)
            self.bar.__enter__()
        if self.bar is None:
            click.echo(f"[{done}/{total}] {label}", file=self.stream)
            return
        self.bar.length = max(total, done)  # a build may learn of more work as it goes
        self.bar.update(done - self.bar.pos, current_item=_cut(label, self.label_width))

    def notice(self, message: str) -> None:
        """A line of its own (`tracetrick: ...`), above the bar if one is drawn."""
        if self.bar is not None:
            self.stream.write("\r\x1b[K")  # the bar is drawn again at its next step
        click.echo(f"tracetrick: {message}", file=self.stream)

    def close(self) -> None:
        """End the bar's line (a newline), once."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _cut(label: str, width: int) -> str:
    """The end of a long label (the file name is the end of a path)."""
    return label if len(label) <= width else "..." + label[-(width - 3) :]
