"""Safety, with real pdflatex runs: a problem file's prose that looks like TeX is printed,
never run; TeX is locked down (no shell escape, paranoid file access); a failed build
keeps the previous PDF and says where LaTeX failed and which problem that part is.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator.api import derive
from generator.errors import LatexError
from generator.problem.loader import load_file
from generator.render.latex_sheet import render_sheet
from generator.render.pdf import compile_pdf
from generator.render.tex_process import dump_command, pdflatex_command, tex_environment
from pdf_helpers import single_spaced as pdf_text

# Every character TeX treats specially, and commands that would read, write or run.
SPECIALS = r"$ % & # ^ ~ \ { } _ ^^5c"


@pytest.fixture()
def outside() -> Path:
    """A fresh folder with a short name (`/tmp/tt3k9x2a`), for what TeX must not touch:
    short, so the path is not hyphenated across lines in the PDF."""
    folder = Path(tempfile.mkdtemp(prefix="tt"))
    yield folder
    shutil.rmtree(folder)


def evil_text(outside: Path) -> dict[str, str]:
    ran, written = outside / "ran", outside / "written"
    return {
        "title": rf"Evil \input{{/etc/passwd}} \write18{{touch {ran}}} \catcode 92=12 "
                 rf"costs {SPECIALS}",
        "statement": rf"Also \immediate\write18{{touch {ran}}} \openout\o={written} "
                     rf"\csname end\endcsname \def\x{{y}} 100% {SPECIALS} done.",
    }




def yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def tracetrick(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    beside = Path(sys.executable).with_name("tracetrick")
    command = [str(beside) if beside.exists() else shutil.which("tracetrick"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_tex_in_a_title_or_statement_comes_out_literally_and_does_nothing(tmp_path, outside):
    evil = evil_text(outside)
    (tmp_path / "evil.yaml").write_text(
        f"title: {yaml_quoted(evil['title'])}\nnumber: 7\nobjective: tr(A X)\nwrt: X\n"
        f"statement: {yaml_quoted(evil['statement'])}\n", encoding="utf-8")
    proc = tracetrick("render", "evil.yaml", "-o", "evil.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(tmp_path / "evil.pdf")
    # Spaces aside: pdftotext guesses them from gaps, and the typewriter `_` after a
    # letter leaves one it sometimes reads as a space (`/tmp/abc _/ran`).
    unspaced = "".join(text.split())
    assert "".join(f"Problem 7: {evil['title']}".split()) in unspaced
    assert "".join(evil["statement"].split()) in unspaced
    assert list(outside.iterdir()) == []                # \write18 ran nothing, \openout
                                                        # wrote nothing
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first = passwd.read_text(errors="replace").split("\n", 1)[0]
        assert first and first not in text              # \input read nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.pdf", "evil.yaml"]


def test_latex_runs_without_shell_escape_and_with_paranoid_file_access():
    for command in (pdflatex_command("sheet.tex"), pdflatex_command("sheet.tex", "preamble"),
                    dump_command("key", "sheet.tex")):   # a sheet's passes, its format's dump
        assert command[0] == "pdflatex" and "-no-shell-escape" in command
        assert not any("shell-escape" in arg and "no-shell-escape" not in arg
                       for arg in command)
    env = tex_environment()
    assert (env["openin_any"], env["openout_any"], env["shell_escape"]) == ("p", "p", "f")
    assert "TEXMFOUTPUT" not in env
    if shutil.which("kpsewhich"):   # kpathsea itself reads the settings from the environment
        for name, value in (("openin_any", "p"), ("openout_any", "p"), ("shell_escape", "f")):
            found = subprocess.run(["kpsewhich", "-var-value", name], env=env,
                                   capture_output=True, text=True).stdout.strip()
            assert found == value, name


def test_a_failed_build_keeps_the_pdf_and_names_the_line_and_the_problem(tmp_path):
    (tmp_path / "05-quad.yaml").write_text(
        "title: Quadratic\nnumber: 5\nobjective: tr(X^T A X)\nwrt: X\n")
    (problem,) = load_file(tmp_path / "05-quad.yaml")
    derivation = derive(problem)
    out = tmp_path / "solutions.pdf"
    label = "solutions sheet 'Sheet'"
    compile_pdf(render_sheet([derivation], "solutions", title="Sheet"), out, source_label=label)
    before = out.read_bytes()

    broken = tmp_path / "templates"           # a template with an undefined command
    broken.mkdir()
    (broken / "steps.tex.j2").write_text("Steps of \\VAR{problem.number}. \\frobnicate\n")
    tex = render_sheet([derivation], "solutions", title="Sheet", template_dirs=[broken])
    line = next(i for i, text in enumerate(tex.splitlines(), 1) if "\\frobnicate" in text)
    with pytest.raises(LatexError) as info:
        compile_pdf(tex, out, source_label=label)
    first, shown = str(info.value).splitlines()
    assert first == (f"{label}: LaTeX error at line {line} of the .tex, in Problem 5 "
                     f"({tmp_path / '05-quad.yaml'}:1): Undefined control sequence.")
    assert shown == f"  {line}: Steps of 5. \\frobnicate"
    assert out.read_bytes() == before                # byte for byte the previous PDF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["05-quad.yaml", "solutions.pdf",
                                                          "templates"]
