"""What the sheets of a problem set are: the derivations in order, the LaTeX of a sheet,
and the PDFs one set becomes (worksheet, solutions, one per problem), with their names.

Both builders use it: the plain one (`tracetrick render`, `derive -o`) and the
incremental one of `make pdf` (generator/output/build_parallel.py); so do the HTML and
Markdown pages.
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
from generator.render.sheet_options import SheetKind, SheetOptions

Progress = Callable[[int, int, str], None]
SHEET_NAMES = ("worksheet", "solutions")  # a problem file of that name would clash


def derive_all(problems: Sequence[Problem]) -> list[Derivation]:
    """The problems of one sheet in order; each may cite the ones before it."""
    done: list[Derivation] = []
    for p in problems:
        done.append(derive(p, tuple(done)))
    return done


def sheet_tex(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    title: str,
    description: str = "",
    options: SheetOptions = SheetOptions(),
    *,
    course: str = "",
    date: str = "",
) -> str:
    from generator.render.latex_sheet import render_sheet

    return render_sheet(
        list(derivations),
        kind,
        title=title,
        description=description,
        template_dirs=options.template_dirs,
        reveal=options.reveal,
        course=course,
        date=date,
    )


def write_sheet_pdf(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    out_pdf: Path,
    *,
    title: str,
    description: str = "",
    options: SheetOptions = SheetOptions(),
    course: str = "",
    date: str = "",
) -> Path:
    from generator.render.pdf import compile_pdf

    compile_pdf(
        sheet_tex(derivations, kind, title, description, options, course=course, date=date),
        out_pdf,
        source_label=f"{kind} sheet '{title}'",
    )
    return out_pdf


def problem_file_stems(problems: Sequence[Problem]) -> list[str]:
    """`05-trace-quadratic`, or `set-2` for the second problem of a file with several."""
    stems: list[str] = []
    seen: dict[str, int] = {}
    for p in problems:
        stem = Path(p.source.path).stem if p.source else f"problem-{p.number}"
        seen[stem] = seen.get(stem, 0) + 1
        stems.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return stems


@dataclass(frozen=True)
class Target:
    """One sheet of a set on disk: where, what kind, its title, and which of the set's
    problems it shows."""

    rel: str  # relative to the output folder: `cookbook/worksheet.pdf`
    path: Path
    kind: SheetKind  # worksheet, solutions, single
    title: str
    description: str
    problems: tuple[int, ...]  # indices into the set's problems
    course: str = ""  # an exam's header (the set's set.yaml)
    date: str = ""


def plan(problem_set: ProblemSet, out_dir: Path, suffix: str = ".pdf") -> tuple[Target, ...]:
    """The sheets of one set in `out_dir`/<set>: worksheet, solutions, one per problem."""
    problems = problem_set.problems
    folder = out_dir / problem_set.name
    everything = tuple(range(len(problems)))
    targets = [
        Target(
            (folder / f"{kind}{suffix}").relative_to(out_dir).as_posix(),
            folder / f"{kind}{suffix}",
            kind,
            problem_set.title,
            problem_set.description,
            everything,
            problem_set.info.course,
            problem_set.info.date,
        )
        for kind in ("worksheet", "solutions")
    ]
    for index, (stem, p) in enumerate(zip(problem_file_stems(problems), problems)):
        if stem in SHEET_NAMES:
            what = "PDF" if suffix == ".pdf" else "page"
            raise TracetrickError(
                f"{p.source}: its {what} would be {stem}{suffix} and "
                f"overwrite the set's {stem} sheet; rename the file"
            )
        path = folder / f"{stem}{suffix}"
        targets.append(
            Target(path.relative_to(out_dir).as_posix(), path, "single", p.title, "", (index,))
        )
    return tuple(targets)


def with_derivations(
    targets: Sequence[Target], derivations: Sequence[Derivation]
) -> list[tuple[Target, tuple[Derivation, ...]]]:
    """Each sheet with the derivations it shows."""
    return [(t, tuple(derivations[i] for i in t.problems)) for t in targets]
