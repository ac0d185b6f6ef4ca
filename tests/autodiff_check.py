"""Every corpus identity's exported derivatives against a library's own autodiff; run
by tests/test_code_export.py in a process of its own, once per library:

    python tests/autodiff_check.py jax     # jax.grad / jax.jacobian / jax.hessian
    python tests/autodiff_check.py torch   # torch.func.grad / jacrev / hessian

The library differentiates the value of its own export (the objective alone, translated)
at random inputs; that is compared with the derivatives the numpy export and the
library's export return (the printed answers, translated): an independent check of every
answer.  Prints, as JSON, for each identity: how many draws were checked, the largest
relative error, and a failure (or "").
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Callable

# XLA compiles each checked function once; its optimisations are worth nothing for
# programs run twice (and take a third of the check's time)
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 "
                                   "--xla_llvm_disable_expensive_passes=true")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS  # noqa: E402
from generator.api import derive  # noqa: E402
from generator.check.numeric import (Evaluator, UnluckyInstance, draw_instance,  # noqa: E402
                                     on_positive_domain)
from generator.check.verify import relative_error  # noqa: E402
from generator.problem.command_line import problem_from_text  # noqa: E402
from generator.render.code import export  # noqa: E402

DRAWS, WANTED = 60, 2   # up to DRAWS random inputs, until WANTED are in the domain


class Jax:
    """JAX's transforms; what is checked of an identity is compiled once (the draws
    share it: one XLA program, not one per operation)."""

    def __init__(self):
        import jax
        jax.config.update("jax_enable_x64", True)
        self.jax = jax

    def array(self, value):
        return self.jax.numpy.asarray(value)

    def compiled(self, f: Callable, eager: bool) -> Callable:
        return f if eager else self.jax.jit(f)

    def transform(self, kind: str, f: Callable) -> Callable:
        return {"grad": self.jax.grad, "jacobian": self.jax.jacobian,
                "hessian": self.jax.hessian}[kind](f)


class Torch:
    """PyTorch's autograd (torch.autograd.functional: what a user's training loop runs),
    eager as PyTorch is."""

    def __init__(self):
        import torch
        import torch.autograd.functional
        self.torch = torch

    def array(self, value):
        return self.torch.as_tensor(value, dtype=self.torch.float64)

    def compiled(self, f: Callable, eager: bool) -> Callable:
        return f

    def transform(self, kind: str, f: Callable) -> Callable:
        functional = self.torch.autograd.functional
        made = functional.hessian if kind == "hessian" else functional.jacobian
        return lambda x, inputs: made(lambda y: f(y, inputs), x)


LIBRARIES = {"jax": Jax, "torch": Torch}


def _function(derivation, backend: str):
    code = export(derivation, backend)
    namespace: dict = {}
    exec(compile(code.text, f"<{backend} export>", "exec"), namespace)   # our own output
    return namespace[code.function], code


def _vec_jacobian(jacobian: np.ndarray, f_shape, x_shape) -> np.ndarray:
    """The library's Jacobian (f's axes, then x's) as the matrix of d vec(f) / d vec(x),
    the columns stacked (vec is column-major)."""
    j = np.asarray(jacobian).reshape(*f_shape, *x_shape)
    j = j.transpose(1, 0, 3, 2)   # (f cols, f rows, x cols, x rows): column-major order
    return j.reshape(f_shape[0] * f_shape[1], x_shape[0] * x_shape[1])


# The same size for a name in every identity: JAX compiles each operation for each shape
# it meets, so fixed sizes keep its cache warm (random sizes cost 30 s of compiling).
# Different names get different sizes, so that a transposed product cannot conform by
# chance.
SIZES = {"n": 4, "m": 3, "k": 2, "p": 5, "h": 6, "d": 5, "N": 7}   # n > m: X^T X of an n x m X inverts


def _sizes(table) -> dict[str, int]:
    names = sorted({d for s in table.symbols for d in s.shape if isinstance(d, str)})
    return {name: SIZES.get(name, 3 + i % 4) for i, name in enumerate(names)}


def _inputs(derivation, code, seed: int):
    """Random arguments as the function takes them: arrays, a scalar as a number."""
    table = derivation.symbols
    instance = draw_instance(table, derivation.problem.wrt, np.random.default_rng(seed),
                             _sizes(table),
                             positive=on_positive_domain(derivation.problem.objective))
    return instance, {
        argument: float(instance.values[name][0, 0]) if not table[name].shape
        else instance.values[name] for argument, name in zip(code.arguments, code.symbols)}


def _relative(a, b) -> float:
    """The checks' own relative error (with its floor: a derivative that is 0 but for
    rounding, det(X^T A X) of a wide X, is compared as 0); NaN counts as infinite, so
    that it never compares as small."""
    error = relative_error(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return error if np.isfinite(error) else float("inf")


def check(row, library, name: str) -> dict:
    problem = problem_from_text(row.objective, row.wrt, row.lets,
                                hessian=row.hessian is not None)
    derivation = derive(problem, verify=False)   # the answer, which this checks itself
    numpy_fn, code = _function(derivation, "python")
    own_fn, _ = _function(derivation, name)
    wrt = code.arguments[code.symbols.index(derivation.problem.wrt)]
    jacobian = derivation.problem.kind == "jacobian"

    def value(x, inputs):
        return own_fn(**{**inputs, wrt: x})[0]
    derivative = library.transform("jacobian" if jacobian else "grad", value)
    second_order = library.transform("hessian", value)

    def measured(x, inputs):
        """The library's derivatives of the value, and what its export returns."""
        hessian = second_order(x, inputs) if derivation.second_order is not None else None
        return derivative(x, inputs), hessian, own_fn(**{**inputs, wrt: x})
    # eager where a whole-number symbol (the k of X^k) is an argument: the power needs
    # its value while JAX traces
    measure = library.compiled(measured, eager=any(derivation.symbols[s].has("integer")
                                                   for s in code.symbols))
    checked, largest = 0, 0.0
    for seed in range(DRAWS):
        instance, inputs = _inputs(derivation, code, seed)
        try:   # the draw is in the domain where the sheet's own checks would take it
            Evaluator(instance.values, instance.dims)(derivation.gradient)
        except UnluckyInstance:
            continue
        with np.errstate(all="ignore"):
            ours = numpy_fn(**inputs)
        if not all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in ours):
            continue   # log of a negative entry: the sheet's checks take log |v|, numpy not
        arrays = {a: library.array(v) if isinstance(v, np.ndarray) or a == wrt else v
                  for a, v in inputs.items()}
        x = arrays[wrt]
        theirs, hessian, exported = measure(x, arrays)
        theirs = np.asarray(theirs)
        if jacobian:
            x_shape = np.shape(x) if np.ndim(x) == 2 else (1, 1)
            theirs = _vec_jacobian(theirs, np.shape(ours[0]), x_shape)
        answers = (ours, exported)   # the numpy export's, and the library's
        largest = max([largest] + [_relative(np.asarray(a[1]), theirs) for a in answers])
        if hessian is not None:
            size = int(np.prod(np.shape(x)))
            second = np.asarray(hessian).reshape(size, size)
            largest = max([largest] + [_relative(np.asarray(a[-1]), second) for a in answers])
        checked += 1
        if checked == WANTED:
            break
    return {"checked": checked, "largest_error": largest, "failure": ""}


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "jax"
    library = LIBRARIES[name]()
    results = {}
    for row in CORPUS:
        try:
            results[row.id] = check(row, library, name)
        except Exception:   # reported per identity, so that one failure names itself
            results[row.id] = {"checked": 0, "largest_error": float("inf"),
                               "failure": traceback.format_exc(limit=3)}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
