"""Named intermediate results (contract 5.4, `where:`): the derivation goes back through
the names one step each, the chain rule as backpropagation, and writes the gradient in
the named quantities.  Each answer is graded by finite differences of the objective
written out (not by the engine); the file errors, the JSON field, the problem set."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cli_helpers import invoke
from generator.api import derive
from generator.check.numeric import Evaluator, draw_instance, on_positive_domain
from generator.errors import ProblemError
from generator.problem.intermediates import expanded
from generator.problem.loader import load_directory, load_file
from generator.render.json_trace import trace_dict
from generator.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = ROOT / "problems" / "networks"

NET = """title: Net
symbols:
  W1: {{shape: [h, n]}}
  W2: {{shape: [m, h]}}
where:
  z: W1 x
  a: sigmoid(z)
  yhat: W2 a
objective: "||yhat - y||^2"
wrt: {wrt}
"""


def _load(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = load_file(path)
    return problem


def finite_difference_check(derivation, seed: int = 0) -> float:
    """The largest gap between each answer (its names written out) and central
    differences of the objective written out in its own variable, along a random
    direction (every variable of `wrt: [W1, W2]` in turn)."""
    problem = derivation.problem
    objective = expanded(problem.objective, problem.where)
    rng = np.random.default_rng(seed)
    inst = draw_instance(problem.symbols, problem.variables, rng,
                         positive=on_positive_domain(objective))
    ev = Evaluator(inst.values, inst.dims)
    value = (lambda values: float(np.real(Evaluator(values, inst.dims)(objective)).ravel()[0]))
    h, worst = 1e-6, 0.0
    for variable, answer in derivation.answers:
        direction = inst.directions[variable]
        moved = {sign: dict(inst.values) for sign in (1, -1)}
        for sign in (1, -1):
            moved[sign][variable] = inst.values[variable] + sign * h * direction
        slope = (value(moved[1]) - value(moved[-1])) / (2 * h)
        ours = float(np.sum(np.real(ev(expanded(answer, problem.where))) * direction))
        worst = max(worst, abs(ours - slope) / max(1.0, abs(slope)))
    return worst


@pytest.mark.parametrize("wrt, answer, names_in_order", [
    ("W1", "2 (W2^T (yhat - y) .* (a .* (1 - a))) x^T", ["yhat", "a", "z"]),
    ("W2", "2 (yhat - y) a^T", ["yhat"]),
])
def test_the_derivation_goes_back_through_the_names(tmp_path, wrt, answer, names_in_order):
    derivation = derive(_load(tmp_path, NET.format(wrt=wrt)))
    assert str(derivation.gradient) == answer
    found = [str(r.about) for r in derivation.records
             if getattr(r, "kind", None) == "find-differential" and str(r.about) != "R"]
    assert found == names_in_order
    assert finite_difference_check(derivation) < 1e-6
    sheet = render_text(derivation)
    assert "Let L = ||yhat - y||^2 with z = W1 x, a = sigmoid(z), yhat = W2 a" in sheet
    if wrt == "W1":   # the sigmoid's derivative written in the name a
        assert "da = d(sigmoid(z))" in sheet and "= a .* (1 - a) .* dz" in sheet


def test_the_json_trace_has_the_names(tmp_path):
    data = trace_dict(derive(_load(tmp_path, NET.format(wrt="W2"))))
    assert data["where"] == {"z": "W1 x", "a": "sigmoid(z)", "yhat": "W2 a"}
    assert data["gradient"] == "2 (yhat - y) a^T"


@pytest.mark.parametrize("edit, match", [
    (("  z: W1 x\n  a: sigmoid(z)", "  a: sigmoid(z)\n  z: W1 x"),
     r"where: a: uses 'z', which is not named before it"),
    (("wrt: W1", "wrt: W1\nhessian: true"), r"hessian: not derived yet for an objective "
                                           r"with named results"),
    (("wrt: W1", "wrt: W1\nexpect: 2 (W2^T (yhat - y)) x^T"), r"expect: the derived answer"),
    (("  yhat: W2 a", "  yhat: W2 a\n  yhat: a"), r"'yhat' is named twice"),
])
def test_bad_names_are_one_clear_error(tmp_path, edit, match):
    old, new = edit
    with pytest.raises(ProblemError, match=match):
        derive(_load(tmp_path, NET.format(wrt="W1").replace(old, new)))


def test_the_network_set_derives_and_every_gradient_passes_finite_differences():
    problems = load_directory(NETWORKS)
    assert len(problems) >= 6
    assert sum(len(p.variables) > 1 for p in problems) >= 4   # backpropagation, all weights
    for problem in problems:
        derivation = derive(problem)
        assert [v for v, _ in derivation.answers] == list(problem.variables)
        assert finite_difference_check(derivation) < 1e-6, problem.title


def test_the_cli_renders_a_file_with_names(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NET.format(wrt="W2"), encoding="utf-8")
    result = invoke("render", str(path), "--format", "json", "-o", str(tmp_path / "n.json"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "n.json").read_text("utf-8"))["where"]["a"] == "sigmoid(z)"


WHERE_OPTIONS = ["--let", "W1: h x n", "--let", "W2: m x h", "--where", "z = W1 x",
                 "--where", "a = sigmoid(z)", "--where", "yhat = W2 a"]


def test_the_cli_takes_the_names_in_process_and_as_a_subprocess():
    import subprocess
    import sys
    result = invoke("derive", "||yhat - y||^2", "--wrt", "W1", *WHERE_OPTIONS,
                    "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["gradient"] == "2 (W2^T (yhat - y) .* (a .* (1 - a))) x^T"
    assert list(data["where"]) == ["z", "a", "yhat"]
    done = subprocess.run([sys.executable, "-m", "generator", "derive", "||yhat - y||^2",
                           "--wrt", "W2", *WHERE_OPTIONS], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Answer: grad_W2 L = 2 (yhat - y) a^T" in done.stdout


@pytest.mark.parametrize("options, words", [
    (["--where", "a = sigmoid(z)", "--where", "z = W1 x"], "uses 'z', which is not named before it"),
    (["--where", "z W1 x"], 'write a name and its meaning, as in --where "h = W1 x"'),
    (["--where", "z = W1 x", "--hessian"], "not derived yet for an objective with named results"),
])
def test_bad_where_options_are_one_clear_paragraph(options, words):
    result = invoke("derive", "sum(z)", "--wrt", "W1", *options)
    assert result.exit_code != 0 and words in result.output
    assert "Traceback" not in result.output

