"""Deep nests of functions worked a layer at a time, as backpropagation is taught.

`sum(sigmoid(A1 sigmoid(A2 sigmoid(A3 x))))` written out has a differential whose every
line holds every layer, and the sheet grows as the cube of the depth.  A teacher names
the layers (`h3 = sigmoid(A3 x)`, `h2 = sigmoid(A2 h3)`, `h1 = sigmoid(A1 h2)`, so
`L = sum(h1)`), goes back through them with the chain rule one at a time, and names
what is carried back (`dL = tr(delta2^T dh2)`: delta2 is the gradient of L with
respect to h2); each line then holds one layer, and the sheet grows as the depth.

This module decides which layers are named and what the names are; the differential
method (generator.engine.differential) does the naming and the going back.
"""

from __future__ import annotations

import re
from itertools import chain, count
from typing import Iterable

from generator.engine.context import Context
from generator.engine.names import residual
from generator.math.expr import Elementwise, Expr, Quantity, Symbol

# A nest of this many functions of the variable, one inside the other, is named layer by
# layer; a shallower one (`log(1 + exp(a^T x))`) is worked whole, as the notes do.
LAYERED_DEPTH = 3
LAYER_NAMES = ("h", "a", "z", "u", "v", "layer")
CARRIED_NAMES = ("delta", "g", "e")


def is_layer(node: Expr, ctx: Context) -> bool:
    """A function applied entry by entry to something that varies."""
    return isinstance(node, Elementwise) and not ctx.is_constant(node)


def nesting(expr: Expr, ctx: Context) -> int:
    """How many layers the deepest nest of `expr` has."""
    depth: dict[Expr, int] = {}
    for node in reversed(list(expr.walk())):  # every child before its parent
        below = max((depth[child] for child in node.children()), default=0)
        depth[node] = below + (1 if is_layer(node, ctx) else 0)
    return depth[expr]


def layer_count(expr: Expr, ctx: Context) -> int:
    """The layers to name: 0 for a nest shallower than LAYERED_DEPTH."""
    if nesting(expr, ctx) < LAYERED_DEPTH:
        return 0
    return len({node for node in expr.walk() if is_layer(node, ctx)})


def layer_names(how_many: int, taken: Iterable[str]) -> tuple[str, ...]:
    """`how_many` names numbered from the outside in (`h1` the outermost layer, as the
    weights of a network are numbered), of the first letter none of whose numbers is
    taken."""
    taken = frozenset(taken)
    for base in LAYER_NAMES:
        names = tuple(f"{base}{i}" for i in range(1, how_many + 1))
        if taken.isdisjoint(names):
            return names
    # every letter taken: `layer_1_1`, `layer_2_1`, ... (a first free run of them exists)
    numbers = range(1, how_many + 1)
    run = next(j for j in count(1) if taken.isdisjoint(f"layer_{j}_{i}" for i in numbers))
    return tuple(f"layer_{run}_{i}" for i in numbers)


def carried_name(to: Quantity | Symbol, taken: Iterable[str]) -> str:
    """The name of what is carried back to `to` (the gradient of L with respect to it):
    `delta2` for `h2`, `delta_a` for `a`, with the first free letter of CARRIED_NAMES."""
    found = re.match(r"^.*?(\d+)$", to.name)
    suffix = found.group(1) if found else "_" + to.name
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
