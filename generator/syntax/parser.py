"""Recursive-descent parser for the math syntax (contract, section 2).

One method per precedence level, loosest first: `sum` (+ -), `hadamard` (.* ∘ ./),
`product` (*, /, juxtaposition), `signed` (unary -), then postfix (^T ' .T ^-1 ^k)
and atoms.  User text is never evaluated: tokens become nodes of generator.math.expr, built
with its smart constructors `add` / `mul` / `neg`, so nesting is flattened and numeric
coefficients are folded exactly as everywhere else in the program.

Bounded work: tokens are streamed, sums and products are collected in lists and
built once (linear time on inputs of megabytes), and no expression may nest more
than MAX_DEPTH levels, by grouping or by chains such as `X^T^T...`, which is reported
as a MathSyntaxError with its column rather than a RecursionError later.  A whole-number
exponent above MAX_EXPONENT is refused likewise (the engine expands `X^k` into k terms).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, NamedTuple, Sequence

from generator.errors import MathSyntaxError
from generator.math.expr import (
    Commutation,
    Det,
    Diag,
    Differential,
    Elementwise,
    EntrywisePower,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Kron,
    LogDet,
    LogSumExp,
    Norm,
    Number,
    Ones,
    Power,
    Softmax,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    Vec,
    add,
    mul,
    neg,
)
from generator.syntax.lexer import Kind, Token, iter_tokens
from generator.syntax.limits import MAX_DEPTH, MAX_EXPONENT, room_for_nesting
from generator.syntax.names import (
    COMMUTATION,
    FUNCTION_LIST,
    FUNCTION_NAMES,
    IDENTIFIER,
    IDENTITY,
    TRACE_NAMES,
    differential_target,
    is_reserved,
)


_ONE_ARGUMENT = {name: Trace for name in TRACE_NAMES} | {
    "det": Det,
    "logdet": LogDet,
    "sum": SumEntries,
    "inv": Inverse,
    "diag": Diag,
    "vec": Vec,
    "softmax": Softmax,
    "logsumexp": LogSumExp,
}
_POSTFIX_TRANSPOSE = (Kind.PRIME, Kind.DOT_T, Kind.SUP_T)
_BAD_EXPONENT = (
    "after '^' write T, -1, -T, a whole number of at least 2, a name such as k, "
    "or a name plus or minus a whole number in parentheses, (k - 1)"
)


class Parsed(NamedTuple):
    """A parsed subexpression and an upper bound on its tree height (leaves are 0)."""

    expr: Expr
    height: int


def parse(text: str, *, differentials: bool = False) -> Expr:
    """The expression tree of `text`.

    With `differentials`, `dX` means Differential(Symbol("X")) and `d(...)` the
    differential of a group (the engine's own output); without, `dx` is a plain name,
    as in user objectives.  Raises MathSyntaxError naming the 1-based column.
    """
    with room_for_nesting(MAX_DEPTH):
        return _Parser(text, differentials).parse()


class _Parser:
    """The state of one parse: the token stream and the delimiters open around it."""

    def __init__(self, text: str, differentials: bool):
        self.text = text
        self.differentials = differentials
        self.stream = iter_tokens(text)
        self.prev: Token | None = None
        self.tok: Token = next(self.stream)
        self.ahead: list[Token] = []  # tokens peeked at after `tok`, not yet taken
        self.open: list[Token] = []  # '(' '|' '||' not yet closed, innermost last

    # ----- tokens and errors ------------------------------------------------------

    def at(self, *kinds: Kind) -> bool:
        return self.tok.kind in kinds

    def advance(self) -> Token:
        taken = self.tok
        if taken.kind is not Kind.EOF:
            self.prev = taken
            self.tok = self.ahead.pop(0) if self.ahead else next(self.stream)
        return taken

    @property
    def taken(self) -> Token:
        """The last token taken: there is one once an operand has been parsed."""
        assert self.prev is not None
        return self.prev

    def peek_kinds(self, count: int) -> list[tuple[Kind, str]]:
        """(kind, text) of `tok` and the tokens after it, `count` at most (fewer at the
        end): `^(1/2)` is told from `^(2)` by looking past the parenthesis."""
        while len(self.ahead) < count - 1:
            last = self.ahead[-1] if self.ahead else self.tok
            if last.kind is Kind.EOF:
                break
            self.ahead.append(next(self.stream))
        return [(t.kind, t.text) for t in [self.tok, *self.ahead][:count]]

    def error(self, message: str, token: Token) -> MathSyntaxError:
        return MathSyntaxError(message, self.text, token.column)

    def node(self, expr: Expr, parts: Sequence[Parsed], blame: Token) -> Parsed:
        """`expr` built from `parts`; `blame` is where a too-deep tree is reported."""
        height = 1 + max((p.height for p in parts), default=0)
        if height > MAX_DEPTH:
            raise self.error(f"the expression nests more than {MAX_DEPTH} levels deep", blame)
        return Parsed(expr, height)

    # ----- precedence levels, loosest first --------------------------------------

    def parse(self) -> Expr:
        if self.at(Kind.EOF):
            raise MathSyntaxError("empty expression: there is nothing to parse", self.text, 1)
        result = self.sum()
        if not self.at(Kind.EOF):
            raise self.error(_unexpected(self.tok), self.tok)
        return result.expr

    def sum(self) -> Parsed:
        """`a + b - c`: one flat Add; `- c` is `neg(c)`."""
        terms = [self.hadamard()]
        while self.at(Kind.PLUS, Kind.MINUS):
            op = self.advance()
            term = self.hadamard()
            terms.append(self.node(neg(term.expr), [term], op) if op.kind is Kind.MINUS else term)
        if len(terms) == 1:
            return terms[0]
        return self.node(add(*(t.expr for t in terms)), terms, self.taken)

    def hadamard(self) -> Parsed:
        """`A .* B ./ C` and `A ⊗ B`, left to right; looser than products (`y .* A w`)."""
        left = self.product()
        while self.at(Kind.HADAMARD, Kind.HADAMARD_DIV, Kind.KRON):
            op = self.advance()
            right = self.product()
            if op.kind is Kind.KRON:
                left = self.node(Kron(left.expr, right.expr), [left, right], op)
                continue
            divide = op.kind is Kind.HADAMARD_DIV
            left = self.node(Hadamard(left.expr, right.expr, divide), [left, right], op)
        return left

    def product(self) -> Parsed:
        """`A * B`, `A B`, `x / 2`, `x / alpha`: one flat Mul, built once."""
        factors = [self.signed()]
        while True:
            if self.at(Kind.STAR):
                self.advance()
                factors.append(self.signed())
            elif self.at(Kind.SLASH):
                factors.append(self.divisor(self.advance()))
            elif self.starts_juxtaposed():
                factors.append(self.signed())
            else:
                break
        if len(factors) == 1:
            return factors[0]
        return self.node(mul(*(f.expr for f in factors)), factors, self.taken)

    def divisor(self, slash: Token) -> Parsed:
        """`/ 2` folds into the coefficient; `/ s` is the factor `s^-1` (s a scalar)."""
        start = self.tok
        divisor = self.signed()
        if not isinstance(divisor.expr, Number):
            return self.node(Inverse(divisor.expr, division=True), [divisor], slash)
        if divisor.expr.value == 0:
            raise self.error("division by zero", start)
        return Parsed(Number(1 / divisor.expr.value), 0)

    def starts_juxtaposed(self) -> bool:
        """Does the next token start a factor written next to the previous one?

        A bar is ambiguous: inside `|...|` it closes, elsewhere `|X| |Y|` is a
        product of determinants; likewise `||` inside a norm.  `|X||Y|` is split
        when the inner bar closes (see `close`).
        """
        kind = self.tok.kind
        if kind in (Kind.NAME, Kind.NUMBER, Kind.LPAREN):
            return True
        innermost = self.open[-1].kind if self.open else None
        if kind is Kind.BAR:
            return innermost is not Kind.BAR
        if kind is Kind.DOUBLE_BAR:
            return innermost not in (Kind.BAR, Kind.DOUBLE_BAR)
        return False

    def signed(self) -> Parsed:
        """Unary minus (a loop, so `------X` costs no stack); `--X` is X."""
        signs: list[Token] = []
        while self.at(Kind.MINUS):
            signs.append(self.advance())
        operand = self.postfix(self.atom())
        if len(signs) % 2:
            return self.node(neg(operand.expr), [operand], signs[0])
        return operand

    def postfix(self, base: Parsed) -> Parsed:
        """`^T`, `'`, `.T`, `ᵀ`, `⁻¹`, `^-1`, `^-T`, `^k`, applied left to right."""
        while True:
            op = self.tok
            if op.kind in _POSTFIX_TRANSPOSE:
                self.advance()
                base = self.node(Transpose(base.expr), [base], op)
            elif op.kind is Kind.SUP_INV:
                self.advance()
                base = self.node(Inverse(base.expr), [base], op)
            elif op.kind is Kind.CARET:
                self.advance()
                base = self.exponent(base, op)
            elif op.kind is Kind.DOT_CARET:
                self.advance()
                base = self.node(EntrywisePower(base.expr, self.power_number(op)), [base], op)
            else:
                return base

    def power_number(self, op: Token) -> Fraction:
        """The number after `.^` (or in `^(1/2)`): `2`, `-1`, `0.5`, `(1/2)`, `(-3/2)`."""
        opener = self.advance() if self.at(Kind.LBRACE, Kind.LPAREN) else None
        negative = self.at(Kind.MINUS)
        if negative:
            self.advance()
        if not self.at(Kind.NUMBER):
            raise self.error(
                "after '.^' write a number, as in X .^ 2, v .^ 0.5 or s^(1/2)", self.tok
            )
        value = Fraction(self.advance().text)
        if self.at(Kind.SLASH) and opener is not None:
            self.advance()
            if not self.at(Kind.NUMBER) or Fraction(self.tok.text) == 0:
                raise self.error("a power's denominator is a nonzero number, as in (1/2)", self.tok)
            value /= Fraction(self.advance().text)
        if opener is not None:
            closer = Kind.RBRACE if opener.kind is Kind.LBRACE else Kind.RPAREN
            if not self.at(closer):
                raise self.error(f"expected '{closer.value}' to close the exponent", self.tok)
            self.advance()
        if value == 0:
            raise self.error("a power of 0 is the constant 1: write 1", op)
        return -value if negative else value

    def exponent(self, base: Parsed, caret: Token) -> Parsed:
        """What follows `^`, optionally in braces: `T`, `-1`, `-T`, `2`, `k`, `-2`; in
        parentheses a fraction or a decimal, `^(1/2)`, `^(-1/2)`, `^(1.5)`: a real power
        (of a scalar, or entry by entry)."""
        if self._real_power_follows():
            return self.node(
                EntrywisePower(base.expr, self.power_number(caret), dotted=False), [base], caret
            )
        opener = self.advance() if self.at(Kind.LBRACE, Kind.LPAREN) else None
        negative = self.at(Kind.MINUS)
        if negative:
            self.advance()
        value: int | str | Expr = self.exponent_value(caret, negative)
        if opener is not None and isinstance(value, Symbol) and self.at(Kind.PLUS, Kind.MINUS):
            value = self.exponent_offset(value)
        if opener is not None:
            closer = Kind.RBRACE if opener.kind is Kind.LBRACE else Kind.RPAREN
            if not self.at(closer):
                raise self.error(f"expected '{closer.value}' to close the exponent", self.tok)
            self.advance()
        if value == "T":
            base = self.node(Transpose(base.expr), [base], caret)
        if negative:
            base = self.node(Inverse(base.expr), [base], caret)
        if value in ("T", 1):
            return base
        assert not isinstance(value, str)  # "T" is the only word exponent_value returns
        return self.node(Power(base.expr, value), [base], caret)

    def _real_power_follows(self) -> bool:
        """`(1/2)`, `(-1/2)`, `{0.5}`: a bracketed exponent that is no whole number."""
        if not self.at(Kind.LBRACE, Kind.LPAREN):
            return False
        ahead = self.peek_kinds(4)
        start = 2 if len(ahead) > 1 and ahead[1][0] is Kind.MINUS else 1
        if len(ahead) <= start or ahead[start][0] is not Kind.NUMBER:
            return False
        number_text = ahead[start][1]
        following = ahead[start + 1][0] if len(ahead) > start + 1 else None
        return following is Kind.SLASH or not number_text.isdigit()

    def exponent_offset(self, name: Symbol) -> Expr:
        """`k - 1`, `p + 2` inside an exponent's brackets: a name plus or minus a whole
        number (what the derivative of `X^k` or `s^p` writes)."""
        sign = -1 if self.advance().kind is Kind.MINUS else 1
        tok = self.tok
        if tok.kind is not Kind.NUMBER or not tok.text.isdigit():
            raise self.error(
                f"after '{name} {'-' if sign < 0 else '+'}' in an exponent write "
                f"a whole number, as in ({name} - 1)",
                tok,
            )
        self.advance()
        return add(name, Number(Fraction(sign * int(tok.text))))

    def exponent_value(self, caret: Token, negative: bool) -> int | str | Symbol:
        """The exponent token itself: "T", a whole number (1 only as -1), or a name (a
        Symbol: the exponent's symbol is one of the problem's)."""
        tok = self.tok
        if tok.kind is Kind.NAME and tok.text == "T":
            self.advance()
            return "T"
        if tok.kind is Kind.NUMBER:
            if not tok.text.isdigit():
                raise self.error(f"the exponent must be a whole number: {_BAD_EXPONENT}", tok)
            if int(tok.text) == 0 or (int(tok.text) == 1 and not negative):
                raise self.error(f"an exponent of {tok.text} is not a power: {_BAD_EXPONENT}", tok)
            if int(tok.text) > MAX_EXPONENT:
                raise self.error(
                    f"an exponent may be at most {MAX_EXPONENT}: the derivation "
                    f"treats X^k as a product of k factors",
                    tok,
                )
            self.advance()
            return int(tok.text)
        if tok.kind is Kind.NAME:
            if tok.text.startswith("T"):
                raise self.error(
                    f"did you mean '^T {tok.text[1:]}'? juxtaposition needs a space", tok
                )
            if tok.text in FUNCTION_NAMES or tok.text == IDENTITY:
                raise self.error(f"'{tok.text}' cannot be an exponent: {_BAD_EXPONENT}", tok)
            self.advance()
            return Symbol(tok.text)
        raise self.error(_BAD_EXPONENT, caret if tok.kind is Kind.EOF else tok)

    # ----- atoms -----------------------------------------------------------------

    def atom(self) -> Parsed:
        tok = self.tok
        if tok.kind is Kind.NUMBER:
            self.advance()
            return Parsed(Number(Fraction(tok.text)), 0)
        if tok.kind is Kind.NAME:
            return self.name()
        if tok.kind is Kind.LPAREN:
            return self.enclosed(self.advance(), Kind.RPAREN)
        if tok.kind is Kind.BAR:
            inner = self.enclosed(self.advance(), Kind.BAR)
            return self.node(Det(inner.expr), [inner], tok)
        if tok.kind is Kind.DOUBLE_BAR:
            return self.norm_bars()
        raise self.missing_operand()

    def missing_operand(self) -> MathSyntaxError:
        """The error for a token that cannot start an operand, at the most useful column."""
        tok, prev = self.tok, self.prev
        if tok.kind is Kind.EOF and prev is not None:
            if prev.kind in (Kind.LPAREN, Kind.BAR, Kind.DOUBLE_BAR):
                return self.error(f"{prev.describe()} is never closed", prev)
            return self.error(f"{prev.describe()} needs something after it", prev)
        if tok.kind is Kind.RPAREN and prev is not None and prev.kind is Kind.LPAREN:
            return self.error("empty parentheses", prev)
        return self.error(
            f"unexpected {tok.describe()}: expected a name, a number, '(' or a function such as tr(...)",
            tok,
        )

    def name(self) -> Parsed:
        """A symbol, `I`, `I_n`, `dX`, a function call, or `d(...)`."""
        tok = self.advance()
        if tok.text in FUNCTION_NAMES:
            return self.function(tok)
        if self.at(Kind.LPAREN) and self.tok.column == tok.end:
            if tok.text == COMMUTATION:
                return self.sized(
                    tok,
                    lambda rows, cols: Commutation(rows, cols),
                    2,
                    "K(m, n), the commutation matrix",
                )
            if tok.text == "d" and self.differentials:
                inner = self.enclosed(self.advance(), Kind.RPAREN)
                return self.node(Differential(inner.expr), [inner], tok)
            raise self.error(
                f"unknown function '{tok.text}' (the functions are {FUNCTION_LIST}); "
                f"for a product write '{tok.text} (...)' with a space",
                tok,
            )
        return self.word(tok)

    def word(self, tok: Token) -> Parsed:
        """A name standing alone; with `differentials`, `dX` / `ddX` are peeled in a loop."""
        name, layers = tok.text, 0
        while self.differentials and (target := differential_target(name)):
            name, layers = target, layers + 1
            if layers > MAX_DEPTH:  # checked in the loop: each peel copies the name
                raise self.error(f"the expression nests more than {MAX_DEPTH} levels deep", tok)
        if name in FUNCTION_NAMES:
            raise self.error(f"'{name}' is a function, not a symbol: write {name}(...)", tok)
        result = Parsed(self.leaf(name, tok), 0)
        for _ in range(layers):
            result = self.node(Differential(result.expr), [result], tok)
        return result

    def leaf(self, name: str, tok: Token) -> Expr:
        """`I` and `I_n` are the identity (`I` is reserved); any other name is a Symbol."""
        if name == IDENTITY:
            return Identity(None)
        if not name.startswith(IDENTITY + "_"):
            return Symbol(name)
        size = name[len(IDENTITY) + 1 :]
        if size.isdigit() and int(size) > 0:
            return Identity(int(size))
        if IDENTIFIER.match(size):
            return Identity(size)
        raise self.error(
            f"'{name}': the identity's size is a name or a positive number, as in I_n or I_3", tok
        )

    def function(self, tok: Token) -> Parsed:
        """`tr(X)`, `det(X)`, `log|X|`, `norm(X, F)`, ...; parentheses are required."""
        name = tok.text
        if name == "ones":
            return self.ones(tok)
        if name == "kron":
            return self.kron(tok)
        if name == "log" and self.at(Kind.BAR):
            arg = self.atom()
        elif self.at(Kind.LPAREN):
            arg, frobenius = self.arguments(name)
            if name == "norm":
                return self.node(Norm(arg.expr, frobenius), [arg], tok)
        else:
            raise self.error(f"'{name}' needs parentheses: write {name}(...)", tok)
        if name in _ONE_ARGUMENT:
            return self.node(_ONE_ARGUMENT[name](arg.expr), [arg], tok)
        if name == "log" and isinstance(arg.expr, Det):
            return self.node(LogDet(arg.expr.arg), [arg], tok)
        return self.node(Elementwise(name, arg.expr), [arg], tok)

    def ones(self, tok: Token) -> Parsed:
        """`ones(n)`, the all-ones vector, or `ones(n, m)`, the all-ones matrix."""
        if not self.at(Kind.LPAREN):
            raise self.error("'ones' needs its size: write ones(n) or ones(n, m)", tok)
        return self.sized(tok, Ones, 1, "ones(n) or ones(n, m)")

    def sized(self, tok: Token, build: Callable[..., Expr], least: int, written: str) -> Parsed:
        """A node made of sizes only: `ones(n)`, `ones(n, m)` (one or two), `K(m, n)` (two)."""
        opener = self.advance()
        self.push(opener)
        dims = [self.dimension()]
        if self.at(Kind.COMMA):
            self.advance()
            dims.append(self.dimension())
        if len(dims) < least:
            raise self.error(f"'{tok.text}' takes {least} sizes: write {written}", self.tok)
        self.close(opener, Kind.RPAREN)
        return self.node(build(*dims), [], tok)

    def kron(self, tok: Token) -> Parsed:
        """`kron(A, B)`: the Kronecker product (also written `A ⊗ B`)."""
        if not self.at(Kind.LPAREN):
            raise self.error("'kron' needs parentheses: write kron(A, B)", tok)
        opener = self.advance()
        self.push(opener)
        left = self.sum()
        if not self.at(Kind.COMMA):
            raise self.error("kron takes two arguments: write kron(A, B)", self.tok)
        self.advance()
        right = self.sum()
        self.close(opener, Kind.RPAREN)
        return self.node(Kron(left.expr, right.expr), [left, right], tok)

    def dimension(self) -> int | str:
        """A size: a positive whole number or a name."""
        tok = self.advance()
        if tok.kind is Kind.NUMBER and tok.text.isdigit() and int(tok.text) > 0:
            return int(tok.text)
        if tok.kind is Kind.NAME and IDENTIFIER.match(tok.text) and not is_reserved(tok.text):
            return tok.text
        raise self.error("a size is a positive whole number or a name, as in ones(n, 3)", tok)

    def arguments(self, name: str) -> tuple[Parsed, bool]:
        """`(arg)`, or for norm `(arg, 2)` / `(arg, F)`: the argument and "Frobenius?"."""
        opener = self.advance()
        self.push(opener)
        arg = self.sum()
        frobenius = False
        if self.at(Kind.COMMA):
            if name != "norm":
                raise self.error(f"'{name}' takes one argument", self.tok)
            self.advance()
            frobenius = self.norm_kind(self.advance(), "the second argument of norm")
        self.close(opener, Kind.RPAREN)
        return arg, frobenius

    def norm_bars(self) -> Parsed:
        """`||v||`, `||v||_2`, `||X||_F`."""
        opener = self.tok
        inner = self.enclosed(self.advance(), Kind.DOUBLE_BAR)
        frobenius = False
        if self.at(Kind.UNDERSCORE):
            self.advance()
            frobenius = self.norm_kind(self.advance(), "a norm's subscript")
        return self.node(Norm(inner.expr, frobenius), [inner], opener)

    def norm_kind(self, tok: Token, what: str) -> bool:
        if tok.kind is Kind.NAME and tok.text in ("F", "fro"):
            return True
        if tok.kind is Kind.NUMBER and tok.text == "2":
            return False
        raise self.error(f"{what} is 2 (Euclidean) or F (Frobenius)", tok)

    # ----- delimiters ------------------------------------------------------------

    def enclosed(self, opener: Token, closer: Kind) -> Parsed:
        """The expression between `opener` (already taken) and its `closer`."""
        self.push(opener)
        inner = self.sum()
        self.close(opener, closer)
        return inner

    def push(self, opener: Token) -> None:
        self.open.append(opener)
        if len(self.open) > MAX_DEPTH:
            raise self.error(f"the expression nests more than {MAX_DEPTH} levels deep", opener)

    def close(self, opener: Token, closer: Kind) -> None:
        tok = self.tok
        if tok.kind is closer:
            self.advance()
        elif closer is Kind.BAR and tok.kind is Kind.DOUBLE_BAR:
            # `|X||Y|`: the first bar closes |X|, the second opens |Y|.
            self.prev, self.tok = tok, Token(Kind.BAR, "|", tok.column + 1, 1)
        elif tok.kind is Kind.EOF:
            raise self.error(f"unbalanced {opener.describe()}: it is never closed", opener)
        else:
            raise self.error(
                f"expected '{closer.value}' to close the {opener.describe()} of column "
                f"{opener.column}, found {tok.describe()}",
                tok,
            )
        self.open.pop()


def _unexpected(tok: Token) -> str:
    """Why a token cannot continue a complete expression."""
    if tok.kind is Kind.RPAREN:
        return "unexpected ')': there is no '(' to close"
    if tok.kind is Kind.COMMA:
        return "unexpected ',': only norm(X, F) takes a second argument"
    if tok.kind is Kind.UNDERSCORE:
        return "unexpected '_': a subscript belongs to a name (x_1, I_n) or a norm (||X||_F)"
    return f"unexpected {tok.describe()}"
