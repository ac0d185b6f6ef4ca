"""Versions of a problem set for an exam: the same problems with the symbols renamed and
the numbers in front of terms changed, so that neighbours cannot copy (`tracetrick
variants`).

A version is written as problem files (what a teacher can read, keep and build again)
and read back by the loader like any other, so every version is validated, derived and
checked anew: nothing about it is assumed from the original.  Renaming keeps a
symbol's kind (a capital stays a matrix, a small letter a vector, a Greek name a
scalar) and only ever uses names the problem leaves free; names of more than one
letter (`W1`, `yhat`) and the named results of `where:` keep theirs.  A problem whose
numbers changed keeps no `expect:` or `solution:` (they were written for the old
numbers); its version is proved by the derivation's own checks.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from generator.math.expr import Expr, Mul, Number, Symbol
from generator.problem.fields import symbol_entry
from generator.problem.model import Problem
from generator.syntax.parser import parse
from generator.syntax.printer import to_text
from generator.syntax.prose import BACKTICKS

# The names a renamed symbol may take, per kind: letters the notes use, without the ones
# that read as something else (I the identity, d a differential, L, G, H, J, R the
# engine's own quantities, K the commutation matrix, O and l like 0 and 1, i j k indices).
NAMES = {
    "matrix": tuple("ABCDEFMNPQSTUVWXYZ"),
    "vector": tuple("abcfghpqrstuvwxyz"),
    "scalar": ("alpha", "beta", "gamma", "lambda", "mu", "sigma", "tau", "theta"),
}
# what a number in front of a term may become
COEFFICIENTS = tuple(range(2, 10))


@dataclass(frozen=True)
class Version:
    """One version of a problem: the problem file's fields, and how it was made."""

    fields: dict[str, Any]
    renamed: tuple[tuple[str, str], ...]  # (old, new) for each symbol that changed name
    numbers_changed: bool


def version_of(problem: Problem, rng: random.Random) -> Version:
    """A new version of `problem`, drawn with `rng`."""
    renaming = _renaming(problem, rng)
    objective, changed = _new_coefficients(_renamed(problem.objective, renaming), rng)
    fields: dict[str, Any] = {"title": _renamed_prose(problem.title, renaming)}
    for key in ("number", "label", "points"):
        if getattr(problem, key, None) not in (None, ""):
            fields[key] = getattr(problem, key)
    fields["symbols"] = {
        renaming.get(s.name, s.name): symbol_entry(s, problem.variables)
        for s in problem.symbols.symbols
    }
    if problem.where:
        fields["where"] = {
            item.name: to_text(_renamed(item.meaning, renaming)) for item in problem.where
        }
    fields["objective"] = to_text(objective)
    variables = [
        renaming.get(v, v) + ("^T" if problem.wrt_transposed else "") for v in problem.variables
    ]
    fields["wrt"] = variables[0] if len(variables) == 1 else variables
    if problem.method != "differential":
        fields["method"] = problem.method
    for key in ("solve", "hessian", "newton", "symmetric_gradient"):
        if getattr(problem, key):
            fields[key] = True
    if not changed:
        for key in ("expect", "solution"):
            value = getattr(problem, key)
            if value is not None:
                fields[key] = to_text(_renamed(value, renaming))
    if problem.statement:
        fields["statement"] = _renamed_prose(problem.statement, renaming)
    fields["edition"] = "exam"
    renamed = tuple((old, new) for old, new in renaming.items() if old != new)
    return Version(fields, renamed, changed)


def _renaming(problem: Problem, rng: random.Random) -> dict[str, str]:
    """old name -> new name: a one-letter (or Greek) symbol gets a free name of its kind."""
    names = [s for s in problem.symbols.symbols if _renameable(s.name)]
    kept = set(problem.symbols.names()) - {s.name for s in names} | {
        item.name for item in problem.where
    }
    out: dict[str, str] = {}
    for kind, pool in NAMES.items():
        mine = [s.name for s in names if s.kind == kind]
        free = [n for n in pool if n not in kept]
        if len(free) < len(mine):
            continue  # no room to rename this kind: keep the names
        for old, new in zip(mine, rng.sample(free, len(mine))):
            out[old] = new
    return out


def _renameable(name: str) -> bool:
    return len(name) == 1 or name in NAMES["scalar"]


def _renamed(expr: Expr, renaming: dict[str, str]) -> Expr:
    return expr.map_bottom_up(
        lambda node: (
            Symbol(renaming[node.name])
            if isinstance(node, Symbol) and node.name in renaming
            else node
        )
    )


def _renamed_prose(prose: str, renaming: dict[str, str]) -> str:
    """The math between backticks renamed (it is math: the loader checked it parses)."""

    def one(match: re.Match) -> str:
        return f"`{to_text(_renamed(parse(match.group(1)), renaming))}`"

    return BACKTICKS.sub(one, prose)


def _new_coefficients(expr: Expr, rng: random.Random) -> tuple[Expr, bool]:
    """Each whole number of 2 or more in front of a term drawn anew (a power's exponent,
    a fraction and a 1 stay: they make the problem what it is)."""
    changed = False

    def one(node: Expr) -> Expr:
        nonlocal changed
        if not isinstance(node, Mul):
            return node
        factors = tuple(
            Number(rng.choice([c for c in COEFFICIENTS if c != f.value]))
            if isinstance(f, Number) and f.value.denominator == 1 and f.value >= 2
            else f
            for f in node.factors
        )
        if factors == node.factors:
            return node
        changed = True
        return node.rebuild(factors)

    return expr.map_bottom_up(one), changed
