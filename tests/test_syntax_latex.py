"""Expr -> LaTeX in the notes' notation: golden strings for the forms of Problems 4-6,
safe names, sympy's dispatch kept away from our nodes, and a real pdflatex run."""
from __future__ import annotations

import inspect
import shutil
import subprocess

import pytest
import sympy
from hypothesis import given, settings

import generator.math.expr as expr_module
import generator.syntax.latex as latex_module
from generator.math.expr import Expr, Identity, Number, Symbol
from generator.syntax.latex import TraceTrickLatexPrinter, to_latex
from generator.syntax.latex_names import name_latex
from generator.syntax.parser import parse
from test_syntax_printer import expressions

GOLDEN = [
    # Problems 4-6 of the notes
    ("tr(A X)", r"\operatorname{tr}\left(A X\right)"),
    ("tr(X^T A X)", r"\operatorname{tr}\left(X^{T} A X\right)"),
    ("(A + A^T) X", r"(A + A^{T}) X"),
    ("||A x - b||^2", r"\lVert A x - b \rVert_2^{2}"),
    ("2 A^T (A x - b)", r"2 A^{T} (A x - b)"),
    ("(A^T A)^-1 A^T b", r"(A^{T} A)^{-1} A^{T} b"),
    ("tr(dX^T A X + X^T A dX)",
     r"\operatorname{tr}\left(\mathrm{d}X^{T} A X + X^{T} A \mathrm{d}X\right)"),
    # the rest of the syntax
    ("X^-T", r"X^{-T}"),
    ("X^-1", r"X^{-1}"),
    ("(X^T)^T", r"(X^{T})^{T}"),
    ("X^k", r"X^{k}"),
    ("||X||_F^2", r"\lVert X \rVert_F^{2}"),
    ("||v||", r"\lVert v \rVert_2"),
    ("1/2 tr(X)", r"\frac{1}{2} \operatorname{tr}\left(X\right)"),
    ("-1/2 X", r"-\frac{1}{2} X"),
    ("(1/2 X + Y) Z", r"\left(\frac{1}{2} X + Y\right) Z"),
    ("A - 2 B", r"A - 2 B"),
    ("-X", r"-X"),
    ("2 3^T", r"2 \cdot 3^{T}"),
    ("A .* B ./ C", r"(A \odot B) \oslash C"),   # a quotient of a product: grouped
    ("exp(v) .* (1 - sigmoid(v))", r"\exp\left(v\right) \odot (1 - \sigma\left(v\right))"),
    ("log(v)", r"\log\left(v\right)"),
    ("det(X)", r"\det X"),
    ("det(A B)", r"\det\left(A B\right)"),
    ("det(X) A", r"\det\left(X\right) A"),
    ("det(X)^2", r"(\det X)^{2}"),
    ("logdet(X)", r"\log\det X"),
    ("sum(X)", r"\operatorname{sum}\left(X\right)"),
    ("diag(x)^T diag(A B)", r"\operatorname{diag}\left(x\right)^{T} \operatorname{diag}\left(A B\right)"),
    ("d(A X)", r"\mathrm{d}\left(A X\right)"),
    ("d(A X)^T", r"\mathrm{d}\left(A X\right)^{T}"),
    ("I + I_n + I_3", r"I + I_{n} + I_{3}"),
    ("x / alpha", r"x \alpha^{-1}"),
    ("lambda x_1", r"\lambda x_{1}"),
    ("dlambda", r"\mathrm{d}\lambda"),
]


@pytest.mark.parametrize(("text", "latex"), GOLDEN, ids=[t for t, _ in GOLDEN])
def test_latex(text, latex):
    assert to_latex(parse(text, differentials=True)) == latex


NAMES = [
    ("x", "x"),
    ("x_1", "x_{1}"),
    ("x1", "x_{1}"),
    ("A12", "A_{12}"),
    ("x_i_j", "x_{i,j}"),
    ("AX", r"\mathit{AX}"),
    ("AX_2", r"\mathit{AX}_{2}"),
    ("x1y", r"\mathit{x1y}"),
    ("alpha", r"\alpha"),
    ("lambda_1", r"\lambda_{1}"),
    ("x_alpha", r"x_{\alpha}"),
    ("Sigma", r"\Sigma"),
    ("yhat", r"\hat{y}"),
    ("xbar_2", r"\bar{x}_{2}"),
    ("sigmahat", r"\hat{\sigma}"),
    ("Xtilde", r"\tilde{X}"),
    ("chart", r"\mathit{chart}"),   # no accent's name at the end
    ("Alpha", "A"),                 # LaTeX has no \Alpha
    ("omicron", "o"),
    ("a$b", r"\text{a\$b}"),        # not a name the lexer admits: escaped, never markup
    ("x^{\\input}", r"\text{x\texttt{\char94}\{\textbackslash{}input\}}"),
]


@pytest.mark.parametrize(("name", "latex"), NAMES, ids=[n for n, _ in NAMES])
def test_names_are_latex_safe(name, latex):
    assert name_latex(name) == latex


def _node_classes():
    return [cls for _, cls in inspect.getmembers(expr_module, inspect.isclass)
            if issubclass(cls, Expr) and cls not in (Expr, expr_module.Unary)]   # the bases


@pytest.mark.parametrize("cls", _node_classes(), ids=lambda cls: cls.__name__)
def test_every_node_has_its_own_print_method(cls):
    """Every node type has a method of this printer in its dispatch table (a node type
    added without one would stop a sheet at the first line that holds it)."""
    method = latex_module._METHODS[cls]
    assert method.__qualname__.startswith(TraceTrickLatexPrinter.__name__ + ".")


def test_sympy_objects_are_refused():
    with pytest.raises(TypeError):
        to_latex(sympy.Symbol("x"))


def test_an_unknown_node_falls_to_no_sympy_method():
    class Mystery(Expr):
        pass

    with pytest.raises(TypeError):
        to_latex(Mystery())


@settings(max_examples=200, deadline=None)
@given(expressions)
def test_random_trees_give_balanced_latex(tree):
    latex = to_latex(tree)
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, latex
    assert depth == 0, latex
    assert latex.count(r"\left(") == latex.count(r"\right)"), latex
    assert not _has_double_superscript(latex), latex


def _has_double_superscript(latex: str) -> bool:
    """`X^{T}^{T}` is a LaTeX error ("Double superscript")."""
    start = latex.find("^{")
    while start != -1:
        depth, end = 0, start + 1
        for end in range(start + 1, len(latex)):
            depth += {"{": 1, "}": -1}.get(latex[end], 0)
            if depth == 0:
                break
        if latex[end + 1:end + 2] == "^":
            return True
        start = latex.find("^{", end)
    return False


def test_double_superscript_detector_detects():
    assert _has_double_superscript("X^{T}^{T}")
    assert _has_double_superscript("X^{\\lambda_{1}}^{2}")
    assert not _has_double_superscript("(X^{T})^{T} + x_{1}^{T}")


PDF_SAMPLES = [text for text, _ in GOLDEN] + [
    "alpha x_1 + lambda_max AX + Omega + Alpha",
    "exp(v) ./ (1 + exp(v)) - sigmoid(v)",
    "((X^T)^-1)^2 + X^-T - inv(X)^k",
]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_with_pdflatex(tmp_path):
    trees = [parse(text, differentials=True) for text in PDF_SAMPLES]
    trees += [Symbol("a$b"), Number(-7), Identity("n_1")]
    body = "\n".join(rf"\[ {to_latex(tree)} \]" for tree in trees)
    source = (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
        f"\\begin{{document}}\n{body}\n\\end{{document}}\n"
    )
    (tmp_path / "sample.tex").write_text(source)
    result = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "sample.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "sample.pdf").stat().st_size > 0


def test_scalar_inverses_become_fractions_when_shapes_are_known():
    from generator.syntax.latex import to_latex as latex
    scalar = {parse("||x||"), parse("x^T A x")}
    is_scalar = lambda e: e in scalar
    assert latex(parse("||x||^-1 x"), is_scalar) == r"\frac{x}{\lVert x \rVert_2}"
    assert latex(parse("-2 (x^T A x)^-1 A x"), is_scalar) == r"-2 \frac{A x}{x^{T} A x}"
    # without shapes (or for a matrix inverse) nothing changes
    assert latex(parse("||x||^-1 x")) == r"\lVert x \rVert_2^{-1} x"
    assert latex(parse("X^-1 A"), is_scalar) == r"X^{-1} A"
