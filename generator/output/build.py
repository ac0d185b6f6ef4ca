"""The two commands over a folder: `build_directory` (what `make pdf` runs) and
`check_problems` (`tracetrick check`).

For every set (the folder's own problems, and each subfolder's;
generator/problem/sets.py) a build writes worksheet.pdf, solutions.pdf and one PDF per
problem (generator/output/sheets.py), each written atomically (a failure leaves the
previous file in place).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from generator.api import derive
from generator.errors import TracetrickError
from generator.problem.model import Problem
from generator.problem.sets import failure_line
from generator.output.sheets import Progress
from generator.render.sheet_options import SheetOptions


def build_directory(
    problems_dir: Path,
    out_dir: Path,
    progress: Progress | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    options: SheetOptions = SheetOptions(),
    fmt: str = "pdf",
    notice: Callable[[str], None] | None = None,
    keep_going: bool = False,
    scheduler: str | None = None,
) -> list[Path]:
    """Every set of the folder (its own problems, and each subfolder's) into out_dir and
    out_dir/<set>/, as PDFs (or, with `fmt`, HTML or Markdown pages); returns the files
    written.  Only what changed since the last build is
    derived and typeset (`force`: everything), on `jobs` cores (default: all of them);
    see generator/output/build_parallel.py.  Everything is loaded and derived before the first
    PDF is written, so a bad problem anywhere leaves the output as it was; every failure
    is reported in one BuildFailed (`keep_going`: after writing the sheets without the
    problems that failed).  `options`:
    hint mode for the worksheets and the user's templates (render/sheet_options.py).
    `notice`: one line each about a damaged cache (the build does that work again).
    `scheduler`: a Dask scheduler's address; its cluster does the work."""
    from generator.output.build_parallel import build_incremental

    return build_incremental(
        Path(problems_dir),
        Path(out_dir),
        progress,
        force=force,
        jobs=jobs,
        options=options,
        fmt=fmt,
        notice=notice,
        keep_going=keep_going,
        scheduler=scheduler,
    )


def check_problems(
    path: Path, report: Callable[[str], None], sympy: bool = False
) -> tuple[int, int]:
    """Load, derive and verify every problem of a file, or of a folder and its subfolders
    (each set headed by its folder and title); returns (failures, total).  `sympy`: ask
    sympy's second opinion of every problem (`check --sympy`)."""
    from generator.problem.sets import check_set, set_folders

    path = Path(path)
    if not path.is_dir():
        return _check_file(path, report, sympy)
    folders = set_folders(path)
    if not folders:
        raise TracetrickError(
            f"{path}: no problem files (*.yaml, *.yml) in this folder or its subfolders"
        )
    failures = total = 0
    for folder in folders:
        lines: list[str] = []
        problem_set, failed = check_set(path, folder, lines.append)
        report(f"{folder}: {problem_set.title}")
        for line in lines:
            report(f"FAIL {line}")
        failures, total = failures + failed, total + failed
        for p in problem_set.problems:
            failures, total = failures + _check_one(p, report, sympy), total + 1
    return failures, total


def _check_file(file: Path, report: Callable[[str], None], sympy: bool) -> tuple[int, int]:
    from generator.problem.loader import load_file

    try:
        problems = load_file(file)
    except TracetrickError as exc:
        report(f"FAIL {failure_line(exc, str(file))}")
        return 1, 1
    return sum(_check_one(p, report, sympy) for p in problems), len(problems)


def _check_one(p: Problem, report: Callable[[str], None], sympy: bool) -> int:
    """Derive and verify one problem; 1 if it failed."""
    where = p.source.path if p.source else "?"
    try:
        d = derive(replace(p, sympy=True) if sympy else p)
    except TracetrickError as exc:  # it names its file and line where it has them
        report(f"FAIL {failure_line(exc, where, p.title)}")
        return 1
    answers = "; ".join(f"{label} = {value}" for label, value in d.labelled_answers)
    opinion = d.verification.sympy_opinion
    report(
        f"ok   {where}: {p.title}: {answers} "
        f"(max relative error {d.verification.max_rel_error:.1e}"
        f"{'; ' + opinion if opinion else ''})"
    )
    return 0
