"""`tracetrick variants N SET`: N versions of an exam, each with its key.

Each version of the set is written as problem files (`version-K/`, with a set.yaml in
the exam's edition: generator.problem.variants says how a version is drawn), read back
by the loader, derived and verified like any set, then typeset: `exam-vK.pdf`, the
paper, and `key-vK.pdf`, its solutions.  A version that fails stops the command with
the file and the reason, before any PDF of it is written.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

import yaml

from generator.errors import TracetrickError
from generator.output.sheets import derive_all, problem_file_stems, write_sheet_pdf
from generator.problem.loader import SET_FILE
from generator.problem.sets import ProblemSet, load_set
from generator.problem.variants import Version, version_of
from generator.render.pdf import write_text_atomic
from generator.render.sheet_options import SheetKind, SheetOptions

MOST_VERSIONS = 100
# each version's two PDFs: the paper (a worksheet) and its key (the solutions)
EDITION_FILES: tuple[tuple[SheetKind, str], ...] = (("worksheet", "exam"), ("solutions", "key"))


def write_versions(
    folder: Path,
    count: int,
    out_dir: Path,
    *,
    seed: int = 1,
    options: SheetOptions = SheetOptions(),
    report: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Write `count` versions of the set in `folder` to `out_dir`; the PDFs written."""
    if not 1 <= count <= MOST_VERSIONS:
        raise TracetrickError(f"variants: {count} versions; ask for 1 to {MOST_VERSIONS}")
    original = load_set(folder, folder)
    written: list[Path] = []
    for k in range(1, count + 1):
        rng = random.Random(f"{seed}:{k}")
        versions = [version_of(p, rng) for p in original.problems]
        source = out_dir / f"version-{k}"
        _write_sources(source, original, versions, k)
        problem_set = load_set(source, source)
        derivations = derive_all([options.applied(p) for p in problem_set.problems])
        for kind, name in EDITION_FILES:
            path = out_dir / f"{name}-v{k}.pdf"
            write_sheet_pdf(
                derivations,
                kind,
                path,
                title=problem_set.title,
                description=problem_set.description,
                options=options,
                course=problem_set.info.course,
                date=problem_set.info.date,
            )
            written.append(path)
            report(f"wrote {path}")
    return written


def _write_sources(source: Path, original: ProblemSet, versions: list[Version], k: int) -> None:
    """The version's problem files and set.yaml, named as the original's."""
    source.mkdir(parents=True, exist_ok=True)
    for stale in source.glob("*.yaml"):
        stale.unlink()
    info = original.info
    set_fields = {"title": f"{info.title}, version {k}", "edition": "exam"}
    for key in ("description", "course", "date"):
        if getattr(info, key):
            set_fields[key] = getattr(info, key)
    write_text_atomic(source / SET_FILE, _yaml(set_fields))
    for stem, version in zip(problem_file_stems(original.problems), versions):
        note = "".join(f"# {old} is {new} here\n" for old, new in version.renamed)
        if version.numbers_changed:
            note += "# the numbers in front of terms were drawn anew\n"
        write_text_atomic(source / f"{stem}.yaml", note + _yaml(version.fields))


def _yaml(fields: dict) -> str:
    return yaml.safe_dump(
        fields, sort_keys=False, allow_unicode=True, width=88, default_flow_style=None
    )
