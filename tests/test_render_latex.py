"""The LaTeX sheets: golden fragments, what each kind shows, escaping, template errors.

The expected math is printed with the same `to_latex` the renderer uses, so these
tests pin the layout (headings, `align*` rows, boxes), not the printer's spacing.
"""
from __future__ import annotations

import dataclasses

import pytest

from generator.errors import TemplateError
from generator.math.expr import Symbol, Transpose
from generator.render.latex_sheet import (
    _scientific, condition_view, render_sheet)
from generator.render.templates import (
    escape_prose, make_environment, package_template_dir, template_search_path)
from generator.syntax.latex import to_latex
from generator.syntax.parser import parse
from generator.render.sheet import sheet_of
from sample_derivations import problem5, problem6

TITLE = "Matrix calculus with the trace trick"


@pytest.fixture(scope="module")
def solutions() -> str:
    return render_sheet([problem5(), problem6()], "solutions", title=TITLE)


@pytest.fixture(scope="module")
def worksheet() -> str:
    return render_sheet([problem5(), problem6()], "worksheet", title=TITLE)


def with_prose(title: str = "Trace of quadratic product", statement: str = ""):
    """Problem 5 with other prose in it (the math is unchanged)."""
    derivation = problem5()
    problem = dataclasses.replace(derivation.problem, title=title, statement=statement)
    return dataclasses.replace(derivation, problem=problem)


# ----- what the notes show ---------------------------------------------------------------

def test_a_complete_document(solutions):
    assert solutions.startswith(r"\documentclass")
    assert r"\usepackage{amsmath}" in solutions
    assert solutions.rstrip().endswith(r"\end{document}")


@pytest.mark.parametrize("kind", ["worksheet", "solutions"])
def test_problem_heading_and_statement(kind):
    tex = render_sheet([problem5()], kind, title=TITLE)
    assert r"\section*{Problem 5: Trace of quadratic product}" in tex
    objective = to_latex(problem5().problem.objective)
    # the dimensions are stated, as every other format states them
    assert (f"Let $L = {objective}$, where $A$ is $n \\times n$ (constant), $X$ is "
            f"$n \\times m$.") in tex
    assert "A is a constant square matrix." in tex
    assert r"Find $\nabla_{X} L$." in tex


def test_solutions_show_every_step_as_in_the_notes(solutions):
    d = problem5()
    assert r"\textbf{Step 1:} Take the differential of both sides" in solutions
    assert r"\textbf{Step 3:} The trace of a sum is the sum of the traces" in solutions
    assert r"\textbf{Step 5:} Identify $G$" in solutions
    assert r"\textbf{Step 6:}" not in solutions.split("Problem 6")[0]
    first, second = next((a, b) for s in sheet_of(d) for a, b in zip(s.lines, s.lines[1:])
                         if a.lhs is not None and b.lhs is None)
    assert f"{to_latex(first.lhs)} &= {to_latex(first.rhs)}" in solutions
    assert f"\n&= {to_latex(second.rhs)}" in solutions  # a continuation row
    g = Symbol("G")
    assert f"{to_latex(Transpose(g))} &= " in solutions
    assert rf"\Rightarrow {to_latex(g)} &= {to_latex(d.gradient)}" in solutions
    assert solutions.count(r"\begin{align*}") == solutions.count(r"\end{align*}") == 7


def test_solutions_box_the_answer_and_state_the_check(solutions):
    gradient = to_latex(problem5().gradient)
    assert rf"\textbf{{Answer:}} $\boxed{{\nabla_{{X}} L = {gradient}}}$" in solutions
    assert "Checked numerically on 3 random instances" in solutions
    assert r"largest relative error $2 \times 10^{-15}$" in solutions
    assert "sympy's own matrix derivative agrees" in solutions   # CHECKED: sympy was asked


def test_a_solved_problem_states_the_solution_and_its_condition(solutions):
    d = problem6()
    assert r"Find $\nabla_{x} L$ and set it to zero." in solutions
    assert (r"\textbf{Setting the gradient to zero:} "
            rf"$\boxed{{x = {to_latex(d.solution)}}}$") in solutions
    assert "provided" in solutions and "is invertible" in solutions
    assert r"\quad\text{where}\ R = " in solutions  # a note with math, at the line's end
    assert r"\textit{Note:} x is a column vector" in solutions


def test_the_worksheet_has_statements_and_room_but_no_steps(worksheet):
    assert r"\section*{Problem 5: Trace of quadratic product}" in worksheet
    assert r"\section*{Problem 6: Linear regression}" in worksheet
    for absent in ("Step 1", r"\boxed", "align*", "Answer", "Checked numerically"):
        assert absent not in worksheet
    assert worksheet.count(r"\vspace{") == 2


def _cited_numbers(tex: str) -> list[int]:
    import re
    return [int(n) for group in re.findall(r"\\footnotesize \(([0-9, ]+)\)", tex)
            for n in group.split(",")]


def test_the_reference_section_holds_exactly_the_laws_the_sheet_cites(solutions):
    """Numbered 1, 2, ... for the sheet, each law once, every number cited by a step;
    rules of one law (split or collected, expanded in two phases) share its number, and
    the procedures (name a subexpression, the moves of the solve) are no laws."""
    from generator.engine.catalogue import CATALOGUE
    from generator.render.reference import reference_for, whole_catalogue
    reference = reference_for([problem5()])
    rows = reference.rows
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    for number, law in ((row.number, row.law) for row in rows):
        assert solutions.count(f"${law}$") == 1, law
        assert f"\\item[({number})] ${law}$" in solutions
    assert set(_cited_numbers(solutions)) == {row.number for row in rows}
    assert len({row.law for row in rows}) == len(rows)            # no law twice
    assert r"\mathrm{d}L = \operatorname{tr}(G^{T}\,\mathrm{d}X)" in solutions
    assert "denominator layout" in solutions
    everything = whole_catalogue()
    laws = [r for r in CATALOGUE if not r.procedure]
    assert {everything.numbers[r.id] for r in laws} == {row.number for row in everything.rows}
    for procedure in (r for r in CATALOGUE if r.procedure):   # steps of a method, no laws
        assert procedure.law_latex not in solutions
        assert procedure.id not in everything.numbers
    numbers = everything.numbers
    assert numbers["trace-sum"] == numbers["trace-collect"]
    assert numbers["hadamard-distribute"] == numbers["hadamard-expand"]
    assert numbers["factor-out"] == numbers["factor-common"]
    assert numbers["trace-sum"] != numbers["trace-cyclic"]


def test_a_sheet_gains_the_laws_of_what_it_derives_and_no_others():
    """A gradient's sheet lists no Kronecker law and no Hessian theorem; a Hessian's
    sheet of a matrix variable gains both."""
    from generator.api import derive_text
    from generator.render.reference import reference_for
    gradient = derive_text("tr(X^T A X)", "X")
    hessian = derive_text("tr(X^T A X)", "X", hessian=True)
    names = (lambda d: {row.name for row in reference_for([d]).rows})
    assert not {"identify H", "vec of a product"} & names(gradient)
    assert {"identify H", "vec of a product"} <= names(hessian)
    tex = render_sheet([hessian], "solutions", title=TITLE)
    assert r"\otimes" in tex and "identify H" in tex
    assert r"\otimes" not in render_sheet([gradient], "solutions", title=TITLE)


def test_every_cited_rule_number_exists_and_cites_a_rule_the_step_used():
    from generator.api import derive_text
    from generator.engine.catalogue import rule
    from generator.render.latex_sheet import render_sheet as render
    from generator.render.reference import reference_for
    d = derive_text("||A x - b||^2", "x", solve=True)
    cited = _cited_numbers(render([d], "single", title="t"))
    assert cited, "no step cites a rule"
    reference = reference_for([d])
    used = {reference.numbers[s.rule] for s in d.steps if not rule(s.rule).procedure}
    assert set(cited) == used == {row.number for row in reference.rows}


def test_single_is_one_problem_without_the_reference_page():
    tex = render_sheet([problem5()], "single", title=TITLE)
    assert r"\section*{Problem 5: Trace of quadratic product}" in tex
    assert "Step 5:" in tex and "Theorem" not in tex
    with pytest.raises(ValueError):
        render_sheet([problem5(), problem6()], "single", title=TITLE)
    with pytest.raises(ValueError):
        render_sheet([problem5()], "poster", title=TITLE)  # type: ignore[arg-type]


def test_a_problem_without_a_number_is_numbered_by_its_place():
    d = problem6()
    unnumbered = dataclasses.replace(d, problem=dataclasses.replace(d.problem, number=None))
    tex = render_sheet([problem5(), unnumbered], "worksheet", title=TITLE)
    assert r"\section*{Problem 2: Linear regression}" in tex


# ----- escaping: prose from YAML never becomes TeX ---------------------------------------------

@pytest.mark.parametrize("prose, escaped, raw", [
    (r"Evil \input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}", r"\input{"),
    ("Costs $5", r"Costs \$5", "Costs $5"),
    ("100% sure", r"100\% sure", "100% sure"),
    ("a_b", r"a\texttt{\char95}b", "a_b"),
    ("this & that", r"this \& that", "this & that"),
    ("#1", r"\#1", " #1"),
    ("x^2", r"x\texttt{\char94}2", "x^2"),     # the ASCII caret, not an accent
    ("a~b", r"a\texttt{\char126}b", "a~b"),
    ("a < b", r"a \ensuremath{<} b", "a < b"),
])
def test_titles_and_statements_are_escaped(prose, escaped, raw):
    tex = render_sheet([with_prose(title=prose, statement=prose)], "worksheet", title=prose)
    assert tex.count(escaped) == 3  # the sheet's title, the heading, the statement
    assert raw not in tex


def test_prose_newlines_become_spaces_and_blank_lines_paragraphs():
    assert escape_prose("A is\n  constant.\n") == "A is constant."
    assert escape_prose("One.\n\nTwo.") == "One.\n\nTwo."
    tex = render_sheet([with_prose(statement="A is\nconstant.\n")], "worksheet", title=TITLE)
    assert r"\newline" not in tex


def test_math_between_backticks_in_prose_is_typeset():
    statement = "`A` is constant, `tr(A B) = tr(B A)`; `A +` is not math; $`x`$"
    tex = render_sheet([with_prose(statement=statement)], "worksheet", title="`x^T`")
    a, trace_ab, trace_ba = (to_latex(parse(t)) for t in ("A", "tr(A B)", "tr(B A)"))
    assert f"${a}$ is constant, ${trace_ab} = {trace_ba}$;" in tex
    assert r"A + is not math; \$$x$\$" in tex
    assert f"${to_latex(parse('x^T'))}$" in tex.split("Problem 5")[0]  # the sheet's title


@pytest.mark.parametrize("value, latex", [
    (2e-15, r"2 \times 10^{-15}"),
    (2.34e-13, r"2.3 \times 10^{-13}"),
    (9.96e-15, r"1 \times 10^{-14}"),
    (0.0, "0"),
    (0.05, "0.05"),
])
def test_errors_are_written_as_powers_of_ten(value, latex):
    assert _scientific(value) == latex


def test_a_condition_is_typeset_math_and_words():
    from generator.derivation import Condition
    from generator.syntax.parser import parse
    view = condition_view(Condition(parse("A^T A"), "positive_definite"))
    assert view.subject_math == "A^{T} A" and view.words == "positive definite"


# ----- finding templates, and template errors ----------------------------------------------

def test_the_shipped_templates_are_found():
    shipped = package_template_dir()
    assert shipped is not None
    for name in ("worksheet.tex.j2", "solutions.tex.j2", "single.tex.j2",
                 "reference.tex.j2", "problem.tex.j2", "steps.tex.j2"):
        assert (shipped / name).is_file()
    assert template_search_path()[0] == shipped


def test_user_template_dirs_come_first(tmp_path):
    (tmp_path / "title.tex.j2").write_text(r"\section*{OVERRIDE \VAR{title}}" + "\n")
    tex = render_sheet([problem5()], "solutions", title="T & U", template_dirs=[tmp_path])
    assert r"\section*{OVERRIDE T \& U}" in tex
    assert r"\section*{Problem 5: Trace of quadratic product}" in tex  # the rest is shipped
    with pytest.raises(TemplateError, match="does not exist"):
        make_environment([tmp_path / "missing"])


@pytest.mark.parametrize("template, text, named", [
    ("problem.tex.j2", r"\VAR{problem.colour}", "colour"),
    ("title.tex.j2", r"\VAR{subtitle}", "subtitle"),
])
def test_an_undefined_variable_names_the_template_and_the_variable(tmp_path, template,
                                                                    text, named):
    (tmp_path / template).write_text("ok\n" + text + "\n")
    with pytest.raises(TemplateError) as info:
        render_sheet([problem5()], "solutions", title=TITLE, template_dirs=[tmp_path])
    assert f"{template}:2" in str(info.value)
    assert named in str(info.value)


def test_a_template_syntax_error_names_the_template(tmp_path):
    (tmp_path / "title.tex.j2").write_text("\\BLOCK{if title}\nno end\n")
    with pytest.raises(TemplateError, match="title.tex.j2"):
        render_sheet([problem5()], "solutions", title=TITLE, template_dirs=[tmp_path])
