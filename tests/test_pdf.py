"""Real pdflatex builds: the sample sheets typeset, errors are reported with their
line, a failed build keeps the previous PDF, and TeX cannot read, write or run what
it should not.  (No mocks: `make test` installs TeX Live first.)
"""
from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from generator.errors import LatexError
from generator.render.latex_sheet import render_sheet
from generator.render.pdf import compile_pdf, first_latex_error, write_text_atomic
from sample_derivations import problem5, problem6
from pdf_helpers import pdf_text

MINIMAL = "\\documentclass{article}\n\\begin{document}\n%s\n\\end{document}\n"




@pytest.fixture(scope="module")
def solutions_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "solutions.pdf"
    tex = render_sheet([problem5(), problem6()], "solutions", title="Trace trick: solutions")
    compile_pdf(tex, out, source_label="solutions")
    return out


def test_the_solutions_sheet_typesets(solutions_pdf):
    assert solutions_pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(solutions_pdf)
    assert "Problem 5: Trace of quadratic product" in text
    assert "Step 1: Take the differential of both sides" in text
    assert "Step 2: Use the product rule of the differential" in text
    assert "Step 5: Identify G" in text   # `G` typeset
    assert "Answer:" in text
    assert "Problem 6: Linear regression" in text
    assert "Setting the gradient to zero:" in text
    assert "Checked numerically on 3 random instances" in text
    assert not list(solutions_pdf.parent.glob("*.tmp"))


@pytest.mark.parametrize("kind, derivations", [
    ("worksheet", [problem5(), problem6()]),
    ("single", [problem6()]),
])
def test_the_other_kinds_typeset(tmp_path, kind, derivations):
    out = tmp_path / "nested" / f"{kind}.pdf"  # missing directories are made
    compile_pdf(render_sheet(derivations, kind, title="Sheet"), out)
    text = pdf_text(out)
    assert "Linear regression" in text
    assert ("Step 1" in text) == (kind == "single")


def test_escaped_prose_typesets_as_written(tmp_path):
    d = problem5()
    evil = r"Evil \input{/etc/passwd} costs $5 & 100% of a_b #1"
    d = dataclasses.replace(d, problem=dataclasses.replace(d.problem, title=evil))
    out = tmp_path / "evil.pdf"
    compile_pdf(render_sheet([d], "single", title=evil), out)
    text = pdf_text(out)
    assert r"Evil \input{/etc/passwd} costs $5 & 100% of a" in text  # `_` prints as a rule
    assert "root:" not in text


def _sheet_titled(tmp_path: Path, title: str) -> Path:
    d = problem5()
    d = dataclasses.replace(d, problem=dataclasses.replace(d.problem, title=title))
    out = tmp_path / "titled.pdf"
    compile_pdf(render_sheet([d], "single", title="Sheet"), out)
    return out


def test_quotes_in_a_title_print_as_typed_not_as_curly_closing_quotes(tmp_path):
    text = pdf_text(_sheet_titled(tmp_path, 'The "trick" and \'\'this\'\' and `that`, x_1 <y>'))
    assert '"trick"' in text and "\u201d" not in text and "\u201c" not in text
    assert "x_1 <y>" in text


def test_a_long_word_in_a_title_breaks_inside_the_page(tmp_path):
    import subprocess
    word = "a_very_long_file_name_without_any_spaces_that_would_run_off_the_page.yaml"
    out = _sheet_titled(tmp_path, f"Problem from {word}")
    boxes = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True,
                           text=True, check=True).stdout
    import re
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right_edges and max(right_edges) < width - 30   # inside the right margin
    assert word[:20] in pdf_text(out).replace("\n", "")


def test_a_broken_document_names_the_line_and_keeps_the_previous_pdf(tmp_path,
                                                                   solutions_pdf):
    out = tmp_path / "sheet.pdf"
    shutil.copyfile(solutions_pdf, out)
    before = out.read_bytes()
    broken = MINIMAL % "Fine.\n\n\\frobnicate{x}\n"
    with pytest.raises(LatexError) as info:
        compile_pdf(broken, out, source_label="broken")
    message = str(info.value)
    assert message.startswith("broken: ")
    assert "line 5" in message  # \frobnicate is on line 5 of the .tex
    assert "Undefined control sequence" in message
    assert "\\frobnicate{x}" in message
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf"]


def test_a_failed_first_build_leaves_no_file(tmp_path):
    out = tmp_path / "never.pdf"
    with pytest.raises(LatexError, match="line 3"):
        compile_pdf(MINIMAL % "\\begin{itemize}", out)
    assert not out.exists()


def read_attempt(tmp_path: Path, target: Path) -> tuple[bool, str]:
    """Typeset a document that \\input's `target`: (did it fail, text of the PDF)."""
    out = tmp_path / "read.pdf"
    try:
        compile_pdf(MINIMAL % f"Before. \\input{{{target}}} After.", out)
    except LatexError:
        return True, ""
    return False, pdf_text(out)


def test_tex_cannot_read_files_by_absolute_path(tmp_path):
    secret = tmp_path / "outside" / "secret.tex"
    secret.parent.mkdir()
    secret.write_text("SECRETMARKER\n")
    failed, text = read_attempt(tmp_path, secret)
    assert failed or "SECRETMARKER" not in text


def test_tex_cannot_read_etc_hostname(tmp_path):
    hostname = Path("/etc/hostname")
    if not hostname.is_file() or not hostname.read_text().strip():
        pytest.skip("this machine has no /etc/hostname to try")
    failed, text = read_attempt(tmp_path, hostname)
    assert failed or hostname.read_text().strip() not in text


def test_tex_cannot_write_outside_its_build_directory(tmp_path):
    target = tmp_path / "written.tex"
    body = f"\\newwrite\\out\\immediate\\openout\\out={target}\n" \
           "\\immediate\\write\\out{x}\\immediate\\closeout\\out\nText."
    try:
        compile_pdf(MINIMAL % body, tmp_path / "w.pdf")
    except LatexError:
        pass
    assert not target.exists()


def test_tex_cannot_run_programs(tmp_path):
    target = tmp_path / "ran"
    try:
        compile_pdf(MINIMAL % f"\\immediate\\write18{{touch {target}}}Text.",
                    tmp_path / "s.pdf")
    except LatexError:
        pass
    assert not target.exists()


def test_a_document_that_loops_forever_is_stopped(tmp_path):
    out = tmp_path / "loop.pdf"
    with pytest.raises(LatexError, match="did not finish within 3 s"):
        compile_pdf(MINIMAL % "\\def\\loop{\\loop}\\loop", out, timeout=3)
    assert not out.exists()
    assert not orphaned_tex_processes(), "pdflatex was left running"


def orphaned_tex_processes() -> list[str]:
    """Processes still working in a build directory that compile_pdf has removed."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if "tracetrick-tex-" in cwd and cwd.endswith("(deleted)"):
            found.append(f"{proc.name}: {cwd}")
    return found


def test_without_pdflatex_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LatexError, match="make pdf"):
        compile_pdf(MINIMAL % "x", tmp_path / "x.pdf")


@pytest.mark.parametrize("log, expected", [
    ("(./sheet.tex\n./sheet.tex:12: Undefined control sequence.\nl.12 \\foo\n",
     ("sheet.tex", 12, "Undefined control sequence.")),
    ("/usr/share/texmf/tex/latex/x.sty:40: LaTeX Error: Bad.\n",
     ("/usr/share/texmf/tex/latex/x.sty", 40, "LaTeX Error: Bad.")),
    ("! Emergency stop.\n<*> sheet.tex\n\nl.7 \\end\n", ("", 7, "Emergency stop.")),
    ("This is pdfTeX\nOutput written on sheet.pdf (1 page, 1 bytes).\n", None),
])
def test_first_latex_error(log, expected):
    assert first_latex_error(log) == expected


def test_write_text_atomic_replaces_the_whole_file(tmp_path):
    path = tmp_path / "out" / "sheet.tex"
    write_text_atomic(path, "first")
    write_text_atomic(path, "second \u2207")
    assert path.read_text(encoding="utf-8") == "second \u2207"
    assert [p.name for p in path.parent.iterdir()] == ["sheet.tex"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_every_corpus_sheet_and_the_large_families_typeset(tmp_path):
    """One solutions sheet of every identity of the corpus, a 16-layer network and the
    product chain of 16: each line as it is cut into rows (a long sum inside a trace or a
    fraction, a long boxed answer) and elided (`A_2 X \\cdots`) goes through real
    pdflatex.  A sum cut inside a fraction's numerator once broke LaTeX ("Missing }")."""
    from corpus import CORPUS
    from generator.api import derive
    from generator.problem.command_line import problem_from_text
    problems = [problem_from_text(row.objective, row.wrt, row.lets, solve=row.solve,
                                  hessian=row.hessian is not None) for row in CORPUS]
    network = "x"
    for i in range(16, 0, -1):
        network = f"sigmoid(A{i} {network})"
    sixteen = tuple(f"A{i}: n x n" for i in range(1, 17))
    problems += [problem_from_text(f"sum({network})", "x", sixteen),
                 problem_from_text("tr(" + " ".join(f"A{i} X" for i in range(1, 17)) + ")",
                                   "X", sixteen)]
    derivations = [dataclasses.replace(derive(p), problem=dataclasses.replace(p, number=k))
                   for k, p in enumerate(problems, 1)]
    out = tmp_path / "corpus.pdf"
    compile_pdf(render_sheet(derivations, "solutions", title="Corpus"), out)
    assert out.stat().st_size > 0
    text = pdf_text(out)
    assert "Name the layers" in text and "Problem %d" % len(problems) in text
