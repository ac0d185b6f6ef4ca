"""The reference section of a sheet, printed from the rule catalogue.

Only laws the engine actually applied in the sheet's derivations are listed, each
with its short name, in catalogue order, so the page cannot drift from what the
engine does.  The theorem has a paragraph of its own in the template.
"""
from __future__ import annotations

from typing import Sequence

from generator.derivation import Derivation
from generator.engine.catalogue import CATALOGUE

# Groups shown on the reference page, in the order of the notes.
SHOWN_GROUPS = ("trace", "transpose", "differential", "hadamard", "algebra", "tidy", "solve")


def reference_rows(derivations: Sequence[Derivation]) -> list[tuple[str, str]]:
    used = {step.rule for d in derivations for step in d.steps}
    rows, names = [], set()
    for group in SHOWN_GROUPS:
        for rule in CATALOGUE:
            # one row a name: `tr(A + B) = tr A + tr B` read both ways is one law
            if rule.group == group and rule.id in used and rule.name not in names:
                rows.append((rule.law, rule.name))
                names.add(rule.name)
    return rows
