"""Random well-shaped objectives, derived and graded independently: the fuzzer.

`objective(rng, depth)` writes a scalar objective over the math syntax (traces, norms,
quadratic forms, determinants, sums, Hadamard products, elementwise functions, inverses,
transposes, identities, scalar factors), with X an n x n matrix variable or x a vector
one.  `grade(text, wrt)` derives it and sorts the outcome:

- ok: derived, and the answer agrees with central finite differences of the objective
  (computed here, from its values alone, not by the engine; where they disagree, the
  complex step of the objective's values decides, since differences lose digits on an
  ill-conditioned instance) and reads back through the parser with the same value;
- refused: the engine said it cannot (a clear error, exit 1), or no random instance could
  evaluate the lines (values that overflow: `exp(exp(exp(A + 3 I)))`): a gap, not a wrong
  sheet;
- self-check: the engine's own numeric check stopped a wrong line (no sheet printed);
- wrong: an answer that finite differences contradict, or that does not read back;
- crash: anything but the project's own errors;
- time: more than TIME_LIMIT seconds of this process's CPU time, grading included (the
  machine is shared: wall time would count what its neighbours do).

`python tests/random_objectives.py --count 10000` (`make fuzz`) prints the table by
depth and writes output/fuzz.json; tests/test_random_objectives.py runs a fixed-seed
sample in `make test`.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.api import derive  # noqa: E402
from generator.check.numeric import (  # noqa: E402
    STEP, Evaluator, EvaluationError, UnluckyInstance, draw_instance, on_positive_domain,
)
from generator.errors import TracetrickError, UncheckableError, VerificationError  # noqa: E402
from generator.math.expr import Symbol, is_zero  # noqa: E402
from generator.math.dims import show_shape  # noqa: E402
from generator.math.shapes import infer_shapes, shape_of  # noqa: E402
from generator.problem.command_line import problem_from_text  # noqa: E402
from generator.syntax.parser import parse  # noqa: E402

LETS = ("X: n x n", "A: n x n", "B: n x n", "x: n", "b: n", "alpha: scalar")
TIME_LIMIT = 10.0
OUTCOMES = ("ok", "refused", "self-check", "wrong", "crash", "time")


# ----- writing objectives ----------------------------------------------------------------

def matrix(rng: random.Random, depth: int, var: str) -> str:
    """An n x n matrix expression (X is the variable when var is X)."""
    if depth == 0:
        return rng.choice(["A", "B", "I", "A^T"] + (["X", "X^T", "X^-1"] * 2 if var == "X"
                                                    else ["x x^T", "x b^T", "A x x^T"]))
    m = lambda: matrix(rng, depth - 1, var)   # noqa: E731
    return rng.choice([
        lambda: f"{m()} {m()}", lambda: f"({m()} + {m()})", lambda: f"({m()} - {m()})",
        lambda: f"({m()} .* {m()})", lambda: f"{scalar(rng, depth - 1, var)} {m()}",
        lambda: f"({m()})^T", lambda: f"{rng.choice(['exp', 'sigmoid'])}({m()})",
        lambda: f"(A + {m()} ({m()})^T + 3 I)^-1" if var == "X" else f"({m()} + 3 I)",
        lambda: f"diag({vector(rng, depth - 1, var)})", m,
    ])()


def vector(rng: random.Random, depth: int, var: str) -> str:
    """An n-vector expression."""
    if depth == 0:
        return rng.choice(["x", "b", "A x", "X b", "A b"])
    v = lambda: vector(rng, depth - 1, var)   # noqa: E731
    return rng.choice([
        lambda: f"{matrix(rng, depth - 1, var)} {v()}", lambda: f"({v()} - b)",
        lambda: f"({v()} .* {v()})", lambda: f"{scalar(rng, depth - 1, var)} {v()}",
        lambda: f"diag({matrix(rng, depth - 1, var)})",
    ])()


def scalar(rng: random.Random, depth: int, var: str) -> str:
    """A scalar expression, written as a factor."""
    if depth == 0:
        return rng.choice(["alpha", "2", "1/2"])
    m = lambda: matrix(rng, depth - 1, var)   # noqa: E731
    return rng.choice([
        lambda: f"tr({m()})", lambda: f"({vector(rng, depth - 1, var)})^T b",
        lambda: f"norm({vector(rng, depth - 1, var)})^2", lambda: f"sum({m()})",
        lambda: f"(x^T {m()} x)", lambda: rng.choice(["alpha", "2"]),
    ])()


def objective(rng: random.Random, depth: int) -> tuple[str, str]:
    """(objective, wrt): a scalar function of X or of x."""
    var = rng.choice(["X", "x"])
    m = lambda d: matrix(rng, d, var)   # noqa: E731
    forms = [
        lambda: f"tr({m(depth)})", lambda: f"x^T {m(depth)} x",
        lambda: f"||{vector(rng, depth, var)} - b||^2", lambda: f"||{m(depth)}||_F^2",
        lambda: f"logdet({m(depth - 1)} ({m(depth - 1)})^T + I)",
        lambda: f"{scalar(rng, depth, var)} tr({m(depth - 1)})",
    ]
    for _ in range(50):
        text = rng.choice(forms)()
        try:
            if var in parse(text).symbols():
                return text, var
        except TracetrickError:   # bars the writer nested ambiguously: write another
            continue
    return "tr(A X)", "X"


# ----- grading ------------------------------------------------------------------------------

def finite_differences(problem, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict]:
    """The gradient of the objective by central differences, entry by entry, from its
    values alone; with the instance it was computed on."""
    inst = draw_instance(problem.symbols, problem.wrt, rng,
                         positive=on_positive_domain(problem.objective))
    x0 = np.asarray(inst.values[problem.wrt], dtype=float)
    grad = np.zeros(x0.shape)
    h = 1e-6 * max(1.0, float(np.abs(x0).max()))
    for index in np.ndindex(*x0.shape):
        values = []
        for sign in (1, -1):
            moved = dict(inst.values)
            x = x0.copy()
            x[index] += sign * h
            moved[problem.wrt] = x
            values.append(float(np.real(Evaluator(moved, inst.dims)(problem.objective)[0, 0])))
        grad[index] = (values[0] - values[1]) / (2 * h)
    return grad, x0, inst


def complex_step(problem, inst) -> np.ndarray:
    """The gradient by the complex step, entry by entry, from the objective's values
    alone: exact to rounding where central differences lose digits (an ill-conditioned
    instance, exp(exp(A))).  The arbiter when finite differences disagree."""
    x0 = np.asarray(inst.values[problem.wrt], dtype=float)
    grad = np.zeros(x0.shape)
    for index in np.ndindex(*x0.shape):
        moved = dict(inst.values)
        x = x0.astype(complex)
        x[index] += 1j * STEP
        moved[problem.wrt] = x
        grad[index] = float(np.imag(Evaluator(moved, inst.dims)(problem.objective)[0, 0])) / STEP
    return grad


def _value(expr, inst, shape) -> np.ndarray:
    """The value on the instance, as an array of `shape` (a gradient `0` is any shape)."""
    value = np.real(Evaluator(inst.values, inst.dims)(expr))
    return np.broadcast_to(value, shape) if value.size == 1 else value.reshape(shape)


def grade(text: str, wrt: str, seed: int = 0) -> tuple[str, str]:
    """(outcome, detail) for one objective."""
    try:
        problem = problem_from_text(text, wrt, LETS)
    except TracetrickError as err:
        return "invalid", str(err)[:120]   # the generator wrote something ill-shaped
    try:
        derivation = derive(problem)
    except UncheckableError as err:   # no instance could evaluate it: a gap, not a wrong line
        return "refused", str(err)[:160]
    except VerificationError as err:
        return "self-check", str(err)[:160]
    except TracetrickError as err:
        return "refused", str(err)[:160]
    except TimeoutError:
        raise
    except Exception as err:  # noqa: BLE001 - the fuzzer's job is to find these
        return "crash", f"{type(err).__name__}: {err}"[:160]
    try:
        back = read_back(derivation)
    except TracetrickError as err:
        return "wrong", f"the answer does not read back: {err}"[:160]
    rng = np.random.default_rng(seed)
    for _ in range(10):
        try:
            fd, _, inst = finite_differences(problem, rng)
            ours = _value(derivation.gradient, inst, fd.shape)
            read_back_value = _value(back, inst, fd.shape)
        except (UnluckyInstance, EvaluationError, np.linalg.LinAlgError):
            continue
        scale = max(float(np.abs(fd).max()), 1.0)
        if float(np.abs(ours - fd).max()) > 1e-4 * scale:
            exact = complex_step(problem, inst)   # central differences may have lost digits
            # its own rounding: some digits of the gradient, and a few epsilons of the
            # objective's value (a constant 3e7 computed through X^-1 X has a derivative
            # of 2e-8, not 0)
            value = float(np.abs(Evaluator(inst.values, inst.dims)(problem.objective)).max())
            allowed = 1e-8 * max(float(np.abs(exact).max()), 1.0) + 1e-12 * value
            if float(np.abs(ours - exact).max()) > allowed:
                return "wrong", (f"finite differences and the complex step disagree with "
                                 f"{derivation.gradient}")[:160]
        if float(np.abs(read_back_value - ours).max()) > 1e-9 * scale:
            return "wrong", f"{derivation.gradient} reads back as another value"[:160]
        return "ok", ""
    return "ok", "no instance to compare on"


def read_back(derivation):
    """The answer parsed back from its printed text and type-checked: the shape of the
    variable (or the number 0, a zero of any shape).  Raises TracetrickError."""
    # every shape as the derivation found it (an inferred one would be guessed afresh)
    declared = {s.name: dataclasses.replace(s, declared=True) for s in derivation.symbols.symbols}
    back = infer_shapes(parse(str(derivation.gradient)), declared, None)
    wanted = shape_of(Symbol(derivation.problem.wrt), back.table)
    found = shape_of(back.exprs[0], back.table)
    if found != wanted and not is_zero(back.exprs[0]):
        raise TracetrickError(f"{derivation.gradient} is {show_shape(found)}, "
                              f"the variable {show_shape(wanted)}")
    return back.exprs[0]


def _on_alarm(*_):
    raise TimeoutError


def run(count: int, seed: int, depths: range) -> dict:
    """Grade `count` objectives per depth; the table and every non-ok case."""
    signal.signal(signal.SIGPROF, _on_alarm)
    rng = random.Random(seed)
    table: dict[int, Counter] = {}
    cases = []
    for depth in depths:
        table[depth] = Counter()
        for k in range(count):
            text, wrt = objective(rng, depth)
            start = time.process_time()
            signal.setitimer(signal.ITIMER_PROF, TIME_LIMIT)
            try:
                outcome, detail = grade(text, wrt, seed=k)
            except TimeoutError:
                outcome, detail = "time", f"over {TIME_LIMIT:g} s of CPU"
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            table[depth][outcome] += 1
            if outcome not in ("ok", "invalid"):
                cases.append({"depth": depth, "objective": text, "wrt": wrt,
                              "outcome": outcome, "detail": detail,
                              "seconds": round(time.process_time() - start, 2)})
    return {"table": {d: dict(c) for d, c in table.items()}, "cases": cases}


def print_table(result: dict) -> None:
    print(f"{'depth':>5}  " + "  ".join(f"{o:>10}" for o in OUTCOMES + ("invalid",)))
    for depth, counts in result["table"].items():
        print(f"{depth:>5}  " + "  ".join(f"{counts.get(o, 0):>10}"
                                          for o in OUTCOMES + ("invalid",)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="objectives per depth")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "fuzz.json")
    args = parser.parse_args()
    result = run(args.count, args.seed, range(1, 6))
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
