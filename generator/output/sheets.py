"""What the sheets of a problem set are: the derivations in order, the LaTeX of a sheet,
and the PDFs one set becomes (worksheet, solutions, one per problem), with their names.

Both builders use it: the plain one (`tracetrick render`, `derive -o`) and the
incremental one of `make pdf` (generator/output/build_parallel.py); so do the HTML and
Markdown pages (generator/output/web_pages.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from generator.api import derive
from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.problem.model import Problem
from generator.problem.sets import ProblemSet
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
