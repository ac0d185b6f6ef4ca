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
from generator.problem.intermediates import Intermediate
from generator.problem.model import Problem
from generator.math.symbols import SymbolTable

# the records and the proof, for readers of a Derivation
__all__ = [
    "Condition",
    "Derivation",
    "Phase",
    "Record",
    "SecondOrder",
    "Statement",
    "Step",
    "Verification",
]


@dataclass(frozen=True)
class SecondOrder:
    """The Hessian (contract 5.3): H, named in `names` (the gradient G, which is
    differentiated, and H); `hessian_map`, dG as an expression in dX (H dx for a vector);
    `vectorised`: H is that of vec(G) by vec(X), X a matrix; the Newton step, if asked."""

    hessian: Expr
    names: EngineNames
    hessian_map: Expr
    vectorised: bool = False
    newton: NewtonStep | None = None


@dataclass(frozen=True)
class Derivation:
    """A problem derived: the records, the answer, and the proof it was checked."""

    problem: Problem
    records: tuple[Record, ...]
    gradient: Expr  # the derivative: the gradient, or the Jacobian
    verification: Verification
    solution: Expr | None = None
    conditions: tuple[Condition, ...] = ()  # what the solution assumes
    notes: tuple[str, ...] = ()  # conventions stated on the sheet
    symbols: SymbolTable | None = None  # the problem's symbols and the names it introduced (R)
    names: EngineNames = DEFAULT_NAMES  # what the sheet calls the objective (L) and G
    # a Jacobian's (problem.kind): df in the variable's differential (in the form J dx for
    # vectors); `vectorised`: J is that of vec(f) by vec(X), f or the variable a matrix
    differential: Expr | None = None
    vectorised: bool = False
    second_order: SecondOrder | None = None  # with problem.hessian
    # several variables (`wrt: [W1, W2]`): each one's gradient, in the problem's order;
    # `gradient` is then the first's (read `answers` for every one)
    gradients: tuple[tuple[str, Expr], ...] = ()
    # the layers of a deep nest the engine named (generator.engine.layers), innermost
    # first, and the answers as the sheet writes them: in those layers, or by the general
    # term of a sum over j (generator.engine.rules_general); `gradient` and `gradients`
    # are written out, in the problem's own symbols and names, to be read back
    layers: tuple[Intermediate, ...] = ()
    as_found: tuple[tuple[str, Expr], ...] = ()

    def __repr__(self) -> str:
        """`Derivation(grad_X L = (A + A^T) X, L = tr(X^T A X); 14 steps, checked on 3
        draws)`: what a prompt shows."""
        found = ", ".join(f"{label} = {e}" for label, e in self.labelled_answers)
        return (
            f"Derivation({found}, {self.names.objective} = {self.problem.objective_text}; "
            f"{len(self.steps)} steps, checked on {self.verification.trials} draws)"
        )

    @property
    def shown_answers(self) -> tuple[tuple[str, Expr], ...]:
        """(variable, derivative) as a sheet shows them: in the layers the engine named
        (each defined in the sheet's first step) or by a general term, else as
        `answers`."""
        return self.as_found or self.answers

    @property
    def labelled_answers(self) -> tuple[tuple[str, Expr], ...]:
        """(what it is called, its value) for every answer: `("grad_X L", (A + A^T) X)`."""
        return tuple((label, e) for label, (_, e) in zip(self.labels, self.answers))

    @property
    def labels(self) -> tuple[str, ...]:
        """What each answer is called: `grad_X L`, `grad_{X^T} L` for the gradient with
        respect to the transpose, `df/dx` for a Jacobian; one per variable asked for."""
        problem, objective = self.problem, self.names.objective
        if self.kind == "jacobian":
            if self.vectorised:
                return (f"d vec({objective})/d vec({problem.wrt})",)
            return (f"d{objective}/d{problem.wrt}",)
        if problem.wrt_transposed:
            return (f"grad_{{{problem.wrt_text}}} {objective}",)
        return tuple(f"grad_{variable} {objective}" for variable, _ in self.answers)

    @property
    def answers(self) -> tuple[tuple[str, Expr], ...]:
        """(variable, derivative) for every variable asked for: one, or several."""
        return self.gradients or ((self.problem.wrt, self.gradient),)

    @property
    def kind(self) -> str:
        """What was derived (generator.problem.model.KINDS)."""
        return self.problem.kind

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every rule application, in order."""
        return tuple(r for r in self.records if isinstance(r, Step))
