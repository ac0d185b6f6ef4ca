"""The evidence corpus (tests/corpus.py): every identity, checked twice.

(a) The hand-written answer is checked alone, with no part of the engine's calculus:
    central finite differences of the objective along random directions must equal
    sum(expected .* E) (a gradient) or expected E (a Jacobian); for a solve row the expected gradient must vanish at the
    expected solution.  A failure here is a wrong row, not a wrong engine.
    A Hessian row's Hessian is checked by mixed second differences along two random
    directions (f^T H e).
(b) tracetrick derives the gradient (the solution, the Hessian), every recorded step
    verified, and its answers agree with the hand-written ones on random instances.
"""
from __future__ import annotations

import functools

from pathlib import Path

import numpy as np
import pytest

from corpus import CORPUS, Identity
from generator.api import derive
from generator.math.expr import Add
from generator.problem.command_line import problem_from_text
from generator.check.numeric import EvaluationError, Evaluator, draw_instance
from generator.syntax.parser import parse
from generator.check.verify import agree

H = 1e-6               # central-difference step, relative to the size of the variable
FD_TOLERANCE = 1e-5    # relative: central differences are good to ~1e-9 here
SOLVE_TOLERANCE = 1e-8
AGREE_TOLERANCE = 1e-8
TRIALS = 3             # random instances per row
MAX_DRAWS = 30         # redraws when an instance makes a needed matrix singular

ROWS = [pytest.param(row, id=row.id) for row in CORPUS]


def test_the_corpus_is_large_and_its_rows_distinct():
    assert len(CORPUS) >= 60
    assert len({row.id for row in CORPUS}) == len(CORPUS)
    assert all(row.solution is not None for row in CORPUS if row.solve)
    assert sum(row.source.startswith("Cookbook") for row in CORPUS) >= 50


# ----- (a) the hand-written answer, by finite differences ---------------------------------

def _value(expr, values, dims) -> np.ndarray:
    result = np.asarray(Evaluator(values, dims)(expr), dtype=float)
    if not np.all(np.isfinite(result)):
        raise EvaluationError("not finite on this instance")
    return result


def _scale(expr, values, dims) -> float:
    """The size of the numbers a (vanishing) value is computed from: the sum of the
    norms of its terms."""
    terms = expr.terms if isinstance(expr, Add) else (expr,)
    return sum(float(np.linalg.norm(_value(t, values, dims))) for t in terms)


def _instances(row: Identity, table, rng):
    """Random instances on which the objective and the expected answer are defined."""
    for _ in range(MAX_DRAWS):
        yield draw_instance(table, row.wrt, rng)


@pytest.mark.parametrize("row", ROWS)
def test_expected_answer_by_finite_differences(row: Identity):
    problem = problem_from_text(row.objective, row.wrt, row.lets)
    table, objective, expected = problem.symbols, problem.objective, parse(row.expected)
    rng = np.random.default_rng(20240601)
    checked = 0
    for inst in _instances(row, table, rng):
        x = np.asarray(inst.values[row.wrt], dtype=float)
        # An unconstrained direction: for a symmetric variable the answer is the gradient
        # of the unconstrained function (contract 1.1), so check all of it.
        direction = rng.standard_normal(x.shape)
        h = H * max(1.0, float(np.linalg.norm(x)))

        def f(t: float) -> np.ndarray:
            values = dict(inst.values)
            values[row.wrt] = x + t * direction
            return _value(objective, values, inst.dims).ravel(order="F")   # vec(f)

        try:
            finite_difference = (f(h) - f(-h)) / (2 * h)
            answer = _value(expected, inst.values, inst.dims)
            floor = 1e-3 * _scale(expected, inst.values, inst.dims) * float(
                np.linalg.norm(direction))
        except EvaluationError:
            continue
        if problem.kind == "jacobian":   # df = J dx: a row per entry of f
            if answer.size == 1:
                answer = answer.reshape(()) * np.eye(x.size)   # c I written as c
            assert answer.shape == (finite_difference.size, x.size), (
                f"expected Jacobian has shape {answer.shape}, not (entries of f, of x)")
            predicted = answer @ direction.ravel(order="F")   # J vec(E)
        else:
            assert answer.shape == x.shape, (
                f"expected answer has shape {answer.shape}, the variable {x.shape}")
            predicted = np.array([np.sum(answer * direction)])
        # `floor`: where the terms of the answer cancel (a gradient that is 0), the error is
        # measured against the size of the terms
        gap = float(np.linalg.norm(finite_difference - predicted))
        error = gap / max(float(np.linalg.norm(finite_difference)),
                          float(np.linalg.norm(predicted)), floor, 1e-12)
        assert error < FD_TOLERANCE, (
            f"{row.id}: d/dt f(X + tE) = {finite_difference} by finite differences, but "
            f"the expected answer applied to E gives {predicted} (relative error "
            f"{error:.2g}, dims {dict(inst.dims)})")
        checked += 1
        if checked == TRIALS:
            break
    assert checked == TRIALS, f"only {checked} random instances could be evaluated"


@pytest.mark.parametrize("row", [r for r in ROWS if r.values[0].solve])
def test_expected_gradient_vanishes_at_expected_solution(row: Identity):
    problem = problem_from_text(row.objective, row.wrt, row.lets)
    table, expected, solution = problem.symbols, parse(row.expected), parse(row.solution)
    rng = np.random.default_rng(20240602)
    checked = 0
    for inst in _instances(row, table, rng):
        try:
            x_star = _value(solution, inst.values, inst.dims)
            values = dict(inst.values)
            values[row.wrt] = x_star
            at_solution = _value(expected, values, inst.dims)
            scale = _scale(expected, values, inst.dims) + _scale(expected, inst.values, inst.dims)
        except EvaluationError:
            continue
        assert x_star.shape == np.shape(inst.values[row.wrt])
        residual = float(np.linalg.norm(at_solution)) / max(scale, 1e-12)
        assert residual < SOLVE_TOLERANCE, (
            f"{row.id}: the expected gradient is {residual:.2g} (relative) at the expected "
            f"solution, not 0")
        checked += 1
        if checked == TRIALS:
            break
    assert checked == TRIALS, f"only {checked} random instances could be evaluated"


def second_differences(problem, inst, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """d^2/dt ds L(x + t E + s F) by central differences, with the directions E, F."""
    x = np.asarray(inst.values[problem.wrt], dtype=float)
    e, f = rng.standard_normal(x.shape), rng.standard_normal(x.shape)
    h = 1e-4 * max(1.0, float(np.linalg.norm(x)))

    def value(t: float, s: float) -> float:
        values = dict(inst.values)
        values[problem.wrt] = x + t * e + s * f
        return float(_value(problem.objective, values, inst.dims).reshape(()))

    mixed = (value(h, h) - value(h, -h) - value(-h, h) + value(-h, -h)) / (4 * h * h)
    return mixed, e, f


@pytest.mark.parametrize("row", [r for r in ROWS if r.values[0].hessian])
def test_expected_hessian_by_second_differences(row: Identity):
    """f^T H e is the mixed second derivative of L along e and f."""
    problem = problem_from_text(row.objective, row.wrt, row.lets)
    expected = parse(row.hessian)
    rng = np.random.default_rng(20240603)
    checked = 0
    for inst in _instances(row, problem.symbols, rng):
        try:
            mixed, e, f = second_differences(problem, inst, rng)
            hessian = _value(expected, inst.values, inst.dims)
            scale = _scale(expected, inst.values, inst.dims)
        except EvaluationError:
            continue
        n = e.size
        hessian = hessian.reshape(()) * np.eye(n) if hessian.size == 1 and n > 1 else hessian
        assert hessian.shape == (n, n), f"expected Hessian has shape {hessian.shape}"
        predicted = float(f.ravel() @ hessian @ e.ravel())
        error = abs(mixed - predicted) / max(abs(mixed), abs(predicted),
                                             1e-3 * scale, 1e-12)
        assert error < 1e-4, (f"{row.id}: the mixed second difference is {mixed:.10g}, "
                              f"f^T H e = {predicted:.10g} (relative error {error:.2g})")
        checked += 1
        if checked == TRIALS:
            break
    assert checked == TRIALS, f"only {checked} random instances could be evaluated"


# ----- (b) tracetrick's derivation --------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _derived(row: Identity):
    """(the problem, its verified derivation): derived once for the tests that read it."""
    problem = problem_from_text(row.objective, row.wrt, row.lets, solve=row.solve,
                                hessian=row.hessian is not None)
    return problem, derive(problem)


@pytest.mark.parametrize("row", ROWS)
def test_tracetrick_derives_the_expected_answer(row: Identity):
    problem, derivation = _derived(row)
    assert derivation.verification.max_rel_error < 1e-8
    difference = agree(parse(row.expected), derivation.gradient, problem.symbols, row.wrt)
    assert difference < AGREE_TOLERANCE, (
        f"derived {derivation.gradient}, expected {row.expected} "
        f"(relative difference {difference:.2g})")
    if row.hessian is not None:
        difference = agree(parse(row.hessian), derivation.second_order.hessian, problem.symbols, row.wrt)
        assert difference < AGREE_TOLERANCE, (
            f"Hessian {derivation.second_order.hessian}, expected {row.hessian} "
            f"(relative difference {difference:.2g})")
    if row.solve:
        assert derivation.solution is not None
        difference = agree(parse(row.solution), derivation.solution, problem.symbols, row.wrt)
        assert difference < AGREE_TOLERANCE, (
            f"solution {derivation.solution}, expected {row.solution} "
            f"(relative difference {difference:.2g})")


@pytest.mark.parametrize("row", ROWS)
def test_every_derivation_renders_in_every_format(row: Identity):
    """What the corpus derives, every format writes (the CLI's `text_of`): sizes that
    are products (an identity of m*n rows) included.  The benchmark's generated bank
    stopped on `I_{m*n}` in LaTeX before; the JSON answer reads back to the same value."""
    import json as json_module
    from generator.output.formats import FORMATS, text_of
    problem, derivation = _derived(row)
    texts = {fmt.name: text_of([derivation], "single", fmt, title=problem.title)
             for fmt in FORMATS if fmt.name != "pdf"}
    assert "\\begin{document}" in texts["latex"] and "<html" in texts["html"]
    data = json_module.loads(texts["json"])
    answer = data.get("jacobian", data.get("gradient"))
    assert agree(parse(answer), derivation.gradient, problem.symbols, row.wrt) < 1e-8


def test_the_benchmark_bank_of_renamed_rows_loads(tmp_path):
    """bench/bank.py writes every row twice, the second time each name renamed (`X` ->
    `X1`, an exponent's `k` too, `^T` kept): every one of those files must load, or the
    scale benchmark stops on a file it wrote itself."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import bank
    from generator.problem.sets import load_sets
    bank.write_bank(tmp_path, 2 * len(CORPUS))
    assert sum(len(s.problems) for s in load_sets(tmp_path)) == 2 * len(CORPUS)
