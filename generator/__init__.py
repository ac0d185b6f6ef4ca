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
from typing import Any

from generator.version import __version__

__all__ = ["derive", "derive_text", "load_ipython_extension", "__version__"]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext generator` (done on `import generator` inside a running IPython too): a
    Derivation displays as its worked sheet (generator/render/notebook.py), and the cell
    magic `%%derive` takes the options of `tracetrick derive` (generator/cli.py)."""
    from generator.cli import derive_cell
    from generator.render.notebook import register_display

    register_display(ipython)
    ipython.register_magic_function(derive_cell, magic_kind="cell", magic_name="derive")


def _running_ipython() -> Any:
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


if _running_ipython() is not None:
    load_ipython_extension(_running_ipython())


def __getattr__(name: str) -> Any:
    if name in ("derive", "derive_text"):
        from generator import api

        return getattr(api, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
