"""tracetrick: matrix-calculus derivations, step by step, verified and typeset."""
__version__ = "0.1.0"
