"""Goal 2: start-up.  A cold `tracetrick derive ... --format json` (a new process, the
operating system's file cache warm) against a cold `python -c "import sympy"`, and
`tracetrick --help`, which must not import sympy or the engine at all.

Each command runs ROUNDS times, in turn with the others; the median is reported
(the best time is kept too).
Run alone: python bench/startup.py
"""
from __future__ import annotations

import subprocess

from common import PYTHON, alternate, median, run_timed, table, tracetrick_command

ROUNDS = 7
DERIVE = ["derive", "tr(X^T A X)", "--wrt", "X", "--format", "json"]


def measure() -> dict:
    tt = tracetrick_command()
    runs = [
        lambda: run_timed([PYTHON, "-c", "import sympy"])[0],
        lambda: run_timed(tt + DERIVE)[0],
        lambda: run_timed(tt + ["--help"])[0],
    ]
    for run in runs:   # once untimed: byte-compiling, the file cache
        run()
    times = alternate(ROUNDS, *runs)
    sympy_s, derive_s, help_s = (median(t) for t in times)
    imported = subprocess.run(
        [PYTHON, "-c", "import sys; sys.argv = ['tracetrick', '--help']\n"
         "from generator.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
         "print(sorted(m for m in ('sympy', 'numpy', 'generator.engine', 'generator.api')"
         " if m in sys.modules), file=sys.stderr)"],
        capture_output=True, text=True, check=True).stderr.strip().splitlines()[-1]
    return {"derive_cold_s": round(derive_s, 3), "import_sympy_s": round(sympy_s, 3),
            "ratio": round(derive_s / sympy_s, 3), "help_s": round(help_s, 3),
            "help_imports": imported, "rounds": ROUNDS, "command": " ".join(tt + DERIVE),
            "best_s": {"import_sympy": round(min(times[0]), 3),
                       "derive": round(min(times[1]), 3), "help": round(min(times[2]), 3)}}


def report(s: dict) -> str:
    rows = [
        ["cold `tracetrick derive \"tr(X^T A X)\" --wrt X --format json`",
         f"{s['derive_cold_s']:.2f} s", ""],
        ["cold `python -c \"import sympy\"`", f"{s['import_sympy_s']:.2f} s", ""],
        ["ratio", f"{s['ratio']:.2f}", "<= 2.0"],
        ["`tracetrick --help`", f"{s['help_s']:.3f} s (heavy modules imported: "
                                f"{s['help_imports']})", "< 0.2 s"],
    ]
    return table(rows, [f"start-up (median of {s['rounds']})", "measured", "goal"])


if __name__ == "__main__":
    print(report(measure()))
