"""Long regular runs of factors written with an ellipsis, as a teacher writes them.

The product chain `tr(A1 X A2 X ... A64 X)` has a differential of 64 terms of 128
factors each; written out, every line of its sheet is thousands of characters long and
the sheet grows as the square of the chain.  The notes write `A_2 X \\cdots A_{64} X`.
A run is elided only where what it leaves out is determined by what it shows: the
run repeats a period of one to MOST_PERIOD factors, each period the one before with
every numbered name one higher (or one lower: `A_5^T X^T A_4^T X^T ...`), at least
SHORTEST_RUN periods long; the first and the last period are printed around `...`
(`\\cdots`), so a reader fills in the rest, and only one way.

Only what a sheet displays is elided (the text, LaTeX, Markdown and HTML sheets); the
trace, the JSON and the code export print every factor, in a syntax that reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator.math.expr import Expr, Mul, Symbol
from generator.syntax.names import numbered

SHORTEST_RUN = 5  # periods: `A1 X ... A5 X` leaves out three of them
MOST_PERIOD = 3  # factors in a period: `A1 X B1`, `A2 X B2`, ...


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
    runs = _Runs(node.factors)
    factors, kept, i = node.factors, [], 0
    while i < len(factors):
        run = runs.longest(i)
        if run is not None and not _numbered(factors[i]) and runs.longest(i + 1):
            run = None  # a run begins at a numbered factor where it can: `A1 X ... A5 X`
        if run is None:
            kept.append(factors[i])
            i += 1
            continue
        period, count = run
        last = i + (count - 1) * period
        kept += [*factors[i : i + period], DOTS, *factors[last : last + period]]
        i += period * count
    if len(kept) == len(factors):
        return node
    return Mul(tuple(kept), node.scalar)


class _Runs:
    """The runs of one product's factors; each factor renumbered once, either way."""

    def __init__(self, factors: tuple[Expr, ...]):
        self.factors = factors
        self.moved = {step: [_renumbered(f, step) for f in factors] for step in (1, -1)}

    def longest(self, start: int) -> tuple[int, int] | None:
        """(period, periods) of the longest run that begins at `start`, if long enough."""
        best: tuple[int, int] | None = None
        for period in range(1, MOST_PERIOD + 1):
            for step in (1, -1):
                count = 1
                while self._follows(start + (count - 1) * period, period, step):
                    count += 1
                if count >= SHORTEST_RUN and (best is None or count * period > best[0] * best[1]):
                    best = (period, count)
        return best

    def _follows(self, at: int, period: int, step: int) -> bool:
        """The period after the one at `at` is that one with every numbered name `step`
        on; a period with no numbered name repeats, it does not run on."""
        after, factors, moved = at + period, self.factors, self.moved[step]
        if after + period > len(factors):
            return False
        if any(moved[at + j] != factors[after + j] for j in range(period)):
            return False
        return any(moved[at + j] != factors[at + j] for j in range(period))


@lru_cache(maxsize=4096)
def _numbered(expr: Expr) -> bool:
    return any(isinstance(n, Symbol) and numbered(n.name) for n in expr.walk())


@lru_cache(maxsize=4096)  # a product's factors are a few names again and again
def _renumbered(expr: Expr, step: int) -> Expr:
    """`expr` with every numbered name `step` on (`A1` -> `A2`); itself if it has none."""
    if not _numbered(expr):
        return expr
    return expr.map_bottom_up(lambda n: _renamed(n, step))


def _renamed(node: Expr, step: int) -> Expr:
    if not isinstance(node, Symbol):
        return node
    found = numbered(node.name)
    if found is None or found[1] + step < 0:
        return node
    return Symbol(f"{found[0]}{found[1] + step}")
