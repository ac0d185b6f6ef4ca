"""The exam's edition: points, a header with the course, the date and a name line, boxes
to answer in, a key; `tracetrick variants` (versions with renamed symbols and new
numbers, each derived and checked anew, each with its key); the preamble hook."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import invoke
from generator.api import derive
from generator.errors import ProblemError
from generator.output.exam_versions import write_versions
from generator.output.sheets import derive_all
from generator.problem.loader import load_file
from generator.problem.sets import load_set
from generator.problem.variants import version_of
from generator.render.latex_sheet import render_sheet
from generator.syntax.parser import parse
from pdf_helpers import single_spaced

SET_YAML = ("title: Midterm\ncourse: MATH 2210 Matrix calculus\ndate: 14 December 2026\n"
            "edition: exam\n")
PROBLEMS = {
    "01-linear.yaml": "title: Trace of a linear product\nnumber: 1\npoints: 4\n"
                      "objective: tr(A X)\nwrt: X\nexpect: A^T\n",
    "02-quadratic.yaml": "title: A quadratic form\nnumber: 2\npoints: 6\n"
                         "objective: 3 x^T A x + 2 b^T x\nwrt: x\n"
                         "statement: The matrix `A` is constant and square.\n",
    "03-regression.yaml": "title: Least squares\nnumber: 3\npoints: 10\n"
                          "objective: \"||A x - b||^2\"\nwrt: x\nsolve: true\n",
}


@pytest.fixture
def midterm(tmp_path) -> Path:
    folder = tmp_path / "midterm"
    folder.mkdir()
    (folder / "set.yaml").write_text(SET_YAML)
    for name, text in PROBLEMS.items():
        (folder / name).write_text(text)
    return folder


def _sheets(folder: Path):
    problem_set = load_set(folder, folder)
    derivations = derive_all(problem_set.problems)
    info = problem_set.info
    return [render_sheet(derivations, kind, title=info.title, course=info.course,
                         date=info.date) for kind in ("worksheet", "solutions")]


def test_the_exam_paper_has_the_header_the_points_and_boxes_and_no_solution(midterm):
    paper, key = _sheets(midterm)
    assert r"\noindent{}MATH 2210 Matrix calculus\hfill{}14 December 2026" in paper
    assert "Name:" in paper and "Student ID:" in paper
    assert "Total: 20 points." in paper
    assert r"\hfill{\normalsize\mdseries(4 points)}" in paper
    assert paper.count(r"\textbf{Answer:}") == 3            # one frame per answer
    assert r"\textbf{Setting the gradient to zero:}" in paper  # and one for the solution
    assert "Reference: the trace trick" not in paper and r"\boxed" not in paper
    assert "Step 1" not in paper
    # the key: every step, the answers boxed, the check, "key" in the title
    assert "Midterm: key" in key and "Step 1" in key and r"\boxed" in key
    assert "Checked numerically" in key


def test_a_set_that_is_not_an_exam_has_no_header(midterm):
    (midterm / "set.yaml").write_text("title: Midterm\ncourse: MATH 2210\n")
    paper, key = _sheets(midterm)
    assert "Name:" not in paper and "MATH 2210" not in paper and ": key" not in key
    assert "(4 points)" in paper      # points are shown on any sheet


@pytest.mark.parametrize("text, message", [
    ("points: 0\n", "points"), ("points: five\n", "points"),
])
def test_points_must_be_a_positive_whole_number(tmp_path, text, message):
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nobjective: tr(A X)\nwrt: X\n" + text)
    with pytest.raises(ProblemError) as err:
        load_file(path)
    assert f"{path}:4" in str(err.value) and message in str(err.value)


def test_course_in_set_yaml_is_checked_like_prose(midterm):
    (midterm / "set.yaml").write_text(SET_YAML + "course: \"`f(x`\"\n")
    with pytest.raises(ProblemError) as err:
        load_set(midterm, midterm)
    assert "set.yaml:5" in str(err.value) and "course" in str(err.value)


def test_a_version_renames_symbols_everywhere_and_redraws_the_numbers(tmp_path):
    (problem,) = _load(tmp_path, "title: The matrix `A`\nobjective: 3 x^T A x\nwrt: x\n"
                                "statement: The matrix `A` is square.\n")
    for seed in range(20):
        version = version_of(problem, random.Random(seed))
        renamed = dict(version.renamed)
        a = renamed.get("A", "A")
        assert version.fields["title"] == f"The matrix `{a}`"
        assert version.fields["statement"] == f"The matrix `{a}` is square."
        assert a in version.fields["symbols"] and version.fields["edition"] == "exam"
        objective = parse(version.fields["objective"])
        assert objective.symbols() == {a, renamed.get("x", "x")}
        assert version.numbers_changed and "3 " not in version.fields["objective"]
        assert a.isupper() and renamed.get("x", "x").islower()   # the kinds are kept


def test_a_version_keeps_expect_renamed_when_no_number_changed(tmp_path):
    (problem,) = _load(tmp_path, "title: T\nobjective: tr(A X)\nwrt: X\nexpect: A^T\n")
    version = version_of(problem, random.Random(2))
    renamed = dict(version.renamed)
    assert not version.numbers_changed
    assert version.fields["expect"] == f"{renamed.get('A', 'A')}^T"


def _load(folder: Path, text: str):
    path = folder / "p.yaml"
    path.write_text(text)
    return load_file(path)


def test_variants_write_versions_that_differ_each_verified_with_its_key(midterm, tmp_path):
    out = tmp_path / "out"
    written = write_versions(midterm, 3, out, seed=7)
    assert [p.name for p in written] == ["exam-v1.pdf", "key-v1.pdf", "exam-v2.pdf",
                                         "key-v2.pdf", "exam-v3.pdf", "key-v3.pdf"]
    texts = [{f.name: f.read_text() for f in sorted((out / f"version-{k}").glob("*.yaml"))}
             for k in (1, 2, 3)]
    assert texts[0] != texts[1] != texts[2]
    for version in texts:
        assert version["02-quadratic.yaml"] != PROBLEMS["02-quadratic.yaml"]
    for k in (1, 2, 3):   # each version loads, derives and verifies on its own
        problem_set = load_set(out / f"version-{k}", out / f"version-{k}")
        assert all(p.for_exam for p in problem_set.problems)
        for d in derive_all(problem_set.problems):
            assert d.verification.max_rel_error < 1e-8
    key = single_spaced(out / "key-v2.pdf")
    assert "Midterm, version 2: key" in key and "Step 1" in key
    paper = single_spaced(out / "exam-v2.pdf")
    assert "Name:" in paper and "Total: 20 points" in paper and "Step 1" not in paper
    # the same seed draws the same versions
    again = tmp_path / "again"
    write_versions(midterm, 1, again, seed=7)
    assert (again / "version-1" / "02-quadratic.yaml").read_text() == \
        (out / "version-1" / "02-quadratic.yaml").read_text()


def test_variants_from_the_command_line(midterm, tmp_path):
    out = tmp_path / "v"
    done = subprocess.run([sys.executable, "-m", "generator", "variants", "2", str(midterm),
                           "-o", str(out), "--seed", "3"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.findall(r"wrote \S+", done.stderr) == [
        f"wrote {out / name}" for name in ("exam-v1.pdf", "key-v1.pdf", "exam-v2.pdf",
                                           "key-v2.pdf")]
    assert invoke("variants", "0", str(midterm)).exit_code == 2


def test_a_version_that_fails_stops_with_the_file(midterm, tmp_path):
    (midterm / "04-wrong.yaml").write_text("title: W\nnumber: 4\nobjective: tr(A X)\n"
                                           "wrt: X\nexpect: A\n")
    result = invoke("variants", "1", str(midterm), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "04-wrong.yaml" in result.output and not list((tmp_path / "o").glob("*.pdf"))


def test_the_preamble_hook_takes_packages_and_a_logo(midterm, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "preamble.tex.j2").write_text(
        "\\usepackage{xcolor}\n\\newcommand{\\logo}{\\textcolor{blue}{LOGOMARK}}\n")
    shipped = (Path(__file__).resolve().parent.parent / "templates" / "title.tex.j2")
    (mine / "title.tex.j2").write_text(shipped.read_text() + "\n\\logo\n")
    out = tmp_path / "built"
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(midterm), "-o",
                           str(out), "--templates", str(mine)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "LOGOMARK" in single_spaced(out / "worksheet.pdf")
    tex = render_sheet([derive(p) for p in load_set(midterm, midterm).problems[:1]],
                       "solutions", title="t", template_dirs=(mine,))
    assert "\\usepackage{xcolor}" in tex.split("\\begin{document}")[0]


def test_the_markdown_and_html_papers_have_the_header_boxes_and_no_solution(midterm, tmp_path):
    """`build --format markdown|html` of an exam: the paper (header, name line, total,
    room to work, a blank for each answer, no reference, no step), and the key."""
    from click.testing import CliRunner
    from generator.cli import main
    for fmt, suffix in (("markdown", ".md"), ("html", ".html")):
        out = tmp_path / fmt
        result = CliRunner().invoke(main, ["build", str(midterm), "-o", str(out),
                                           "--format", fmt])
        assert result.exit_code == 0, result.output
        paper = (out / f"worksheet{suffix}").read_text()
        key = (out / f"solutions{suffix}").read_text()
        assert "MATH 2210 Matrix calculus" in paper and "14 December 2026" in paper
        assert "Name:" in paper and "Student ID:" in paper and "Total: 20 points." in paper
        assert "(4 points)" in paper and "Step 1" not in paper and "Reference" not in paper
        assert paper.count("Answer:") == 3 and "Setting the gradient to zero:" in paper
        assert "Midterm: key" in key and "Step 1" in key and "Name:" not in key
    html = (tmp_path / "html" / "worksheet.html").read_text()
    assert '<body class="tex2jax_ignore worksheet exam">' in html
    # each box is as tall as its problem's solution is long (ProblemView.work_rows)
    heights = [float(h) for h in re.findall(r'class="work" style="height: ([\d.]+)em"', html)]
    assert len(heights) == 3 and heights[0] < heights[2]


def test_chromium_draws_the_html_paper(midterm, tmp_path):
    from test_render_html import chromium
    from click.testing import CliRunner
    from generator.cli import main
    out = tmp_path / "html"
    assert CliRunner().invoke(main, ["build", str(midterm), "-o", str(out),
                                     "--format", "html"]).exit_code == 0
    dom = chromium(out / "worksheet.html", tmp_path, "--dump-dom")
    assert 'data-mathjax="typeset"' in dom
    answers = re.findall(r'<p class="answer">.*?</p>', dom, flags=re.S)
    assert len(answers) == 4 and all("<mjx-container" in a for a in answers)
