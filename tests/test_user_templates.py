"""`--templates DIR`: the user's templates come first, for every command and format.

A template is overridden by copying a shipped one and changing it, as docs/templates.md says;
errors in a user's template name its path, its line and what it may use instead; the
The page's list of template variables is checked against the views themselves.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.render import latex_sheet, web
from pdf_helpers import unspaced as pdf_text
from cli_helpers import ROOT, build_process, invoke, problems_folder

SHIPPED = ROOT / "templates"
needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                 reason="TeX Live is installed by `make test`")


run = invoke


# where the shipped problem.tex.j2 heads a problem ("Problem 5", or its `label:`)
LABEL = r"\section*{\VAR{problem.label}: "


def override(folder: Path, name: str, old: str, new: str) -> Path:
    """Copy a shipped template into `folder` with one change, as a user would."""
    folder.mkdir(exist_ok=True)
    text = (SHIPPED / name).read_text()
    assert old in text, f"{name} no longer contains {old!r}"
    (folder / name).write_text(text.replace(old, new))
    return folder


def exercise_templates(tmp_path: Path) -> Path:
    """'Problem N' becomes 'Exercise N' in the LaTeX, Markdown and HTML headings."""
    folder = tmp_path / "mine"
    override(folder, "problem.tex.j2", LABEL, r"\section*{Exercise \VAR{problem.number}: ")
    override(folder, "problem.md.j2", "## {{ problem.heading | md }}",
             "## Exercise: {{ problem.heading | md }}")
    override(folder, "problem.html.j2", "<h2>{{ problem.heading | prose }}</h2>",
             "<h2>Exercise: {{ problem.heading | prose }}</h2>")
    return folder


# ----- every command and format finds the user's templates first ---------------------------

@pytest.mark.parametrize("fmt, heading", [
    ("latex", r"\section*{Exercise "),
    ("markdown", "## Exercise: "),
    ("html", "<h2>Exercise: "),
])
def test_derive_uses_the_users_template(tmp_path, fmt, heading):
    folder = exercise_templates(tmp_path)
    plain = run("derive", "tr(A X)", "--wrt", "X", "--format", fmt)
    assert plain.exit_code == 0, plain.output
    assert heading not in plain.output
    mine = run("derive", "tr(A X)", "--wrt", "X", "--format", fmt, "--templates", str(folder))
    assert mine.exit_code == 0, mine.output
    assert heading in mine.output
    # Only the overridden template changed: the steps come from the shipped ones.
    assert "Step 1" in mine.output and "Step 1" in plain.output


def test_render_and_the_web_build_use_the_users_templates(tmp_path):
    folder = exercise_templates(tmp_path)
    out = tmp_path / "r.tex"
    result = run("render", str(ROOT / "problems" / "05-trace-quadratic.yaml"), "-o", str(out),
                 "--templates", str(folder))
    assert result.exit_code == 0, result.output
    assert r"\section*{Exercise 5: Trace of quadratic product}" in out.read_text()
    site = tmp_path / "site"
    result = run("build", str(ROOT / "problems" / "cookbook"), "-o", str(site),
                 "--format", "markdown", "--templates", str(folder))
    assert result.exit_code == 0, result.output
    assert "## Exercise: Problem 1: " in (site / "solutions.md").read_text()
    assert "## Exercise: Problem 1: " in (site / "01-trace-linear.md").read_text()


def test_several_template_folders_are_searched_in_order(tmp_path):
    first = override(tmp_path / "first", "problem.tex.j2", LABEL,
                     r"\section*{First \VAR{problem.number}: ")
    second = override(tmp_path / "second", "problem.tex.j2", LABEL,
                      r"\section*{Second \VAR{problem.number}: ")
    override(second, "title.tex.j2", r"{\Large\bfseries \VAR{title}",
             r"{\Large\bfseries SECOND: \VAR{title}")
    out = tmp_path / "s.tex"
    result = run("render", str(ROOT / "problems" / "05-trace-quadratic.yaml"), "-o", str(out),
                 "--templates", str(first), "--templates", str(second))
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert r"\section*{First 5:" in tex and "Second" not in tex.split("SECOND")[-1]
    assert "SECOND: " in tex          # found in the second folder: the first lacks it


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_templates_with_a_format_that_has_none_is_a_usage_error(tmp_path, fmt):
    result = run("derive", "tr(A X)", "--wrt", "X", "--format", fmt, "--templates",
                 str(tmp_path))
    assert result.exit_code == 2
    assert "--templates applies to the latex, pdf, markdown and html formats" in result.output


def test_a_missing_template_folder_is_a_usage_error(tmp_path):
    result = run("build", str(ROOT / "problems"), "-o", str(tmp_path / "o"), "--templates",
                 str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


# ----- a broken template: one clear paragraph, exit 1, nothing written ----------------------

@pytest.mark.parametrize("inserted, expected", [
    (r"\VAR{problem.titel}", "undefined variable: a ProblemView has no attribute 'titel'; "
                             "it has: number, label, points, work_rows, title,"),
    (r"\VAR{subtitle}", "undefined variable: 'subtitle' is undefined; this template receives: "
                        "course, date, description, exam, kind, problems, reference_rows, "
                        "title, total_points"),
    (r"\VAR{problem.number / 0}", "ZeroDivisionError: division by zero"),
    (r"\VAR{problem.__class__.__mro__}", "not allowed in a template"),
    (r"\VAR{problem.title | nosuchfilter}", "No filter named 'nosuchfilter'"),
])
def test_a_broken_template_names_its_path_line_and_the_problem(tmp_path, monkeypatch,
                                                               inserted, expected):
    monkeypatch.chdir(tmp_path)
    folder = Path("mine")
    folder.mkdir()
    text = (SHIPPED / "problem.tex.j2").read_text().splitlines()
    text.insert(6, inserted)                  # becomes line 7
    (folder / "problem.tex.j2").write_text("\n".join(text) + "\n")
    result = run("derive", "tr(A X)", "--wrt", "X", "--templates", "mine", "-o", "out.pdf")
    assert result.exit_code == 1
    assert result.output.startswith("error: template mine/problem.tex.j2:7: "), result.output
    assert expected in result.output
    assert "Traceback" not in result.output and len(result.output.splitlines()) == 1
    assert not Path("out.pdf").exists()


def test_a_template_syntax_error_names_the_users_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("mine").mkdir()
    Path("mine/title.tex.j2").write_text("ok\n\\BLOCK{if title}\n")
    result = run("render", str(ROOT / "problems" / "05-trace-quadratic.yaml"), "-o", "x.pdf",
                 "--templates", "mine")
    assert result.exit_code == 1
    assert result.output.startswith("error: template mine/title.tex.j2:")
    assert "endif" in result.output and not Path("x.pdf").exists()


@needs_latex
def test_a_build_with_a_broken_template_keeps_the_previous_pdfs(tmp_path):
    problems = problems_folder(tmp_path, "05-trace-quadratic.yaml")
    out = tmp_path / "output"
    assert build_process(problems, out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "steps.tex.j2").write_text(r"\VAR{problem.answer}" + "\n")
    proc = build_process(problems, out, "--templates", str(broken))
    assert proc.returncode == 1
    assert "steps.tex.j2:1: undefined variable: a ProblemView has no attribute 'answer'" \
        in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before


# ----- a real build with the user's templates, and its cache --------------------------------



@needs_latex
def test_build_typesets_with_the_users_templates_and_notices_when_they_change(tmp_path):
    problems = problems_folder(tmp_path, "05-trace-quadratic.yaml")
    folder = override(tmp_path / "mine", "problem.tex.j2", LABEL,
                      r"\section*{Exercise \VAR{problem.number}: ")
    out = tmp_path / "output"

    def build(*args: str) -> str:
        proc = build_process(problems, out, *args)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    build("--templates", str(folder))
    assert "Exercise5:Traceofquadraticproduct" in pdf_text(out / "solutions.pdf")
    assert "up to date" in build("--templates", str(folder))
    # An edit to the user's template is a change like any other.
    override(folder, "problem.tex.j2", LABEL, r"\section*{Task \VAR{problem.number}: ")
    assert "wrote" in build("--templates", str(folder))
    assert "Task5:" in pdf_text(out / "solutions.pdf")
    # Without --templates the built-in template is back.
    assert "wrote" in build()
    assert "Problem5:Traceofquadraticproduct" in pdf_text(out / "solutions.pdf")


# ----- docs/templates.md lists what a template receives ----------------------------------------

def templates_page() -> str:
    return (ROOT / "docs" / "templates.md").read_text()


@pytest.mark.parametrize("view", [
    latex_sheet.ReferenceRow, latex_sheet.ProblemView, latex_sheet.StepView,
    latex_sheet.LineView, latex_sheet.BlankStepView, latex_sheet.ConditionView,
    latex_sheet.CheckView, web.ReferenceRowView, web.WebProblem, web.WebStep,
])
def test_the_templates_page_lists_every_attribute_a_template_receives(view):
    section = templates_page()
    assert f"**{view.__name__}**" in section
    names = [f.name for f in dataclasses.fields(view)] + [
        n for n, v in vars(view).items() if isinstance(v, property)]
    missing = [n for n in names if f"`{n}`" not in section]
    assert not missing, f"docs/templates.md: {view.__name__} lacks {missing}"


def test_the_templates_page_names_every_shipped_template():
    section = templates_page()
    shipped = sorted(p.name for p in SHIPPED.glob("*.j2"))
    assert shipped
    missing = [name for name in shipped if f"`{name}`" not in section]
    assert not missing, f"docs/templates.md: no word on {missing}"


@pytest.mark.parametrize("command", [
    ("derive", "tr(A X)", "--wrt", "X"),
    ("render", str(ROOT / "problems" / "04-trace-linear.yaml")),
])
@pytest.mark.parametrize("target", ["problem.md.j2", "problem.tex.j2", "sub/new.tex"])
def test_an_output_inside_the_template_folder_is_refused(tmp_path, command, target):
    folder = exercise_templates(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    fmt = "latex" if target.endswith((".tex", ".j2")) else "markdown"
    done = run(*command, "--format", fmt, "--templates", str(folder), "-o", str(folder / target))
    assert done.exit_code == 2, done.output
    assert "inside the template folder" in done.output and "Traceback" not in done.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
