"""tracetrick: matrix-calculus derivations with the trace trick, step by step,
verified and typeset.

    >>> from generator import derive_text
    >>> str(derive_text("tr(X^T A X)", "X").gradient)
    '(A + A^T) X'

`derive(problem)` takes a Problem (see generator.problem.loader); `derive_text(objective, wrt,
lets)` parses the math syntax first.  Both are imported on first use, so that
`tracetrick --help` does not pay for sympy and numpy.
"""
import sys

from generator.version import __version__

__all__ = ["derive", "derive_text", "load_ipython_extension", "__version__"]


def load_ipython_extension(ipython) -> None:
    """In Jupyter (or IPython) a Derivation displays as its worked sheet: Markdown with
    `$$` math.  Done on `import generator` inside a running IPython, and by
    `%load_ext generator`.  The display is registered by the class's name, so the
    engine's record knows nothing of the renderers (and nothing heavy is imported)."""
    formatter = ipython.display_formatter.formatters["text/markdown"]
    formatter.for_type_by_name("generator.derivation", "Derivation", _markdown_of)


def _markdown_of(derivation) -> str:
    from generator.render.markdown import derivation_markdown
    return derivation_markdown(derivation)


def _running_ipython():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


if _running_ipython() is not None:
    load_ipython_extension(_running_ipython())


def __getattr__(name: str):
    if name in ("derive", "derive_text"):
        from generator import api
        return getattr(api, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
