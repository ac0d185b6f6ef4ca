"""`tracetrick rules`: the whole rule catalogue as a document of its own, grouped,
numbered as the catalogue numbers its laws, searchable; text, Markdown, HTML, LaTeX, PDF."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter


from cli_helpers import invoke
from generator.engine.catalogue import CATALOGUE
from generator.render.reference import whole_catalogue
from generator.render.rules_page import STEPS_TITLE, rule_groups
from pdf_helpers import single_spaced


def test_every_rule_of_the_engine_is_on_the_page_once():
    groups = rule_groups()
    listed = Counter(i for g in groups for row in g.rows for i in row.ids)
    assert set(listed) == {r.id for r in CATALOGUE} and set(listed.values()) == {1}
    laws = [row for g in groups for row in g.rows if row.number is not None]
    # numbered as the whole catalogue numbers them, so a sheet's order is this page's
    assert [row.number for row in laws] == [row.number for row in whole_catalogue().rows]
    (steps,) = [g for g in groups if g.title == STEPS_TITLE]
    assert {i for row in steps.rows for i in row.ids} == {r.id for r in CATALOGUE if r.procedure}
    assert groups[0].title == "The trace" and groups[-1].title == STEPS_TITLE
    assert all(row.why.endswith(".") and row.name for g in groups for row in g.rows)


def test_search_keeps_the_laws_that_hold_every_word():
    everything = sum(len(g.rows) for g in rule_groups())
    found = [row for g in rule_groups("cyclic trace") for row in g.rows]
    assert 0 < len(found) < everything
    assert all("cyclic" in row.words and "trace" in row.words for row in found)
    assert "trace-cyclic" in {i for row in found for i in row.ids}


def test_the_command_prints_the_catalogue_and_searches_it():
    result = invoke("rules")
    assert result.exit_code == 0, result.output
    assert "The trace\n---------\n" in result.output
    assert re.search(r"^ +\(\d+\) cyclic property of the trace: tr\(A B\) = tr\(B A\)$",
                     result.output, flags=re.M)
    searched = invoke("rules", "--search", "determinant")
    assert searched.exit_code == 0
    assert "differential-det" in searched.output and "trace-cyclic" not in searched.output
    nothing = invoke("rules", "--search", "no-such-law")
    assert nothing.exit_code == 1 and "no law of the catalogue" in nothing.output
    assert invoke("rules", "--format", "pdf").exit_code == 2     # a PDF needs -o
    assert invoke("rules", "-o", "rules.json").exit_code == 2


def test_markdown_has_a_heading_per_group_and_the_laws_in_math(tmp_path):
    out = tmp_path / "rules.md"
    assert invoke("rules", "-o", str(out)).exit_code == 0
    text = out.read_text()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == [g.title for g in rule_groups()]
    assert r"1. $\lVert x \rVert_2^{2} = x^{T} x" in text


def test_the_html_page_searches_in_a_real_browser(tmp_path):
    from test_render_html import chromium
    page = tmp_path / "site" / "rules.html"
    assert invoke("rules", "-o", str(page)).exit_code == 0
    assert (page.parent / "_assets" / "mathjax").is_dir()     # works offline
    dom = chromium(page, tmp_path, "--dump-dom", fragment="determinant")
    assert 'data-mathjax="typeset"' in dom
    items = re.findall(r"<li\b[^>]*>", dom)
    shown = [li for li in items if " hidden" not in li]
    assert len(items) == sum(len(g.rows) for g in rule_groups())
    assert 0 < len(shown) < len(items)
    assert all("determinant" in li for li in shown)


def test_the_pdf_is_typeset_by_latex(tmp_path):
    out = tmp_path / "rules.pdf"
    done = subprocess.run([sys.executable, "-m", "generator", "rules", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = single_spaced(out)
    assert "The rule catalogue" in text and "Steps of the method" in text
    assert "trace-cyclic" in text
