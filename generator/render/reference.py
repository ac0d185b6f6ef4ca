"""The reference section of every sheet, printed from the rule catalogue.

Every rule of the catalogue is listed with its law, numbered in the order of the
notes (trace, transpose, differential, ...), and every step of a solution cites the
numbers of the rules it used; the numbers come from here, so the page and the
citations cannot drift from what the engine does.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from generator.engine.catalogue import CATALOGUE
from generator.engine.rule import Rule

# Groups shown on the reference page, in the order of the notes.
SHOWN_GROUPS = ("trace", "transpose", "differential", "hadamard", "index", "theorem",
                "algebra", "tidy", "solve")


class ReferenceEntry(NamedTuple):
    number: int
    law: str      # LaTeX math
    name: str     # prose


def numbered_rules() -> tuple[tuple[int, Rule], ...]:
    ordered = [r for group in SHOWN_GROUPS for r in CATALOGUE if r.group == group]
    ordered += [r for r in CATALOGUE if r.group not in SHOWN_GROUPS]
    return tuple(enumerate(ordered, 1))


_NUMBERS = {rule.id: n for n, rule in numbered_rules()}


def rule_number(rule_id: str) -> int:
    return _NUMBERS[rule_id]


def reference_rows(derivations: Sequence = ()) -> list[ReferenceEntry]:
    """Every law of the catalogue, numbered (the same page whatever the derivations)."""
    return [ReferenceEntry(n, rule.law, rule.name) for n, rule in numbered_rules()]


def citation(rule_ids: Sequence[str]) -> str:
    """`3, 7, 12`: the numbers of the rules a step used, in order of use."""
    return ", ".join(str(rule_number(i)) for i in rule_ids if i in _NUMBERS)
