"""The Newton step (contract 5.3): from the point x, the point x - H^-1 grad L, simplified.

It is where the quadratic model of L at x is stationary; it needs H invertible, a
condition the sheet states.  Simplified by the tidy laws (a number leaves the inverse,
the product distributes, an inverse cancels beside its matrix, like terms collect), a
quadratic L's step no longer depends on x: one step lands on the stationary point, and
the sheet says so.  For a matrix variable the Hessian is that of vec(X) (Kronecker
form): the step is taken in vec form and, once it is the vec of one matrix, read back
as a matrix; where the inverse has no closed form (a sum of Kronecker products, the
Hessian of tr(A X B X^T)), the step is given as vec(X_new).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.engine import catalogue as cat
from generator.engine.names import fresh_name
from generator.engine.recorder import Recorder
from generator.engine.records import Condition
from generator.math.expr import (
    Expr,
    Inverse,
    Quantity,
    Symbol,
    Vec,
    add,
    is_zero,
    mul,
    neg,
)


@dataclass(frozen=True)
class NewtonStep:
    """The new point, its name, and what it assumes."""

    point: Quantity  # x_new
    left: Expr  # what `value` equals: x_new, or vec(X_new) where the step of a
    # matrix variable stays in vec form (an inverse with no closed form)
    value: Expr
    conditions: tuple[Condition, ...]
    lands: bool  # the step does not depend on x: L is quadratic


def newton_step(rec: Recorder, gradient: Expr, hessian: Expr) -> NewtonStep:
    """x - H^-1 grad L; for a matrix X, whose H is that of vec(X), vec(X) - H^-1 vec(G),
    brought back to the vec of one matrix: vec(X_new) = vec(M) gives X_new = M."""
    x = Symbol(rec.ctx.wrt)
    taken = frozenset(rec.ctx.table.names()) | rec.ctx.names.printed()
    point = Quantity("newton", fresh_name((f"{x.name}_new", f"{x.name}_next"), taken))
    rec.phase("newton", x)
    vectorised = not rec.ctx.is_column(x)
    lhs, start, slope = (Vec(point), Vec(x), Vec(gradient)) if vectorised else (point, x, gradient)
    step = add(start, neg(mul(Inverse(hessian), slope)))
    rec.record(cat.NEWTON_STEP, lhs, step, step)
    value = rec.answer(lhs, step, rec.phases.newton)
    if vectorised and isinstance(value, Vec):
        lhs, value = point, value.arg  # vec is one-to-one
    elif vectorised and is_zero(value):
        lhs = point
    return NewtonStep(point, lhs, value, (Condition(hessian, "invertible"),), not value.contains(x))
