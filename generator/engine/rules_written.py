"""How an answer is written: the textbook's notation, once the algebra is done.

The tidy pass keeps every line in one normal form, so that its laws meet what they
look for: scalars first (`||x||^-1 x`), transposes on the factors (`B^T X^T`), numbers
out of Hadamard products (`2 (a .* x)`), the ones of a shape written out
(`log(p) + ones(n)`).  A teacher writes the answer otherwise: `x / ||x||`,
`(X B + B X)^T`, `2 a .* x`, `log(p) + 1`.  These laws turn the normal form into that
notation.  They are applied once, last, to an answer (Recorder.answer), and never inside
the tidy pass, whose normal form they undo: each of them is the reverse of a normal
law (scalar-commute, transpose-sum, hadamard-sign, the ones a rewrite leaves).
Every line they write is a tree the printers write back and the parser reads again.
"""

from __future__ import annotations

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    Add,
    EntrywisePower,
    Expr,
    Hadamard,
    Inverse,
    Mul,
    Number,
    Ones,
    Power,
    Transpose,
    add,
    mul,
    split_coefficient,
)


def _divide_by_scalar(node: Expr, ctx: Context) -> Expr | None:
    """s^-1 A = A / s: the reciprocals of scalars go last, written as divisions (the
    printers write `A / s`, LaTeX a fraction).  Only where something is divided: a
    product of a number and reciprocals stays `2 s^-1`."""
    if not isinstance(node, Mul):
        return None
    below = [f for f in node.factors if isinstance(f, Inverse) and ctx.is_scalar(f.arg)]
    above = [f for f in node.factors if not any(f is b for b in below)]
    if not below or not any(not isinstance(f, Number) for f in above):
        return None
    written = (*above, *(Inverse(f.arg, division=True) for f in below))
    if written == node.factors and all(f.division for f in below):
        return None  # (equal trees: `division` is notation, which this rule may change)
    return Mul(written, node.scalar)


def _transposes_saved(term: Expr) -> int | None:
    """How many marks `^T` the product of transposes `term` saves when the transpose is
    taken of the whole sum instead (a postfix base loses its parentheses too:
    `(X^2)^T` becomes `X^2`); None if a factor of `term` is no transpose."""
    transposes = _transposed_factors(term)
    if transposes is None:
        return None
    return sum(3 if isinstance(f.arg, (Power, Inverse, EntrywisePower)) else 1 for f in transposes)


def _transposed_factors(term: Expr) -> list[Transpose] | None:
    """The factors of `term` past its number, if every one is a transpose."""
    _, rest = split_coefficient(term)
    factors = rest.factors if isinstance(rest, Mul) and not rest.scalar else (rest,)
    transposes = [f for f in factors if isinstance(f, Transpose)]
    return transposes if len(transposes) == len(factors) else None


# the marks `(`, `)` and `^T` the transpose of the whole sum costs
_GATHERING_COSTS = 3


def _transpose_gathered(node: Expr, ctx: Context) -> Expr | None:
    """A^T B^T + B^T A^T = (B A + A B)^T: a sum of products of transposes is the
    transpose of the sum of the products reversed, written so where that is shorter
    (`(X B + B X)^T`; `A^T + B^T` stays)."""
    if not isinstance(node, Add):
        return None
    saved = [_transposes_saved(t) for t in node.terms]
    if any(s is None for s in saved) or sum(s or 0 for s in saved) <= _GATHERING_COSTS:
        return None
    reversed_terms = []
    for term in node.terms:
        c, _ = split_coefficient(term)
        transposes = _transposed_factors(term) or []
        reversed_terms.append(mul(Number(c), *(f.arg for f in reversed(transposes))))
    return Transpose(add(*reversed_terms))


def _number_into_hadamard(node: Expr, ctx: Context) -> Expr | None:
    """c (A .* B) = (c A) .* B for a positive number c, printed `c A .* B`: the notation
    of the sources, which read `2 a .* x` as `(2 a) .* x`."""
    if not (
        isinstance(node, Mul)
        and len(node.factors) == 2
        and isinstance(node.factors[0], Number)
        and isinstance(node.factors[1], Hadamard)
    ):
        return None
    c = node.factors[0]
    return _times_first_operand(c, node.factors[1]) if c.value > 0 else None


def _times_first_operand(c: Number, e: Expr) -> Expr | None:
    """`c e` with c taken into the first operand of the chain `e` (`(c A) .* B .* C`);
    None where that operand would print with a sign or is itself a number."""
    if isinstance(e, Hadamard):
        left = _times_first_operand(c, e.left)
        return None if left is None else Hadamard(left, e.right, e.divide)
    if isinstance(e, Number) or split_coefficient(e)[0] < 0:
        return None
    return mul(c, e)


def _ones_broadcast(node: Expr, ctx: Context) -> Expr | None:
    """x + c ones(n) = x + c: a number added to an array is added to every entry (the
    syntax's broadcast, section 2 of the format), as the sources write `log(p) + 1`."""
    if not isinstance(node, Add) or ctx.is_scalar(node):
        return None
    written: list[Expr] = []
    changed = False
    for term in node.terms:
        c, rest = split_coefficient(term)
        if isinstance(rest, Ones) and ctx.shape(rest) == ctx.shape(node):
            written.append(Number(c))
            changed = True
        else:
            written.append(term)
    if not changed or all(isinstance(t, Number) for t in written):
        return None
    return add(*written)


RULES = (
    Rule(
        "divide-by-scalar",
        "tidy",
        "divide by the scalar",
        "s^-1 A = A / s; a^-1 s^-1 x = x / a / s",
        "Divide by a scalar",
        _divide_by_scalar,
        conditions=("s scalar",),
        minor=True,
        notation=True,
        # typeset, both sides would be the same fraction
        law_latex=r"s^{-1} A = A / s",
    ),
    Rule(
        "transpose-gathered",
        "tidy",
        "one transpose of the sum",
        "A^T B^T + B^T A^T = (B A + A B)^T; A^T (X^2)^T + (X^2)^T A^T = (X^2 A + A X^2)^T",
        "A sum of products of transposes is the transpose of the sum of the reversed products",
        _transpose_gathered,
    ),
    Rule(
        "number-into-hadamard",
        "tidy",
        "the number beside its factor",
        "c (A .* B) = (c A) .* B",
        "A number multiplies either factor of a Hadamard product",
        _number_into_hadamard,
        minor=True,
    ),
    Rule(
        "ones-broadcast",
        "tidy",
        "a number added to every entry",
        "x + c ones(n) = x + c",
        "A number added to a vector is added to every entry",
        _ones_broadcast,
        minor=True,
    ),
)
