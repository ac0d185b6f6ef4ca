"""Tokenizer for the math syntax (contract, section 2).

Tokens carry their 1-based column in the text as the user typed it, so every syntax
error can put its caret under the exact character.  Unicode spellings (`λ`, `∘`,
`−`, `ᵀ`, `’`, `‖`) become the same tokens as their ASCII forms, which is all the parser
ever sees.  One compiled regex matched at a moving position keeps lexing linear.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Iterator

from generator.errors import MathSyntaxError
from generator.syntax.names import UNICODE_GREEK, spelled_out


class Kind(enum.Enum):
    NAME = "name"
    NUMBER = "number"
    LPAREN = "("
    RPAREN = ")"
    LBRACE = "{"
    RBRACE = "}"
    COMMA = ","
    PLUS = "+"
    MINUS = "-"
    STAR = "*"
    SLASH = "/"
    CARET = "^"
    PRIME = "'"
    DOT_T = ".T"
    SUP_T = "ᵀ"
    SUP_INV = "⁻¹"
    HADAMARD = ".*"
    HADAMARD_DIV = "./"
    DOT_CARET = ".^"
    KRON = "⊗"
    BAR = "|"
    DOUBLE_BAR = "||"
    UNDERSCORE = "_"
    EOF = "end of input"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `text` is normalised (`λ` -> `lambda`), `column`/`width` are as typed."""

    kind: Kind
    text: str
    column: int
    width: int

    @property
    def end(self) -> int:
        """The column just after the token: adjacency (`tr(` vs `A (`) is decided by it."""
        return self.column + self.width

    def describe(self) -> str:
        """How an error message names this token."""
        return "the end of the input" if self.kind is Kind.EOF else f"'{self.text}'"


_GREEK = "".join(UNICODE_GREEK)
_LETTER = f"A-Za-z{_GREEK}"

# Order matters only where one spelling is a prefix of another: `||` before `|`,
# numbers (`.5`) before `.T`, `.*`, `./`.
_TOKEN = re.compile(
    rf"""
    \s*(?:
    (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<name>[{_LETTER}][{_LETTER}0-9_]*)
  | (?P<dbar>\|\||‖)
  | (?P<bar>\|)
  | (?P<dot_t>\.T(?![{_LETTER}0-9_]))
  | (?P<hadamard>\.\*|∘|⊙)
  | (?P<hadamard_div>\./)
  | (?P<dot_caret>\.\^)
  | (?P<kron>⊗)
  | (?P<sup_inv>⁻¹)
  | (?P<other>[-−+*/^'’(){{}},_ᵀ])
  | (?P<end>\Z)
    )""",
    re.VERBOSE,
)

_GROUP_KIND = {
    "number": Kind.NUMBER,
    "name": Kind.NAME,
    "dbar": Kind.DOUBLE_BAR,
    "bar": Kind.BAR,
    "dot_t": Kind.DOT_T,
    "hadamard": Kind.HADAMARD,
    "hadamard_div": Kind.HADAMARD_DIV,
    "sup_inv": Kind.SUP_INV,
    "kron": Kind.KRON,
    "dot_caret": Kind.DOT_CARET,
}
_CHAR_KIND = {
    "-": Kind.MINUS,
    "−": Kind.MINUS,
    "+": Kind.PLUS,
    "*": Kind.STAR,
    "/": Kind.SLASH,
    "^": Kind.CARET,
    "'": Kind.PRIME,
    "’": Kind.PRIME,
    "(": Kind.LPAREN,
    ")": Kind.RPAREN,
    "{": Kind.LBRACE,
    "}": Kind.RBRACE,
    ",": Kind.COMMA,
    "_": Kind.UNDERSCORE,
    "ᵀ": Kind.SUP_T,
}
_NAME_CHAR = re.compile(f"[{_LETTER}_]")
MAX_NUMBER_LENGTH = 100


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with one EOF token at column len(text) + 1."""
    return list(iter_tokens(text))


def iter_tokens(text: str) -> Iterator[Token]:
    """The tokens one at a time: the parser streams them, so a few MB of input never
    sits in memory as a million token objects at once."""
    pos = 0
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = len(text) - len(text[pos:].lstrip())
            raise MathSyntaxError(_unknown_character(text[bad]), text, bad + 1)
        group = match.lastgroup
        assert group is not None  # every alternative of _TOKEN is a named group
        start, pos = match.start(group), match.end()
        if group == "end":
            yield Token(Kind.EOF, "", len(text) + 1, 0)
            return
        if group == "number":
            _check_number(text, start, pos)
        yield _make_token(group, match.group(group), start + 1)


def _make_token(group: str, raw: str, column: int) -> Token:
    kind = _GROUP_KIND.get(group) or _CHAR_KIND[raw]
    text = raw
    if kind is Kind.NAME:
        text = spelled_out(raw)
    return Token(kind, text, column, len(raw))


def _check_number(text: str, start: int, end: int) -> None:
    """`2x` or `1e-3` would be guessed at (the contract: juxtaposition needs a space);
    a number of thousands of digits is refused before int() refuses it less kindly."""
    if _NAME_CHAR.match(text, end):
        raise MathSyntaxError(
            f"a number cannot run into a name: write '{text[end - 1]} {text[end]}' with a space "
            "for a product (numbers are written as 2, 0.5 or 1/2)",
            text,
            end + 1,
        )
    if end - start > MAX_NUMBER_LENGTH:
        raise MathSyntaxError(
            f"a number may have at most {MAX_NUMBER_LENGTH} digits", text, start + 1
        )


def _unknown_character(ch: str) -> str:
    if ch == ".":
        return "unexpected '.': write a decimal as 0.5, a transpose as X.T, Hadamard as .* or ./"
    if ch in "[]":
        return f"unexpected '{ch}': group with parentheses ( )"
    return f"unexpected character {ch!r}"
