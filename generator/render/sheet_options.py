"""How a sheet is rendered, beyond what it shows: hint mode and the user's templates.

Hint mode (`--reveal K`, or `reveal: K` in a problem file or a set.yaml) prints the
first K steps of a solution and leaves the others blank, with room to write them
and a blank answer: a worksheet that gets a student started.  Which sheets it touches:

- a worksheet: `--reveal K` for every problem, else each problem's own `reveal`
  (which a set.yaml may give for the whole set), else none (the plain worksheet);
- a single derivation (`derive --reveal K`): K steps, all of them without the option;
- a solutions sheet: always every step (it is the answer key);
- in a build, `--reveal` is for the worksheets only: the one-problem PDFs beside them
  are solutions too (`for_sheet_of_build`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from generator.problem.model import Problem

# Which sheet: a worksheet (questions), its solutions, or one derivation on its own.
SheetKind = Literal["worksheet", "solutions", "single"]


@dataclass(frozen=True)
class SheetOptions:
    """What the command line may change in every sheet of a build.

    `reveal`: the steps a worksheet prints (None: each problem's own `reveal`).
    `template_dirs`: folders searched for templates before the shipped ones.
    `edition`: who every sheet is for, `--edition` (None: each problem's own `edition`).
    `code`: the library whose code Markdown and HTML solutions show under each answer,
    `--code` (None: each problem's own `code`).
    `sympy`: sympy's second opinion of every problem, `--sympy` (False: each problem's own
    `sympy`).
    """

    reveal: int | None = None
    template_dirs: tuple[Path, ...] = ()
    edition: str | None = None
    code: str | None = None
    sympy: bool = False

    def applied(self, problem: Problem) -> Problem:
        """The problem as these options print and check it: `--edition`, `--code` and
        `--sympy` win over its own."""
        if self.sympy:
            problem = replace(problem, sympy=True)
        if self.edition is not None:
            problem = replace(problem, edition=self.edition)
        return problem if self.code is None else replace(problem, code=self.code)


def steps_shown(problem: Problem, kind: SheetKind, reveal: int | None = None) -> int | None:
    """How many steps of `problem`'s solution a sheet of `kind` prints; None: all."""
    if kind == "worksheet":
        if reveal is not None:
            return reveal
        return problem.reveal or 0
    if kind == "single":
        return reveal
    return None


def for_sheet_of_build(options: SheetOptions, kind: SheetKind) -> SheetOptions:
    """The options of one sheet of a build: its `--reveal` makes hint worksheets, while
    its solutions and one-problem sheets show every step."""
    return options if kind == "worksheet" else replace(options, reveal=None)
