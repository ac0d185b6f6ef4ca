"""What the PDF tests share: a PDF's text as a reader would copy it (poppler's pdftotext).

Math spacing and line breaks vary with the fonts, so most tests compare text with the
white space removed (`unspaced`) or collapsed to single spaces (`single_spaced`).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: Path) -> str:
    """The PDF's text, as pdftotext writes it."""
    assert shutil.which("pdftotext"), "pdftotext is missing: run scripts/ensure-tex.sh"
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def unspaced(pdf: Path) -> str:
    """The PDF's text with all white space removed."""
    return re.sub(r"\s+", "", pdf_text(pdf))


def single_spaced(pdf: Path) -> str:
    """The PDF's text with each run of white space made one space."""
    return " ".join(pdf_text(pdf).split())


def look_alike(a: Path, b: Path) -> bool:
    """The same text (pdftotext) and the same pixels on every page (pdftoppm), for two
    PDFs typeset two ways (the build's LaTeX path and latexmk's: tests and bench)."""
    if pdf_text(a) != pdf_text(b):
        return False
    with tempfile.TemporaryDirectory() as folder:
        pages = []
        for name, pdf in (("a", a), ("b", b)):
            subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), f"{folder}/{name}"],
                           check=True)
            pages.append([p.read_bytes() for p in sorted(Path(folder).glob(f"{name}-*.png"))])
    return bool(pages[0]) and pages[0] == pages[1]
