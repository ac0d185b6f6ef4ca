"""The expression tree the whole program shares.

Each node is an immutable, hashable frozen dataclass, so expressions compare
structurally (`parse("A X") == Mul((Symbol("A"), Symbol("X")))`) and can be used as
dictionary keys.  Nodes know nothing of shapes: those live in a `SymbolTable`
(generator.math.symbols) and are computed by generator.math.shapes.

Products and sums keep the order the user wrote, because the sheets must read like
the notes (`tr(dX^T A X + X^T A dX)`, not a canonical reordering); only the smart
constructors `add`, `mul` flatten nesting and fold numeric coefficients, which is
notation, not a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, Callable, ClassVar, Iterator

from generator.math.memo import FORGOTTEN, recall, remember

# a node's sizes (an identity's, a matrix of ones'): importers read them from here too
from generator.math.sizes import Dim, DimProduct, dim_product  # noqa: F401


class Expr:
    """Base class of every node."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Set before @dataclass runs, which then keeps it (an explicit __hash__): each
        # node hashes once.  The generated one hashes the whole subtree on every call,
        # and the engine and the checks look the same large subterms up again and again.
        # Equality likewise: the generated one compares whole subtrees every time, and
        # the checks look up, by equality, large trees that are equal but were built
        # apart (each rewrite builds its line afresh).  And the repr is the math, as a
        # user reads it at a prompt (`(A + A^T) X`), not the tree of constructors.
        super().__init_subclass__(**kwargs)
        cls.__hash__ = _remembered_hash  # type: ignore[method-assign, assignment]
        cls.__eq__ = _remembered_equality  # type: ignore[method-assign, assignment]
        cls.__repr__ = _math_repr  # type: ignore[method-assign, assignment]

    def __getstate__(self) -> dict[str, Any]:
        """What a copy or a pickle holds: the fields, not what equality and hashing
        remembered (a string's hash differs from one process to the next)."""
        return {k: v for k, v in self.__dict__.items() if k not in _REMEMBERED}

    def children(self) -> tuple["Expr", ...]:
        return ()

    def rebuild(self, children: tuple["Expr", ...]) -> "Expr":
        """The same node with new children (in the order of `children()`).

        Sums and products rebuild through `add`/`mul`, so a rewrite deep inside keeps
        the tree flat and its numeric coefficient folded.
        """
        return self

    def walk(self) -> Iterator["Expr"]:
        """Every subterm, parents before children (pre-order).  A stack, not nested
        generators: through those each subterm passed up one frame per level, which made
        a walk of a deep tree (a k-layer network) quadratic in its depth."""
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def contains(self, sub: "Expr") -> bool:
        return any(node == sub for node in self.walk())

    def symbols(self) -> frozenset[str]:
        """Names of the Symbols that occur (differentials included: d X counts X)."""
        return frozenset(n.name for n in self.walk() if isinstance(n, Symbol))

    def replace(self, old: "Expr", new: "Expr") -> "Expr":
        """Every occurrence of `old` replaced by `new` (whole subterms only)."""
        return self.map_bottom_up(lambda node: new if node == old else node)

    def map_bottom_up(
        self,
        fn: Callable[["Expr"], "Expr"],
        memo: dict[int, tuple["Expr", "Expr"]] | None = None,
        idempotent: bool = False,
    ) -> "Expr":
        """`fn` applied to every node, children first (each node rebuilt from its mapped
        children).  `memo` (the id of a node -> the node and what it mapped to), kept by
        a caller that maps with the same `fn` again and again, skips what it has seen: a
        rewrite changes one path of a large expression, the rest is the same objects.
        `idempotent`: mapping a result again gives it back, so results are remembered as
        mapping to themselves (the next expression is built from them)."""
        if memo is not None:
            seen = recall(memo, self)
            if seen is not FORGOTTEN:
                return seen
        kids = self.children()
        node = (
            self.rebuild(tuple(k.map_bottom_up(fn, memo, idempotent) for k in kids))
            if kids
            else self
        )
        mapped = fn(node)
        if memo is not None:
            remember(memo, self, mapped)
            if idempotent:
                remember(memo, mapped, mapped)
        return mapped

    def __str__(self) -> str:  # the math syntax of the contract, section 2
        return _TEXT_PRINTER[0](self)


_COMPARED: dict[type, tuple[str, ...]] = {}  # class -> the fields equality compares

_REMEMBERED = ("_hash", "_equal_to")  # what a node learns of itself after it is built


def _compared(cls: type) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)
    return names


def _representative(node: Expr) -> Expr:
    """The node this one was last found equal to, followed to its end; every node on
    the way is pointed at the end (as in union-find), so the next walk is one step."""
    end = node.__dict__.get("_equal_to", node)
    if end is node:
        return node
    while (after := end.__dict__.get("_equal_to", end)) is not end:
        end = after
    while node is not end:
        after = node.__dict__["_equal_to"]
        object.__setattr__(node, "_equal_to", end)
        node = after
    return end


def _remembered_equality(node: Expr, other: object) -> bool:
    """Structural equality (as @dataclass would decide it) that remembers: two distinct
    nodes found equal are joined, so comparing them, or anything built on them, again
    takes one step instead of a walk over both trees."""
    if node is other:
        return True
    if type(other) is not type(node):
        return NotImplemented
    if node.__hash__() != other.__hash__():
        return False
    mine, theirs = _representative(node), _representative(other)
    if mine is theirs:
        return True
    equal = all(getattr(mine, name) == getattr(theirs, name) for name in _compared(type(node)))
    if equal:
        object.__setattr__(theirs, "_equal_to", mine)
    return equal


def _math_repr(node: Expr) -> str:
    """The math syntax; a node the printer has no form for shows its fields (a repr never
    fails: it is what an error message and a debugger show)."""
    try:
        return str(node)
    except Exception:
        own = fields(node)  # type: ignore[arg-type]  # every node is a dataclass
        shown = ", ".join(f"{f.name}={getattr(node, f.name)!r}" for f in own)
        return f"{type(node).__name__}({shown})"


def _remembered_hash(node: Expr) -> int:
    """The hash of the fields equality compares (as @dataclass would compute it),
    computed once per node."""
    try:
        return node.__dict__["_hash"]
    except KeyError:
        pass
    cls = type(node)
    found = hash((cls.__name__, *(getattr(node, name) for name in _compared(cls))))
    object.__setattr__(node, "_hash", found)
    return found


# How a node prints in the math syntax.  The printer (generator.syntax.printer) depends
# on this module, so it registers itself here, and `generator.math` imports it first
# thing: every importer of the tree can print it, and this module imports no printer.
_TEXT_PRINTER: list[Callable[[Expr], str]] = []


def register_text_printer(printer: Callable[[Expr], str]) -> None:
    _TEXT_PRINTER[:] = [printer]


@dataclass(frozen=True)
class Symbol(Expr):
    """A named matrix, vector or scalar; its shape is in the SymbolTable."""

    name: str


@dataclass(frozen=True)
class Quantity(Expr):
    """A quantity the engine introduces, never one of the user's symbols: the objective
    (`role` "objective", printed `L`), the matrix of the theorem dL = tr(G^T dX) (`role`
    "gradient", printed `G`), a named repeated subexpression (`role` "residual", the
    notes' `R = A x - b`; its shape is in the problem's table under its name).  `name`
    is how it prints; generator.engine.names chooses it so that it differs from every
    symbol of the problem (`H` where the user has a `G`, `S` where they have an `R`)."""

    role: str
    name: str


@dataclass(frozen=True)
class Identity(Expr):
    """The identity matrix of `size` rows.

    The parser reads a bare `I` as `Identity(None)`; shape inference
    (`generator.math.shapes.infer_shapes`) then gives every identity of a problem its size,
    so that no later stage has to work it out again.  `shown` says whether the size is
    printed: `I_n` as the user or the engine wrote it, `I` where the user wrote a bare
    `I` (the sheet shows what the user wrote).  It is notation only, so it takes no part
    in comparing identities.
    """

    size: Dim | None = None
    shown: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class Ones(Expr):
    """The all-ones vector `ones(n)` (n x 1) or matrix `ones(n, m)`: `sum(X) = tr(ones^T X)`."""

    rows: Dim
    cols: Dim = 1


@dataclass(frozen=True)
class Number(Expr):
    """An exact rational constant.  `Number(0)` also stands for a zero matrix."""

    value: Fraction

    def __init__(self, value: int | Fraction):
        object.__setattr__(self, "value", Fraction(value))


@dataclass(frozen=True)
class Add(Expr):
    """A sum of two or more terms, in written order; `a - b` is `a + (-1) b`."""

    terms: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.terms

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return add(*children)


@dataclass(frozen=True)
class Mul(Expr):
    """A product of two or more factors, in written order.

    Scalar-valued factors (numbers, scalar symbols, traces) act as scalars wherever they
    stand; a numeric coefficient, if any, is the first factor.  A product of several
    factors that is 1 x 1 and acts as a scalar inside a larger product (`x^T b` in
    `X (x^T b)`) is a factor of its own, `scalar=True`, which `mul` keeps whole: shape
    inference groups such runs (generator.math.shapes.group_scalar_runs), so that no
    later stage has to find them again in a flat `X x^T b`.
    """

    factors: tuple[Expr, ...]
    # how the product stands inside a larger one, not what it is: no part of equality
    scalar: bool = field(default=False, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return self.factors

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return scalar_product(*children) if self.scalar else mul(*children)


@dataclass(frozen=True)
class Unary(Expr):
    arg: Expr
    # Zero in, zero out (a linear map, or a product): a rewrite that finds a part is 0
    # makes whatever holds it 0, so no `0^T` is left standing for a zero of another
    # shape than the scalar 0 (`A b 0^T x` would not type-check).
    ABSORBS_ZERO: ClassVar[bool] = False

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        if self.ABSORBS_ZERO and is_zero(children[0]):
            return ZERO
        return type(self)(children[0])


@dataclass(frozen=True)
class Transpose(Unary):
    """`X^T`."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Inverse(Unary):
    """`X^-1`; on a scalar, its reciprocal (`X / alpha` is `X alpha^-1`).  `division`
    says the user wrote `/`, which divides by a scalar only: the shape rules then refuse
    a matrix (`A / X` could mean `A X^-1` or `X^-1 A`).  Notation, not part of equality."""

    division: bool = field(default=False, compare=False)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Inverse(children[0], self.division)


@dataclass(frozen=True)
class Trace(Unary):
    """`tr(X)`."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Diag(Unary):
    """`diag(v)`, the diagonal matrix with the vector v on its diagonal, or `diag(X)`,
    the vector of a square matrix's diagonal: which one, the argument's shape says."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Vec(Unary):
    """`vec(X)`: the columns of X stacked into one column (m n x 1 for an m x n X)."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Softmax(Unary):
    """`softmax(z)`: the vector `exp(z) / sum(exp(z))` of a column vector z."""


@dataclass(frozen=True)
class LogSumExp(Unary):
    """`logsumexp(z)`: the scalar `log(sum(exp(z)))` of a column vector z."""


@dataclass(frozen=True)
class Det(Unary):
    """`det(X)`, also written `|X|`."""


@dataclass(frozen=True)
class LogDet(Unary):
    """`log det X` (the derivative is that of log |det X| too)."""


@dataclass(frozen=True)
class SumEntries(Unary):
    """`sum(X)`: the sum of all entries, `1^T X 1`."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Differential(Unary):
    """`d(arg)`.  `Differential(Symbol("X"))` is the leaf `dX`."""

    ABSORBS_ZERO: ClassVar[bool] = True


@dataclass(frozen=True)
class Power(Expr):
    """`base^exponent`: the matrix power of a square matrix, the power of a scalar.  The
    exponent is a whole number >= 2, or symbolic, a child node: a scalar's name plus or
    minus a whole number (`X^k`, `X^(k - 1)`, `s^p`; for a matrix, a declared integer)."""

    base: Expr
    exponent: int | Expr

    @property
    def symbolic(self) -> bool:
        """The exponent is an expression (`k`, `k - 1`), not a number."""
        return not isinstance(self.exponent, int)

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.exponent) if isinstance(self.exponent, Expr) else (self.base,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        if is_zero(children[0]):
            return ZERO
        return Power(children[0], children[1] if self.symbolic else self.exponent)


@dataclass(frozen=True)
class PowerSum(Expr):
    """`sum_{j=0}^{k-1} X^j M X^(k-1-j)` for a symbolic k: the differential of `X^k`
    (M = dX) has one term per j, and k is no number to write them out by."""

    base: Expr
    exponent: Expr
    inner: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.exponent, self.inner)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return ZERO if is_zero(children[2]) else PowerSum(*children)


@dataclass(frozen=True)
class EntrywisePower(Expr):
    """`Z .^ c`, each entry to the power c, a number (`s^(1/2)` of a scalar s is one
    too: the ordinary power).  `dotted` says it was written `.^`, which it prints back:
    `X .^ 2` squares each entry, `X^2` is the matrix power.  Notation, not equality."""

    base: Expr
    exponent: Fraction
    dotted: bool = field(default=True, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return (self.base,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        if is_zero(children[0]) and self.exponent > 0:
            return ZERO
        return EntrywisePower(children[0], self.exponent, self.dotted)


@dataclass(frozen=True)
class Norm(Expr):
    """`||v||` (Euclidean, of a vector) or `||X||_F` (Frobenius); squares are Power."""

    arg: Expr
    frobenius: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return ZERO if is_zero(children[0]) else Norm(children[0], self.frobenius)


@dataclass(frozen=True)
class Hadamard(Expr):
    """`A .* B`, or `A ./ B` when `divide`."""

    left: Expr
    right: Expr
    divide: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        if is_zero(children[0]) or (is_zero(children[1]) and not self.divide):
            return ZERO  # 0 .* B, A .* 0, 0 ./ B (A ./ 0 stays, to be refused)
        return Hadamard(children[0], children[1], self.divide)


@dataclass(frozen=True)
class Kron(Expr):
    """`kron(A, B)`, also written `A ⊗ B`: the Kronecker product, each entry of A times B."""

    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return (
            ZERO if is_zero(children[0]) or is_zero(children[1]) else Kron(children[0], children[1])
        )


@dataclass(frozen=True)
class Commutation(Expr):
    """`K(m, n)`: the commutation matrix, K(m, n) vec(X) = vec(X^T) for an m x n X; it is
    m n x m n."""

    rows: Dim
    cols: Dim


@dataclass(frozen=True)
class Elementwise(Expr):
    """`exp(v)`, `log(v)`, `sin(X)`, ... applied entry by entry (generator/math/functions.py)."""

    func: str
    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        """A rewrite that turns the argument into the number 0 is refused (the node
        itself comes back): `exp(b - b)` is a vector of ones, `exp(0)` the number 1 (a
        zero has no shape, and here its shape matters)."""
        if is_zero(children[0]) and not is_zero(self.arg):
            return self
        return Elementwise(self.func, children[0])


# ----- smart constructors: flattening and numeric coefficients only -----------------

ZERO = Number(0)
ONE = Number(1)


def is_zero(e: Expr) -> bool:
    return isinstance(e, Number) and e.value == 0


def mul(*factors: Expr) -> Expr:
    """A product: nested products flattened (a scalar group is kept whole), numbers
    folded into one leading coefficient."""
    coefficient = Fraction(1)
    rest: list[Expr] = []
    for f in factors:
        for g in f.factors if isinstance(f, Mul) and not f.scalar else (f,):
            if isinstance(g, Number):
                coefficient *= g.value
            else:
                rest.append(g)
    if coefficient == 0:
        return ZERO
    if coefficient != 1 or not rest:
        rest.insert(0, Number(coefficient))
    return rest[0] if len(rest) == 1 else Mul(tuple(rest))


def scalar_product(*factors: Expr) -> Expr:
    """A 1 x 1 product kept whole as one factor of a larger product (`(x^T b)`); a single
    factor, or a number, is itself."""
    inner = mul(*factors)
    if isinstance(inner, Mul) and not isinstance(inner.factors[0], Number):
        return Mul(inner.factors, scalar=True)
    return inner


def add(*terms: Expr) -> Expr:
    """A sum: nested sums flattened, an empty sum is 0, one term is itself."""
    flat: list[Expr] = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, Add) else (t,))
    if not flat:
        return ZERO
    return flat[0] if len(flat) == 1 else Add(tuple(flat))


def transposed(e: Expr) -> Expr:
    """The transpose of `e`, written without a double transpose: `A^T` for A, A for `A^T`."""
    return e.arg if isinstance(e, Transpose) else Transpose(e)


def neg(e: Expr) -> Expr:
    return mul(Number(-1), e)


def shifted(exponent: Expr, by: int) -> Expr:
    """A symbolic exponent plus a whole number, its numbers folded: `k` and -1 give
    `k - 1`, `k - 1` and -1 give `k - 2`, `k + 1` and -1 give `k`."""
    terms = list(exponent.terms) if isinstance(exponent, Add) else [exponent]
    number = sum((t.value for t in terms if isinstance(t, Number)), Fraction(by))
    rest = [t for t in terms if not isinstance(t, Number)]
    return add(*rest, *([Number(number)] if number else []))


def split_coefficient(e: Expr) -> tuple[Fraction, Expr]:
    """`2 A X` -> (2, A X); `X` -> (1, X); `-b` -> (-1, b)."""
    if isinstance(e, Number):
        return e.value, ONE
    if isinstance(e, Mul) and isinstance(e.factors[0], Number):
        return e.factors[0].value, mul(*e.factors[1:])
    return Fraction(1), e


def factors_of(e: Expr) -> tuple[Expr, ...]:
    return e.factors if isinstance(e, Mul) else (e,)


def terms_of(e: Expr) -> tuple[Expr, ...]:
    return e.terms if isinstance(e, Add) else (e,)


def d(e: Expr) -> Differential:
    return Differential(e)
