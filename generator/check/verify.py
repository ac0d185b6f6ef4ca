"""Numeric proof of every line: a derivation that fails here is never printed.

Each recorded Step is an equation `lhs = expr`.  What its left side means decides how
it is checked on random instances (see generator.check.numeric):
- `L`: the value of the objective;
- anything with a differential (`dL`, `dR`, a term `tr(dX^T A X)`): a directional
  derivative along a random direction E, computed exactly by the complex step;
- `G^T` and `G`: the theorem itself, tr(G^T E) = dL(E);
- a step of the solve phase: both sides at the solution found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from generator.engine.records import Step
from generator.math.shapes import group_scalar_runs
from generator.engine import catalogue as cat
from generator.engine.names import DEFAULT_NAMES, EngineNames, residual
from generator.caret import clip
from generator.check import deadline
from generator.errors import ShapeError, UncheckableError, VerificationError
from generator.math.expr import (
    ZERO,
    Add,
    Diag,
    Differential,
    Expr,
    Hadamard,
    Inverse,
    Mul,
    Quantity,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
)
from generator.check.arrays import (
    EvaluationError,
    UnluckyInstance,
    entry,
    over_entries,
    product,
    vec_of,
)
from generator.check.numeric import STEP, Evaluator, Instance, draw_instance, on_positive_domain
from generator.math.indexed import IndexedSum, Run, fold_run
from generator.math.symbols import SymbolTable

TOLERANCE = 1e-6
# Where the parts of earlier lines cancelled (`X X^-1`), a line is left with their
# rounding noise, some machine epsilons times their size (times a condition number):
# it may be off by TOLERANCE * CANCELLED_WEIGHT = 1e-10 of them, no more, so an answer
# that is wrong by a small term beside large cancelling parts is still caught.
CANCELLED_WEIGHT = 1e-4
# Beyond this, sympy is not consulted: nodes of the objective, doubled for each inverse
# in it (sympy's derivative of an inverse of a sum of products grows fast: 39 nodes with
# 4 inverses took it 40 s; the public corpus's largest, 14 nodes and 1 inverse, 0.7 s).
SYMPY_BUDGET = 40
SYMPY_SECONDS = 2.0  # and no more time than this (the corpus's slowest takes 0.7 s)
TRIALS = 3
MAX_DRAWS = 30  # redraws when an instance of a draw makes a needed matrix singular


@dataclass(frozen=True)
class Verification:
    """What was checked numerically."""

    trials: int
    max_rel_error: float
    checks: int  # how many (line, trial) comparisons were made
    # sympy's second opinion (asked for: Problem.sympy): True, it agrees; False, its
    # derivative fails the check the answer passed; None, not asked or it gave none
    sympy_agrees: bool | None = None

    @property
    def sympy_opinion(self) -> str:
        """What a sheet says of sympy's second opinion; '' where there is none."""
        return SYMPY_OPINIONS[self.sympy_agrees]

    def combined(self, other: "Verification") -> "Verification":
        """Two proofs of one derivation's parts (the gradient's lines, the Hessian's):
        every check of both, the worst error of either; sympy's verdict is the first's."""
        return Verification(
            min(self.trials, other.trials),
            max(self.max_rel_error, other.max_rel_error),
            self.checks + other.checks,
            self.sympy_agrees,
        )


SYMPY_OPINIONS = {
    True: "sympy's own matrix derivative agrees",
    False: "sympy's own matrix derivative gives another value, which fails the same check",
    None: "",
}


@dataclass(frozen=True)
class Claim:
    """What is to be verified: the problem's objective and the derivation's lines."""

    objective: Expr
    wrt: str
    table: SymbolTable  # with the named subexpressions (R) added
    definitions: Mapping[str, Expr]
    steps: tuple[Step, ...]
    gradient: Expr  # the derivative: the gradient, or the Jacobian (`kind`)
    solution: Expr | None = None
    names: EngineNames = DEFAULT_NAMES  # the engine's L and G (f and J) in these lines
    kind: str = "gradient"  # generator.problem.model.KINDS, or "value": lines of values
    # (x_new = ...), with no derivative to identify; or
    # "gradients": several variables, each its own (`answers`)
    symmetric: bool = False  # the derivative must be symmetric (a Hessian)
    # several variables (`wrt: [W1, W2]`): all of them, each moved along its own direction
    # in every differential, and (grad_W L, its value) for each, checked entry by entry
    variables: tuple[str, ...] = ()
    answers: tuple[tuple[Expr, Expr], ...] = ()

    @classmethod
    def of_gradients(
        cls,
        objective: Expr,
        table: SymbolTable,
        definitions: Mapping[str, Expr],
        steps: tuple[Step, ...],
        gradients: tuple[tuple[str, Expr], ...],
        names: EngineNames,
    ) -> "Claim":
        """Several variables' lines and gradients (`wrt: [W1, W2]`): each gradient is
        checked as grad_W L, computed entry by entry."""
        from generator.math.index_nodes import GradientOf

        answers = tuple(
            (GradientOf(objective, v, name=names.objective.name), g) for v, g in gradients
        )
        return cls(
            objective,
            gradients[0][0],
            table,
            definitions,
            steps,
            gradients[0][1],
            None,
            names,
            "gradients",
            variables=tuple(v for v, _ in gradients),
            answers=answers,
        )

    @property
    def moved(self) -> tuple[str, ...]:
        """The variables a differential moves."""
        return self.variables or (self.wrt,)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """The largest relative difference of two values (of a stack of draws: the worst;
    a number or a vector is a matrix of one row)."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    if not _comparable(a, b):
        return float("inf")
    scale = np.maximum(np.maximum(_norm(a), _norm(b)), 1e-8)
    return float(np.max(_norm(a - b) / scale))


def _comparable(a: np.ndarray, b: np.ndarray) -> bool:
    """Matrices of one shape, or a 1 x 1 (a number, or a zero) beside anything."""
    return a.shape[-2:] == b.shape[-2:] or (1, 1) in (a.shape[-2:], b.shape[-2:])


# (the size of a node's parts, the norm of its value): numbers, one per draw of a stack
Measured = tuple[np.ndarray, np.ndarray]


def magnitude(e: Expr, ev: Evaluator, memo: dict[Expr, Measured] | None = None) -> np.ndarray:
    """The size of the numbers `e` is computed from, so that a difference that should
    vanish is measured against them (its rounding noise is some epsilons of them), not
    against itself.  A sum counts each term's size; a product, each factor's size times
    the values of the others (the first-order spread of its error), so the slack of one
    level is not multiplied into the next: a bound of norms all the way down overstated
    a deep gradient a million times, and a wrong term hid in it.  `memo`: what was
    measured already with this evaluator (the lines of a derivation share most parts)."""
    return _measured(e, ev, {} if memo is None else memo)[0]


def _measured(e: Expr, ev: Evaluator, memo: dict[Expr, Measured]) -> Measured:
    found = memo.get(e)
    if found is not None:
        return found
    if isinstance(e, Run):
        return _measured_run(e, ev, memo)
    size: np.ndarray | float
    if isinstance(e, IndexedSum):
        size = sum(_measured(e.term(j), ev, memo)[0] for j in e.numbers())
    elif isinstance(e, Add):
        size = sum(_measured(t, ev, memo)[0] for t in e.terms)
    elif isinstance(e, Mul):
        parts = [_measured(f, ev, memo) for f in e.factors]
        others = _others([value for _, value in parts])
        size = _largest_of([part_size * other for (part_size, _), other in zip(parts, others)])
    elif isinstance(e, Hadamard) and not e.divide:  # |A .* B| <= |A| max|B|
        size = np.maximum(
            _measured(e.left, ev, memo)[0] * _largest(ev(e.right)),
            _largest(ev(e.left)) * _measured(e.right, ev, memo)[0],
        )
    elif isinstance(e, Trace):  # |tr A| <= sqrt(n) |A|
        size = _measured(e.arg, ev, memo)[0] * np.sqrt(ev(e.arg).shape[-2])
    elif isinstance(e, SumEntries):  # |sum A| <= sqrt(entries) |A|
        rows, cols = ev(e.arg).shape[-2:]
        size = _measured(e.arg, ev, memo)[0] * np.sqrt(rows * cols)
    elif isinstance(e, (Transpose, Diag)):  # both keep (some of) the entries as they are
        size = _measured(e.arg, ev, memo)[0]
    elif isinstance(e, Differential) and not isinstance(e.arg, Symbol):
        # a named subexpression (R = A x - b) is as large as what it names
        size = _differential_magnitude(ev.definitions.get(e.arg, e.arg), ev, memo)
    elif isinstance(e, Quantity) and e in ev.definitions:
        size = _measured(ev.definitions[e], ev, memo)[0]
    else:
        size = 0.0
    value = _norm(ev(e))
    memo[e] = (np.maximum(size, value), value)
    return memo[e]


def _measured_run(run: Run, ev: Evaluator, memo: dict[Expr, Measured]) -> Measured:
    """A run measured as the product of its periods is: each period's size times the
    values of the others (`_others`), and for its value the product of theirs, as if it
    were written out; from a shorter run's measure where there is one (fold_run)."""
    if not run.numbers():  # the identity: exact, and it scales nothing
        return np.asarray(1.0), np.asarray(1.0)

    def keep(part: Run, measured: Measured) -> None:
        memo[part] = measured

    memo[run] = fold_run(run, lambda p: _measured(p, ev, memo), _joined, memo.get, keep)
    return memo[run]


def _joined(left: Measured, right: Measured) -> Measured:
    """The measure of the product of two parts."""
    (left_size, left_value), (right_size, right_value) = left, right
    return (
        np.maximum(left_size * right_value, right_size * left_value),
        np.asarray(left_value * right_value),
    )


def _others(values: list[np.ndarray]) -> list[np.ndarray]:
    """For each value, the product of all the others: the products before and after it,
    each made once (a chain of k factors costs k, not k^2)."""
    before: list[np.ndarray | float] = [1.0]
    after: list[np.ndarray | float] = [1.0]
    for value in values[:-1]:
        before.append(before[-1] * value)
    for value in reversed(values[1:]):
        after.append(after[-1] * value)
    return [np.asarray(b * a) for b, a in zip(before, reversed(after))]


def _norm(value: np.ndarray) -> np.ndarray:
    """The Frobenius norm of each draw's matrix."""
    return np.sqrt(np.sum(np.abs(np.asarray(value)) ** 2, axis=(-2, -1)))


def _largest(value: np.ndarray) -> np.ndarray:
    return np.max(np.abs(value), axis=(-2, -1))


def _largest_of(values: list[np.ndarray]) -> np.ndarray:
    """The largest of several numbers per draw, draw by draw."""
    return np.max(np.broadcast_arrays(*values), axis=0)


def _differential_magnitude(u: Expr, ev: Evaluator, memo: dict[Expr, Measured]) -> np.ndarray:
    """The size of the parts of d(u), the product rule's terms: its value may be small
    where they cancel (d(X X^-1) = 0), and its rounding noise is that of the parts."""

    def d(v: Expr) -> np.ndarray:
        return _measured(Differential(v), ev, memo)[0]

    if isinstance(u, Add):
        return np.asarray(sum(d(t) for t in u.terms))
    if isinstance(u, Mul):
        others = _others([_measured(f, ev, memo)[1] for f in u.factors])
        return np.asarray(sum(d(f) * other for f, other in zip(u.factors, others)))
    if isinstance(u, Hadamard) and not u.divide:
        return d(u.left) * _largest(ev(u.right)) + _largest(ev(u.left)) * d(u.right)
    if isinstance(u, (Transpose, Diag)):
        return d(u.arg)
    if isinstance(u, Trace):
        return d(u.arg) * np.sqrt(ev(u.arg).shape[-2])
    if isinstance(u, SumEntries):
        rows, cols = ev(u.arg).shape[-2:]
        return d(u.arg) * np.sqrt(rows * cols)
    if isinstance(u, Inverse):  # d(X^-1) = -X^-1 dX X^-1
        return _norm(ev(u)) ** 2 * d(u.arg)
    return _norm(ev(Differential(u)))


def scaled_error(a: np.ndarray, b: np.ndarray, scale: np.ndarray | float) -> np.ndarray:
    """|a - b| against the larger of |a|, |b| and the size of the parts b is made of,
    draw by draw."""
    a, b = np.asarray(a), np.asarray(b)
    gap, sizes = _norm(a - b), (_norm(a), _norm(b))
    if not (np.all(np.isfinite(gap)) and all(np.all(np.isfinite(s)) for s in sizes)):
        raise UnluckyInstance("values too large to compare on this instance")
    # a bound that overflowed bounds nothing: never excuse a gap
    scale = np.where(np.isfinite(scale), scale, 0.0)
    return gap / _largest_of([*sizes, scale, np.asarray(1e-8)])


class _Trial:
    """The random instances of one draw (a stack of TRIALS, evaluated together) with
    their base and perturbed evaluators."""

    def __init__(self, claim: Claim, inst: Instance):
        self.claim, self.inst = claim, inst
        defs: dict = {residual(name): e for name, e in claim.definitions.items()}
        defs[claim.names.objective] = claim.objective
        perturbed = dict(inst.values)
        for name, direction in inst.directions.items():
            perturbed[name] = inst.values[name] + 1j * STEP * direction
        self._perturbed = Evaluator(perturbed, inst.dims, definitions=defs)
        self.base = Evaluator(inst.values, inst.dims, inst.directions, self.derivative, defs)
        self.dL = self.derivative(claim.objective)
        self.sizes: dict[Expr, Measured] = {}  # magnitude's memo for `base`
        self.at_solution: Evaluator | None = None
        if claim.solution is not None:
            x_star = np.real_if_close(self.base(claim.solution))
            values = dict(inst.values)
            values[claim.wrt] = x_star
            self.at_solution = Evaluator(values, inst.dims, definitions=defs)

    def derivative(self, e: Expr) -> np.ndarray:
        return np.imag(self._perturbed(e)) / STEP

    def error(
        self, step: Step, floor: np.ndarray | float = 0.0, own: np.ndarray | None = None
    ) -> np.ndarray:
        """The relative error of one line.  `floor`: the size of the parts the lines
        before it about the same quantity were computed from (`scale_of`): a line where
        they cancelled (`G = 0` from `X X^-1`) is measured against their rounding noise
        (CANCELLED_WEIGHT), not against the noise its own side is left with.  `own`: the
        line's own `scale_of`, when the caller has it."""
        lhs, rhs = step.lhs, step.expr
        rule = cat.BY_ID.get(step.rule)
        if rule is not None and rule.group == "solve" or lhs == Symbol(self.claim.wrt):
            return self.equation_error(lhs, rhs)  # an equation that holds at the solution
        scale = np.maximum(self.scale_of(step) if own is None else own, floor * CANCELLED_WEIGHT)
        G = self.claim.names.gradient
        if lhs == Transpose(G):
            # `G^T = 0` (dL = 0) is a 1 x 1 zero: a product with E as the evaluator forms it
            return scaled_error(
                entry(np.trace(product(self.base(rhs), self.inst.direction), axis1=-2, axis2=-1)),
                self.dL,
                scale,
            )
        if lhs == G:  # the theorem: dL = tr(G^T dX), or df = J dx
            if self.claim.kind == "jacobian":  # vec(df) = J vec(dX)
                return scaled_error(
                    product(self.base(rhs), vec_of(self.inst.direction)), vec_of(self.dL), scale
                )
            return scaled_error(
                over_entries(np.sum, self.base(rhs) * self.inst.direction), self.dL, scale
            )
        return scaled_error(self.base(lhs), self.base(rhs), scale)

    def quantity(self, lhs: Expr) -> Expr:
        """What a line's error is measured in: G and G^T are checked through dL."""
        names = self.claim.names
        return names.d_objective if lhs in (names.gradient, Transpose(names.gradient)) else lhs

    def scale_of(self, step: Step) -> np.ndarray:
        """The size of the parts a line's right side is computed from, in the units of its
        quantity (a gradient line's through the direction it is applied to)."""
        scale = magnitude(step.expr, self.base, self.sizes)
        if self.quantity(step.lhs) != step.lhs:
            scale = scale * _norm(self.inst.direction)
        return scale

    def equation_error(self, lhs: Expr, rhs: Expr) -> np.ndarray:
        """How far `lhs = rhs` is from holding at the solution, against its terms' size."""
        ev = self.at_solution
        assert ev is not None  # set for a claim with a solution, the only one asked
        gap = _norm(ev(lhs) - ev(rhs))
        return gap / np.maximum(magnitude(lhs, ev) + magnitude(rhs, ev), 1e-8)

    def stationary_error(self) -> np.ndarray:
        return self.equation_error(self.claim.gradient, ZERO)


Said = Callable[[float], str]  # the message of a failed check, given its error


def _errors_of_trial(claim: Claim, trial: "_Trial") -> list[tuple[Said, np.ndarray]]:
    """(what a failure would say, relative error in each draw) for every line, all the
    draws of the trial at once; a message is only written for a line that fails
    (printing every line of a long derivation costs more than checking it).

    Raises UnluckyInstance when the instance makes a needed matrix singular: the
    caller then draws another instance.  A line that cannot be evaluated on any
    instance is a VerificationError naming it.
    """
    errors: list[tuple[Said, np.ndarray]] = []
    floors: dict[Expr, np.ndarray] = {}  # quantity -> the largest parts of a line about it
    for number, step in enumerate(claim.steps, 1):
        quantity = trial.quantity(step.lhs)
        try:
            own = trial.scale_of(step)
            err = trial.error(step, floors.get(quantity, 0.0), own)
            floors[quantity] = np.maximum(floors.get(quantity, 0.0), own)
        except UnluckyInstance:
            raise
        except (ValueError, EvaluationError) as exc:  # shapes that do not fit: a bug
            raise VerificationError(
                f"step {number} ({step.rule}) could not be evaluated: {exc} "
                f"({step.lhs} = {step.expr}); this is a bug in tracetrick: the sheet was "
                f"not written"
            ) from None

        def failed_step(e: float, n: int = number, s: Step = step) -> str:
            return (
                f"step {n} ({s.rule}) failed its numeric check: {s.lhs} = {s.expr} is off "
                f"by a relative error of {e:.2g}. This is a bug in tracetrick: the sheet "
                f"was not written."
            )

        errors.append((failed_step, err))
    if claim.kind == "value":
        return errors
    if claim.symmetric:
        value = trial.base(claim.gradient)
        errors.append(
            (
                lambda e: (
                    f"the Hessian {claim.gradient} is not symmetric (relative "
                    f"error {e:.2g}); this is a bug in tracetrick"
                ),
                np.asarray(relative_error(value, np.swapaxes(value, -1, -2))),
            )
        )
    answers = claim.answers or ((claim.names.gradient, claim.gradient),)
    for name, answer in answers:
        identify = Step("identify-gradient", "", name, answer)

        def failed_answer(e: float, a: Expr = answer) -> str:
            return (
                f"the {claim.kind.rstrip('s')} {a} fails the finite-difference check "
                f"(relative error {e:.2g}); this is a bug in tracetrick"
            )

        errors.append((failed_answer, trial.error(identify, floors.get(trial.quantity(name), 0.0))))
    if claim.solution is not None:
        errors.append(
            (
                lambda e: (
                    f"the solution {claim.solution} does not make the gradient "
                    f"zero (relative error {e:.2g}); this is a bug in "
                    f"tracetrick"
                ),
                trial.stationary_error(),
            )
        )
    return errors


def verify(claim: Claim, seed: int = 0) -> Verification:
    """Check every line on TRIALS random instances; raise VerificationError on a failure.

    The instances have the same sizes and are evaluated together, each line once on all
    of them (numpy works on the stack).  A draw in which a matrix to invert is singular
    (or nearly) in some instance says nothing about the derivation: it is replaced by
    another, up to MAX_DRAWS draws.
    """
    rng = np.random.default_rng(seed)
    unlucky = ""  # why the last draws said nothing
    positive = on_positive_domain(claim.objective)
    for _ in range(MAX_DRAWS):
        try:
            # numpy's overflow warnings would reach the user's terminal; an overflow is
            # an unlucky instance (scaled_error) or a size that bounds nothing (_norm)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                instance = draw_instance(
                    claim.table, claim.moved, rng, positive=positive, draws=TRIALS
                )
                errors = _errors_of_trial(claim, _Trial(claim, instance))
        except UnluckyInstance as why:
            unlucky = str(why)
            continue
        except (ValueError, EvaluationError) as exc:
            raise VerificationError(f"the objective could not be evaluated: {exc}") from None
        worst = 0.0
        for said, err in errors:
            largest = float(np.max(err))
            if not largest <= TOLERANCE:  # NaN fails too
                raise VerificationError(said(largest))
            worst = max(worst, largest)
        return Verification(TRIALS, worst, len(errors) * TRIALS)
    raise UncheckableError(
        f"no {MAX_DRAWS} random draws of {TRIALS} instances had every matrix to invert "
        f"invertible and every value finite in all of them (the last: "
        f"{clip(unlucky, 1)[0]}); nothing could be checked, so no sheet is written"
    )


def agree(a: Expr, b: Expr, table: SymbolTable, wrt: str, seed: int = 1) -> float:
    """The largest relative difference of two expressions on TRIALS random instances, as
    the checks measure a line (scaled_error) (infinity when they could not be evaluated
    on any draw, or differ in shape).  Either may be written as a user writes it
    (`(x^T x)^-1 x^T A x x`): its scalar runs are grouped first."""
    try:
        a, b = group_scalar_runs(a, table), group_scalar_runs(b, table)
    except ShapeError:
        return float("inf")
    rng = np.random.default_rng(seed)
    positive = on_positive_domain(a) | on_positive_domain(b)
    for _ in range(MAX_DRAWS):  # TRIALS instances at once, as `verify` draws them
        inst = draw_instance(table, wrt, rng, positive=positive, draws=TRIALS)
        ev = Evaluator(inst.values, inst.dims)
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # too large: not compared
                first, second = ev(a), ev(b)
                if not _comparable(first, second):
                    return float("inf")
                # measured as the checks measure a line: where both vanish by cancelling
                # parts (a gradient that is 0 for a square X), against those parts' noise
                parts = np.maximum(magnitude(a, ev), magnitude(b, ev))
                return float(np.max(scaled_error(first, second, CANCELLED_WEIGHT * parts)))
        except (EvaluationError, ValueError):
            continue
    return float("inf")


def sympy_agrees(objective: Expr, wrt: str, table: SymbolTable, gradient: Expr) -> bool | None:
    """Whether sympy's own derivative has our value (`gradient`, which passed its
    checks); None where sympy gives none: its matrix calculus slows down sharply with size
    and with inverses, so objectives beyond SYMPY_BUDGET are not sent to it, and it has
    SYMPY_SECONDS.  Where it gives another value, that value is put to the same
    finite-difference check: False only when it fails it (sympy is wrong, as for a sum of
    traces it differentiates to 0), None when it passes too (two values the check
    cannot tell apart: no verdict is printed rather than a wrong one)."""
    nodes = list(objective.walk())
    if len(nodes) * 2 ** sum(isinstance(n, Inverse) for n in nodes) > SYMPY_BUDGET:
        return None
    from generator.check.sympy_bridge import sympy_gradient

    if not deadline.can_limit():  # a thread: the budget above is all there is
        theirs = sympy_gradient(objective, wrt, table)
    else:
        try:
            with deadline.within(SYMPY_SECONDS):
                theirs = sympy_gradient(objective, wrt, table)
        except deadline.OutOfTime:
            return None
    if theirs is None:
        return None
    error = agree(theirs, gradient, table, wrt)
    if error == float("inf"):
        return None
    if error <= TOLERANCE:
        return True
    try:
        verify(Claim(objective, wrt, table, {}, (), theirs))
    except VerificationError:
        return False
    return None
