"""Markdown output: `--format markdown` / `-o FILE.md` for derive, render and build, the
Jupyter display of a Derivation, and prose from YAML escaped so it is only ever text."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import derive_text
from generator.cli import main
from web_helpers import evil_problem, run
from generator.render.markdown import derivation_markdown, escape_markdown, render_markdown
from generator.render.text import verification_sentence
from generator.render.sheet import sheet_of

ROOT = Path(__file__).resolve().parent.parent

EVIL_TITLE = r"<script>alert(1)</script> \input{/etc/passwd} \(x\) $y$ *b* [l](javascript:x)"
EVIL_PROBLEM = evil_problem(EVIL_TITLE)


def display_blocks(markdown: str) -> list[str]:
    """The bodies of the `$$ ... $$` blocks (each `$$` alone on its line)."""
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)


@pytest.fixture(scope="module")
def quadratic():
    return derive_text("tr(X^T A X)", "X", ("A: n x n, constant", "X: n x m"))


@pytest.fixture(scope="module")
def regression():
    return derive_text("||A x - b||^2", "x", solve=True)


# ----- one derivation -----------------------------------------------------------------

def test_derive_markdown_has_the_heading_steps_answer_and_check(quadratic):
    out = run("derive", "tr(X^T A X)", "--wrt", "X", "--let", "A: n x n, constant",
              "--let", "X: n x m", "--format", "markdown").output
    # the library's page, but for the measured errors of another run's random instances
    unmeasured = (lambda page: [line for line in page.splitlines()
                                if not line.startswith("Every line was checked")])
    assert unmeasured(out) == unmeasured(derivation_markdown(quadratic))
    assert out.startswith(r"## Gradient of $\operatorname{tr}")
    assert r"Let $L = \operatorname{tr}\left(X^{T} A X\right)$, where $A$ is $n \times n$ " \
           r"(constant), $X$ is $n \times m$." in out
    headings = re.findall(r"^### Step (\d+): (.*)$", out, flags=re.M)
    assert [int(k) for k, _ in headings] == list(range(1, len(sheet_of(quadratic)) + 1))
    assert headings[0][1].startswith("Take the differential of both sides")
    assert r"**Answer:** $\boxed{\nabla_{X} L = (A + A^{T}) X}$" in out
    check, laws = out.index("Every line was checked numerically on 3 "), out.index("**Laws cited:**")
    assert check < laws
    # the laws the steps cite, numbered 1, 2, ... for this page, and only those
    listed = re.findall(r"^(\d+)\. \$", out[laws:], flags=re.M)
    cited = {n.strip() for group in re.findall(r"^### Step \d+: .* \(([0-9, ]+)\)$", out,
                                                 flags=re.M) for n in group.split(",")}
    assert listed == [str(k) for k in range(1, len(listed) + 1)] and set(listed) == cited


def test_each_step_is_one_aligned_block_of_its_lines(quadratic):
    out = derivation_markdown(quadratic)
    blocks = display_blocks(out)
    assert len(blocks) == sum(1 for s in sheet_of(quadratic) if s.lines)
    for block, step in zip(blocks, (s for s in sheet_of(quadratic) if s.lines)):
        assert block.startswith(r"\begin{aligned}") and block.endswith(r"\end{aligned}")
        rows = block.splitlines()[1:-1]
        assert len(rows) == len(step.lines)
        assert all("&= " in row for row in rows)
    assert blocks[0].splitlines()[1] == \
        r"\mathrm{d}L &= \mathrm{d}\left(\operatorname{tr}\left(X^{T} A X\right)\right)"
    assert blocks[1].splitlines()[1].endswith(r"\\")   # a row that the next continues


def test_the_numeric_check_is_the_text_renderers_sentence(regression):
    assert verification_sentence(regression) in derivation_markdown(regression)


def test_a_solution_is_boxed_with_its_conditions(regression):
    out = derivation_markdown(regression)
    assert (r"**Setting the gradient to zero:** $\boxed{x = (A^{T} A)^{-1} A^{T} b}$, "
            r"provided $A^{T} A$ is invertible.") in out
    assert "Find $\\nabla_{x} L$ and set it to zero." in out


def test_scalar_inverses_are_fractions_as_on_the_pdf():
    out = derivation_markdown(derive_text("log(x^T x)", "x"))
    assert r"\frac{" in out and r"(x^{T} x)^{-1}" not in out


def test_jupyter_displays_a_derivation_as_markdown(quadratic):
    from IPython.core.interactiveshell import InteractiveShell
    import generator
    shell = InteractiveShell.instance()
    generator.load_ipython_extension(shell)
    shown, _ = shell.display_formatter.format(quadratic)
    assert shown["text/markdown"] == derivation_markdown(quadratic)
    assert "$$\n\\begin{aligned}" in shown["text/markdown"]


def test_importing_generator_inside_ipython_registers_the_display():
    code = ("from IPython.core.interactiveshell import InteractiveShell; "
            "shell = InteractiveShell.instance(); "
            "from generator import derive_text; "
            "shown, _ = shell.display_formatter.format(derive_text('tr(A X)', 'X')); "
            "print(shown['text/markdown'].count('nabla'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert int(out.stdout.strip()) >= 1, out.stderr


def test_importing_the_derivation_does_not_import_the_renderers():
    code = ("import sys, generator.derivation; "
            "print(any(m.startswith('generator.render') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# ----- sheets: render and build ---------------------------------------------------------

def test_render_writes_a_solutions_sheet_with_the_reference(tmp_path):
    out = tmp_path / "05.md"
    result = run("render", str(ROOT / "problems" / "05-trace-quadratic.yaml"), "-o", str(out))
    assert f"wrote {out}" in result.output
    text = out.read_text()
    assert text.startswith("# ")
    assert "## Reference: the trace trick" in text
    assert re.search(r"^1\. \$.*\$ — \*.+\*$", text, flags=re.M)  # numbered laws
    assert "## Problem 5: Trace of quadratic product" in text
    assert re.search(r"^### Step 2: .* \((\d+, )*\d+\)$", text, flags=re.M)  # cited laws


def test_render_format_markdown_defaults_to_output_name_md(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # the default output/ is relative to where the user is
    result = CliRunner().invoke(main, ["render", str(ROOT / "problems" / "04-trace-linear.yaml"),
                                       "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "04-trace-linear.md").is_file()


def test_build_markdown_writes_every_sheet_and_problem(tmp_path):
    problems = tmp_path / "problems"
    (problems / "extra").mkdir(parents=True)
    for name in ("04-trace-linear.yaml", "05-trace-quadratic.yaml"):
        (problems / name).write_text((ROOT / "problems" / name).read_text())
    (problems / "extra" / "01-quad.yaml").write_text(
        "title: Quadratic form\nnumber: 1\nobjective: x^T A x\nwrt: x\n")
    out = tmp_path / "out"
    result = run("build", str(problems), "-o", str(out), "--format", "markdown")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == ["04-trace-linear.md", "05-trace-quadratic.md", "extra/01-quad.md",
                       "extra/solutions.md", "extra/worksheet.md", "solutions.md",
                       "worksheet.md"]
    assert "wrote" in result.output
    worksheet = (out / "worksheet.md").read_text()
    assert "## Problem 5: Trace of quadratic product" in worksheet
    assert "### Step" not in worksheet and "Answer" not in worksheet
    assert "### Step 1:" in (out / "solutions.md").read_text()
    assert not (out / "_assets").exists()  # Markdown needs no MathJax of its own


def test_the_console_script_writes_markdown(tmp_path):
    out = tmp_path / "tr.md"
    done = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(A X)", "--wrt", "X",
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert r"$\boxed{\nabla_{X} L = A^{T}}$" in out.read_text()


# ----- escaping --------------------------------------------------------------------------

@pytest.mark.parametrize("text, markdown", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (r"\input{/etc/passwd}", r"&#92;input\{/etc/passwd\}"),
    (r"\(x\) and \[y\]", r"&#92;(x&#92;) and &#92;\[y&#92;\]"),
    ("$x$ costs $5", r"\$x\$ costs \$5"),
    ("*a* _b_ `c` ~d~ |e|", r"\*a\* \_b\_ \`c\` \~d\~ \|e\|"),
    ("[link](javascript:alert(1))", r"\[link\](javascript:alert(1))"),
    ("# not a heading", r"\# not a heading"),
    ("1. not a list", r"1\. not a list"),
    ("- not a list", r"\- not a list"),
    ("A & B", "A &amp; B"),
    ("Trace of a product", "Trace of a product"),
])
def test_prose_is_escaped_for_markdown(text, markdown):
    assert escape_markdown(text) == markdown


def test_a_malicious_problem_file_stays_text(tmp_path):
    source = tmp_path / "01-evil.yaml"
    source.write_text(EVIL_PROBLEM)
    out = tmp_path / "evil.md"
    run("render", str(source), "-o", str(out))
    text = out.read_text()
    assert "<script" not in text and "<img" not in text
    assert r"\input{" not in text and r"\(x\)" not in text
    heading = next(line for line in text.splitlines() if line.startswith("## Problem 1"))
    assert heading == ("## Problem 1: " + escape_markdown(EVIL_TITLE))
    # backtick math in the statement is still typeset
    assert r"&amp; $\operatorname{tr}\left(A X\right)$ is the objective." in text


def test_a_malicious_title_through_the_library():
    d = derive_text("tr(A X)", "X", title=EVIL_TITLE)
    out = render_markdown([d], "solutions", title=EVIL_TITLE, description="<b>bold</b>")
    assert "<script" not in out and "<b>" not in out
    assert out.startswith("# &lt;script&gt;")
