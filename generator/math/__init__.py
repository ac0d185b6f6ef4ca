"""The mathematics every stage shares: the expression tree (`expr`), symbols and their
shapes (`symbols`, `dims`, `shapes`).  It imports nothing else of the package but the
errors, so every other concern can depend on it."""
