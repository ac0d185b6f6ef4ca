"""tracetrick: matrix-calculus derivations with the trace trick, step by step,
verified and typeset.

    >>> from generator import derive_text
    >>> str(derive_text("tr(X^T A X)", "X").gradient)
    '(A + A^T) X'

`derive(problem)` takes a Problem (see generator.problem.loader); `derive_text(objective, wrt,
lets)` parses the math syntax first.  Both are imported on first use, so that
`tracetrick --help` does not pay for sympy and numpy.
"""
__version__ = "0.1.0"

__all__ = ["derive", "derive_text", "__version__"]


def __getattr__(name: str):
    if name in ("derive", "derive_text"):
        from generator import api
        return getattr(api, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
