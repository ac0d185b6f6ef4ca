"""The value of an expression that holds differentials, on one random instance: dX is a
random direction, and d(...) of anything else its directional derivative by complex
step (exact to rounding).  Shared by the tests that check a rewrite keeps the value."""
from __future__ import annotations

import numpy as np

from generator.check.numeric import STEP, Evaluator, draw_instance, on_positive_domain
from generator.math.symbols import SymbolTable


def value_along(expr, table: SymbolTable, wrt: str, seed: int) -> np.ndarray:
    inst = draw_instance(table, wrt, np.random.default_rng(seed),
                         positive=on_positive_domain(expr))
    perturbed = dict(inst.values)
    perturbed[wrt] = inst.values[wrt] + 1j * STEP * inst.direction
    moved = Evaluator(perturbed, inst.dims)
    ev = Evaluator(inst.values, inst.dims, {wrt: inst.direction},
                   lambda e: np.imag(moved(e)) / STEP)
    return ev(expr)
