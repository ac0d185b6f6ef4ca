"""MkDocs hooks of the documentation site (mkdocs.yml): the generated pages and MathJax.

The rule catalogue and the gallery are made from the code and the problem files at each
build (generator/output/gallery.py), never kept as copies that could drift; MathJax is
the installed copy the HTML sheets use (generator/render/mathjax.py), so the site works
offline."""
from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

from generator.output.gallery import gallery_pages, rules_page
from generator.render.mathjax import copy_assets

ROOT = Path(__file__).resolve().parents[1]


def on_files(files, config):
    pages = {"rules.md": rules_page(), **gallery_pages(ROOT / "problems")}
    for path, text in pages.items():
        files.append(File.generated(config, path, content=text))
    return files


def on_post_build(config):
    copy_assets(Path(config["site_dir"]))
