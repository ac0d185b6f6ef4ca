"""Hint mode: `--reveal K` and `reveal:` print the first K steps and leave the rest blank.

Through every layer a user meets: the YAML key (problem file and set.yaml), the LaTeX
sheet, the text, Markdown and HTML renderers, the CLI (click's runner), and a real
`tracetrick build` with pdflatex and pdftotext, including its cache.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.output.sheets import derive_all
from generator.errors import ProblemError
from generator.problem.loader import load_file
from generator.problem.sets import load_sets
from generator.render.latex_sheet import render_sheet
from generator.render.markdown import render_markdown
from generator.render.sheet_options import steps_shown
from generator.render.text import BLANK, render_text
from generator.render.web import page_context
from generator.syntax.printer import to_text
from generator.render.sheet import sheet_of
from sample_derivations import problem5, problem6
from pdf_helpers import unspaced as pdf_text
from cli_helpers import ROOT, build_process, invoke, problems_folder

needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                 reason="TeX Live is installed by `make test`")


def problem_file(tmp_path: Path, name: str, extra: str = "", number: int = 5) -> Path:
    path = tmp_path / name
    path.write_text(f"title: Quadratic\nnumber: {number}\nobjective: tr(X^T A X)\nwrt: X\n"
                    + extra)
    return path


def step_rows(derivation, k: int) -> list[str]:
    """The LaTeX of the right-hand sides of step k (1-based), as the sheet prints them."""
    from generator.render.latex_sheet import math_printer
    to_latex = math_printer(derivation)
    return [to_latex(line.rhs) for line in sheet_of(derivation)[k - 1].lines]


# ----- which sheet reveals how much ---------------------------------------------------------

def test_steps_shown_per_kind_of_sheet():
    p = problem5().problem
    assert steps_shown(p, "solutions", 1) is None          # the answer key shows everything
    assert steps_shown(p, "single") is None
    assert steps_shown(p, "single", 2) == 2
    assert steps_shown(p, "worksheet") == 0                 # the plain worksheet
    assert steps_shown(p, "worksheet", 3) == 3
    from dataclasses import replace
    assert steps_shown(replace(p, reveal=2), "worksheet") == 2
    assert steps_shown(replace(p, reveal=2), "worksheet", 1) == 1   # the option wins


# ----- the YAML key ---------------------------------------------------------------------

def test_reveal_is_read_from_a_problem_file(tmp_path):
    assert load_file(problem_file(tmp_path, "a.yaml", "reveal: 2\n"))[0].reveal == 2
    assert load_file(problem_file(tmp_path, "b.yaml", "reveal: 0\n"))[0].reveal == 0
    assert load_file(problem_file(tmp_path, "c.yaml"))[0].reveal is None


@pytest.mark.parametrize("value, found", [("-1", "'-1'"), ("two", "'two'"), ("1.5", "1.5"),
                                          ("[1]", "a list"), ("true", "true")])
def test_a_bad_reveal_names_file_line_and_what_is_right(tmp_path, value, found):
    path = problem_file(tmp_path, "bad.yaml", f"reveal: {value}\n")
    with pytest.raises(ProblemError) as err:
        load_file(path)
    message = str(err.value)
    assert message.startswith(f"{path}:5: reveal: expected a whole number, at least 0"), message
    assert found in message and "e.g. `reveal: 1`" in message


def test_set_yaml_reveal_is_the_default_of_its_problems(tmp_path):
    folder = tmp_path / "week"
    folder.mkdir()
    (folder / "set.yaml").write_text("title: Week\nreveal: 1\n")
    problem_file(folder, "1.yaml", number=1)
    problem_file(folder, "2.yaml", "reveal: 3\n", number=2)
    (problem_set,) = load_sets(tmp_path)
    assert [p.reveal for p in problem_set.problems] == [1, 3]   # a problem's own wins
    (folder / "set.yaml").write_text("title: Week\nreveal: many\n")
    with pytest.raises(ProblemError, match=r"set\.yaml:2: reveal: expected a whole number"):
        load_sets(tmp_path)


def test_reveal_does_not_change_the_derivation_key():
    from dataclasses import replace

    from generator.output.build_cache import problem_key
    p = problem5().problem
    assert problem_key(replace(p, reveal=2), "env") == problem_key(p, "env")


# ----- the LaTeX sheet ------------------------------------------------------------------------

def test_a_hint_worksheet_prints_the_first_steps_and_blanks_for_the_rest():
    d = problem5()
    total = len(sheet_of(d))
    assert total >= 3
    tex = render_sheet([d], "worksheet", title="T", reveal=2)
    for k in (1, 2):
        assert f"\\textbf{{Step {k}:}} {sheet_of(d)[k - 1].title}" in tex
        for row in step_rows(d, k):
            assert row in tex
    for k in range(3, total + 1):
        assert f"\\textbf{{Step {k}:}}\\par" in tex             # the heading, blank
        assert sheet_of(d)[k - 1].title not in tex
    assert step_rows(d, total)[-1] not in tex                     # the answer stays hidden
    assert "\\boxed" not in tex and "Checked numerically" not in tex
    assert "\\textbf{Answer:} $\\nabla_{X} L = $ \\rule" in tex


def test_a_hint_leaves_room_as_large_as_the_worked_step():
    d = problem5()
    tex = render_sheet([d], "worksheet", title="T", reveal=1)
    rows = [len(step.lines) for step in sheet_of(d)[1:]]
    room = [int(n) for n in re.findall(r"\\vspace\{(\d+)\\baselineskip\}", tex)]
    assert room == [2 * max(1, r) + 1 for r in rows]


def test_a_solved_problem_leaves_its_solution_blank_too():
    d = problem6()
    tex = render_sheet([d], "worksheet", title="T", reveal=1)
    assert "\\textbf{Setting the gradient to zero:} $x = $ \\rule" in tex
    assert "provided" not in tex


def test_without_reveal_the_worksheet_has_no_steps_and_the_solutions_have_all():
    d = problem5()
    plain = render_sheet([d], "worksheet", title="T")
    assert "Step 1" not in plain and "\\vspace{0.3\\textheight}" in plain
    assert render_sheet([d], "worksheet", title="T", reveal=0) == plain
    solutions = render_sheet([d], "solutions", title="T", reveal=1)   # the key: everything
    assert f"\\textbf{{Step {len(sheet_of(d))}:}} Identify $G$" in solutions
    assert "\\boxed" in solutions


def test_revealing_more_steps_than_there_are_shows_the_whole_solution():
    d = problem5()
    tex = render_sheet([d], "worksheet", title="T", reveal=len(sheet_of(d)) + 5)
    assert "\\boxed{\\nabla_{X} L" in tex and "\\rule{6cm}" not in tex
    assert "Checked numerically" in tex


def test_a_problems_own_reveal_shapes_the_worksheet(tmp_path):
    hinted = derive_all(load_file(problem_file(tmp_path, "h.yaml", "reveal: 1\n")))
    tex = render_sheet(hinted, "worksheet", title="T")
    assert f"\\textbf{{Step 1:}} {sheet_of(hinted[0])[0].title}" in tex
    assert "\\textbf{Step 2:}\\par" in tex


# ----- text, Markdown, HTML ----------------------------------------------------------------

def test_text_hint_shows_k_steps_then_blanks():
    d = problem5()
    out = render_text(d, reveal=1)
    assert f"Step 1: {sheet_of(d)[0].title}" in out
    assert f"Step 2: {BLANK}" in out and sheet_of(d)[1].title not in out
    assert f"Answer: grad_X L = {BLANK}" in out
    assert to_text(d.gradient) not in out
    assert "checked numerically" not in out
    assert render_text(d, reveal=None) == render_text(d)


def test_markdown_hint_worksheet():
    d = problem5()
    md = render_markdown([d], "worksheet", title="T", reveal=1)
    assert f"### Step 1: {sheet_of(d)[0].title}" in md
    assert "### Step 2:\n" in md and sheet_of(d)[1].title not in md
    assert "**Answer:** $\\nabla_{X} L = $ \\_\\_" in md
    assert "\\boxed" not in md
    plain = render_markdown([d], "worksheet", title="T")
    assert "### Step" not in plain


def test_web_context_carries_the_blanks():
    d = problem5()
    (problem,) = page_context([d], "worksheet", title="T", reveal=2)["problems"]
    assert [s.number for s in problem.steps] == [1, 2]
    assert [b.number for b in problem.view.blanks] == list(range(3, len(sheet_of(d)) + 1))
    assert problem.view.is_hint


def test_html_hint_page_has_blank_steps_and_no_answer():
    from generator.render.html import render_html
    d = problem5()
    page = render_html([d], "single", title="T", mathjax_src="m.js", reveal=1)
    assert page.count('class="step blank"') == len(sheet_of(d)) - 1
    assert '<span class="blank"></span>' in page and "\\boxed" not in page


# ----- the command line ----------------------------------------------------------------------

run = invoke


def test_derive_reveal_in_the_terminal():
    result = run("derive", "tr(X^T A X)", "--wrt", "X", "--reveal", "1")
    assert result.exit_code == 0, result.output
    assert "Step 1: Take the differential" in result.output
    assert f"Step 2: {BLANK}" in result.output
    assert "(A + A^T) X" not in result.output


@pytest.mark.parametrize("args, message", [
    (["--reveal", "-1"], "-1 is not in the range x>=0"),
    (["--reveal", "one"], "'one' is not a valid integer"),
    (["--reveal", "1", "--format", "json"], "the JSON trace always holds every step"),
])
def test_bad_reveal_options_are_usage_errors(args, message):
    result = run("derive", "tr(A X)", "--wrt", "X", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_render_reveal_writes_a_hint_worksheet(tmp_path):
    out = tmp_path / "hint.tex"
    result = run("render", str(ROOT / "problems" / "06-linear-regression.yaml"),
                 "--reveal", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert "\\textbf{Step 2:} " in tex and "\\textbf{Step 3:}\\par" in tex
    assert "\\boxed" not in tex
    full = tmp_path / "full.tex"
    assert run("render", str(ROOT / "problems" / "06-linear-regression.yaml"),
               "-o", str(full)).exit_code == 0
    assert "\\boxed" in full.read_text()


# ----- a real build: PDFs, and the cache ----------------------------------------------------



def build(problems: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    proc = build_process(problems, out, *args)
    assert proc.returncode == 0, proc.stderr
    return proc


@needs_latex
def test_build_with_reveal_typesets_hint_worksheets_and_only_them(tmp_path):
    problems = problems_folder(tmp_path, "05-trace-quadratic.yaml", "06-linear-regression.yaml")
    out = tmp_path / "output"
    build(problems, out)
    plain = pdf_text(out / "worksheet.pdf")
    assert "Step1" not in plain
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}

    proc = build(problems, out, "--reveal", "1")
    hint = pdf_text(out / "worksheet.pdf")
    assert "Step1:Takethedifferential" in hint and "Step2:" in hint
    assert "Answer:" in hint and "(A+AT)X" not in hint
    # Only the worksheet changed; the solutions and the problems' PDFs were left alone.
    written = sorted(Path(line.split("wrote ", 1)[1]).name
                     for line in proc.stderr.splitlines() if line.startswith("wrote "))
    assert written == ["worksheet.pdf"]
    for name in ("solutions.pdf", "05-trace-quadratic.pdf", "06-linear-regression.pdf"):
        assert (out / name).read_bytes() == before[name]

    build(problems, out)                      # back to the plain worksheet
    assert "Step1" not in pdf_text(out / "worksheet.pdf")


@needs_latex
def test_a_yaml_reveal_reaches_the_pdf(tmp_path):
    problems = problems_folder(tmp_path, "06-linear-regression.yaml")
    (problems / "set.yaml").write_text("title: Hints\nreveal: 2\n")
    out = tmp_path / "output"
    build(problems, out)
    text = pdf_text(out / "worksheet.pdf")
    assert "Step1:WriteLintraceform" in text and "Step2:Takethedifferential" in text
    assert "Step3:" in text and "Settingthegradienttozero:x=" in text
    assert "(ATA)" not in text                       # the solution stays hidden
    assert "(ATA)" in pdf_text(out / "solutions.pdf")


def test_a_web_build_with_reveal_hints_on_the_worksheet_only(tmp_path):
    site = tmp_path / "site"
    result = run("build", str(ROOT / "problems" / "cookbook"), "-o", str(site),
                 "--format", "markdown", "--reveal", "1")
    assert result.exit_code == 0, result.output
    worksheet = (site / "worksheet.md").read_text()
    assert "### Step 1: " in worksheet and "### Step 2:\n" in worksheet
    assert "\\boxed" not in worksheet
    for page in ("solutions.md", "01-trace-linear.md"):
        text = (site / page).read_text()
        assert "\\boxed" in text and "### Step 2:\n" not in text
