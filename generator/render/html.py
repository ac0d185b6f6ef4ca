"""Derivations -> one HTML page, math typeset in the browser by a MathJax shipped beside it.

The same views as the Markdown page (render/web.py) through `templates/sheet.html.j2`,
in a Jinja environment with autoescape on: every value a template prints is
HTML-escaped, and the `prose`, `math` and `display` filters return markup they built
from escaped pieces.  Math is written in MathJax's standard `\\( \\)` and `\\[ \\]`
delimiters, each inside an element of class `tex2jax_process` under a body of class
`tex2jax_ignore`: MathJax typesets exactly the math tracetrick printed, never a
`\\(` that a title or statement happens to contain.

A Content-Security-Policy allows scripts only from the page's own folder (MathJax) and
the inline configuration (by its hash), so even a mistake in escaping could not run a
script.  Where MathJax comes from and how it is copied: render/mathjax.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Sequence

import jinja2
from markupsafe import Markup, escape

from generator.version import __version__
from generator.derivation import Derivation
from generator.render.templates import make_web_environment, render_template
from generator.render.pieces import Rich
from generator.render.sheet_options import SheetKind
from generator.render.web import page_context, rich

TEMPLATE = "sheet.html.j2"

# MathJax reads this before it starts.  `pageReady` marks the page when the math is
# typeset (`<html data-mathjax="typeset">`), which tests and scripts can wait for.
MATHJAX_CONFIG = """window.MathJax = {
  options: {ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process'},
  svg: {fontCache: 'global'},
  startup: {
    pageReady: function () {
      return MathJax.startup.defaultPageReady().then(function () {
        document.documentElement.setAttribute('data-mathjax', 'typeset');
      });
    }
  }
};"""


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(*inline_scripts: str) -> str:
    """Scripts only from the page's folder (MathJax) and these inline ones, by hash."""
    return (
        "default-src 'none'; "
        f"script-src 'self' file: {' '.join(map(_script_hash, inline_scripts))}; "
        "style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:"
    )


CONTENT_SECURITY_POLICY = content_security_policy(MATHJAX_CONFIG)


def html_environment(template_dirs: Sequence[str | os.PathLike] = ()) -> jinja2.Environment:
    """The Jinja environment of the HTML pages: autoescape on, and the filters that
    build markup from escaped pieces."""
    return make_web_environment(
        template_dirs,
        autoescape=True,
        filters={"prose": html_rich, "math": inline_math, "display": display_math},
    )


def html_rich(value: Rich | str) -> Markup:
    """Prose (a string with backtick math, or pieces) -> HTML: text escaped, math typeset."""
    pieces = rich(value) if isinstance(value, str) else value
    return Markup("").join(inline_math(p.text) if p.math else escape(p.text) for p in pieces)


def inline_math(latex: str) -> Markup:
    return Markup('<span class="math tex2jax_process">\\({}\\)</span>').format(latex)


def display_math(latex: str) -> Markup:
    return Markup('<div class="display tex2jax_process">\\[{}\\]</div>').format(latex)


def render_html(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    *,
    title: str,
    mathjax_src: str,
    description: str = "",
    template_dirs: Sequence[str | os.PathLike] = (),
    reveal: int | None = None,
    course: str = "",
    date: str = "",
) -> str:
    """One HTML page: "worksheet", "solutions" or "single" (see web.page_context).

    `mathjax_src` is the URL of MathJax's script as the page refers to it: a relative
    path to a copy beside the page (mathjax.copy_assets, mathjax.script_src) or the
    installed copy's file:// URL (mathjax.installed_script_uri).
    """
    env = html_environment(template_dirs)
    context = page_context(
        derivations,
        kind,
        title=title,
        description=description,
        reveal=reveal,
        course=course,
        date=date,
    )
    return render_template(
        env,
        TEMPLATE,
        **context,
        mathjax_src=mathjax_src,
        mathjax_config=Markup(MATHJAX_CONFIG),
        content_security_policy=CONTENT_SECURITY_POLICY,
        version=__version__,
    )
