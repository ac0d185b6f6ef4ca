"""Equation tags: the notes mark an equation they come back to (①) and cite it later
("using it in ①", "using ② in ①").

The layout (generator.render.sheet) says which earlier equations a line uses, by their
left-hand sides (`Line.uses`: `dL`, `dR`); `tagged` finds each one, the last line of an
earlier step that has that left-hand side, tags it, numbers the tags down the page and
writes the citing notes.  A line whose equations cannot all be found keeps its plain note.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Protocol, Sequence

from generator.math.expr import Expr
from generator.syntax.latex_names import CIRCLED


class _Sided(Protocol):
    """A sheet's line as tagging reads it (render.sheet.Line, which imports this)."""

    @property
    def lhs(self) -> Optional[Expr]: ...


Position = tuple[int, int]  # (step, line) on one problem's sheet


def mark(number: int) -> str:
    """① .. ⑳, as the notes circle them; beyond them, (21)."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


def tagged(steps: tuple) -> tuple:
    """The steps with the equations later lines use tagged, and those lines' notes
    citing the tags; the sheet unchanged where no line uses an earlier equation."""
    sides = [_sides(step.lines) for step in steps]
    found: dict[Position, tuple[Position, ...]] = {}
    for k, step in enumerate(steps):
        for i, line in enumerate(step.lines):
            if line.uses:
                places = [_last_before(sides, k, used) for used in line.uses]
                known = tuple(place for place in places if place is not None)
                if len(known) == len(places):
                    found[(k, i)] = known
    numbers = {
        place: n + 1
        for n, place in enumerate(sorted({p for places in found.values() for p in places}))
    }
    out = []
    for k, step in enumerate(steps):
        lines = []
        for i, line in enumerate(step.lines):
            if (k, i) in numbers:
                line = replace(line, tag=mark(numbers[(k, i)]))
            if (k, i) in found:
                line = replace(
                    line, note=line.cite.format(*(mark(numbers[p]) for p in found[(k, i)]))
                )
            lines.append(line)
        out.append(replace(step, lines=tuple(lines)))
    return tuple(out)


def _sides(lines: Sequence[_Sided]) -> list[Optional[Expr]]:
    """The left-hand side each line has, written or continued from the line above."""
    out: list[Optional[Expr]] = []
    current: Optional[Expr] = None
    for line in lines:
        current = line.lhs if line.lhs is not None else current
        out.append(current)
    return out


def _last_before(sides: list[list[Optional[Expr]]], step: int, lhs: Expr) -> Optional[Position]:
    """The last line of the steps before `step` whose left-hand side is `lhs`."""
    for k in range(step - 1, -1, -1):
        for i in range(len(sides[k]) - 1, -1, -1):
            if sides[k][i] == lhs:
                return k, i
    return None
