"""Jacobians of vector functions (contract 5.2): golden derivations (rules in order and
the answer), each answer checked against finite differences of the function's own
values (not by the engine), the JSON fields, the CLI, the problem set, bad input."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from generator.api import derive, derive_text
from generator.check.numeric import Evaluator, draw_instance
from generator.cli import main
from generator.errors import ProblemError, TracetrickError
from generator.problem.loader import load_directory, load_file
from generator.render.json_trace import trace_dict
from generator.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "problems" / "second-order"

GOLDEN = [
    # (function, wrt, lets, rules in order, the Jacobian as printed)
    ("A x", "x", ("A: m x n",), ["differential-product", "identify-jacobian"], "A"),
    ("x x^T a", "x", (),
     ["differential-product", "differential-transpose", "differential-last",
      "differential-last", "factor-common", "identify-jacobian"],
     "(x^T a) I_n + x a^T"),
    ("sigmoid(W x)", "x", ("W: m x n",),
     ["differential-elementwise", "differential-product", "hadamard-as-diag",
      "identify-jacobian"],
     "diag(sigmoid(W x) .* (1 - sigmoid(W x))) W"),
    ("exp(x) .* x", "x", (),
     ["differential-hadamard", "differential-elementwise", "hadamard-rearrange",
      "hadamard-as-diag", "hadamard-as-diag", "factor-common", "identify-jacobian",
      "diag-sum"],
     "diag(exp(x) .* x + exp(x))"),
    ("alpha x", "x", ("alpha: scalar",), ["differential-product", "identify-jacobian"],
     "alpha I_n"),
    ("softmax(z)", "z", (),
     ["differential-softmax", "hadamard-as-diag", "factor-common", "identify-jacobian"],
     "diag(softmax(z)) - softmax(z) softmax(z)^T"),
]

ANSWERS = [
    # (function, wrt, lets): each checked against finite differences
    ("A x", "x", ("A: m x n",)),
    ("x x^T a", "x", ()),
    ("(x^T x) x", "x", ()),
    ("x / norm(x)", "x", ()),
    ("sigmoid(W x)", "x", ("W: m x n",)),
    ("W^T sigmoid(W x)", "x", ("W: m x n",)),
    ("exp(x) .* x", "x", ()),
    ("log(x) - a ./ x", "x", ()),
    ("diag(x) A x", "x", ("A: n x n",)),
    ("A (x - b) (x^T b)", "x", ("A: n x n",)),
    ("x^T A x b + sum(x) c", "x", ("A: n x n",)),
    ("B^T exp(A x) + x (b^T x)^2", "x", ("A: m x n", "B: m x n")),
    ("alpha^2 a + alpha b", "alpha", ("alpha: scalar",)),
    ("norm(x)^2 A x", "x", ("A: m x n",)),
    ("(A x) .* (B x)", "x", ("A: m x n", "B: m x n")),
    ("softmax(z)", "z", ()),
    ("softmax(W x)", "x", ("W: m x n",)),
    ("log(softmax(z))", "z", ()),
    ("softmax(z) * logsumexp(z)", "z", ()),
    ("softmax(W x)", "W", ("W: m x n",)),
]


def finite_difference_jacobian(problem, seed: int = 0) -> tuple[np.ndarray, dict]:
    """The Jacobian of vec(f) by vec(x) (f and x as they are when columns), by central
    differences of the function's values, a column per entry of vec(x)."""
    inst = draw_instance(problem.symbols, problem.wrt, np.random.default_rng(seed))
    x0 = np.asarray(inst.values[problem.wrt], dtype=float)
    rows, cols = x0.shape
    columns = []
    for index in ((i, j) for j in range(cols) for i in range(rows)):   # vec's order
        values = []
        for sign in (1, -1):
            moved = dict(inst.values)
            x = x0.copy()
            x[index] += sign * 1e-6
            moved[problem.wrt] = x
            value = np.real(Evaluator(moved, inst.dims)(problem.objective))
            values.append(value.ravel(order="F"))
        columns.append((values[0] - values[1]) / 2e-6)
    return np.stack(columns, axis=1), inst


@pytest.mark.parametrize("text, wrt, lets, rules, answer", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_jacobians(text, wrt, lets, rules, answer):
    derivation = derive_text(text, wrt, lets)
    assert derivation.kind == "jacobian"
    assert [s.rule for s in derivation.steps] == rules
    assert str(derivation.gradient) == answer


@pytest.mark.parametrize("text, wrt, lets", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_the_jacobian_agrees_with_finite_differences(text, wrt, lets):
    derivation = derive_text(text, wrt, lets)
    for seed in (0, 1):
        expected, inst = finite_difference_jacobian(derivation.problem, seed)
        ours = np.real(Evaluator(inst.values, inst.dims)(derivation.gradient))
        ours = np.broadcast_to(ours, expected.shape) if ours.size == 1 else ours
        assert np.allclose(ours, expected, rtol=1e-5, atol=1e-6 * max(1, abs(expected).max()))


def test_the_sheet_names_f_and_j_and_states_the_layout():
    text = render_text(derive_text("sigmoid(W x)", "x", ("W: m x n",)))
    assert "Let f = sigmoid(W x)" in text and "Find df/dx." in text
    assert ("Step 3: Bring df to the form J dx: an entrywise product is a diagonal matrix "
            "times the vector") in text
    assert "Answer: df/dx = diag(sigmoid(W x) .* (1 - sigmoid(W x))) W" in text
    assert "numerator layout" in text and "denominator layout" in text


def test_a_users_f_and_j_are_not_taken():
    derivation = derive_text("J f", "f", ("J: m x n", "f: n"))
    assert str(derivation.names.objective) not in ("J", "f")
    assert str(derivation.names.gradient) not in ("J", "f")
    assert str(derivation.gradient) == "J"


def test_the_json_trace_has_the_fields_of_section_5_2():
    data = trace_dict(derive_text("x x^T a", "x"))
    assert data["kind"] == "jacobian"
    assert data["jacobian"] == "(x^T a) I_n + x a^T"
    assert data["differential"] == "((x^T a) I_n + x a^T) dx"
    assert "gradient" not in data
    gradient = trace_dict(derive_text("x^T x", "x"))
    assert gradient["kind"] == "gradient" and gradient["gradient"] == "2 x"


def test_the_cli_derives_a_jacobian_in_process_and_as_a_subprocess():
    result = CliRunner().invoke(main, ["derive", "A x", "--wrt", "x", "--let", "A: m x n",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["jacobian"] == "A"
    process = subprocess.run([sys.executable, "-m", "generator", "derive", "x / norm(x)",
                              "--wrt", "x"], capture_output=True, text=True, cwd=ROOT)
    assert process.returncode == 0, process.stderr
    assert "Answer: df/dx = (I_n - x x^T / ||x||^2) / ||x||" in process.stdout


def test_the_problem_set_derives_and_checks_its_expected_jacobians():
    problems = [p for p in load_directory(SET) if p.kind == "jacobian"]
    assert len(problems) >= 7
    for problem in problems:
        derive(problem)   # an `expect:` that differs is an error


VEC_FORM = [
    # (function, wrt, lets, the Jacobian of vec(f) by vec(X) as printed)
    ("A X B", "X", ("A: p x n", "X: n x m", "B: m x q"), "kron(B^T, A)"),
    ("X^T", "X", ("X: n x m",), "K(n, m)"),
    ("X^-1", "X", ("X: n x n",), "-kron(X^-T, X^-1)"),
    ("X^T X", "X", ("X: n x m",), "kron(X^T, I_m) K(n, m) + kron(I_m, X^T)"),
    ("A .* X", "X", ("A: n x m",), "diag(vec(A))"),
    ("X b", "X", ("X: n x m",), "kron(b^T, I_n)"),
    ("x x^T", "x", (), "kron(x, I_n) + kron(I_n, x)"),
    ("x^T A", "x", ("A: n x m",), "A^T"),
    ("tr(X) A", "X", ("X: n x n", "A: p x q"), "vec(A) vec(I_n)^T"),
    ("det(X) X^-1", "X", ("X: n x n",), None),
    ("X A X", "X", ("X: n x n", "A: n x n"), None),
]


@pytest.mark.parametrize("text, wrt, lets, answer", VEC_FORM, ids=[v[0] for v in VEC_FORM])
def test_a_matrix_function_or_variable_has_the_jacobian_of_its_vec(text, wrt, lets, answer):
    derivation = derive_text(text, wrt, lets)
    assert derivation.kind == "jacobian"
    if answer is not None:
        assert str(derivation.gradient) == answer
    for seed in (0, 1):
        expected, inst = finite_difference_jacobian(derivation.problem, seed)
        ours = np.real(Evaluator(inst.values, inst.dims)(derivation.gradient))
        scale = max(1.0, float(np.abs(expected).max()))
        assert ours.shape == expected.shape
        assert np.allclose(ours, expected, rtol=1e-5, atol=1e-6 * scale)


def test_the_vec_form_says_so_on_the_sheet_and_in_json():
    derivation = derive_text("A X B", "X", ("A: p x n", "X: n x m", "B: m x q"))
    text = render_text(derivation)
    assert "Answer: d vec(f)/d vec(X) = kron(B^T, A)" in text
    assert "Bring vec(df) to the form J vec(dX)" in text and "vec(df) = J vec(dX)" in text
    data = trace_dict(derivation)
    assert data["jacobian"] == "kron(B^T, A)" and data["differential"] == "A dX B"


@pytest.mark.parametrize("options, match", [
    ({"solve": True}, "--solve: a Jacobian is not set to zero"),
    ({"method": "elementwise"}, "--method: the entry-by-entry method derives the gradient"),
])
def test_options_a_jacobian_does_not_have_are_refused(options, match):
    with pytest.raises(ProblemError, match=match):
        derive_text("A x", "x", ("A: m x n",), **options)


def test_a_file_with_a_wrong_expected_jacobian_names_its_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nobjective: A x\nwrt: x\nsymbols:\n  A: {shape: [m, n]}\n"
                    "expect: A^T\n", encoding="utf-8")
    with pytest.raises(TracetrickError, match=r"p.yaml:6: expect: the Jacobian of the "
                                              r"objective with respect to x is m x n"):
        load_file(path)
    path.write_text("title: T\nobjective: A x\nwrt: x\nsolve: true\n", encoding="utf-8")
    with pytest.raises(TracetrickError, match=r"p.yaml:4: solve: a Jacobian is not set"):
        load_file(path)


# ----- the set, typeset: a PDF through real pdflatex, HTML in real Chromium -------------------

@pytest.fixture(scope="module")
def built_set(tmp_path_factory) -> Path:
    from cli_helpers import build_process
    out = tmp_path_factory.mktemp("second-order")
    for fmt in ("pdf", "html"):
        done = build_process(SET, out / fmt, "--format", fmt)
        assert done.returncode == 0, done.stderr
    return out


def test_the_solutions_pdf_holds_every_jacobian(built_set):
    from pdf_helpers import unspaced
    text = unspaced(built_set / "pdf" / "solutions.pdf")
    for expected in ("=diag(σ(Wx)⊙(1−σ(Wx)))W", "Identify the Jacobian J", "numerator layout",
                     # the answer's line (pdftotext may set the J line's superscripts apart)
                     "=(xTa)In+xaT"):
        assert expected.replace(" ", "") in text


def test_chromium_typesets_the_jacobians(built_set, tmp_path):
    from test_render_html import chromium
    page = built_set / "html" / "solutions.html"
    dom = chromium(page, tmp_path, "--dump-dom")
    assert 'data-mathjax="typeset"' in dom
    body = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
    assert "<svg" in body and 'data-mml-node="merror"' not in body
    assert "\\frac" not in body and "\\[" not in body   # every formula typeset
