"""`build --format html|markdown`: every set of a folder as web pages.

An HTML page is one file (generator/output/formats.py renders it); the MathJax it needs
is copied once into the output folder's `_assets/mathjax/` and referred to by a
relative path (render/mathjax.py), so a folder of pages works offline, from disk or from any static web server.  A build
derives and renders every page before it writes the first one, so a bad problem
anywhere leaves the output as it was, as for the PDFs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from generator.output.formats import named, render_page
from generator.render.sheet_options import SheetOptions, for_sheet_of_build

Progress = Callable[[int, int, str], None]


def build_pages(problems_dir: Path, out_dir: Path, fmt: str,
                progress: Progress | None = None,
                options: SheetOptions = SheetOptions()) -> list[Path]:
    """Every set of the folder as pages: worksheet, solutions and one page per problem,
    in out_dir and out_dir/<set>/, like the PDFs (output/sheets.py plans both); MathJax once, in
    out_dir/_assets/.  Returns the pages written, in order."""
    from generator.output.sheets import derive_all, plan
    from generator.problem.sets import load_sets
    from generator.render.mathjax import script_src
    from generator.render.pdf import write_text_atomic
    if fmt not in ("markdown", "html"):
        raise ValueError(f"not a web format: {fmt!r} (markdown or html)")
    problems_dir, out_dir = Path(problems_dir), Path(out_dir)
    pages: list[tuple[Path, str]] = []
    for problem_set in load_sets(problems_dir):
        derivations = derive_all(problem_set.problems)
        for target in plan(problem_set, out_dir, named(fmt).suffix):
            src = script_src(target.path, out_dir) if fmt == "html" else None
            shown = [derivations[i] for i in target.problems]
            pages.append((target.path, render_page(
                shown, target.kind, fmt, title=target.title, description=target.description,
                mathjax_src=src, options=for_sheet_of_build(options, target.kind))))
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        from generator.render.mathjax import copy_assets
        copy_assets(out_dir)
    for done, (path, text) in enumerate(pages, 1):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
        if progress:
            progress(done, len(pages), path.relative_to(out_dir).as_posix())
    return [path for path, _ in pages]
