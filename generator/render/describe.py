"""Short English descriptions shared by the renderers ("A is n x n, constant")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.math.symbols import SymbolInfo, SymbolTable

if TYPE_CHECKING:
    from generator.derivation import Derivation

_PROPERTY_WORDS = {
    "symmetric": "symmetric",
    "invertible": "invertible",
    "positive_definite": "positive definite",
    "diagonal": "diagonal",
    "sums_to_one": "summing to 1",
    "integer": "a whole number",
}


def shape_words(info: SymbolInfo, times: str = " x ") -> str:
    if not info.shape:
        return "a scalar"
    if len(info.shape) == 1:
        return f"a vector of size {info.shape[0]}"
    return f"{info.shape[0]}{times}{info.shape[1]}"


def properties_words(info: SymbolInfo, wrt: str) -> list[str]:
    words = [_PROPERTY_WORDS[p] for p in sorted(info.properties) if p in _PROPERTY_WORDS]
    if info.name != wrt and info.constant:
        words.append("constant")
    return words


def also_asked(derivation: Derivation) -> tuple[str, ...]:
    """What a problem asks beyond its derivative, in the words of its "Find ..." line."""
    second = derivation.second_order
    if second is None:
        return ()
    return ("the Hessian",) + (("the Newton step",) if second.newton is not None else ())


def symbol_phrase(table: SymbolTable, wrt: str, times: str = " x ") -> str:
    """ "A is n x n (constant), X is n x m": what the sheet says under "Let L = ..."."""
    parts = []
    for info in table.symbols:
        words = properties_words(info, wrt)
        extra = f" ({', '.join(words)})" if words else ""
        parts.append(f"{info.name} is {shape_words(info, times)}{extra}")
    return ", ".join(parts)
