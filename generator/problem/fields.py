"""The fields of a problem file and of a symbol entry: one table, read by the loader
(which keys exist, which are required, how each value is checked, the example in an
error message) and by `tracetrick schema` (generator/problem/schema.py), so the JSON Schema an
editor uses cannot drift from what the loader accepts.

The semantic checks that no schema can express (`wrt` is a symbol of the objective, a
symmetric matrix is square, shapes fit) stay in generator/problem/loader.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.problem.choices import CODE_LIBRARIES, EDITIONS, METHODS
from generator.math.symbols import PROPERTIES, SymbolInfo

# How a value is read (generator/problem/loader.py) and described (generator/problem/schema.py):
#   text      any non-empty scalar, taken as written (`title: 2024` is the text "2024")
#   prose     text whose backtick parts are math in the syntax (they are typeset)
#   math      text in the math syntax, at most syntax.limits.MAX_MATH_LENGTH characters
#   integer   a whole number, at least `minimum` (1 unless the spec says otherwise)
#   boolean   true or false
#   choice    one of `choices`
#   symbols   a mapping: name -> a symbol entry (SYMBOL_FIELDS) or its one-line form
#   shape     `[n, m]`, `[n]`, `[]`, or the one-line form `n x m`
#   variables a name, or a list of names (`[W1, W2]`)
Kind = Literal[
    "text",
    "prose",
    "math",
    "integer",
    "boolean",
    "choice",
    "symbols",
    "shape",
    "names",
    "variables",
]


@dataclass(frozen=True)
class FieldSpec:
    """One key: its kind, whether it is required, what it means, and an example value
    (shown in error messages as `name: example`)."""

    name: str
    kind: Kind
    description: str
    example: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: int = 1  # the least value of an integer

    @property
    def written(self) -> str:
        """The example as a line of the file: `title: Trace of a product`."""
        return f"{self.name}: {self.example}"


PROBLEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "title",
        "prose",
        "The problem's title on the sheet; math in backticks is typeset.",
        "Trace of a product",
        required=True,
    ),
    FieldSpec("number", "integer", 'Order on the sheet and "Problem 5"; unique within a set.', "5"),
    FieldSpec(
        "label",
        "text",
        'The heading in place of "Problem 5", as notes call their theorems T1 and T2; '
        "the number still orders the sheet.",
        "T1",
        default="",
    ),
    FieldSpec(
        "symbols",
        "symbols",
        "Declarations: a symbol's shape and properties. Undeclared symbols are "
        "inferred (upper case a matrix, lower case a vector, Greek a scalar).",
        "{A: {shape: [n, n], constant: true}}",
    ),
    FieldSpec(
        "objective",
        "math",
        "The scalar L (or a vector function f: its Jacobian), in the math syntax.",
        "tr(X^T A X)",
        required=True,
    ),
    FieldSpec(
        "where",
        "names",
        "Named intermediate results, in order, each over the symbols and the names "
        "before it; the objective is written over them, and the derivation goes back "
        "through them one name per step (the chain rule, as backpropagation).",
        "{h: W1 x, a: sigmoid(h), yhat: W2 a}",
    ),
    FieldSpec(
        "wrt",
        "variables",
        "The variable the gradient is taken with respect to (a symbol of the "
        "objective), or its transpose: X^T; or a list of variables, [W1, W2], for "
        "every gradient on one sheet from one shared differential.",
        "X",
        required=True,
    ),
    FieldSpec(
        "method",
        "choice",
        "How the gradient is derived.",
        "differential",
        choices=METHODS,
        default=METHODS[0],
    ),
    FieldSpec(
        "solve",
        "boolean",
        "true: set the gradient to zero and solve for the variable.",
        "true",
        default=False,
    ),
    FieldSpec("expect", "math", "The expected gradient, checked: a mismatch is an error.", "2 A X"),
    FieldSpec(
        "solution",
        "math",
        "With solve: true, the expected solution, checked likewise.",
        "(A^T A)^-1 A^T b",
    ),
    FieldSpec(
        "statement",
        "prose",
        'Prose under "Let L = ..."; math in backticks is '
        "typeset (backtick text that is not math is an error).",
        "The matrix `A` is constant and square.",
        default="",
    ),
    FieldSpec(
        "symmetric_gradient",
        "boolean",
        "For a variable declared symmetric or positive_definite: true gives the "
        "symmetrised gradient (G + G^T)/2 instead of G.",
        "true",
        default=False,
    ),
    FieldSpec(
        "hessian",
        "boolean",
        "true: also the Hessian H of the scalar objective, from d(grad L) = H dx (a "
        "vector or scalar variable).",
        "true",
        default=False,
    ),
    FieldSpec(
        "newton",
        "boolean",
        "With hessian: true, also the Newton step x - H^-1 grad L, simplified.",
        "true",
        default=False,
    ),
    FieldSpec(
        "sympy",
        "boolean",
        "true: also sympy's own matrix derivative as a second opinion (itself checked "
        "numerically; slower). The sheet says whether it agrees.",
        "true",
        default=False,
    ),
    FieldSpec(
        "reveal",
        "integer",
        "Hint mode: the worksheet prints the first K steps of the solution and leaves "
        "the rest blank (0: none; default: the set's `reveal`, else 0).",
        "1",
        minimum=0,
    ),
    FieldSpec(
        "edition",
        "choice",
        "Who the sheets are for: key (the numeric check and the notes on conventions "
        "under each answer), student (without them) or exam (the worksheet is an "
        "exam paper, the solutions its key); default: the set's `edition`, else key.",
        "student",
        choices=EDITIONS,
    ),
    FieldSpec(
        "points",
        "integer",
        "What the problem is worth on an exam: shown in its "
        "heading, and summed in the exam's header.",
        "5",
    ),
    FieldSpec(
        "code",
        "choice",
        "Markdown and HTML solutions show, under the answer, the function that "
        "computes L and its derivatives: python (numpy), torch or jax.",
        "python",
        choices=CODE_LIBRARIES,
    ),
)

_PROPERTY_DESCRIPTIONS = {
    "constant": "A constant (default: every symbol but the variable).",
    "symmetric": "A symmetric matrix (square).",
    "invertible": "An invertible matrix (square).",
    "positive_definite": "A positive definite matrix: symmetric and invertible.",
    "diagonal": "A diagonal matrix (square).",
    "integer": "A scalar that is a whole number (at least 2 where it is drawn): the "
    "exponent k of a matrix power X^k.",
    "sums_to_one": "A column vector whose entries sum to 1 (a probability vector, a one-hot "
    "label): the derivation may use sum(y) = 1.",
}

# `shape`, then one boolean per property of generator/math/symbols.py (a property without a
# description here is a KeyError at import: add it above).
SYMBOL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "shape",
        "shape",
        "[] a scalar, [n] a column vector, [n, m] a matrix; "
        "dimensions are names or positive integers.",
        "[n, m]",
    ),
) + tuple(FieldSpec(p, "boolean", _PROPERTY_DESCRIPTIONS[p], "true") for p in PROPERTIES)

# A file holds one problem, or a list of them under this key.
LIST_KEY = "problems"

PROBLEM_KEYS = tuple(f.name for f in PROBLEM_FIELDS)
SYMBOL_KEYS = tuple(f.name for f in SYMBOL_FIELDS)
REQUIRED_KEYS = tuple(f.name for f in PROBLEM_FIELDS if f.required)
_BY_NAME = {f.name: f for f in PROBLEM_FIELDS}


def symbol_entry(info: SymbolInfo, variables: tuple[str, ...]) -> dict:
    """A symbol's entry as a problem file declares it: its shape (a size that is a
    product, `m*n`, as the syntax prints it), `constant` unless it is a variable, and its
    properties."""
    entry: dict = {"shape": [d if isinstance(d, (int, str)) else str(d) for d in info.shape]}
    if info.name not in variables and info.constant:
        entry["constant"] = True
    for prop in sorted(info.properties):
        entry[prop] = True
    return entry


def problem_field(name: str) -> FieldSpec:
    """The spec of one key of a problem."""
    return _BY_NAME[name]
