"""End to end: the shipped problems through the real CLI, pdflatex and pdftotext."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from pdf_helpers import unspaced as pdf_text

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="TeX Live is installed by `make test`")




@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("output")
    proc = subprocess.run([sys.executable, "-m", "generator", "build", str(ROOT / "problems"),
                           "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def test_build_writes_every_sheet(built):
    names = sorted(p.name for p in built.glob("*.pdf"))
    assert names == ["04-trace-linear.pdf", "05-trace-quadratic.pdf",
                     "06-linear-regression.pdf", "solutions.pdf", "worksheet.pdf"]
    assert not list(built.glob("*.tmp"))


def test_build_writes_the_cookbook_set_into_its_folder(built):
    cookbook = built / "cookbook"
    names = sorted(p.name for p in cookbook.glob("*.pdf"))
    assert {"worksheet.pdf", "solutions.pdf", "01-trace-linear.pdf",
            "12-ridge-regression.pdf"} <= set(names)
    assert len(names) == 2 + len(list((ROOT / "problems/cookbook").glob("[0-9]*.yaml")))
    text = pdf_text(cookbook / "solutions.pdf")
    assert text.startswith("Matrixcalculus:theMatrixCookbookandmachinelearning")
    assert "Problem1:Traceofalinearproduct" in text
    assert "∇XL=ATBT" in text                            # Problem 1's answer
    assert "w=(XTX+λIn)−1XTy" in text                    # ridge regression, solved
    assert "Traceofquadraticproduct" not in text         # the top set's problem 5


def test_solutions_hold_the_steps_and_answers(built):
    text = pdf_text(built / "solutions.pdf")
    assert "Problem5:Traceofquadraticproduct" in text
    assert "Step1:Takethedifferentialofbothsides" in text
    assert "∇XL=(A+AT)X" in text                      # Problem 5's answer
    assert "∇xL=2AT(Ax−b)" in text                    # Problem 6's answer
    assert "x=(AT A)−1AT b".replace(" ", "") in text   # and its solution
    assert "Reference" in text and "Theorem" in text


def test_worksheet_has_statements_but_no_steps(built):
    text = pdf_text(built / "worksheet.pdf")
    assert "Problem5:Traceofquadraticproduct" in text
    assert "Step1" not in text and "(A+AT)X" not in text


def test_render_one_file(tmp_path):
    out = tmp_path / "05.pdf"
    result = CliRunner().invoke(main, ["render", str(ROOT / "problems/05-trace-quadratic.yaml"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "∇XL=(A+AT)X" in pdf_text(out)


def test_derive_to_pdf_and_tex(tmp_path):
    pdf, tex = tmp_path / "d.pdf", tmp_path / "d.tex"
    runner = CliRunner()
    assert runner.invoke(main, ["derive", "tr(A X)", "--wrt", "X", "-o", str(pdf)]).exit_code == 0
    assert "∇XL=AT" in pdf_text(pdf)
    assert runner.invoke(main, ["derive", "tr(A X)", "--wrt", "X", "-o", str(tex)]).exit_code == 0
    assert "\\begin{document}" in tex.read_text()


def test_a_bad_problem_stops_the_build_before_any_pdf(tmp_path):
    problems = tmp_path / "problems"
    problems.mkdir()
    shutil.copy(ROOT / "problems/05-trace-quadratic.yaml", problems)
    (problems / "07-bad.yaml").write_text("title: Bad\nobjective: tr(X^T A X\nwrt: X\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(problems), "-o", str(out)])
    assert result.exit_code == 1
    assert "07-bad.yaml:2" in result.output and "Traceback" not in result.output
    assert not out.exists() or not list(out.glob("*.pdf"))
