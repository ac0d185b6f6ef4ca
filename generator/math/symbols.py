"""Symbols with their shapes and properties (contract section 1.1)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from generator.math.expr import Dim

# `sums_to_one`: a column vector whose entries sum to 1 (a probability vector, a one-hot
# label), so that sum(y) = 1 may be used
# `integer`: a scalar that is a whole number (the exponent of a matrix power, `X^k`)
PROPERTIES = (
    "constant",
    "symmetric",
    "invertible",
    "positive_definite",
    "diagonal",
    "sums_to_one",
    "integer",
)


def stored_shape(rows: Dim, cols: Dim) -> tuple[Dim, ...]:
    """The `shape` a SymbolInfo stores for a rows x cols value: () for 1 x 1, (rows,) for
    a column, (rows, cols) otherwise (rows and cols read it back)."""
    if (rows, cols) == (1, 1):
        return ()
    return (rows,) if cols == 1 else (rows, cols)


@dataclass(frozen=True)
class SymbolInfo:
    """One symbol: `shape` is () for a scalar, (n,) for a column vector, (n, m) for a matrix."""

    name: str
    shape: tuple[Dim, ...]
    constant: bool = True
    properties: frozenset[str] = field(default_factory=frozenset)
    declared: bool = False

    @property
    def rows(self) -> Dim:
        return self.shape[0] if self.shape else 1

    @property
    def cols(self) -> Dim:
        return self.shape[1] if len(self.shape) == 2 else 1

    @property
    def kind(self) -> str:
        return ("scalar", "vector", "matrix")[len(self.shape)]

    def has(self, prop: str) -> bool:
        """A property, declared or implied: positive definite implies symmetric and
        invertible; diagonal implies symmetric."""
        if prop in ("symmetric", "invertible") and "positive_definite" in self.properties:
            return True
        if prop == "symmetric" and "diagonal" in self.properties:
            return True
        return prop in self.properties


@dataclass(frozen=True)
class SymbolTable:
    """All symbols of one problem, in order of first appearance."""

    symbols: tuple[SymbolInfo, ...]

    # The symbols by name, and the hash, are made once per table, in this process (a
    # string's hash differs between processes, so neither is a field nor pickled): a
    # derivation looks a symbol up at every node it types and keys its memos by the
    # table, which grows with every name it introduces (a k-layer network's layers), and
    # a scan or a hash of the whole table each time made every step cost the problem.
    def _by_name(self) -> dict[str, SymbolInfo]:
        try:
            return self.__dict__["_names"]
        except KeyError:
            found = {s.name: s for s in reversed(self.symbols)}  # the first of a name
            object.__setattr__(self, "_names", found)
            return found

    def __hash__(self) -> int:
        try:
            return self.__dict__["_hash"]
        except KeyError:
            found = hash(self.symbols)
            object.__setattr__(self, "_hash", found)
            return found

    def __getstate__(self) -> dict[str, object]:
        return {"symbols": self.symbols}

    def __setstate__(self, state: dict[str, object]) -> None:
        object.__setattr__(self, "symbols", state["symbols"])

    def __contains__(self, name: str) -> bool:
        return name in self._by_name()

    def __getitem__(self, name: str) -> SymbolInfo:
        return self._by_name()[name]

    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.symbols)

    def varying(self, names: tuple[str, ...]) -> "SymbolTable":
        """The same table, in the same order, with the symbols `names` not constant (the
        variables of a problem: inference marks the first one only)."""
        return SymbolTable(
            tuple(replace(s, constant=False) if s.name in names else s for s in self.symbols)
        )

    def with_symbol(self, info: SymbolInfo) -> "SymbolTable":
        """A table with `info` added, or replacing the symbol of the same name."""
        kept = tuple(s for s in self.symbols if s.name != info.name)
        return SymbolTable(kept + (info,))
