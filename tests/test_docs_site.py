"""The documentation site: `mkdocs build --strict` (no broken link, no missing page), its
generated pages (the command line, the API, the rule catalogue, the gallery), its math
typeset offline in Chromium; the README a short front page whose links stay inside the
repository."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.output.gallery import GALLERY, page_name
from generator.problem.sets import load_sets
from generator.render.rules_page import rule_groups
from test_documented_examples import DOCUMENTS
from test_render_html import chromium

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "-d", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_the_site_has_every_page_of_the_nav(site):
    nav = re.findall(r"^  - [^:]+: (\S+)\.md$", (ROOT / "mkdocs.yml").read_text(), flags=re.M)
    assert len(nav) >= 15
    for page in nav:
        assert (site / f"{page}.html").is_file(), page


def test_the_generated_pages_come_from_the_code(site):
    cli = (site / "cli.html").read_text()
    for command in ("derive", "build", "rules", "variants", "--format"):
        assert command in cli
    assert "derive_text" in (site / "api.html").read_text()
    rules = (site / "rules.html").read_text()
    laws = sum(len(group.rows) for group in rule_groups())
    assert laws > 100 and rules.count('class="arithmatex"') >= laws
    for problem_set in load_sets(ROOT / "problems"):   # one gallery page per set, worked
        page = site / GALLERY / f"{page_name(problem_set)}.html"
        text = page.read_text()
        assert problem_set.problems[0].title.split("`")[0] in text and "Step 1" in text


def test_chromium_typesets_the_gallery_offline(site, tmp_path):
    dom = chromium(site / "gallery" / "notes.html", tmp_path, "--dump-dom")
    assert re.search(r"<mjx-container", dom), "MathJax did not typeset (or did not load)"
    body = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
    assert 'data-mml-node="merror"' not in body   # no TeX error
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<code\b.*?</code>", "", body, flags=re.S))
    assert "\\(" not in text   # no math left raw in what is shown


def test_the_readme_is_a_short_front_page_whose_links_stay_inside():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 150
    for document in DOCUMENTS:
        for target in re.findall(r"\]\(([^)#\s]+)", document.read_text()):
            assert not target.startswith(("http:", "https:")), f"{document.name}: {target}"
            assert (document.parent / target).resolve().is_relative_to(ROOT), target
            generated = target == "rules.md" or target.startswith(f"{GALLERY}/")   # at build
            assert generated or (document.parent / target).exists(), f"{document.name}: {target}"
