"""`tracetrick new NAME`: a commented problem file to start from."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import ProblemError

TEMPLATE = """\
# A tracetrick problem (every field: docs/problem-format.md; `tracetrick schema` for editors).
title: {title}
# number: 7                 # optional: order on the sheet and "Problem 7"
symbols:                    # optional: undeclared symbols are inferred
  A: {{shape: [n, n], constant: true}}
  X: {{shape: [n, m]}}
objective: tr(X^T A X)      # the scalar L, in the math syntax
wrt: X                      # the variable
# method: differential      # differential (default) | elementwise
# solve: false              # true: set the gradient to zero and solve for wrt
# expect: (A + A^T) X       # optional: the expected gradient, checked
statement: A is a constant square matrix.
# reveal: 1                 # optional: the worksheet shows the first step as a hint
# sympy: true               # optional: also sympy's derivative, a second opinion
"""


def write_scaffold(name: str, directory: Path) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ProblemError(
            f"'{name}' is not a usable file name; use letters, digits, '-', '_' "
            f"(for example: 07-my-problem)"
        )
    path = directory / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists():
        raise ProblemError(f"{path} already exists; choose another name")
    directory.mkdir(parents=True, exist_ok=True)
    title = re.sub(r"^[0-9]+[-_ ]*", "", path.stem).replace("-", " ").replace("_", " ")
    path.write_text(TEMPLATE.format(title=title.capitalize() or "New problem"))
    return path
