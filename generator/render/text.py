"""The derivation as plain text for the terminal, aligned like the sheet."""

from __future__ import annotations

from generator.derivation import Derivation
from generator.render.sheet import Line, sheet_of, shown_text
from generator.render.describe import also_asked, symbol_phrase


BLANK = "_" * 24  # what hint mode leaves for the student to fill in


def problem_heading(derivation: Derivation) -> str:
    p = derivation.problem
    title = plain(p.title)
    return f"{p.heading}: {title}" if p.heading else title


def render_text(derivation: Derivation, reveal: int | None = None) -> str:
    """The derivation for the terminal; `reveal` (hint mode) prints its first steps only
    and leaves the others, and the answer, blank."""
    p, second = derivation.problem, derivation.second_order
    out = [problem_heading(derivation), ""]
    where = symbol_phrase(p.symbols, p.wrt)
    named = ", ".join(f"{item.name} = {shown_text(item.meaning)}" for item in p.where)
    out.append(
        f"Let {derivation.names.objective} = {shown_text(p.objective)}"
        f"{' with ' + named if named else ''}{', where ' + where if where else ''}. "
        f"Find {' and '.join(derivation.labels)}{_also_asked(derivation)}."
    )
    if p.statement:
        out.append(plain(p.statement))
    sheet = sheet_of(derivation)
    shown = sheet if reveal is None else sheet[:reveal]
    for k, step in enumerate(shown, 1):
        out += ["", f"Step {k}: {plain(step.title)}"]
        out += _aligned(step.lines)
    if len(shown) < len(sheet):
        for k in range(len(shown) + 1, len(sheet) + 1):
            out += ["", f"Step {k}: {BLANK}"]
        out.append("")
        out += _answers(derivation, [BLANK] * len(derivation.answers))
        if second is not None:
            out.append(f"Hessian: {second.names.gradient} = {BLANK}")
        if second is not None and second.newton is not None:
            out.append(f"Newton step: {shown_text(second.newton.left)} = {BLANK}")
        if p.solve:
            out.append(f"Setting it to zero: {p.wrt} = {BLANK}")
        return "\n".join(out) + "\n"
    out.append("")
    out += _answers(derivation, [shown_text(value) for _, value in derivation.shown_answers])
    if second is not None:
        out.append(f"Hessian: {second.names.gradient} = {shown_text(second.hessian)}")
    if second is not None and second.newton is not None:
        newton = second.newton
        out.append(
            f"Newton step: {shown_text(newton.left)} = {shown_text(newton.value)}, provided "
            + " and ".join(map(str, newton.conditions))
        )
    if derivation.solution is not None:
        out.append(
            f"Setting it to zero: {p.wrt} = {shown_text(derivation.solution)}"
            + (
                f", provided {' and '.join(map(str, derivation.conditions))}"
                if derivation.conditions
                else ""
            )
        )
    if not p.for_student:  # the key's: the conventions and the numeric check
        out += [plain(note) for note in derivation.notes]
        out.append(verification_sentence(derivation))
    return "\n".join(out) + "\n"


def _also_asked(derivation: Derivation) -> str:
    """ ", the Hessian and the Newton step": what the problem asks beyond the derivative
    (setting it to zero is said where the answer is)."""
    also = also_asked(derivation)
    return "".join((" and " if k == len(also) - 1 else ", ") + item for k, item in enumerate(also))


def _answers(derivation: Derivation, values: list[str]) -> list[str]:
    """ "Answer: grad_X L = ...", a line per variable, the labels aligned."""
    labels = derivation.labels
    width = max(map(len, labels))
    return [
        f"{'Answer:' if k == 0 else '':7} {label.rjust(width)} = {value}"
        for k, (label, value) in enumerate(zip(labels, values))
    ]


def plain(prose: str) -> str:
    """Prose for the terminal: the backticks that mark math are dropped."""
    return prose.replace("`", "")


def verification_sentence(derivation: Derivation) -> str:
    v = derivation.verification
    sentence = (
        f"Every line was checked numerically on {v.trials} random instances "
        f"({v.checks} checks); largest relative error {v.max_rel_error:.1e}."
    )
    return f"{sentence} {v.sympy_opinion}." if v.sympy_opinion else sentence


def _aligned(lines: tuple[Line, ...]) -> list[str]:
    left = [_lhs_text(line) for line in lines]
    width = max((len(s) for s in left), default=0)
    out = []
    for line, lhs in zip(lines, left):
        note = ""
        if line.note or line.note_math is not None:
            math = ""
            if line.note_math is not None:
                math = (
                    f"{shown_text(line.note_math_lhs)} = " if line.note_math_lhs else ""
                ) + shown_text(line.note_math)
            note = "    (" + " ".join(x for x in (plain(line.note), math) if x) + ")"
        elif line.struck is not None:  # text cannot cross it out: it says where it goes
            note = f"    ({shown_text(line.struck)} -> 0)"
        tag = f"    {line.tag}" if line.tag else ""
        out.append(f"    {lhs.rjust(width)} = {shown_text(line.rhs)}{note}{tag}")
    return out


def _lhs_text(line: Line) -> str:
    if line.lhs is None:
        return ""
    text = shown_text(line.lhs)
    return f"=> {text}" if line.implies else text
