"""Prose as pieces of text and math, for the pages (HTML, Markdown) and for the LaTeX
sheet alike: what a sheet says of its symbols ("A is n x n (constant)"), written once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.derivation import Derivation
from generator.math.expr import Dim, Symbol
from generator.render.describe import properties_words
from generator.syntax.latex import to_latex
from generator.syntax.latex_names import escape_text

# Characters that would break out of `\text{...}` in a MathJax/KaTeX formula.
UNSAFE_IN_TEXT = re.compile(r"[\\{}$&#%^_~]")


@dataclass(frozen=True)
class Piece:
    """A run of prose: plain `text`, or LaTeX math when `math` is true."""

    text: str
    math: bool = False


Rich = tuple[Piece, ...]


def as_latex(pieces: Rich) -> str:
    """The pieces as LaTeX text: math between dollars, prose escaped."""
    return "".join(f"${p.text}$" if p.math else escape_text(p.text) for p in pieces)


def symbols_phrase(derivation: Derivation) -> Rich:
    """ "A is n x n (constant), X is n x m" with the names and shapes as math."""
    p = derivation.problem
    pieces: list[Piece] = []
    for info in p.symbols.symbols:
        if pieces:
            pieces.append(Piece(", "))
        pieces += [Piece(to_latex(Symbol(info.name)), math=True), Piece(" is ")]
        if not info.shape:
            pieces.append(Piece("a scalar"))
        elif len(info.shape) == 1:
            pieces += [Piece("a vector of size "), Piece(_dimension(info.shape[0]), math=True)]
        else:
            pieces.append(
                Piece(
                    rf"{_dimension(info.shape[0])} \times "
                    rf"{_dimension(info.shape[1])}",
                    math=True,
                )
            )
        words = properties_words(info, p.wrt)
        if words:
            pieces.append(Piece(f" ({', '.join(words)})"))
    return tuple(pieces)


def _dimension(dim: Dim) -> str:
    """A dimension as LaTeX: `n`, `3`; a name that is not a plain identifier is text."""
    text = str(dim)
    return (
        text
        if re.fullmatch(r"[A-Za-z0-9]+", text)
        else r"\text{" + UNSAFE_IN_TEXT.sub("", text) + "}"
    )
