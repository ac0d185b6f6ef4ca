"""User names as safe LaTeX: `alpha` -> `\\alpha`, `x_1` -> `x_{1}`, `AX` -> `\\mathit{AX}`.

The lexer only admits letters, digits and underscores, but names also arrive from
YAML keys and from code, so anything else is escaped rather than trusted: no user
text ever reaches LaTeX as markup.
"""

from __future__ import annotations

import re

from generator.syntax.names import GREEK_LOWER, IDENTIFIER

# Upper-case Greek letters that look like Latin ones have no LaTeX command.
_LATIN_LOOKALIKE = {
    "Alpha": "A",
    "Beta": "B",
    "Epsilon": "E",
    "Zeta": "Z",
    "Eta": "H",
    "Iota": "I",
    "Kappa": "K",
    "Mu": "M",
    "Nu": "N",
    "Omicron": "O",
    "Rho": "P",
    "Tau": "T",
    "Chi": "X",
}
GREEK_LATEX = (
    {name: "\\" + name for name in GREEK_LOWER}
    | {name.capitalize(): "\\" + name.capitalize() for name in GREEK_LOWER}
    | _LATIN_LOOKALIKE
    | {"omicron": "o"}
)

_HEAD = re.compile(r"([A-Za-z]+)(\d*)\Z")
# Text-mode LaTeX for the characters that are not themselves: TeX's specials, and what
# the sheets' OT1 fonts (no font packages) print as another glyph: `<`, `>` and `|`
# (math mode has them), `"` (a closing curly quote), `^`, `~` (accents) and `_` (a drawn
# rule); the typewriter font has the ASCII characters themselves, so a title reads (and
# copies) as written.  `[` and `]` are braced, so a text after `\\` is not an argument.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}",
    "|": r"\ensuremath{|}",
    '"': r"\texttt{\char34}",
    "^": r"\texttt{\char94}",
    "~": r"\texttt{\char126}",
    "_": r"\texttt{\char95}",
    "[": "{[}",
    "]": "{]}",
}
# The circled numbers ① .. ⑳ that tag an equation (generator.render.tags), in text
CIRCLED = "".join(chr(0x2460 + k) for k in range(20))
_SPECIAL.update(
    {mark: rf"\textcircled{{\scriptsize {k}}}" for k, mark in enumerate(CIRCLED, start=1)}
)
# Characters TeX's fonts join with the next one: `''` is a closing double quote, two
# backquotes an opening one, `!` or `?` and a backquote an inverted mark.
_LIGATURES = re.compile(r"(?<=['`!?])(?=['`])")


def entry_letter(name: str) -> str:
    """The letter an entry of a matrix is written with: `a` for `A`, as the notes write
    `a_ij` and `b_ji`; a name of more than one letter (`W1`) as it is."""
    return name.lower() if len(name) == 1 and "A" <= name <= "Z" else name


def name_latex(name: str) -> str:
    """A symbol or dimension name as LaTeX: base letters, then one subscript.

    `x1`, `x_1` -> `x_{1}`; `lambda_max` -> `\\lambda_{max}`; `x_i_j` -> `x_{i,j}`;
    several letters are one italic word (`\\mathit{AX}`), not a product of A and X;
    `yhat`, `xbar`, `sigmahat` carry their accent (`\\hat{y}`).
    """
    if not IDENTIFIER.match(name):
        return r"\text{" + escape_text(name) + "}"
    head, *tail = name.split("_")
    match = _HEAD.match(head)
    if match is None:  # letters and digits mixed, e.g. `x1y`
        base, subscripts = _word(head), []
    else:
        base, subscripts = _word(match.group(1)), [match.group(2)]
    subscripts += tail
    parts = [GREEK_LATEX.get(part, part) for part in subscripts if part]
    return base + ("_{" + ",".join(parts) + "}" if parts else "")


# `yhat` is y with a hat, as lecture notes name an estimate (`xbar` a mean, `ztilde`):
# a letter, or a Greek name, then the accent's name
_ACCENTS = {"hat": r"\hat", "bar": r"\bar", "tilde": r"\tilde"}


def _word(letters: str) -> str:
    if letters in GREEK_LATEX:
        return GREEK_LATEX[letters]
    for suffix, accent in _ACCENTS.items():
        stem = letters[: -len(suffix)]
        if letters.endswith(suffix) and (len(stem) == 1 or stem in GREEK_LATEX):
            return f"{accent}{{{_word(stem)}}}"
    return letters if len(letters) == 1 else r"\mathit{" + letters + "}"


def escape_text(text: str) -> str:
    """`text` as LaTeX text (prose, or inside `\\text{...}`) that prints each character as
    written: the specials escaped, ligatures broken, other spaces made plain ones and
    control characters dropped."""
    shown = (ch if ch.isprintable() else " " if ch.isspace() else "" for ch in text)
    return _LIGATURES.sub("{}", "".join(_SPECIAL.get(ch, ch) for ch in shown))
