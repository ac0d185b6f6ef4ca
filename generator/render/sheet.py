"""The sheet of a derivation: a pure function of what the engine recorded.

The engine records phases, rule applications and the equations it states
(generator/derivation.py); `sheet_of` lays them out as the notes do, as numbered
"Step k: <title>" blocks of a few lines each.  Everything about the look is decided
here, once, for every renderer (text, LaTeX, Markdown, HTML, JSON):
- the title of each step, from its phase and the reasons of the rules it used, in words
  (generator.render.reasons); the differential of both sides is a step of its own, as
  in the notes, and the working after it the next;
- which lines show: a minor rule (`(A^T)^T = A`, dropping a zero) is merged into the
  line before, working the derivation states the result of is not shown, and a term
  too long to read on its own line is left to the assembled line that follows;
- the notes at the end of a line ("where R = A x - b", "using it", "by Problem 5");
- which steps show at all: a phase in which no rule applied is left out, unless the
  equation it states is itself the point (the differential, the identified G).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

from generator.derivation import Derivation
from generator.engine.records import Phase, Record, Statement, Step
from generator.engine import catalogue as cat
from generator.engine.names import EngineNames
from generator.engine.rule import Rule
from generator.math.expr import Add, Differential, Expr, Identity, Symbol, add, d
from generator.render.reasons import reasons_clause, sentence
from generator.render.tags import tagged
from generator.syntax.elision import elided
from generator.syntax.printer import to_text


def shown_text(e: Expr) -> str:
    """`e` as a text sheet shows it: its long regular runs of factors elided
    (`A2 X ... A64 X`, generator.syntax.elision), so a sheet stays readable at any size."""
    return to_text(elided(e))


@dataclass(frozen=True)
class Line:
    """One displayed line: `lhs = rhs`; `lhs` None continues the previous line (`= rhs`).

    `implies` prints a leading arrow (the notes' "=> G = A^T"); `note` is short prose
    at the end of the line ("where R = A x - b" is a note with math in `note_math`).
    `struck` is a differential of a constant, crossed out where it is seen to vanish
    (the notes' `d̸b ⇝ 0`).  `tag` is the mark of an equation a later line uses ("①",
    generator.render.tags);
    `uses` are the left-hand sides of the earlier equations this line uses, and `cite`
    the note that says so once they are tagged ("using {} in {}"; `note` where they
    cannot be found).
    """

    rhs: Expr
    lhs: Expr | None = None
    implies: bool = False
    note: str = ""
    note_math: Expr | None = None
    note_math_lhs: Expr | None = None
    tag: str = ""
    uses: tuple[Expr, ...] = ()
    cite: str = ""
    struck: Expr | None = None  # a subterm of rhs the next line drops as 0 (crossed out)


@dataclass(frozen=True)
class SheetStep:
    """ "Step k: <title>" with its lines and the rules it used."""

    title: str
    lines: tuple[Line, ...]
    rules: tuple[str, ...] = ()


# the rules that name what they produced: the line says what the name stands for
NAMING = frozenset({"introduce-name", "name-carried"})
# A term longer than this is not shown on its own line (its dL line follows anyway).
LONGEST_TERM_SHOWN = 60
# A sum whose text is longer than this is typeset over rows (`= a + b` then `+ c`), so
# that a line of the sheet stays within the page.
ROW_CHARACTERS = 70
# phases shown even when no rule applied in them: the equation they state matters
ALWAYS_SHOWN = frozenset(
    {
        "differential",
        "earlier-result",
        "find-differential",
        "identify",
        "identify-variable",
        "identify-jacobian",
        "hessian",
        "identify-hessian",
        "newton",
    }
)
# phases that continue the sheet step before them; their rules do not name it
CONTINUES = frozenset({"collect"})

# phases whose first equation (`dL = d(tr(A X))`) is a step of its own, as the notes take
# the differential of both sides before they say how to work it out; the working goes
# on in a step of the kind WORKING names
WORKING = {"differential": "differential-working"}

# a step's title from its phase, the ids of the rules that say what it did, the names
Title = Callable[[Phase, tuple[str, ...], EngineNames], str]


def _named(base: str) -> Title:
    """ "Write `L` in trace form: a scalar is its own trace"."""

    def title(phase: Phase, rules: tuple[str, ...], names: EngineNames) -> str:
        return f"{base}: {reasons_clause(rules)}" if rules else base

    return title


def _reasons_or(fallback: str) -> Title:
    """The reasons as a sentence, or the fallback when no rule gave one."""
    return lambda phase, rules, names: sentence(reasons_clause(rules)) if rules else fallback


TITLES: dict[str, Title] = {
    "trace-form": lambda p, rules, names: _named(f"Write `{names.objective}` in trace form")(
        p, rules, names
    ),
    "recognise": lambda p, rules, names: _named(
        f"Name the functions `{names.objective}` writes out"
    )(p, rules, names),
    "differential": lambda p, rules, names: "Take the differential of both sides",
    "differential-working": _reasons_or("Work out the differential"),
    "earlier-result": lambda p, rules, names: (
        f"Take the differential of both sides, as in {p.cited}"
    ),
    "linearity": _reasons_or("Linearity of the trace"),
    "terms-to-trace-form": _reasons_or("Collect the terms"),
    "name-layers": lambda p, rules, names: "Name the layers, innermost first",
    "carry-back": lambda p, rules, names: (
        f"Carry the gradient back to `{p.about}`: name the coefficient of `d{p.about}`"
    ),
    "find-differential": lambda p, rules, names: f"Find `d{p.about}`",
    "plug-in": lambda p, rules, names: (
        f"Plug `d{p.about}` back into `d{names.objective}`"
        + (": the chain rule" if "chain-rule" in rules else "")
    ),
    "identify": lambda p, rules, names: f"Identify `{names.gradient}`",
    "identify-variable": lambda p, rules, names: (
        f"Identify the gradient with respect to `{p.about}`"
    ),
    "terms-to-linear-form": lambda p, rules, names: _named(
        f"Bring `d{names.objective}` to the form `{names.gradient} d{p.about}`"
    )(p, rules, names),
    "identify-jacobian": lambda p, rules, names: f"Identify the Jacobian `{names.gradient}`",
    "terms-to-vec-form": lambda p, rules, names: _named(
        f"Bring `vec(d{names.objective})` to the form `{names.gradient} vec(d{p.about})`"
    )(p, rules, names),
    "hessian": lambda p, rules, names: _named(
        f"Take the differential of the gradient `{names.objective}`"
    )(p, rules, names),
    "identify-hessian": lambda p, rules, names: f"Identify the Hessian `{names.gradient}`",
    "newton": lambda p, rules, names: _named(f"The Newton step from `{p.about}`")(p, rules, names),
    "transposed-variable": lambda p, rules, names: (
        f"The gradient with respect to `{p.about}^T`, from the matrix of partial derivatives"
    ),
    "symmetrise": lambda p, rules, names: f"Symmetrise the gradient (`{p.about}` is symmetric)",
    "solve": lambda p, rules, names: f"Set the gradient to zero and solve for `{p.about}`",
    "index-expand": lambda p, rules, names: f"Write `{names.objective}` with indices",
    "index-differentiate": lambda p, rules, names: (
        f"Differentiate with respect to one entry `{p.about}`"
    ),
    "index-assemble": lambda p, rules, names: "Assemble the matrix of partial derivatives",
}


def sheet_of(derivation: Derivation) -> tuple[SheetStep, ...]:
    """The numbered steps of the sheet, laid out from the derivation's records."""
    return sheet_of_records(derivation.records, derivation.names)


def sheet_of_records(records: tuple[Record, ...], names: EngineNames) -> tuple[SheetStep, ...]:
    layout = _Layout(names)
    for record in records:
        layout.add(record)
    return tagged(layout.finish())


class _Layout:
    """Walks the records once; one open step at a time."""

    def __init__(self, names: EngineNames):
        self.names = names
        self.sheet: list[SheetStep] = []
        self.phase: Optional[Phase] = None
        self.lines: list[Line] = []
        self.rules: list[str] = []  # every rule the step used, for its citation
        self.naming: list[Rule] = []  # the rules that name it in its title
        self.titled = True  # False once a continuing phase began

    def add(self, record: Record) -> None:
        if isinstance(record, Phase):
            if record.kind in CONTINUES:
                self.titled = False
                return
            self._close()
            self.phase, self.lines, self.rules, self.naming, self.titled = record, [], [], [], True
        elif isinstance(record, Statement):
            assembled = record.kind == "assembled"
            self._show(
                record.lhs,
                record.rhs,
                implies=record.kind == "implies",
                note=self._statement_note(record),
                uses=(record.lhs,) if assembled and record.lhs is not None else (),
                cite=f"using {self._them()} in {{}}" if assembled else "",
            )
            if record.kind == "start" and self.current.kind in WORKING and len(self.lines) == 1:
                self._close()
                self.phase = replace(self.current, kind=WORKING[self.current.kind])
                self.lines, self.rules, self.naming = [], [], []
        else:
            self._step(record)

    @property
    def current(self) -> Phase:
        """The phase being laid out: every derivation's records begin with a phase."""
        assert self.phase is not None
        return self.phase

    def finish(self) -> tuple[SheetStep, ...]:
        self._close()
        return tuple(self.sheet)

    # ----- one rule application ---------------------------------------------------------
    def _step(self, step: Step) -> None:
        rule = cat.rule(step.rule)
        if rule.id not in self.rules:
            self.rules.append(rule.id)
        if self.titled:
            self.naming.append(rule)
        if step.detail or self._too_long(step.lhs):
            return
        if rule.id in NAMING:
            self._show(
                step.lhs, step.expr, note="where", note_math_lhs=step.changed, note_math=step.before
            )
        elif rule.id == "solve-invert":
            self._show(step.lhs, step.expr, implies=True)
        elif (
            rule.id == "differential-constant"
            and self.lines
            and isinstance(step.before, Differential)
            and self.lines[-1].rhs.contains(step.before)
        ):
            # crossed out where it stood, as the notes do; the next line says why
            self.lines[-1] = replace(self.lines[-1], struck=step.before)
            self._show(step.lhs, step.expr, note=f"as `{to_text(step.before.arg)}` is constant")
        elif rule.minor and self.lines and self._last_lhs() == step.lhs:
            # merged into the line above, which it continues (a minor step of another
            # equation, as of the next term brought to tr(M dX), starts its own line)
            self.lines[-1] = replace(self.lines[-1], rhs=step.expr)
        else:
            note = (
                rule.note(step.before, step.changed)
                if step.before is not None and step.changed is not None
                else ""
            )
            about = self.current.about
            if (
                self.current.kind == "plug-in"
                and about is not None
                and len(self.lines) == 1
                and not note
            ):
                # the first line that puts `dR` in: "using (2) in (1)", as the notes do
                self._show(step.lhs, step.expr, uses=(d(about), step.lhs), cite="using {} in {}")
            elif (
                note and self.lines and self.lines[-1].note == note and self._last_lhs() == step.lhs
            ):
                # the same reason again ("since `S` is symmetric", used on the next term):
                # one line says it once
                self.lines[-1] = replace(self.lines[-1], rhs=step.expr)
            else:
                self._show(step.lhs, step.expr, note=note)

    def _too_long(self, lhs: Expr) -> bool:
        """A term brought to `tr(M dX)` on its own line, too long to read there."""
        return (
            self.phase is not None
            and self.phase.kind == "terms-to-trace-form"
            and lhs != self.names.d_objective
            and len(shown_text(lhs)) > LONGEST_TERM_SHOWN
        )

    def _statement_note(self, statement: Statement) -> str:
        if statement.kind == "assembled":
            return f"using {self._them()}"
        if statement.kind == "result" and self.current.kind == "earlier-result":
            return self._earlier_note()  # the earlier result, written out
        return ""

    def _them(self) -> str:
        """ "it" or "them": the terms brought to `tr(M dX)` on lines of their own."""
        terms = sum(1 for line in self.lines if line.lhs not in (None, self.names.d_objective))
        return "them" if terms > 1 else "it"

    def _earlier_note(self) -> str:
        """ "by Problem 5, with `A = I`": the constants an earlier result was used with."""
        fixed = [
            f"`{name} = {value}`"
            for name, value in self.current.bindings
            if isinstance(value, Identity)
        ]
        return f"by {self.current.cited}" + (f", with {', '.join(fixed)}" if fixed else "")

    # ----- lines and steps --------------------------------------------------------------
    def _show(
        self,
        lhs: Optional[Expr],
        rhs: Expr,
        *,
        implies: bool = False,
        note: str = "",
        note_math: Optional[Expr] = None,
        note_math_lhs: Optional[Expr] = None,
        uses: tuple[Expr, ...] = (),
        cite: str = "",
    ) -> None:
        """A line; its lhs is left out when it repeats the one above (`= ...`)."""
        if lhs is not None and not implies and self._last_lhs() == lhs:
            lhs = None
        self.lines.append(
            Line(rhs, lhs, implies, note, note_math, note_math_lhs, uses=uses, cite=cite)
        )

    def _last_lhs(self) -> Optional[Expr]:
        return next((line.lhs for line in reversed(self.lines) if line.lhs is not None), None)

    def _close(self) -> None:
        """End the open step; one in which no rule applied is left out (ALWAYS_SHOWN)."""
        phase = self.phase
        if phase is None or not self.lines or not (self.rules or phase.kind in ALWAYS_SHOWN):
            return
        title = TITLES[phase.kind](phase, _naming_ids(self.naming), phase.names or self.names)
        self.sheet.append(SheetStep(title, _ends_of_term_runs(self.lines), tuple(self.rules)))


# A sum of this many terms or more, rewritten a term at a time, is shown once for all.
TERM_BY_TERM = 3


def _ends_of_term_runs(lines: list[Line]) -> tuple[Line, ...]:
    """The lines, with a run that rewrites one long sum a term at a time (the same laws
    on each term in turn: `d(tr(A1 X)) + d(tr(A2 X)) + ...`, then `tr(A1 dX) + ...`)
    shown as a teacher writes it: the sum before and after, and what is said beside a
    line (`as 1 is constant`) once, at its first term; a sheet that showed every line
    would grow as the square of the sum.  A line left out was checked like every line;
    a line with a tag or a citation is always shown."""
    kept: list[Line] = []
    said: set[tuple[str, str]] = set()  # what the run's lines before kept[-1] said
    for line in lines:
        if not (kept and _in_term_run(kept[-1]) and _in_term_run(line) and _continues(line)):
            said = set()
            kept.append(line)
            continue
        middle = kept[-1]
        if (
            len(kept) >= 2
            and _in_term_run(kept[-2])
            and _continues(middle)
            and _says(middle) in said | {("", "")}
        ):
            kept[-1] = line  # the middle of the run, saying nothing new
        else:
            said.add(_says(middle))
            kept.append(line)
    return tuple(kept)


def _in_term_run(line: Line) -> bool:
    return isinstance(line.rhs, Add) and len(line.rhs.terms) >= TERM_BY_TERM


def _continues(line: Line) -> bool:
    """A line that only continues the equation above (`= ...`): no tag, no citation."""
    return line.lhs is None and not (line.tag or line.uses or line.implies)


def _says(line: Line) -> tuple[str, str]:
    """What a line says beside its equation: its note, and the term it crosses out."""
    return line.note, "" if line.struck is None else str(line.struck)


# Where a long sum stands inside a larger expression (`tr(a + b + c)`, `tr((a + b) dX)`),
# the line is printed with this in its place and cut there: what comes before the sum
# opens its first row, what comes after closes its last (generator.render.latex_sheet).
# (names with a space: no symbol of a problem has one)
ROWS_HOLE = Add((Symbol("rows open"), Symbol("rows close")))


@dataclass(frozen=True)
class Rows:
    """A line's right side as the rows it is typeset on: `rows`, the runs of the terms of
    its long sum (one row where it has none); `frame`, the line with that sum replaced by
    ROWS_HOLE where the sum stands inside it, or None where the sum is the whole line."""

    rows: tuple[Expr, ...]
    frame: Expr | None = None

    def __len__(self) -> int:
        return len(self.rows)


def rows_of(e: Expr) -> Rows:
    """`e` as the rows it is typeset on: its outermost sum longer than ROW_CHARACTERS
    (its text, as shown) in runs of its terms, each as long as fits (a term longer than a
    row is a row of its own), the rest of the line around them; else one row."""
    if len(shown_text(e)) <= ROW_CHARACTERS:
        return Rows((e,))
    long_sum = next(
        (
            node
            for node in e.walk()
            if isinstance(node, Add) and len(shown_text(node)) > ROW_CHARACTERS
        ),
        None,
    )
    if long_sum is None:
        return Rows((e,))
    rows: list[list[Expr]] = [[]]
    width = 0
    for term in long_sum.terms:
        size = len(shown_text(term)) + 3  # ` + `
        if rows[-1] and width + size > ROW_CHARACTERS:
            rows.append([])
            width = 0
        rows[-1].append(term)
        width += size
    runs = tuple(add(*row) for row in rows)
    return Rows(runs, None if long_sum is e else e.replace(long_sum, ROWS_HOLE))


def _naming_ids(rules: list[Rule]) -> tuple[str, ...]:
    """The rules that say what a step did: not the minor ones (notation) nor the
    theorem (the step's title names it)."""
    return tuple(
        dict.fromkeys(rule.id for rule in rules if not rule.minor and rule.group != "theorem")
    )
