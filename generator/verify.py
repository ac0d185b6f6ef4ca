"""Numeric proof of every line: a derivation that fails here is never printed.

Each recorded Step is an equation `lhs = expr`.  What its left side means decides how
it is checked on random instances (see generator.numeric):
- `L`: the value of the objective;
- anything with a differential (`dL`, `dR`, a term `tr(dX^T A X)`): a directional
  derivative along a random direction E, computed exactly by the complex step;
- `G^T` and `G`: the theorem itself, tr(G^T E) = dL(E);
- a step of the solve phase: both sides at the solution found.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from generator.derivation import Step, Verification
from generator.engine import catalogue as cat
from generator.errors import VerificationError
from generator.expr import ZERO, Add, Expr, Mul, Symbol, Transpose
from generator.numeric import STEP, EvaluationError, Evaluator, Instance, draw_instance
from generator.symbols import SymbolTable

TOLERANCE = 1e-6
TRIALS = 3
MAX_DRAWS = 30  # redraws when an instance makes a needed matrix singular

L, G = Symbol("L"), Symbol("G")


@dataclass(frozen=True)
class Claim:
    """What is to be verified: the problem's objective and the derivation's lines."""

    objective: Expr
    wrt: str
    table: SymbolTable          # with the named subexpressions (R) added
    definitions: Mapping[str, Expr]
    steps: tuple[Step, ...]
    gradient: Expr
    solution: Expr | None = None


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape and a.size != 1 and b.size != 1:
        return float("inf")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-8)
    return float(np.linalg.norm(a - b)) / scale


def magnitude(e: Expr, ev: Evaluator) -> float:
    """A bound on the size of `e`'s parts, so that a difference that should vanish is
    measured against the numbers it is computed from, not against itself."""
    if isinstance(e, Add):
        return sum(magnitude(t, ev) for t in e.terms)
    if isinstance(e, Mul):
        return float(np.prod([magnitude(f, ev) for f in e.factors]))
    return float(np.linalg.norm(ev(e)))


class _Trial:
    """One random instance with its base and perturbed evaluators."""

    def __init__(self, claim: Claim, inst: Instance):
        self.claim, self.inst = claim, inst
        defs = dict(claim.definitions)
        defs["L"] = claim.objective
        perturbed = dict(inst.values)
        perturbed[claim.wrt] = inst.values[claim.wrt] + 1j * STEP * inst.direction
        self._perturbed = Evaluator(perturbed, inst.dims, definitions=defs)
        self.base = Evaluator(inst.values, inst.dims, {claim.wrt: inst.direction},
                              self.derivative, defs)
        self.dL = self.derivative(claim.objective)
        self.at_solution = None
        if claim.solution is not None:
            x_star = np.real_if_close(self.base(claim.solution))
            values = dict(inst.values)
            values[claim.wrt] = x_star
            self.at_solution = Evaluator(values, inst.dims, definitions=defs)

    def derivative(self, e: Expr) -> np.ndarray:
        return np.imag(self._perturbed(e)) / STEP

    def error(self, step: Step) -> float:
        lhs, rhs = step.lhs, step.expr
        rule = cat.BY_ID.get(step.rule)
        if rule is not None and rule.group == "solve":
            return self.equation_error(lhs, rhs)
        if lhs == Transpose(G):
            return relative_error(np.trace(self.base(rhs) @ self.inst.direction), self.dL)
        if lhs == G:
            return relative_error(np.sum(self.base(rhs) * self.inst.direction), self.dL)
        return relative_error(self.base(lhs), self.base(rhs))

    def equation_error(self, lhs: Expr, rhs: Expr) -> float:
        """How far `lhs = rhs` is from holding at the solution, against its terms' size."""
        ev = self.at_solution
        gap = float(np.linalg.norm(ev(lhs) - ev(rhs)))
        return gap / max(magnitude(lhs, ev) + magnitude(rhs, ev), 1e-8)

    def stationary_error(self) -> float:
        return self.equation_error(self.claim.gradient, ZERO)


def _trials(claim: Claim, rng: np.random.Generator):
    made, draws = 0, 0
    while made < TRIALS:
        draws += 1
        if draws > MAX_DRAWS:
            raise VerificationError(
                "could not find random instances on which every matrix to invert is "
                "invertible; the derivation was not checked")
        inst = draw_instance(claim.table, claim.wrt, rng)
        try:
            trial = _Trial(claim, inst)
        except EvaluationError:
            continue
        except ValueError as exc:   # numpy: shapes that do not fit are an engine bug
            raise VerificationError(f"the objective could not be evaluated: {exc}") from None
        yield trial
        made += 1


def verify(claim: Claim, seed: int = 0) -> Verification:
    """Check every step on TRIALS random instances; raise VerificationError on a failure."""
    rng = np.random.default_rng(seed)
    worst, checks = 0.0, 0
    for trial in _trials(claim, rng):
        for number, step in enumerate(claim.steps, 1):
            try:
                err = trial.error(step)
            except (EvaluationError, ValueError) as exc:
                raise VerificationError(
                    f"step {number} ({step.rule}) could not be evaluated: {exc}") from None
            if not err <= TOLERANCE:
                raise VerificationError(
                    f"step {number} ({step.rule}) failed its numeric check: "
                    f"{step.lhs} = {step.expr} is off by a relative error of {err:.2g}. "
                    f"This is a bug in tracetrick: the sheet was not written.")
            worst, checks = max(worst, err), checks + 1
        grad_err = trial.error(Step("identify-gradient", "", G, claim.gradient))
        if not grad_err <= TOLERANCE:
            raise VerificationError(
                f"the gradient {claim.gradient} fails the finite-difference check "
                f"(relative error {grad_err:.2g}); this is a bug in tracetrick")
        worst, checks = max(worst, grad_err), checks + 1
        if claim.solution is not None:
            err = trial.stationary_error()
            if not err <= TOLERANCE:
                raise VerificationError(
                    f"the solution {claim.solution} does not make the gradient zero "
                    f"(relative error {err:.2g}); this is a bug in tracetrick")
            worst, checks = max(worst, err), checks + 1
    return Verification(TRIALS, worst, checks)


def agree(a: Expr, b: Expr, table: SymbolTable, wrt: str, seed: int = 1) -> float:
    """The largest relative difference of two expressions on random instances
    (infinity when they could not be evaluated on any instance)."""
    rng = np.random.default_rng(seed)
    worst, compared = 0.0, 0
    for _ in range(MAX_DRAWS):
        inst = draw_instance(table, wrt, rng)
        ev = Evaluator(inst.values, inst.dims)
        try:
            worst = max(worst, relative_error(ev(a), ev(b)))
        except (EvaluationError, ValueError):
            continue
        compared += 1
        if compared == TRIALS:
            break
    return worst if compared else float("inf")


def sympy_agrees(objective: Expr, wrt: str, table: SymbolTable, gradient: Expr) -> bool | None:
    """Whether sympy's own derivative has our value; None where sympy gives none."""
    from generator.sympy_bridge import sympy_gradient
    theirs = sympy_gradient(objective, wrt, table)
    if theirs is None:
        return None
    error = agree(theirs, gradient, table, wrt)
    return None if error == float("inf") else error <= TOLERANCE
