"""The output formats in one table (generator/output/formats.py): `derive` and `render`
choose from it by --format or by the -o suffix, and an unknown suffix is refused rather
than written as text over whatever file is there."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator import cli
from generator.output import formats
from tests.cli_helpers import ROOT, invoke


def test_the_command_line_offers_exactly_the_table():
    assert cli.FORMATS == formats.NAMES


@pytest.mark.parametrize("name", ["p.yaml", "x.yml", "x.pdfx", "notes"])
def test_an_unknown_suffix_never_overwrites_the_file(tmp_path, name):
    target = tmp_path / name
    target.write_text("title: keep me\n")
    result = invoke("derive", "tr(A X)", "--wrt", "X", "-o", str(target))
    assert result.exit_code == 2
    assert "is not an output format's suffix" in result.output
    assert target.read_text() == "title: keep me\n"
    problem = tmp_path / "p2.yaml"
    problem.write_text((ROOT / "problems" / "04-trace-linear.yaml").read_text())
    result = invoke("render", str(problem), "-o", str(problem))
    assert result.exit_code == 2 and "is not an output format's suffix" in result.output
    assert problem.read_text() == (ROOT / "problems" / "04-trace-linear.yaml").read_text()


@pytest.mark.parametrize("suffix, check", [
    (".json", lambda text: json.loads(text)["gradient"] == "A^T"),
    (".txt", lambda text: "Answer: grad_X L = A^T" in text),
    (".md", lambda text: text.startswith("## Gradient of") and "Let $L =" in text),
    (".htm", lambda text: "<html" in text.lower()),
    (".tex", lambda text: text.startswith("\\documentclass")),
])
def test_each_suffix_writes_its_format(tmp_path, suffix, check):
    out = tmp_path / f"sheet{suffix}"
    proc = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(A X)", "--wrt", "X",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert check(out.read_text())


def test_a_format_written_to_a_file_only_says_so_before_deriving():
    result = invoke("derive", "tr(A X)", "--wrt", "X", "--format", "pdf")
    assert result.exit_code == 2      # bad usage, told before any derivation
    assert "give -o FILE.pdf" in result.output


def test_options_are_checked_against_the_format():
    with pytest.raises(formats.FormatError, match="not made from a template"):
        formats.check_options(formats.named("text"),
                              formats.SheetOptions(template_dirs=(ROOT,)))
    formats.check_options(formats.named("html"), formats.SheetOptions(template_dirs=(ROOT,)))


@pytest.mark.parametrize("fmt, suffix", [("html", ".html"), ("markdown", ".md")])
def test_web_builds_are_incremental_like_the_pdfs(tmp_path, fmt, suffix):
    from tests.cli_helpers import build_process, problems_folder
    problems = problems_folder(tmp_path, "04-trace-linear.yaml", "05-trace-quadratic.yaml")
    out = tmp_path / "site"
    first = build_process(problems, out, "--format", fmt)
    assert first.returncode == 0, first.stderr
    pages = sorted(p.name for p in out.glob(f"*{suffix}"))
    assert pages == sorted(["worksheet" + suffix, "solutions" + suffix,
                            "04-trace-linear" + suffix, "05-trace-quadratic" + suffix])
    if fmt == "html":
        assert (out / "_assets").is_dir()
    again = build_process(problems, out, "--format", fmt)
    assert again.returncode == 0 and "up to date" in again.stderr
    changed = problems / "04-trace-linear.yaml"
    changed.write_text(changed.read_text().replace("title: ", "title: Renamed "))
    third = build_process(problems, out, "--format", fmt)
    rewritten = sorted(line.split("/")[-1] for line in third.stderr.splitlines()
                       if line.startswith("wrote"))
    assert rewritten == sorted(["04-trace-linear" + suffix, "solutions" + suffix,
                                "worksheet" + suffix])
    assert "Renamed" in (out / ("04-trace-linear" + suffix)).read_text()


@pytest.mark.parametrize("name", ["x.txt", "x.json", "x.md", "x.html", "x.pdf"])
def test_an_output_that_cannot_be_written_is_one_clear_error(tmp_path, name):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(A X)", "--wrt", "X",
                           "-o", str(blocker / name)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: cannot write {blocker}/")   # the page, or its MathJax
    assert "Traceback" not in proc.stderr and blocker.read_text() == "not a folder"


def test_a_build_into_a_folder_that_cannot_be_made_is_one_clear_error(tmp_path):
    from tests.cli_helpers import build_process, problems_folder
    problems = problems_folder(tmp_path, "04-trace-linear.yaml")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = build_process(problems, blocker / "out", "--format", "markdown")
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith(f"error: cannot write {blocker / 'out'}")
    assert "Traceback" not in proc.stderr


def test_a_derivation_error_names_the_problems_file_in_render_and_build(tmp_path):
    from tests.cli_helpers import build_process
    problems = tmp_path / "problems"
    problems.mkdir()
    bad = problems / "07-sylvester.yaml"
    bad.write_text("title: Both sides\nobjective: tr(X^T A X B)\nwrt: X\nsolve: true\n")
    result = invoke("render", str(bad), "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {bad}:2: cannot solve for X")   # the objective
    built = build_process(problems, tmp_path / "out", "--format", "markdown")
    assert built.returncode == 1
    assert f"{bad}:2: cannot solve for X" in built.stderr
    line = invoke("derive", "tr(X^T A X B)", "--wrt", "X", "--solve")   # no file to name
    assert line.output.startswith("error: cannot solve for X")


def test_a_failed_first_build_leaves_no_folder_behind(tmp_path):
    from tests.cli_helpers import build_process
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / "01-ok.yaml").write_text("title: Fine\nobjective: tr(A X)\nwrt: X\n")
    (problems / "02-bad.yaml").write_text(
        "title: Both sides\nobjective: tr(X^T A X B)\nwrt: X\nsolve: true\n")
    out = tmp_path / "never"
    proc = build_process(problems, out, "--format", "markdown")
    assert proc.returncode == 1 and "02-bad.yaml:2" in proc.stderr
    assert not out.exists()
