"""A later problem may use an earlier problem's result in one step, as the notes do:
Problem 6, `dL = tr(2 R^T dR)  (remember problem 5)`."""
from __future__ import annotations

from pathlib import Path

from generator.api import cites_earlier, derive
from generator.problem.loader import load_file
from generator.problem.command_line import problem_from_text
from generator.syntax.printer import to_text
from generator.render.sheet import sheet_of

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


def _notes_problems():
    (p5,) = load_file(PROBLEMS / "05-trace-quadratic.yaml")
    (p6,) = load_file(PROBLEMS / "06-linear-regression.yaml")
    return p5, p6


def test_problem_6_uses_problem_5_in_one_step():
    p5, p6 = _notes_problems()
    d5 = derive(p5)
    d6 = derive(p6, earlier=(d5,))
    step = sheet_of(d6)[1]
    assert step.title == "Take the differential of both sides, as in Problem 5"
    assert [to_text(line.rhs) for line in step.lines] == ["d(tr(R^T R))", "tr(2 R^T dR)"]
    assert step.lines[-1].note == "by Problem 5, with `A = I`"
    assert "earlier-result" in [s.rule for s in d6.steps]
    assert to_text(d6.gradient) == "2 A^T (A x - b)"      # the same answer
    assert d6.verification.max_rel_error < 1e-12          # and the step was checked
    assert cites_earlier(p6, (d5,))


def test_no_citation_without_a_matching_earlier_problem():
    p5, p6 = _notes_problems()
    (p4,) = load_file(PROBLEMS / "04-trace-linear.yaml")
    d4 = derive(p4)
    d6 = derive(p6, earlier=(d4,))
    assert "earlier-result" not in [s.rule for s in d6.steps]
    assert not cites_earlier(p6, (d4,))


def test_an_earlier_constant_matches_a_constant_expression():
    """tr(X^T A X) (Problem 5) matches tr(Y^T (B C) Y) with A = B C."""
    p5, _ = _notes_problems()
    later = problem_from_text("tr(Y^T B C Y)", "Y")
    later = later.__class__(**{**later.__dict__, "number": 7})
    d = derive(later, earlier=(derive(p5),))
    assert "earlier-result" in [s.rule for s in d.steps]
    assert to_text(d.gradient) == "(B C + C^T B^T) Y"


def _numbered(objective, wrt, lets, number):
    p = problem_from_text(objective, wrt, lets)
    return p.__class__(**{**p.__dict__, "number": number})


def test_an_earlier_result_that_used_a_property_is_not_used_without_it():
    """det(X^T A X) with A symmetric has a gradient that is wrong for another A."""
    symmetric = _numbered("det(X^T A X)", "X", ("A: n x n, symmetric", "X: n x m"), 7)
    general = _numbered("det(X^T A X)", "X", ("A: n x n", "X: n x m"), 8)
    d7 = derive(symmetric)
    d8 = derive(general, earlier=(d7,))          # must not fail verification
    assert "earlier-result" not in [s.rule for s in d8.steps]
    again = derive(_numbered("det(X^T B X)", "X", ("B: n x n, symmetric", "X: n x m"), 9),
                   earlier=(d7,))
    assert "earlier-result" in [s.rule for s in again.steps]


def test_an_earlier_gradient_with_a_sized_identity_is_not_carried_over():
    d1 = derive(_numbered("tr(X)", "X", ("X: n x n",), 1))
    d2 = derive(_numbered("tr(Y)", "Y", ("Y: m x m",), 2), earlier=(d1,))
    assert to_text(d2.gradient) == "I_m"


def test_an_identity_of_unknown_size_is_not_carried_over():
    """tr(X) matches tr(A X) with A = I, but the gradient I^T has no size: no citation."""
    d1 = derive(_numbered("tr(A X)", "X", (), 1))
    d2 = derive(_numbered("tr(X)", "X", ("X: n x n",), 2), earlier=(d1,))
    assert "earlier-result" not in [s.rule for s in d2.steps]
    assert to_text(d2.gradient) == "I_n"
