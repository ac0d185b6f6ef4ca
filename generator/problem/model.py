"""A problem, validated: what the engine is asked to derive (contract section 1)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.math.expr import Expr
from generator.math.symbols import SymbolTable
from generator.problem.choices import EDITIONS, METHODS  # noqa: F401  (the fields' values)
from generator.syntax.names import spelled_out

# what is derived: the gradient of a scalar objective, the Jacobian of a vector one (5.2)
KINDS = ("gradient", "jacobian")
_TRANSPOSED = ("^T", "^{T}", "'", ".T")


def split_transposed(wrt: str) -> tuple[str, bool]:
    """`X^T` -> ("X", True): `wrt` may name the transpose of the variable (the notes' T2);
    a Greek letter is spelled out as in the objective (`μ` -> "mu")."""
    text = wrt.strip()
    for mark in _TRANSPOSED:
        if text.endswith(mark) and len(text) > len(mark):
            return spelled_out(text[: -len(mark)].strip()), True
    return spelled_out(text), False


COMMAND_LINE = "<command line>"  # the Source path of `tracetrick derive`'s problem


@dataclass(frozen=True)
class Source:
    """Where a problem came from, for error messages: `problems/05.yaml:3`; `fields`, the
    line of each of its fields' values, so an error found later (a derivation that fails,
    an `expect:` that differs) points at the line it is about."""

    path: str
    line: int = 0
    fields: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def of(self, key: str) -> "Source":
        """Where field `key` is written (the problem's first line if it is not)."""
        return Source(self.path, dict(self.fields).get(key, self.line))


@dataclass(frozen=True)
class Problem:
    """One problem.  `symbols` is complete: every symbol has a shape (inferred or declared)."""

    title: str
    objective: Expr
    objective_text: str
    wrt: str
    symbols: SymbolTable
    number: int | None = None
    # the heading in place of "Problem 5" (`label: T1`); "" for the number's
    label: str = ""
    points: int | None = None  # what it is worth on an exam (`points: 5`)
    method: str = "differential"
    solve: bool = False
    expect: Expr | None = None
    solution: Expr | None = None
    statement: str = ""
    source: Source | None = None
    # wrt symmetric: True asks for the symmetrised gradient (G + G^T)/2 instead of G
    # (contract 1.1); the loader allows it only for a symmetric or positive definite wrt.
    symmetric_gradient: bool = False
    wrt_transposed: bool = False  # `wrt: X^T`: the gradient with respect to X^T (T2)
    # Hint mode: the worksheet prints the first `reveal` steps of the solution and leaves
    # the rest blank (None: the set's `reveal`, else none).  Never changes the derivation.
    reveal: int | None = None
    # Who the sheets are for (EDITIONS; None: the set's `edition`, else the key's).  Never
    # changes the derivation, only what is printed under each answer.
    edition: str | None = None
    # Markdown and HTML solutions show the answer's code for this library (CODE_LIBRARIES;
    # None: no code).  Never changes the derivation.
    code: str | None = None
    # the objective's shape decides it (the loader, generator.math.written.objective_kind)
    kind: str = "gradient"
    hessian: bool = False  # also the Hessian (contract 5.3): a scalar L of a vector
    # also sympy's own matrix derivative as a second opinion, itself checked numerically;
    # asked for (`sympy: true`, `--sympy`), as it costs more than the rest of a derivation
    sympy: bool = False
    newton: bool = False  # also the Newton step x - H^-1 grad L (with hessian)
    # named intermediate results (contract 5.4), in order; the objective is written over
    # them (generator/problem/intermediates.py)
    where: tuple = ()
    # the other variables of `wrt: [W1, W2]` (contract 5.4): `wrt` is the first, and every
    # gradient is derived on one sheet, from one differential shared by all
    also_wrt: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """What the sheet heads the problem with: its label, or "Problem 5" ("" when it
        has neither, as a derivation from the command line)."""
        if self.label:
            return self.label
        return f"Problem {self.number}" if self.number is not None else ""

    @property
    def for_exam(self) -> bool:
        """The exam's edition: the worksheet is an exam paper, the solutions its key."""
        return self.edition == "exam"

    @property
    def for_student(self) -> bool:
        """The student's edition: no numeric-check sentence, no notes on conventions."""
        return self.edition == "student"

    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable a gradient is asked for, in the order the problem lists them."""
        return (self.wrt, *self.also_wrt)

    @property
    def wrt_text(self) -> str:
        """`X`, or `X^T` for the gradient with respect to the transpose."""
        return f"{self.wrt}^T" if self.wrt_transposed else self.wrt
