"""One pdfTeX run, locked down: the command lines and the environment every run shares
(a sheet's passes and the dump of its preamble's format), and a timeout that stops the
whole run.

Why each precaution:
- TeX can run programs (`\\write18`) and read any file the user can (`\\input
  {/etc/passwd}`).  The sources hold prose from YAML files, which may come from anyone;
  so shell escape is off twice (pdflatex's `-no-shell-escape`, and `shell_escape=f` in
  the environment) and kpathsea is paranoid (`openin_any=p`, `openout_any=p`: no
  absolute paths, no `..`, no dot files).
- A run that does not end within its time (a document that loops) is killed with its
  whole process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from generator.errors import LatexError

JOB = "sheet"  # the file name inside a build directory; user text never names a file


def tex_environment() -> dict[str, str]:
    """The process environment with kpathsea locked down."""
    env = dict(os.environ)
    env.update(openin_any="p", openout_any="p", shell_escape="f")
    env.pop("TEXMFOUTPUT", None)  # paranoid mode still allows files under TEXMFOUTPUT
    return env


def pdflatex_command(tex_name: str, format_name: str | None = None) -> list[str]:
    """One pdflatex pass: no shell escape, stop at the first error, errors as file:line;
    with `format_name`, the preamble read from that format (generator/render/tex_format.py)."""
    return [
        "pdflatex",
        *([f"-fmt={format_name}"] if format_name else []),
        "-no-shell-escape",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        tex_name,
    ]


def dump_command(format_name: str, tex_name: str) -> list[str]:
    """pdflatex -ini with mylatexformat: the format of `tex_name`'s preamble, dumped as
    `format_name`.fmt at its `\\begin{document}`."""
    return [
        "pdflatex",
        "-ini",
        f"-jobname={format_name}",
        "-no-shell-escape",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "&pdflatex",
        "mylatexformat.ltx",
        tex_name,
    ]


@dataclass(frozen=True)
class Deadline:
    """When the runs of one PDF must be done: `allowed` seconds from `start`."""

    start: float
    allowed: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(time.monotonic(), seconds)

    def left(self) -> float:
        return self.start + self.allowed - time.monotonic()


def run_tex(
    command: list[str], cwd: Path, label: str, deadline: Deadline
) -> subprocess.CompletedProcess[str]:
    """Run one TeX command in `cwd`, its output captured; past the deadline kill its
    whole process group and raise LatexError naming `label`."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=tex_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            stdout, _ = process.communicate(timeout=max(deadline.left(), 0.001))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise LatexError(
                f"{label}: LaTeX did not finish within {deadline.allowed:g} s "
                "(stopped); the document may loop"
            ) from None
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, "")
