"""The build as it was before the incremental, parallel one (for the before/after
figures of bench/build_speed.py, measured in the same run): every problem derived in
turn (build.derive_all), every sheet rendered, then latexmk on every sheet, min(cores,
4) at a time.

Usage: python bench/before_build.py PROBLEMS_DIR OUT_DIR
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def build_before(problems_dir: Path, out_dir: Path) -> int:
    from generator.output.sheets import derive_all, plan, sheet_tex, with_derivations
    from generator.problem.sets import load_sets
    from generator.render.pdf import compile_pdf
    jobs = []
    for problem_set in load_sets(problems_dir):
        jobs += with_derivations(plan(problem_set, out_dir), derive_all(problem_set.problems))
    sources = [(target, sheet_tex(shown, target.kind, target.title, target.description))
               for target, shown in jobs]
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(sources), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(compile_pdf, tex, target.path) for target, tex in sources]:
            future.result()
    return len(sources)


if __name__ == "__main__":
    print(build_before(Path(sys.argv[1]), Path(sys.argv[2])))
