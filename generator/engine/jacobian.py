"""The Jacobian of a vector function (contract 5.2): df brought to the form J dx.

The same method as the gradient's (generator/engine/differential.py), without the trace:
1. take the differential of f and push d inwards (the gradient's phase 2 and its rules);
2. expand the sums that hold the differential (its phase 3, without traces);
3. bring every term to `M dx`, the differential last (generator/engine/rules_linear.py),
   then collect them: df = J dx;
4. identify J: if df = J dx, J is the Jacobian (numerator layout: its entry (i, j) is
   df_i/dx_j), and tidy it as a gradient is tidied.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.engine import catalogue as cat
from generator.engine.context import Context, has_differential
from generator.engine.differential import expand_linear, take_differential
from generator.engine.records import Record
from generator.engine.recorder import Recorder, rewrite_first
from generator.errors import StuckError
from generator.math.expr import (
    ZERO,
    Differential,
    Expr,
    Identity,
    Mul,
    Symbol,
    Vec,
    factors_of,
    is_zero,
    mul,
    terms_of,
)


@dataclass(frozen=True)
class JacobianResult:
    """What the method found: df in the form J dx, and J."""

    records: tuple[Record, ...]
    differential: Expr
    jacobian: Expr
    context: Context
    vectorised: bool = False  # J is that of vec(f) by vec(X) (f or the variable a matrix)


def derive_jacobian(
    objective: Expr, ctx: Context, rec: Recorder | None = None, *, hessian: bool = False
) -> JacobianResult:
    """The Jacobian of `objective`; `hessian`: the objective is a gradient, whose
    Jacobian is the Hessian (the same method, its phases and theorem named so)."""
    rec = rec or Recorder(ctx)
    objective = _recognise(rec, objective)
    differential = take_differential(rec, objective, "hessian" if hessian else "differential")
    differential = expand_linear(rec, differential, to_traces=False)
    vectorised = vec_form(objective, rec.ctx)
    linear = _to_linear_form(rec, differential, vectorised)
    if not vectorised:
        differential = linear  # df = J dx is df written in dx
    jacobian = _identify(rec, linear, hessian)
    return JacobianResult(tuple(rec.records), differential, jacobian, rec.ctx, vectorised)


def _recognise(rec: Recorder, objective: Expr) -> Expr:
    """The functions written out named (`exp(z) / sum(exp(z))` is softmax(z)), as the
    gradient's phase 1 names them; a step of its own only where one is found."""
    if rewrite_first(objective, rec.phases.recognise, rec.ctx) is None:
        return objective
    f = rec.ctx.names.objective
    rec.phase("recognise")
    rec.state(f, objective)
    return rec.exhaust(f, objective, rec.phases.recognise)


def vec_form(objective: Expr, ctx: Context) -> bool:
    """Whether the Jacobian is that of vec(f) by vec(X): f or the variable is a matrix."""
    return not (ctx.is_column(objective) and ctx.is_column(Symbol(ctx.wrt)))


def _to_linear_form(rec: Recorder, expr: Expr, vectorised: bool) -> Expr:
    """Every term to `M dx` (rules_linear), or, `vectorised`, every term of vec(df) to
    `M vec(dX)` (vec of a product, of a transpose, of an entrywise product: rules_vec);
    then the terms collected: `df = J dx`, `vec(df) = J vec(dX)`."""
    lhs: Expr = rec.ctx.names.d_objective
    rules = rec.phases.linear_form
    if vectorised:
        lhs, expr, rules = Vec(lhs), Vec(expr), rec.phases.vec_form
    rec.phase("terms-to-vec-form" if vectorised else "terms-to-linear-form", Symbol(rec.ctx.wrt))
    rec.state(lhs, expr)
    expr = rec.simplify(lhs, expr, rec.phases.normal, rules, where=has_differential)
    if len(terms_of(expr)) > 1:
        rec.phase("collect")
        expr = rec.exhaust(lhs, expr, rec.phases.collect)
    return expr


def _identify(rec: Recorder, expr: Expr, hessian: bool) -> Expr:
    J = rec.ctx.names.gradient
    rec.phase("identify-hessian" if hessian else "identify-jacobian")
    m = _coefficient_of_differential(expr, rec.ctx)
    rec.record(cat.HESSIAN_THEOREM if hessian else cat.JACOBIAN_THEOREM, J, m)
    return rec.answer(J, m, rec.phases.tidy)


def _coefficient_of_differential(expr: Expr, ctx: Context) -> Expr:
    """M in df = M dx (vec(df) = M vec(dX) for a matrix variable); df = 0 gives M = 0 (of
    the Jacobian's shape: a zero's shape is any)."""
    dvar: Expr = Differential(Symbol(ctx.wrt))
    if not ctx.is_column(dvar):
        dvar = Vec(dvar)
    if is_zero(expr):
        return ZERO
    size = ctx.shape(dvar)[0]
    if expr == dvar:
        return Identity(size)
    factors = factors_of(expr)
    if (
        isinstance(expr, Mul)
        and factors[-1] == dvar
        and not any(has_differential(f) for f in factors[:-1])
    ):
        rest = mul(*factors[:-1])
        if ctx.is_scalar(rest) and not ctx.is_scalar(dvar):
            return mul(rest, Identity(size))  # c dx = (c I) dx
        return rest
    df = Differential(ctx.names.objective)
    raise StuckError(
        f"could not bring {df} to the form {ctx.names.gradient} {dvar}; the engine stopped "
        f"at {Vec(df) if isinstance(dvar, Vec) else df} = {expr}"
    )
