"""The reference section of every sheet, printed from the rule catalogue.

A sheet lists the laws its steps cite, once each, typeset from their math syntax
(generator/engine/laws.py) and numbered for that sheet in the order of the notes (trace,
transpose, differential, ...); every step of a solution cites the numbers of the rules it
used.
Rules that apply one law in two ways (`tr(A + B) = tr(A) + tr(B)` split or collected,
a Hadamard product expanded in two phases) share its number.  The numbers come from
here (a Reference), so the page and the citations cannot drift from what the engine does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, NamedTuple, Sequence

from generator.engine.catalogue import CATALOGUE
from generator.engine.laws import conditions_of, law_equations, law_table
from generator.engine.rule import Rule
from generator.render.sheet import sheet_of
from generator.math.shapes import scalar_test
from generator.syntax.latex import to_latex
from generator.syntax.latex_names import name_latex

# Groups shown on the reference page, in the order of the notes: the properties of the
# trace, those of the differential, then the others a sheet uses (after the theorem).
SHOWN_GROUPS = (
    "trace",
    "differential",
    "transpose",
    "hadamard",
    "index",
    "theorem",
    "algebra",
    "tidy",
    "solve",
)
SECTIONS = ("trace", "differential")  # the notes' two lists; every other law is "other"


class ReferenceEntry(NamedTuple):
    number: int
    law: str  # LaTeX math
    name: str  # prose
    group: str = ""  # the catalogue's group of the law (trace, differential, ...)
    ids: tuple[str, ...] = ()  # the rules that apply it

    @property
    def section(self) -> str:
        """Where the reference page lists it: under "trace", "differential" or "other"."""
        return self.group if self.group in SECTIONS else "other"


_ARTICLE = {
    "scalar": "a scalar",
    "symmetric": "a symmetric",
    "invertible": "an invertible",
    "constant": "a constant",
    "integer": "a whole number",
}


def _condition(name: str, prop: str) -> str:
    """A law's condition in words: `A \neq 0`, `a symmetric A`, `y summing to 1`."""
    if prop == "nonzero":
        return rf"{name_latex(name)} \neq 0"
    if prop == "sums_to_one":
        return rf"{name_latex(name)} \text{{ whose entries sum to 1}}"
    return rf"\text{{{_ARTICLE[prop]} }} {name_latex(name)}"


@lru_cache(maxsize=None)
def law_latex(rule: Rule) -> str:
    """The law as LaTeX: its equations typeset, then its conditions in words."""
    if not rule.law:
        return rule.law_latex
    scalar = scalar_test(law_table(rule))
    shown = rule.law_latex or r",\quad ".join(
        f"{to_latex(left, scalar)} = {to_latex(right, scalar)}"
        for left, right in law_equations(rule)
    )
    words = [_condition(name, prop) for name, prop in conditions_of(rule)]
    return shown + (r"\quad\text{for } " + r",\ ".join(words) if words else "")


@lru_cache(maxsize=None)
def numbered_rules() -> tuple[tuple[int, Rule], ...]:
    """Every rule with the number of its law.  Rules of one law share it, and so does a
    rule whose equations are all among another's (factor-out's `A B C + A D C` is the
    first equation of factor-common, which may also write `A B + A = A (B + I)`)."""
    laws = [r for r in CATALOGUE if not r.procedure]
    ordered = [r for group in SHOWN_GROUPS for r in laws if r.group == group]
    ordered += [r for r in laws if r.group not in SHOWN_GROUPS]
    keys = [_law_key(r) for r in ordered]
    # each rule's law shown under the widest law that holds all its equations
    shown_as = [next(k for k in sorted(keys, key=len, reverse=True) if key <= k) for key in keys]
    numbers: dict[frozenset, int] = {}
    for key in shown_as:
        numbers.setdefault(key, len(numbers) + 1)
    return tuple((numbers[key], rule) for key, rule in zip(shown_as, ordered))


def _law_key(rule: Rule) -> frozenset:
    """What makes two laws the same: the same equations, each read either way round."""
    if not rule.law:
        return frozenset({rule.law_latex})
    return frozenset(frozenset(pair) for pair in law_equations(rule))


@dataclass(frozen=True)
class Reference:
    """The reference section of one sheet: the laws its steps cite, numbered for that
    sheet in the order of the notes (the trace laws first), and each rule's number."""

    rows: tuple[ReferenceEntry, ...]
    numbers: Mapping[str, int]  # rule id -> its law's number on this sheet

    def cite(self, rule_ids: Sequence[str]) -> str:
        """`3, 7, 12`: the numbers of the rules a step used, in order of use."""
        return ", ".join(str(self.numbers[i]) for i in rule_ids if i in self.numbers)


def reference_for(derivations: Sequence) -> Reference:
    """The laws the steps of these derivations cite (a step cites every rule it used),
    and no other: a sheet of gradients lists no Kronecker law, a Hessian's sheet gains
    the theorem that identifies H."""
    cited = {rule_id for d in derivations for step in sheet_of(d) for rule_id in step.rules}
    return _reference(frozenset(n for n, rule in numbered_rules() if rule.id in cited))


def whole_catalogue() -> Reference:
    """Every law of the catalogue once: the reference of no sheet in particular."""
    return _reference(frozenset(n for n, _ in numbered_rules()))


@lru_cache(maxsize=None)
def _reference(shown: frozenset[int]) -> Reference:
    """The laws of these catalogue numbers, renumbered 1, 2, ... in catalogue order; a
    law two rules share is shown as the one with the most equations writes it."""
    widest: dict[int, Rule] = {}
    for number, rule in numbered_rules():
        if number in shown and (
            number not in widest or len(_law_key(rule)) > len(_law_key(widest[number]))
        ):
            widest[number] = rule
    local = {number: k for k, number in enumerate(sorted(widest), 1)}
    ids: dict[int, list[str]] = {}
    for number, rule in numbered_rules():
        ids.setdefault(number, []).append(rule.id)
    rows = tuple(
        ReferenceEntry(local[n], law_latex(rule), rule.name, rule.group, tuple(ids[n]))
        for n, rule in sorted(widest.items())
    )
    numbers = MappingProxyType({rule.id: local[n] for n, rule in numbered_rules() if n in local})
    return Reference(rows, numbers)
