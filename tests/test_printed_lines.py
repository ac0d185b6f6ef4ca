"""Every line a sheet prints is true, as printed: the verifier checks the engine's
records, and this checks what the layout (generator/render/sheet.py) makes of them,
where lines are merged, continued (`= ...`) and brought term by term to tr(M dX).

Each printed line becomes a claim of its own (its left side, carried down from the line
above where it is left out, equal to its right side) and goes through the same numeric
check as the records (generator/check/verify.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import CORPUS
from generator.api import derive, derive_text
from generator.check.verify import Claim, verify
from generator.engine.records import Step
from generator.math.expr import Quantity
from generator.problem.loader import load_directory
from generator.render.sheet import sheet_of

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

# objectives whose sheets bring several terms to tr(M dX) one by one, with minor moves
OBJECTIVES = [
    ("sqrt(x^T x) + sum(x .^ 3) + (b^T x)^(-1/2)", "x", ()),
    ("(x^T x)^2 + sum(exp(x)) + (b^T x)^3", "x", ()),
    ("||V relu(W x) - y||^2", "W", ("W: h x n", "V: m x h")),
    ("-y^T log(softmax(z))", "z", ()),
    ("tr(W^T S W) - tr(W^T W B)", "W", ("W: n x h",)),
    ("(x - alpha)^T (x - alpha)", "alpha", ("alpha: scalar",)),
    ("x^T A x / (x^T x)", "x", ()),
]


def _printed_claim(derivation) -> Claim:
    """The sheet's lines as the steps of a claim; the named subexpressions (R) defined
    as the derivation introduced them, the problem's named results as written."""
    steps, lhs = [], None
    for sheet_step in sheet_of(derivation):
        for line in sheet_step.lines:
            lhs = line.lhs if line.lhs is not None else lhs
            if lhs is not None and not line.implies:
                steps.append(Step("printed", "", lhs, line.rhs))
    # R (introduce-name), the layers and what is carried back through them (name-layer,
    # name-carried): each step that names one has the name as `changed`, its meaning `before`
    definitions = {s.changed.name: s.before for s in derivation.steps
                   if s.rule in ("introduce-name", "name-layer", "name-carried")
                   and isinstance(s.changed, Quantity)}
    definitions |= {item.name: item.meaning for item in derivation.problem.where}
    return Claim(derivation.problem.objective, derivation.problem.wrt, derivation.symbols,
                 definitions, tuple(steps), derivation.gradient, None, derivation.names,
                 derivation.kind)


def _gradients_of_the_shipped_sets():
    for folder in sorted({p.parent for p in PROBLEMS.rglob("*.yaml")}):
        for problem in load_directory(folder):
            if problem.kind == "gradient" and not (problem.solve or problem.hessian
                                                   or problem.method != "differential"
                                                   or problem.wrt_transposed):
                yield pytest.param(problem, id=problem.source.path.split("problems/")[-1])


@pytest.mark.parametrize("problem", list(_gradients_of_the_shipped_sets()))
def test_every_printed_line_of_a_shipped_sheet_is_true(problem):
    verify(_printed_claim(derive(problem)))


@pytest.mark.parametrize("text, wrt, lets", OBJECTIVES, ids=[o[0] for o in OBJECTIVES])
def test_every_printed_line_is_true(text, wrt, lets):
    verify(_printed_claim(derive_text(text, wrt, lets)))


@pytest.mark.parametrize("row", [r for r in CORPUS if not r.solve], ids=lambda r: r.id)
def test_every_printed_line_of_a_corpus_sheet_is_true(row):
    verify(_printed_claim(derive_text(row.objective, row.wrt, row.lets)))
