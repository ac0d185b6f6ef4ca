"""The command line, through click's runner and as a real subprocess."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent


run = invoke


def test_derive_prints_the_steps_and_the_answer():
    result = run("derive", "tr(X^T A X)", "--wrt", "X")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Step 1: Take the differential of both sides" in out
    assert "tr(dX^T A X + X^T A dX)" in out
    assert out.index("Step 1") < out.index("Step 2") < out.index("Answer")
    assert "Answer: grad_X L = (A + A^T) X" in out


def test_derive_json_follows_the_contract():
    result = run("derive", "tr(X^T A X)", "--wrt", "X", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"title", "objective", "wrt", "symbols", "steps", "gradient", "gradient_latex",
            "verified"} <= set(data)
    assert data["objective"] == "tr(X^T A X)" and data["wrt"] == "X"
    assert data["gradient"] == "(A + A^T) X"
    assert data["symbols"]["A"]["constant"] is True
    assert len(data["symbols"]["A"]["shape"]) == 2
    step = data["steps"][1]
    assert step["rule"] == "differential-product"
    assert {"rule", "says", "lhs", "expr", "latex"} <= set(step)
    assert data["verified"]["trials"] == 3
    assert data["verified"]["numeric_max_rel_error"] < 1e-9


def test_json_gradient_reads_back_into_derive():
    """`gradient` is in the math syntax: the program can read its own output."""
    from generator.syntax.parser import parse
    data = json.loads(run("derive", "||A x - b||^2", "--wrt", "x", "--solve",
                          "--format", "json").output)
    assert parse(data["gradient"]) is not None
    assert data["solution"] == "(A^T A)^-1 A^T b"
    assert data["conditions"] == ["A^T A is invertible"]


def test_derive_latex_is_a_document():
    result = run("derive", "tr(A X)", "--wrt", "X", "--format", "latex")
    assert result.exit_code == 0, result.output
    assert "\\begin{document}" in result.output and "\\end{document}" in result.output


def test_derive_with_let_declarations():
    result = run("derive", "tr(X^T A X)", "--wrt", "X", "--let", "A: n x n, symmetric",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["symbols"]["A"].get("symmetric") is True


def test_greek_letters_are_one_name_in_the_objective_let_wrt_and_a_file(tmp_path):
    """`μ` in the objective is `mu`; so it is in --let, --wrt and a file's symbols."""
    result = run("derive", "(x - μ)^T Σ^-1 (x - μ)", "--wrt", "μ", "--let", "μ: n",
                 "--let", "Σ: n x n, symmetric", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["gradient"] == "-2 Sigma^-1 (x - mu)"
    assert data["symbols"]["Sigma"].get("symmetric") is True
    path = tmp_path / "greek.yaml"
    path.write_text("title: G\nsymbols:\n  Σ: {shape: [n, n], symmetric: true}\n  μ: n\n"
                    "objective: (x - μ)^T Σ^-1 (x - μ)\nwrt: μ\n", encoding="utf-8")
    done = run("render", str(path), "--format", "text", "-o", str(tmp_path / "g.txt"))
    assert done.exit_code == 0, done.output
    assert "grad_mu L = -2 Sigma^-1 (x - mu)" in (tmp_path / "g.txt").read_text("utf-8")


@pytest.mark.parametrize("args, words", [
    (["derive", "tr(X^T A X", "--wrt", "X"], ["column"]),
    (["derive", "tr(A X) +", "--wrt", "X"], ["column"]),
    (["derive", "tr(X^T A X)", "--wrt", "Y"], ["Y"]),
    (["derive", "x^T A x + c", "--wrt", "x"], ["c", "scalar"]),
    (["derive", "tr(A X)", "--wrt", "X", "--let", "A: n x n", "--let", "X: m x m"],
     ["A", "X"]),
])
def test_bad_input_is_one_clear_paragraph(args, words):
    result = run(*args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for w in words:
        assert w in result.output


def test_usage_errors_exit_2():
    assert run("derive", "tr(X)").exit_code == 2          # --wrt missing
    assert run("derive", "tr(X)", "--wrt", "X", "--bogus").exit_code == 2


def _console_script() -> list[str]:
    """The installed `tracetrick` next to this Python (the venv's bin/), else on PATH."""
    beside = Path(sys.executable).with_name("tracetrick")
    found = str(beside) if beside.exists() else shutil.which("tracetrick")
    assert found, "the console script `tracetrick` is not installed"
    return [found]


def test_subprocess_console_script_and_module():
    for cmd in ([sys.executable, "-m", "generator"], _console_script()):
        proc = subprocess.run(cmd + ["derive", "tr(A X)", "--wrt", "X"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "Answer: grad_X L = A^T" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(A X", "--wrt", "X"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr


def test_check_and_list_on_the_shipped_problems():
    result = run("check", str(ROOT / "problems"))
    assert result.exit_code == 0, result.output
    shipped = len(list((ROOT / "problems").rglob("[0-9]*.yaml")))
    assert f"{shipped} passed, 0 failed" in result.output
    assert "problems/cookbook/01-trace-linear.yaml: Trace of a linear product" in result.output
    listing = run("list", str(ROOT / "problems"))
    assert listing.exit_code == 0
    assert "Trace of quadratic product" in listing.output and "tr(X^T A X)" in listing.output
    assert "cookbook: Matrix calculus: the Matrix Cookbook and machine learning" in listing.output
    # a problem of several variables lists them all (networks/01: wrt: [W1, W2])
    assert any("A two-layer network " in line and " W1, W2 " in line
               for line in listing.output.splitlines())


def test_check_fails_on_a_bad_problem(tmp_path):
    (tmp_path / "bad.yaml").write_text("title: Bad\nobjective: tr(X^T A X)\nwrt: X\nexpect: A X\n")
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    assert "0 passed, 1 failed" in result.output


def test_new_scaffolds_a_problem_that_checks(tmp_path):
    result = run("new", "07-my-problem", "-d", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "07-my-problem.yaml"
    assert path.exists()
    assert run("check", str(path)).exit_code == 0
    assert run("new", "07-my-problem", "-d", str(tmp_path)).exit_code == 1  # no overwrite


def test_a_successful_derivation_prints_nothing_on_stderr():
    """sympy's deprecation warnings (its second opinion on `tr(X - I)^2`) stay off it."""
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(X - I)^2",
                           "--wrt", "X"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Answer:" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize("args", [
    ("--debug", "derive", "tr(A X", "--wrt", "X"),
    ("derive", "tr(A X", "--wrt", "X", "--debug"),   # where a user adds it after a failure
])
def test_debug_shows_the_traceback_before_or_after_the_command(args):
    process = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                             text=True, timeout=120)
    assert process.returncode == 1
    assert "Traceback (most recent call last)" in process.stderr
    assert "MathSyntaxError" in process.stderr


def test_debug_after_the_separator_is_the_objective():
    result = invoke("derive", "--wrt", "X", "--", "--debug")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_conditions_print_as_math_even_in_a_tuple():
    from generator import derive_text
    derivation = derive_text("||A x - b||^2", "x", solve=True)
    assert repr(derivation.conditions) == "(A^T A is invertible,)"


def test_a_derivation_and_its_expressions_show_as_math_at_a_prompt():
    """What a REPL or a notebook's plain output shows: the math, not constructor trees."""
    from generator import derive_text
    derivation = derive_text("||A x - b||^2", "x", solve=True)
    assert repr(derivation.gradient) == str(derivation.gradient) == "2 A^T (A x - b)"
    assert repr(derivation.solution) == "(A^T A)^-1 A^T b"
    assert repr(derivation) == ("Derivation(grad_x L = 2 A^T (A x - b), L = ||A x - b||^2; "
                                f"{len(derivation.steps)} steps, checked on 3 draws)")
    assert "Symbol(" not in repr(derivation.steps[0])   # a step's sides are math too
    several = derive_text("||U V - A||_F^2", ("U", "V"))
    assert repr(several).startswith("Derivation(grad_U L = 2 (U V - A) V^T, grad_V L = ")


def test_sympy_is_asked_from_the_command_line_and_its_verdict_printed(tmp_path):
    """`--sympy` on derive and check (a problem file's `sympy: true` likewise); without it
    the sheet says nothing of sympy."""
    plain = invoke("derive", "tr(X^T A X)", "--wrt", "X")
    asked = invoke("derive", "--sympy", "tr(X^T A X)", "--wrt", "X")
    assert plain.exit_code == asked.exit_code == 0
    assert "sympy" not in plain.output
    assert asked.output.rstrip().endswith("sympy's own matrix derivative agrees.")
    wrong = invoke("derive", "--sympy", "logdet(X)", "--wrt", "X")
    assert "gives another value, which fails the same check" in wrong.output
    (tmp_path / "p.yaml").write_text("title: T\nobjective: tr(A X)\nwrt: X\nsympy: true\n")
    sheet = tmp_path / "p.txt"
    assert invoke("render", str(tmp_path / "p.yaml"), "-o", str(sheet)).exit_code == 0
    assert "sympy's own matrix derivative agrees" in sheet.read_text()
    checked = invoke("check", "--sympy", str(tmp_path))
    assert checked.exit_code == 0 and "sympy's own matrix derivative agrees)" in checked.output
