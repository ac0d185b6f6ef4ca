"""What the engine records as it derives, in order:
- `Phase`: a phase of the method begins (trace form, differential, ..., solve);
- `Step`: one rule application (the JSON trace of contract section 4 lists them all);
- `Statement`: an equation the derivation states that is no rule's application;
and `Condition`, what a solution assumes.  The engine does not lay them out: the sheet
is generator.render.sheet's pure function of these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from generator.engine.names import EngineNames
from generator.math.expr import Expr


@dataclass(frozen=True)
class Step:
    """One rule application: the rule, the whole expression after it, what changed.

    `detail`: working whose outcome the derivation states next (a Statement), as a
    teacher writes the result of routine algebra; it is checked like every step."""

    rule: str  # the rule's id in the catalogue, e.g. "differential-product"
    says: str  # one line of justification, e.g. "Product rule of the differential"
    lhs: Expr  # what the expression equals: L, dL, G, dR, ...
    expr: Expr  # the whole right-hand side after the rule
    changed: Expr | None = None  # the subterm the rule produced
    before: Expr | None = None  # the subterm it rewrote
    detail: bool = False


@dataclass(frozen=True)
class Phase:
    """A phase of the method begins (design.md: trace form, differential, linearity,
    `tr(M dX)` form, identify, solve, ...).  `kind` says which; `about` is what it is
    about where that varies (the named subexpression R, the variable, one entry X_pq);
    `cited` and `bindings` say which earlier problem a phase reuses ("Problem 5",
    "T1"), and how.  `names`:
    the engine's names in force (what is differentiated and its derivative: L and G, or
    the gradient G and the Hessian H in the second-order phases)."""

    kind: str
    about: Expr | None = None
    cited: str = ""
    bindings: tuple[tuple[str, Expr], ...] = ()
    names: EngineNames | None = None


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


@dataclass(frozen=True, repr=False)
class Condition:
    """What the answer assumes: `A^T A` is `invertible`.  It prints as it reads, in a
    list too (`[A^T A is invertible]`), not as the tree of its subject."""

    subject: Expr
    property: str  # "invertible", "symmetric", ...

    def __str__(self) -> str:
        return f"{self.subject} is {self.property}"

    __repr__ = __str__
