"""The recorded derivation: what the engine produces and the renderers read.

Two views of one derivation are kept, both recorded as the engine goes:
- `steps`: every single rule application (the JSON trace, contract section 4);
- `sheet`: the numbered "Step k: ..." blocks of the sheet, each a few displayed lines,
  as in the notes.
Renderers read only these records; they never compute mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.engine.names import DEFAULT_NAMES, EngineNames
from generator.math.expr import Expr
from generator.problem.model import Problem
from generator.math.symbols import SymbolTable


@dataclass(frozen=True)
class Step:
    """One rule application: the rule, the whole expression after it, what changed."""

    rule: str          # the rule's id in the catalogue, e.g. "differential-product"
    says: str          # one line of justification, e.g. "Product rule of the differential"
    lhs: Expr          # what the expression equals: L, dL, G, dR, ...
    expr: Expr         # the whole right-hand side after the rule
    changed: Expr | None = None  # the subterm the rule produced


@dataclass(frozen=True)
class Line:
    """One displayed line: `lhs = rhs`; `lhs` None continues the previous line (`= rhs`).

    `implies` prints a leading arrow (the notes' "=> G = A^T"); `note` is short prose
    at the end of the line ("where R = A x - b" is a note with math in `note_math`).
    """

    rhs: Expr
    lhs: Expr | None = None
    implies: bool = False
    note: str = ""
    note_math: Expr | None = None
    note_math_lhs: Expr | None = None


@dataclass(frozen=True)
class SheetStep:
    """"Step k: <title>" with its lines and the rules it used."""

    title: str
    lines: tuple[Line, ...]
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """What the answer assumes: `A^T A` is `invertible`."""

    subject: Expr
    property: str      # "invertible", "symmetric", ...

    def __str__(self) -> str:
        return f"{self.subject} is {self.property}"


@dataclass(frozen=True)
class Verification:
    """What was checked numerically."""

    trials: int
    max_rel_error: float
    checks: int            # how many (line, trial) comparisons were made
    sympy_agrees: bool | None = None   # None: sympy gives no derivative for this one


@dataclass(frozen=True)
class Derivation:
    """A problem derived: the trace, the sheet, the answer, and the proof it was checked."""

    problem: Problem
    steps: tuple[Step, ...]
    sheet: tuple[SheetStep, ...]
    gradient: Expr
    verification: Verification
    solution: Expr | None = None
    conditions: tuple[Condition, ...] = ()  # what the solution assumes
    notes: tuple[str, ...] = ()         # conventions stated on the sheet
    symbols: SymbolTable | None = None  # the problem's symbols and the names it introduced (R)
    names: EngineNames = DEFAULT_NAMES  # what the sheet calls the objective (L) and G
