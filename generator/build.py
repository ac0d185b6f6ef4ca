"""Sheets on disk: derive a set of problems and write their PDFs and LaTeX.

`build_directory` is what `make pdf` runs: worksheet.pdf, solutions.pdf and one PDF
per problem, each written atomically (a failure leaves the previous file in place).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from generator.api import derive
from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.problem import Problem

DEFAULT_SET_TITLE = "Matrix calculus using the trace trick"
Progress = Callable[[int, int, str], None]


def derive_all(problems: Sequence[Problem]) -> list[Derivation]:
    return [derive(p) for p in problems]


def sheet_tex(derivations: Sequence[Derivation], kind: str, title: str) -> str:
    from generator.render.latex_sheet import render_sheet
    from generator.render.reference import reference_rows
    return render_sheet(list(derivations), kind, title=title,
                        reference_rows=reference_rows(derivations))


def write_sheet_pdf(derivations: Sequence[Derivation], kind: str, out_pdf: Path,
                    *, title: str) -> Path:
    from generator.render.pdf import compile_pdf
    compile_pdf(sheet_tex(derivations, kind, title), out_pdf,
                source_label=f"{kind} sheet '{title}'")
    return out_pdf


def write_single_pdf(derivation: Derivation, out_pdf: Path) -> Path:
    return write_sheet_pdf([derivation], "single", out_pdf, title=derivation.problem.title)


def problem_file_stems(problems: Sequence[Problem]) -> list[str]:
    """`05-trace-quadratic`, or `set-2` for the second problem of a file with several."""
    stems, seen = [], {}
    for p in problems:
        stem = Path(p.source.path).stem if p.source else f"problem-{p.number}"
        seen[stem] = seen.get(stem, 0) + 1
        stems.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return stems


def build_directory(problems_dir: Path, out_dir: Path,
                    progress: Progress | None = None) -> list[Path]:
    """Derive every problem of the folder, then write all the PDFs of the set."""
    from generator.loader import load_directory
    problems = load_directory(problems_dir)
    if not problems:
        raise TracetrickError(f"{problems_dir}: no problem files (*.yaml) found")
    derivations = derive_all(problems)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Sequence[Derivation], str, Path, str]] = [
        (derivations, "worksheet", out_dir / "worksheet.pdf", DEFAULT_SET_TITLE),
        (derivations, "solutions", out_dir / "solutions.pdf", DEFAULT_SET_TITLE),
    ]
    for stem, d in zip(problem_file_stems(problems), derivations):
        jobs.append(([d], "single", out_dir / f"{stem}.pdf", d.problem.title))
    written = []
    for done, (ds, kind, path, title) in enumerate(jobs, 1):
        write_sheet_pdf(ds, kind, path, title=title)
        written.append(path)
        if progress:
            progress(done, len(jobs), path.name)
    return written


def check_problems(path: Path, report: Callable[[str], None]) -> tuple[int, int]:
    """Load, derive and verify every problem; returns (failures, total)."""
    from generator.loader import load_file
    files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    failures = total = 0
    for file in files:
        try:
            problems = load_file(file)
        except TracetrickError as exc:
            failures, total = failures + 1, total + 1
            report(f"FAIL {file}: {exc}")
            continue
        for p in problems:
            total += 1
            try:
                d = derive(p)
            except TracetrickError as exc:
                failures += 1
                report(f"FAIL {file}: {p.title}: {exc}")
                continue
            report(f"ok   {file}: {p.title}: grad_{p.wrt} L = {d.gradient} "
                   f"(max relative error {d.verification.max_rel_error:.1e})")
    return failures, total
