"""Sizes: a dimension is a name (`n`), a number (`3`), or a product of them (`m*n`, the
rows of vec(X) of an m x n X), written one way only, so that equal sizes are equal
values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class DimProduct:
    """A size that is the product of sizes: vec(X) of an m x n X has m n rows, and
    kron(A, B) of m x n and p x q is m p x n q.  Built by `dim_product` only, so equal
    products are equal values (names sorted, the numbers multiplied first)."""

    factors: tuple[Union[str, int], ...]

    def __str__(self) -> str:
        return "*".join(map(str, self.factors))


Dim = Union[str, int, DimProduct]


def dim_product(*dims: "Dim") -> "Dim":
    """The product of sizes, in its one written form: a number, a name, or a DimProduct."""
    number, names = 1, []
    for d in dims:
        for f in d.factors if isinstance(d, DimProduct) else (d,):
            if isinstance(f, int):
                number *= f
            else:
                names.append(f)
    names.sort()
    if not names:
        return number
    if number == 1 and len(names) == 1:
        return names[0]
    return DimProduct(((number,) if number != 1 else ()) + tuple(names))
