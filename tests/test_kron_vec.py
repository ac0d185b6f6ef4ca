"""kron(A, B) / A ⊗ B, vec(X) and K(m, n): read, printed, typed (sizes that are products,
`m*n`), evaluated, and derived through in scalar objectives, each gradient graded by
finite differences of the objective's own values."""
from __future__ import annotations

import numpy as np
import pytest

from generator.api import derive_text
from generator.check.arrays import commutation
from generator.errors import MathSyntaxError
from generator.math.expr import Commutation, DimProduct, Kron, Vec, dim_product
from generator.math.shapes import infer_shapes, shape_of
from generator.math.symbols import SymbolInfo
from generator.syntax.latex import to_latex
from generator.syntax.parser import parse
from random_objectives import grade


@pytest.mark.parametrize("text, printed", [
    ("kron(A, B)", "kron(A, B)"),
    ("A ⊗ B", "kron(A, B)"),
    ("A ⊗ B ⊗ C", "kron(kron(A, B), C)"),
    ("vec(A X B)", "vec(A X B)"),
    ("K(m, n) vec(X)", "K(m, n) vec(X)"),
    ("(A ⊗ B)^T vec(X)", "kron(A, B)^T vec(X)"),
])
def test_the_syntax_reads_and_prints_back(text, printed):
    assert str(parse(text)) == printed
    assert parse(printed) == parse(text)


def test_the_latex_groups_a_kronecker_product_where_it_binds_loosely():
    assert to_latex(parse("kron(A, B)^T")) == r"(A \otimes B)^{T}"
    assert to_latex(parse("kron(A, B) vec(X)")) == \
        r"(A \otimes B) \operatorname{vec}\left(X\right)"
    assert to_latex(parse("K(m, n)")) == r"K_{m,n}"


@pytest.mark.parametrize("text, message", [
    ("kron(A)", "kron takes two arguments"),
    ("K(m)", "'K' takes 2 sizes"),
    ("vec(A, B)", "'vec' takes one argument"),
])
def test_malformed_calls_are_syntax_errors(text, message):
    with pytest.raises(MathSyntaxError, match=message):
        parse(text)


def test_a_symbol_named_k_is_still_a_symbol():
    assert str(derive_text("tr(K X)", "X", ("K: n x n",)).gradient) == "K^T"


def test_sizes_that_are_products():
    assert dim_product("n", "m") == DimProduct(("m", "n")) == dim_product("m", "n")
    assert dim_product(2, "n", 3) == DimProduct((6, "n")) and dim_product(1, "n") == "n"
    declared = {"A": SymbolInfo("A", ("m", "n"), declared=True),
                "B": SymbolInfo("B", ("p", "q"), declared=True),
                "X": SymbolInfo("X", ("n", "p"), constant=False, declared=True)}
    inferred = infer_shapes(parse("tr(X^T X)"), declared, "X")
    table = inferred.table
    assert shape_of(Kron(parse("A"), parse("B")), table) == (dim_product("m", "p"),
                                                             dim_product("n", "q"))
    assert shape_of(Vec(parse("X")), table) == (dim_product("n", "p"), 1)
    assert shape_of(Commutation("m", "n"), table) == (dim_product("m", "n"),) * 2
    # an undeclared vector beside vec(Y) takes its size from Y's: m*n
    inferred = infer_shapes(parse("vec(Y)^T c"), {}, "Y")
    assert inferred.table["c"].shape == (dim_product("m", "n"),)


@pytest.mark.parametrize("text, ties", [
    # kron(C, D) vec(X) = vec(D X C^T): X has D's columns as rows and C's as columns, and
    # vec(X)^T before it ties them to the rows too
    ("vec(X)^T kron(A, B) vec(X)", [("X", 0, "B", 1), ("X", 1, "A", 1), ("X", 0, "B", 0),
                                    ("X", 1, "A", 0)]),
    # K(m, n) takes vec(Y) of an m x n Y to vec(Y^T), of an n x m matrix
    ("vec(X)^T K(m, n) vec(Y)", [("Y", 0, "m"), ("Y", 1, "n"), ("X", 0, "n"), ("X", 1, "m")]),
    # two vecs multiplied are of matrices of one shape
    ("vec(X)^T vec(Y)", [("X", 0, "Y", 0), ("X", 1, "Y", 1)]),
    # a factor found equal fixes the other: kron(I_3, A) vec(X) needs X with 3 columns
    ("vec(X)^T kron(I_3, A) vec(X)", [("X", 1, 3), ("X", 0, "A", 1)]),
])
def test_inference_splits_a_product_of_sizes_as_the_laws_read(text, ties):
    """Each tie: a symbol's dimension equals another's, or a given size; the objective
    then derives and its lines check (before, the vecs' sizes were left unsplit, and the
    complete table refused the product)."""
    derivation = derive_text(text, "X")
    table = derivation.symbols
    for name, axis, *other in ties:
        expected = table[other[0]].shape[other[1]] if len(other) == 2 else other[0]
        assert table[name].shape[axis] == expected, (name, axis, other, table)
    assert derivation.verification.checks > 0


def test_the_commutation_matrix_transposes_a_vec():
    x = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(commutation(3, 4) @ x.reshape(-1, 1, order="F"),
                          x.T.reshape(-1, 1, order="F"))


@pytest.mark.parametrize("text, answer", [
    ("vec(X)^T vec(X)", "2 X"),
    ("vec(X)^T vec(A)", "A"),
    ("vec(A X B)^T vec(A X B)", "2 A^T A X B B^T"),
    ("tr(kron(A, X))", "tr(A) I_n"),
    ("vec(X)^T kron(B, A) vec(X)", "A X B^T + A^T X B"),
    ("vec(X)^T kron(A, B)^T vec(X)", "B^T X A + B X A^T"),
    ("vec(X)^T K(n, n) vec(X)", "2 X^T"),
    ("sum(vec(X))", "ones(n, n)"),
    ("norm(vec(X))^2", "2 X"),
])
def test_a_gradient_through_vec_and_kron(text, answer):
    assert str(derive_text(text, "X", ("X: n x n", "A: n x n", "B: n x n")).gradient) == answer
    assert grade(text, "X") == ("ok", "")


@pytest.mark.parametrize("text, lets, message", [
    ("tr(kron(alpha, X))", ("alpha: scalar", "X: n x n"),
     "a Kronecker product with a scalar is the ordinary product; write it as a product, "
     "e.g. `alpha X`"),
    ("vec(tr(X))^T vec(tr(X))", ("X: n x n",), "the vec of a scalar is the scalar itself"),
    ("tr(K(n, m) kron(X, X))", ("X: n x n",), "shape mismatch"),
])
def test_notation_that_says_something_else_is_refused(text, lets, message):
    from generator.errors import ShapeError
    with pytest.raises(ShapeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        derive_text(text, "X", lets)
