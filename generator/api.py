"""The library's front door: `derive(problem) -> Derivation`.

The story: run the differential method on the objective (recording every rule),
solve for the variable when asked, then prove every recorded line numerically and
compare with what the problem says to expect.  Nothing is returned unverified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from generator.derivation import Derivation, SecondOrder, Verification
from generator.engine.context import Context
from generator.engine.earlier import EarlierResult
from generator.engine.jacobian import derive_jacobian
from generator.engine.names import EngineNames, hessian_names
from generator.engine.newton import newton_step
from generator.problem.guesses import broadcast_scalars, guessed_matrices
from generator.problem.intermediates import Intermediate, expanded
from generator.engine.records import Record
from generator.engine.differential import (
    GradientResult,
    derive_gradient,
    symmetrise,
    transpose_variable,
)
from generator.engine.phase_rules import DEFAULT_PHASE_RULES, PhaseRules
from generator.engine.recorder import Recorder
from generator.engine.solve import solve_for
from generator.errors import ProblemError, ShapeError, StuckError, VerificationError
from generator.engine.records import Condition
from generator.math.expr import Expr
from generator.math.shapes import readable
from generator.problem.model import COMMAND_LINE, Problem
from generator.check.verify import TOLERANCE, Claim, agree, sympy_agrees
from generator.check.verify import verify as verify_claim
from generator.syntax.limits import MAX_DEPTH, room_for_nesting

DERIVED_DEPTH = 4 * MAX_DEPTH  # how deep a derivation's lines may nest


def derive(
    problem: Problem,
    earlier: tuple[Derivation, ...] = (),
    *,
    verify: bool = True,
    phases: PhaseRules = DEFAULT_PHASE_RULES,
) -> Derivation:
    """Derive, solve if asked, and verify one problem.  `verify=False` skips the numeric
    proof and sympy's opinion (the benchmark times the engine alone): never for a sheet.
    `phases`: the rules each phase may apply (a test swaps one to see the check fire).

    `earlier`: derivations of the problems before this one on the same sheet; a step
    may then use one of their results and cite it ("by Problem 5"), as the notes do.
    An error names the problem's file and line (`problems/05.yaml:3: ...`).
    """
    try:
        # the lines nest deeper than the objective (the differential of a k-layer
        # network holds k-deep factors inside k-deep products), and comparing, hashing
        # and measuring them recurse: room for it, as the parser and printers make
        with room_for_nesting(DERIVED_DEPTH):
            return _derive(problem, earlier, verify, phases)
    except (StuckError, VerificationError, ShapeError) as err:
        # a refused Jacobian may come of a shape guessed from a name: say which
        hint = (
            guessed_matrices(problem)
            if isinstance(err, StuckError) and problem.kind == "jacobian"
            else ""
        )
        where = _where(problem)
        named = not where or str(err).startswith(where)
        if named and not hint:
            raise
        raise type(err)(f"{'' if named else where}{err}" + (f" ({hint})" if hint else "")) from None


def _derive(
    problem: Problem, earlier: tuple[Derivation, ...], verify: bool, phases: PhaseRules
) -> Derivation:
    ctx = problem_context(problem)
    named = tuple((item.name, item.meaning) for item in problem.where)
    rec = Recorder(ctx, phases)
    if problem.kind == "jacobian":
        return _derive_jacobian(problem, rec, verify)
    try:
        if problem.method == "elementwise":
            result = _elementwise(problem, rec)
        else:
            result = derive_gradient(problem.objective, ctx, rec, _results(earlier), named)
    except RecursionError:
        raise StuckError(
            f"{_where(problem)}the derivation of {problem.objective} did not terminate "
            f"(a rewrite kept growing the expression); this is a bug in tracetrick"
        ) from None
    layers = tuple(Intermediate(name, meaning) for name, meaning in result.layers)
    named += result.layers  # the lines are written in them: the check reads what they mean
    if len(problem.variables) > 1:
        return _several_variables(problem, rec, result, named, layers, verify)
    gradient, notes = result.gradient, _conventions(problem) + broadcast_scalars(problem)
    if problem.symmetric_gradient:
        gradient = symmetrise(rec, gradient)
    answer = gradient
    if problem.wrt_transposed:
        answer = transpose_variable(rec, problem.objective, gradient)
    solution: Expr | None = None
    conditions: tuple[Condition, ...] = ()
    if problem.solve:
        found = solve_for(rec, gradient)
        solution, conditions = found.value, found.conditions
    claim = Claim(
        problem.objective,
        problem.wrt,
        rec.ctx.table,
        dict(result.definitions) | dict(named),
        tuple(rec.steps),
        gradient,
        solution,
        rec.ctx.names,
    )
    verification = Verification(0, 0.0, 0)
    if verify:
        verification = verify_claim(claim)
    if verify and problem.sympy:
        verification = replace(
            verification,
            sympy_agrees=sympy_agrees(
                problem.objective, problem.wrt, problem.symbols, result.gradient
            ),
        )
    _check_expected(problem, "expect", problem.expect, answer)
    _check_expected(problem, "solution", problem.solution, solution)
    second = _hessian(problem, rec, gradient, verify) if problem.hessian else None
    records = tuple(rec.records) + (second.records if second else ())
    if second and verify:
        verification = verification.combined(second.verification)
    # the answer is printed in the contract's syntax, to be read back: sized where needed
    return Derivation(
        problem=problem,
        records=records,
        gradient=readable(answer, rec.ctx.table),
        verification=verification,
        solution=None if solution is None else readable(solution, rec.ctx.table),
        conditions=conditions,
        notes=notes + (_second_order_notes(problem, rec.ctx.names, second) if second else ()),
        symbols=rec.ctx.table,
        names=rec.ctx.names,
        second_order=second.answer if second else None,
        layers=layers,
        # the answer in the layers, where it is the gradient found (not its transpose)
        as_found=result.as_found if answer == result.gradient else (),
    )


@dataclass(frozen=True)
class _SecondOrder:
    """The Hessian's phases (and the Newton step's): their records, what they found, and
    their proof."""

    records: tuple[Record, ...]
    answer: SecondOrder
    verification: Verification


def _second_order_notes(
    problem: Problem, names: EngineNames, second: _SecondOrder
) -> tuple[str, ...]:
    """What the sheet says of the Hessian (and of a Newton step that lands at once)."""
    answer = second.answer
    L, H, x = names.objective, answer.names.gradient, problem.wrt
    notes: tuple[str, ...] = (
        f"`{H}` is symmetric: its entry (i, j) is the second derivative of `{L}` in the "
        f"i-th and the j-th entries of `{x}`, taken in either order.",
    )
    step = answer.newton
    if step is not None and answer.vectorised and step.left == step.point:
        notes += (
            (
                f"The Newton step was taken in vec form; as vec is one-to-one, "
                f"`vec({step.point}) = vec(M)` gives `{step.point} = M`."
            ),
        )
    if answer.newton is not None and answer.newton.lands:
        notes += (
            f"The Newton step does not depend on the point `{x}` it starts from: `{L}` "
            f"is quadratic, so one step from anywhere lands on the stationary point.",
        )
    return notes


def _hessian(problem: Problem, rec: Recorder, gradient: Expr, verify: bool) -> _SecondOrder:
    """The Hessian (contract 5.3): the Jacobian of the gradient, d(grad L) = H dx, by
    the Jacobian's method on G = grad L; its lines are checked as the Jacobian's are,
    with G as the function."""
    names = hessian_names(rec.ctx.names, rec.ctx.table.names())
    second = Recorder(replace(rec.ctx, names=names), rec.phases)
    result = derive_jacobian(gradient, second.ctx, second, hessian=True)
    verification = Verification(0, 0.0, 0)
    if verify:
        claim = Claim(
            gradient,
            problem.wrt,
            second.ctx.table,
            {},
            tuple(second.steps),
            result.jacobian,
            None,
            names,
            "jacobian",
            symmetric=True,
        )
        verification = verify_claim(claim)
    records, step = tuple(second.records), None
    if problem.newton:
        third = Recorder(second.ctx, rec.phases)
        step = newton_step(third, gradient, result.jacobian)
        records += tuple(third.records)
        if verify:  # each line a value of the new point, defined as the first
            first = third.steps[0]
            claim = Claim(
                first.expr,
                problem.wrt,
                third.ctx.table,
                {},
                tuple(third.steps),
                step.value,
                None,
                EngineNames(step.point, names.gradient),
                "value",
            )
            verification = verification.combined(verify_claim(claim))
    table = second.ctx.table  # the answer is printed in the contract's syntax (readable)
    answer = SecondOrder(
        readable(result.jacobian, table),
        names,
        readable(result.differential, table),
        result.vectorised,
        step,
    )
    return _SecondOrder(records, answer, verification)


def _several_variables(
    problem: Problem,
    rec: Recorder,
    result: GradientResult,
    named: tuple[tuple[str, Expr], ...],
    layers: tuple[Intermediate, ...],
    verify: bool,
) -> Derivation:
    """`wrt: [W1, W2]` (contract 5.4): one dL, then each gradient; every line checked
    with every variable moved at once, and each gradient against its own partial
    derivatives."""
    claim = Claim.of_gradients(
        problem.objective,
        rec.ctx.table,
        dict(result.definitions) | dict(named),
        tuple(rec.steps),
        result.gradients,
        rec.ctx.names,
    )
    verification = Verification(0, 0.0, 0)
    if verify:
        verification = verify_claim(claim)
    if verify and problem.sympy:  # of each gradient: it agrees only if it agrees on all
        opinions = [
            sympy_agrees(problem.objective, v, problem.symbols, g) for v, g in result.gradients
        ]
        agrees = False if False in opinions else (True if all(opinions) else None)
        verification = replace(verification, sympy_agrees=agrees)
    table = rec.ctx.table
    return Derivation(
        problem=problem,
        records=tuple(rec.records),
        gradient=readable(result.gradient, table),
        verification=verification,
        notes=broadcast_scalars(problem),
        symbols=table,
        names=rec.ctx.names,
        gradients=tuple((v, readable(g, table)) for v, g in result.gradients),
        layers=layers,
        as_found=result.as_found,
    )


def _derive_jacobian(problem: Problem, rec: Recorder, verify: bool) -> Derivation:
    """A vector objective: df brought to J dx (contract 5.2), every line checked."""
    result = derive_jacobian(problem.objective, rec.ctx, rec)
    claim = Claim(
        problem.objective,
        problem.wrt,
        rec.ctx.table,
        {},
        tuple(rec.steps),
        result.jacobian,
        None,
        rec.ctx.names,
        "jacobian",
    )
    verification = verify_claim(claim) if verify else Verification(0, 0.0, 0)
    _check_expected(problem, "expect", problem.expect, result.jacobian)
    return Derivation(
        problem=problem,
        records=tuple(rec.records),
        gradient=readable(result.jacobian, rec.ctx.table),
        verification=verification,
        notes=(jacobian_layout(problem, rec.ctx.names, result.vectorised),),
        symbols=rec.ctx.table,
        names=rec.ctx.names,
        differential=readable(result.differential, rec.ctx.table),
        vectorised=result.vectorised,
    )


def jacobian_layout(problem: Problem, names: EngineNames, vectorised: bool) -> str:
    """What a sheet with a Jacobian says of its layout (contract 5.2)."""
    f, J, x = str(names.objective), names.gradient, problem.wrt
    if vectorised:
        f, x = f"vec({f})", f"vec({x})"
        start = (
            f"`{J}` is the Jacobian of `{f}`, the columns of `{names.objective}` "
            f"stacked, with respect to `{x}`: `vec(d{names.objective}) = {J} "
            f"vec(d{problem.wrt})`. "
        )
    else:
        start = ""
    return (
        start + f"`{J}` is in numerator layout: its entry (i, j) is the derivative of "
        f"the i-th entry of `{f}` with respect to the j-th entry of `{x}`, a row per "
        f"entry of `{f}`. A gradient is in denominator layout, the shape of the "
        f"variable: the transpose of a scalar's one-row Jacobian."
    )


def problem_context(problem: Problem) -> Context:
    """The context a derivation of `problem` starts from: its variable varies, and so
    does each named result (`where:`) that depends on it."""
    ctx = Context.of_problem(problem.symbols, problem.variables, problem.kind)
    for item in problem.where:
        ctx = ctx.with_named(item.name, item.meaning)
    return ctx


def cites_earlier(problem: Problem, earlier: tuple[Derivation, ...]) -> bool:
    """Whether `derive(problem, earlier)` would use an earlier result: the trace form
    only, no derivation (so a parallel build re-derives just these problems)."""
    from generator.engine.differential import trace_form_of
    from generator.engine.earlier import find_use

    if problem.method != "differential" or problem.kind != "gradient" or not earlier:
        return False
    expr, ctx = trace_form_of(problem.objective, problem_context(problem))
    return find_use(expr, _results(earlier), ctx) is not None


def _results(earlier: tuple[Derivation, ...]) -> tuple[EarlierResult, ...]:
    """What a later problem may cite: the numbered, untransposed gradients."""
    results = []
    for d in earlier:
        p = d.problem
        if p.number is None or p.wrt_transposed or p.symmetric_gradient or p.kind != "gradient":
            continue
        constants = tuple(
            s.name for s in p.symbols.symbols if s.name != p.wrt and len(s.shape) == 2
        )
        properties = tuple((s.name, s.properties) for s in p.symbols.symbols if s.properties)
        results.append(
            EarlierResult(p.heading, p.objective, p.wrt, d.gradient, constants, properties)
        )
    return tuple(results)


def _elementwise(problem: Problem, rec: Recorder) -> GradientResult:
    from generator.index.method import derive_elementwise

    gradient = derive_elementwise(problem.objective, rec)
    return GradientResult(tuple(rec.records), ((problem.wrt, gradient),), (), rec.ctx)


def _conventions(problem: Problem) -> tuple[str, ...]:
    """What the sheet must say about the convention its answer follows."""
    x = problem.wrt
    if not problem.symbols[x].has("symmetric"):
        return ()
    if problem.symmetric_gradient:
        return (
            f"`{x}` is symmetric: the gradient given is the symmetric part (G + G^T)/2 "
            f"of the gradient of L as a function of an unconstrained `{x}`.",
        )
    return (
        f"`{x}` is symmetric: the gradient given is that of L as a function of an "
        f"unconstrained `{x}` (the usual convention); `symmetric_gradient: true` gives "
        f"its symmetric part (G + G^T)/2 instead.",
    )


def derive_text(
    objective: str, wrt: str | tuple[str, ...], lets: tuple[str, ...] = (), **options: Any
) -> Derivation:
    """`derive_text("tr(X^T A X)", "X")`: parse, infer shapes, derive, verify (`wrt`
    may be several variables: `("U", "V")`)."""
    from generator.problem.command_line import problem_from_text

    return derive(problem_from_text(objective, wrt, tuple(lets), **options))


def _check_expected(
    problem: Problem, key: str, expected: Expr | None, derived: Expr | None
) -> None:
    if expected is None:
        return
    if derived is None:
        raise ProblemError(
            f"{_where(problem, key)}{key}: given, but the problem has no solve: true"
        )
    # named results compared by what they mean (the random instances give symbols values)
    error = agree(
        expanded(expected, problem.where),
        expanded(derived, problem.where),
        problem.symbols,
        problem.wrt,
    )
    if not error <= TOLERANCE:
        raise ProblemError(
            f"{_where(problem, key)}{key}: the derived answer {derived} differs from the "
            f"expected {expected} (relative difference {error:.2g} on random instances); "
            f"check the expected answer in the problem file"
        )


def _where(problem: Problem, key: str = "objective") -> str:
    """`problems/05.yaml:3: ` for a problem from a file, the line of its field `key`;
    nothing on the command line."""
    if problem.source is None or problem.source.path == COMMAND_LINE:
        return ""
    return f"{problem.source.of(key)}: "
