"""The Rule record: one law, its conditions, and the function that applies it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from generator.math.expr import Expr
from generator.engine.context import Context

Apply = Callable[[Expr, Context], Optional[Expr]]
# The note on a rule's sheet line, from the subterm it rewrote and the one it produced.
Because = Callable[[Expr, Expr], str]


@dataclass(frozen=True)
class Rule:
    """A rewrite law.

    `law` is the law in the math syntax, its equations separated by `;`
    ("tr(A B) = tr(B A)"), over the names of generator/engine/laws.py, with its side
    conditions in `conditions` ("A symmetric"); the reference page typesets it and a test
    checks it numerically.  Where the math syntax cannot write the law (a sum over j,
    indices, a procedure on equations) `law` is empty and `law_latex` is the LaTeX
    shown.  `name` is the short phrase a step title uses ("product rule"); `says` is the
    one-line justification of the JSON trace.  `apply(node, ctx)` returns the rewritten node, or None where the law does
    not apply to that node.  `minor` rules (dropping a zero, `(A^T)^T = A`) are shown
    merged into the neighbouring line of the sheet, as a teacher would write them.
    A rule whose use depends on a property of a symbol says so on its line through
    `because`: a text where `{}` is the subterm produced ("since `{}` is symmetric"),
    or a function of the subterms before and after (`db = 0`, as `b` is constant).
    """

    id: str
    group: str
    name: str
    law: str
    says: str
    apply: Apply = field(compare=False, repr=False)
    conditions: tuple[str, ...] = ()
    minor: bool = False
    because: Union[str, Because] = field(default="", compare=False)
    law_latex: str = ""
    # a step of a method, not a law: recorded and checked, not listed nor cited by number
    procedure: bool = False
    # it may change the notation alone (a tree equal to the old one, printed otherwise:
    # `N v^-1` written `N / v`); its `apply` returns None once the notation is its own
    notation: bool = False

    def note(self, before: Expr, after: Expr) -> str:
        """The note on the sheet line of one application of this rule ('' for none)."""
        if callable(self.because):
            return self.because(before, after)
        if self.because:
            from generator.syntax.printer import to_text

            return self.because.format(to_text(after))
        return ""
