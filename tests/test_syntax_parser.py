"""The math syntax of the contract, section 2: every spelling in its table, the
precedence it states, and errors that name the exact column."""
from __future__ import annotations

import pathlib
import sys
from fractions import Fraction

import pytest

from generator.errors import MathSyntaxError
from generator.math.expr import (
    Add, Det, Differential, Elementwise, Hadamard, Identity, Inverse, LogDet, Mul, Norm,
    Number, Power, SumEntries, Symbol, Trace, Transpose, add,
)
from generator.syntax.limits import MAX_DEPTH, MAX_MATH_LENGTH
from generator.syntax.parser import parse

A, B, C, X, Y = (Symbol(n) for n in "ABCXY")
a, b, v, w, x, y = (Symbol(n) for n in "abvwxy")
alpha = Symbol("alpha")


def N(value, denominator=1):
    return Number(Fraction(value, denominator))


def M(*factors):
    return Mul(tuple(factors))


def S(*terms):
    return Add(tuple(terms))


def minus(e):
    return M(N(-1), e)


VALID = [
    # products: `*`, juxtaposition, parentheses; `AX` is one name
    ("A X", M(A, X)),
    ("A*X", M(A, X)),
    ("(A)(X)", M(A, X)),
    ("AX", Symbol("AX")),
    ("2 A", M(N(2), A)),
    ("2(A + B)", M(N(2), S(A, B))),
    ("A 2", M(N(2), A)),
    ("x_1 x2", M(Symbol("x_1"), Symbol("x2"))),
    # transposes and inverses
    ("X^T", Transpose(X)),
    ("X'", Transpose(X)),
    ("X.T", Transpose(X)),
    ("X^{T}", Transpose(X)),
    ("Xᵀ", Transpose(X)),
    ("X’", Transpose(X)),
    ("X^-1", Inverse(X)),
    ("X^{-1}", Inverse(X)),
    ("X^(-1)", Inverse(X)),
    ("inv(X)", Inverse(X)),
    ("X⁻¹", Inverse(X)),
    ("X^-T", Inverse(Transpose(X))),
    ("X^{-T}", Inverse(Transpose(X))),
    ("X^T^-1", Inverse(Transpose(X))),
    ("X''", Transpose(Transpose(X))),
    ("dX", Symbol("dX")),                 # differentials are off by default
    # powers
    ("X^2", Power(X, 2)),
    ("X^{10}", Power(X, 10)),
    ("X^k", Power(X, Symbol("k"))),
    ("X^(k - 1)", Power(X, add(Symbol("k"), Number(-1)))),
    ("X^{k+2}", Power(X, add(Symbol("k"), Number(2)))),
    ("X^-2", Power(Inverse(X), 2)),
    # traces, determinants
    ("tr(X)", Trace(X)),
    ("Tr(X)", Trace(X)),
    ("trace(X)", Trace(X)),
    ("tr (X)", Trace(X)),
    ("tr(A X)", Trace(M(A, X))),                                  # notes, Problem 4
    ("tr(X^T A X)", Trace(M(Transpose(X), A, X))),                # notes, Problem 5
    ("det(X)", Det(X)),
    ("|X|", Det(X)),
    ("|X| |Y|", M(Det(X), Det(Y))),
    ("|X||Y|", M(Det(X), Det(Y))),
    ("|A (|B|)|", Det(M(A, Det(B)))),
    ("logdet(X)", LogDet(X)),
    ("log(det(X))", LogDet(X)),
    ("log(|X|)", LogDet(X)),
    ("log|X|", LogDet(X)),
    ("log |X|", LogDet(X)),
    # norms
    ("||v||", Norm(v)),
    ("||v||_2", Norm(v)),
    ("‖v‖", Norm(v)),
    ("||X||_F", Norm(X, True)),
    ("norm(v)", Norm(v)),
    ("norm(v, 2)", Norm(v)),
    ("norm(X, F)", Norm(X, True)),
    ("norm(X, fro)", Norm(X, True)),
    ("||v||^2", Power(Norm(v), 2)),
    ("||v||_2^2", Power(Norm(v), 2)),
    ("norm(v)^2", Power(Norm(v), 2)),
    ("||X||_F^2", Power(Norm(X, True), 2)),
    ("||A x - b||^2", Power(Norm(S(M(A, x), minus(b))), 2)),      # notes, Problem 6
    ("||(x ||y||)||", Norm(M(x, Norm(y)))),
    ("||x|| ||y||", M(Norm(x), Norm(y))),
    # Hadamard and elementwise functions
    ("A .* B", Hadamard(A, B)),
    ("A ∘ B", Hadamard(A, B)),
    ("A ./ B", Hadamard(A, B, True)),
    ("A .* B ./ C", Hadamard(Hadamard(A, B), C, True)),
    ("exp(v)", Elementwise("exp", v)),
    ("log(v)", Elementwise("log", v)),
    ("sigmoid(v)", Elementwise("sigmoid", v)),
    ("1 - sigmoid(v)", S(N(1), minus(Elementwise("sigmoid", v)))),
    ("sum(X)", SumEntries(X)),
    # identity, numbers, signs, division
    ("I", Identity()),
    ("I_n", Identity("n")),
    ("I_3", Identity(3)),
    ("I2", Symbol("I2")),
    ("0", N(0)),
    ("0.5", N(1, 2)),
    (".25 X", M(N(1, 4), X)),
    ("1/2", N(1, 2)),
    ("1/2 tr(X)", M(N(1, 2), Trace(X))),
    ("X / 2", M(N(1, 2), X)),
    ("A / 2 B", M(N(1, 2), A, B)),
    ("x / alpha", M(x, Inverse(alpha))),
    ("x / -2", M(N(-1, 2), x)),
    ("-X", minus(X)),
    ("-2 X", M(N(-2), X)),
    ("−X", minus(X)),
    ("-(-X)", X),
    ("--X", X),
    ("2 (3 X)", M(N(6), X)),
    ("0 X", N(0)),
    ("A - B", S(A, minus(B))),
    ("A - 2 B", S(A, M(N(-2), B))),
    ("A * -B", M(N(-1), A, B)),
    ("-(A - B)", minus(S(A, minus(B)))),
    # Greek names are ordinary names; Unicode letters become their ASCII names
    ("alpha x", M(alpha, x)),
    ("λ x", M(Symbol("lambda"), x)),
    ("Σ", Symbol("Sigma")),
    ("λ_1", Symbol("lambda_1")),
    ("delta", Symbol("delta")),
    ("d", Symbol("d")),
    ("T", Symbol("T")),
    # precedence, loosest first: + -, Hadamard, products, unary minus, postfix
    ("y .* A w", Hadamard(y, M(A, w))),
    ("A + B .* C", S(A, Hadamard(B, C))),
    ("-X^T", minus(Transpose(X))),
    ("-2^2", minus(Power(N(2), 2))),
    ("A B^T", M(A, Transpose(B))),
    ("(A B)^T", Transpose(M(A, B))),
    ("2 A^T (A x - b)", M(N(2), Transpose(A), S(M(A, x), minus(b)))),       # Problem 6
    ("(A^T A)^-1 A^T b", M(Inverse(M(Transpose(A), A)), Transpose(A), b)),  # Problem 6
    ("(A + A^T) X", M(S(A, Transpose(A)), X)),                             # Problem 5
    ("  A  +  B  ", S(A, B)),
]


@pytest.mark.parametrize(("text", "tree"), VALID, ids=[t for t, _ in VALID])
def test_parses(text, tree):
    assert parse(text) == tree


DIFFERENTIALS = [
    ("dX", Differential(X)),
    ("dx_1", Differential(Symbol("x_1"))),
    ("dX^T", Transpose(Differential(X))),
    ("d(A X)", Differential(M(A, X))),
    ("d(X^T)", Differential(Transpose(X))),
    ("ddX", Differential(Differential(X))),
    ("dI", Differential(Identity())),
    ("d", Symbol("d")),
    ("d (X)", M(Symbol("d"), X)),
    ("delta", Symbol("delta")),
    ("dlambda", Differential(Symbol("lambda"))),
    ("det(dX)", Det(Differential(X))),
    ("tr(dX^T A X + X^T A dX)",                                            # Problem 5
     Trace(S(M(Transpose(Differential(X)), A, X), M(Transpose(X), A, Differential(X))))),
]


@pytest.mark.parametrize(("text", "tree"), DIFFERENTIALS, ids=[t for t, _ in DIFFERENTIALS])
def test_parses_differentials(text, tree):
    assert parse(text, differentials=True) == tree


INVALID = [
    # (text, 1-based column of the caret, a fragment of the reason)
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ("A +", 3, "'+' needs something after it"),
    ("A -", 3, "'-' needs something after it"),
    ("A .*", 3, "'.*' needs something after it"),
    ("A /", 3, "'/' needs something after it"),
    ("A / ", 3, "'/' needs something after it"),
    ("tr(X", 3, "never closed"),
    ("(A + B", 1, "never closed"),
    ("((A) + B", 1, "never closed"),
    ("|X", 1, "never closed"),
    ("||X", 1, "never closed"),
    ("X)", 2, "no '(' to close"),
    ("(A + B))", 8, "no '(' to close"),
    ("(A + B}", 7, "expected ')'"),
    ("()", 1, "empty parentheses"),
    ("A + * B", 5, "unexpected '*'"),
    ("* A", 1, "unexpected '*'"),
    ("+A", 1, "unexpected '+'"),
    ("foo(X)", 1, "unknown function 'foo'"),
    ("A + A(X)", 5, "unknown function 'A'"),
    ("d(X)", 1, "unknown function 'd'"),
    ("tr X", 1, "'tr' needs parentheses"),
    ("exp", 1, "'exp' needs parentheses"),
    ("X^", 2, "after '^'"),
    ("X^0", 3, "exponent of 0"),
    ("X^1", 3, "exponent of 1"),
    ("X^2.5", 3, "whole number"),
    ("X^Tb", 3, "did you mean '^T b'"),
    ("X^+", 3, "after '^'"),
    ("X^{-1", 6, "expected '}'"),
    ("X^tr", 3, "cannot be an exponent"),
    ("2x", 2, "cannot run into a name"),
    ("1e-3", 2, "cannot run into a name"),
    ("A $ B", 3, "unexpected character '$'"),
    ("A [B]", 3, "parentheses"),
    ("X.", 2, "unexpected '.'"),
    ("1/0", 3, "division by zero"),
    ("x / (0)", 5, "division by zero"),
    ("tr(A, B)", 5, "takes one argument"),
    ("A, B", 2, "unexpected ','"),
    ("norm(X, 3)", 9, "2 (Euclidean) or F"),
    ("||X||_1", 7, "2 (Euclidean) or F"),
    ("A _1", 3, "unexpected '_'"),
    ("I_", 1, "identity's size"),
    ("I_0", 1, "identity's size"),
    ("λ $", 3, "unexpected character"),
    ("x + " + "1" * 5000, 5, "at most 100 digits"),
]


@pytest.mark.parametrize(("text", "column", "reason"), INVALID, ids=[t or "<empty>" for t, _, _ in INVALID])
def test_rejects_with_column(text, column, reason):
    with pytest.raises(MathSyntaxError) as caught:
        parse(text)
    assert caught.value.column == column
    assert reason in caught.value.reason


def test_space_before_postfix_is_allowed():
    assert parse("A ^T") == Transpose(A)


def test_dtr_is_not_a_differential_of_a_symbol():
    with pytest.raises(MathSyntaxError) as caught:
        parse("A dtr", differentials=True)
    assert caught.value.column == 3


def test_error_message_shows_caret_under_column():
    with pytest.raises(MathSyntaxError) as caught:
        parse("tr(X^T A X")
    lines = str(caught.value).splitlines()
    assert lines[-2] == "  tr(X^T A X"
    assert lines[-1] == "    ^"


# ----- bounded work: deep nesting and megabytes of input ------------------------

def test_nesting_at_the_limit_parses():
    text = "tr(" * MAX_DEPTH + "X" + ")" * MAX_DEPTH
    tree = parse(text)
    for _ in range(MAX_DEPTH):
        assert isinstance(tree, Trace)
        tree = tree.arg
    assert tree == X


@pytest.mark.parametrize(("text", "column"), [
    ("(" * (MAX_DEPTH + 1) + "X" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
    ("tr(" * (MAX_DEPTH + 1) + "X" + ")" * (MAX_DEPTH + 1), 3 * (MAX_DEPTH + 1)),
    ("| " * (MAX_DEPTH + 1) + "X", 2 * MAX_DEPTH + 1),
    ("X" + "'" * (MAX_DEPTH + 1), MAX_DEPTH + 2),
    ("X" + "^T" * (MAX_DEPTH + 1), 2 * MAX_DEPTH + 2),
    ("x" + " .* x" * (MAX_DEPTH + 1), 5 * MAX_DEPTH + 3),
], ids=["parens", "calls", "bars", "primes", "transposes", "hadamard-chain"])
def test_nesting_beyond_the_limit_is_a_syntax_error(text, column):
    with pytest.raises(MathSyntaxError) as caught:
        parse(text)
    assert caught.value.column == column
    assert "nests more than" in caught.value.reason


def test_recursion_limit_is_restored():
    before = sys.getrecursionlimit()
    parse("tr(" * MAX_DEPTH + "X" + ")" * MAX_DEPTH)
    with pytest.raises(MathSyntaxError):
        parse("(" * 1000)
    assert sys.getrecursionlimit() == before


# a hundred times what the loader accepts (MAX_MATH_LENGTH): the parser itself stays
# linear and never recurses past its depth limit, whatever reaches it
LARGE = 100 * MAX_MATH_LENGTH


def test_a_large_sum_parses():
    text = ("x + " * (LARGE // 4)) + "x"
    tree = parse(text)
    assert isinstance(tree, Add) and len(tree.terms) == LARGE // 4 + 1


@pytest.mark.parametrize("text", [
    "(" * LARGE,
    "-" * LARGE,
    "d" * LARGE + "X",
    "X" + "'" * LARGE,
    "A" * LARGE + " +",
    "9" * LARGE,
    "X^" + "9" * LARGE,
], ids=["parens", "minus-signs", "d-prefixes", "primes", "long-name", "long-number", "long-exponent"])
def test_large_inputs_return_or_raise(text):
    try:
        parse(text, differentials=True)
    except MathSyntaxError as error:
        assert 1 <= error.column <= len(text) + 1


def test_parser_never_evaluates_user_text():
    source = pathlib.Path(__file__).parents[1] / "generator" / "syntax"
    for path in source.glob("*.py"):
        code = path.read_text()
        for forbidden in ("eval(", "exec(", "sympify", "parse_expr"):
            assert forbidden not in code, f"{path.name} uses {forbidden}"
