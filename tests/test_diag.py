"""diag(v) and diag(X) in objectives: read, typed, derived, and every answer right by
finite differences of the objective's own values (the fuzzer's grader, independent of
the engine's checks), written as a teacher would."""
from __future__ import annotations

import pytest

from generator.api import derive_text
from generator.errors import ShapeError
from random_objectives import LETS, grade

LETS_HERE = LETS + ("a: n",)

CASES = [
    # (objective, wrt, the answer as the sheet prints it)
    ("x^T diag(a) x", "x", "2 diag(a) x"),
    ("tr(A diag(x))", "x", "diag(A)"),
    ("tr(diag(x))", "x", "ones(n)"),
    ("a^T diag(x) b", "x", "b .* a"),
    ("sum(diag(x) A)", "x", "A ones(n)"),
    ("||diag(x) A - B||_F^2", "x", "2 diag(A (A^T diag(x) - B^T))"),
    ("x^T diag(b) x + a^T diag(x) a", "x", "2 diag(b) x + a .* a"),
    ("a^T diag(X)", "X", "diag(a)"),
    ("||diag(X) - b||^2", "X", "2 diag(diag(X) - b)"),
    ("tr(diag(diag(X)) A)", "X", "diag(diag(A))"),
    ("sum(diag(X))", "X", "I_n"),
    ("b^T diag(X^T A X)", "X", "(A + A^T) X diag(b)"),
    ("sum(diag(2 X - alpha A))", "X", "2 I_n"),
]


@pytest.mark.parametrize("text, wrt, answer", CASES, ids=[c[0] for c in CASES])
def test_a_gradient_through_diag(text, wrt, answer):
    assert str(derive_text(text, wrt, LETS_HERE).gradient) == answer
    assert grade(text, wrt) == ("ok", "")


def test_diag_is_a_matrix_of_a_vector_and_a_vector_of_a_matrix():
    # x^T diag(X) is a scalar only if diag(X) is a column; diag(x) x only if diag(x) is square
    assert str(derive_text("x^T diag(X) + sum(diag(x) X)", "X", ("x: n", "X: n x n"))
               .gradient) == "diag(x) + diag(x) ones(n, n)"


@pytest.mark.parametrize("text, lets", [
    ("tr(diag(A) X)", ("A: 2 x 3",)),
    ("x^T diag(x^T) x", ()),
])
def test_diag_of_a_non_square_matrix_or_a_row_is_refused(text, lets):
    with pytest.raises(ShapeError, match="diag takes a column vector"):
        derive_text(text, "X" if "X" in text else "x", lets)
