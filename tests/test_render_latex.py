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
    assert f"Let $L = {objective}$." in tex
    assert "A is a constant square matrix." in tex
    assert r"Find $\nabla_{X} L$." in tex


def test_solutions_show_every_step_as_in_the_notes(solutions):
    d = problem5()
    assert r"\textbf{Step 1:} Take the differential of both sides: product rule" in solutions
    assert r"\textbf{Step 2:} Linearity of the trace" in solutions
    assert r"\textbf{Step 4:} Identify $G$" in solutions
    assert r"\textbf{Step 5:}" not in solutions.split("Problem 6")[0]
    first, second = sheet_of(d)[0].lines
    assert f"{to_latex(first.lhs)} &= {to_latex(first.rhs)}" in solutions
    assert f"\n&= {to_latex(second.rhs)}" in solutions  # a continuation row
    g = Symbol("G")
    assert f"{to_latex(Transpose(g))} &= " in solutions
    assert rf"\Rightarrow {to_latex(g)} &= {to_latex(d.gradient)}" in solutions
    assert solutions.count(r"\begin{align*}") == solutions.count(r"\end{align*}") == 6


def test_solutions_box_the_answer_and_state_the_check(solutions):
    gradient = to_latex(problem5().gradient)
    assert rf"\textbf{{Answer:}} $\boxed{{\nabla_{{X}} L = {gradient}}}$" in solutions
    assert "Checked numerically on 3 random instances" in solutions
    assert r"largest relative error $2 \times 10^{-15}$" in solutions
    assert "sympy's matrix derivative agrees" in solutions


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


def test_reference_section_is_the_whole_catalogue_numbered(solutions):
    """Every law of the catalogue appears on the reference page once, with its number;
    rules of one law (split or collected, expanded in two phases) cite the same number;
    the procedures (name a subexpression, the moves of the solve) are not laws."""
    from generator.engine.catalogue import CATALOGUE
    from generator.render.reference import reference_rows, rule_number
    rows = reference_rows()
    for number, law, _ in rows:
        assert solutions.count(f"${law}$") == 1, law
        assert f"\\item[({number})] ${law}$" in solutions
    assert len({law for _, law, _ in rows}) == len(rows)            # no law twice
    laws = [r for r in CATALOGUE if not r.procedure]
    assert {rule_number(r.id) for r in laws} == {n for n, _, _ in rows}
    for procedure in (r for r in CATALOGUE if r.procedure):   # steps of a method, no laws
        assert procedure.law_latex not in solutions
        with pytest.raises(KeyError):
            rule_number(procedure.id)
    assert rule_number("trace-sum") == rule_number("trace-collect")
    assert rule_number("hadamard-distribute") == rule_number("hadamard-expand")
    assert rule_number("factor-out") == rule_number("factor-common")
    assert rule_number("trace-sum") != rule_number("trace-cyclic")
    assert r"\mathrm{d}L = \operatorname{tr}(G^{T}\,\mathrm{d}X)" in solutions
    assert "denominator layout" in solutions
    rows = [(1, r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", "cyclic, & more")]
    tex = render_sheet([problem5()], "solutions", title=TITLE, reference_rows=rows)
    assert r"\item[(1)] $\operatorname{tr}(AB) = \operatorname{tr}(BA)$" in tex
    assert r"cyclic, \& more" in tex


def test_every_cited_rule_number_exists_and_cites_a_rule_the_step_used():
    import re
    from generator.api import derive_text
    from generator.render.latex_sheet import render_sheet as render
    from generator.render.reference import numbered_rules, rule_number
    d = derive_text("||A x - b||^2", "x", solve=True)
    tex = render([d], "single", title="t")
    cited = [int(n) for group in re.findall(r"\\footnotesize \(([0-9, ]+)\)", tex)
             for n in group.split(",")]
    assert cited, "no step cites a rule"
    numbers = {n for n, _ in numbered_rules()}
    assert set(cited) <= numbers
    from generator.engine.catalogue import rule
    used = {rule_number(s.rule) for s in d.steps if not rule(s.rule).procedure}
    assert set(cited) <= used


def test_single_is_one_problem_without_the_reference_page():
    tex = render_sheet([problem5()], "single", title=TITLE)
    assert r"\section*{Problem 5: Trace of quadratic product}" in tex
    assert "Step 4:" in tex and "Theorem" not in tex
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
