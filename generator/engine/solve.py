"""Phase 6: set the gradient to zero and solve the linear equation for the variable.

The gradient must be linear in the variable X, every term of the form M X (or, on
the other side, X N) or free of X.  The steps are those a teacher writes:
expand, move the constant terms, divide by a common number, factor X, multiply by
the inverse, stating which matrix must be invertible.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from generator.engine.records import Condition
from generator.engine import catalogue as cat
from generator.engine.recorder import Recorder, rewrite_first
from generator.errors import StuckError
from generator.math.expr import (
    ZERO,
    Add,
    Expr,
    Identity,
    Inverse,
    Mul,
    Number,
    Symbol,
    Transpose,
    add,
    factors_of,
    mul,
    neg,
    split_coefficient,
    terms_of,
)


@dataclass(frozen=True)
class Solution:
    value: Expr
    conditions: tuple[Condition, ...]  # what must hold: `A^T A` invertible


def solve_for(rec: Recorder, gradient: Expr) -> Solution:
    ctx = rec.ctx
    x = Symbol(ctx.wrt)
    rec.phase("solve", x)
    rec.record(cat.rule("solve-set-zero"), gradient, ZERO)
    lhs = rec.exhaust(
        gradient,
        gradient,
        rec.phases.solve_expand,
        where=lambda n: (
            isinstance(n, Mul) and any(isinstance(f, Add) and f.contains(x) for f in n.factors)
        ),
        detail=True,
    )
    lhs = _transpose_if_needed(rec, lhs, x)
    lhs = _scalars_first(rec, lhs, x)
    if lhs != gradient:
        rec.state(lhs, ZERO, "result")
    if lhs.contains(Inverse(x)):
        lhs = _multiply_through(rec, lhs, x)
    variable_terms = [t for t in terms_of(lhs) if t.contains(x)]
    constant_terms = [t for t in terms_of(lhs) if not t.contains(x)]
    if not variable_terms:
        raise StuckError(f"cannot solve for {x}: the gradient {gradient} does not depend on it")
    side = _side_of_variable(variable_terms, constant_terms, x)
    left = add(*variable_terms)
    right = add(*(neg(t) for t in constant_terms))
    if constant_terms:
        rec.record(cat.rule("solve-move-constant"), left, right)
    left, right = _cancel_common_number(rec, variable_terms, right)
    matrix = _coefficient_matrix(rec, left, right, x, side)
    value = _invert(matrix, right, side, rec)
    rec.record(cat.rule("solve-invert"), x, value)
    value = rec.exhaust(x, value, rec.phases.solve_tidy)
    value = rec.exhaust(x, value, rec.phases.written)
    conditions = _what_must_be_invertible(value, rec)
    if not conditions and not isinstance(matrix, Identity) and not rec.ctx.is_scalar(matrix):
        conditions = (Condition(matrix, "invertible"),)  # x = 0 needs M invertible too
    return Solution(value, conditions)


def _transpose_if_needed(rec: Recorder, lhs: Expr, x: Symbol) -> Expr:
    """G = 0 holds exactly when G^T = 0: transpose when x appears as x^-T or x^T only."""
    if not (lhs.contains(Inverse(Transpose(x))) or lhs.contains(Transpose(x))):
        return lhs
    flipped = rec.exhaust(Transpose(lhs), Transpose(lhs), rec.phases.solve_transpose, detail=True)
    if flipped.contains(Transpose(x)) or flipped.contains(Inverse(Transpose(x))):
        return lhs  # x appears both ways: leave it to the linear solver's message
    rec.record(cat.rule("solve-transpose"), flipped, ZERO)
    return flipped


def _what_must_be_invertible(value: Expr, rec: Recorder) -> tuple[Condition, ...]:
    """Every inverse in the answer, but of a symbol declared invertible: scalars must be
    nonzero, matrices invertible."""
    found: list[Condition] = []
    for node in value.walk():
        if not isinstance(node, Inverse):
            continue
        inner = node.arg.arg if isinstance(node.arg, Transpose) else node.arg
        if isinstance(inner, Number) or (
            isinstance(inner, Symbol) and rec.ctx.has_property(inner.name, "invertible")
        ):
            continue
        condition = Condition(inner, "nonzero" if rec.ctx.is_scalar(inner) else "invertible")
        if condition not in found:
            found.append(condition)
    return tuple(found)


def _scalars_first(rec: Recorder, lhs: Expr, x: Symbol) -> Expr:
    """`S^-1 m u^T u` is `u^T u S^-1 m`: a scalar group after the variable moves to the
    front, so that the variable ends the term."""
    terms = []
    for t in terms_of(lhs):
        factors = factors_of(t)
        if x in factors:
            i = factors.index(x)
            after = factors[i + 1 :]
            if after and rec.ctx.is_scalar(mul(*after)):
                t = mul(*after, *factors[: i + 1])
        terms.append(t)
    new = add(*terms)
    new = rec.exhaust(lhs, new, rec.phases.solve_scalars_first, detail=True)
    if new != lhs:
        rec.record(cat.rule("scalar-commute"), lhs, new, detail=True)
    return new


def _multiply_through(rec: Recorder, lhs: Expr, x: Symbol) -> Expr:
    """`N S^-1 - S^-1 C S^-1 = 0`: multiply by S on the left and/or right (S is
    invertible) so that every inverse cancels: `N S - C = 0`.  The sides tried are
    left, right, then both; the first that clears every inverse is written out."""
    for left, right in ((True, False), (False, True), (True, True)):
        multiplied = add(
            *(mul(*([x] if left else []), t, *([x] if right else [])) for t in terms_of(lhs))
        )
        if not _cancelled(multiplied, rec).contains(Inverse(x)):
            break
    else:
        raise StuckError(f"cannot solve for {x}: {x}^-1 remains after multiplying by {x}")
    rec.record(cat.rule("solve-multiply-through"), multiplied, ZERO)
    cancelled = rec.exhaust(multiplied, multiplied, rec.phases.solve_cancel, detail=True)
    rec.state(cancelled, ZERO, "result")
    return cancelled


def _cancelled(expr: Expr, rec: Recorder) -> Expr:
    """What the cancelling rules make of `expr`, without recording (to choose the side)."""
    for _ in range(200):
        found = rewrite_first(expr, rec.phases.solve_cancel, rec.ctx)
        if found is None:
            break
        expr = found[1]
    return expr


def _invert(matrix: Expr, right: Expr, side: str, rec: Recorder) -> Expr:
    """x = M^-1 C (or C M^-1); for M = c I, x = c^-1 C."""
    if isinstance(matrix, Identity):
        return right
    factors = factors_of(matrix)
    if isinstance(factors[-1], Identity) and all(rec.ctx.is_scalar(f) for f in factors[:-1]):
        c, rest = split_coefficient(mul(*factors[:-1]))
        return (
            mul(Number(1 / c), right)
            if rest == Number(1)
            else mul(Number(1 / c), Inverse(rest), right)
        )
    inverse = Inverse(matrix)
    return mul(inverse, right) if side == "left" else mul(right, inverse)


def _sylvester(terms: list[Expr], constants: list[Expr], x: Symbol) -> str:
    """`M X + C = X N` as a teacher writes it: the terms with X on the right (and the
    constants) on the left side of the equation, those with X on the left on the other,
    a common number divided out."""
    from generator.syntax.printer import to_text

    on_left = [t for t in terms if factors_of(split_coefficient(t)[1])[-1] == x]
    on_right = [neg(t) for t in terms if t not in on_left] + [neg(c) for c in constants]
    numbers = {abs(split_coefficient(t)[0]) for t in on_left + on_right}
    common = numbers.pop() if len(numbers) == 1 else Fraction(1)
    side = lambda ts: add(*(mul(Number(1 / common), t) for t in ts))
    return f"{to_text(side(on_left))} = {to_text(side(on_right))}"


def _side_of_variable(terms: list[Expr], constants: list[Expr], x: Symbol) -> str:
    sides = set()
    for t in terms:
        _, rest = split_coefficient(t)
        factors = factors_of(rest)
        if sum(f.contains(x) for f in factors) != 1 or not any(f == x for f in factors):
            raise StuckError(
                f"cannot solve for {x}: the term {t} of the gradient is not linear in {x} "
                f"(the gradient must be a sum of terms M {x} and terms free of {x})"
            )
        if factors[-1] == x:
            sides.add("left")
        elif factors[0] == x:
            sides.add("right")
        else:
            raise StuckError(
                f"cannot solve for {x}: in {t} it is multiplied from both sides "
                f"(a Sylvester equation, which has no closed form here)"
            )
    if len(sides) > 1:
        raise StuckError(
            f"cannot solve for {x}: setting the gradient to zero gives the "
            f"Sylvester equation `{_sylvester(terms, constants, x)}`, where {x} is "
            f"multiplied from the left in some terms and from the right in others; "
            f"it has no closed form here"
        )
    return sides.pop()


def _cancel_common_number(
    rec: Recorder, variable_terms: list[Expr], right: Expr
) -> tuple[Expr, Expr]:
    coefficients = {split_coefficient(t)[0] for t in variable_terms}
    left = add(*variable_terms)
    if len(coefficients) != 1:
        return left, right
    c = coefficients.pop()
    if c == 1:
        return left, right
    left = add(*(mul(Number(Fraction(1) / c), t) for t in variable_terms))
    right = add(*(mul(Number(Fraction(1) / c), t) for t in terms_of(right)))
    rec.record(cat.rule("solve-cancel-scalar"), left, right)
    return left, right


def _coefficient_matrix(rec: Recorder, left: Expr, right: Expr, x: Symbol, side: str) -> Expr:
    """M in `M x` (or `x M`), factoring x out of several terms."""
    pieces = []
    for t in terms_of(left):
        c, rest = split_coefficient(t)
        factors = factors_of(rest)
        kept = factors[:-1] if side == "left" else factors[1:]
        if all(rec.ctx.is_scalar(f) for f in kept):
            kept = (*kept, _identity(rec, x, side))  # lambda x = lambda I x
        pieces.append(mul(Number(c), *kept))
    matrix = add(*pieces)
    if len(pieces) > 1:
        factored = mul(matrix, x) if side == "left" else mul(x, matrix)
        rec.record(cat.rule("solve-factor"), factored, right)
    return matrix


def _identity(rec: Recorder, x: Symbol, side: str) -> Identity:
    info = rec.ctx.table[x.name]
    return Identity(info.rows if side == "left" else info.cols)
