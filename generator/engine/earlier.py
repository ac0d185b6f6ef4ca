"""Results proved in an earlier problem of the same sheet, used again in one step.

The notes do it in Problem 6: `d tr(R^T R) = tr(2 R^T dR)  (remember problem 5)`.
An earlier problem's objective is a pattern: its variable matches a variable of the
later problem, its other symbols match constant subexpressions, and a constant matrix
may also be the identity (`tr(X^T A X)` with A = I is `tr(X^T X)`).  When the later
objective (in trace form) is such an instance, its differential is written at once:
`dL = tr(G^T dV)` with the earlier gradient G, substituted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Optional

from generator.engine.context import Context
from generator.engine.recorder import Recorder
from generator.errors import ShapeError
from generator.math.expr import Expr, Identity, Mul, Symbol, mul


@dataclass(frozen=True)
class EarlierResult:
    """A problem derived before this one on the same sheet."""

    heading: str  # what a citing step calls it: "Problem 5", "T1"
    objective: Expr
    wrt: str
    gradient: Expr
    constants: tuple[str, ...]  # its matrix symbols other than wrt
    # properties its symbols were declared with (symmetric, ...): its gradient holds
    # only where what they stand for has them too
    properties: tuple[tuple[str, frozenset], ...] = ()


@dataclass(frozen=True)
class Use:
    """How a later objective is an instance of an earlier result."""

    result: EarlierResult
    variable: Expr  # what plays `wrt` here: the variable, or R
    gradient: Expr  # the earlier gradient, substituted (untidied)
    bindings: tuple[tuple[str, Expr], ...]  # earlier symbol -> what it stands for here


def _drop_identities(e: Expr) -> Expr:
    def drop(node: Expr) -> Expr:
        if isinstance(node, Mul):
            kept = [f for f in node.factors if not isinstance(f, Identity)]
            if len(kept) < len(node.factors) and kept:
                return mul(*kept)
        return node

    return e.map_bottom_up(drop)


def _variants(result: EarlierResult) -> Iterator[tuple[Expr, Expr, tuple]]:
    """The pattern itself, and with each constant matrix set to the identity."""
    yield result.objective, result.gradient, ()
    for c in result.constants:
        objective = _drop_identities(result.objective.replace(Symbol(c), Identity(None)))
        gradient = result.gradient.replace(Symbol(c), Identity(None))
        yield objective, gradient, ((c, Identity(None)),)


def _match(
    pattern: Expr, expr: Expr, result: EarlierResult, ctx: Context, bound: dict[str, Expr]
) -> bool:
    if isinstance(pattern, Symbol):
        if pattern.name in bound:
            return bound[pattern.name] == expr
        if pattern.name == result.wrt:
            ok = ctx.varies(expr)
        else:
            ok = ctx.is_constant(expr)
        ok = ok and _keeps_properties(pattern.name, expr, result, ctx)
        if ok:
            bound[pattern.name] = expr
        return ok
    if isinstance(pattern, Mul) and isinstance(expr, Mul):
        return _match_factors(list(pattern.factors), list(expr.factors), result, ctx, bound)
    if type(pattern) is not type(expr):
        return False
    kids_p, kids_e = pattern.children(), expr.children()
    if len(kids_p) != len(kids_e) or pattern.rebuild(kids_e) != expr:
        return False
    return all(_match(p, e, result, ctx, bound) for p, e in zip(kids_p, kids_e))


def _keeps_properties(name: str, expr: Expr, result: EarlierResult, ctx: Context) -> bool:
    """An earlier symbol declared symmetric (invertible, ...) matches only a symbol of
    this problem declared so too: the earlier gradient used the property."""
    wanted = dict(result.properties).get(name, frozenset())
    if not wanted:
        return True
    return isinstance(expr, Symbol) and all(ctx.has_property(expr.name, p) for p in wanted)


def _match_factors(
    pattern: list[Expr],
    factors: list[Expr],
    result: EarlierResult,
    ctx: Context,
    bound: dict[str, Expr],
) -> bool:
    """Products match factor by factor, but an earlier constant may stand for a run of
    constant factors: `X^T A X` matches `Y^T B C Y` with A = B C."""
    if not pattern:
        return not factors
    head, rest = pattern[0], pattern[1:]
    runs = range(1, len(factors) - len(rest) + 1)
    if not (isinstance(head, Symbol) and head.name != result.wrt):
        runs = range(1, 2)
    for n in runs:
        if n > len(factors):
            break
        trial = dict(bound)
        if _match(head, mul(*factors[:n]), result, ctx, trial) and _match_factors(
            rest, factors[n:], result, ctx, trial
        ):
            bound.clear()
            bound.update(trial)
            return True
    return False


def _tidies_away_identities(gradient: Expr, ctx: Context) -> bool:
    """Whether the tidy pass leaves no identity in the substituted gradient ((I + I^T) R
    is 2 R): a trial that decides, recorded nowhere; the derivation records its own."""
    rec = Recorder(ctx)
    tidied = rec.simplify(ctx.names.gradient, gradient, rec.phases.normal, rec.phases.tidy)
    return not any(isinstance(n, Identity) for n in tidied.walk())


def _sized_here(gradient: Expr, ctx: Context) -> Optional[Expr]:
    """The substituted gradient with each identity that a constant became sized by this
    problem's shapes (None where they do not fit)."""
    from generator.math.shapes import infer_shapes

    declared = {s.name: replace(s, declared=True) for s in ctx.table.symbols}
    try:
        return infer_shapes(gradient, declared, None).exprs[0]
    except ShapeError:
        return None


def find_use(expr: Expr, earlier: tuple[EarlierResult, ...], ctx: Context) -> Optional[Use]:
    """The latest earlier result of which `expr` is an instance, if any."""
    for result in reversed(earlier):
        for objective, gradient, fixed in _variants(result):
            bound: dict[str, Expr] = {}
            if _match(objective, expr, result, ctx, bound) and result.wrt in bound:
                substituted = gradient
                for name, value in bound.items():
                    substituted = substituted.replace(Symbol(name), value)
                if any(isinstance(n, Identity) and n.size is not None for n in substituted.walk()):
                    continue  # its size names a dimension of the earlier problem
                sized = _sized_here(substituted, ctx)
                if sized is None:
                    continue
                substituted = sized
                if not _tidies_away_identities(substituted, ctx):
                    continue  # an identity would be left: write the differential out
                return Use(
                    result, bound[result.wrt], substituted, tuple(sorted(bound.items())) + fixed
                )
    return None
