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
