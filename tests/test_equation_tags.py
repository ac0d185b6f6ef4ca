"""Equation tags, as the notes tag what they come back to: "using it in ①", "using ② in ①"."""
from __future__ import annotations

import re
from pathlib import Path

from generator.api import derive
from generator.problem.loader import load_file
from generator.render.latex_sheet import render_sheet
from generator.render.sheet import sheet_of
from generator.render.tags import mark
from generator.render.text import render_text
from generator.syntax.printer import to_text

NOTES = Path(__file__).resolve().parent.parent / "problems" / "notes"


def _sheet(name: str):
    (problem,) = load_file(NOTES / name)
    return derive(problem)


def _marks(sheet):
    """(step, line) -> tag, and (step, line) -> note, down the page."""
    tags = {(k, i): line.tag for k, s in enumerate(sheet) for i, line in enumerate(s.lines)
            if line.tag}
    notes = {(k, i): line.note for k, s in enumerate(sheet) for i, line in enumerate(s.lines)
             if line.note}
    return tags, notes


def test_problem_5_tags_the_sum_of_traces_and_uses_it_as_the_notes_do():
    sheet = sheet_of(_sheet("05-trace-quadratic.yaml"))
    tags, notes = _marks(sheet)
    (place,) = tags                                   # one equation is come back to
    k, i = place
    assert to_text(sheet[k].lines[i].rhs) == "tr(dX^T A X) + tr(X^T A dX)"
    assert tags[place] == mark(1) == "\u2460"
    assert [n for n in notes.values() if "using" in n] == [f"using it in {mark(1)}"]


def test_every_cited_mark_is_a_tag_further_up_the_page_numbered_in_order():
    sheet = sheet_of(_sheet("06-linear-regression.yaml"))
    tags, notes = _marks(sheet)
    assert list(tags.values()) == [mark(n) for n in range(1, len(tags) + 1)]   # page order
    citing = {place: note for place, note in notes.items() if "using" in note}
    assert len(citing) == 2                           # "using it in ①", "using ③ in ②"
    for place, note in citing.items():
        cited = re.findall("[\u2460-\u2473]", note)
        assert cited, note
        above = [tags[p] for p in tags if p < place]
        assert all(c in above for c in cited), (note, above)
    plug = next(s for s in sheet if s.title == "Plug `dR` back into `dL`")
    dr_tag = next(line.tag for s in sheet if s.title == "Find `dR`" for line in s.lines
                  if line.tag)
    assert plug.lines[1].note.startswith(f"using {dr_tag} in ")


def test_the_tags_are_typeset_in_text_and_latex():
    derivation = _sheet("06-linear-regression.yaml")
    text = render_text(derivation)
    assert re.search(r"= tr\(2 R\^T dR\)    \u2461$", text, flags=re.M)
    assert f"(using {mark(3)} in {mark(2)})" in text
    tex = render_sheet([derivation], "single", title="t")
    assert r"\tag*{\textcircled{\scriptsize 2}}" in tex
    assert r"\text{using \textcircled{\scriptsize 3} in \textcircled{\scriptsize 2}}" in tex
    # the differential of the constant b is crossed out where it vanishes
    assert r"\cancelto{0}{\mathrm{d}b}" in tex
