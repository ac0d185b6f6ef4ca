"""`make bench`: every goal of the performance issue, measured with its baseline in the
same run on this machine; prints the tables and writes output/bench.json.

    python bench/run.py            # everything (a few minutes: LaTeX runs for ~800 PDFs)
    python bench/run.py --quick    # the 200- and 500-problem banks without LaTeX
    python bench/run.py --docs     # also put the tables into docs/performance.md

Sections: derive_speed.py (goals 1 and 5), startup.py (2), build_speed.py (3),
scale.py (4), tidiness.py (6: how long the answers are against the sources'),
families.py (7 and 8: how one derivation's time and printed length grow with the size of
its objective, by family).  Each runs alone too.  The package's bytecode is compiled first (see
compile_bytecode).
"""
from __future__ import annotations

import datetime
import json
import os
import re
import sys
import time

import build_speed
import derive_speed
import families
import scale
import startup
import tidiness
from common import ROOT, load_average, machine

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def goals(r: dict) -> dict[str, bool | None]:
    """Each goal met (True), missed (False), or not measured (None: its section failed)."""
    checks = {
        "1 derive / sympy <= 1.0":
            lambda: r["derive"]["median_ratio_vs_sympy"] <= 1.0,
        "1 verified derive / sympy <= 1.0":
            lambda: r["derive"]["median_ratio_verified_vs_sympy"] <= 1.0,
        "2 cold derive <= 2x import sympy": lambda: r["startup"]["ratio"] <= 2.0,
        "2 --help < 0.2 s": lambda: r["startup"]["help_s"] < 0.2,
        "3 build <= 0.6x latexmk, the same PDFs":
            lambda: r["build"]["ratio_vs_latexmk"] <= 0.6
            and r["build"]["identical_pdfs"] == r["build"]["sheets"],
        "3 no-op rebuild <= 0.3 s, no LaTeX":
            lambda: r["build"]["noop_rebuild_s"] <= 0.3 and not r["build"]["noop_runs_latex"],
        "3 one change typesets only what depends on it":
            lambda: r["build"]["one_change_rewritten"] == build_speed.EXPECTED_REWRITTEN,
        "7 growth of one derivation, every family: exponent <= 1.3 (verified)":
            lambda: all(f["exponents"]["verified_s"] <= 1.3
                        for f in r["families"]["families"].values()),
        "8 printed derivation length, every family: exponent <= 1.1":
            lambda: all(f["exponents"]["printed_chars"] <= 1.1
                        for f in r["families"]["families"].values()),
        "4 time per problem linear (500 vs 50 <= 1.25)":
            lambda: r["scale"]["growth_500_vs_50"] <= 1.25,
        "4 peak memory < 500 MB": lambda: r["scale"]["peak_mb"] < 500,
        "5 corpus in one process < 150 MB": lambda: r["memory"]["peak_mb"] < 150,
        "6 answer length / the source's: median <= 1.0":
            lambda: r["tidiness"]["median_ratio"] <= 1.0,
        "6 answer length / the source's: none above 1.2":
            lambda: r["tidiness"]["max_ratio"] <= 1.2,
    }
    found: dict[str, bool | None] = {}
    for name, check in checks.items():
        try:
            found[name] = bool(check())
        except (KeyError, TypeError):
            found[name] = None
    return found


def _section(results: dict, tables: list[str], name: str, measure, report) -> None:
    """Run one section; a failure is recorded (and printed) and the others still run."""
    try:
        results[name] = measure()
        tables.append(report(results[name]))
    except Exception as error:  # a bench must report what broke, not stop at it
        results[name] = {"error": f"{type(error).__name__}: {error}"}
        tables.append(f"{name}: FAILED: {type(error).__name__}: {error}")
    print(tables[-1], "\n", flush=True)


def compile_bytecode() -> bool:
    """Compile the package's modules to bytecode first, as an installed package has them
    (pip compiles at install; an editable install under PYTHONDONTWRITEBYTECODE, as here,
    would otherwise compile every module again at every start, and sympy's, the
    baseline's, are compiled)."""
    import compileall
    return bool(compileall.compile_dir(str(ROOT / "generator"), quiet=1))


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    began = time.perf_counter()
    results: dict = {"machine": machine(),
                     "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                     "load_average_at_start": load_average(),
                     "bytecode_compiled": compile_bytecode(),
                     "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "")}
    tables: list[str] = []
    print(f"machine: {results['machine']}", flush=True)

    def derive_and_memory() -> dict:
        results["memory"] = derive_speed.memory()
        return derive_speed.measure()

    _section(results, tables, "derive", derive_and_memory,
             lambda d: derive_speed.report(d, results["memory"]))
    _section(results, tables, "startup", startup.measure, startup.report)
    _section(results, tables, "build", build_speed.measure, build_speed.report)
    _section(results, tables, "scale", lambda: scale.measure(quick=quick), scale.report)
    _section(results, tables, "families", lambda: families.measure(quick=quick),
             families.report)
    _section(results, tables, "tidiness", tidiness.measure, tidiness.report)
    results["goals"] = goals(results)
    results["seconds"] = round(time.perf_counter() - began, 1)
    verdict = {True: "met", False: "MISSED", None: "NOT MEASURED"}
    tables.append("\n".join(f"- {verdict[ok]}: {name}" for name, ok in results["goals"].items()))
    print(tables[-1])
    out = ROOT / "output" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)} ({results['seconds']:.0f} s)")
    if "--docs" in argv:
        write_performance_page(results, tables)
    return 0 if all(ok is not None for ok in results["goals"].values()) else 1


def write_performance_page(results: dict, tables: list[str]) -> None:
    """Replace the text between the bench markers of docs/performance.md."""
    page = ROOT / "docs" / "performance.md"
    text = page.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"docs/performance.md has no {START} ... {END} section")
    body = (f"{START}\nMeasured by `make bench` on {results['date'][:10]}, on {results['machine']}"
            f" (load average {results['load_average_at_start'] or 0:.1f} at the start)"
            f"{', with --quick' if results['scale'].get('quick') else ''}:\n\n"
            + "\n\n".join(tables) + f"\n{END}")
    page.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: body, text,
                           flags=re.S))
    print("updated docs/performance.md")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
