"""`tracetrick build` with everything but LaTeX: loading, derivations (in the process
pool), rendering, the cache and the publishing all run; where latexmk would typeset a
sheet, its .tex is written in place of the PDF.  It measures our part of a build alone.

Usage: python bench/build_without_latex.py PROBLEMS_DIR OUT_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path


def main(problems: Path, out: Path) -> int:
    import generator.output.build_parallel as bp
    from generator.output.build import build_directory
    from generator.render.pdf import write_text_atomic

    def write_tex(tex: str, staged: Path, output) -> Path:
        write_text_atomic(staged, tex)
        return staged

    bp._compile = write_tex
    return len(build_directory(problems, out, force=True))


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), Path(sys.argv[2])))
