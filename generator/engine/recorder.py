"""Applying rules and recording every application as it happens.

The Recorder keeps both views of a derivation (see generator.derivation): each rule
application becomes one Step of the trace, and the current sheet step collects the
lines a teacher would write, with minor rules merged into the line before.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from generator.derivation import Line, SheetStep, Step
from generator.engine.context import Context
from generator.engine.phase_rules import DEFAULT_PHASE_RULES, PhaseRules
from generator.engine.rule import Rule
from generator.errors import StuckError
from generator.math.expr import Expr

# A derivation that needs more rewrites than this is looping: a bug, not a proof.
MAX_APPLICATIONS = 2000

Where = Callable[[Expr], bool]


def rewrite_first(expr: Expr, rules: tuple[Rule, ...], ctx: Context,
                  where: Optional[Where] = None
                  ) -> Optional[tuple[Rule, Expr, Expr, Expr]]:
    """Apply the first rule that fits at the outermost, leftmost subterm.

    Returns (rule, whole expression after, the subterm produced, the subterm it
    replaced), or None.
    """
    if where is None or where(expr):
        for rule in rules:
            new = rule.apply(expr, ctx)
            if new is not None and new != expr:
                return rule, new, new, expr
    for i, child in enumerate(expr.children()):
        found = rewrite_first(child, rules, ctx, where)
        if found is not None:
            rule, new_child, changed, before = found
            kids = list(expr.children())
            kids[i] = new_child
            return rule, expr.rebuild(tuple(kids)), changed, before
    return None


class Recorder:
    """Collects Steps (every rule application) and SheetSteps (what the sheet shows)."""

    def __init__(self, ctx: Context, phases: PhaseRules = DEFAULT_PHASE_RULES):
        self.ctx = ctx
        self.phases = phases
        self.steps: list[Step] = []
        self.sheet: list[SheetStep] = []
        self._title = ""
        self._lines: list[Line] = []
        self._rules: list[str] = []
        self._applied = 0

    # ----- sheet steps ------------------------------------------------------------
    def begin(self, title: str) -> None:
        self.end()
        self._title, self._lines, self._rules = title, [], []

    def end(self, keep_if_unchanged: bool = False) -> None:
        """Close the current sheet step; one with no rule applied is dropped."""
        if self._title and (self._rules or keep_if_unchanged) and self._lines:
            self.sheet.append(SheetStep(self._title, tuple(self._lines), tuple(self._rules)))
        self._title, self._lines, self._rules = "", [], []

    def retitle(self, title: str) -> None:
        self._title = title

    def show(self, lhs: Optional[Expr], rhs: Expr, *, implies: bool = False,
             note: str = "", note_math: Optional[Expr] = None,
             note_math_lhs: Optional[Expr] = None) -> None:
        """Add a displayed line; the lhs is omitted when it repeats the line above."""
        if lhs is not None and self._lines and not implies and self._last_lhs() == lhs:
            lhs = None
        self._lines.append(Line(rhs, lhs, implies, note, note_math, note_math_lhs))

    def _last_lhs(self) -> Optional[Expr]:
        for line in reversed(self._lines):
            if line.lhs is not None:
                return line.lhs
        return None

    @property
    def rules_cited(self) -> tuple[str, ...]:
        """Ids of the rules used in the current sheet step, in order of first use."""
        return tuple(self._rules)

    def cite(self, rule: Rule) -> None:
        if rule.id not in self._rules:
            self._rules.append(rule.id)

    # ----- recording --------------------------------------------------------------
    def record(self, rule: Rule, lhs: Expr, expr: Expr, changed: Optional[Expr] = None,
               *, show: bool = True, before: Optional[Expr] = None) -> None:
        """One rule application: a Step of the trace and, unless minor, a sheet line
        (with the rule's note, when it has one and `before`, the subterm it rewrote,
        is known)."""
        self._applied += 1
        if self._applied > MAX_APPLICATIONS:
            raise StuckError(
                f"the derivation did not finish after {MAX_APPLICATIONS} rule applications "
                f"(last rule: {rule.id}); this objective is beyond what the engine can do")
        self.steps.append(Step(rule.id, rule.says, lhs, expr, changed))
        self.cite(rule)
        if not show:
            return
        if rule.minor and self._lines:
            last = self._lines[-1]
            self._lines[-1] = Line(expr, last.lhs, last.implies, last.note,
                                   last.note_math, last.note_math_lhs)
        else:
            note = rule.note(before, changed) \
                if before is not None and changed is not None else ""
            self.show(lhs, expr, note=note)

    def exhaust(self, lhs: Expr, expr: Expr, rules: Iterable[Rule],
                where: Optional[Where] = None, show: bool = True) -> Expr:
        """Apply the rules until none fits, recording each application."""
        rules = tuple(rules)
        while True:
            found = rewrite_first(expr, rules, self.ctx, where)
            if found is None:
                return expr
            rule, expr, changed, before = found
            self.record(rule, lhs, expr, changed, show=show, before=before)

    def simplify(self, lhs: Expr, expr: Expr, normal: Iterable[Rule],
                 rules: Iterable[Rule], show: bool = True,
                 where: Optional[Where] = None) -> Expr:
        """Keep `expr` in normal form (the `normal` rules to exhaustion) between single
        applications of `rules`: notation first, then one piece of algebra at a time."""
        normal, rules = tuple(normal), tuple(rules)
        while True:
            expr = self.exhaust(lhs, expr, normal, where, show=show)
            found = rewrite_first(expr, rules, self.ctx, where)
            if found is None:
                return expr
            rule, expr, changed, before = found
            self.record(rule, lhs, expr, changed, show=show, before=before)

    def apply_once(self, lhs: Expr, expr: Expr, rule: Rule) -> Expr:
        found = rewrite_first(expr, (rule,), self.ctx)
        if found is None:
            return expr
        _, new, changed, before = found
        self.record(rule, lhs, new, changed, before=before)
        return new
