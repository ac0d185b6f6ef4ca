"""Derivations -> a complete LaTeX document: worksheet, solutions, or a single problem.

The story: turn each Derivation into a small view (every piece of math already
printed by `to_latex`, every piece of prose left as text for the templates to
escape), render the Jinja template of the sheet's kind into a body, and let PyLaTeX
wrap the body in a document with its packages.  Layout lives in the templates; this
module only decides what is math and what is prose, so nothing from a YAML file
reaches LaTeX unescaped.  No mathematics is computed here.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from pylatex import Document, Package
from pylatex.utils import NoEscape

from generator.math import shapes
from generator.derivation import Condition, Derivation, Verification
from generator.problem.model import Problem
from generator.render.describe import also_asked
from generator.render.sheet import ROWS_HOLE, Line, SheetStep, rows_of, sheet_of
from generator.errors import TracetrickError
from generator.math.expr import Expr, Symbol, Transpose
from generator.render.pdf import problem_marker
from generator.render.pieces import as_latex, symbols_phrase
from generator.render.exam import exam_header
from generator.render.reference import Reference, reference_for
from generator.render.sheet_options import SheetKind, steps_shown
from generator.render.templates import render_template, shared_environment
from generator.syntax.latex import to_latex
from generator.syntax.elision import elided
from generator.syntax.prose import prose_math

# writes an expression as LaTeX (to_latex, or math_printer's, which knows the shapes);
# `struck=` crosses a part out
MathPrinter = Callable[..., str]


TEMPLATE_OF_KIND: dict[str, str] = {
    "worksheet": "worksheet.tex.j2",
    "solutions": "solutions.tex.j2",
    "single": "single.tex.j2",
}

# ----- the views the templates receive ------------------------------------------------


@dataclass(frozen=True)
class ReferenceRow:
    """One law of the reference page: its number, `law` (LaTeX math), `description`
    (prose), and the `section` it is listed in (trace, differential, other)."""

    number: int
    law: NoEscape
    description: str
    section: str = "other"


@dataclass(frozen=True)
class LineView:
    """One row of an `align*`: `lhs &= rhs`; `lhs` None continues the row above."""

    rhs: NoEscape
    lhs: NoEscape | None
    implies: bool
    note: str  # prose, escaped by the template
    note_math: NoEscape | None  # math after the note: `R = A x - b`
    tag: str = ""  # the equation's mark, ①, escaped by the template
    more: tuple[NoEscape, ...] = ()  # the rows a long sum goes on to, `+ c` (sheet.rows_of)


@dataclass(frozen=True)
class StepView:
    """ "Step k: title" and its rows; `cites` is LaTeX for the numbers of its rules,
    set at the right margin (empty for a step that used none)."""

    number: int
    title: str
    lines: tuple[LineView, ...]
    cites: NoEscape = NoEscape("")
    numbers: str = ""  # the same numbers as plain text (`3, 7`), for the web pages


@dataclass(frozen=True)
class BlankStepView:
    """A step that hint mode leaves blank: "Step k:" and room for as many rows as the
    worked step has."""

    number: int
    rows: int


@dataclass(frozen=True)
class ConditionView:
    """What an answer assumes: `subject_math` (LaTeX) is `words` ("invertible")."""

    subject_math: NoEscape
    words: str


@dataclass(frozen=True)
class CheckView:
    """The numeric check, ready to print: `max_rel_error` is LaTeX math (2 \\times 10^{-15})."""

    trials: int
    max_rel_error: NoEscape
    sympy_agrees: bool | None
    sympy_opinion: str  # what the sheet says of it ('' where sympy was not asked)


@dataclass(frozen=True)
class AnswerView:
    """One boxed answer: `\nabla_{X} L` and its value, as LaTeX."""

    symbol: NoEscape
    value: NoEscape


@dataclass(frozen=True)
class ProblemView:
    """Everything one problem's templates print."""

    number: int
    label: str  # the heading: "Problem 5", or the problem's `label:` ("T1")
    points: int | None  # what it is worth on an exam (`points:`), or none
    work_rows: int  # an exam's box to work in: rows for about the solution's lines
    title: str
    statement: str
    objective: NoEscape  # the right-hand side of `L = ...`
    wrt: NoEscape  # X
    objective_name: NoEscape  # L, or the engine's other name for it when the user has an L
    # what "Find ..." asks: \nabla_{X} L, or \frac{\partial f}{\partial x} (a Jacobian);
    # several variables' gradients, listed
    gradient_symbol: NoEscape
    solve: bool
    steps: tuple[StepView, ...]
    answers: tuple[AnswerView, ...]  # one per variable asked for
    solution: NoEscape | None
    conditions: tuple[ConditionView, ...]
    notes: tuple[str, ...]  # none on a student's edition
    check: CheckView | None  # the numeric check; none on a student's edition
    marker: NoEscape = NoEscape("")  # a comment naming the problem (render/pdf.py)
    hessian: NoEscape | None = None  # `H = 2 A^{T} A`, with hessian: true
    newton: NoEscape | None = None  # `x_{new} = (A^{T} A)^{-1} A^{T} b`, with newton: true
    newton_conditions: tuple[ConditionView, ...] = ()
    also: tuple[str, ...] = ()  # asked beyond the derivative: "the Hessian", ... (prose)
    # Hint mode (render/sheet_options.py): `steps` are the first steps only, these the
    # rest; when there are any, the answer is left blank too.
    blanks: tuple[BlankStepView, ...] = ()
    # the named results (`where:`): `z = W_1 x,\ a = \sigma(z)`, or none
    named: NoEscape | None = None
    # the symbols' shapes in words: `$A$ is $n \times n$ (constant), ...` (LaTeX text)
    dimensions: NoEscape = NoEscape("")

    @property
    def worth(self) -> str:
        """ "4 points", "1 point", or "" for a problem without `points:`."""
        if self.points is None:
            return ""
        return f"{self.points} point{'' if self.points == 1 else 's'}"

    @property
    def is_hint(self) -> bool:
        """Some steps are left blank (and so is the answer)."""
        return bool(self.blanks)


# ----- the public function --------------------------------------------------------------

# an exam's box to work in is never taller than this many rows (about two thirds of a page)
MOST_WORK_ROWS = 30


def render_sheet(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    *,
    title: str,
    description: str = "",
    template_dirs: Sequence[str | os.PathLike] = (),
    reveal: int | None = None,
    course: str = "",
    date: str = "",
) -> str:
    """A complete .tex document for `derivations`.

    `kind`: "worksheet" (the statements with room to work), "solutions" (every step),
    "single" (one derivation with its steps, no reference page).  `description` is
    prose (math in backticks) under the title of a worksheet or solutions sheet (a
    set's set.yaml).  The reference page lists the laws the steps cite
    (render/reference.py).  `template_dirs` are
    searched before the shipped templates.  `reveal` is hint mode
    (render/sheet_options.py): the steps a worksheet or single sheet prints.  When every
    problem is in the exam's edition, the worksheet is the exam paper (a header with
    `course` and `date`, a line for the name, the points, boxes to work and answer in)
    and the solutions are its key.  The user's `preamble.tex.j2` goes into the preamble
    (`\\usepackage`, a logo's `\\newcommand`).  Raises TemplateError when a template is
    broken.
    """
    if kind not in TEMPLATE_OF_KIND:
        raise ValueError(f"kind must be one of {', '.join(TEMPLATE_OF_KIND)}, not {kind!r}")
    if kind == "single" and len(derivations) != 1:
        raise ValueError(f"a single sheet holds one derivation, not {len(derivations)}")
    reference = reference_for(derivations)
    env = shared_environment(template_dirs, math=math_to_latex)
    header = exam_header(derivations, course, date)
    body = render_template(
        env,
        TEMPLATE_OF_KIND[kind],
        kind=kind,
        title=title,
        description=description,
        exam=header.exam,
        course=header.course,
        date=header.date,
        total_points=header.total_points,
        reference_rows=[
            ReferenceRow(row.number, NoEscape(row.law), row.name, row.section)
            for row in reference.rows
        ],
        problems=[
            problem_view(d, position, reference, steps_shown(d.problem, kind, reveal))
            for position, d in enumerate(derivations, 1)
        ],
    )
    return latex_document(body, render_template(env, "preamble.tex.j2"))


def latex_document(body: str, preamble: str = "") -> str:
    """The preamble (PyLaTeX) around the rendered body (already LaTeX: NoEscape), with
    `preamble` (a template's LaTeX: packages, commands) at its end."""
    doc = Document(
        documentclass="article",
        document_options=["11pt", "a4paper"],
        geometry_options={"margin": "2.5cm"},
        fontenc=None,  # OT1 Computer Modern: no font packages beyond a basic TeX Live
        lmodern=False,
        textcomp=False,
        indent=False,  # parskip: paragraphs separated by space, as in the notes
        page_numbers=True,
    )
    # lastpage (which PyLaTeX loads for page numbers) writes a label that only a "page 3
    # of 5" reads, and a label makes pdflatex ask for a second pass; a sheet prints the
    # number alone
    doc.packages.discard(Package("lastpage"))
    for name in ("amsmath", "amssymb", "cancel", "multicol", "needspace"):
        doc.packages.append(Package(name))
    # A long unbreakable word in prose (a path, a URL) goes to the next line instead of
    # running past the margin, where it would be cut off the page.
    doc.preamble.append(NoEscape(r"\sloppy"))
    if preamble.strip():
        doc.preamble.append(NoEscape(preamble))
    doc.append(NoEscape(body))
    # the \documentclass line ends where it ends (PyLaTeX writes a `%` after it), as the
    # preamble's format expects: mylatexformat finds the preamble to skip by that line
    documentclass, rest = doc.dumps().split("\n", 1)
    return f"{documentclass.rstrip('%')}\n{rest}\n"


# ----- Derivation -> views --------------------------------------------------------------


def math_printer(derivation: Derivation) -> Callable[[Expr], str]:
    """to_latex that writes scalar inverses as fractions (it knows the shapes)."""
    is_scalar = shapes.scalar_test(derivation.symbols or derivation.problem.symbols)

    def printed(e: Expr, struck: Expr | None = None) -> str:
        # as the sheets show it: long regular runs of factors elided (`A_2 X \cdots`)
        return to_latex(elided(e), is_scalar, struck)

    return printed


def problem_view(
    derivation: Derivation, position: int, reference: Reference, shown: int | None = None
) -> ProblemView:
    """The view of one derivation; `position` numbers a problem that has no number, and
    `reference` numbers the laws its steps cite.  `shown`: hint mode, the steps printed
    (the others are blanks); None: all."""
    problem = derivation.problem
    whole = sheet_of(derivation)
    sheet = whole if shown is None else whole[:shown]
    blanks = tuple(
        BlankStepView(k, max(1, len(step.lines)))
        for k, step in enumerate(whole[len(sheet) :], len(sheet) + 1)
    )
    to_latex = math_printer(derivation)
    number = problem.number if problem.number is not None else position
    wrt = to_latex(Symbol(problem.wrt))
    objective_name = to_latex(derivation.names.objective)
    second = derivation.second_order
    step = second.newton if second is not None else None
    answers = answer_views(derivation, to_latex)
    return ProblemView(
        number=number,
        label=problem.label or f"Problem {number}",
        points=problem.points,
        work_rows=min(2 * sum(len(s.lines) for s in whole) + 3, MOST_WORK_ROWS),
        title=problem.title,
        statement=problem.statement,
        objective=NoEscape(to_latex(problem.objective)),
        wrt=NoEscape(wrt),
        objective_name=NoEscape(objective_name),
        named=NoEscape(
            r",\ ".join(
                f"{to_latex(item.node)} = {to_latex(item.meaning)}" for item in problem.where
            )
        )
        if problem.where
        else None,
        gradient_symbol=NoEscape(r",\ ".join(a.symbol for a in answers)),
        solve=problem.solve,
        steps=tuple(step_view(s, k, reference, to_latex) for k, s in enumerate(sheet, 1)),
        answers=answers,
        solution=None if derivation.solution is None else NoEscape(to_latex(derivation.solution)),
        conditions=tuple(condition_view(c, to_latex) for c in derivation.conditions),
        notes=() if problem.for_student else derivation.notes,
        check=None if problem.for_student else check_view(derivation.verification),
        marker=NoEscape(problem_marker(_origin(problem, position))),
        hessian=None
        if second is None
        else NoEscape(f"{to_latex(second.names.gradient)} = {to_latex(second.hessian)}"),
        newton=None
        if step is None
        else NoEscape(f"{to_latex(step.left)} = {to_latex(step.value)}"),
        also=also_asked(derivation),
        newton_conditions=()
        if step is None
        else tuple(condition_view(c, to_latex) for c in step.conditions),
        blanks=blanks,
        dimensions=NoEscape(as_latex(symbols_phrase(derivation))),
    )


def answer_views(derivation: Derivation, to_latex: Callable[[Expr], str]) -> tuple[AnswerView, ...]:
    """Each variable's derivative: its symbol (`\nabla_{X} L`) and its value, as LaTeX."""
    return tuple(
        AnswerView(
            NoEscape(_derivative_symbol(derivation, variable, to_latex)),
            NoEscape(_in_rows(typeset_rows(value, to_latex))),
        )
        for variable, value in derivation.shown_answers
    )


def _in_rows(rows: list[str]) -> str:
    """One row as it is; several stacked (`+ c` under `a + b`), for a box or a line."""
    if len(rows) == 1:
        return rows[0]
    more = "".join(rf" \\ &\quad {_continued(row)}" for row in rows[1:])
    return rf"\begin{{aligned}}[t] &{rows[0]}{more} \end{{aligned}}"


def _continued(row: str) -> str:
    """A row that goes on with a sum: `+ c`, or `- c` as it is printed."""
    return row if row.startswith("-") else f"+ {row}"


def answers_latex(derivation: Derivation) -> str:
    """The answers as one displayed equation (a notebook's `text/latex` of a Derivation)."""
    views = answer_views(derivation, math_printer(derivation))
    return "$$" + r",\qquad ".join(f"{a.symbol} = {a.value}" for a in views) + "$$"


def _derivative_symbol(
    derivation: Derivation, variable: str, to_latex: Callable[[Expr], str]
) -> str:
    r"""`\nabla_{X} L` (`\nabla_{X^{T}} L` for the transpose), or the Jacobian's
    `\frac{\partial f}{\partial x}` (of vec f by vec X where it is vectorised)."""
    problem = derivation.problem
    objective, wrt = to_latex(derivation.names.objective), to_latex(Symbol(variable))
    if derivation.kind == "jacobian" and derivation.vectorised:
        return (
            rf"\frac{{\partial \operatorname{{vec}} {objective}}}"
            rf"{{\partial \operatorname{{vec}} {wrt}}}"
        )
    if derivation.kind == "jacobian":
        return rf"\frac{{\partial {objective}}}{{\partial {wrt}}}"
    if problem.wrt_transposed:
        wrt = to_latex(Transpose(Symbol(variable)))
    return rf"\nabla_{{{wrt}}} {objective}"


def _origin(problem: Problem, position: int) -> str:
    """`Problem 5 (problems/05.yaml:1)`: what a LaTeX error message names (not the title:
    the .tex holds prose only escaped)."""
    heading = problem.heading or f"Problem {position}"
    return heading + (f" ({problem.source})" if problem.source else "")


def step_view(
    step: SheetStep, number: int, reference: Reference, to_latex: MathPrinter = to_latex
) -> StepView:
    numbers = reference.cite(step.rules)
    cites = NoEscape(rf" \hfill{{\footnotesize ({numbers})}}" if numbers else "")
    return StepView(
        number, step.title, tuple(line_view(line, to_latex) for line in step.lines), cites, numbers
    )


def line_view(line: Line, to_latex: MathPrinter = to_latex) -> LineView:
    note_math = None
    if line.note_math is not None:
        note_math = to_latex(line.note_math)
        if line.note_math_lhs is not None:
            note_math = f"{to_latex(line.note_math_lhs)} = {note_math}"
    first, *rest = typeset_rows(line.rhs, to_latex, line.struck)
    return LineView(
        rhs=NoEscape(first),
        lhs=None if line.lhs is None else NoEscape(to_latex(line.lhs)),
        implies=line.implies,
        note=line.note,
        note_math=None if note_math is None else NoEscape(note_math),
        tag=line.tag,
        more=tuple(NoEscape(_continued(row)) for row in rest),
    )


def typeset_rows(e: Expr, to_latex: MathPrinter, struck: Expr | None = None) -> list[str]:
    """The rows `e` is typeset on (sheet.rows_of); where its long sum stands inside it,
    what comes before the sum opens the first row and what comes after closes the last,
    their `\\left(`/`\\right)` made `\\bigl(`/`\\bigr)` (a pair of `\\left` and `\\right`
    cannot span rows)."""
    layout = rows_of(e)
    rows = [to_latex(row, struck=struck) for row in layout.rows]
    if layout.frame is None:
        return rows
    parts = to_latex(layout.frame, struck=struck).split(to_latex(ROWS_HOLE))
    if len(parts) != 2 or _depth_of_braces(parts[0]) != 0:
        # the sum stands twice, or inside a group (a fraction's numerator: `\\frac{a + b}`),
        # which cannot span rows: one row, as it reads
        return [to_latex(e, struck=struck)]
    before, after = (
        part.replace(r"\left", r"\bigl").replace(r"\right", r"\bigr") for part in parts
    )
    rows[0], rows[-1] = before + rows[0], rows[-1] + after
    return rows


def _depth_of_braces(tex: str) -> int:
    """How many `{` groups are open at the end of `tex` (`\\{` is a brace, not a group)."""
    plain = tex.replace(r"\{", "").replace(r"\}", "")
    return plain.count("{") - plain.count("}")


def check_view(verification: Verification) -> CheckView:
    return CheckView(
        verification.trials,
        NoEscape(_scientific(verification.max_rel_error)),
        verification.sympy_agrees,
        verification.sympy_opinion,
    )


def condition_view(condition: Condition, to_latex: MathPrinter = to_latex) -> ConditionView:
    """`A^T A` invertible -> the subject typeset and the property in words."""
    return ConditionView(
        NoEscape(to_latex(condition.subject)), condition.property.replace("_", " ")
    )


def math_to_latex(text: str) -> str | None:
    """Math syntax in prose (`tr(A B) = tr(B A)`) -> LaTeX; None when it does not parse.

    Each side of an `=` is parsed on its own: the math syntax has no equations.
    """
    try:
        return " = ".join(to_latex(side) for side in prose_math(text))
    except TracetrickError:
        return None


def _scientific(value: float) -> str:
    """2.3e-15 -> `2.3 \\times 10^{-15}`; plain decimals between 0.001 and 1000."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return rf"\text{{{value}}}"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent < 3:
        return f"{value:.3g}"
    mantissa = re.sub(r"\.?0+$", "", f"{value / 10**exponent:.1f}")
    if mantissa == "10":  # rounding carried over: 9.96e-15 -> 1 x 10^{-14}
        mantissa, exponent = "1", exponent + 1
    return rf"{mantissa} \times 10^{{{exponent}}}"
