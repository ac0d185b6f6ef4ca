"""How large math input may be: nesting depth, length, exponents; and the stack room
to reach the allowed depth safely.

Parsing, printing and comparing trees all recurse, so the syntax layer refuses input
that nests more than MAX_DEPTH levels with a MathSyntaxError at the offending column,
instead of letting a RecursionError escape from whichever stage hits the limit first.

The other limits keep every later stage quick, so that no input makes the program hang:
- MAX_MATH_LENGTH: a math field (objective, expect, solution, `derive`'s argument) is
  refused above this many characters by the loader, before it is parsed (the longest
  shipped objective has under 100; derivation and verification grow faster than
  linearly in the size of the objective).
- MAX_EXPONENT: `X^k` is differentiated as a product of k factors, one term each, so
  the parser refuses a whole-number exponent above this (`X^99999999999` would
  otherwise expand without end).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from types import FrameType
from typing import Iterator

MAX_DEPTH = 200
MAX_MATH_LENGTH = 1000
MAX_EXPONENT = 50
_FRAMES_PER_LEVEL = 10  # the parser spends up to ~9 frames per level (sum ... call ... sum)


@contextmanager
def room_for_nesting(levels: int) -> Iterator[None]:
    """Make room on the Python stack for `levels` levels of the parser's recursion.

    The default limit of 1000 frames is below what 200 levels cost, so the limit is
    raised (never lowered) for the duration and restored afterwards: the depth check,
    not the interpreter, is what stops deep input.
    """
    old = sys.getrecursionlimit()
    needed = _stack_depth() + levels * _FRAMES_PER_LEVEL + 100
    if needed > old:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        if needed > old:
            sys.setrecursionlimit(old)


def _stack_depth() -> int:
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth
