"""The names the engine gives what it introduces, never one of the user's.

A user may call a matrix L, G, R, d or Q.  The engine's own quantities are nodes of
their own (`Quantity`), and each is printed under a name that no symbol of the problem
has: the objective is `L` unless the user has an `L` (then `f`, `J`, ...), the matrix
of the theorem is `G` unless the user has a `G`, a named repeated subexpression is the
first free name of R, S, Q, ..., the layers of a deep nest `h1`, `h2`, ... (or `a1`,
...) and what is carried back to them `delta2`, ...  One place chooses them all, so the
choices cannot collide with each other either.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, count
from typing import Iterable

from generator.math.expr import Differential, Expr, Quantity, Symbol
from generator.math.index_nodes import GradientOf
from generator.math.indexed import numbered

OBJECTIVE_NAMES = ("L", "f", "J", "E")
GRADIENT_NAMES = ("G", "H", "M", "N")
# a vector function and its Jacobian (contract 5.2): f and J, as textbooks write them
FUNCTION_NAMES = ("f", "g", "h", "F")
JACOBIAN_NAMES = ("J", "M", "N", "K")
RESIDUAL_NAMES = ("R", "S", "Q", "U", "V", "W", "Z")
# the layers of a deep nest (generator.engine.layers), and what is carried back to them
LAYER_NAMES = ("h", "a", "z", "u", "v", "layer")
CARRIED_NAMES = ("delta", "g", "e")


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


def layer_names(own: list[tuple[int, ...]], taken: Iterable[str]) -> tuple[str, ...]:
    """A name for each layer, in the order they are named (innermost first), of the first
    letter none of whose names is taken.  `own`: the numbers of the numbered matrices
    each layer applies; where each applies one, and all differ, a layer takes its
    matrix's number (`h2 = sigmoid(W2 h1)`, `h2 = sigmoid(A2 h3)`: the user's numbering,
    either way round), else they are numbered from the variable out (`h1` is applied
    to it first, as the layers of a network are numbered)."""
    numbers: list[int] = [found[0] for found in own if len(found) == 1]
    if len(numbers) != len(own) or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(own) + 1))
    taken = frozenset(taken)
    for base in LAYER_NAMES:
        names = tuple(f"{base}{i}" for i in numbers)
        if taken.isdisjoint(names):
            return names
    # every letter taken: `layer_1_1`, `layer_2_1`, ... (a first free run of them exists)
    run = next(j for j in count(1) if taken.isdisjoint(f"layer_{j}_{i}" for i in numbers))
    return tuple(f"layer_{run}_{i}" for i in numbers)


def carried_name(to: Quantity | Symbol, taken: Iterable[str]) -> str:
    """The name of what is carried back to `to` (the gradient of L with respect to it):
    `delta2` for `h2`, `delta_a` for `a`, with the first free letter of CARRIED_NAMES."""
    found = numbered(to.name)
    suffix = str(found[1]) if found else "_" + to.name
    taken = frozenset(taken)
    candidates = (f"{base}{suffix}" for base in CARRIED_NAMES)
    fallback = (f"{CARRIED_NAMES[0]}{suffix}_{j}" for j in count(1))
    return next(name for name in chain(candidates, fallback) if name not in taken)


def written_out(expr: Expr, named: tuple[tuple[str, Expr], ...]) -> Expr:
    """`expr` with every name of `named` (in the order they were named, each meaning
    over the names before it) replaced by what it stands for, in one pass: the meanings
    are written out once each and shared, so a k-layer answer costs k, not k^2."""
    if not named:
        return expr
    written: dict[Expr, Expr] = {}
    for name, meaning in named:
        written[residual(name)] = meaning.map_bottom_up(lambda n: written.get(n, n))
    return expr.map_bottom_up(lambda n: written.get(n, n))
