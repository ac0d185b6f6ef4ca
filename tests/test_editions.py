"""Editions (issue 14): `edition: student | key` in a problem file or a set.yaml, and
`--edition` on the command line.  A student's sheet has no numeric-check sentence and no
notes on conventions under the answers; the key (the default) keeps them.  The math is
the same in both.  Checked in text, Markdown, HTML and a real PDF."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_helpers import ROOT, build_process, invoke
from generator.errors import ProblemError
from generator.problem.loader import load_file
from generator.problem.sets import load_set
from pdf_helpers import pdf_text

SYMMETRIC = ["derive", "logdet(X)", "--wrt", "X", "--let", "X: n x n, symmetric"]


def test_the_student_edition_leaves_out_the_check_and_the_notes():
    key = invoke(*SYMMETRIC)
    student = invoke(*SYMMETRIC, "--edition", "student")
    assert key.exit_code == student.exit_code == 0
    assert "Every line was checked numerically" in key.output
    assert "the usual convention" in key.output
    for words in ("checked", "sympy", "convention"):
        assert words not in student.output
    # the same derivation: every step line and the answer
    assert key.output.split("Answer:")[0] == student.output.split("Answer:")[0]
    assert "Answer: grad_X L = X^-1" in student.output


def _set(tmp_path: Path, set_yaml: str) -> Path:
    folder = tmp_path / "problems"
    folder.mkdir()
    for name in ("05-trace-quadratic.yaml", "06-linear-regression.yaml"):
        shutil.copy(ROOT / "problems" / name, folder)
    (folder / "set.yaml").write_text(set_yaml, encoding="utf-8")
    return folder


def test_a_set_s_edition_reaches_its_problems_and_a_problem_s_own_wins(tmp_path):
    folder = _set(tmp_path, "title: Week 1\nedition: student\n")
    own = folder / "06-linear-regression.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "edition: key\n", encoding="utf-8")
    problems = {p.number: p for p in load_set(folder, folder).problems}
    assert problems[5].edition == "student" and problems[6].edition == "key"


def test_markdown_and_html_of_a_student_build_have_no_check(tmp_path):
    folder = _set(tmp_path, "title: Week 1\nedition: student\n")
    for fmt in ("markdown", "html"):
        out = tmp_path / f"out-{fmt}"
        result = invoke("build", str(folder), "-o", str(out), "--format", fmt)
        assert result.exit_code == 0, result.output
        page = (out / f"solutions.{'md' if fmt == 'markdown' else 'html'}").read_text("utf-8")
        assert "checked numerically" not in page.lower() and "sympy" not in page
        assert "Step 1" in page
    key = tmp_path / "out-key"
    assert invoke("build", str(folder), "-o", str(key), "--format", "markdown",
                  "--edition", "key").exit_code == 0
    assert "checked numerically" in (key / "solutions.md").read_text("utf-8").lower()


def test_a_student_pdf_has_no_check_and_the_key_has(tmp_path):
    folder = _set(tmp_path, "title: Week 1\n")
    student, key = tmp_path / "student", tmp_path / "key"
    assert build_process(folder, student, "--edition", "student").returncode == 0
    assert build_process(folder, key).returncode == 0
    assert "Checked" not in pdf_text(student / "solutions.pdf")
    assert "Checked numerically" in pdf_text(key / "solutions.pdf")


def test_an_unknown_edition_is_one_clear_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: P\nobjective: tr(A X)\nwrt: X\nedition: teacher\n",
                    encoding="utf-8")
    with pytest.raises(ProblemError, match=r"p\.yaml:4: edition: 'teacher' is not a "
                                           r"edition; use key or student"):
        load_file(path)
    result = invoke("derive", "tr(A X)", "--wrt", "X", "--edition", "teacher")
    assert result.exit_code != 0 and "Traceback" not in result.output
