"""The LaTeX path with real pdflatex: a sheet's preamble read from a cached format made
once, one pass where nothing asks for another, more while a label changes, and the same
PDF (text and pixels) as latexmk's two passes over the same .tex."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.render import pdf
from generator.render.latex_sheet import render_sheet
from generator.render.tex_format import cache_folder
from pdf_helpers import look_alike, pdf_text, single_spaced
from sample_derivations import problem5, problem6

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="TeX Live is installed by `make test`")

DOCUMENT = "\\documentclass{article}\n%s\\begin{document}\n%s\n\\end{document}\n"


@pytest.fixture
def runs(monkeypatch, tmp_path) -> list[list[str]]:
    """Every pdflatex command a compile runs (the real runs), in a cache of this test."""
    monkeypatch.setenv("TRACETRICK_CACHE", str(tmp_path / "cache"))
    seen: list[list[str]] = []
    real = pdf.run_tex

    def recorded(command, *args, **kwargs):
        seen.append(command)
        return real(command, *args, **kwargs)
    monkeypatch.setattr(pdf, "run_tex", recorded)
    return seen


def _formats() -> list[Path]:
    return sorted(cache_folder().glob("*.fmt"))


def test_the_preamble_is_dumped_once_and_read_from_its_format_after(tmp_path, runs):
    source = DOCUMENT % ("\\usepackage{amsmath}\n", "$x^2$")
    pdf.compile_pdf(source, tmp_path / "a.pdf")
    (made,) = _formats()
    stamp = made.stat().st_mtime_ns
    pdf.compile_pdf(source.replace("x^2", "y^3"), tmp_path / "b.pdf")
    assert _formats() == [made] and made.stat().st_mtime_ns >= stamp
    assert [c for c in runs if "-ini" not in c] == [pdf.pdflatex_command("sheet.tex",
                                                                         "preamble")] * 2
    assert "y3" in "".join(pdf_text(tmp_path / "b.pdf").split())


def test_a_changed_preamble_gets_a_format_of_its_own(tmp_path, runs):
    pdf.compile_pdf(DOCUMENT % ("\\usepackage{amsmath}\n", "x"), tmp_path / "a.pdf")
    pdf.compile_pdf(DOCUMENT % ("\\usepackage{amssymb}\n", "$\\mathbb{R}$"), tmp_path / "b.pdf")
    assert len(_formats()) == 2
    assert "R" in pdf_text(tmp_path / "b.pdf")


def test_without_a_usable_cache_the_sheet_is_typeset_from_its_whole_source(tmp_path, runs,
                                                                          monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TRACETRICK_CACHE", str(blocked))
    pdf.compile_pdf(DOCUMENT % ("", "plain"), tmp_path / "a.pdf")
    assert runs == [pdf.pdflatex_command("sheet.tex")]
    assert "plain" in pdf_text(tmp_path / "a.pdf")


def test_a_preamble_the_dump_refuses_is_reported_from_the_whole_source(tmp_path, runs):
    with pytest.raises(pdf.LatexError, match=r"line 2 of the \.tex.*Undefined control"):
        pdf.compile_pdf(DOCUMENT % ("\\nosuchmacro\n", "x"), tmp_path / "a.pdf")
    assert _formats() == [] and runs[-1] == pdf.pdflatex_command("sheet.tex")


def test_passes_go_on_while_a_label_changes(tmp_path, runs):
    """A user's preamble with "page 1 of 2" (lastpage): the reference is right."""
    body = "\\markright{of \\pageref{LastPage}}one\\newpage two"
    pdf.compile_pdf(DOCUMENT % ("\\usepackage{lastpage}\n\\pagestyle{myheadings}\n", body),
                    tmp_path / "a.pdf")
    passes = [c for c in runs if "-ini" not in c]
    assert 2 <= len(passes) <= pdf.MOST_PASSES
    text = single_spaced(tmp_path / "a.pdf")
    assert "of 2" in text and "??" not in text


def test_a_sheet_needs_one_pass(tmp_path, runs):
    tex = render_sheet([problem5(), problem6()], "solutions", title="Solutions")
    pdf.compile_pdf(tex, tmp_path / "s.pdf")
    assert len([c for c in runs if "-ini" not in c]) == 1


@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftoppm") is None,
                    reason="latexmk and poppler are installed by `make test`")
@pytest.mark.parametrize("kind", ["solutions", "worksheet"])
def test_the_pdf_is_latexmks_in_text_and_pixels(tmp_path, kind):
    tex = render_sheet([problem5(), problem6()], kind, title="Sheet")
    ours = tmp_path / "ours.pdf"
    pdf.compile_pdf(tex, ours)
    theirs = tmp_path / "latexmk"
    theirs.mkdir()
    (theirs / "sheet.tex").write_text(tex, encoding="utf-8")
    subprocess.run(["latexmk", "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
                    "sheet.tex"], cwd=theirs, check=True, capture_output=True, timeout=120)
    assert look_alike(ours, theirs / "sheet.pdf")
