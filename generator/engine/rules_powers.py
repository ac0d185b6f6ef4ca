"""Powers in the tidy pass: adjacent factors of one base combine, as a teacher writes them.

A factor is read as (base, k, transposed), whatever the order of its layers: `X^3` is
(X, 3), `X^-1` and `(X^2)^-1` are (X, -1) and (X, -2), `(X^T)^2`, `(X^2)^T` and
`X^-T` are transposed.  Adjacent factors with the same base, all transposed or none,
combine: `X^a X^b = X^(a + b)` (powers of one matrix commute), and
`(X^a)^T (X^b)^T = (X^b X^a)^T = (X^(a + b))^T`.  So `X^T (X^2)^T` is `(X^3)^T`, and
`(X^3)^-T (X^2)^T` is `X^-T` (a negative power is met only where X is invertible: its
inverse was written).  A product that cancels to the identity is left to cancel-inverse.
The powers of a scalar combine wherever they stand in a product (scalars commute), and
so do the entrywise powers of one factor in a chain of `.*` and `./`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.engine.rules_trace import transpose_written
from generator.math.expr import (
    ONE,
    Add,
    EntrywisePower,
    Expr,
    Hadamard,
    Inverse,
    Mul,
    Norm,
    Number,
    Power,
    Transpose,
    mul,
    shifted,
    split_coefficient,
)


# ----- matrices: adjacent factors of one base -------------------------------------------


def _layers(f: Expr) -> tuple[Expr, int, bool]:
    """(base, k, transposed) with f = base^k, or its transpose; whole-number powers only."""
    k, transposed = 1, False
    while True:
        if isinstance(f, Transpose):
            transposed, f = not transposed, f.arg
        elif isinstance(f, Inverse):
            k, f = -k, f.arg
        elif isinstance(f, Power) and isinstance(f.exponent, int):
            k, f = k * f.exponent, f.base
        else:
            return f, k, transposed


def _written(base: Expr, k: int, transposed: bool) -> Expr:
    """base^k (k not 0) as the notes write it: `X`, `X^3`, `X^-1`, `(X^2)^-1`, and the
    transpose outside: `(X^3)^T`, `X^-T`."""
    power = base if abs(k) == 1 else Power(base, abs(k))
    if k < 0:
        return Inverse(Transpose(power)) if transposed else Inverse(power)
    return Transpose(power) if transposed else power


def _matrix_powers(node: Expr, ctx: Context) -> Expr | None:
    """`X X = X^2`, `X^T (X^2)^T = (X^3)^T`, `(X^3)^-T (X^2)^T = X^-T`; and a power of a
    transpose written as the transpose of the power, `(X^T)^2 = (X^2)^T`."""
    if isinstance(node, Power) and not node.symbolic and isinstance(node.base, Transpose):
        return Transpose(Power(node.base.arg, node.exponent))
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        if isinstance(f[i], Number) or ctx.is_scalar(f[i]):
            continue
        base, total, transposed = _layers(f[i])
        j = i + 1
        while j < len(f):
            other, k, other_transposed = _layers(f[j])
            if other != base or other_transposed != transposed:
                break
            total, j = total + k, j + 1
        if j - i > 1 and total != 0:
            return mul(*f[:i], _written(base, total, transposed), *f[j:])
    return None


# ----- entrywise: anywhere in a chain of `.*` and `./` ------------------------------------


def _entrywise_factors(e: Expr, sign: int, out: list[tuple[Expr, int]]) -> None:
    """The factors of a chain of `.*` and `./` with their exponents (a divisor's -1)."""
    if isinstance(e, Hadamard):
        _entrywise_factors(e.left, sign, out)
        _entrywise_factors(e.right, -sign if e.divide else sign, out)
    elif e != ONE:
        out.append((e, sign))


def _entrywise_chain(factors: list[tuple[Expr, int]]) -> Optional[Expr]:
    out = None
    for atom, k in factors:
        f = atom if k == 1 else EntrywisePower(atom, Fraction(k))
        out = f if out is None else Hadamard(out, f)
    return out


def _entrywise_powers(node: Expr, ctx: Context) -> Expr | None:
    """`p ./ (p ./ q) .* (p ./ (q .* q)) = p ./ q`: the entrywise product commutes, so a
    factor that divides cancels where it multiplies, wherever it stands in the chain (it
    has no zero entry: `p ./ p` is 1).  Powers that cancel nothing stay as written."""
    if not isinstance(node, Hadamard):
        return None
    factors: list[tuple[Expr, int]] = []
    _entrywise_factors(node, 1, factors)
    totals: dict[Expr, int] = {}
    seen: dict[Expr, int] = {}
    for atom, k in factors:
        totals[atom] = totals.get(atom, 0) + k
        seen[atom] = seen.get(atom, 0) + 1
    if all(abs(totals[a]) == seen[a] for a in totals) or not any(totals.values()):
        return None  # nothing cancels (`a .* a` stays), or all does (hadamard-cancel's)
    above = _entrywise_chain([(a, k) for a, k in totals.items() if k > 0])
    below = _entrywise_chain([(a, -k) for a, k in totals.items() if k < 0])
    if below is None:
        return above
    return Hadamard(ONE if above is None else above, below, divide=True)


# ----- a sum's inner product with itself ------------------------------------------------


def _squared_norm(node: Expr, ctx: Context) -> Expr | None:
    """(y^T - w^T X^T) (y - X w) = ||y - X w||^2: a sum of vectors met by its own
    transpose (a single vector's `x^T x` stays as the textbooks write it)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        v = f[i + 1]
        if (
            isinstance(v, Add)
            and ctx.is_column(v)
            and not ctx.is_scalar(v)
            and f[i] == transpose_written(v, ctx)
        ):
            return mul(*f[:i], Power(Norm(v), 2), *f[i + 2 :])
    return None


# ----- scalars: anywhere in a product -----------------------------------------------------


def _scalar_power(f: Expr) -> tuple[Expr, int | Expr]:
    """(base, k) with f = base^k: `a^3` (3), `a^-1` (-1), `(a^-1)^2` and `(a^2)^-1` (-2),
    `s^(p - 1)` (p - 1); a power of a symbolic power is left whole (its exponent would be
    no name plus a number)."""
    if isinstance(f, Power):
        if not isinstance(f.exponent, int):  # symbolic
            return f.base, f.exponent
        base, k = _scalar_power(f.base)
        return (base, k * f.exponent) if isinstance(k, int) else (f, 1)
    if isinstance(f, Inverse):
        base, k = _scalar_power(f.arg)
        return (base, -k) if isinstance(k, int) else (f, 1)
    return f, 1


def _coefficient_out(node: Expr, ctx: Context) -> Expr | None:
    """(2 a)^2 = 4 a^2: a whole power of a scalar product takes its number out."""
    if not (isinstance(node, Power) and isinstance(node.base, Mul) and ctx.is_scalar(node.base)):
        return None
    exponent = node.exponent
    c, rest = split_coefficient(node.base)
    if not isinstance(exponent, int) or c == 1:
        return None
    return mul(Number(c**exponent), Power(rest, exponent))


def _exponent_sum(a: int | Expr, b: int | Expr) -> int | Expr | None:
    """a + b for exponents: whole numbers add, a name plus or minus one shifts
    (`p - 1` and -1 give `p - 2`, and `p` and -p are never met); None for two names."""
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(a, int):  # the name first
        a, b = b, a
    if isinstance(a, int) or not isinstance(b, int):
        return None  # two names
    total = shifted(a, b)
    return int(total.value) if isinstance(total, Number) else total


def _power_of(base: Expr, k: int | Expr) -> Optional[Expr]:
    """base^k written as a teacher does: `a`, `a^3`, `a^-1`, `(a^2)^-1`, `s^(p - 2)`;
    None for k = 0."""
    if not isinstance(k, int):
        return Power(base, k)
    if k == 0:
        return None
    magnitude = base if abs(k) == 1 else Power(base, abs(k))
    return magnitude if k > 0 else Inverse(magnitude)


def _scalar_powers(node: Expr, ctx: Context) -> Expr | None:
    """a^3 a^-1 = a^2: the powers of one scalar in a product combine, wherever they stand
    (scalars commute); what cancels leaves."""
    if not isinstance(node, Mul):
        return None
    powers: dict[Expr, int | Expr | None] = {}
    where: dict[Expr, list[int]] = {}
    for i, f in enumerate(node.factors):
        if isinstance(f, Number) or not ctx.is_scalar(f):
            continue
        base, k = _scalar_power(f)
        total: int | Expr | None = powers.get(base, 0)
        powers[base] = None if total is None else _exponent_sum(total, k)
        where.setdefault(base, []).append(i)
    for shared, places in where.items():  # a base met more than once, its powers' sum
        exponent = powers[shared]
        if len(places) > 1 and exponent is not None:
            break
    else:
        return None
    first, dropped = where[shared][0], set(where[shared][1:])
    combined = _power_of(shared, exponent)
    factors = [
        (combined if i == first else f) for i, f in enumerate(node.factors) if i not in dropped
    ]
    return mul(*(f for f in factors if f is not None))


RULES = (
    Rule(
        "product-to-power",
        "tidy",
        "write the power",
        "X X = X^2; X^2 X^3 = X^5; (X^2)^T (X^3)^T = (X^5)^T; (X^3)^-1 X^2 = X^-1; "
        "(X^T)^2 = (X^2)^T",
        "Adjacent powers of one matrix combine",
        _matrix_powers,
        conditions=("X invertible",),
    ),
    Rule(
        "entrywise-powers",
        "tidy",
        "combine the entrywise powers",
        "x ./ (x ./ y) = y; x .* x ./ (x .* y) = x ./ y; z .* y ./ z = y",
        "Entrywise powers of one factor combine",
        _entrywise_powers,
        conditions=("x nonzero", "y nonzero", "z nonzero"),
    ),
    Rule(
        "squared-norm",
        "tidy",
        "a squared norm",
        "(x + y)^T (x + y) = ||x + y||^2",
        "A sum met by its own transpose is its squared norm",
        _squared_norm,
    ),
    Rule(
        "power-coefficient",
        "tidy",
        "the number out of a power",
        "(2 a)^2 = 4 a^2; (c a)^3 = c^3 a^3",
        "A power of a scalar product takes its number out",
        _coefficient_out,
        conditions=("a scalar", "c scalar"),
    ),
    Rule(
        "scalar-powers",
        "tidy",
        "combine the powers",
        "a^3 a^-1 = a^2; a a^-1 = 1",
        "Powers of one scalar combine",
        _scalar_powers,
        conditions=("a scalar",),
    ),
)
