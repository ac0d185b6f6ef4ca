"""Several variables (contract 5.5, `wrt: [W1, W2]`, repeated `--wrt`): one differential
shared by every variable, then one "Identify" per variable.  Each gradient is graded by
finite differences of the objective in its own variable (not by the engine's check), the
engine's check is shown to fire on a wrong gradient, and the file, CLI and JSON forms and
their errors are exercised as a user meets them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import invoke
from generator.api import derive, derive_text
from generator.check.verify import Claim, verify
from generator.engine import catalogue as cat
from generator.engine.context import Context
from generator.errors import ProblemError, VerificationError
from generator.math.expr import Differential, Symbol, Trace, add, mul
from generator.math.symbols import SymbolInfo, SymbolTable
from generator.problem.loader import load_file
from generator.render.json_trace import trace_dict
from generator.render.markdown import render_markdown
from generator.render.sheet import sheet_of
from generator.render.text import render_text
from test_where import finite_difference_check

ROOT = Path(__file__).resolve().parent.parent

NET = """title: Net
symbols:
  W1: {shape: [h, n]}
  W2: {shape: [m, h]}
where:
  z: W1 x
  a: sigmoid(z)
  yhat: W2 a
objective: "||yhat - y||^2"
wrt: [W1, W2]
"""


def _load(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = load_file(path)
    return problem


def test_backpropagation_gives_every_weight_from_one_backward_pass(tmp_path):
    derivation = derive(_load(tmp_path, NET))
    assert dict(derivation.answers).keys() == {"W1", "W2"}
    assert str(dict(derivation.answers)["W2"]) == "2 (yhat - y) a^T"
    assert finite_difference_check(derivation) < 1e-6
    titles = [step.title for step in sheet_of(derivation)]
    # one differential and one pass back through the names, then a step per variable
    assert sum(t.startswith("Take the differential") for t in titles) == 1
    assert [t for t in titles if t.startswith("Find")] == ["Find `dR`", "Find `dyhat`",
                                                           "Find `da`", "Find `dz`"]
    assert titles[-2:] == ["Identify the gradient with respect to `W1`",
                           "Identify the gradient with respect to `W2`"]
    text = render_text(derivation)
    assert "Find grad_W1 L and grad_W2 L." in text
    assert "Answer: grad_W1 L = " in text and "        grad_W2 L = 2 (yhat - y) a^T" in text


@pytest.mark.parametrize("objective, variables, lets", [
    ("||X - U V^T||_F^2", ("U", "V"), ()),
    ("tr(A X B Y)", ("X", "Y"), ()),
    ("x^T A y + b^T x", ("x", "y"), ()),
    ("||A x + beta - b||^2", ("x", "beta"), ()),
    ("sum(log(1 + exp(-y .* (X w + beta))))", ("w", "beta"), ("X: m x n", "beta: scalar")),
    ("logdet(X) + tr(S X) + tr(X Y)", ("X", "Y"), ()),
    ("||tanh(W x + b) - y||^2", ("W", "b"), ()),
    ("tr(X^T A X) + tr(Y^T X)", ("Y", "X"), ()),
])
def test_each_gradient_is_its_own_partial_derivative(objective, variables, lets):
    derivation = derive_text(objective, variables, lets)
    assert [v for v, _ in derivation.answers] == list(variables)   # the order asked
    assert finite_difference_check(derivation) < 1e-6


def test_a_variable_the_objective_does_not_move_has_a_zero_gradient():
    derivation = derive_text("tr(A X) + tr(Y) - tr(Y)", ("X", "Y"))
    assert str(dict(derivation.answers)["X"]) == "A^T"
    assert str(dict(derivation.answers)["Y"]) == "0"
    assert finite_difference_check(derivation) < 1e-6


def test_the_check_fires_on_a_wrong_gradient():
    derivation = derive_text("||X - U V^T||_F^2", ("U", "V"))
    (u, gu), (v, gv) = derivation.answers
    wrong = ((u, gu), (v, add(gv, gv)))   # twice the right gradient of V
    claim = Claim.of_gradients(derivation.problem.objective, derivation.symbols, {},
                               (), wrong, derivation.names)
    with pytest.raises(VerificationError, match="fails the finite-difference check"):
        verify(claim)
    verify(Claim.of_gradients(derivation.problem.objective, derivation.symbols, {}, (),
                              derivation.answers, derivation.names))   # the right one passes


def test_terms_are_collected_per_differential_only():
    table = SymbolTable(tuple(SymbolInfo(n, ("n", "n")) for n in "ABCXY"))
    ctx = Context.of_problem(table, ("X", "Y"))
    dX, dY = Differential(Symbol("X")), Differential(Symbol("Y"))
    A, B, C = Symbol("A"), Symbol("B"), Symbol("C")
    rule = cat.rule("trace-collect")
    node = add(Trace(mul(A, dX)), Trace(mul(B, dY)), Trace(mul(C, dX)))
    assert rule.apply(node, ctx) == add(Trace(add(mul(A, dX), mul(C, dX))), Trace(mul(B, dY)))
    assert rule.apply(add(Trace(mul(A, dX)), Trace(mul(B, dY))), ctx) is None


def test_the_json_trace_has_gradients_and_no_gradient(tmp_path):
    data = trace_dict(derive(_load(tmp_path, NET)))
    assert data["wrt"] == ["W1", "W2"]
    assert "gradient" not in data and set(data["gradients"]) == {"W1", "W2"}
    assert data["gradients"]["W2"] == "2 (yhat - y) a^T"
    assert data["gradients_latex"]["W2"].startswith("2 (")


def test_the_cli_takes_repeated_wrt_in_process_and_as_a_subprocess():
    args = ["derive", "||X - U V^T||_F^2", "--wrt", "U", "--wrt", "V"]
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    gradients = json.loads(result.output)["gradients"]
    assert gradients == {"U": "-2 (X - U V^T) V", "V": "-2 (X^T - V U^T) U"}
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Answer: grad_U L = -2 (X - U V^T) V" in done.stdout
    assert "grad_V L = -2 (X^T - V U^T) U" in done.stdout


def test_markdown_boxes_every_answer(tmp_path):
    page = render_markdown([derive(_load(tmp_path, NET))], "single", title="Net")
    assert page.count("**Answer:**") == 2
    assert r"\nabla_{W_{2}} L = 2" in page or r"\nabla_{W_2} L = 2" in page


@pytest.mark.parametrize("edit, match", [
    (("wrt: [W1, W2]", "wrt: [W1, W1]"), r"wrt: 'W1' is listed twice"),
    (("wrt: [W1, W2]", "wrt: [W1, W2^T]"), r"with several variables each is written itself"),
    (("wrt: [W1, W2]", "wrt: [W1, V]"), r"wrt: 'V' is not a symbol of the objective"),
    (("wrt: [W1, W2]", "wrt: []"), r"wrt: is an empty list"),
    (("wrt: [W1, W2]", "wrt: [W1, W2]\nhessian: true"), r"hessian: not derived for several"),
    (("wrt: [W1, W2]", "wrt: [W1, W2]\nexpect: 2 (yhat - y) a^T"),
     r"expect: `expect` is one gradient"),
])
def test_bad_variable_lists_are_one_clear_error(tmp_path, edit, match):
    old, new = edit
    with pytest.raises(ProblemError, match=match):
        _load(tmp_path, NET.replace(old, new))


@pytest.mark.parametrize("args, words", [
    (["tr(A X Y)", "--wrt", "X", "--wrt", "X"], "--wrt: 'X' is listed twice"),
    (["tr(A X Y)", "--wrt", "X", "--wrt", "Y", "--solve"], "--solve: not derived for several"),
    (["A X y", "--wrt", "X", "--wrt", "y"], "several variables are derived for a scalar"),
    (["tr(A X Y)", "--wrt", "X", "--wrt", "Z"], "'Z' is not a symbol of the objective"),
])
def test_bad_repeated_wrt_is_one_clear_paragraph(args, words):
    result = invoke("derive", *args)
    assert result.exit_code != 0 and words in result.output, result.output
    assert "Traceback" not in result.output
