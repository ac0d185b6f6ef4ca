"""Deep nests of functions worked a layer at a time, as backpropagation is taught.

`sum(sigmoid(A1 sigmoid(A2 sigmoid(A3 x))))` written out has a differential whose every
line holds every layer, and the sheet grows as the cube of the depth.  A teacher names
the layers (`h3 = sigmoid(A3 x)`, `h2 = sigmoid(A2 h3)`, `h1 = sigmoid(A1 h2)`, so
`L = sum(h1)`), goes back through them with the chain rule one at a time, and names
what is carried back (`dL = tr(delta2^T dh2)`: delta2 is the gradient of L with
respect to h2); each line then holds one layer, and the sheet grows as the depth.

This module decides which layers are named; generator.engine.names chooses the names,
and the differential method (generator.engine.differential) does the naming and the
going back.
"""

from __future__ import annotations

from generator.engine.context import Context
from generator.engine.names import residual
from generator.math.expr import Elementwise, Expr, Symbol
from generator.math.indexed import numbered

# A nest of this many functions of the variable, one inside the other, is named layer by
# layer; a shallower one (`log(1 + exp(a^T x))`) is worked whole, as the notes do.
LAYERED_DEPTH = 3


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


def own_numbers(expr: Expr, ctx: Context) -> list[tuple[int, ...]]:
    """For each layer, in the order they are named (innermost first, as map_bottom_up
    meets them), the numbers of the numbered symbols it applies itself (`W2` in
    `sigmoid(W2 sigmoid(W1 x))`), not those of the layers inside it."""
    own: list[tuple[int, ...]] = []
    stand_ins: dict[Expr, Expr] = {}

    def visit(node: Expr) -> Expr:
        nonlocal ctx
        if not is_layer(node, ctx):
            return node
        if node not in stand_ins:  # the layers inside it stand in as names by now
            found = (numbered(n.name) for n in node.walk() if isinstance(n, Symbol))
            own.append(tuple(sorted({number for _, number in filter(None, found)})))
            stand_ins[node] = residual(f"layer {len(stand_ins)}")  # no user writes a space
            ctx = ctx.with_named(f"layer {len(stand_ins) - 1}", node)
        return stand_ins[node]

    expr.map_bottom_up(visit)
    return own
