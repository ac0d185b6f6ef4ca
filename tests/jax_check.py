"""Every corpus identity's exported derivative against JAX's autodiff; run by
tests/test_code_export.py in a process of its own.  Prints, as JSON, for each identity:
how many random draws were checked, the largest relative error, and a failure (or "").

    python tests/jax_check.py
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import jax  # a test dependency (pyproject.toml), installed by make
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS  # noqa: E402
from generator.api import derive  # noqa: E402
from generator.check.numeric import (Evaluator, UnluckyInstance, draw_instance,  # noqa: E402
                                     on_positive_domain)
from generator.check.verify import relative_error  # noqa: E402
from generator.problem.command_line import problem_from_text  # noqa: E402
from generator.render.code import export  # noqa: E402

jax.config.update("jax_enable_x64", True)
DRAWS, WANTED = 60, 2   # up to DRAWS random inputs, until WANTED are in the domain


def _function(derivation, backend: str):
    code = export(derivation, backend)
    namespace: dict = {}
    exec(compile(code.text, f"<{backend} export>", "exec"), namespace)   # our own output
    return namespace[code.function], code


def _vec_jacobian(jacobian: np.ndarray, f_shape, x_shape) -> np.ndarray:
    """jax's Jacobian (f's axes, then x's) as the matrix of d vec(f) / d vec(x), the
    columns stacked (vec is column-major)."""
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


def check(row) -> dict:
    problem = problem_from_text(row.objective, row.wrt, row.lets,
                                hessian=row.hessian is not None)
    derivation = derive(problem)
    numpy_fn, code = _function(derivation, "python")
    jax_fn, _ = _function(derivation, "jax")
    wrt = code.arguments[code.symbols.index(derivation.problem.wrt)]
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

        def value(x, inputs=inputs):
            return jax_fn(**{**inputs, wrt: x})[0]
        x = jnp.asarray(inputs[wrt])
        if derivation.problem.kind == "jacobian":
            x_shape = np.shape(x) if np.ndim(x) == 2 else (1, 1)
            theirs = _vec_jacobian(jax.jacobian(value)(x), np.shape(ours[0]), x_shape)
        else:
            theirs = jax.grad(value)(x)
        largest = max(largest, _relative(ours[1], theirs))
        if derivation.second_order is not None:
            hessian = np.asarray(jax.hessian(value)(x)).reshape(np.size(x), np.size(x))
            largest = max(largest, _relative(ours[-1], hessian))
        checked += 1
        if checked == WANTED:
            break
    return {"checked": checked, "largest_error": largest, "failure": ""}


def main() -> None:
    results = {}
    for row in CORPUS:
        try:
            results[row.id] = check(row)
        except Exception:   # reported per identity, so that one failure names itself
            results[row.id] = {"checked": 0, "largest_error": float("inf"),
                               "failure": traceback.format_exc(limit=3)}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
