"""The sheet is a pure function of the records (generator/render/sheet.py): titles, which
lines show, merged minor rules, notes and left-out steps are decided there, once."""
from __future__ import annotations

import pytest

from generator.api import derive_text
from generator.derivation import Phase, Statement, Step
from generator.engine.names import engine_names
from generator.math.expr import Symbol, Trace, Transpose
from generator.render.sheet import LONGEST_TERM_SHOWN, sheet_of, sheet_of_records
from generator.syntax.parser import parse

NAMES = engine_names()
L, DL, G = NAMES.objective, NAMES.d_objective, NAMES.gradient


def _p(text):
    return parse(text, differentials=True)


def test_the_differential_of_both_sides_is_a_step_and_the_working_says_why_in_words():
    records = (
        Phase("differential"),
        Statement("start", DL, _p("d(tr(X^T X))")),
        Step("differential-trace", "", DL, _p("tr(d(X^T X))")),
        Step("differential-product", "", DL, _p("tr(d(X^T) X + X^T dX)")),
        Step("differential-transpose", "", DL, _p("tr(dX^T X + X^T dX)")),
    )
    taken, step = sheet_of_records(records, NAMES)
    assert taken.title == "Take the differential of both sides"
    assert [(line.lhs, str(line.rhs)) for line in taken.lines] == [(DL, "d(tr(X^T X))")]
    assert not taken.rules
    # the reasons of the rules in words, not the names of the rules joined
    assert step.title == ("Since the trace is a sum and d is a linear operator, we can swap "
                          "d and tr; use the product rule of the differential")
    assert [str(line.rhs) for line in step.lines] == [
        "tr(d(X^T X))", "tr(dX^T X + X^T dX)"]   # d of a transpose merged
    assert [line.lhs for line in step.lines] == [DL, None]
    assert step.rules == ("differential-trace", "differential-product", "differential-transpose")


def test_every_rule_that_can_title_a_step_says_why_in_words():
    from generator.engine.catalogue import CATALOGUE
    from generator.render.reasons import REASONS
    titling = {r.id for r in CATALOGUE if not r.minor and r.group != "theorem"}
    assert titling - REASONS.keys() == set()
    assert REASONS.keys() - {r.id for r in CATALOGUE} == set()   # none for a rule long gone


def test_a_minor_rule_of_another_equation_starts_its_own_line():
    """Terms brought to tr(M dX) one by one: a minor move of the next term is not merged
    into the line of the one before, which would print `tr(A) = tr(B)` for two terms."""
    first, second = _p("tr(dX^T A)"), _p("tr(b^T dX c)")
    records = (
        Phase("terms-to-trace-form"),
        Step("trace-transpose", "", first, _p("tr(A^T dX)")),
        Step("scalar-commute", "", second, _p("tr(c b^T dX)")),
    )
    (step,) = sheet_of_records(records, NAMES)
    assert [(str(line.lhs), str(line.rhs)) for line in step.lines] == [
        ("tr(dX^T A)", "tr(A^T dX)"), ("tr(b^T dX c)", "tr(c b^T dX)")]


def test_a_phase_in_which_no_rule_applied_is_left_out_unless_its_equation_matters():
    records = (Phase("linearity"), Statement("start", DL, _p("tr(A dX)")),
               Phase("identify"), Step("identify-gradient", "", Transpose(G), _p("A")),
               Statement("implies", G, _p("A^T")))
    sheet = sheet_of_records(records, NAMES)
    assert [s.title for s in sheet] == ["Identify `G`"]
    assert sheet[0].lines[1].implies and sheet[0].lines[1].lhs == G


def test_detail_is_checked_but_only_its_result_is_shown():
    records = (Phase("solve", Symbol("x")),
               Step("solve-set-zero", "", _p("2 A (x - b)"), _p("0")),
               Step("distribute", "", _p("2 A (x - b)"), _p("2 A x - 2 A b"), detail=True),
               Statement("result", _p("2 A x - 2 A b"), _p("0")))
    (step,) = sheet_of_records(records, NAMES)
    assert [str(line.lhs) for line in step.lines] == ["2 A (x - b)", "2 A x - 2 A b"]
    assert step.title == "Set the gradient to zero and solve for `x`"


def test_a_term_too_long_for_its_own_line_is_left_to_the_assembled_line():
    long_term = Trace(parse(" + ".join(["A"] * 30) + " dX", differentials=True))
    assert len(str(long_term)) > LONGEST_TERM_SHOWN
    records = (Phase("terms-to-trace-form"),
               Step("trace-transpose", "", long_term, Trace(Transpose(long_term.arg))),
               Step("trace-transpose", "", _p("tr(dX^T A)"), _p("tr(A^T dX)")),
               Statement("assembled", DL, _p("tr(A^T dX)")))
    (step,) = sheet_of_records(records, NAMES)
    assert [line.note for line in step.lines] == ["", "using it"]
    assert step.title == "A matrix and its transpose have the same trace"


def test_the_engine_names_reach_the_titles():
    d1 = derive_text("tr(X^T G X)", "X")
    assert sheet_of(d1)[-1].title == "Identify `H`"
    d2 = derive_text("||A x - b||^2 + tr(L)", "x")
    titles = [s.title for s in sheet_of(d2)]
    assert "Write `f` in trace form" in titles[0] and "Plug `dR` back into `df`" in titles


def test_an_unknown_phase_is_an_error():
    with pytest.raises(KeyError):
        sheet_of_records((Phase("dance"), Statement("start", L, _p("tr(X)")),
                          Step("trace-transpose", "", L, _p("tr(X^T)"))), NAMES)


def test_every_step_of_a_real_sheet_has_lines_and_cites_only_rules_it_used():
    d = derive_text("||A x - b||^2", "x", solve=True)
    used = {s.rule for s in d.steps}
    for step in sheet_of(d):
        assert step.lines and set(step.rules) <= used
    assert d.records == derive_text("||A x - b||^2", "x", solve=True).records
    assert sheet_of(d) == sheet_of(d)


def test_the_same_reason_twice_in_a_row_is_one_line():
    """"since `S` is symmetric" for each of four terms would be four lines saying it."""
    G = NAMES.gradient
    records = (
        Phase("identify"), Statement("start", G, _p("S^T A + A S^T + S^T")),
        Step("transpose-symmetric", "", G, _p("S A + A S^T + S^T"), _p("S"), _p("S^T")),
        Step("transpose-symmetric", "", G, _p("S A + A S + S^T"), _p("S"), _p("S^T")),
        Step("transpose-symmetric", "", G, _p("S A + A S + S"), _p("S"), _p("S^T")),
        Step("collect-like-terms", "", G, _p("S A + A S + S"), _p("S"), _p("S")),
    )
    (step,) = sheet_of_records(records, NAMES)
    assert [(str(line.rhs), line.note) for line in step.lines] == [
        ("S^T A + A S^T + S^T", ""),
        ("S A + A S + S", "since `S` is symmetric"),
        ("S A + A S + S", "")]


def test_a_long_sum_rewritten_a_term_at_a_time_shows_the_sum_before_and_after():
    """Four traces: the differential goes into each in turn (eight rule applications,
    each checked); the sheet writes the sum once before and once after, as a teacher
    does, so that its length grows with the sum, not as its square."""
    derivation = derive_text("tr(A1 X) + tr(A2 X) + tr(A3 X) + tr(A4 X)", "X")
    step = next(s for s in sheet_of(derivation) if "sum of the differentials" in s.title)
    assert [str(line.rhs) for line in step.lines] == [
        "d(tr(A1 X)) + d(tr(A2 X)) + d(tr(A3 X)) + d(tr(A4 X))",
        "tr(A1 dX) + tr(A2 dX) + tr(A3 dX) + tr(A4 dX)",
    ]
    checked = {str(s.expr) for s in derivation.steps}
    assert all(str(line.rhs) in checked for line in step.lines)   # shown lines: checked ones
    assert sum(1 for s in derivation.steps if "A3" in str(s.expr)) > 4   # more were made


def test_a_short_sum_keeps_each_term_s_line_as_the_notes_write_them():
    derivation = derive_text("tr(A X) + tr(B X)", "X")
    step = next(s for s in sheet_of(derivation) if "sum of the differentials" in s.title)
    assert len(step.lines) == 5 and str(step.lines[2].rhs) == "tr(A dX) + d(tr(B X))"


def test_a_long_sum_is_typeset_over_rows_that_fit_the_page():
    """A sum longer than a row goes on to `+ c` rows (LaTeX and the web pages alike); the
    rows are the sum, in order, and each is at most a row long unless it is one term."""
    from generator.math.expr import Add, add
    from generator.render.latex_sheet import render_sheet
    from generator.render.sheet import ROW_CHARACTERS, rows_of
    from generator.render.web import aligned
    from generator.render.latex_sheet import line_view
    from generator.syntax.printer import to_text
    derivation = derive_text(" + ".join(f"log(1 + exp(a{i}^T x))" for i in range(1, 5)), "x")
    longest = max((line for step in sheet_of(derivation) for line in step.lines),
                  key=lambda line: len(to_text(line.rhs)))
    rows = rows_of(longest.rhs).rows
    assert len(rows) > 1 and add(*rows) == longest.rhs
    assert all(len(to_text(r)) <= ROW_CHARACTERS or not isinstance(r, Add) for r in rows)
    view = line_view(longest)
    assert len(view.more) == len(rows) - 1 and all(m.startswith(("+ ", "-")) for m in view.more)
    assert "\\\\\n&\\quad " + view.more[0] in aligned([view])
    assert "\\\\ &\\quad " + view.more[0] in render_sheet([derivation], "single", title="T")
    short = derive_text("tr(X^T A X)", "X")
    assert all(len(rows_of(line.rhs)) == 1 for step in sheet_of(short) for line in step.lines)
