"""Sheets on disk: derive sets of problems and write their PDFs and LaTeX.

`build_directory` is what `make pdf` runs: for every set (the folder's own problems, and
each subfolder's; generator/problem/sets.py) worksheet.pdf, solutions.pdf and one PDF
per problem, each written atomically (a failure leaves the previous file in place).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from generator.api import derive
from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.problem.model import Problem
from generator.problem.sets import DEFAULT_SET_TITLE, ProblemSet  # noqa: F401 (re-exported)
from generator.render.sheet_options import SheetOptions

Progress = Callable[[int, int, str], None]
SHEET_NAMES = ("worksheet", "solutions")  # a problem file of that name would clash


def derive_all(problems: Sequence[Problem]) -> list[Derivation]:
    """The problems of one sheet in order; each may cite the ones before it."""
    done: list[Derivation] = []
    for p in problems:
        done.append(derive(p, tuple(done)))
    return done


def sheet_tex(derivations: Sequence[Derivation], kind: str, title: str,
              description: str = "", options: SheetOptions = SheetOptions()) -> str:
    from generator.render.latex_sheet import render_sheet
    from generator.render.reference import reference_rows
    return render_sheet(list(derivations), kind, title=title, description=description,
                        reference_rows=reference_rows(derivations),
                        template_dirs=options.template_dirs, reveal=options.reveal)


def write_sheet_pdf(derivations: Sequence[Derivation], kind: str, out_pdf: Path,
                    *, title: str, description: str = "",
                    options: SheetOptions = SheetOptions()) -> Path:
    from generator.render.pdf import compile_pdf
    compile_pdf(sheet_tex(derivations, kind, title, description, options), out_pdf,
                source_label=f"{kind} sheet '{title}'")
    return out_pdf


def write_single_pdf(derivation: Derivation, out_pdf: Path,
                     options: SheetOptions = SheetOptions()) -> Path:
    return write_sheet_pdf([derivation], "single", out_pdf, title=derivation.problem.title,
                           options=options)


def problem_file_stems(problems: Sequence[Problem]) -> list[str]:
    """`05-trace-quadratic`, or `set-2` for the second problem of a file with several."""
    stems, seen = [], {}
    for p in problems:
        stem = Path(p.source.path).stem if p.source else f"problem-{p.number}"
        seen[stem] = seen.get(stem, 0) + 1
        stems.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return stems


@dataclass(frozen=True)
class SheetJob:
    """One PDF to write: the derivations on it, the kind of sheet, where, and its title."""

    derivations: tuple[Derivation, ...]
    kind: str
    path: Path
    title: str
    description: str = ""


def set_jobs(problem_set: ProblemSet, derivations: Sequence[Derivation],
             out_dir: Path) -> list[SheetJob]:
    """The PDFs of one set, in `out_dir`: worksheet, solutions, one per problem."""
    ds = tuple(derivations)
    jobs = [SheetJob(ds, kind, out_dir / f"{kind}.pdf", problem_set.title,
                     problem_set.description) for kind in ("worksheet", "solutions")]
    for stem, p, d in zip(problem_file_stems(problem_set.problems), problem_set.problems, ds):
        if stem in SHEET_NAMES:
            raise TracetrickError(f"{p.source}: its PDF would be {stem}.pdf and overwrite the "
                                  f"set's {stem} sheet; rename the file")
        jobs.append(SheetJob((d,), "single", out_dir / f"{stem}.pdf", p.title))
    return jobs


def build_directory(problems_dir: Path, out_dir: Path, progress: Progress | None = None,
                    *, force: bool = False, jobs: int | None = None,
                    options: SheetOptions = SheetOptions()) -> list[Path]:
    """Every set of the folder (its own problems, and each subfolder's) into out_dir and
    out_dir/<set>/; returns the PDFs written.  Only what changed since the last build is
    derived and typeset (`force`: everything), on `jobs` cores (default: all of them);
    see generator/output/build_parallel.py.  Everything is loaded and derived before the first
    PDF is written, so a bad problem anywhere leaves the output as it was.  `options`:
    hint mode for the worksheets and the user's templates (render/sheet_options.py)."""
    from generator.output.build_parallel import build_incremental
    return build_incremental(Path(problems_dir), Path(out_dir), progress, force=force,
                             jobs=jobs, options=options)


def check_problems(path: Path, report: Callable[[str], None]) -> tuple[int, int]:
    """Load, derive and verify every problem of a file, or of a folder and its subfolders
    (each set headed by its folder and title); returns (failures, total)."""
    from generator.problem.sets import check_set, set_folders
    path = Path(path)
    if not path.is_dir():
        return _check_file(path, report)
    folders = set_folders(path)
    if not folders:
        raise TracetrickError(f"{path}: no problem files (*.yaml, *.yml) in this folder or its "
                              f"subfolders")
    failures = total = 0
    for folder in folders:
        lines: list[str] = []
        problem_set, failed = check_set(path, folder, lines.append)
        report(f"{folder}: {problem_set.title}")
        for line in lines:
            report(line)
        failures, total = failures + failed, total + failed
        for p in problem_set.problems:
            failures, total = failures + _check_one(p, report), total + 1
    return failures, total


def _check_file(file: Path, report: Callable[[str], None]) -> tuple[int, int]:
    from generator.problem.loader import load_file
    try:
        problems = load_file(file)
    except TracetrickError as exc:
        report(f"FAIL {exc}" if str(exc).startswith(str(file)) else f"FAIL {file}: {exc}")
        return 1, 1
    return sum(_check_one(p, report) for p in problems), len(problems)


def _check_one(p: Problem, report: Callable[[str], None]) -> int:
    """Derive and verify one problem; 1 if it failed."""
    where = p.source.path if p.source else "?"
    try:
        d = derive(p)
    except TracetrickError as exc:
        report(f"FAIL {where}: {p.title}: {exc}")
        return 1
    report(f"ok   {where}: {p.title}: grad_{p.wrt} L = {d.gradient} "
           f"(max relative error {d.verification.max_rel_error:.1e})")
    return 0
