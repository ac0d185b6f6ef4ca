"""Applying rules and recording every application as it happens.

The Recorder keeps the records of a derivation (see generator.derivation) in order:
where each phase begins, every rule application, and the equations the phases state.
It does not lay out a sheet: that is generator.render.sheet's pure function of these
records.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from generator.engine.records import Phase, Record, Statement, Step
from generator.engine.context import Context
from generator.engine.phase_rules import DEFAULT_PHASE_RULES, PhaseRules
from generator.engine.rule import Rule
from generator.errors import StuckError
from generator.math.expr import Expr
from generator.math.memo import FORGOTTEN, recall, remember

# A derivation that needs more rewrites than this is looping: a bug, not a proof.  Large
# objectives of depth 5 (nested inverses) need up to about 4,000, a few seconds now that
# a step costs what it changes; a loop stops here in seconds too.
MAX_APPLICATIONS = 5000

Where = Callable[[Expr], bool]


Settled = dict  # the subterms where no rule of a loop fits (memo.remember / recall)


def rewrite_first(
    expr: Expr,
    rules: tuple[Rule, ...],
    ctx: Context,
    where: Optional[Where] = None,
    settled: Optional[Settled] = None,
) -> Optional[tuple[Rule, Expr, Expr, Expr]]:
    """Apply the first rule that fits at the outermost, leftmost subterm.

    Returns (rule, whole expression after, the subterm produced, the subterm it
    replaced), or None.  A node may refuse a rewrite of its child (its `rebuild` gives
    back the node itself: `Elementwise`); the search goes on past it.  A rewrite keeps
    the shape of what it rewrote (Context.keeping_shape).  `settled`, kept by a loop that
    applies the same rules in the same context again and again, remembers the subterms
    where none fits (whether one does depends on the subterm alone), so each step
    searches only what the last one changed.
    """
    if settled is not None and recall(settled, expr) is not FORGOTTEN:
        return None
    if where is None or where(expr):
        for rule in rules:
            new = rule.apply(expr, ctx)
            if new is not None and (new != expr or (rule.notation and new is not expr)):
                new = ctx.keeping_shape(expr, new)
                return rule, new, new, expr
    for i, child in enumerate(expr.children()):
        found = rewrite_first(child, rules, ctx, where, settled)
        if found is not None and found[1] is not child:  # `is`: a node refused it
            rule, new_child, changed, before = found
            kids = list(expr.children())
            kids[i] = new_child
            rebuilt = expr.rebuild(tuple(kids))
            if rebuilt is not expr:
                return rule, rebuilt, changed, before
    if settled is not None:
        remember(settled, expr, True)
    return None


class Recorder:
    """Collects the records of one derivation; `phases` are the rule lists it applies."""

    def __init__(self, ctx: Context, phases: PhaseRules = DEFAULT_PHASE_RULES):
        self.ctx = ctx
        self.phases = phases
        self.records: list[Record] = []
        self._applied = 0

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(r for r in self.records if isinstance(r, Step))

    # ----- phases and statements ----------------------------------------------------
    def phase(
        self,
        kind: str,
        about: Optional[Expr] = None,
        *,
        cited: str = "",
        bindings: tuple[tuple[str, Expr], ...] = (),
    ) -> None:
        """A phase of the method begins (its kinds: generator.render.sheet.TITLES)."""
        self.records.append(Phase(kind, about, cited, bindings, self.ctx.names))

    def state(self, lhs: Optional[Expr], rhs: Expr, kind: str = "start") -> None:
        """An equation the derivation states without a rule (see Statement)."""
        self.records.append(Statement(kind, lhs, self.ctx.canonical(rhs)))

    # ----- recording --------------------------------------------------------------
    def record(
        self,
        rule: Rule,
        lhs: Expr,
        expr: Expr,
        changed: Optional[Expr] = None,
        *,
        before: Optional[Expr] = None,
        detail: bool = False,
    ) -> None:
        """One rule application: `lhs = expr` after it; `changed` is the subterm it
        produced and `before` the one it rewrote."""
        self._applied += 1
        if self._applied > MAX_APPLICATIONS:
            raise StuckError(
                f"the derivation did not finish after {MAX_APPLICATIONS} rule applications "
                f"(last rule: {rule.id}); this objective is beyond what the engine can do"
            )
        self.records.append(
            Step(rule.id, rule.says, lhs, self.ctx.canonical(expr), changed, before, detail)
        )

    def exhaust(
        self,
        lhs: Expr,
        expr: Expr,
        rules: Iterable[Rule],
        where: Optional[Where] = None,
        detail: bool = False,
        settled: Optional[Settled] = None,
    ) -> Expr:
        """Apply the rules until none fits, recording each application; the result has
        its scalar runs kept whole, as every rule sees its input (ctx.canonical).
        `settled`: kept by a caller that exhausts the same rules again (see
        rewrite_first)."""
        rules = tuple(rules)
        expr = self.ctx.canonical(expr)
        settled = {} if settled is None else settled
        while True:
            found = rewrite_first(expr, rules, self.ctx, where, settled)
            if found is None:
                return expr
            rule, expr, changed, before = found
            expr = self.ctx.canonical(expr)
            self.record(rule, lhs, expr, changed, before=before, detail=detail)

    def answer(self, lhs: Expr, expr: Expr, rules: Iterable[Rule]) -> Expr:
        """An answer: simplified (the normal rules between single `rules`), then written
        as a textbook writes it (phases.written), which the normal form would undo."""
        expr = self.simplify(lhs, expr, self.phases.normal, rules)
        return self.exhaust(lhs, expr, self.phases.written)

    def simplify(
        self,
        lhs: Expr,
        expr: Expr,
        normal: Iterable[Rule],
        rules: Iterable[Rule],
        where: Optional[Where] = None,
        detail: bool = False,
    ) -> Expr:
        """Keep `expr` in normal form (the `normal` rules to exhaustion) between single
        applications of `rules`: notation first, then one piece of algebra at a time."""
        normal, rules = tuple(normal), tuple(rules)
        settled: Settled = {}
        settled_normal: Settled = {}  # the subterms in normal form, kept between rounds
        while True:
            expr = self.exhaust(lhs, expr, normal, where, detail=detail, settled=settled_normal)
            found = rewrite_first(expr, rules, self.ctx, where, settled)
            if found is None:
                return expr
            rule, expr, changed, before = found
            expr = self.ctx.canonical(expr)
            self.record(rule, lhs, expr, changed, before=before, detail=detail)
