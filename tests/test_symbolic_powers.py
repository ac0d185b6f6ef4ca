"""Powers with a symbolic exponent (contract 5.1): `s^p` for a declared scalar p, and the
matrix power `X^k` for a declared integer k.  d(s^p) = p s^(p-1) ds; d(X^k) is the sum
over j of X^j dX X^(k-1-j), which closes under a trace: tr(X^k) -> k (X^(k-1))^T.  Every
answer is graded by finite differences of the objective (not by the engine), reads back
through the parser, and the refusals say what to write."""
from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import invoke
from generator.api import derive, derive_text
from generator.errors import ShapeError, StuckError
from generator.problem.loader import load_file
from generator.render.json_trace import trace_dict
from generator.render.sheet import sheet_of
from generator.syntax.latex import to_latex
from generator.syntax.parser import parse
from test_where import finite_difference_check

INTEGER_K = ("k: scalar, integer", "X: n x n", "A: n x n")


@pytest.mark.parametrize("text, wrt, lets, answer", [
    ("s^p", "s", ("s: scalar", "p: scalar"), "p s^(p - 1)"),
    ("(x^T x)^p", "x", (), "2 p (x^T x)^(p - 1) x"),
    ("||x||^p", "x", (), "p ||x||^(p - 2) x"),
    ("s^p s^2", "s", ("s: scalar",), "(p + 2) s^(p + 1)"),
    ("s^p / s", "s", ("s: scalar",), "(p - 1) s^(p - 2)"),
    ("tr(X^k)", "X", INTEGER_K, "k (X^(k - 1))^T"),
    ("tr(X^(k + 1))", "X", INTEGER_K, "(k + 1) (X^k)^T"),
    ("2 tr(X^k) + tr(A X)", "X", INTEGER_K, "2 k (X^(k - 1))^T + A^T"),
    ("x^T A^k x", "x", INTEGER_K, "(A^k + (A^k)^T) x"),
])
def test_each_answer_is_right_and_reads_back(text, wrt, lets, answer):
    derivation = derive_text(text, wrt, lets)
    assert str(derivation.gradient) == answer
    assert parse(answer) == derivation.gradient   # the contract's syntax, read back
    assert finite_difference_check(derivation) < 1e-6


def test_the_sheet_shows_the_sum_over_j_and_closes_it():
    derivation = derive_text("tr(X^k)", "X", INTEGER_K)
    lines = [str(line.rhs) for step in sheet_of(derivation) for line in step.lines]
    assert "tr(sum_j X^j dX X^(k - 1 - j))" in lines and "tr(k X^(k - 1) dX)" in lines
    summed = next(s.expr for s in derivation.steps if s.rule == "differential-power")
    assert r"\sum_{j=0}^{k - 1} X^{j}" in to_latex(summed)
    data = trace_dict(derivation)
    assert data["symbols"]["k"] == {"shape": [], "integer": True, "constant": True}
    assert any(s["rule"] == "trace-power-sum" for s in data["steps"])


def test_a_matrix_power_exponent_must_be_declared_an_integer():
    with pytest.raises(ShapeError, match=r'declare it, `symbols: \{k: \{shape: \[\], '
                                         r'integer: true\}\}` \(or --let "k: scalar, integer"\)'):
        derive_text("tr(X^k)", "X")
    result = invoke("derive", "tr(X^k)", "--wrt", "X")
    assert result.exit_code != 0 and "is not declared one" in result.output
    assert "Traceback" not in result.output


def test_what_has_no_closed_form_is_refused_with_the_reason():
    with pytest.raises(StuckError, match="closes only inside a trace with nothing but scalars"):
        derive_text("tr(A X^k)", "X", INTEGER_K)
    with pytest.raises(StuckError, match="the exponent p varies"):
        derive_text("s^p", "p", ("s: scalar", "p: scalar"))


def test_a_file_declares_the_integer(tmp_path: Path):
    path = tmp_path / "power.yaml"
    path.write_text("title: A power\nsymbols:\n  k: {shape: [], integer: true}\n"
                    "objective: tr(X^k)\nwrt: X\nexpect: k (X^(k - 1))^T\n", encoding="utf-8")
    (problem,) = load_file(path)
    assert problem.symbols["k"].has("integer")
    assert str(derive(problem).gradient) == "k (X^(k - 1))^T"
    path.write_text("title: A power\nsymbols:\n  k: {shape: [n], integer: true}\n"
                    "objective: tr(X^k)\nwrt: X\n", encoding="utf-8")
    with pytest.raises(Exception, match="k is an integer, which is said of a scalar"):
        load_file(path)
