"""The mathematics every stage shares: the expression tree (`expr`), symbols and their
shapes (`symbols`, `dims`, `shapes`).  It imports nothing else of the package but the
errors, so every other concern can depend on it."""

# str(expr) prints the math syntax: the printer registers itself with the tree on import
# (generator/math/expr.py says why it is not imported there).
from generator.syntax import printer as _printer  # noqa: E402,F401
