"""Goal 4: scale.  A bank of generated problems (bench/bank.py: the corpus's rows,
renamed, in sets of 50) built by `tracetrick build` with every core, at 50, 200 and
500 problems: wall time per problem, and the peak memory of the whole process tree
(the build, its derivation processes, latexmk and pdflatex; proportional set size, so
pages shared after a fork count once), sampled every 50 ms.

Two runs at each size:
- `full`: the real build (one PDF per problem, a worksheet and solutions per set);
- `no_latex`: the same build with a .tex written where a PDF would be typeset
  (bench/build_without_latex.py): our part alone, whose growth is not hidden by LaTeX.
`--quick` runs LaTeX at the smallest size only (and says so in the results).

The bank's problems are numbered, so a problem may cite an earlier one of its set ("by
Problem 5").  If that build fails (a derivation that cites an earlier problem fails its
check: a bug, reported in the results as `numbered_bank_error`), the bank is written
again without numbers, which no problem can cite, and the figures are of that bank.

Run alone: python bench/scale.py [--quick]
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bank import SET_SIZE, write_bank
from common import PYTHON, ROOT, run_with_peak_memory, table, tracetrick_command

SIZES = (50, 200, 500)


def measure(quick: bool = False) -> dict:
    tt = tracetrick_command()
    work = Path(tempfile.mkdtemp(prefix="tracetrick-bench-scale-"))
    results: dict = {"sizes": list(SIZES), "set_size": SET_SIZE, "full": {}, "no_latex": {},
                     "numbered": True}
    try:
        for n in SIZES:
            bank = write_bank(work / f"bank-{n}", n, numbered=results["numbered"])
            command = [PYTHON, str(ROOT / "bench/build_without_latex.py"), str(bank),
                       str(work / f"tex-{n}")]
            try:
                wall, peak, _ = run_with_peak_memory(command)
            except RuntimeError as error:
                if not results["numbered"]:
                    raise
                results["numbered"] = False
                results["numbered_bank_error"] = str(error).strip().splitlines()[-1]
                shutil.rmtree(bank)
                bank = write_bank(bank, n, numbered=False)
                wall, peak, _ = run_with_peak_memory(command)
            results["no_latex"][str(n)] = {"wall_s": round(wall, 3),
                                           "per_problem_s": round(wall / n, 4),
                                           "peak_mb": round(peak, 1)}
            if quick and n != SIZES[0]:
                continue
            wall, peak, proc = run_with_peak_memory(
                tt + ["build", str(bank), "-o", str(work / f"out-{n}")])
            pdfs = sum(1 for _ in (work / f"out-{n}").rglob("*.pdf"))
            results["full"][str(n)] = {"wall_s": round(wall, 3),
                                       "per_problem_s": round(wall / n, 4),
                                       "peak_mb": round(peak, 1), "pdfs": pdfs,
                                       "progress_lines": proc.stderr.count("\n")}
            shutil.rmtree(work / f"out-{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    full, bare = results["full"], results["no_latex"]
    headline = full if len(full) == len(SIZES) else bare
    results["per_problem_s"] = {k: v["per_problem_s"] for k, v in headline.items()}
    results["per_problem_from"] = "full" if headline is full else "no_latex"
    results["peak_mb"] = max(v["peak_mb"] for v in [*full.values(), *bare.values()])
    small, large = str(SIZES[0]), str(SIZES[-1])
    results["growth_500_vs_50"] = round(
        headline[large]["per_problem_s"] / headline[small]["per_problem_s"], 3)
    results["quick"] = quick
    return results


def report(s: dict) -> str:
    rows = []
    for n in s["sizes"]:
        full, bare = s["full"].get(str(n)), s["no_latex"][str(n)]
        rows.append([f"{n} problems ({-(-n // s['set_size'])} sets)",
                     f"{full['per_problem_s']:.3f} s/problem ({full['wall_s']:.0f} s, "
                     f"{full['pdfs']} PDFs), peak {full['peak_mb']:.0f} MB" if full
                     else "not run (--quick)",
                     f"{bare['per_problem_s'] * 1000:.0f} ms/problem ({bare['wall_s']:.1f} s), "
                     f"peak {bare['peak_mb']:.0f} MB"])
    rows.append(["growth of the time per problem, 500 vs 50",
                 f"x{s['growth_500_vs_50']:.2f} ({s['per_problem_from']})", "linear: about x1"])
    rows.append(["peak memory (whole process tree)", f"{s['peak_mb']:.0f} MB", "< 500 MB"])
    if not s["numbered"]:
        rows.append(["numbered bank (problems may cite each other)",
                     "failed, so the bank above is unnumbered: "
                     + s["numbered_bank_error"][:160], ""])
    return table(rows, ["scale: generated bank", "full build (LaTeX per problem)",
                        "without LaTeX (our part)"])


if __name__ == "__main__":
    print(report(measure(quick="--quick" in sys.argv)))
