"""The library's front door: `derive(problem) -> Derivation`.

The story: run the differential method on the objective (recording every rule),
solve for the variable when asked, then prove every recorded line numerically and
compare with what the problem says to expect.  Nothing is returned unverified.
"""
from __future__ import annotations

from dataclasses import replace

from generator.derivation import Derivation
from generator.engine.context import Context
from generator.engine.differential import derive_gradient
from generator.engine.recorder import Recorder
from generator.engine.solve import solve_for
from generator.errors import ProblemError, StuckError
from generator.expr import Expr
from generator.problem import Problem
from generator.verify import TOLERANCE, Claim, agree, sympy_agrees, verify


def derive(problem: Problem) -> Derivation:
    """Derive, solve if asked, and verify one problem."""
    if problem.method != "differential":
        raise ProblemError(
            f"{_where(problem)}method: '{problem.method}' is not available yet; "
            f"use method: differential")
    ctx = Context(problem.symbols, problem.wrt, frozenset({problem.wrt}))
    rec = Recorder(ctx)
    try:
        result = derive_gradient(problem.objective, ctx, rec)
    except RecursionError:
        raise StuckError(
            f"{_where(problem)}the derivation of {problem.objective} did not terminate "
            f"(a rewrite kept growing the expression); this is a bug in tracetrick") from None
    solution, conditions = None, ()
    if problem.solve:
        found = solve_for(rec, result.gradient)
        solution, conditions = found.value, found.conditions
    rec.end()
    claim = Claim(problem.objective, problem.wrt, rec.ctx.table, dict(result.definitions),
                  tuple(rec.steps), result.gradient, solution)
    verification = verify(claim)
    verification = replace(verification, sympy_agrees=sympy_agrees(
        problem.objective, problem.wrt, problem.symbols, result.gradient))
    _check_expected(problem, "expect", problem.expect, result.gradient, rec.ctx)
    _check_expected(problem, "solution", problem.solution, solution, rec.ctx)
    return Derivation(
        problem=problem,
        steps=tuple(rec.steps),
        sheet=tuple(rec.sheet),
        gradient=result.gradient,
        verification=verification,
        solution=solution,
        conditions=conditions,
    )


def derive_text(objective: str, wrt: str, lets: tuple[str, ...] = (), **options) -> Derivation:
    """`derive_text("tr(X^T A X)", "X")`: parse, infer shapes, derive, verify."""
    from generator.loader import problem_from_text
    return derive(problem_from_text(objective, wrt, tuple(lets), **options))


def _check_expected(problem: Problem, key: str, expected: Expr | None,
                    derived: Expr | None, ctx: Context) -> None:
    if expected is None:
        return
    if derived is None:
        raise ProblemError(f"{_where(problem)}{key}: given, but the problem has no solve: true")
    error = agree(expected, derived, ctx.table, problem.wrt)
    if not error <= TOLERANCE:
        raise ProblemError(
            f"{_where(problem)}{key}: the derived answer {derived} differs from the "
            f"expected {expected} (relative difference {error:.2g} on random instances); "
            f"check the expected answer in the problem file")


def _where(problem: Problem) -> str:
    return f"{problem.source}: " if problem.source else ""
