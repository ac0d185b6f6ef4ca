"""Derivations -> Markdown with `$...$` / `$$...$$` math (GitHub, Jupyter, pandoc, MkDocs).

The same views as the HTML page (render/web.py) through `templates/sheet.md.j2`.
Prose from a YAML file is escaped for Markdown: `<`, `>`, `&` and the backslash
become entities (so no raw HTML reaches a renderer that allows it, and no `\\(` opens
math in Jupyter), and Markdown's and the math renderers' other special characters
(`$`, `*`, `_`, braces, brackets, ...) are backslash-escaped.  Only the math the
printers wrote (and backtick math in prose) is between dollar signs.
"""

from __future__ import annotations

import os
import re
from typing import Sequence

import jinja2

from generator.derivation import Derivation
from generator.render.templates import make_web_environment, render_template
from generator.render.pieces import Rich
from generator.render.sheet_options import SheetKind
from generator.render.web import page_context, rich

TEMPLATE = "sheet.md.j2"

# A backslash becomes an entity: `\\(` would open math in Jupyter's Markdown cells.
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\\": "&#92;"}
_BACKSLASHED = set("`*_{}[]#|~$")
# What starts a list or a heading at the beginning of a paragraph.
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape_markdown(text: str, line_start: bool = True) -> str:
    """Plain text -> Markdown that shows exactly that text, never markup or math.

    `line_start`: the text begins a paragraph, where `1.`, `-` or `=` would begin a
    list or a heading.
    """
    out = "".join(_ENTITIES.get(c, "\\" + c if c in _BACKSLASHED else c) for c in text)
    if not line_start:
        return out
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)


def markdown_rich(value: Rich | str) -> str:
    """Prose (a string with backtick math, or pieces) -> Markdown: text escaped, math in `$`."""
    pieces = rich(value) if isinstance(value, str) else value
    out = []
    for index, piece in enumerate(pieces):
        if piece.math:
            out.append(f"${piece.text}$")
        else:
            out.append(escape_markdown(piece.text, line_start=index == 0))
    return "".join(out)


def markdown_environment(template_dirs: Sequence[str | os.PathLike] = ()) -> jinja2.Environment:
    """The Jinja environment of the Markdown pages and its filters."""
    return make_web_environment(
        template_dirs, autoescape=False, filters={"md": markdown_rich, "md_text": escape_markdown}
    )


def render_markdown(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    *,
    title: str,
    description: str = "",
    template_dirs: Sequence[str | os.PathLike] = (),
    reveal: int | None = None,
    course: str = "",
    date: str = "",
) -> str:
    """A Markdown document: "worksheet", "solutions" or "single" (see web.page_context)."""
    env = markdown_environment(template_dirs)
    context = page_context(
        derivations,
        kind,
        title=title,
        description=description,
        reveal=reveal,
        course=course,
        date=date,
    )
    text = render_template(env, TEMPLATE, **context)
    return tidied(text)


def tidied(text: str) -> str:
    """A rendered Markdown page without the runs of blank lines its template's blocks
    leave, ending in one newline."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def derivation_markdown(derivation: Derivation) -> str:
    """One derivation on its own (the CLI's `--format markdown`, Jupyter's display)."""
    return render_markdown([derivation], "single", title=derivation.problem.title)
