"""Bad input through the real command line (a subprocess with a timeout): nothing hangs,
nothing escapes as a traceback, and every error is one short paragraph that names
where the problem is (`file:line`, a caret under the column) and what would be right.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMEOUT = 60            # seconds: a guard against a hang, far above what any case needs
WITHIN = 20             # seconds: what "a clear error within seconds" is held to


def tracetrick(*args: str, cwd: Path, prelude: str = "") -> subprocess.CompletedProcess:
    """Run the installed console script (or `python -c` with `prelude` run first)."""
    if prelude:
        command = [sys.executable, "-c",
                   f"{prelude}\nimport sys\nfrom generator.cli import main\n"
                   f"sys.argv[0] = 'tracetrick'\nmain()"]
    else:
        beside = Path(sys.executable).with_name("tracetrick")
        command = [str(beside) if beside.exists() else shutil.which("tracetrick")]
    started = time.monotonic()
    proc = subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT)
    proc.elapsed = time.monotonic() - started
    return proc


def assert_one_clear_paragraph(proc, *words: str) -> str:
    """Exit status 1, no traceback, a short message (no blank line, no huge line) that
    holds `words`; returns the message."""
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "Traceback" not in out
    assert proc.elapsed < WITHIN, f"took {proc.elapsed:.1f} s"
    message = proc.stderr.strip() or "\n".join(
        line for line in proc.stdout.splitlines() if not line.endswith(" failed"))
    assert "\n\n" not in message
    lines = message.splitlines()
    assert 1 <= len(lines) <= 4, message[:2000]
    assert all(len(line) <= 250 for line in lines), [len(line) for line in lines]
    for word in words:
        assert word in message, message
    return message


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


# ----- nothing hangs -------------------------------------------------------------------------

def test_an_objective_nested_5000_deep(tmp_path):
    deep = "(" * 5000 + "X" + ")" * 5000
    proc = tracetrick("derive", f"tr({deep})", "--wrt", "X", cwd=tmp_path)
    assert_one_clear_paragraph(proc, "error: objective:", "10,005 characters", "at most 1,000")
    name = write(tmp_path, "deep.yaml", f"title: Deep\nobjective: tr({deep})\nwrt: X\n")
    proc = tracetrick("check", name, cwd=tmp_path)
    assert_one_clear_paragraph(proc, "deep.yaml:2: objective:", "at most 1,000")


def test_nesting_within_the_length_limit_gets_a_caret(tmp_path):
    deep = "(" * 400 + "X" + ")" * 400
    name = write(tmp_path, "deep.yaml", f"title: Deep\nobjective: tr({deep})\nwrt: X\n")
    message = assert_one_clear_paragraph(tracetrick("check", name, cwd=tmp_path),
                                         "deep.yaml:2:214: objective:", "more than 200 levels")
    shown, caret = message.splitlines()[-2:]
    assert shown.strip().startswith("...") and len(shown) < 120   # a window, not 800 chars
    assert shown[caret.index("^")] == "("


def test_yaml_nested_5000_deep(tmp_path):
    name = write(tmp_path, "deep.yaml",
                 "title: " + "[" * 5000 + "]" * 5000 + "\nobjective: tr(X)\nwrt: X\n")
    assert_one_clear_paragraph(tracetrick("check", name, cwd=tmp_path),
                               "deep.yaml:1: the YAML is nested too deeply")


def test_a_2_mb_objective(tmp_path):
    huge = " + ".join(["tr(A X)"] * 200_000)                      # 2.0 MB on one line
    name = write(tmp_path, "huge.yaml", f"title: Huge\nobjective: {huge}\nwrt: X\n")
    assert_one_clear_paragraph(tracetrick("check", name, cwd=tmp_path),
                               "huge.yaml:", "may be at most 256 KB", "1.9 MB")


def test_a_long_objective_under_the_file_limit(tmp_path):
    long = " + ".join(["tr(A X)"] * 20_000)                      # 200 KB: the math limit
    name = write(tmp_path, "long.yaml", f"title: Long\nobjective: {long}\nwrt: X\n")
    assert_one_clear_paragraph(tracetrick("check", name, cwd=tmp_path),
                               "long.yaml:2: objective: the expression is 199,997 characters "
                               "long; at most 1,000 are accepted")
    proc = tracetrick("derive", " + ".join(["tr(A X)"] * 10_000), "--wrt", "X", cwd=tmp_path)
    assert_one_clear_paragraph(proc, "error: objective: the expression is 99,997 characters")


def test_a_huge_exponent_is_refused_at_its_column(tmp_path):
    proc = tracetrick("derive", "tr(X^99999999999)", "--wrt", "X", cwd=tmp_path)
    message = assert_one_clear_paragraph(proc, "an exponent may be at most 50", "(column 6)")
    assert message.splitlines()[-1] == "       ^"


def test_a_derivation_that_would_not_end_stops_at_the_step_limit(tmp_path):
    """The engine's limit on rule applications, lowered so that tr(X^20) (about 40
    applications) runs into it: the error is the engine's own, through the real CLI."""
    proc = tracetrick("derive", "tr(X^20)", "--wrt", "X", cwd=tmp_path,
                      prelude="import generator.engine.recorder as r; r.MAX_APPLICATIONS = 12")
    assert_one_clear_paragraph(proc, "error: ", "did not finish after 12 rule applications")


def test_a_file_that_never_ends_is_read_no_further_than_the_limit(tmp_path):
    """/dev/zero: the reader stops one byte past the limit instead of filling memory."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert_one_clear_paragraph(tracetrick("render", "/dev/zero", "-o", "z.tex", cwd=tmp_path),
                               "/dev/zero: a problem file may be at most 256 KB")


# ----- every error names file:line, and what would be right -------------------------------

@pytest.mark.parametrize("text, words", [
    ("title: T\nobjectve: tr(X)\nwrt: X\n",
     ["p.yaml:2: unknown key 'objectve'; did you mean 'objective'?"]),
    ("title: T\nobjective: tr(X)\nwrt: X\nsymbols:\n  X: {shape: [n, n], symetric: true}\n",
     ["p.yaml:5: symbols: X: unknown key 'symetric'; did you mean 'symmetric'?"]),
    ("title: T\nobjective: tr(X^T A X\nwrt: X\n",
     ["p.yaml:2:", "objective:", "never closed", "^"]),
    ("title: T\nobjective: |X| + ||x||\nwrt: X\n",
     ["p.yaml:2:13: YAML syntax error", "must be quoted", "^"]),
    ("title: T\nobjective: tr(X)\nwrt: X\nsolve: maybe\n",
     ["p.yaml:4: solve: expected true or false, found 'maybe'"]),
    ("title: !!python/object/apply:os.system ['touch pwned']\nobjective: tr(X)\nwrt: X\n",
     ["p.yaml:1: the YAML tag !!python/object/apply:os.system is not allowed"]),
    ("title: T\nobjective: tr(A X)\nwrt: X\nsymbols: {A: {shape: [n, n]}}\nexpect: A\n",
     ["p.yaml:5: expect: the derived answer A^T differs from the expected A"]),
    ("problems:\n  - title: T\n    objective: tr(A X)\n    wrt: X\n    expect: A^T\n"
     "  - title: U\n    objective: tr(A X)\n    wrt: X\n\n    solution: A\n",
     ["p.yaml:10: solution: given without `solve: true`"]),
    ('title: "ring \\a the bell"\nobjective: tr(X)\nwrt: X\n',
     ["p.yaml:1: title: contains the control character U+0007", "remove it"]),
    ('title: T\nstatement: "\\e[2J clears a terminal"\nobjective: tr(X)\nwrt: X\n',
     ["p.yaml:2: statement: contains the control character U+001B"]),
])
def test_errors_name_the_file_and_line(tmp_path, text, words):
    name = write(tmp_path, "p.yaml", text)
    assert_one_clear_paragraph(tracetrick("check", name, cwd=tmp_path), *words)
    assert not (tmp_path / "pwned").exists()


def test_a_control_character_in_a_title_on_the_command_line_is_refused(tmp_path):
    proc = tracetrick("derive", "tr(X)", "--wrt", "X", "--title", "ring \a", cwd=tmp_path)
    message = assert_one_clear_paragraph(proc, "--title: contains the control character U+0007")
    assert "\a" not in message


def test_a_file_that_is_not_utf8_is_pointed_at_by_line_and_column(tmp_path):
    (tmp_path / "p.yaml").write_bytes(b"title: T\nstatement: caf\xe9 au lait\n"
                                      b"objective: tr(X)\nwrt: X\n")
    message = assert_one_clear_paragraph(tracetrick("check", "p.yaml", cwd=tmp_path),
                                         "p.yaml:2:15: not UTF-8 text (byte 0xe9)",
                                         "save the file as UTF-8")
    assert message.splitlines()[-1].index("^") == message.splitlines()[-2].index("?")


@pytest.mark.skipif(shutil.which("kpsewhich") is None or shutil.which("latexmk") is None,
                    reason="TeX Live is installed by `make test`")
def test_a_tex_without_pdflatex_is_a_short_error_naming_what_is_missing(tmp_path):
    """kpsewhich and latexmk on PATH but not pdflatex (a half-installed TeX): what is
    missing and the command that installs it, not a log."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("kpsewhich", "latexmk"):
        (tools / tool).symlink_to(shutil.which(tool))
    name = write(tmp_path, "p.yaml", "title: T\nobjective: tr(X)\nwrt: X\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "generator", "render", name, "-o", "p.pdf"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                          env={"PATH": str(tools), "HOME": str(tmp_path)})
    proc.elapsed = time.monotonic() - started
    message = assert_one_clear_paragraph(proc, "pdflatex is not installed", "apt-get install")
    assert len(message.splitlines()) == 2 and not (tmp_path / "p.pdf").exists()


def test_an_objective_whose_values_overflow_everywhere_is_not_checked_and_says_why(tmp_path):
    proc = tracetrick("derive", "x^T exp(exp(exp(B + x x^T + 3 I))) x", "--wrt", "x",
                      "--let", "B: n x n", cwd=tmp_path)
    assert_one_clear_paragraph(proc, "every value finite", "is not finite on this instance",
                               "no sheet is written")
