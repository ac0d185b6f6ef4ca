"""A build reports every problem that fails (to load, to derive, to verify), not only the
first, and writes nothing; with --keep-going it writes the sheets without them, says so,
and exits 1.  Through the library, click's runner and a real subprocess, with LaTeX."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_helpers import ROOT, build_process, invoke
from generator.errors import BuildFailed
from generator.output.build import build_directory

REFUSED = ("title: Refused\nnumber: 3\nsymbols:\n  k: {shape: [], integer: true}\n"
           "objective: tr(A X^k)\nwrt: X\n")
UNPARSED = "title: Bad\nnumber: 2\nobjective: tr(X^T A X\nwrt: X\n"
WRONG = "title: Wrong expect\nnumber: 4\nobjective: tr(A X)\nwrt: X\nexpect: 2 A^T\n"


def _problems(tmp_path: Path) -> Path:
    """Two sets, each with good problems and failing ones: a refused derivation in one,
    a file that does not parse and an `expect:` that is wrong in the other."""
    root = tmp_path / "problems"
    for name, good, bad in (("first", ("01-trace-linear.yaml", "02-bilinear-form.yaml"),
                             {"03-refused.yaml": REFUSED}),
                            ("second", ("03-quadratic-form.yaml",),
                             {"02-bad.yaml": UNPARSED, "04-wrong.yaml": WRONG})):
        (root / name).mkdir(parents=True)
        for file in good:
            shutil.copy(ROOT / "problems" / "cookbook" / file, root / name / file)
        for file, text in bad.items():
            (root / name / file).write_text(text, encoding="utf-8")
    return root


def test_every_failure_is_reported_and_nothing_is_written(tmp_path):
    root, out = _problems(tmp_path), tmp_path / "out"
    with pytest.raises(BuildFailed) as caught:
        build_directory(root, out, fmt="markdown")
    failures = caught.value.failures
    assert len(failures) == 3
    assert [f.split(":")[0].rsplit("/", 1)[1] for f in failures] == [
        "03-refused.yaml", "02-bad.yaml", "04-wrong.yaml"]
    assert "02-bad.yaml:3:14: objective: unbalanced '('" in failures[1]
    assert "expect: the derived answer" in failures[2]
    assert not out.exists()
    result = invoke("build", str(root), "-o", str(out), "--format", "markdown")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "3 problems failed, nothing was written (--keep-going writes" in result.output
    assert not out.exists()


def test_keep_going_writes_the_sheets_without_the_failed_problems(tmp_path):
    root, out = _problems(tmp_path), tmp_path / "out"
    result = invoke("build", str(root), "-o", str(out), "--format", "markdown",
                    "--keep-going")
    assert result.exit_code == 1, result.output
    assert "3 problems failed, the sheets were written without them" in result.output
    first = (out / "first" / "solutions.md").read_text(encoding="utf-8")
    assert "Trace of a linear product" in first and "Refused" not in first
    assert not (out / "first" / "03-refused.md").exists()
    assert (out / "second" / "03-quadratic-form.md").exists()
    assert "Wrong expect" not in (out / "second" / "worksheet.md").read_text(encoding="utf-8")
    # the sets were built without some of their problems: the next build tries them again
    again = invoke("build", str(root), "-o", str(out), "--format", "markdown", "--keep-going")
    assert again.exit_code == 1 and "up to date" not in again.output


def test_keep_going_as_a_subprocess_with_latex(tmp_path):
    root, out = _problems(tmp_path), tmp_path / "out"
    shutil.rmtree(root / "second")
    done = build_process(root, out, "--keep-going")
    assert done.returncode == 1, done.stderr
    assert "1 problem failed, the sheets were written without them" in done.stderr
    assert "03-refused.yaml:5" in done.stderr
    assert (out / "solutions.pdf").exists() or (out / "first" / "solutions.pdf").exists()
