"""Showing where an error is: the line of text, cut to a readable width, and a caret.

Used for math syntax errors (generator/errors.py) and YAML errors
(generator/problem/yaml_source.py).  A line of megabytes (a generated objective) is cut to a
window around the column, so an error stays one short paragraph.
"""

from __future__ import annotations

SHOWN_WIDTH = 100  # characters of a long line shown around the column
ELLIPSIS = "..."


def caret_line(text: str, column: int) -> str:
    """Spaces (tabs kept, so it lines up) up to the 1-based column, then `^`."""
    return "".join("\t" if ch == "\t" else " " for ch in text[: column - 1]) + "^"


def line_at(text: str, column: int) -> tuple[str, int]:
    """The line of a multi-line text holding 1-based `column`, and the column within it."""
    start = text.rfind("\n", 0, column - 1) + 1
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)], column - start


def clip(line: str, column: int, width: int = SHOWN_WIDTH) -> tuple[str, int]:
    """`line` cut to `width` characters around the 1-based `column` (`...` marks each
    cut), and the column within what is shown; a short line is returned as it is."""
    if len(line) <= width:
        return line, column
    start = max(0, min(column - 1 - width // 2, len(line) - width))
    end = start + width
    shown, column = line[start:end], column - start
    if start > 0:
        shown, column = ELLIPSIS + shown, column + len(ELLIPSIS)
    if end < len(line):
        shown += ELLIPSIS
    return shown, column


def show(text: str, column: int) -> str:
    """The line of `text` holding `column`, clipped, and the caret under it, indented:
    the two lines that follow an error's first line."""
    shown, col = clip(*line_at(text, column))
    return f"  {shown}\n  {caret_line(shown, col)}"
