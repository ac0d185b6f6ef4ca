"""Shape inference and checking (contract 1.1; generator/math/shapes.py).

Every inferred table is also checked independently: each dimension name gets its own
size, random numpy arrays of the inferred shapes are built, and the expression is
evaluated with numpy, so a wrong inference cannot pass by agreeing with itself.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ShapeError
from generator.math.expr import (Add, Det, Differential, Elementwise, Hadamard, Identity, Inverse,
                            LogDet, Mul, Norm, Number, Power, SumEntries, Symbol, Trace,
                            Transpose)
from generator.problem.letspec import parse_let
from generator.math.written import objective_kind
from generator.math.dims import kind_of_name
from generator.math.shapes import infer_shapes, infer_symbols, is_scalar, shape_of
from generator.syntax.parser import parse


def infer(text: str, wrt: str | None = None, *lets: str, extra: tuple[str, ...] = ()):
    declared = {info.name: info for info in map(parse_let, lets)}
    return infer_symbols(parse(text), declared, wrt, tuple(parse(e) for e in extra))


def shapes(table) -> dict:
    return {s.name: s.shape for s in table.symbols}


# ----- an independent numeric check of an inferred table ----------------------------------

def _value(e, env, sizes):
    """numpy value of `e`; 1 x 1 factors multiply as scalars (the notes' convention)."""
    v = lambda x: _value(x, env, sizes)  # noqa: E731
    if isinstance(e, Symbol):
        return env[e.name]
    if isinstance(e, Number):
        return np.array([[float(e.value)]])
    if isinstance(e, Identity):
        return np.eye(sizes[e.size] if isinstance(e.size, str) else e.size)
    if isinstance(e, Mul):
        return _chain([v(f) for f in e.factors])
    if isinstance(e, Add):
        out = v(e.terms[0])
        for t in e.terms[1:]:
            out = out + v(t)
        return out
    unary = {Transpose: lambda a: a.T, Inverse: _shape_of_inverse,
             Trace: lambda a: np.array([[np.trace(a)]]),
             Det: lambda a: np.array([[np.linalg.det(a)]]),
             LogDet: lambda a: np.array([[np.linalg.slogdet(a)[1]]]),
             SumEntries: lambda a: np.array([[a.sum()]]),
             Differential: lambda a: a}
    if type(e) in unary:
        return unary[type(e)](v(e.arg))
    if isinstance(e, Power):
        return np.linalg.matrix_power(v(e.base), e.exponent if isinstance(e.exponent, int) else 3)
    if isinstance(e, Norm):
        return np.array([[np.linalg.norm(v(e.arg))]])
    if isinstance(e, Hadamard):
        return v(e.left) / v(e.right) if e.divide else v(e.left) * v(e.right)
    if isinstance(e, Elementwise):
        return {"exp": np.exp, "log": lambda a: np.log(np.abs(a)),
                "sigmoid": lambda a: 1 / (1 + np.exp(-a))}[e.func](v(e.arg))
    raise TypeError(e)


def _chain(values):
    """A product in any association numpy accepts (a flat `X x^T b` is `X (x^T b)`)."""
    if len(values) == 1:
        return values[0]
    for k in range(1, len(values)):
        try:
            a, b = _chain(values[:k]), _chain(values[k:])
            return a * b if 1 in (a.size, b.size) else a @ b
        except ValueError:
            continue
    raise ValueError("no association of the product conforms")


def _shape_of_inverse(a):
    """Only the shape matters here, and a square product such as `A B` (n x m times m x n,
    m < n) is singular: pinv for a square matrix; inv (which refuses) for any other."""
    return np.linalg.pinv(a) if a.shape[0] == a.shape[1] else np.linalg.inv(a)


def numeric_shape(expr, table, identity_size=None):
    """The numpy shape of `expr` with each named dimension a different size (2, 3, 4, ...)."""
    names = sorted({d for s in table.symbols for d in s.shape if isinstance(d, str)}
                   | {n.size for n in expr.walk() if isinstance(n, Identity)
                      and isinstance(n.size, str)})
    sizes = {name: 2 + i for i, name in enumerate(names)}
    rng = np.random.default_rng(0)
    env = {}
    for s in table.symbols:
        rows, cols = (sizes.get(d, d) for d in (s.rows, s.cols))
        m = rng.standard_normal((rows, cols))
        env[s.name] = m @ m.T + rows * np.eye(rows) if rows == cols else m
    return _value(expr, env, sizes).shape, sizes


# ----- inference of each kind -----------------------------------------------------------------

INFERENCE = [
    # objective, wrt, --let declarations, expected shapes
    ("tr(A X)", "X", (), {"A": ("m", "n"), "X": ("n", "m")}),
    ("||A x - b||^2", "x", (), {"A": ("m", "n"), "x": ("n",), "b": ("m",)}),
    ("x^T A x", "x", (), {"x": ("n",), "A": ("n", "n")}),
    ("tr(X^T A X)", "X", ("A: n x n, constant", "X: n x m"), {"A": ("n", "n"), "X": ("n", "m")}),
    ("tr(A X)", "X", ("X: 3 x 4",), {"X": (3, 4), "A": (4, 3)}),
    ("alpha tr(X) + logdet(X)", "X", (), {"alpha": (), "X": ("n", "n")}),
    ("lambda ||w||^2 + sigma^2", "w", (), {"lambda": (), "w": ("n",), "sigma": ()}),
    ("tr(Sigma^-1 S)", "Sigma", (), {"Sigma": ("n", "n"), "S": ("n", "n")}),
    ("det(A X B)", "X", (), {"X": ("n", "m"), "A": ("p", "n"), "B": ("m", "p")}),
    ("tr(X^2) + tr(X^k)", "X", (), {"X": ("n", "n"), "k": ()}),   # an exponent is a scalar
    ("tr(A^(q - 1)) + tr(A^p)", "A", (), {"A": ("n", "n"), "q": (), "p": ()}),
    ("||X||_F^2", "X", (), {"X": ("n", "m")}),
    ("sum(log(1 + exp(-y .* (A w))))", "w", (), {"y": ("m",), "A": ("m", "n"), "w": ("n",)}),
    ("sum(1 ./ (1 + exp(-v)))", "v", (), {"v": ("n",)}),
    ("x^T X x / alpha", "X", (), {"x": ("n",), "X": ("n", "n"), "alpha": ()}),
    ("tr(A x x^T)", "x", (), {"A": ("n", "n"), "x": ("n",)}),
]


@pytest.mark.parametrize("text, wrt, lets, expected", INFERENCE, ids=[r[0] for r in INFERENCE])
def test_inferred_shapes(text, wrt, lets, expected):
    table = infer(text, wrt, *lets)
    assert shapes(table) == expected
    assert shape_of(parse(text), table) == (1, 1)
    assert numeric_shape(parse(text), table)[0] == (1, 1)


def test_a_x_minus_b_ties_the_rows_of_a_to_the_rows_of_b():
    table = infer("||A x - b||^2", "x")
    assert table["A"].rows == table["b"].rows
    assert table["A"].cols == table["x"].rows
    assert table["A"].rows != table["A"].cols


def test_trace_of_a_x_makes_a_m_by_n_for_x_n_by_m():
    table = infer("tr(A X)", "X")
    assert table["X"].shape == ("n", "m") and table["A"].shape == ("m", "n")


def test_the_variable_is_not_constant_and_every_other_symbol_is():
    table = infer("tr(X^T A X)", "X", "A: n x n", "X: n x m")
    assert [(s.name, s.constant, s.declared) for s in table.symbols] == [
        ("A", True, True), ("X", False, True)]


def test_declared_symbols_come_first_then_the_inferred_in_order_of_appearance():
    table = infer("c^T x + ||A x - b||^2", "x", "b: m", "unused: 7 x 7")
    assert table.names() == ("b", "unused", "c", "x", "A")
    assert table["unused"].shape == (7, 7)


def test_fresh_dimension_names_avoid_declared_names_and_symbol_names():
    table = infer("||A x - b||^2 + ||C y||^2", "x", "A: n x m")
    assert shapes(table) == {"A": ("n", "m"), "x": ("m",), "b": ("n",), "C": ("p", "q"),
                             "y": ("q",)}
    assert infer("n^T A n", "n")["n"].shape == ("m",)


@pytest.mark.parametrize("name, kind", [
    ("A", "matrix"), ("Sigma", "matrix"), ("X_1", "matrix"), ("x", "vector"), ("b2", "vector"),
    ("w_i", "vector"), ("alpha", "scalar"), ("lambda", "scalar"), ("sigma_1", "scalar"),
    ("mu", "scalar"), ("_x", None)])
def test_the_kind_of_an_undeclared_symbol_comes_from_its_name(name, kind):
    assert kind_of_name(name) == kind


# ----- scalar factors commute ------------------------------------------------------------------

@pytest.mark.parametrize("text", ["(x^T b) X", "X (x^T b)", "x^T b X", "X x^T b",
                                  "tr(X) X", "X tr(X^T X)", "alpha X", "X alpha",
                                  "||x||^2 X", "X / alpha", "2 X"])
def test_a_scalar_factor_scales_a_matrix_wherever_it_stands(text):
    table = infer(f"tr({text})", "X")
    assert table["X"].shape == ("n", "n")
    assert shape_of(parse(text), table) == ("n", "n")
    shape, sizes = numeric_shape(parse(text), table)
    assert shape == (sizes["n"], sizes["n"])


def test_a_scalar_run_inside_a_product_does_not_tie_the_matrices_to_one():
    table = infer("tr(X x^T A b Y)", "X")
    assert shapes(table) == {"X": ("n", "m"), "x": ("p",), "A": ("p", "q"), "b": ("q",),
                             "Y": ("m", "n")}
    shape, sizes = numeric_shape(parse("X x^T A b Y"), table)
    assert shape == (sizes["n"], sizes["n"])


def test_a_number_added_to_a_vector_is_added_to_every_entry():
    table = infer("sum(1 + exp(v))", "v")
    assert shape_of(parse("1 + exp(v)"), table) == ("n", 1)
    assert shape_of(parse("1 - sigmoid(v)"), table) == ("n", 1)


# ----- the identity --------------------------------------------------------------------------

def test_i_takes_its_size_from_its_neighbours_and_i_n_has_size_n():
    assert infer("tr(X I)", "X")["X"].shape == ("n", "n")
    assert infer("tr(X I_k)", "X")["X"].shape == ("k", "k")
    assert infer("tr((X + I)^-1 A)", "X", "A: 5 x 5")["X"].shape == (5, 5)


def test_two_identities_may_have_different_sizes():
    table = infer("tr(A (I + B)) + x^T (I + C) x", "x", "A: 3 x 3", "x: 4")
    assert table["B"].shape == (3, 3) and table["C"].shape == (4, 4)


def test_i_n_must_agree_with_the_declared_shapes():
    with pytest.raises(ShapeError) as err:
        infer("tr(X I_n)", "X", "X: m x m")
    assert str(err.value) == ("shape mismatch in `X I_n`: X is m x m but I_n is n x n "
                              "(the columns of X must equal the rows of I_n)")


def _identities(expr):
    return [n for n in expr.walk() if isinstance(n, Identity)]


def test_inference_gives_every_bare_i_its_size_and_it_still_prints_as_written():
    inferred = infer_shapes(parse("x^T (alpha I) x + tr(I A)"), {}, "x")
    objective = inferred.exprs[0]
    assert [i.size for i in _identities(objective)] == ["n", "m"]
    assert str(objective) == "x^T alpha I x + tr(I A)"
    assert inferred.table["A"].shape == ("m", "m")
    assert shape_of(objective.terms[0].factors[2], inferred.table) == ("n", "n")


def test_two_bare_identities_of_one_expression_may_differ_in_size():
    inferred = infer_shapes(parse("tr(I A I B)"), {}, "A", ())
    first, second = _identities(inferred.exprs[0])
    assert (first.size, second.size) == (inferred.table["A"].rows, inferred.table["B"].rows)
    assert first.size != second.size


def test_the_extra_fields_are_sized_with_the_objective():
    inferred = infer_shapes(parse("x^T A x"), {}, "x", (parse("(A + A^T + I) x"),))
    assert [i.size for i in _identities(inferred.exprs[1])] == ["n"]


def test_an_identity_built_outside_a_problem_has_no_shape():
    table = infer("tr(X)", "X")
    with pytest.raises(ShapeError, match="whose size is not known"):
        shape_of(Identity(), table)


# ----- mismatches name the subexpression and both shapes ---------------------------------------

MISMATCHES = [
    ("tr(A X)", "X", ("A: n x n", "X: m x m"),
     "shape mismatch in `A X`: A is n x n but X is m x m "
     "(the columns of A must equal the rows of X)"),
    ("tr(A + B)", "A", ("A: n x n", "B: 3 x 3"),
     "shape mismatch in `A + B`: A is n x n but B is 3 x 3 "
     "(the terms of a sum must have the same shape)"),
    ("sum(A .* B)", "A", ("A: n x m", "B: m x n"),
     "shape mismatch in `A .* B`: A is n x m but B is m x n "
     "(both sides of an elementwise product must have the same shape)"),
    ("tr(A)", "A", ("A: n x m",),
     "shape mismatch in `tr(A)`: A is n x m, but the trace needs a square matrix"),
    ("logdet(A)", "A", ("A: 2 x 3",),
     "shape mismatch in `logdet(A)`: A is 2 x 3, but the log-determinant needs a square matrix"),
    ("tr(A^-1)", "A", ("A: n x m",),
     "shape mismatch in `A^-1`: A is n x m, but the inverse needs a square matrix"),
    ("tr(diag(A))", "A", ("A: 2 x 3",),
     "shape mismatch in `diag(A)`: A is 2 x 3, but diag takes a column vector (the diagonal "
     "matrix with it on its diagonal) or a square matrix (the vector of its diagonal)"),
    ("x^T diag(x^T) x", "x", (),
     "shape mismatch in `diag(x^T)`: x^T is 1 x n, but diag takes a column vector (the "
     "diagonal matrix with it on its diagonal) or a square matrix (the vector of its "
     "diagonal)"),
    ("x^T A B x", "x", ("A: n x m", "B: n x n"),
     "shape mismatch in `x^T A B x`: x^T A is 1 x m but B is n x n "
     "(the columns of x^T A must equal the rows of B)"),
]


@pytest.mark.parametrize("text, wrt, lets, message", MISMATCHES, ids=[r[0] for r in MISMATCHES])
def test_a_mismatch_names_the_subexpression_and_both_shapes(text, wrt, lets, message):
    with pytest.raises(ShapeError) as err:
        infer(text, wrt, *lets)
    assert str(err.value) == message


def test_a_trace_of_an_undeclared_vector_says_how_to_declare_a_scalar():
    with pytest.raises(ShapeError) as err:
        infer("tr(c) + tr(X)", "X")
    assert "`tr(c)`: c is n x 1" in str(err.value)
    assert "declare it a scalar (`c: {shape: []}`" in str(err.value)


def test_two_column_vectors_do_not_multiply():
    with pytest.raises(ShapeError) as err:
        infer("x y", "x")
    assert str(err.value).startswith("shape mismatch in `x y`: x is n x 1 but y is m x 1")
    assert "y was inferred to be a column vector" in str(err.value)


def test_the_norm_of_a_matrix_asks_for_the_frobenius_norm():
    with pytest.raises(ShapeError, match=r"write `\|\|X\|\|_F` for the Frobenius norm"):
        infer("||X||", "X")
    assert shapes(infer("||X||_F + ||x|| + ||x^T||", "X")) == {"X": ("n", "m"), "x": ("p",)}


def test_extra_expressions_share_the_symbols():
    with pytest.raises(ShapeError, match=re.escape("`A + b`")):
        infer("||A x - b||^2", "x", extra=("A + b",))
    table = infer("tr(A X)", "X", extra=("A^T",))
    assert table.names() == ("A", "X")


def test_a_symmetric_symbol_without_a_shape_is_square():
    from generator.math.symbols import SymbolInfo
    hint = {"S": SymbolInfo("S", (), properties=frozenset({"symmetric"}), declared=False)}
    table = infer_symbols(parse("tr(S X)"), hint, "X")
    assert table["S"].shape == ("n", "n") and table["S"].has("symmetric")
    assert table["X"].shape == ("n", "n")


def test_wrt_must_occur_in_the_objective():
    with pytest.raises(ShapeError, match=r"'Y' is not a symbol of the objective \(symbols: A, X\)"):
        infer("tr(A X)", "Y")


# ----- shape_of, is_scalar and the scalar objective ---------------------------------------------

def test_shape_of_every_kind_of_node():
    table = infer("||A x - b||^2 + tr(X^T B X)", "x")
    assert shape_of(parse("A x - b"), table) == ("m", 1)
    assert shape_of(parse("x^T A^T"), table) == (1, "m")
    assert shape_of(Differential(Symbol("x")), table) == ("n", 1)
    assert shape_of(Differential(parse("A x")), table) == ("m", 1)
    assert shape_of(parse("exp(A x) ./ b"), table) == ("m", 1)
    assert shape_of(parse("X^T B X"), table) == ("q", "q")
    assert shape_of(Power(parse("B"), 3), table) == ("p", "p")
    for scalar in ("tr(B)", "det(B)", "logdet(B)", "sum(X)", "||X||_F", "x^T A^T b", "2",
                   "(x^T x) (b^T b)"):
        assert is_scalar(parse(scalar), table), scalar
    assert not is_scalar(parse("A x"), table)


def test_shape_of_checks_what_it_reads():
    table = infer("tr(A X)", "X")
    with pytest.raises(ShapeError, match=re.escape("`A + X`: A is m x n but X is n x m")):
        shape_of(parse("A + X"), table)
    with pytest.raises(ShapeError, match=re.escape(
            "`Z` has no shape: it is not a symbol of this problem (symbols: A, X)")):
        shape_of(parse("A Z"), table)


def test_shape_of_follows_tables_extended_by_the_engine():
    table = infer("||A x - b||^2", "x")
    from generator.math.symbols import SymbolInfo
    bigger = table.with_symbol(SymbolInfo("R", ("m",)))
    assert shape_of(parse("R^T R"), bigger) == (1, 1)
    with pytest.raises(ShapeError):
        shape_of(parse("R"), table)


def test_shape_of_is_linear_in_the_size_of_the_expression():
    import time
    table = infer("x^T A x", "x")
    big = Add(tuple(parse("x^T A x") for _ in range(20000)))
    start = time.perf_counter()
    assert shape_of(big, table) == (1, 1)
    assert time.perf_counter() - start < 2.0


def test_a_scalar_objective_has_a_gradient_and_any_other_a_jacobian():
    table = infer("tr(X^T A X)", "X", "A: n x n", "X: n x m")
    assert objective_kind(parse("tr(X^T A X)"), table, "X") == "gradient"
    assert objective_kind(parse("A X"), table, "X") == "jacobian"
    table = infer("A x", "x", "A: m x n")
    assert objective_kind(parse("A x"), table, "x") == "jacobian"
    assert objective_kind(parse("x^T A^T"), table, "x") == "jacobian"


@pytest.mark.parametrize("objective", ["tr(I) + tr(X)", "tr(X) tr(I)", "tr(tr(X) I)", "det(2 I) tr(X)",
                                       "logdet(alpha I) + tr(X)"])
def test_a_trace_or_determinant_of_an_identity_of_unknown_size_is_an_error(objective):
    with pytest.raises(ShapeError, match=r"the size of the identity in `.*` is not known"):
        infer_shapes(parse(objective), {}, "X")


@pytest.mark.parametrize("objective", ["tr(X) + tr(I_3)", "tr(X^T X + lambda I)",
                                       "tr(A (X + I))", "logdet(X + I)", "det(I X)"])
def test_an_identity_sized_by_its_neighbours_is_fine(objective):
    inferred = infer_shapes(parse(objective), {}, "X")
    assert objective_kind(inferred.exprs[0], inferred.table, "X") == "gradient"
    assert all(isinstance(i.size, (str, int)) for i in _identities(inferred.exprs[0]))


def test_a_lower_case_constant_term_is_a_vector_and_the_error_says_so():
    objective = parse("x^T A x + b^T x + c")
    table = infer_symbols(objective, {}, "x")
    pattern = r"is m x 1 only because c.*inferred to be a column vector.*`c: \{shape: \[\]\}`"
    with pytest.raises(ShapeError, match=pattern):
        objective_kind(objective, table, "x")


# ----- a property: whatever inference accepts, numpy can compute ---------------------------------

_LEAVES = st.sampled_from([Symbol("A"), Symbol("B"), Symbol("X"), Symbol("x"), Symbol("y"),
                           Symbol("alpha"), Number(2), Identity(), Identity("k")])


def _node(children):
    pair = st.tuples(children, children)
    return st.one_of(
        st.builds(Transpose, children), st.builds(Trace, children), st.builds(Inverse, children),
        st.builds(lambda a: Power(a, 2), children), st.builds(Norm, children, st.booleans()),
        st.builds(lambda a: Elementwise("exp", a), children), st.builds(SumEntries, children),
        pair.map(lambda p: Mul(p)), pair.map(lambda p: Add(p)),
        st.tuples(children, children, children).map(lambda p: Mul(p)),
        pair.map(lambda p: Hadamard(*p)))


@settings(max_examples=400, deadline=None)
@given(st.recursive(_LEAVES, _node, max_leaves=7))
def test_whatever_inference_accepts_numpy_can_compute(expr):
    try:
        inferred = infer_shapes(expr, {}, None)
        table, (expr,) = inferred.table, inferred.exprs
        expected = shape_of(expr, table)
    except ShapeError:
        return
    shape, sizes = numeric_shape(expr, table)
    assert shape == tuple(sizes.get(d, d) for d in expected)


# ----- scalar runs kept whole (issue 10) ---------------------------------------------------

@pytest.mark.parametrize("objective, wrt, grouped", [
    ("tr(X x^T b)", "X", "tr(X (x^T b))"),          # the chain needs the run as a scalar
    ("tr(x^T x A)", "x", "tr((x^T x) A)"),          # a 1 x 1 chain before a matrix
    ("tr(A x^T x)", "x", "tr(A (x^T x))"),
    ("x^T A x x^T b", "x", "x^T A x x^T b"),        # the chain reads it: no group
    ("alpha x^T x", "x", "alpha x^T x"),            # the last chain needs none
    ("tr(X alpha Y)", "X", "tr(X alpha Y)"),        # a scalar factor never breaks a chain
])
def test_inference_keeps_each_scalar_run_a_product_needs_whole(objective, wrt, grouped):
    inferred = infer_shapes(parse(objective), {}, wrt)
    (expr,) = inferred.exprs
    assert str(expr) == grouped
    groups = [n for n in expr.walk() if isinstance(n, Mul) and n.scalar]
    assert all(shape_of(g, inferred.table) == (1, 1) for g in groups)
    again = infer_shapes(parse(str(expr)), {}, wrt).exprs[0]   # it reads back
    assert str(again) == grouped


def test_a_grouped_product_prints_in_the_contract_syntax_and_reads_back():
    from generator.api import derive_text
    from generator.check.verify import agree
    d = derive_text("tr((w^T w) X^-1)", "X")
    text = str(d.gradient)
    assert "(w^T w)" in text
    back = infer_shapes(parse(text), {s.name: s for s in d.symbols.symbols}, None).exprs[0]
    assert agree(back, d.gradient, d.symbols, "X") < 1e-12


@pytest.mark.parametrize("objective, hint", [
    ("tr(A / X)", "`A X^-1` or `X^-1 A`"),
    ("tr(A / (X B))", "`A (X B)^-1` or `(X B)^-1 A`"),
])
def test_a_division_by_a_matrix_asks_which_side(objective, hint):
    with pytest.raises(ShapeError, match="divides by a scalar only") as err:
        infer_shapes(parse(objective), {}, "X")
    assert hint in str(err.value)


@pytest.mark.parametrize("objective", ["x^T x / alpha", "x^T A x / (x^T x)", "tr(X) / 2"])
def test_a_division_by_a_scalar_is_fine(objective):
    infer_shapes(parse(objective), {}, "X" if "X" in objective else "x")
