"""Long regular runs of factors written with an ellipsis, as a teacher writes them.

The product chain `tr(A1 X A2 X ... A64 X)` has a differential of 64 terms of 128
factors each; written out, every line of its sheet is thousands of characters long and
the sheet grows as the square of the chain.  The notes write `A_2 X \\cdots A_{64} X`.
A run is elided only where what it leaves out is determined by what it shows: the
run repeats a period of a few factors, each period the one before with every numbered
name one higher (or one lower: `A_5^T X^T A_4^T X^T ...`), at least SHORTEST_RUN
periods long (generator.math.indexed.RegularRuns finds them); the first and the last period are printed around `...`
(`\\cdots`), so a reader fills in the rest, and only one way.

Only what a sheet displays is elided (the text, LaTeX, Markdown and HTML sheets); the
trace, the JSON and the code export print every factor, in a syntax that reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator.math.expr import Expr, Mul
from generator.math.indexed import SHORTEST_RUN, RegularRuns


@dataclass(frozen=True)
class Dots(Expr):
    """`...` in a product: the factors between its neighbours, which they determine
    (a node of the display only: nothing computes with it)."""


DOTS = Dots()


def elided(expr: Expr) -> Expr:
    """`expr` with every long regular run of factors written `first ... last`."""
    if not any(isinstance(n, Mul) and len(n.factors) >= SHORTEST_RUN for n in expr.walk()):
        return expr  # nothing long enough: the tree as it is (most lines of most sheets)
    return _elided(expr)


@lru_cache(maxsize=1024)
def _elided(expr: Expr) -> Expr:
    # a sheet prints its lines more than once (measured for its rows, then printed), and
    # its lines share their terms
    return expr.map_bottom_up(_elide_runs, {})


@lru_cache(maxsize=4096)
def _elide_runs(node: Expr) -> Expr:
    if not isinstance(node, Mul) or len(node.factors) < SHORTEST_RUN:
        return node
    factors, kept, i = node.factors, [], 0
    for run in RegularRuns(factors).each():
        last = run.end - run.period
        kept += [*factors[i : run.start], *factors[run.start : run.start + run.period], DOTS]
        kept += factors[last : run.end]
        i = run.end
    if i == 0:
        return node
    return Mul(tuple(kept + list(factors[i:])), node.scalar)
