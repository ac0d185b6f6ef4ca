"""The fuzzer's fixed-seed sample (tests/random_objectives.py; `make fuzz` runs 10,000):
random well-shaped objectives of depth 1 to 3, each derived and graded against central
finite differences of its own values.  None may be wrong, crash or run over the time
limit.  A refusal is a gap, and so is a self-check failure (the engine's own check
stopped a line, so no sheet was printed: see `make fuzz`); neither prints wrong math."""
from __future__ import annotations

import random

import pytest

from random_objectives import grade, objective, run


def test_the_writer_writes_well_shaped_objectives_of_every_depth():
    rng = random.Random(0)
    for depth in (1, 3, 5):
        text, wrt = objective(rng, depth)
        assert grade(text, wrt)[0] != "invalid" or depth == 5


def test_the_grader_catches_a_wrong_answer(monkeypatch):
    import random_objectives
    from generator.api import derive
    from generator.syntax.parser import parse

    def wrong(problem, *args, **kwargs):
        import dataclasses
        return dataclasses.replace(derive(problem, *args, **kwargs), gradient=parse("A"))
    monkeypatch.setattr(random_objectives, "derive", wrong)
    assert grade("tr(A^T X A)", "X")[0] == "wrong"


@pytest.mark.parametrize("seed", [1, 2])
def test_a_fixed_sample_has_nothing_wrong(seed):
    result = run(count=8, seed=seed, depths=range(1, 4))
    bad = [c for c in result["cases"] if c["outcome"] in ("wrong", "crash", "time")]
    assert bad == []
    assert sum(c.get("ok", 0) for c in result["table"].values()) >= 16


def test_an_instance_where_differences_lose_digits_is_decided_by_the_complex_step():
    """exp(exp(exp(A))) beside an inverse: central differences are off by more than the
    tolerance on some instances; the complex step of the objective's values is exact
    (three such objectives were graded wrong in 10,000, though every line was right)."""
    text = ("||((A + ((I - X^T) + 2 I) exp(B)^T + 3 I)^-1 (A + (A + X^T X (A + X^-1 X^-1^T "
            "+ 3 I)^-1^T + 3 I)^-1 ((I + X^T))^T^T + 3 I)^-1 - exp(exp(exp(A))))||_F^2")
    assert [grade(text, "X", seed=seed)[0] for seed in (0, 3, 4)] == ["ok"] * 3


def test_an_objective_no_instance_can_evaluate_is_a_gap_not_a_self_check_failure():
    assert grade("x^T exp(exp(exp(B + x x^T + 3 I))) x", "x")[0] == "refused"


def test_an_answer_of_the_wrong_shape_is_wrong_though_its_values_broadcast(monkeypatch):
    import dataclasses

    import random_objectives
    from generator.api import derive
    from generator.syntax.parser import parse

    def scalar_answer(problem, *args, **kwargs):
        return dataclasses.replace(derive(problem, *args, **kwargs), gradient=parse("1"))
    monkeypatch.setattr(random_objectives, "derive", scalar_answer)
    assert grade("sum(x)", "x")[0] == "wrong"


def test_a_sum_whose_array_terms_cancel_keeps_its_shape():
    """`1 + (b - b)` is the vector of ones: once b - b cancels, the 1 left broadcasts.
    The answer was the number 1, which does not type-check as a gradient of x."""
    for text in ("x^T (1 + (b - b))", "x^T (alpha + (b - b)) + sum(x .* (1 + (b - b)))",
                 "tr(X^T (1 + (A - A)))"):
        assert grade(text, "x" if "x" in text else "X") == ("ok", "")


def test_a_function_of_an_argument_that_cancels_is_its_value_at_zero():
    """exp(b - b) is the vector of ones and sigmoid(b - b) half of it; the answers kept
    `exp(b - b)` (true, but not what a teacher writes)."""
    from generator.api import derive_text
    lets = ("x: n", "b: n", "X: n x n", "A: n x n")
    for text, wrt, answer in (("sum(exp(x - x) .* x)", "x", "ones(n)"),
                              ("x^T sigmoid(b - b)", "x", "1/2 ones(n)"),
                              ("tr(exp(X - X) A X)", "X", "A^T ones(n, n)")):
        assert str(derive_text(text, wrt, lets).gradient) == answer
        assert grade(text, wrt) == ("ok", "")


def test_a_constant_computed_through_an_inverse_has_a_zero_gradient():
    """X^-1 X b is b: the objective is constant in X and its gradient 0, though the
    complex step finds 2e-8 in the rounding of a value of 3e7 (graded wrong before)."""
    text = "||((norm(A x)^2 2 x - b) .* (norm(A b)^2 X^-1 X b - b)) - b||^2"
    assert grade(text, "X") == ("ok", "")
