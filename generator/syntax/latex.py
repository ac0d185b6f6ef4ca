"""Expr -> LaTeX in the notation of the handwritten notes.

`\\operatorname{tr}\\left(X^{T} A X\\right)`, `X^{-T}`, `\\mathrm{d}X^{T}`,
`\\lVert A x - b \\rVert_2^{2}`, `A \\odot B`, `\\frac{1}{2}`, `\\alpha`.

One method per node type, found through one dispatch table (`_METHODS`); a node type
without one is an error, except the index-notation nodes (generator.index), which
print themselves.  Layout (parentheses, precedence) follows the text printer, so both
read alike.  It needs nothing of sympy (whose printer cost a third of a second to import).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from generator.math.expr import (
    Dim,
    Add,
    Commutation,
    Det,
    Diag,
    Differential,
    DimProduct,
    Elementwise,
    Expr,
    Hadamard,
    Identity,
    EntrywisePower,
    Inverse,
    Kron,
    LogDet,
    LogSumExp,
    Mul,
    Ones,
    Softmax,
    Vec,
    Norm,
    Number,
    Power,
    PowerSum,
    Quantity,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    Unary,
    factors_of,
    mul,
    shifted,
    split_coefficient,
)
from generator.math.indexed import IndexedName, IndexedSum, Run
from generator.syntax.elision import Dots
from generator.syntax.latex_names import entry_letter, name_latex
from generator.syntax.limits import MAX_DEPTH, room_for_nesting
from generator.math.index_nodes import (
    Delta,
    Entry,
    EntryMatrix,
    ExplicitMatrix,
    GradientOf,
    IndexSum,
    Partial,
)
from generator.math.functions import ENTRYWISE
from generator.syntax.printer import (
    as_quotient,
    explicit_rows,
    indexed_stem,
    is_atom,
    is_negative,
    monomial,
    run_shown,
    shown_coefficient,
    signed_sum,
    term_grouped,
)

# node type -> the name it prints with \operatorname, its argument in parentheses
_OPERATORS = {
    Trace: "tr",
    SumEntries: "sum",
    Diag: "diag",
    Vec: "vec",
    Softmax: "softmax",
    LogSumExp: "logsumexp",
}


def to_latex(
    expr: Expr, is_scalar: Callable[[Expr], bool] | None = None, struck: Expr | None = None
) -> str:
    """`expr` as LaTeX math-mode source (no surrounding `$`).

    With `is_scalar` (which needs the shapes, so the caller supplies it), an inverse of
    a scalar factor is written as a fraction: `\\frac{x}{\\lVert x \\rVert_2}` rather
    than `\\lVert x \\rVert_2^{-1} x`.  `struck`: a subterm crossed out with an arrow
    to 0, as the notes strike the differential of a constant (`\\cancelto{0}{db}`).
    """
    with room_for_nesting(MAX_DEPTH):
        return TraceTrickLatexPrinter(is_scalar, struck).doprint(expr)


def _matrix_product(e: Expr) -> bool:
    """A product of two or more factors besides its number (`B x`, not `2 A`)."""
    return (
        isinstance(e, Mul)
        and not e.scalar
        and sum(1 for f in e.factors if not isinstance(f, Number)) > 1
    )


def dim_latex(dim: Dim) -> str:
    """A size as a subscript: `n`, `3`, or a product `m n`."""
    if isinstance(dim, DimProduct):
        return " ".join(map(dim_latex, dim.factors))
    return str(dim) if isinstance(dim, int) else name_latex(dim)


class TraceTrickLatexPrinter:
    """LaTeX for generator.math.expr trees (and nothing else)."""

    def __init__(self, is_scalar: Callable[[Expr], bool] | None = None, struck: Expr | None = None):
        self._is_scalar = is_scalar
        self._struck = struck

    def doprint(self, expr: Expr) -> str:
        if not isinstance(expr, Expr):
            raise TypeError(f"to_latex prints generator.math.expr trees, not {type(expr).__name__}")
        return self._print(expr)

    def _print(self, expr: Expr) -> str:
        method = _METHODS.get(type(expr))
        if method is None:
            raise TypeError(f"to_latex: no LaTeX form for {type(expr).__name__}")
        if self._struck is not None and expr == self._struck:
            return rf"\cancelto{{0}}{{{method(self, expr)}}}"
        return method(self, expr)

    # ----- leaves -----------------------------------------------------------------

    def _print_Symbol(self, expr: Symbol) -> str:
        return name_latex(expr.name)

    def _print_Dots(self, expr: Dots) -> str:
        return r"\cdots"

    def _print_Quantity(self, expr: Quantity) -> str:
        return name_latex(expr.name)

    def _print_Identity(self, expr: Identity) -> str:
        if expr.size is None or not expr.shown:
            return "I"
        return f"I_{{{dim_latex(expr.size)}}}"

    def _print_Ones(self, expr: Ones) -> str:
        """The all-ones vector or matrix, as textbooks write it: a bold 1 with its size."""
        sub = (
            dim_latex(expr.rows)
            if expr.cols == 1
            else f"{dim_latex(expr.rows)} \\times {dim_latex(expr.cols)}"
        )
        return f"\\mathbf{{1}}_{{{sub}}}"

    def _print_Number(self, expr: Number) -> str:
        return number_latex(expr.value)

    # ----- sums and products -------------------------------------------------------

    def _print_Add(self, expr: Add) -> str:
        last = len(expr.terms) - 1
        parts = [self._term(expr.terms[0], last == 0)]
        for at, term in enumerate(expr.terms[1:], 1):
            coefficient, rest = split_coefficient(term)
            if coefficient < 0:
                parts.append(" - " + self._term(mul(Number(-coefficient), rest), at == last))
            else:
                parts.append(" + " + self._term(term, at == last))
        return "".join(parts)

    def _term(self, term: Expr, last: bool) -> str:
        printed = self._print(term)
        return group(printed) if term_grouped(term, last) else printed

    def _print_Mul(self, expr: Mul) -> str:
        """`2 A^{T} (A x - b)`; `\\cdot` only where two numbers would run together."""
        quotient = self._as_fraction(expr)
        if quotient is not None:
            return quotient
        factors, sign, pieces = expr.factors, "", []
        if isinstance(factors[0], Number):
            value, factors = factors[0].value, factors[1:]
            if value == -1:
                sign = "-"
            else:
                pieces.append(number_latex(value))
        for i, factor in enumerate(factors):
            pieces.append(self._factor(factor, last=i == len(factors) - 1))
        text = pieces[0]
        for piece in pieces[1:]:
            numeric = piece[0].isdigit() or piece.startswith(r"\frac")
            text += (r" \cdot " if numeric else " ") + piece
        return sign + text

    def _as_fraction(self, expr: Mul) -> str | None:
        """`c \\frac{rest}{s t}` for the scalar inverses `s^-1 t^-1` among the factors."""
        if self._is_scalar is None:
            return None
        below = [
            f.arg
            for f in expr.factors
            if isinstance(f, Inverse) and not isinstance(f.arg, Number) and self._is_scalar(f.arg)
        ]
        if not below:
            return None
        coefficient, rest = split_coefficient(
            mul(*(f for f in expr.factors if not (isinstance(f, Inverse) and f.arg in below)))
        )
        sign = "-" if coefficient < 0 else ""
        number = "" if abs(coefficient) == 1 else number_latex(abs(coefficient)) + " "
        top = "1" if rest == Number(1) else self._print(rest)
        bottom = (
            " ".join(
                self._factor(b, last=True) if isinstance(b, Mul) else self._print(b) for b in below
            )
            if len(below) > 1
            else self._print(below[0])
        )
        return rf"{sign}{number}\frac{{{top}}}{{{bottom}}}"

    def _factor(self, factor: Expr, last: bool) -> str:
        """Sums and Hadamard products are grouped; `\\det X` keeps its argument visible
        (`\\det\\left(X\\right) A`, not `\\det X A`) unless it ends the product."""
        if isinstance(factor, (Add, Hadamard, Kron, Mul, Number, PowerSum, IndexedSum)):
            return group(self._print(factor))
        if isinstance(factor, (Det, LogDet)) and not last:
            return self._determinant(factor, bare=False)
        return self._print(factor)

    def _print_Hadamard(self, expr: Hadamard) -> str:
        expr = as_quotient(expr)
        op = r" \oslash " if expr.divide else r" \odot "
        return (
            self._hadamard_operand(expr.left, False, expr.divide)
            + op
            + self._hadamard_operand(expr.right, True, expr.divide)
        )

    def _hadamard_operand(self, operand: Expr, right: bool, divide: bool) -> str:
        """Parenthesised where the syntax needs it, where a quotient meets a product
        (`(1 ./ B) .* dX`): left to right is right, but hard to read; and around a matrix
        product, which the syntax binds tighter but the eye reads as `(A ⊙ dW) x`."""
        mixed = isinstance(operand, Hadamard) and operand.divide != divide
        if (
            isinstance(operand, Add)
            or (right and isinstance(operand, Hadamard))
            or mixed
            or is_negative(operand)
            or _matrix_product(operand)
        ):
            return group(self._print(operand))
        return self._print(operand)

    # ----- postfix -----------------------------------------------------------------

    def _print_Transpose(self, expr: Transpose) -> str:
        return self._postfix_base(expr.arg) + "^{T}"

    def _print_Inverse(self, expr: Inverse) -> str:
        if isinstance(expr.arg, Transpose):
            return self._postfix_base(expr.arg.arg) + "^{-T}"
        return self._postfix_base(expr.arg) + "^{-1}"

    def _print_Power(self, expr: Power) -> str:
        exponent = expr.exponent if isinstance(expr.exponent, int) else self._print(expr.exponent)
        return f"{self._postfix_base(expr.base)}^{{{exponent}}}"

    def _print_PowerSum(self, expr: PowerSum) -> str:
        r"""`\sum_{j=0}^{k-1} X^{j} dX X^{k-1-j}`: the differential of X^k, k symbolic."""
        last = self._print(shifted(expr.exponent, -1))
        base = self._postfix_base(expr.base)
        return (
            rf"\sum_{{j=0}}^{{{last}}} {base}^{{j}}\, {self._print(expr.inner)}\, "
            rf"{base}^{{{last} - j}}"
        )

    def _print_IndexedName(self, expr: IndexedName) -> str:
        """`A_{j+1}`: the family's letters (a plain name: engine.general_term), then the
        index."""
        return f"{name_latex(indexed_stem(expr.stem))}_{{{expr.bound}}}"

    def _print_Run(self, expr: Run) -> str:
        r"""`A_{1} X \cdots A_{j-1} X`."""
        return " ".join(
            " ".join(self._factor(f, last=False) for f in factors_of(part))
            if part is not None
            else r"\cdots"
            for part in run_shown(expr)
        )

    def _print_IndexedSum(self, expr: IndexedSum) -> str:
        coefficient, inner = shown_coefficient(expr)
        body = self._print(inner)
        if isinstance(inner, Add):
            body = group(body)
        front = "" if coefficient == 1 else number_latex(coefficient) + " "
        return rf"{front}\sum_{{{expr.index}={expr.first}}}^{{{expr.last}}} {body}"

    def _print_EntrywisePower(self, expr: EntrywisePower) -> str:
        """`X^{\\circ 2}` (the Hadamard power) written with `.^`; `s^{1/2}` otherwise."""
        c = expr.exponent
        shown = (
            str(c.numerator)
            if c.denominator == 1
            else f"{'-' if c < 0 else ''}{abs(c.numerator)}/{c.denominator}"
        )
        circle = r"\circ " if expr.dotted else ""
        return f"{self._postfix_base(expr.base)}^{{{circle}{shown}}}"

    def _postfix_base(self, base: Expr) -> str:
        """Atoms take a superscript directly; anything else (including `\\det X`, and a
        base that already carries one: LaTeX forbids `X^{T}^{T}`) is grouped."""
        if is_atom(base) and not isinstance(base, (Det, LogDet, Kron)):
            return self._print(base)
        return group(self._print(base))

    # ----- functions, differentials, norms -----------------------------------------

    def _print_operator(self, expr: Unary) -> str:
        """`\\operatorname{tr}(...)` and the other named operators of _OPERATORS."""
        return rf"\operatorname{{{_OPERATORS[type(expr)]}}}" + self._argument(expr.arg)

    def _print_Kron(self, expr: Kron) -> str:
        """`A \\otimes B`; an operand that is a sum, a product or another Kronecker product
        is grouped."""

        def operand(e: Expr) -> str:
            grouped = isinstance(e, (Add, Mul, Hadamard, Kron)) or is_negative(e)
            return group(self._print(e)) if grouped else self._print(e)

        return operand(expr.left) + r" \otimes " + operand(expr.right)

    def _print_Commutation(self, expr: Commutation) -> str:
        return rf"K_{{{dim_latex(expr.rows)},{dim_latex(expr.cols)}}}"

    def _print_Elementwise(self, expr: Elementwise) -> str:
        function = ENTRYWISE[expr.func]
        if function.braced:
            return f"{function.latex}{{{self._print(expr.arg)}}}"
        return function.latex + self._argument(expr.arg)

    def _print_Det(self, expr: Det) -> str:
        return self._determinant(expr, bare=True)

    def _print_LogDet(self, expr: LogDet) -> str:
        return self._determinant(expr, bare=True)

    def _determinant(self, expr: Det | LogDet, bare: bool) -> str:
        """`\\det X`, `\\log\\det X` for a name; `\\det\\left(A B\\right)` otherwise."""
        command = r"\det" if isinstance(expr, Det) else r"\log\det"
        if bare and isinstance(expr.arg, (Symbol, Identity)):
            return f"{command} {self._print(expr.arg)}"
        return command + self._argument(expr.arg)

    def _print_Differential(self, expr: Differential) -> str:
        """`\\mathrm{d}X` for a symbol, `\\mathrm{d}\\left(A X\\right)` otherwise."""
        if isinstance(expr.arg, (Symbol, Quantity)):
            return r"\mathrm{d}" + self._print(expr.arg)
        return r"\mathrm{d}" + self._argument(expr.arg)

    def _print_Norm(self, expr: Norm) -> str:
        subscript = "F" if expr.frobenius else "2"
        return rf"\lVert {self._print(expr.arg)} \rVert_{subscript}"

    def _argument(self, arg: Expr) -> str:
        return r"\left(" + self._print(arg) + r"\right)"

    # ----- index notation (generator/math/index_nodes.py) ------------------------------

    def _print_Entry(self, expr: Entry) -> str:
        sub = "".join(expr.indices())
        if not sub:
            return name_latex(expr.name)
        return f"{name_latex(entry_letter(expr.name))}_{{{sub}}}"

    def _print_Delta(self, expr: Delta) -> str:
        return rf"\delta_{{{expr.i}{expr.j}}}"

    def _print_IndexSum(self, expr: IndexSum) -> str:
        return signed_sum([(m.coefficient, monomial(m, self._print, r"\sum")) for m in expr.terms])

    def _print_Partial(self, expr: Partial) -> str:
        entry = self._print(Entry(expr.wrt, expr.row, expr.col))
        return rf"\frac{{\partial {name_latex(expr.name)}}}{{\partial {entry}}}"

    def _print_GradientOf(self, expr: GradientOf) -> str:
        sub = name_latex(expr.wrt) + ("^{T}" if expr.transposed else "")
        return rf"\nabla_{{{sub}}} {name_latex(expr.name)}"

    def _print_ExplicitMatrix(self, expr: ExplicitMatrix) -> str:
        rows = [
            " & ".join(row)
            for row in explicit_rows(expr, self._print, r"\cdots", r"\vdots", r"\ddots")
        ]
        return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"

    def _print_EntryMatrix(self, expr: EntryMatrix) -> str:
        return rf"\left[{self._print(expr.entry)}\right]_{{{expr.row}{expr.col or ''}}}"


def number_latex(value: Fraction) -> str:
    """`3`, `-3`, `\\frac{1}{2}`, `-\\frac{1}{2}`."""
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return rf"{sign}\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def group(tex: str) -> str:
    """Parentheses around `tex`; `\\left( \\right)` only when it holds something tall (a
    fraction, a sum over j with its limits)."""
    tall = r"\frac" in tex or r"\sum_" in tex
    return rf"\left({tex}\right)" if tall else f"({tex})"


# node type -> its method: the one dispatch table of this printer
# (each method takes its own node type: the table is typed by what it returns)
_METHODS: dict[type, Callable[..., str]] = {
    node: getattr(TraceTrickLatexPrinter, f"_print_{node.__name__}")
    for node in (
        Symbol,
        Dots,
        Quantity,
        Identity,
        Ones,
        Number,
        Add,
        Mul,
        Hadamard,
        Transpose,
        Inverse,
        Power,
        PowerSum,
        IndexedName,
        Run,
        IndexedSum,
        EntrywisePower,
        Kron,
        Commutation,
        Elementwise,
        Det,
        LogDet,
        Differential,
        Norm,
        Entry,
        Delta,
        IndexSum,
        Partial,
        GradientOf,
        ExplicitMatrix,
        EntryMatrix,
    )
} | {node: TraceTrickLatexPrinter._print_operator for node in _OPERATORS}
