"""Names the math syntax treats specially: Greek letters, functions, the identity.

One table shared by the lexer (Unicode Greek letters become ASCII names), the parser
(`delta` is a name, not `d elta`; `tr` is a function) and the printers (`alpha`
prints back as `alpha`, and as `\\alpha` in LaTeX), so that the three cannot drift.
"""

from __future__ import annotations

import re

from generator.math.functions import ELEMENTWISE_FUNCTIONS

GREEK_LOWER = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
)
GREEK_NAMES = frozenset(GREEK_LOWER) | frozenset(n.capitalize() for n in GREEK_LOWER)


def _unicode_greek() -> dict[str, str]:
    """Map α..ω and Α..Ω to ASCII names.

    Both alphabets are contiguous from U+03B1 / U+0391 except for one code point
    after rho (final sigma ς in the lower case, unassigned in the upper case).
    """
    table: dict[str, str] = {"ς": "sigma", "ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi"}
    for i, name in enumerate(GREEK_LOWER):
        offset = i + (1 if i > GREEK_LOWER.index("rho") else 0)
        table[chr(0x3B1 + offset)] = name
        table[chr(0x391 + offset)] = name.capitalize()
    return table


UNICODE_GREEK = _unicode_greek()


def spelled_out(name: str) -> str:
    """A name with its Greek letters spelled out (`Λ` -> `Lambda`, `μ1` -> `mu1`): how
    the objective, `--let` and a file's symbols all write it."""
    return name if name.isascii() else "".join(UNICODE_GREEK.get(ch, ch) for ch in name)


# Function name -> the node it builds; the parser owns the building.
TRACE_NAMES = ("tr", "Tr", "trace")
_OTHER_FUNCTIONS = (
    "det",
    "logdet",
    "sum",
    "inv",
    "norm",
    "ones",
    "diag",
    "vec",
    "kron",
    "softmax",
    "logsumexp",
) + ELEMENTWISE_FUNCTIONS
COMMUTATION = "K"  # `K(m, n)`, written as a call; a `K` alone is a symbol like any other
FUNCTION_NAMES = frozenset(TRACE_NAMES + _OTHER_FUNCTIONS)
FUNCTION_LIST = ", ".join(TRACE_NAMES[:1] + _OTHER_FUNCTIONS)  # for error messages

IDENTITY = "I"
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def is_reserved(name: str) -> bool:
    """Names that can never be an ordinary symbol: functions and the identity `I`."""
    return name in FUNCTION_NAMES or name == IDENTITY or name.startswith(IDENTITY + "_")


def is_ordinary_name(name: str) -> bool:
    """A name the parser reads back as `Symbol(name)` (the printer relies on it)."""
    return bool(IDENTIFIER.match(name)) and not is_reserved(name)


def differential_target(name: str) -> str | None:
    """`dX` -> `X` when a word spelled `d` + name means a differential, else None.

    Greek names (`delta`) and functions (`det`) keep their meaning; `d` alone is a name.
    """
    rest = name[1:]
    if not name.startswith("d") or not rest[:1].isalpha():
        return None
    if name in GREEK_NAMES or name in FUNCTION_NAMES:
        return None
    return rest
