"""The notes set as the notes number and word it: T1, T2, then Problems 4, 5 and 6."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.api import derive
from generator.cli import main
from generator.errors import ProblemError
from generator.problem.loader import load_file
from generator.problem.sets import load_sets
from generator.render.latex_sheet import render_sheet
from generator.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "problems" / "notes"


def test_the_notes_set_is_headed_t1_t2_then_problems_4_5_6():
    (notes,) = [s for s in load_sets(ROOT / "problems") if s.folder.name == "notes"]
    assert [p.heading for p in notes.problems] == [
        "T1", "T2", "Problem 4", "Problem 5", "Problem 6"]
    earlier, texts = (), []
    for problem in notes.problems:
        derivation = derive(problem, earlier)
        earlier += (derivation,)
        texts.append(render_text(derivation).splitlines()[0])
    assert texts[0] == "T1: The gradient of tr(A B), entry by entry"
    assert texts[3] == "Problem 5: Trace of quadratic product"
    tex = render_sheet(earlier, "solutions", title="Notes")
    assert r"\section*{T2: The gradient with respect to a transpose}" in tex
    assert r"\section*{Problem 6: Linear regression}" in tex
    assert "Problem 1" not in tex and "Problem 2" not in tex


def test_a_label_heads_the_problem_in_every_format(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("title: Trace of a product\nlabel: Lemma A\nobjective: tr(A X)\nwrt: X\n")
    for fmt, heading in [("text", "Lemma A: Trace of a product"),
                         ("markdown", "Lemma A: Trace of a product"),
                         ("html", "Lemma A: Trace of a product")]:
        result = CliRunner().invoke(main, ["render", str(path), "--format", fmt,
                                           "-o", str(tmp_path / f"out.{fmt}")])
        assert result.exit_code == 0, result.output
        assert heading in (tmp_path / f"out.{fmt}").read_text()


def test_a_label_that_is_not_text_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("title: Trace\nobjective: tr(A X)\nwrt: X\nlabel: [T1]\n")
    with pytest.raises(ProblemError) as err:
        load_file(path)
    assert f"{path}:4" in str(err.value) and "label" in str(err.value)


def test_the_reference_lists_the_trace_then_the_differential_then_the_others():
    """As the notes: the trace's properties, the differential's, the theorem, then any
    other law the sheet cites; numbered down the page."""
    (notes,) = [s for s in load_sets(ROOT / "problems") if s.folder.name == "notes"]
    earlier = ()
    for problem in notes.problems:
        earlier += (derive(problem, earlier),)
    tex = render_sheet(earlier, "solutions", title="Notes").split("Problem 4")[0]
    places = [tex.index(mark) for mark in (
        r"\textbf{Trace:}", r"\operatorname{tr}\left(A + B\right) = ",
        r"\textbf{Differential:}", r"\mathrm{d}\left(A B\right) = \mathrm{d}A B + A \mathrm{d}B",
        r"\textbf{Theorem:}", r"\textbf{Other laws the steps use:}", r"(A B)^{T} = B^{T} A^{T}")]
    assert places == sorted(places)
    numbers = [int(n) for n in re.findall(r"\\item\[\((\d+)\)\]", tex)]
    assert numbers == list(range(1, len(numbers) + 1))
