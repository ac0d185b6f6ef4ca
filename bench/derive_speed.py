"""Goal 1 (derivation speed against sympy's own matrix derivative) and goal 5 (memory).

The problems: every row of the test corpus (tests/corpus.py) on which sympy's `.diff`
gives an answer that is correct, i.e. that agrees numerically with tracetrick's verified
gradient (generator.check.verify.agree after generator.check.sympy_bridge.from_sympy).  On each:
- sympy: `expr.diff(X)` on the MatrixSymbols of generator.check.sympy_bridge.to_sympy;
- tracetrick: `derive(problem, verify=False)` (every rule application is still
  recorded), and `derive(problem)` (every line checked numerically on 3 random
  instances; sympy's second opinion, itself one `.diff`, only where a problem asks for
  it, as none of these does).
sympy's cache is cleared before every timed call, so no call profits from an earlier
repetition of the same problem; each time is the best of REPEATS calls, taken in turn.

Memory: a fresh process derives (and verifies) the whole corpus; its peak RSS.
Run alone: python bench/derive_speed.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

from common import PYTHON, ROOT, median, table

REPEATS = 3


def corpus_problems():
    from corpus import CORPUS
    from generator.problem.command_line import problem_from_text
    return [(row, problem_from_text(row.objective, row.wrt, row.lets, solve=row.solve))
            for row in CORPUS]


def sympy_case(problem, gradient):
    """(sympy expression, MatrixSymbol) when sympy's derivative is correct, else None."""
    import sympy as sp
    from generator.math.expr import Symbol
    from generator.check.sympy_bridge import from_sympy, to_sympy
    from generator.check.verify import TOLERANCE, agree
    try:
        expr, wrt = to_sympy(problem.objective, problem.symbols), \
            to_sympy(Symbol(problem.wrt), problem.symbols)
        result = expr.diff(wrt)
        if isinstance(result, sp.MatrixBase) or result.has(sp.Derivative):
            return None
        theirs = from_sympy(result)
    except Exception:  # sympy fails in many ways; each means "not a case sympy solves"
        return None
    if agree(theirs, gradient, problem.symbols, problem.wrt) <= TOLERANCE:
        return expr, wrt
    return None


def _best(call, clear) -> float:
    clear()
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure() -> dict:
    from sympy.core.cache import clear_cache

    from generator.api import derive
    rows = []
    for row, problem in corpus_problems():
        case = sympy_case(problem, derive(problem).gradient)
        if case is None:
            continue
        expr, wrt = case
        calls = [lambda: expr.diff(wrt), lambda: derive(problem, verify=False),
                 lambda: derive(problem)]
        for call in calls:             # once untimed: imports, first-call costs
            call()
        times = [[], [], []]
        for _ in range(REPEATS):
            for index, call in enumerate(calls):
                times[index].append(_best(call, clear_cache))
        sympy_s, fast_s, verified_s = (min(t) for t in times)
        rows.append({"problem": row.id, "sympy_s": sympy_s, "derive_s": fast_s,
                     "derive_verified_s": verified_s})
    ms = lambda key: round(1000 * median([r[key] for r in rows]), 3)  # noqa: E731
    ratios = [r["derive_s"] / r["sympy_s"] for r in rows]
    verified = [r["derive_verified_s"] / r["sympy_s"] for r in rows]
    return {
        "problems": len(rows),
        "median_ratio_vs_sympy": round(median(ratios), 3),
        "median_ratio_verified_vs_sympy": round(median(verified), 3),
        "median_derive_ms": ms("derive_s"),
        "median_derive_verified_ms": ms("derive_verified_s"),
        "median_sympy_ms": ms("sympy_s"),
        "max_ratio_vs_sympy": round(max(ratios), 3),
        "repeats": REPEATS,
        "per_problem": rows,
    }


def memory() -> dict:
    """Peak RSS of a fresh process deriving and verifying every corpus row (and, for
    comparison, of one that only imports sympy and numpy)."""
    script = ("import json, resource, sys; sys.path.insert(0, 'bench');"
              "import derive_speed as d; from generator.api import derive;"
              "n = sum(1 for _, p in d.corpus_problems() if derive(p));"
              "print(json.dumps([n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))")
    out = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    count, kb = json.loads(out.stdout)
    base = subprocess.run([PYTHON, "-c", "import resource, sympy, numpy; print(resource."
                           "getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                          capture_output=True, text=True, check=True)
    return {"problems": count, "peak_mb": round(kb / 1024, 1),
            "import_sympy_numpy_mb": round(int(base.stdout) / 1024, 1)}


def report(derive: dict, mem: dict) -> str:
    rows = [
        ["derive, no verification / sympy .diff (median ratio)",
         f"{derive['median_ratio_vs_sympy']:.3f}", "<= 1.0"],
        ["derive, verified / sympy .diff (median ratio)",
         f"{derive['median_ratio_verified_vs_sympy']:.3f}", "<= 1.0"],
        ["median time per problem: derive / verified / sympy",
         f"{derive['median_derive_ms']:.2f} / {derive['median_derive_verified_ms']:.1f} / "
         f"{derive['median_sympy_ms']:.1f} ms", ""],
        [f"peak memory, whole corpus ({mem['problems']} problems) in one process",
         f"{mem['peak_mb']:.0f} MB (import sympy+numpy alone: "
         f"{mem['import_sympy_numpy_mb']:.0f} MB)", "< 150 MB"],
    ]
    return table(rows, [f"derivation ({derive['problems']} corpus problems sympy gets right)",
                        "measured", "goal"])


if __name__ == "__main__":
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    d, m = measure(), memory()
    print(report(d, m))
