"""The functions applied entry by entry (`exp(v)`, `sin(X)`, `relu(W x)`): what each one is.

One record per function: its name in the math syntax, its LaTeX, its value at 0 (which
`exp(b - b) = ones(n)` uses), and the convention a sheet states where its derivative
is used (relu and abs have none at 0).  The other tables keyed by these names are kept
where their knowledge lives, and a test holds them to this list: the differential of
each (generator/engine/rules_elementwise.py) and its numeric value
(generator/check/numeric.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional


@dataclass(frozen=True)
class EntrywiseFunction:
    name: str
    latex: str  # `\sin`, `\operatorname{softplus}`
    at_zero: Optional[Fraction]  # f(0); None where f is not defined at 0 (log)
    convention: str = ""  # said on the line that uses its derivative
    braced: bool = False  # `\sqrt{x}`: the argument in braces, not parentheses


_FUNCTIONS = (
    EntrywiseFunction("exp", r"\exp", Fraction(1)),
    EntrywiseFunction("log", r"\log", None),
    EntrywiseFunction("sigmoid", r"\sigma", Fraction(1, 2)),
    EntrywiseFunction("sin", r"\sin", Fraction(0)),
    EntrywiseFunction("cos", r"\cos", Fraction(1)),
    EntrywiseFunction("tanh", r"\tanh", Fraction(0)),
    EntrywiseFunction("softplus", r"\operatorname{softplus}", None),  # log 2
    EntrywiseFunction("sqrt", r"\sqrt", None, braced=True),  # 0 ends its domain
    EntrywiseFunction(
        "relu",
        r"\operatorname{relu}",
        Fraction(0),
        "relu has no derivative at 0: it is taken as step(0) = 0 there",
    ),
    EntrywiseFunction(
        "abs",
        r"\operatorname{abs}",
        Fraction(0),
        "abs has no derivative at 0: it is taken as sign(0) = 0 there",
    ),
    EntrywiseFunction(
        "step",
        r"\operatorname{step}",
        Fraction(0),
        "step (1 where the entry is positive, else 0) is constant away from "
        "0: its differential is 0 there",
    ),
    EntrywiseFunction(
        "sign",
        r"\operatorname{sign}",
        Fraction(0),
        "sign is constant away from 0: its differential is 0 there",
    ),
)

ENTRYWISE: dict[str, EntrywiseFunction] = {f.name: f for f in _FUNCTIONS}
ELEMENTWISE_FUNCTIONS: tuple[str, ...] = tuple(ENTRYWISE)
