"""Symbol declarations written as one line: the CLI's `--let` (contract section 3).

    "A: n x n, constant"   "A: n x n, symmetric"   "x: n"   "alpha: scalar"
    "X: 3 x 4, positive_definite"        (`×` and `*` may stand for `x`)

The same one-line form is accepted as a symbol entry in a problem file
(`A: n x n, symmetric`), so `parse_shape` and `check_declaration` are shared with the loader.
"""

from __future__ import annotations

import difflib
import re
from typing import NoReturn

from generator.errors import ProblemError
from generator.math.expr import Dim
from generator.math.dims import SQUARE_PROPERTIES
from generator.math.symbols import PROPERTIES, SymbolInfo
from generator.syntax.names import is_ordinary_name, is_reserved, spelled_out

EXAMPLES = "'A: n x n, constant', 'x: n', 'alpha: scalar' or 'X: 3 x 4, positive_definite'"
NAME = re.compile(r"[^\W\d]\w*\Z")
_SEPARATOR = re.compile(r"\s*[×*]\s*|\s+x\s+|(?<=\d)x(?=\d)")


def is_name(text: str) -> bool:
    """A symbol or dimension name: a letter, then letters, digits or underscores."""
    return bool(NAME.match(text))


# Every line is checked numerically on random instances of the given sizes: a fixed size
# above this would cost minutes and gigabytes, and the derivation is the same for a name.
MAX_DIMENSION = 100


def parse_dim(text: str) -> Dim:
    """`n` -> 'n', `3` -> 3; raises ValueError with the reason otherwise."""
    text = text.strip()
    if text.isdigit():
        if int(text) <= 0:
            raise ValueError(f"a dimension must be positive, not {text}")
        if int(text) > MAX_DIMENSION:
            raise ValueError(
                f"a fixed dimension may be at most {MAX_DIMENSION} (every line is "
                f"checked on instances of that size), not {text}; write a name "
                f"such as n: the derivation is the same for every size"
            )
        return int(text)
    if not is_name(text):
        raise ValueError(f"'{text}' is not a dimension (a name such as n, or a positive integer)")
    return text


def parse_shape(text: str) -> tuple[Dim, ...]:
    """`n x m` -> ('n', 'm'), `n` -> ('n',), `scalar` -> (); raises ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("the shape is missing (write n x m, n or scalar)")
    if text.lower() == "scalar" or text == "1 x 1":
        return ()
    parts = _SEPARATOR.split(text)
    if len(parts) > 2:
        raise ValueError(f"'{text}' has {len(parts)} dimensions; at most two (rows x cols)")
    return tuple(parse_dim(p) for p in parts)


def parse_property(word: str) -> str:
    """`positive definite`, `positive-definite` -> 'positive_definite'; ValueError if unknown."""
    key = re.sub(r"[\s-]+", "_", word.strip().lower())
    if key in PROPERTIES:
        return key
    near = difflib.get_close_matches(key, PROPERTIES, n=1)
    hint = f"did you mean '{near[0]}'?" if near else "known: " + ", ".join(PROPERTIES)
    raise ValueError(f"unknown property '{word.strip()}'; {hint}")


def check_declaration(info: SymbolInfo) -> str | None:
    """Why a declaration cannot be right (a symmetric non-square matrix, the name `I`), or None."""
    if is_reserved(info.name):
        return f"`{info.name}` is reserved (the identity or a function); choose another name"
    if not is_ordinary_name(info.name):
        return f"'{info.name}' is not a symbol name (a letter, then letters, digits or _)"
    square = info.kind != "vector" and info.rows == info.cols
    for prop in SQUARE_PROPERTIES:
        if prop in info.properties and not square:
            shape = " x ".join(map(str, info.shape))
            return (
                f"{info.name} is {prop.replace('_', ' ')} but its shape {shape} is not square; "
                f"give it a shape such as [n, n]"
            )
    if "integer" in info.properties and info.kind != "scalar":
        return (
            f"{info.name} is an integer, which is said of a scalar, but {info.name} is a "
            f"{info.kind}; give it the shape [] (`scalar`)"
        )
    if "sums_to_one" in info.properties and info.kind != "vector":
        return (
            f"{info.name} sums to one, which is said of a column vector's entries, but "
            f"{info.name} is a {info.kind}; give it a shape such as [n]"
        )
    return None


def parse_declaration(name: str, spec: str) -> SymbolInfo:
    """`("A", "n x n, symmetric")` -> a declared SymbolInfo; ValueError saying why not."""
    fields = [f.strip() for f in spec.split(",")]
    shape = parse_shape(fields[0])
    props = frozenset(parse_property(f) for f in fields[1:] if f) - {"constant"}
    info = SymbolInfo(
        spelled_out(name.strip()), shape, constant=True, properties=props, declared=True
    )
    problem = check_declaration(info)
    if problem:
        raise ValueError(problem)
    return info


def parse_let(text: str) -> SymbolInfo:
    """One `--let` string -> a declared SymbolInfo; ProblemError naming the text otherwise."""
    name, colon, rest = text.partition(":")
    if not colon or not name.strip():
        _fail(text, "expected 'NAME: SHAPE[, PROPERTY...]'")
    try:
        return parse_declaration(name, rest)
    except ValueError as err:
        _fail(text, str(err))


def _fail(text: str, why: str) -> NoReturn:
    raise ProblemError(f"--let '{text}': {why}; write it like {EXAMPLES}")
