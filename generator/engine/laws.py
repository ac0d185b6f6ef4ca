"""A rule's law as mathematics: its equations in the math syntax, over one table of names.

Each rule of the catalogue writes its law once, in the math syntax (`"tr(A B) = tr(B A)"`,
several equations separated by `;`), with its side conditions as words (`"A symmetric"`,
`"c scalar"`).  The reference page typesets it from here (generator/render/reference.py)
and a test checks every equation numerically on random instances, differentials
included, so the printed law and the checked one are the same text.

The names of every law: upper case letters are n x n matrices, `x`, `u`, `y`, `z` are
vectors of size n, `a`, `c`, `s` and Greek letters are scalars; a condition adds a
property (symmetric, invertible), makes a name constant, or says a vector is nonzero.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from generator.engine.rule import Rule
from generator.math.expr import Expr, Hadamard, is_zero
from generator.math.shapes import infer_shapes
from generator.math.symbols import SymbolInfo, SymbolTable
from generator.syntax.parser import parse

MATRICES = ("A", "B", "C", "D", "M", "S", "X", "Z")
VECTORS = ("u", "x", "y", "z")
SCALARS = ("a", "c", "s", "alpha")
SIZE = "n"
# a condition's property -> the symbol property it gives (None: no property of the table)
PROPERTIES = {
    "symmetric": "symmetric",
    "invertible": "invertible",
    "constant": None,
    "nonzero": None,
    "scalar": None,
    "sums_to_one": "sums_to_one",
    "integer": "integer",
}


def conditions_of(rule: Rule) -> tuple[tuple[str, str], ...]:
    """(name, property) of each side condition: ("A symmetric",) -> (("A", "symmetric"),)."""
    pairs = []
    for condition in rule.conditions:
        name, _, prop = condition.partition(" ")
        if prop not in PROPERTIES:
            raise ValueError(
                f"rule {rule.id}: unknown condition {condition!r}; "
                f"use one of {', '.join(PROPERTIES)}"
            )
        pairs.append((name, prop))
    return tuple(pairs)


def law_table(rule: Rule) -> SymbolTable:
    """The shapes and properties of the law's names, its conditions applied."""
    infos = [SymbolInfo(n, (SIZE, SIZE), constant=False, declared=True) for n in MATRICES]
    infos += [SymbolInfo(n, (SIZE,), constant=False, declared=True) for n in VECTORS]
    infos += [SymbolInfo(n, (), constant=False, declared=True) for n in SCALARS]
    table = {info.name: info for info in infos}
    for name, prop in conditions_of(rule):
        info = table[name]
        if prop == "constant":
            table[name] = replace(info, constant=True)
        elif (known := PROPERTIES[prop]) is not None:
            table[name] = replace(info, properties=info.properties | {known})
    return SymbolTable(tuple(table.values()))


@lru_cache(maxsize=None)
def law_equations(rule: Rule) -> tuple[tuple[Expr, Expr], ...]:
    """The law's equations as (left, right) trees, every identity sized: () for a law
    the math syntax cannot write (a sum over j, indices, a procedure)."""
    if not rule.law:
        return ()
    table = law_table(rule)
    declared = {s.name: s for s in table.symbols}
    equations: list[tuple[Expr, Expr]] = []
    for text in rule.law.split(";"):
        left, sep, right = text.partition("=")
        if not sep:
            raise ValueError(f"rule {rule.id}: the law {text!r} is not an equation")
        sides = (parse(left.strip(), differentials=True), parse(right.strip(), differentials=True))
        if any(is_zero(side) for side in sides):  # 0 takes any shape: size the other alone
            left_sized, right_sized = (
                side if is_zero(side) else infer_shapes(side, declared, None).exprs[0]
                for side in sides
            )
            equations.append((left_sized, right_sized))
            continue
        # both sides as one node, so that inference gives them one shape (`X X^-1 = I`
        # sizes the I from the left side)
        (sized,) = infer_shapes(Hadamard(*sides), declared, None).exprs
        assert isinstance(sized, Hadamard)  # inference sizes a tree, keeping its nodes
        equations.append((sized.left, sized.right))
    return tuple(equations)
