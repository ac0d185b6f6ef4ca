"""The Newton step (contract 5.3): from the point x, the point x - H^-1 grad L, simplified.

It is where the quadratic model of L at x is stationary; it needs H invertible, a
condition the sheet states.  Simplified by the tidy laws (a number leaves the inverse,
the product distributes, an inverse cancels beside its matrix, like terms collect), a
quadratic L's step no longer depends on x: one step lands on the stationary point, and
the sheet says so.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.engine import catalogue as cat
from generator.engine.names import fresh_name
from generator.engine.recorder import Recorder
from generator.engine.records import Condition
from generator.math.expr import Expr, Inverse, Quantity, Symbol, add, mul, neg


@dataclass(frozen=True)
class NewtonStep:
    """The new point, its name, and what it assumes."""

    point: Quantity        # x_new
    value: Expr
    conditions: tuple[Condition, ...]
    lands: bool            # the step does not depend on x: L is quadratic


def newton_step(rec: Recorder, gradient: Expr, hessian: Expr) -> NewtonStep:
    x = Symbol(rec.ctx.wrt)
    taken = frozenset(rec.ctx.table.names()) | rec.ctx.names.printed()
    point = Quantity("newton", fresh_name((f"{x.name}_new", f"{x.name}_next"), taken))
    rec.phase("newton", x)
    step = add(x, neg(mul(Inverse(hessian), gradient)))
    rec.record(cat.NEWTON_STEP, point, step, step)
    value = rec.simplify(point, step, rec.phases.normal, rec.phases.newton)
    return NewtonStep(point, value, (Condition(hessian, "invertible"),),
                      not value.contains(x))
