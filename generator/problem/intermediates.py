"""Named intermediate results (contract 5.4, `where:`): `h = W1 x`, `a = sigmoid(h)`, ...

The objective and each meaning are written over the symbols and the names defined before
them.  A name stands in the expressions as a Quantity node (generator/engine/names.py
`residual`, the node of the notes' `R = A x - b`), which prints as its name and which the
numeric check evaluates through its meaning; it is no symbol of the problem's table.
Shapes are inferred on the objective with every name replaced by what it means, then
every name takes the shape of its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.engine.names import residual, written_out
from generator.math.expr import Expr, Symbol
from generator.math.shapes import infer_shapes, symbol_for
from generator.math.symbols import SymbolTable


@dataclass(frozen=True)
class Intermediate:
    """One named result: its name and what it means (over the names before it)."""

    name: str
    meaning: Expr

    @property
    def node(self) -> Expr:
        return residual(self.name)


def used_before_named(where: list[tuple[str, Expr]]) -> tuple[int, str] | None:
    """(the position of a meaning, the name it uses) where a meaning uses its own name
    or a later one; None where the names come in the order they are computed."""
    names = [name for name, _ in where]
    for i, (_, meaning) in enumerate(where):
        later = sorted(meaning.symbols() & set(names[i:]))
        if later:
            return i, later[0]
    return None


def named(expr: Expr, names: list[str]) -> Expr:
    """`expr` with each of `names` as the node of a named result instead of a symbol."""
    for name in names:
        expr = expr.replace(Symbol(name), residual(name))
    return expr


def expanded(expr: Expr, where: tuple[Intermediate, ...]) -> Expr:
    """`expr` with every name replaced by what it means."""
    return written_out(expr, tuple((item.name, item.meaning) for item in where))


def with_names(table: SymbolTable, where: tuple[Intermediate, ...]) -> SymbolTable:
    """The table with every name added as a symbol of its meaning's shape."""
    for item in where:
        table = table.with_symbol(symbol_for(item.name, item.meaning, table))
    return table


def infer_named(
    objective: Expr, where: list[tuple[str, Expr]], declared: dict, wrt: str
) -> tuple[SymbolTable, Expr, tuple[Intermediate, ...]]:
    """(the symbols' table, the objective over the names, the named results), every
    shape inferred and every identity sized; ShapeError names what does not fit."""
    names = [name for name, _ in where]
    items: list[Intermediate] = []
    for i, (name, meaning) in enumerate(where):
        items.append(Intermediate(name, named(meaning, names[:i])))
    whole = (named(objective, names),)
    # the shapes, from everything written out
    inferred = infer_shapes(
        expanded(whole[0], tuple(items)),
        declared,
        wrt,
        tuple(expanded(i.meaning, tuple(items)) for i in items),
    )
    table = inferred.table
    # then each expression again, its names declared: the identities written in it sized
    sized_items: list[Intermediate] = []
    for item in items:
        with_before = with_names(table, tuple(sized_items))
        sized_items.append(Intermediate(item.name, sized_over(item.meaning, with_before, wrt)))
    objective = sized_over(whole[0], with_names(table, tuple(sized_items)), wrt)
    return table, objective, tuple(sized_items)


def sized_over(expr: Expr, table: SymbolTable, wrt: str) -> Expr:
    """`expr` with its identities sized, its names read as the table's symbols."""
    names = [s.name for s in table.symbols]
    plain = expr
    for name in names:
        plain = plain.replace(residual(name), Symbol(name))
    declared = {s.name: s for s in table.symbols}
    (sized,) = infer_shapes(plain, declared, wrt if wrt in plain.symbols() else None).exprs
    return named(sized, [n for n in names if residual(n) in set(expr.walk())])
