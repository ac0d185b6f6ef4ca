"""Goal 3: building the shipped problems (problems/, every set).

Each is run ROUNDS times, in turn, and the best time kept (on a machine that other
programs share, they only ever add time).
- `tracetrick build problems -o DIR` into an empty DIR (a cold process: start-up,
  loading, derivations, LaTeX), against bare latexmk on the same .tex files (written
  beforehand by the library), with as many latexmk at once as the build runs
  (one per core), in fresh folders: LaTeX's own time, nothing of ours.
- the LaTeX path alone (generator/render/pdf.py: the preamble's cached format, one
  pdflatex pass) on the same .tex files, and its PDFs compared with latexmk's: the
  same text (pdftotext) and the same pixels (pdftoppm) on every page.
- "before": the build as it was before it became incremental and parallel
  (bench/before_build.py), measured in the same rounds.
- a rebuild with nothing changed: its time, and proof that it runs no LaTeX (it runs
  with a PATH where latexmk cannot be found, and no PDF changes).
- a change to one problem: which PDFs are written again and which problems derived.

Run alone: python bench/build_speed.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.output.build_cache import STORE_NAME

from common import (PYTHON, ROOT, alternate, cpu_count, median, run_timed, table,
                    tracetrick_command)

ROUNDS = 3
NOOP_ROUNDS = 5
CHANGED = "cookbook/05-trace-sandwich.yaml"
EXPECTED_REWRITTEN = ["cookbook/05-trace-sandwich.pdf", "cookbook/solutions.pdf",
                      "cookbook/worksheet.pdf"]


def write_sources(problems: Path, into: Path) -> list[Path]:
    """The .tex of every sheet the build writes, each in a folder of its own."""
    from generator.output.sheets import derive_all, plan, sheet_tex, with_derivations
    from generator.problem.sets import load_sets
    folders = []
    for problem_set in load_sets(problems):
        sheets = with_derivations(plan(problem_set, into), derive_all(problem_set.problems))
        for target, shown in sheets:
            folder = into / f"{len(folders):03d}"
            folder.mkdir(parents=True)
            (folder / "sheet.tex").write_text(
                sheet_tex(shown, target.kind, target.title, target.description))
            folders.append(folder)
    return folders


def render_before_after(problems: Path) -> dict:
    """Rendering every sheet's .tex from its derivations: with a new Jinja environment per
    sheet (before: every template compiled again for every sheet) and with the shared one."""
    import generator.render.latex_sheet as latex_sheet
    from generator.output.sheets import derive_all, plan, sheet_tex, with_derivations
    from generator.problem.sets import load_sets
    from generator.render.templates import make_environment
    jobs = [job for s in load_sets(problems)
            for job in with_derivations(plan(s, problems), derive_all(s.problems))]

    def render_all() -> float:
        start = time.perf_counter()
        for target, shown in jobs:
            sheet_tex(shown, target.kind, target.title, target.description)
        return time.perf_counter() - start

    shared = latex_sheet.shared_environment
    render_all()
    after = min(render_all() for _ in range(3))
    latex_sheet.shared_environment = make_environment
    try:
        before = min(render_all() for _ in range(3))
    finally:
        latex_sheet.shared_environment = shared
    return {"render_sheets_before_s": round(before, 4), "render_sheets_after_s": round(after, 4)}


# The path the build took before its own (and latexmk's usual one): two pdflatex passes
# for a document whose first pass writes an .aux, no rc file, no shell escape.
LATEXMK = ["latexmk", "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
           "-file-line-error", "-no-shell-escape", "-pdflatex=pdflatex -no-shell-escape %O %S",
           "sheet.tex"]


def latexmk_alone(folders: list[Path]) -> float:
    """Wall time of latexmk on every folder's sheet.tex, one per core at a time."""
    from generator.render.tex_process import tex_environment
    for folder in folders:
        for f in folder.iterdir():
            if f.name not in ("sheet.tex", "ours.pdf"):
                f.unlink()
    env = tex_environment()

    def one(folder: Path) -> None:
        subprocess.run(LATEXMK, cwd=folder, env=env, check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return _on_every_core(one, folders)


def latex_path_alone(folders: list[Path]) -> float:
    """Wall time of the build's own LaTeX path on the same files, as many at a time."""
    from generator.render.pdf import compile_pdf

    def one(folder: Path) -> None:
        compile_pdf((folder / "sheet.tex").read_text(), folder / "ours.pdf")

    return _on_every_core(one, folders)


def _on_every_core(job, folders: list[Path]) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=cpu_count()) as pool:
        list(pool.map(job, folders))
    return time.perf_counter() - start


def same_pdfs(folders: list[Path]) -> int:
    """How many folders' two PDFs (latexmk's sheet.pdf, the build path's ours.pdf) have
    the same text and the same pixels on every page."""
    from pdf_helpers import look_alike   # tests/, on the path (common.py)
    return sum(look_alike(folder / "sheet.pdf", folder / "ours.pdf") for folder in folders)


def pdf_times(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


def measure() -> dict:
    tt = tracetrick_command()
    work = Path(tempfile.mkdtemp(prefix="tracetrick-bench-build-"))
    try:
        problems = work / "problems"
        shutil.copytree(ROOT / "problems", problems)
        folders = write_sources(problems, work / "tex")
        counter = iter(range(10_000))

        def build() -> float:
            out = work / f"o{next(counter)}"
            return run_timed(tt + ["build", str(problems), "-o", str(out)])[0]

        def before() -> float:
            out = work / f"b{next(counter)}"
            return run_timed([PYTHON, str(ROOT / "bench/before_build.py"), str(problems),
                              str(out)])[0]

        latex_path_alone(folders)   # once untimed: the formats of the preambles
        latexmk_alone(folders)      # ... and TeX's file cache
        latex_t, ours_t, build_t, before_t = alternate(
            ROUNDS, lambda: latexmk_alone(folders), lambda: latex_path_alone(folders),
            build, before)
        identical = same_pdfs(folders)
        render = render_before_after(problems)
        out = work / "incremental"
        first = run_timed(tt + ["build", str(problems), "-o", str(out)])[0]
        noop = _noop_rebuilds(tt, problems, out)
        change = _one_change(tt, problems, out)
        # Best of the rounds: another program busy on the machine only ever adds time.
        latex_s, ours_s = min(latex_t), min(ours_t)
        build_s, before_s = min(build_t), min(before_t)
        return {
            "sheets": len(folders),
            "problems": sum(1 for _ in problems.rglob("*.yaml")) - sum(
                1 for _ in problems.rglob("set.yaml")),
            "latexmk_alone_s": round(latex_s, 3),
            "build_s": round(build_s, 3),
            "ratio_vs_latexmk": round(build_s / latex_s, 3),
            "latex_path_s": round(ours_s, 3),
            "latex_path_ratio_vs_latexmk": round(ours_s / latex_s, 3),
            "identical_pdfs": identical,
            "before_s": round(before_s, 3),
            "before_ratio_vs_latexmk": round(before_s / latex_s, 3),
            "first_build_s": round(first, 3),
            **noop, **change, **render,
            "ratio_of_medians": round(median(build_t) / median(latex_t), 3),
            "rounds": ROUNDS, "latexmk_jobs": cpu_count(),
            "times_s": {"latexmk_alone": latex_t, "latex_path": ours_t, "build": build_t,
                        "before": before_t},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _noop_rebuilds(tt: list[str], problems: Path, out: Path) -> dict:
    """Rebuilds with nothing changed, with pdflatex out of reach: any LaTeX run would fail."""
    env = dict(os.environ, PATH=str(Path(PYTHON).parent))
    assert shutil.which("pdflatex", path=env["PATH"]) is None
    before = pdf_times(out)
    times = []
    for _ in range(NOOP_ROUNDS):
        elapsed, proc = run_timed(tt + ["build", str(problems), "-o", str(out)], env=env)
        times.append(elapsed)
        assert "wrote" not in proc.stderr, proc.stderr
    assert pdf_times(out) == before, "a no-op rebuild rewrote a PDF"
    return {"noop_rebuild_s": round(median(times), 3), "noop_runs_latex": False}


def _one_change(tt: list[str], problems: Path, out: Path) -> dict:
    """Edit one problem's title; what is derived (new derivations in the cache) and
    typeset (PDFs whose mtime changed) again."""
    path = problems / CHANGED
    text = path.read_text()
    first, rest = text.split("\n", 1)
    assert first.startswith("title:")
    path.write_text(f"{first} (edited)\n{rest}")
    before = pdf_times(out)
    cached = {f.name for f in (out / STORE_NAME).glob("*.pickle")}   # one per problem derived
    elapsed, proc = run_timed(tt + ["build", str(problems), "-o", str(out)])
    after = pdf_times(out)
    rewritten = sorted(k for k in after if before.get(k) != after[k])
    derived = len({f.name for f in (out / STORE_NAME).glob("*.pickle")} - cached)
    path.write_text(text)
    return {"one_change_rebuild_s": round(elapsed, 3), "one_change_rewritten": rewritten,
            "one_change_derived": derived}


def report(b: dict) -> str:
    rows = [
        [f"`tracetrick build` of the shipped problems ({b['problems']} problems, "
         f"{b['sheets']} PDFs), cold", f"{b['build_s']:.2f} s", ""],
        [f"bare latexmk on the same .tex files ({b['latexmk_jobs']} at a time)",
         f"{b['latexmk_alone_s']:.2f} s", ""],
        ["ratio build / latexmk", f"{b['ratio_vs_latexmk']:.2f} (before: "
                                  f"{b['before_ratio_vs_latexmk']:.2f}, {b['before_s']:.2f} s)",
         "<= 0.6"],
        ["the build's LaTeX path alone on the same files (cached preamble format, one pass)",
         f"{b['latex_path_s']:.2f} s: {b['latex_path_ratio_vs_latexmk']:.2f}x latexmk; "
         f"{b['identical_pdfs']} of {b['sheets']} PDFs the same text and pixels as latexmk's",
         "all the same"],
        ["rebuild with nothing changed", f"{b['noop_rebuild_s']:.3f} s, no LaTeX run",
         "<= 0.3 s, no LaTeX"],
        [f"rendering the {b['sheets']} .tex files (Jinja environment per sheet -> shared)",
         f"{b['render_sheets_before_s']:.3f} s -> {b['render_sheets_after_s']:.3f} s", ""],
        [f"rebuild after editing {CHANGED}",
         f"{b['one_change_rebuild_s']:.2f} s: {b['one_change_derived']} derivations (the "
         f"problem, and the later ones that cite an earlier problem), "
         f"{len(b['one_change_rewritten'])} PDFs typeset "
         f"({', '.join(b['one_change_rewritten'])})", "only what depends on it"],
    ]
    return table(rows, [f"build (best of {b['rounds']}, in turn)", "measured", "goal"])


if __name__ == "__main__":
    print(report(measure()))
