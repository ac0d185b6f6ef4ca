"""Expr -> the math syntax of the contract (section 2), with minimal parentheses.

What it prints reads back: `parse(to_text(e), differentials=True) == e` for every
tree the parser or the smart constructors build.  Two trees have no spelling of
their own and are the documented exceptions: `Elementwise("log", Det(X))` prints
as `log(det(X))`, which the parser reads as LogDet(X); and a Symbol whose name
is `d` + a name (`Symbol("dX")`) prints as `dX`, which is a differential when
differentials are on.

Precedence, loosest first, mirrors the parser: sum, Hadamard, product, unary minus,
postfix.  A child is parenthesised only when it binds more loosely than its place
requires.
"""

from __future__ import annotations

from fractions import Fraction
from functools import singledispatch
from typing import Callable, Iterable

from generator.math.expr import (
    ONE,
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
    mul,
    Unary,
    factors_of,
    shifted,
    register_text_printer,
    split_coefficient,
)
from generator.math.index_nodes import (
    Delta,
    Entry,
    EntryMatrix,
    ExplicitMatrix,
    GradientOf,
    IndexSum,
    Monomial,
    Partial,
)
from generator.math.indexed import Bound, IndexedName, IndexedSum, Run, instance
from generator.syntax.elision import Dots
from generator.syntax.latex_names import entry_letter
from generator.syntax.limits import MAX_DEPTH, room_for_nesting
from generator.syntax.names import differential_target

_FUNCTION_NAME = {
    Trace: "tr",
    Det: "det",
    LogDet: "logdet",
    SumEntries: "sum",
    Diag: "diag",
    Vec: "vec",
    Softmax: "softmax",
    LogSumExp: "logsumexp",
}


def to_text(expr: Expr) -> str:
    """`expr` in the math syntax: `tr(X^T A X)`, `2 A^T (A x - b)`, `X^-T`."""
    with room_for_nesting(MAX_DEPTH):
        return _text(expr)


@singledispatch
def _text(expr: Expr) -> str:
    raise TypeError(f"to_text: no text form for a {type(expr).__name__} node")


@_text.register
def _(expr: Symbol) -> str:
    return expr.name


@_text.register
def _(expr: Dots) -> str:
    return "..."


@_text.register
def _(expr: Quantity) -> str:
    return expr.name


@_text.register
def _(expr: Identity) -> str:
    if isinstance(expr.size, DimProduct):  # the syntax sizes I by one name: I_m ⊗ I_n
        return _kron_of(f"I_{f}" for f in expr.size.factors)
    return f"I_{expr.size}" if expr.size is not None and expr.shown else "I"


def _kron_of(parts: Iterable[str]) -> str:
    """kron(kron(a, b), c): the Kronecker product of the parts, left to right."""
    parts = list(parts)
    text = parts[0]
    for part in parts[1:]:
        text = f"kron({text}, {part})"
    return text


@_text.register
def _(expr: Kron) -> str:
    """`kron(A, B)`: a call, never ambiguous (`A ⊗ B` reads the same)."""
    return f"kron({_text(expr.left)}, {_text(expr.right)})"


@_text.register
def _(expr: Commutation) -> str:
    return f"K({expr.rows}, {expr.cols})"


@_text.register
def _(expr: Ones) -> str:
    if expr.cols == 1 and isinstance(expr.rows, DimProduct):  # ones(m) ⊗ ones(n)
        return _kron_of(f"ones({f})" for f in expr.rows.factors)
    return f"ones({expr.rows})" if expr.cols == 1 else f"ones({expr.rows}, {expr.cols})"


@_text.register
def _(expr: Number) -> str:
    return number_text(expr.value)


def number_text(value: Fraction) -> str:
    """`3`, `-3`, `1/2`, `-1/2`: exact, and `1/2` reads back as one number."""
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


@_text.register
def _(expr: Add) -> str:
    """Terms in written order; a term with a negative coefficient prints as ` - term`."""
    last = len(expr.terms) - 1
    parts = [_term(expr.terms[0], last == 0)]
    for at, term in enumerate(expr.terms[1:], 1):
        coefficient, rest = split_coefficient(term)
        if coefficient < 0:
            parts.append(" - " + _term(mul(Number(-coefficient), rest), at == last))
        else:
            parts.append(" + " + _term(term, at == last))
    return "".join(parts)


def _term(term: Expr, last: bool) -> str:
    return f"({_text(term)})" if term_grouped(term, last) else _text(term)


def term_grouped(term: Expr, last: bool) -> bool:
    """A term of a sum written in parentheses: a sum, and a sum over j before another
    term (`(sum_i A_i) + B`: the sum over i reaches as far as it can)."""
    return isinstance(term, Add) or (isinstance(term, IndexedSum) and not last)


@_text.register
def _(expr: Mul) -> str:
    """`2 A^T (A x - b)`, `-X`, `1/2 tr(X)`: the coefficient first, then the factors;
    the reciprocals written as divisions, last, after a slash (`x / ||x||`)."""
    factors = expr.factors
    divisors: list[Inverse] = []  # the reciprocals written `/ s` that end the product
    for f in reversed(factors):
        if not (isinstance(f, Inverse) and f.division):
            break
        divisors.insert(0, f)
    if divisors:
        return "".join(
            [_numerator(factors[: len(factors) - len(divisors)])]
            + [" / " + _divisor(f.arg) for f in divisors]
        )
    prefix = ""
    if isinstance(factors[0], Number):
        value = factors[0].value
        prefix = "-" if value == -1 else number_text(value) + " "
        factors = factors[1:]
    return prefix + " ".join(_factor(f) for f in factors)


def _numerator(factors: tuple[Expr, ...]) -> str:
    """What a division divides: `1` for nothing, a number as it prints (`-1`)."""
    if not factors:
        return "1"
    if len(factors) == 1 and isinstance(factors[0], Number):
        return number_text(factors[0].value)
    return _text(Mul(factors)) if len(factors) > 1 else _factor(factors[0])


def _divisor(base: Expr) -> str:
    """After `/` the parser reads one signed postfix expression (`||x||`, `tr(B X)^2`):
    anything longer is parenthesised (`/ (2 v)`)."""
    if is_atom(base) or (isinstance(base, (Power, Transpose)) and not is_negative(base)):
        return _text(base)
    return f"({_text(base)})"


def _factor(factor: Expr) -> str:
    """A factor after the coefficient: sums and Hadamard products bind more loosely."""
    if isinstance(factor, (Add, Hadamard, Mul, Number, PowerSum, IndexedSum)):
        return f"({_text(factor)})"
    return _text(factor)


def as_quotient(expr: Hadamard) -> Hadamard:
    """`u .* (1 ./ v)` and `(1 ./ v) .* u` as written: `u ./ v` (the same entries; the
    engine keeps the reciprocal apart, where it cancels, and the printers show the
    quotient)."""
    if expr.divide:
        return expr
    for u, other in ((expr.left, expr.right), (expr.right, expr.left)):
        if (
            isinstance(other, Hadamard)
            and other.divide
            and other.left == ONE
            and not (isinstance(u, Hadamard) and u.left == ONE and u.divide)
        ):
            return Hadamard(u, other.right, divide=True)
    return expr


@_text.register
def _(expr: Hadamard) -> str:
    """Left-associative: `A .* B .* C`, but `A .* (B .* C)`."""
    expr = as_quotient(expr)
    op = " ./ " if expr.divide else " .* "
    return _hadamard_operand(expr.left, False) + op + _hadamard_operand(expr.right, True)


def _hadamard_operand(operand: Expr, right: bool) -> str:
    if (
        isinstance(operand, Add)
        or (right and isinstance(operand, Hadamard))
        or is_negative(operand)
    ):
        return f"({_text(operand)})"
    return _text(operand)


def is_negative(expr: Expr) -> bool:
    """Does the printed form start with a minus sign (`-2`, `-A B`)?"""
    return split_coefficient(expr)[0] < 0


@_text.register
def _(expr: Transpose) -> str:
    return postfix_base(expr.arg) + "^T"


@_text.register
def _(expr: Inverse) -> str:
    if isinstance(expr.arg, Transpose):
        return postfix_base(expr.arg.arg) + "^-T"
    return postfix_base(expr.arg) + "^-1"


@_text.register
def _(expr: PowerSum) -> str:
    """`sum_j X^j dX X^(k - 1 - j)`, j from 0 to k - 1."""
    last = to_text(shifted(expr.exponent, -1))
    return (
        f"sum_j {postfix_base(expr.base)}^j {_factor(expr.inner)} "
        f"{postfix_base(expr.base)}^({last} - j)"
    )


@_text.register
def _(expr: IndexedName) -> str:
    """`A_j`, `A_(j+1)`: a member of a numbered family, its number an index (shown only:
    a general term is written out where the text must read back)."""
    bound = str(expr.bound)
    return f"{indexed_stem(expr.stem)}_{bound if expr.bound.offset == 0 else f'({bound})'}"


def indexed_stem(stem: str) -> str:
    """The letters a family's members share, as its general member is written: `W` for
    `W_1`, `W_2`, ..."""
    return stem.rstrip("_")


@_text.register
def _(expr: Run) -> str:
    """`A1 X ... A_(j-1) X`: the first and the last period around `...` (all of them
    where there are three or fewer)."""
    return " ".join(
        " ".join(_factor(f) for f in factors_of(part)) if part is not None else "..."
        for part in run_shown(expr)
    )


def run_shown(run: Run) -> list[Expr | None]:
    """The periods a run is shown by, `None` for the ellipsis between them: every period
    of a run of three or fewer, else the first and the last."""
    if run.first.index is None and run.last.index is None and len(run.numbers()) <= 3:
        return [run.instance(i) for i in run.numbers()] or [Identity(run.size)]
    return [_period_at(run, run.first), None, _period_at(run, run.last)]


def _period_at(run: Run, bound: Bound) -> Expr:
    return instance(run.period, run.index, bound)


@_text.register
def _(expr: IndexedSum) -> str:
    """`sum_(j=1)^64 tr(...)`."""
    coefficient, body = shown_coefficient(expr)
    inner = _factor(body) if isinstance(body, Add) else _text(body)
    front = "" if coefficient == 1 else number_text(coefficient) + " "
    return f"{front}sum_({expr.index}={expr.first})^{expr.last} {inner}"


def shown_coefficient(expr: IndexedSum) -> tuple[Fraction, Expr]:
    """A positive number that multiplies every term, and the rest: written before the
    sum, as the notes write `2 sum_j M_j`, not `sum_j 2 M_j`."""
    coefficient, rest = split_coefficient(expr.body)
    return (coefficient, rest) if coefficient > 0 else (Fraction(1), expr.body)


@_text.register
def _(expr: Power) -> str:
    exponent = expr.exponent
    if isinstance(exponent, int):
        return f"{postfix_base(expr.base)}^{exponent}"
    # `X^k`, `X^(k - 1)`: as the parser reads it back
    written = to_text(exponent) if isinstance(exponent, Symbol) else f"({to_text(exponent)})"
    return f"{postfix_base(expr.base)}^{written}"


@_text.register
def _(expr: EntrywisePower) -> str:
    """`X .^ 2`, `v .^ (1/2)` as written with `.^`; `s^(1/2)`, `s^(-1)` otherwise (a
    whole exponent in parentheses too: `s^2` would read as a matrix power)."""
    c = expr.exponent
    exponent = str(c) if expr.dotted and c.denominator == 1 and c > 0 else f"({c})"
    return f"{postfix_base(expr.base)}{' .^ ' if expr.dotted else '^'}{exponent}"


def postfix_base(base: Expr) -> str:
    """The base of `^T`, `^-1`, `^k`: parenthesised unless it is an atom.

    A postfix node as base is parenthesised too (`(X^T)^2`, not `X^T^2`): it parses
    the same, but reads far better; `X^-T` is the one spelling of its own.
    """
    return _text(base) if is_atom(base) else f"({_text(base)})"


def is_atom(expr: Expr) -> bool:
    """Nodes that print as one unbreakable unit: names, whole numbers, calls, norms."""
    if isinstance(expr, Number):
        return expr.value.denominator == 1 and expr.value >= 0
    return isinstance(
        expr,
        (
            Symbol,
            Quantity,
            Identity,
            Ones,
            Differential,
            Norm,
            Elementwise,
            Kron,
            Commutation,
            Dots,
            IndexedName,
            *_FUNCTION_NAME,
        ),
    )


@_text.register(Trace)
@_text.register(Det)
@_text.register(LogDet)
@_text.register(SumEntries)
@_text.register(Diag)
@_text.register(Vec)
@_text.register(Softmax)
@_text.register(LogSumExp)
def _(expr: Unary) -> str:
    return f"{_FUNCTION_NAME[type(expr)]}({_text(expr.arg)})"


@_text.register
def _(expr: Elementwise) -> str:
    return f"{expr.func}({_text(expr.arg)})"


@_text.register
def _(expr: Differential) -> str:
    """`dX` for a symbol whose name reads back as a differential, else `d(...)`."""
    arg = expr.arg
    if isinstance(arg, (Symbol, Quantity)) and differential_target("d" + arg.name) == arg.name:
        return "d" + arg.name
    return f"d({_text(arg)})"


@_text.register
def _(expr: Norm) -> str:
    """`||v||`, `||X||_F`; an argument holding bars of its own is parenthesised, so
    that its `||` cannot be read as the closing one."""
    inner = _text(expr.arg)
    if "|" in inner:
        inner = f"({inner})"
    return f"||{inner}||" + ("_F" if expr.frobenius else "")


# ----- index notation (generator/math/index_nodes.py): shown, never read back ---------


@_text.register
def _(expr: Entry) -> str:
    sub = "".join(expr.indices())
    return f"{entry_letter(expr.name)}_{sub}" if sub else expr.name


@_text.register
def _(expr: Delta) -> str:
    return f"delta_{expr.i}{expr.j}"


@_text.register
def _(expr: IndexSum) -> str:
    return signed_sum([(m.coefficient, monomial(m, _text, "sum")) for m in expr.terms])


@_text.register
def _(expr: Partial) -> str:
    return f"d{expr.name}/d{_text(Entry(expr.wrt, expr.row, expr.col))}"


@_text.register
def _(expr: GradientOf) -> str:
    wrt = f"{{{expr.wrt}^T}}" if expr.transposed else expr.wrt
    return f"grad_{wrt} {expr.name}"


@_text.register
def _(expr: ExplicitMatrix) -> str:
    rows = [", ".join(row) for row in explicit_rows(expr, _text, "...", ":", "...")]
    return "[" + "; ".join(rows) + "]"


@_text.register
def _(expr: EntryMatrix) -> str:
    return f"[{_text(expr.entry)}]_{expr.row}{expr.col or ''}"


def signed_sum(pieces: list[tuple[Fraction, str]]) -> str:
    """`A_ij B_ji - 2 C_ii`: terms with their coefficients, signs between them."""
    if not pieces:
        return "0"
    out = ""
    for k, (c, body) in enumerate(pieces):
        magnitude = abs(c)
        number = "" if magnitude == 1 and body else number_text(magnitude) + (" " if body else "")
        text = f"{number}{body}" if body else number_text(magnitude)
        sign = "-" if c < 0 else "+"
        out += (("-" if sign == "-" else "") + text) if k == 0 else f" {sign} {text}"
    return out


def monomial(m: Monomial, printer: Callable[[Expr], str], sum_sign: str) -> str:
    """`sum_{k} A_ik B_kj` (the sum sign as the printer writes it)."""
    body = " ".join(printer(f) for f in m.factors)
    return f"{sum_sign}_{{{','.join(m.summed)}}} {body}" if m.summed else body


def explicit_rows(
    m: ExplicitMatrix, printer: Callable[[Expr], str], dots: str, vdots: str, ddots: str
) -> list[list[str]]:
    """The cells of the written-out matrix, printed; dots where the notes put them."""
    rows = m.shown_cells()
    if m.col is None:
        return [[printer(c) if c is not None else vdots] for (c,) in rows]
    return [
        [vdots, vdots, ddots, vdots]
        if all(c is None for c in row)
        else [printer(c) if c is not None else dots for c in row]
        for row in rows
    ]


register_text_printer(to_text)
