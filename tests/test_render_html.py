"""HTML output: `--format html` / `-o FILE.html` for derive, render and build; MathJax
shipped beside the pages; prose from YAML escaped; and the pages opened in a real
headless Chromium, offline, where MathJax must have typeset every formula.

Chromium: `make test` installs Debian's `chromium` (scripts/ensure-browser.sh).
Without a browser the browser tests fail in CI (CI=true) and are skipped elsewhere.
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import derive_text
from web_helpers import evil_problem, run
from generator.render.html import CONTENT_SECURITY_POLICY, MATHJAX_CONFIG, render_html
from generator.render.mathjax import ASSET_DIR, SCRIPT, copy_assets, installed_script_uri
from generator.render.text import verification_sentence
from generator.render.sheet import sheet_of

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_PATH = f"{ASSET_DIR.as_posix()}/{SCRIPT}"

EVIL_TITLE = r"<script>alert(1)</script> \input{/etc/passwd} \(x\) $y$"
EVIL_PROBLEM = evil_problem(EVIL_TITLE)


class MathSpans(HTMLParser):
    """The text inside the elements MathJax typesets (class tex2jax_process), the text
    outside them, and every element's tag."""

    def __init__(self):
        super().__init__()
        self.depth = 0          # inside a tex2jax_process element: its nesting depth
        self.math: list[str] = []
        self.prose: list[str] = []
        self.tags: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.in_script = tag in ("script", "style")
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "tex2jax_process" in classes:
            if not self.depth:
                self.math.append("")
            self.depth += 1

    def handle_endtag(self, tag):
        self.in_script = False
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.math[-1] += data
        elif not self.in_script:
            self.prose.append(data)


def parse(page: str) -> MathSpans:
    parser = MathSpans()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def quadratic():
    return derive_text("tr(X^T A X)", "X", ("A: n x n, constant", "X: n x m"))


# ----- the page -------------------------------------------------------------------------

def test_derive_html_to_the_terminal_uses_the_installed_mathjax(quadratic):
    out = run("derive", "tr(X^T A X)", "--wrt", "X", "--format", "html").output
    assert out.startswith("<!DOCTYPE html>")
    assert f'<script defer src="{installed_script_uri()}"></script>' in out
    spans = parse(out)
    assert r"\(\nabla_{X} L\)" in spans.math
    assert any(m.startswith(r"\[\begin{aligned}") for m in spans.math)


def test_derive_html_file_gets_mathjax_beside_it(tmp_path, quadratic):
    page = tmp_path / "pages" / "quadratic.html"
    result = run("derive", "tr(X^T A X)", "--wrt", "X", "-o", str(page))
    assert f"wrote {page}" in result.output
    text = page.read_text()
    assert f'<script defer src="{SCRIPT_PATH}"></script>' in text
    assets = tmp_path / "pages" / ASSET_DIR
    assert (assets / SCRIPT).stat().st_size > 1_000_000
    assert "Apache License" in (assets / "LICENSE").read_text()


def test_the_page_holds_the_steps_answer_and_check(quadratic):
    page = render_html([quadratic], "single", title=quadratic.problem.title,
                       mathjax_src=SCRIPT_PATH)
    spans = parse(page)
    aligned = [m for m in spans.math if m.startswith(r"\[\begin{aligned}")]
    assert len(aligned) == sum(1 for s in sheet_of(quadratic) if s.lines)
    assert r"\(\boxed{\nabla_{X} L = (A + A^{T}) X}\)" in spans.math
    prose = " ".join(" ".join(spans.prose).split())
    assert "Step 1: Take the differential of both sides" in prose
    assert verification_sentence(quadratic) in prose
    assert "&amp;= " in page  # the aligned rows' `&` is escaped in the source


def test_a_sheet_has_the_reference_and_every_problem(tmp_path):
    out = tmp_path / "05.html"
    run("render", str(ROOT / "problems" / "05-trace-quadratic.yaml"), "-o", str(out))
    page = out.read_text()
    assert "<h2>Reference: the trace trick</h2>" in page
    assert re.search(r'<li value="1"><span class="math tex2jax_process">\\\(.+\\\)</span>',
                     page)
    assert "<h2>Problem 5: Trace of quadratic product</h2>" in page
    assert (tmp_path / ASSET_DIR / SCRIPT).is_file()


def test_build_html_refers_to_one_copy_of_mathjax(tmp_path):
    problems = tmp_path / "problems"
    (problems / "week-2").mkdir(parents=True)
    (problems / "05-trace-quadratic.yaml").write_text(
        (ROOT / "problems" / "05-trace-quadratic.yaml").read_text())
    (problems / "week-2" / "01-quad.yaml").write_text(
        "title: Quadratic form\nnumber: 1\nobjective: x^T A x\nwrt: x\n")
    out = tmp_path / "site"
    run("build", str(problems), "-o", str(out), "--format", "html")
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == ["05-trace-quadratic.html", "solutions.html", "week-2/01-quad.html",
                     "week-2/solutions.html", "week-2/worksheet.html", "worksheet.html"]
    assert [p.relative_to(out) for p in out.rglob(SCRIPT)] == [ASSET_DIR / SCRIPT]
    assert f'src="{SCRIPT_PATH}"' in (out / "solutions.html").read_text()
    assert f'src="../{SCRIPT_PATH}"' in (out / "week-2" / "solutions.html").read_text()
    worksheet = (out / "worksheet.html").read_text()
    assert '<div class="work"></div>' in worksheet and "Step 1" not in worksheet


def test_copying_mathjax_again_changes_nothing(tmp_path):
    script = copy_assets(tmp_path)
    before = script.stat().st_mtime_ns
    assert copy_assets(tmp_path) == script and script.stat().st_mtime_ns == before


def test_only_mathjax_and_its_configuration_may_run():
    digest = base64.b64encode(hashlib.sha256(MATHJAX_CONFIG.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


# ----- escaping --------------------------------------------------------------------------

def test_a_malicious_problem_file_is_text_and_never_math(tmp_path):
    source = tmp_path / "01-evil.yaml"
    source.write_text(EVIL_PROBLEM)
    out = tmp_path / "evil.html"
    run("render", str(source), "-o", str(out))
    page = out.read_text()
    spans = parse(page)
    assert spans.tags.count("script") == 2           # the configuration and MathJax
    assert "img" not in spans.tags
    assert "<script>alert" not in page and "<img" not in page
    assert f"<h2>Problem 1: {html.escape(EVIL_TITLE, quote=True)}</h2>" in page
    assert not any("passwd" in m or "alert" in m for m in spans.math)
    # the backtick math of the statement is typeset all the same
    assert r"\(\operatorname{tr}\left(A X\right)\)" in spans.math


def test_a_malicious_title_in_the_page_title_and_heading():
    d = derive_text("tr(A X)", "X", title=EVIL_TITLE)
    page = render_html([d], "solutions", title=EVIL_TITLE, description="<b>x</b>",
                       mathjax_src=SCRIPT_PATH)
    assert "<title>&lt;script&gt;" in page
    assert "<h1>&lt;script&gt;" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


# ----- in a real browser -------------------------------------------------------------------

def browser() -> str:
    """A Chrome or Chromium binary; fails in CI and skips elsewhere when there is none."""
    for name in (os.environ.get("TRACETRICK_BROWSER"), "chromium", "chromium-browser",
                 "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    message = ("no Chromium to open the HTML pages in: run `make test` (it installs "
               "Debian's chromium via scripts/ensure-browser.sh) or set TRACETRICK_BROWSER")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium(page: Path, tmp_path: Path, *extra: str, fragment: str = "") -> str:
    """Open `page` (at `#fragment`) headless, offline, let its scripts run, and return
    stdout."""
    command = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}",
               "--virtual-time-budget=20000", *extra,
               page.resolve().as_uri() + (f"#{fragment}" if fragment else "")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"chromium failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory) -> Path:
    """A solutions page of a real problem and a malicious one, with MathJax beside it."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "05-trace-quadratic.yaml").write_text(
        (ROOT / "problems" / "05-trace-quadratic.yaml").read_text())
    (folder / "06-evil.yaml").write_text(EVIL_PROBLEM.replace("number: 1", "number: 6"))
    out = folder / "out"
    run("build", str(folder), "-o", str(out), "--format", "html")
    return out


def test_chromium_typesets_every_formula_offline(evil_site, tmp_path):
    page = evil_site / "solutions.html"
    source_math = parse(page.read_text()).math
    dom = chromium(page, tmp_path, "--dump-dom")
    assert 'data-mathjax="typeset"' in dom, "MathJax did not finish (or did not load)"
    containers = re.findall(r"<mjx-container\b[^>]*>", dom)
    assert len(containers) == len(source_math) > 20
    assert len([c for c in containers if 'display="true"' in c]) == \
        len([m for m in source_math if m.startswith(r"\[")])
    body = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
    assert "<svg" in body and 'data-mml-node="merror"' not in body  # no TeX error
    # No TeX is left but the malicious title's literal `\(x\)`, which is prose.
    assert body.count("\\(") == 1 and "\\(x\\) $y$" in body
    assert "\\[" not in body and "\\begin{aligned}" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_chromium_screenshot_of_a_derivation(tmp_path):
    page = tmp_path / "quadratic.html"
    run("derive", "tr(X^T A X)", "--wrt", "X", "--let", "A: n x n, constant", "-o", str(page))
    shot = tmp_path / "quadratic.png"
    chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,1200",
             "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1000, 1200)
    assert len(data) > 30_000   # typeset formulas, not a blank page
    if os.environ.get("TRACETRICK_KEEP_SCREENSHOT"):  # to look at it: a path to copy it to
        shutil.copyfile(shot, os.environ["TRACETRICK_KEEP_SCREENSHOT"])


@pytest.mark.skipif(sys.platform != "linux", reason="the CI machines are Debian")
def test_the_browser_script_finds_the_installed_chromium():
    browser()
    done = subprocess.run(["bash", str(ROOT / "scripts" / "ensure-browser.sh")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
