"""The names the engine gives what it introduces, never one of the user's.

A user may call a matrix L, G, R, d or Q.  The engine's own quantities are nodes of
their own (`Quantity`), and each is printed under a name that no symbol of the problem
has: the objective is `L` unless the user has an `L` (then `f`, `J`, ...), the matrix
of the theorem is `G` unless the user has a `G`, a named repeated subexpression is the
first free name of R, S, Q, ...  One place chooses them all, so the choices cannot
collide with each other either.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Iterable

from generator.math.expr import Differential, Quantity
from generator.math.index_nodes import GradientOf

OBJECTIVE_NAMES = ("L", "f", "J", "E")
GRADIENT_NAMES = ("G", "H", "M", "N")
# a vector function and its Jacobian (contract 5.2): f and J, as textbooks write them
FUNCTION_NAMES = ("f", "g", "h", "F")
JACOBIAN_NAMES = ("J", "M", "N", "K")
RESIDUAL_NAMES = ("R", "S", "Q", "U", "V", "W", "Z")


def fresh_name(candidates: tuple[str, ...], taken: Iterable[str]) -> str:
    """The first candidate not taken; past them, the first with a free subscript (`R_1`)."""
    taken = frozenset(taken)
    for name in candidates:
        if name not in taken:
            return name
    return next(f"{candidates[0]}_{i}" for i in count(1) if f"{candidates[0]}_{i}" not in taken)


@dataclass(frozen=True)
class EngineNames:
    """The engine's quantities in one problem: the objective and the gradient's matrix."""

    objective: Quantity
    gradient: Quantity | GradientOf  # a GradientOf per variable, with several variables

    @property
    def d_objective(self) -> Differential:
        return Differential(self.objective)

    def printed(self) -> frozenset[str]:
        return frozenset((self.objective.name, self.gradient.name))


def engine_names(taken: Iterable[str] = (), kind: str = "gradient") -> EngineNames:
    """Names for the engine's quantities that differ from every name in `taken`: L and G
    for a gradient, f and J for a Jacobian (`kind`, generator.problem.model.KINDS)."""
    taken = frozenset(taken)
    jacobian = kind == "jacobian"
    objective = fresh_name(FUNCTION_NAMES if jacobian else OBJECTIVE_NAMES, taken)
    gradient = fresh_name(JACOBIAN_NAMES if jacobian else GRADIENT_NAMES, taken | {objective})
    return EngineNames(Quantity("objective", objective), Quantity("gradient", gradient))


HESSIAN_NAMES = ("H", "K", "M", "N")


def hessian_names(names: EngineNames, taken: Iterable[str] = ()) -> EngineNames:
    """The names of the second-order phases: the gradient G is what is differentiated,
    and the Hessian H its derivative (a name no symbol and neither of `names` has)."""
    hessian = fresh_name(HESSIAN_NAMES, frozenset(taken) | names.printed())
    assert isinstance(names.gradient, Quantity)  # a Hessian is of one variable's gradient
    return EngineNames(names.gradient, Quantity("hessian", hessian))


def residual(name: str) -> Quantity:
    """The node of a named repeated subexpression."""
    return Quantity("residual", name)


def residual_name(taken: Iterable[str], names: EngineNames) -> str:
    """A name for a repeated subexpression (the notes' `R = A x - b`)."""
    return fresh_name(RESIDUAL_NAMES, frozenset(taken) | names.printed())


DEFAULT_NAMES = engine_names()
