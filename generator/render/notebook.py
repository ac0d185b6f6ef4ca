"""Jupyter's display of a Derivation: its worked sheet as Markdown (with math) and its
answers as LaTeX.  Registered by the class's name, so that nothing heavy is imported
until a Derivation is shown (generator/__init__.py registers it, with the `%%derive`
magic of generator/cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.derivation import Derivation


def register_display(ipython: Any) -> None:
    formatters = ipython.display_formatter.formatters
    formatters["text/markdown"].for_type_by_name("generator.derivation", "Derivation", _markdown_of)
    formatters["text/latex"].for_type_by_name("generator.derivation", "Derivation", _latex_of)


def _markdown_of(derivation: Derivation) -> str:
    from generator.render.markdown import derivation_markdown

    return derivation_markdown(derivation)


def _latex_of(derivation: Derivation) -> str:
    from generator.render.latex_sheet import answers_latex

    return answers_latex(derivation)
