"""What the Markdown and HTML pages share: views of the derivations, ready for templates.

The LaTeX sheet's views (latex_sheet.problem_view) already hold every piece of math
printed by the same printers (scalar inverses as fractions); this module adds what a
web page needs on top: each step's lines as one `aligned` block, the symbols in words
and math, the numeric-check sentence (text.verification_sentence), and prose split
into text and math pieces, so that each output format escapes the text its own way
and typesets the math in its own delimiters.  No mathematics is computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from generator.derivation import Derivation
from generator.render.latex_sheet import (
    LineView,
    ProblemView,
    StepView,
    math_to_latex,
    problem_view,
)
from generator.render.exam import exam_header
from generator.render.reference import Reference, reference_for
from generator.render.sheet_options import SheetKind, steps_shown
from generator.render.text import verification_sentence
from generator.syntax.prose import BACKTICKS
from generator.render.pieces import UNSAFE_IN_TEXT, Piece, Rich, symbols_phrase

KINDS = ("worksheet", "solutions", "single")


@dataclass(frozen=True)
class ReferenceRowView:
    """One law of the reference section: its number, LaTeX math and short name (prose)."""

    number: int
    law: str
    name: Rich
    section: str = "other"  # listed under trace, differential or other


@dataclass(frozen=True)
class WebStep:
    """ "Step k: title" and its lines as one `\\begin{aligned}...\\end{aligned}` block;
    `cites` the numbers of the reference's laws it used ("3, 7"), or ''."""

    number: int
    title: Rich
    aligned: str | None  # None for a step without lines
    cites: str = ""


@dataclass(frozen=True)
class WebProblem:
    """One problem of a page: the LaTeX sheet's view plus what a web page adds."""

    view: ProblemView  # objective, gradient, solution, ... as LaTeX
    heading: Rich  # "Problem 5: Trace of quadratic product"
    where: Rich  # "A is n x n (constant), X is n x m"
    statement: tuple[Rich, ...]  # paragraphs
    steps: tuple[WebStep, ...]
    answers: tuple[str, ...]  # \boxed{\nabla_{X} L = ...}, one per variable
    solution: str | None  # \boxed{X = ...}
    hessian: str | None  # \boxed{H = ...}
    newton: str | None  # \boxed{x_{new} = ...}
    newton_conditions: tuple[Rich, ...]  # "H is invertible"
    conditions: tuple[Rich, ...]  # "A^T A is invertible"
    notes: tuple[Rich, ...]
    check: str  # the numeric-check sentence (plain text); "" on a
    # student's edition
    code: str | None = None  # the answer as code (`code:`, `--code`), or none
    code_language: str = ""  # its library: python, torch or jax


# ----- prose ------------------------------------------------------------------------


def rich(prose: str) -> Rich:
    """Prose -> pieces: whitespace normalised, math between backticks as LaTeX.

    Backtick text that is not in the math syntax stays text (backticks dropped), as on
    the LaTeX sheet.
    """
    text = " ".join(str(prose).split())
    pieces = []
    for index, part in enumerate(BACKTICKS.split(text)):
        latex = math_to_latex(part) if index % 2 else None
        if latex is not None:
            pieces.append(Piece(latex, math=True))
        elif part:
            pieces.append(Piece(part))
    return tuple(pieces)


def paragraphs(prose: str) -> tuple[Rich, ...]:
    """Prose with blank lines between paragraphs -> one Rich per paragraph."""
    return tuple(rich(p) for p in re.split(r"\n\s*\n", str(prose)) if p.strip())


def text_in_math(prose: str) -> str:
    """Prose inside a formula (a line's note): `\\text{...}` runs, backtick math as math.

    Notes come from the engine ("since `A` is symmetric"); characters that could
    break out of `\\text{}` are dropped all the same.
    """
    out = []
    for piece in rich(prose):
        if piece.math:
            out.append(piece.text)
        else:
            out.append(r"\text{" + UNSAFE_IN_TEXT.sub("", piece.text) + "}")
    return "".join(out)


# ----- steps ------------------------------------------------------------------------


def aligned(lines: Sequence[LineView]) -> str:
    """The lines of a step as an `aligned` block, one `lhs &= rhs` row each."""
    rows = []
    for line in lines:
        left = (r"\Rightarrow " if line.implies else "") + (
            f"{line.lhs} " if line.lhs is not None else ""
        )
        row = f"{left}&= {line.rhs}" + "".join(f" \\\\\n&\\quad {more}" for more in line.more)
        if line.note or line.note_math is not None:
            note = text_in_math(line.note) if line.note else ""
            if line.note and line.note_math is not None:
                note += r"\ "
            row += r" \quad " + note + (line.note_math or "")
        if line.tag:  # MathJax cannot \tag a row of `aligned`: the mark ends the row
            row += r" \qquad " + text_in_math(line.tag)
        rows.append(row)
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def web_step(step: StepView) -> WebStep:
    return WebStep(
        step.number, rich(step.title), aligned(step.lines) if step.lines else None, step.numbers
    )


# ----- problems and pages -------------------------------------------------------------


def heading(view: ProblemView, derivation: Derivation, kind: SheetKind) -> Rich:
    """ "Problem 5: Title"; a lone derivation without a number is headed by its title."""
    if kind == "single" and not derivation.problem.heading:
        return rich(view.title)
    worth = (Piece(f" ({view.worth})"),) if view.worth else ()
    return (Piece(f"{view.label}: "), *rich(view.title), *worth)


def web_problem(
    derivation: Derivation,
    position: int,
    kind: SheetKind,
    reference: Reference,
    reveal: int | None = None,
) -> WebProblem:
    view = problem_view(
        derivation, position, reference, steps_shown(derivation.problem, kind, reveal)
    )
    return WebProblem(
        view=view,
        heading=heading(view, derivation, kind),
        where=symbols_phrase(derivation),
        statement=paragraphs(view.statement) if view.statement else (),
        steps=tuple(web_step(s) for s in view.steps),
        answers=tuple(rf"\boxed{{{a.symbol} = {a.value}}}" for a in view.answers),
        solution=None if view.solution is None else rf"\boxed{{{view.wrt} = {view.solution}}}",
        hessian=None if view.hessian is None else rf"\boxed{{{view.hessian}}}",
        newton=None if view.newton is None else rf"\boxed{{{view.newton}}}",
        newton_conditions=tuple(
            (Piece(c.subject_math, math=True), Piece(f" is {c.words}"))
            for c in view.newton_conditions
        ),
        conditions=tuple(
            (Piece(c.subject_math, math=True), Piece(f" is {c.words}")) for c in view.conditions
        ),
        notes=tuple(rich(n) for n in view.notes),
        check="" if derivation.problem.for_student else verification_sentence(derivation),
        code=None if kind == "worksheet" else answer_code(derivation),
        code_language=derivation.problem.code or "",
    )


def answer_code(derivation: Derivation) -> str | None:
    """The function of `--format python|torch|jax` when the problem asks for it (`code:`,
    `--code`); an answer the export cannot write is said so, as a comment."""
    if derivation.problem.code is None:
        return None
    from generator.render.code import ExportError, export

    try:
        return export(derivation, derivation.problem.code).text
    except ExportError as err:
        return f"# no {derivation.problem.code} code for this answer: {err}\n"


def page_context(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    *,
    title: str,
    description: str = "",
    reveal: int | None = None,
    course: str = "",
    date: str = "",
) -> dict:
    """The variables of a page template.

    `kind`: "worksheet" (statements only), "solutions" (every step), "single" (one
    derivation, no reference section).  The reference section lists the laws the steps
    cite (render/reference.py).  `reveal`: hint mode (render/sheet_options.py).  A problem is worked out on the page
    when `show_steps` is true or, on a hint worksheet, when it has revealed steps.
    On an exam (render/exam.py) the worksheet is the paper: the header with `course`
    and `date`, a line for the name, room to work and a frame for each answer, and no
    reference; the solutions are its key.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "single" and len(derivations) != 1:
        raise ValueError(f"a single page holds one derivation, not {len(derivations)}")
    reference = reference_for(derivations)
    exam = exam_header(derivations, course, date)
    key = ": key" if exam.exam and kind == "solutions" else ""
    return {
        "kind": kind,
        "title": rich(title + key),
        "title_text": " ".join((title + key).replace("`", "").split()),
        "description": paragraphs(description) if description else (),
        # the exam paper has no reference: the laws are what it asks
        "exam": exam,
        "show_reference": kind != "single" and not (exam.exam and kind == "worksheet"),
        "show_steps": kind != "worksheet",
        "reference_rows": [
            ReferenceRowView(row.number, row.law, rich(row.name), row.section)
            for row in reference.rows
        ],
        "problems": [
            web_problem(d, position, kind, reference, reveal)
            for position, d in enumerate(derivations, 1)
        ],
    }
