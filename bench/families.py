"""Growth: one derivation of a family of objectives of growing size k = 1, 2, 4, ..., 64.

The families (issue 16): a sum of k traces, a sum of k quadratic forms, the product
chain tr(A1 X ... Ak X), a k-layer network sum(sigmoid(A1 sigmoid(A2 ... sigmoid(Ak x)))),
and a sum of k logistic terms log(1 + exp(ai^T x)).  At each k:
- the engine alone (`derive(problem, verify=False)`), the verified derivation
  (`derive(problem)`), and sympy's own `.diff` of the same objective (its time limited);
- the printed derivation's length (the text sheet, in characters), and the answer's
  written out (its math syntax, as the JSON trace has it): the product chain's answer
  has k terms of 2k factors, so no derivation that writes it can grow slower than k^2.
Each time is the best of REPEATS.  The growth exponent of each is the slope of
log(measure) against log(k) over k >= 8, least squares.

Run alone: python bench/families.py [--quick]   (--quick: k up to 32, sympy given 10 s)
"""
from __future__ import annotations

import math
import sys
import time
from typing import Callable

from common import table

KS = (1, 2, 4, 8, 16, 32, 64)
REPEATS = 2
SYMPY_SECONDS = {False: 60.0, True: 10.0}  # (by --quick) sympy's .diff past this: unfinished
FIT_FROM = 8


def _traces(k: int) -> tuple[str, str, tuple[str, ...]]:
    return " + ".join(f"tr(A{i} X)" for i in range(1, k + 1)), "X", ()


def _quadratic_forms(k: int) -> tuple[str, str, tuple[str, ...]]:
    return (" + ".join(f"x^T A{i} x" for i in range(1, k + 1)), "x",
            tuple(f"A{i}: n x n" for i in range(1, k + 1)))


def _chain(k: int) -> tuple[str, str, tuple[str, ...]]:
    return ("tr(" + " ".join(f"A{i} X" for i in range(1, k + 1)) + ")", "X",
            tuple(f"A{i}: n x n" for i in range(1, k + 1)))


def _network(k: int) -> tuple[str, str, tuple[str, ...]]:
    layers = "x"
    for i in range(k, 0, -1):
        layers = f"sigmoid(A{i} {layers})"
    return f"sum({layers})", "x", tuple(f"A{i}: n x n" for i in range(1, k + 1))


def _logistic(k: int) -> tuple[str, str, tuple[str, ...]]:
    return " + ".join(f"log(1 + exp(a{i}^T x))" for i in range(1, k + 1)), "x", ()


FAMILIES: dict[str, Callable[[int], tuple[str, str, tuple[str, ...]]]] = {
    "sum of k traces": _traces,
    "sum of k quadratic forms": _quadratic_forms,
    "product chain tr(A1 X ... Ak X)": _chain,
    "k-layer network": _network,
    "sum of k logistic terms": _logistic,
}


def _problem(family: Callable, k: int):
    import generator.problem.checks as checks
    from generator.problem.command_line import problem_from_text
    # the largest objectives are longer than a user may type (1,000 characters): the
    # bench measures past that limit on purpose
    checks.MAX_MATH_LENGTH = 100_000
    objective, wrt, lets = family(k)
    return problem_from_text(objective, wrt, lets)


def _best(call: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _sympy_seconds(problem, gradient, limit: float) -> tuple[float | None, str]:
    """The time of sympy's `.diff` of the objective (its cache cleared first), and what
    its answer is: "right" (it agrees with the verified gradient numerically), "wrong",
    "unfinished" (past `limit` seconds: no time) or "none" (it has no derivative of it)."""
    import sympy
    from generator.check import deadline
    from generator.check.sympy_bridge import from_sympy, to_sympy
    from generator.check.verify import TOLERANCE, agree
    from generator.math.expr import Symbol
    try:
        expr = to_sympy(problem.objective, problem.symbols)
        wrt = to_sympy(Symbol(problem.wrt), problem.symbols)
        sympy.core.cache.clear_cache()
        start = time.perf_counter()
        with deadline.within(limit):
            result = expr.diff(wrt)
        seconds = time.perf_counter() - start
        error = agree(from_sympy(result), gradient, problem.symbols, problem.wrt)
        return seconds, "right" if error <= TOLERANCE else "wrong"
    except deadline.OutOfTime:
        return None, "unfinished"
    except Exception:  # sympy fails in many ways; each means it gives no derivative
        return None, "none"


def exponent(ks: list[int], values: list[float | None]) -> float | None:
    """The least-squares slope of log(value) against log(k) over k >= FIT_FROM."""
    points = [(math.log(k), math.log(v)) for k, v in zip(ks, values)
              if k >= FIT_FROM and v is not None and v > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def measure(quick: bool = False) -> dict:
    from generator.api import derive
    from generator.render.text import render_text
    ks = [k for k in KS if not quick or k <= 32]
    results: dict = {"ks": ks, "sympy_seconds": SYMPY_SECONDS[quick], "families": {}}
    for name, family in FAMILIES.items():
        rows: dict[str, list] = {"engine_s": [], "verified_s": [], "sympy_s": [],
                                 "sympy_answer": [], "printed_chars": [], "answer_chars": []}
        for k in ks:
            problem = _problem(family, k)
            rows["engine_s"].append(_best(lambda: derive(problem, verify=False)))
            rows["verified_s"].append(_best(lambda: derive(problem)))
            derivation = derive(problem)
            rows["printed_chars"].append(len(render_text(derivation)))
            rows["answer_chars"].append(len(str(derivation.gradient)))
            seconds, answer = _sympy_seconds(problem, derivation.gradient, SYMPY_SECONDS[quick])
            rows["sympy_s"].append(seconds)
            rows["sympy_answer"].append(answer)
        rows["exponents"] = {key: exponent(ks, rows[key]) for key in
                             ("engine_s", "verified_s", "sympy_s", "printed_chars",
                              "answer_chars")}
        top = ks[-1]
        verified, theirs = rows["verified_s"][-1], rows["sympy_s"][-1]
        # against sympy only where its answer is right (it returns 0 for a sum of traces)
        rows[f"verified_vs_sympy_at_{top}"] = (
            verified / theirs if rows["sympy_answer"][-1] == "right" else None)
        results["families"][name] = rows
    return results


def _exp(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _seconds(value: float | None, limit: float, answer: str = "") -> str:
    if value is not None:
        return f"{value:.3g} s"
    return "none" if answer == "none" else f"> {limit:.0f} s"


def _versus(f: dict, top: int, limit: float) -> str:
    """The verified derivation against sympy's .diff at the largest k, or why not."""
    ratio = f[f"verified_vs_sympy_at_{top}"]
    if ratio is not None:
        return f"{ratio:.2f}"
    answer = f["sympy_answer"][-1]
    if answer == "unfinished":
        return f"< {f['verified_s'][-1] / limit:.3f} (sympy unfinished)"
    return "- (sympy's answer is wrong)" if answer == "wrong" else "- (sympy gives none)"


def report(r: dict) -> str:
    top, limit = r["ks"][-1], r["sympy_seconds"]
    rows = []
    for name, f in r["families"].items():
        e = f["exponents"]
        rows.append([
            name,
            f"{_seconds(f['engine_s'][-1], limit)} / {_seconds(f['verified_s'][-1], limit)} / "
            f"{_seconds(f['sympy_s'][-1], limit, f['sympy_answer'][-1])}",
            _versus(f, top, limit),
            f"{_exp(e['engine_s'])} / {_exp(e['verified_s'])} / {_exp(e['sympy_s'])}",
            f"{f['printed_chars'][-1]:,} ({_exp(e['printed_chars'])})",
            f"{f['answer_chars'][-1]:,} ({_exp(e['answer_chars'])})",
        ])
    return table(rows, [f"family (k = {', '.join(map(str, r['ks']))})",
                        f"at k = {top}: engine / verified / sympy .diff",
                        "verified / sympy", "growth exponent: engine / verified / sympy",
                        f"printed characters at k = {top} (exponent)",
                        f"the answer written out at k = {top} (exponent)"])


if __name__ == "__main__":
    print(report(measure(quick="--quick" in sys.argv)))
