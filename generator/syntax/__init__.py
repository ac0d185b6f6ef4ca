"""The math syntax of the contract (section 2): text -> Expr -> text or LaTeX.

`parse` and `to_text` are exported here; `generator.syntax.latex.to_latex` is imported
from its module so that parsing never pays for importing sympy.
"""

from generator.syntax.parser import parse
from generator.syntax.printer import to_text

__all__ = ["parse", "to_text"]
