"""Math in prose: the text between backticks (`tr(A B) = tr(B A)`) is math in the syntax
of the contract, typeset by every renderer.  One place reads it: the renderers
(`BACKTICKS`, `prose_math`) and the loader, which refuses backtick text that is not math
(`unreadable_math`) rather than print it raw on a sheet."""

from __future__ import annotations

import re

from generator.caret import show
from generator.errors import MathSyntaxError
from generator.math.expr import Expr

BACKTICKS = re.compile(r"`([^`\n]+)`")


def prose_math(text: str) -> tuple[Expr, ...]:
    """The sides of the math between one pair of backticks: the syntax has no equations,
    so each side of an `=` is parsed on its own.  Raises MathSyntaxError."""
    from generator.syntax.parser import parse  # the parser imports this package

    return tuple(parse(side.strip(), differentials=True) for side in text.split("="))


def unreadable_math(prose: str) -> tuple[str, int] | None:
    """Why the first backtick text of `prose` that is not math cannot be read (with a
    caret under the place), and the place's offset in `prose`; None when all of it reads.
    The text is read as the renderers see it, its lines joined."""
    text, origin = _joined(prose)
    for match in BACKTICKS.finditer(text):
        segment, offset = match.group(1), 0
        for side in segment.split("="):
            try:
                prose_math(side)
            except MathSyntaxError as err:
                column = offset + len(side) - len(side.lstrip()) + err.column
                why = (
                    f"`{segment}` is between backticks, which mark math, but it is not "
                    f"math: {err.reason}\n{show(segment, column)}\nwrite it in the math "
                    f"syntax (`tanh(z)`, not `tanh`), or without the backticks"
                )
                return why, origin[match.start(1) + min(column, len(segment)) - 1]
            offset += len(side) + 1
    return None


def _joined(prose: str) -> tuple[str, list[int]]:
    """`prose` with each run of whitespace one space (lines joined), and for each of its
    characters the offset it came from."""
    text: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(prose):
        if char.isspace():
            if text and text[-1] == " ":
                continue
            char = " "
        text.append(char)
        origin.append(index)
    return "".join(text), origin
