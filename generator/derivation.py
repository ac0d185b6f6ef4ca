"""The recorded derivation: what the engine produces and the renderers read.

The engine records, in order, as it goes (`Derivation.records`):
- `Phase`: a phase of the method begins (trace form, differential, ..., solve);
- `Step`: one rule application (the JSON trace of contract section 4 lists them all);
- `Statement`: an equation the derivation states that is no rule's application (the
  equation a phase starts from, the terms assembled again, a consequence).
It does not lay them out: the sheet, the numbered "Step k: ..." blocks of a few lines
each, as in the notes, is a pure function of these records on the render side
(`generator.render.sheet.sheet_of`), which every renderer reads.  `Line` and
`SheetStep` are what it returns.  Renderers never compute mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from generator.engine.names import DEFAULT_NAMES, EngineNames
from generator.math.expr import Expr
from generator.problem.model import Problem
from generator.math.symbols import SymbolTable


@dataclass(frozen=True)
class Step:
    """One rule application: the rule, the whole expression after it, what changed.

    `detail`: working whose outcome the derivation states next (a Statement), as a
    teacher writes the result of routine algebra; it is checked like every step."""

    rule: str          # the rule's id in the catalogue, e.g. "differential-product"
    says: str          # one line of justification, e.g. "Product rule of the differential"
    lhs: Expr          # what the expression equals: L, dL, G, dR, ...
    expr: Expr         # the whole right-hand side after the rule
    changed: Expr | None = None  # the subterm the rule produced
    before: Expr | None = None   # the subterm it rewrote
    detail: bool = False


@dataclass(frozen=True)
class Phase:
    """A phase of the method begins (design.md: trace form, differential, linearity,
    `tr(M dX)` form, identify, solve, ...).  `kind` says which; `about` is what it is
    about where that varies (the named subexpression R, the variable, one entry X_pq);
    `number` and `bindings` say which earlier problem a phase reuses, and how."""

    kind: str
    about: Expr | None = None
    number: int | None = None
    bindings: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True)
class Statement:
    """An equation the derivation states that is no rule's application.

    `kind`: "start" (the equation a phase works on), "assembled" (terms brought to
    `tr(M dX)` one by one, put back together), "implies" (a consequence: `G = M^T`
    from `G^T = M`), "result" (the outcome of the detail steps before it)."""

    kind: str
    lhs: Expr | None
    rhs: Expr


Record = Union[Phase, Step, Statement]


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
    """A problem derived: the records, the answer, and the proof it was checked."""

    problem: Problem
    records: tuple[Record, ...]
    gradient: Expr
    verification: Verification
    solution: Expr | None = None
    conditions: tuple[Condition, ...] = ()  # what the solution assumes
    notes: tuple[str, ...] = ()         # conventions stated on the sheet
    symbols: SymbolTable | None = None  # the problem's symbols and the names it introduced (R)
    names: EngineNames = DEFAULT_NAMES  # what the sheet calls the objective (L) and G

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every rule application, in order."""
        return tuple(r for r in self.records if isinstance(r, Step))
