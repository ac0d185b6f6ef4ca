"""A derivation: what `derive` returns and the renderers read.

It holds the engine's records, in order (generator/engine/records.py: phases, rule
applications, stated equations), the answer, and the proof that every line was checked
(generator/check/verify.py).  The sheet, the numbered "Step k: ..." blocks of a few
lines each, as in the notes, is a pure function of the records on the render side
(`generator.render.sheet.sheet_of`), which every renderer reads.  Renderers never
compute mathematics.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.check.verify import Verification
from generator.engine.names import DEFAULT_NAMES, EngineNames
from generator.engine.newton import NewtonStep
from generator.engine.records import Condition, Phase, Record, Statement, Step
from generator.math.expr import Expr
from generator.problem.model import Problem
from generator.math.symbols import SymbolTable

# the records and the proof, for readers of a Derivation
__all__ = ["Condition", "Derivation", "Phase", "Record", "Statement", "Step", "Verification"]


@dataclass(frozen=True)
class Derivation:
    """A problem derived: the records, the answer, and the proof it was checked."""

    problem: Problem
    records: tuple[Record, ...]
    gradient: Expr                      # the derivative: the gradient, or the Jacobian
    verification: Verification
    solution: Expr | None = None
    conditions: tuple[Condition, ...] = ()  # what the solution assumes
    notes: tuple[str, ...] = ()         # conventions stated on the sheet
    symbols: SymbolTable | None = None  # the problem's symbols and the names it introduced (R)
    names: EngineNames = DEFAULT_NAMES  # what the sheet calls the objective (L) and G
    # a Jacobian's (problem.kind): df in the variable's differential (in the form J dx for
    # vectors); `vectorised`: J (or H) is that of vec(f) by vec(X), f or the variable a
    # matrix
    differential: Expr | None = None
    vectorised: bool = False
    # with problem.hessian: H, and the names of its phases (the gradient G and H)
    hessian: Expr | None = None
    hessian_names: EngineNames | None = None
    newton: NewtonStep | None = None   # with problem.newton: x_new, and what it assumes
    hessian_map: Expr | None = None    # with problem.hessian: dG = H[dX], in dX

    @property
    def kind(self) -> str:
        """What was derived (generator.problem.model.KINDS)."""
        return self.problem.kind

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every rule application, in order."""
        return tuple(r for r in self.records if isinstance(r, Step))
