"""The proof of every printed line: numeric evaluation on random instances (`numeric`),
the check of each recorded step (`verify`) and sympy's second opinion (`sympy_bridge`)."""
