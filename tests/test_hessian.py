"""Hessians and Newton steps (contract 5.3): the Hessian as the Jacobian of the gradient,
each one checked against second differences of the objective's own values (not by the
engine), symmetric; the Newton step against numpy's; the JSON fields, the CLI flags,
the problem set's PDF, bad input."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from generator.api import derive_text
from generator.check.numeric import Evaluator, draw_instance
from generator.cli import main
from generator.errors import ProblemError, TracetrickError
from generator.problem.loader import load_file
from generator.render.json_trace import trace_dict

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "problems" / "second-order"

HESSIANS = [
    # (objective, wrt, lets, the Hessian as printed)
    ("x^T A x", "x", ("A: n x n",), "A + A^T"),
    ("||A x - b||^2", "x", ("A: m x n",), "2 A^T A"),
    ("-(y^T log(sigmoid(X w)) + (1 - y)^T log(1 - sigmoid(X w)))", "w", ("X: m x n",),
     "X^T diag(sigmoid(X w) .* (1 - sigmoid(X w))) X"),
    ("sum(exp(A x))", "x", ("A: m x n",), "A^T diag(exp(A x)) A"),
    ("(a^T x)^2", "x", (), "2 a a^T"),
    ("alpha^3 + alpha b^T b", "alpha", ("alpha: scalar",), "6 alpha"),
    ("log(x^T A x)", "x", ("A: n x n",), None),
    ("norm(x)^4", "x", (), None),
    ("x^T A x / (x^T x)", "x", ("A: n x n",), None),
    ("logsumexp(z)", "z", (), "diag(softmax(z)) - softmax(z) softmax(z)^T"),
    ("-y^T log(softmax(z))", "z", (), "sum(y) (diag(softmax(z)) - softmax(z) softmax(z)^T)"),
    ("logsumexp(z) - y^T z", "z", (), "diag(softmax(z)) - softmax(z) softmax(z)^T"),
    ("logsumexp(A x)", "x", ("A: m x n",), None),
    # a matrix variable: the Hessian of vec(X), in Kronecker form
    ("tr(X^T A X)", "X", ("A: n x n", "X: n x m"), "kron(I_m, A + A^T)"),
    ("logdet(X)", "X", ("X: n x n",), "-kron(X^-1, X^-T) K(n, n)"),
    ("tr(X^-1)", "X", ("X: n x n",), None),
    ("||X||_F^2", "X", ("X: n x m",), None),
    ("tr(A X B X^T)", "X", ("A: n x n", "X: n x m", "B: m x m"), None),
]


def second_differences(problem, seed: int) -> tuple[np.ndarray, dict]:
    """The Hessian by central second differences of the objective's values."""
    inst = draw_instance(problem.symbols, problem.wrt, np.random.default_rng(seed))
    shape = np.shape(inst.values[problem.wrt])
    x0 = np.asarray(inst.values[problem.wrt], dtype=float).ravel(order="F")   # vec(X)
    h = 1e-4 * max(1.0, float(np.abs(x0).max()))

    def value(x: np.ndarray) -> float:
        moved = dict(inst.values)
        moved[problem.wrt] = x.reshape(shape, order="F")
        return float(np.real(Evaluator(moved, inst.dims)(problem.objective)).reshape(()))

    n = x0.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (value(x0 + e_i + e_j) - value(x0 + e_i - e_j)
                         - value(x0 - e_i + e_j) + value(x0 - e_i - e_j)) / (4 * h * h)
    return out, inst


@pytest.mark.parametrize("text, wrt, lets, answer", HESSIANS, ids=[h[0] for h in HESSIANS])
def test_the_hessian_agrees_with_second_differences(text, wrt, lets, answer):
    derivation = derive_text(text, wrt, lets, hessian=True)
    if answer is not None:
        assert str(derivation.second_order.hessian) == answer
    for seed in (0, 1):
        expected, inst = second_differences(derivation.problem, seed)
        ours = np.real(Evaluator(inst.values, inst.dims)(derivation.second_order.hessian))
        ours = ours * np.eye(expected.shape[0]) if ours.size == 1 else ours
        scale = max(1.0, float(np.linalg.norm(expected)))
        # second differences are good to a few digits (an inverse's third derivative is
        # large); a wrong Hessian is off in the first
        assert np.linalg.norm(ours - expected) < 1e-3 * scale, (ours, expected)
        assert np.allclose(ours, ours.T, atol=1e-9 * scale)


def test_a_matrix_variables_hessian_map_and_second_differential():
    data = trace_dict(derive_text("logdet(X)", "X", ("X: n x n",), hessian=True))
    assert data["hessian_map"] == "-X^-T dX^T X^-T"
    assert data["second_differential"] == "-vec(dX)^T kron(X^-1, X^-T) K(n, n) vec(dX)"
    text = str_of(derive_text("tr(X^T A X)", "X", ("A: n x n", "X: n x m"), hessian=True))
    assert "Bring vec(dG) to the form H vec(dX)" in text
    assert "Hessian: H = kron(I_m, A + A^T)" in text


def test_the_sheet_takes_the_differential_of_the_gradient():
    text = str_of(derive_text("||A x - b||^2", "x", ("A: m x n",), hessian=True))
    assert "Step 9: Take the differential of the gradient G" in text
    assert "    dG = d(2 A^T (A x - b))" in text
    assert "Step 10: Identify the Hessian H\n    H = 2 A^T A" in text
    assert "Hessian: H = 2 A^T A" in text and "H is symmetric" in text


def str_of(derivation) -> str:
    from generator.render.text import render_text
    return render_text(derivation)


NEWTON = [
    ("||A x - b||^2", "x", ("A: m x n",), "(A^T A)^-1 A^T b", True),
    ("x^T A x - 2 b^T x", "x", ("A: n x n",), "2 (A + A^T)^-1 b", True),
    ("-(y^T log(sigmoid(X w)) + (1 - y)^T log(1 - sigmoid(X w)))", "w", ("X: m x n",),
     "w - (X^T diag(sigmoid(X w) .* (1 - sigmoid(X w))) X)^-1 X^T (sigmoid(X w) - y)", False),
]


@pytest.mark.parametrize("text, wrt, lets, step, lands", NEWTON, ids=[n[0] for n in NEWTON])
def test_the_newton_step_is_x_minus_h_inverse_times_the_gradient(text, wrt, lets, step, lands):
    derivation = derive_text(text, wrt, lets, hessian=True, newton=True)
    assert str(derivation.second_order.newton.value) == step
    assert derivation.second_order.newton.lands == lands
    assert any("lands on the stationary point" in n for n in derivation.notes) == lands
    inst = draw_instance(derivation.problem.symbols, wrt, np.random.default_rng(3))
    ev = Evaluator(inst.values, inst.dims)
    numpy_step = inst.values[wrt] - np.linalg.solve(ev(derivation.second_order.hessian),
                                                    ev(derivation.gradient))
    assert np.allclose(ev(derivation.second_order.newton.value), numpy_step)


MATRIX_NEWTON = [
    # (objective, lets, the step's left side, the step as printed, lands)
    ("tr(X^T A X) - 2 tr(B^T X)", ("X: n x m",), "X_new", "2 (A + A^T)^-1 B", True),
    ("||A X - B||_F^2", ("A: n x n", "X: n x m"), "X_new", "A^-1 B", True),   # A square
    ("logdet(X)", ("X: n x n",), "X_new", "2 X", False),
    ("||X||_F^2", ("X: n x m",), "X_new", "0", True),
    # the inverse of a sum of Kronecker products has no closed form: the vec form stays
    ("tr(A X B X^T)", ("X: n x m",), "vec(X_new)",
     "vec(X) - (kron(B, A^T) + kron(B^T, A))^-1 vec(A^T X B^T + A X B)", False),
]


@pytest.mark.parametrize("text, lets, left, step, lands", MATRIX_NEWTON,
                         ids=[n[0] for n in MATRIX_NEWTON])
def test_the_newton_step_of_a_matrix_is_taken_in_vec_form(text, lets, left, step, lands):
    """vec(X_new) = vec(X) - H^-1 vec(G), H the Kronecker form; against numpy's solve with
    the Hessian of second differences, not the engine's."""
    derivation = derive_text(text, "X", lets, hessian=True, newton=True)
    newton = derivation.second_order.newton
    assert (str(newton.left), str(newton.value), newton.lands) == (left, step, lands)
    hessian, inst = second_differences(derivation.problem, 5)
    ev = Evaluator(inst.values, inst.dims)
    x = np.asarray(inst.values["X"], dtype=float)
    vec = (lambda m: np.real(m).reshape(-1, 1, order="F"))
    expected = vec(x) - np.linalg.solve(hessian, vec(ev(derivation.gradient)))
    ours = ev(newton.value) if left.startswith("vec") else vec(ev(newton.value) * np.ones_like(x))
    # second differences are good to a few digits, relative to the size of the point
    assert np.allclose(np.real(ours), expected, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(x).max()))
    data = trace_dict(derivation)
    assert (data["newton_point"], data["newton_step"]) == (left, step)


def test_the_json_trace_has_the_fields_of_section_5_3():
    data = trace_dict(derive_text("||A x - b||^2", "x", hessian=True, newton=True))
    assert data["kind"] == "hessian"
    assert data["gradient"] == "2 A^T (A x - b)"
    assert data["second_differential"] == "2 dx^T A^T A dx"
    assert data["hessian"] == "2 A^T A" and data["hessian_map"] == "2 A^T A dx"
    assert data["newton_step"] == "(A^T A)^-1 A^T b"
    assert data["newton_conditions"] == ["2 A^T A is invertible"]


def test_the_cli_flags_in_process_and_as_a_subprocess():
    result = CliRunner().invoke(main, ["derive", "x^T A x", "--wrt", "x", "--hessian",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hessian"] == "A + A^T"
    process = subprocess.run([sys.executable, "-m", "generator", "derive", "||A x - b||^2",
                              "--wrt", "x", "--hessian", "--newton"], capture_output=True,
                             text=True, cwd=ROOT)
    assert process.returncode == 0, process.stderr
    assert "Newton step: x_new = (A^T A)^-1 A^T b, provided 2 A^T A is invertible" \
        in process.stdout


@pytest.mark.parametrize("text, wrt, lets, options, match", [
    ("A x", "x", (), {"hessian": True}, "--hessian: the Hessian is the second derivative of a "
                                        "scalar objective"),
    ("x^T A x", "x", (), {"newton": True}, "--newton: the Newton step .* needs the Hessian"),
    ("x^T A x", "x", (), {"hessian": True, "method": "elementwise"},
     "--method: the Hessian is derived with the differential method"),
])
def test_what_has_no_hessian_is_a_clear_error(text, wrt, lets, options, match):
    with pytest.raises(ProblemError, match=match):
        derive_text(text, wrt, lets, **options)


def test_a_file_asking_for_a_newton_step_without_the_hessian_names_its_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nobjective: x^T A x\nwrt: x\nnewton: true\n", encoding="utf-8")
    with pytest.raises(TracetrickError, match=r"p.yaml:4: newton: the Newton step"):
        load_file(path)


def test_the_sets_pdf_holds_the_hessian_and_newton_step_of_problem_6(tmp_path):
    from cli_helpers import build_process
    from pdf_helpers import unspaced
    done = build_process(SET, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    text = unspaced(tmp_path / "out" / "solutions.pdf")
    assert "Linearregression,secondorder" in text
    assert "H=2ATA" in text and "xnew=(ATA)−1ATb" in text
    assert "IdentifytheHessianH" in text


def test_the_find_line_asks_for_all_that_is_derived():
    for options, asked in (({"hessian": True}, "grad_x L and the Hessian."),
                           ({"hessian": True, "newton": True},
                            "grad_x L, the Hessian and the Newton step.")):
        assert f"Find {asked}" in str_of(derive_text("||A x - b||^2", "x", **options))
    latex = CliRunner().invoke(main, ["derive", "||A x - b||^2", "--wrt", "x", "--hessian",
                                      "--newton", "--format", "latex"]).output
    assert r"Find $\nabla_{x} L$, the Hessian and the Newton step." in latex
    markdown = CliRunner().invoke(main, ["derive", "||A x - b||^2", "--wrt", "x", "--hessian",
                                         "--format", "markdown"]).output
    assert r"Find $\nabla_{x} L$ and the Hessian." in markdown


def test_a_hessian_that_is_not_symmetric_stops_the_program():
    """The check of H includes its symmetry: `A` is the right Jacobian of `A x`, so only
    the symmetry check can stop it as a Hessian."""
    from generator.check.verify import Claim, verify
    from generator.errors import VerificationError
    derivation = derive_text("A x", "x", ("A: n x n",))
    claim = Claim(derivation.problem.objective, "x", derivation.symbols, {},
                  derivation.steps, derivation.gradient, None, derivation.names, "jacobian")
    verify(claim)   # as a Jacobian it holds
    with pytest.raises(VerificationError, match="is not symmetric"):
        verify(dataclasses.replace(claim, symmetric=True))
