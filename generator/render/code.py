"""A derivation as code to paste: one function of the problem's symbols that returns L
and its derivatives, for numpy (`--format python`), PyTorch (`--format torch`) or JAX
(`--format jax`).

Every value is a 2-D array of the shape the sheet gives it: a vector is a column (n, 1)
and a scalar, inside the function, is (1, 1); a scalar the function takes or returns is
a plain number.  Where the shapes say a factor is a scalar, a product is `*`, else the
matrix product `@` (shape inference decides, as it does for the numeric checks).  The
printer knows the tree's node types and nothing of the engine: the code is a
translation of the printed answer, and the test suite holds it to JAX's own autodiff.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import singledispatch

from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.math.expr import (
    Add,
    Commutation,
    Det,
    Diag,
    Dim,
    DimProduct,
    Elementwise,
    EntrywisePower,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Kron,
    LogDet,
    LogSumExp,
    Mul,
    Norm,
    Number,
    Ones,
    Power,
    Quantity,
    Softmax,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    Vec,
    mul,
    split_coefficient,
)
from generator.math.dims import Shape
from generator.math.shapes import SCALAR, shape_of
from generator.math.symbols import SymbolInfo, SymbolTable
from generator.syntax.printer import to_text


class ExportError(TracetrickError):
    """An answer holds something the code printer cannot write (a symbolic power)."""


@dataclass(frozen=True)
class Backend:
    """How one array library spells what the printer needs."""

    name: str  # the --format: python, torch, jax
    imports: str
    xp: str  # the module of array functions: np, torch, jnp
    as_array: str  # a scalar argument as a 1 x 1 array: `{}` is its name
    eye: str  # `{}` is the size
    ones: str  # `{0}` rows, `{1}` columns
    entrywise: dict[str, str]  # name -> a call, `{}` the argument
    logdet: str
    det: str
    inverse: str
    matrix_power: str
    kron: str  # the function: the library's, or a helper of _HELPERS


def _entrywise(xp: str, sigmoid: str, softplus: str) -> dict[str, str]:
    """Each function of generator/math/functions.py as a call (`{0}`: the argument)."""
    return {
        "exp": f"{xp}.exp({{0}})",
        "log": f"{xp}.log({{0}})",
        "sigmoid": sigmoid,
        "sin": f"{xp}.sin({{0}})",
        "cos": f"{xp}.cos({{0}})",
        "tanh": f"{xp}.tanh({{0}})",
        "softplus": softplus,
        "sqrt": f"{xp}.sqrt({{0}})",
        "relu": f"{xp}.maximum({{0}}, 0 * ({{0}}))",
        "abs": f"{xp}.abs({{0}})",
        "step": "((({0}) > 0) * 1.0)",
        "sign": f"{xp}.sign({{0}})",
    }


BACKENDS: dict[str, Backend] = {
    "python": Backend(
        "python",
        "import numpy as np",
        "np",
        "np.asarray({}, dtype=float).reshape(1, 1)",
        "np.eye({})",
        "np.ones(({0}, {1}))",
        _entrywise("np", "(1 / (1 + np.exp(-({0}))))", "np.logaddexp(0, {0})"),
        "np.linalg.slogdet({})[1]",
        "np.linalg.det({})",
        "np.linalg.inv({})",
        "np.linalg.matrix_power({}, {})",
        "np.kron",
    ),
    "torch": Backend(
        "torch",
        "import torch",
        "torch",
        "torch.as_tensor({}, dtype=torch.float64).reshape(1, 1)",
        "torch.eye({}, dtype=torch.float64)",
        "torch.ones(({0}, {1}), dtype=torch.float64)",
        _entrywise("torch", "torch.sigmoid({0})", "torch.nn.functional.softplus({0})"),
        "torch.linalg.slogdet({})[1]",
        "torch.linalg.det({})",
        "torch.linalg.inv({})",
        "torch.linalg.matrix_power({}, {})",
        "_kron",
    ),
    "jax": Backend(
        "jax",
        "import jax\nimport jax.numpy as jnp",
        "jnp",
        "jnp.reshape(jnp.asarray({}, dtype=float), (1, 1))",
        "jnp.eye({})",
        "jnp.ones(({0}, {1}))",
        _entrywise("jnp", "jax.nn.sigmoid({0})", "jax.nn.softplus({0})"),
        "jnp.linalg.slogdet({})[1]",
        "jnp.linalg.det({})",
        "jnp.linalg.inv({})",
        "jnp.linalg.matrix_power({}, {})",
        "jnp.kron",
    ),
}
CODE_FORMATS = tuple(BACKENDS)

# Python's precedence, loosest first: a child binding more loosely is parenthesised
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(5)

# helpers the function calls, written above it when it does (`{xp}`: the backend's module)
_HELPERS = {
    "_softmax": """def _softmax(z):
    e = {xp}.exp(z - {xp}.max(z))
    return e / {xp}.sum(e)""",
    "_logsumexp": """def _logsumexp(z):
    top = {xp}.max(z)
    return top + {xp}.log({xp}.sum({xp}.exp(z - top)))""",
    # PyTorch's kron fails on a transposed tensor that requires grad ("view size is not
    # compatible"): the operands are made contiguous first
    "_kron": """def _kron(a, b):
    return {xp}.kron(a.contiguous(), b.contiguous())""",
    "_commutation": '''def _commutation(m, n):
    """K(m, n): the permutation with K vec(X) = vec(X^T) for an m x n X."""
    rows = [[1.0 if (c == j * m + i) else 0.0 for c in range(m * n)]
            for i in range(m) for j in range(n)]
    return {array}''',
}
# the array of the nested list `rows`, in each library
_ARRAY_OF = {
    "python": "np.array(rows)",
    "torch": "torch.tensor(rows, dtype=torch.float64)",
    "jax": "jnp.array(rows)",
}


class _Writer:
    """Writes the expressions of one function: the names it reads, the helpers it calls."""

    def __init__(self, backend: Backend, table: SymbolTable, names: dict[str, str]):
        self.backend = backend
        self.table = table
        self.names = names  # a symbol -> its Python name (`lambda` -> `lambda_`)
        self.helpers: set[str] = set()
        self.sizes: set[str] = set()

    def shape(self, e: Expr) -> Shape:
        return shape_of(e, self.table)

    def __call__(self, e: Expr) -> str:
        return _code(e, self)[0]

    def operand(self, e: Expr, level: int) -> str:
        text, own = _code(e, self)
        return f"({text})" if own < level else text

    def size(self, dim: Dim) -> str:
        if isinstance(dim, DimProduct):
            return " * ".join(self.size(f) for f in dim.factors)
        if isinstance(dim, int):
            return str(dim)
        self.sizes.add(dim)
        return dim


Code = tuple[str, int]


@singledispatch
def _code(e: Expr, w: _Writer) -> Code:
    raise ExportError(
        f"the answer holds {to_text(e)}, which the code export cannot write ({type(e).__name__})"
    )


@_code.register(Symbol)
@_code.register(Quantity)  # a named result of `where:`, computed above its use
def _(e: Symbol | Quantity, w: _Writer) -> Code:
    return w.names.get(e.name, e.name), _ATOM


@_code.register
def _(e: Number, w: _Writer) -> Code:
    return _number(e.value)


def _number(value: Fraction) -> Code:
    if value.denominator == 1:
        return (f"{value.numerator}.0", _ATOM) if value >= 0 else (f"{value.numerator}.0", _UNARY)
    return f"({value.numerator} / {value.denominator})", _ATOM


@_code.register
def _(e: Identity, w: _Writer) -> Code:
    if e.size is None:  # inference sizes every identity of a problem
        raise ExportError(f"`{e}` has no size to write the identity with")
    return w.backend.eye.format(w.size(e.size)), _ATOM


@_code.register
def _(e: Ones, w: _Writer) -> Code:
    return w.backend.ones.format(w.size(e.rows), w.size(e.cols)), _ATOM


@_code.register
def _(e: Add, w: _Writer) -> Code:
    parts = []
    for i, term in enumerate(e.terms):
        c, rest = split_coefficient(term)
        if i and c < 0:
            parts.append(" - " + w.operand(mul(Number(-c), rest), _PRODUCT))
        else:
            parts.append((" + " if i else "") + w.operand(term, _SUM))
    return "".join(parts), _SUM


@_code.register
def _(e: Mul, w: _Writer) -> Code:
    """Left to right: `@` where the shapes conform, `*` where a factor is a scalar."""
    factors = list(e.factors)
    if isinstance(factors[0], Number) and factors[0].value == -1 and len(factors) > 1:
        rest = Mul(tuple(factors[1:])) if len(factors) > 2 else factors[1]
        return "-" + w.operand(rest, _UNARY), _UNARY
    # an entrywise product among matrix products is parenthesised, for the reader: Python
    # reads `A @ B * C` left to right, as meant, but the eye would not
    first = _PRODUCT + 1 if isinstance(factors[0], Hadamard) else _PRODUCT
    text, shape = w.operand(factors[0], first), w.shape(factors[0])
    for factor in factors[1:]:
        right = w.shape(factor)
        if isinstance(factor, Inverse) and right == SCALAR:
            text += " / " + w.operand(factor.arg, _PRODUCT + 1)
        else:
            op = " @ " if shape[1] == right[0] and SCALAR not in (shape, right) else " * "
            text += op + w.operand(factor, _PRODUCT + 1)
        shape = (
            shape[0] if shape != SCALAR else right[0],
            right[1] if right != SCALAR else shape[1],
        )
    return text, _PRODUCT


@_code.register
def _(e: Hadamard, w: _Writer) -> Code:
    op = " / " if e.divide else " * "
    left = _PRODUCT + 1 if isinstance(e.left, Mul) else _PRODUCT  # `(A @ x) * y`
    return w.operand(e.left, left) + op + w.operand(e.right, _PRODUCT + 1), _PRODUCT


@_code.register
def _(e: Transpose, w: _Writer) -> Code:
    return w.operand(e.arg, _ATOM) + ".T", _ATOM


@_code.register
def _(e: Inverse, w: _Writer) -> Code:
    if w.shape(e.arg) == SCALAR:
        return "1 / " + w.operand(e.arg, _PRODUCT + 1), _PRODUCT
    return w.backend.inverse.format(w(e.arg)), _ATOM


def _one_by_one(call: str, w: _Writer) -> Code:
    """A scalar function's value as a 1 x 1 array, as every scalar is inside."""
    return f"{w.backend.xp}.reshape({call}, (1, 1))", _ATOM


@_code.register
def _(e: Trace, w: _Writer) -> Code:
    return _one_by_one(f"{w.backend.xp}.trace({w(e.arg)})", w)


@_code.register
def _(e: SumEntries, w: _Writer) -> Code:
    return _one_by_one(f"{w.backend.xp}.sum({w(e.arg)})", w)


@_code.register
def _(e: Det, w: _Writer) -> Code:
    return _one_by_one(w.backend.det.format(w(e.arg)), w)


@_code.register
def _(e: LogDet, w: _Writer) -> Code:
    return _one_by_one(w.backend.logdet.format(w(e.arg)), w)


@_code.register
def _(e: Norm, w: _Writer) -> Code:
    inner = w.operand(e.arg, _ATOM)
    return _one_by_one(f"{w.backend.xp}.sqrt({w.backend.xp}.sum({inner} * {inner}))", w)


@_code.register
def _(e: Diag, w: _Writer) -> Code:
    xp = w.backend.xp
    if w.shape(e.arg)[1] == 1:  # a column: the diagonal matrix
        return f"{xp}.diag({w.operand(e.arg, _ATOM)}[:, 0])", _ATOM
    return f"{xp}.reshape({xp}.diag({w(e.arg)}), (-1, 1))", _ATOM


@_code.register
def _(e: Vec, w: _Writer) -> Code:
    """The columns stacked: the rows of the transpose, read in order."""
    return f"{w.backend.xp}.reshape({w.operand(e.arg, _ATOM)}.T, (-1, 1))", _ATOM


@_code.register
def _(e: Kron, w: _Writer) -> Code:
    kron = w.backend.kron
    if kron in _HELPERS:
        w.helpers.add(kron)
    return f"{kron}({w(e.left)}, {w(e.right)})", _ATOM


@_code.register
def _(e: Commutation, w: _Writer) -> Code:
    w.helpers.add("_commutation")
    return f"_commutation({w.size(e.rows)}, {w.size(e.cols)})", _ATOM


@_code.register
def _(e: Softmax, w: _Writer) -> Code:
    w.helpers.add("_softmax")
    return f"_softmax({w(e.arg)})", _ATOM


@_code.register
def _(e: LogSumExp, w: _Writer) -> Code:
    w.helpers.add("_logsumexp")
    return _one_by_one(f"_logsumexp({w(e.arg)})", w)


@_code.register
def _(e: Elementwise, w: _Writer) -> Code:
    return w.backend.entrywise[e.func].format(w(e.arg)), _ATOM


@_code.register
def _(e: Power, w: _Writer) -> Code:
    if isinstance(e.exponent, Expr):  # symbolic: `s^p`, `X^k`, `X^(k - 1)`
        if w.shape(e.base) == SCALAR:
            return w.operand(e.base, _ATOM) + " ** " + w.operand(e.exponent, _POWER + 1), _POWER
        # a declared integer, `k` or `k - 1`: its value, a whole number
        exponent = f"int(round(float({w.operand(e.exponent, _ATOM)}[0, 0])))"
        return w.backend.matrix_power.format(w(e.base), exponent), _ATOM
    if w.shape(e.base) == SCALAR:
        return f"{w.operand(e.base, _ATOM)} ** {e.exponent}", _POWER
    return w.backend.matrix_power.format(w(e.base), e.exponent), _ATOM


@_code.register
def _(e: EntrywisePower, w: _Writer) -> Code:
    exponent, _ = _number(e.exponent)
    return f"{w.operand(e.base, _ATOM)} ** {exponent}", _POWER


# ----- the function ---------------------------------------------------------------------


def python_name(name: str, taken: set[str]) -> str:
    """A symbol's name as a Python name: a keyword or a module's name gets a `_`."""
    out = name
    while keyword.iskeyword(out) or out in taken:
        out += "_"
    return out


def function_name(title: str) -> str:
    """`Trace of a quadratic form` -> `trace_of_a_quadratic_form`."""
    words = re.sub(r"[^0-9a-zA-Z]+", "_", title).strip("_").lower()[:48].rstrip("_")
    if not words or words[0].isdigit() or keyword.iskeyword(words):
        words = "objective_" + words if words else "objective"
    return words


def _shape_words(shape: tuple) -> str:
    if not shape:
        return "a number"
    if len(shape) == 1:
        return f"a column, shape ({shape[0]}, 1)"
    return f"shape ({shape[0]}, {shape[1]})"


@dataclass(frozen=True)
class ExportedCode:
    """The code of one derivation: the text, and the names of what the function returns."""

    text: str
    function: str
    arguments: tuple[str, ...]  # the function's parameters, in order
    symbols: tuple[str, ...]  # the symbol each stands for (`lambda_` is lambda)
    returns: tuple[str, ...]


def export(derivation: Derivation, backend_name: str) -> ExportedCode:
    """The function of `derivation`'s symbols that returns L and its derivatives."""
    backend = BACKENDS[backend_name]
    problem, table = derivation.problem, derivation.symbols
    if table is None:  # a Derivation made by derive() always has its table
        raise ExportError(f"{problem.title}: the derivation has no symbol table to write from")
    named = [(item.name, item.meaning) for item in problem.where]
    named_names = {n for n, _ in named}
    used = set(problem.objective.symbols())
    for _, meaning in named:
        used |= meaning.symbols()
    inputs = [s for s in table.symbols if s.name in used and s.name not in named_names]
    taken = {"np", "jnp", "jax", "torch", backend.xp}
    names = {s.name: python_name(s.name, taken) for s in table.symbols}
    w = _Writer(backend, table, names)

    body: list[str] = []
    for s in inputs:
        if not s.shape:
            body.append(f"{names[s.name]} = {backend.as_array.format(names[s.name])}")
        elif len(s.shape) == 1:
            body.append(f"{names[s.name]} = {backend.xp}.reshape({names[s.name]}, (-1, 1))")
    for name, meaning in named:
        body.append(f"{names[name]} = {w(meaning)}")
    L = derivation.names.objective.name
    value_name = python_name(L, taken | set(names.values()))
    if problem.kind == "jacobian":
        body.append(f"{value_name} = {w(problem.objective)}")
    else:  # a 1 x 1 array inside; a number to the caller
        body.append(f"{value_name} = {w.operand(problem.objective, _ATOM)}[0, 0]")
    returns = [value_name]
    for variable, answer in derivation.answers:
        label = ("J" if problem.kind == "jacobian" else "grad") + (
            ""
            if len(derivation.answers) == 1 and problem.kind == "jacobian"
            else "_" + names[variable]
        )
        scalar = not table[variable].shape and problem.kind != "jacobian"
        text = w.operand(answer, _ATOM) + "[0, 0]" if scalar else w(answer)
        body.append(f"{label} = {text}")
        returns.append(label)
    if derivation.second_order is not None:
        body.append(f"H = {w(derivation.second_order.hessian)}")
        returns.append("H")

    sizes = _size_lines(w.sizes, inputs, names)
    doc = _docstring(derivation, inputs, names, returns)
    arguments = tuple(names[s.name] for s in inputs)
    function = function_name(problem.title)
    lines = [backend.imports, ""]
    for helper in sorted(w.helpers):
        lines += ["", _HELPERS[helper].format(xp=backend.xp, array=_ARRAY_OF[backend.name]), ""]
    lines += ["", f"def {function}({', '.join(arguments)}):", *_indented(doc)]
    lines += ["    " + line for line in sizes + body]
    lines.append(f"    return {', '.join(returns)}")
    return ExportedCode(
        "\n".join(lines).strip("\n") + "\n",
        function,
        arguments,
        tuple(s.name for s in inputs),
        tuple(returns),
    )


def _size_lines(sizes: set[str], inputs: list[SymbolInfo], names: dict[str, str]) -> list[str]:
    """`n = X.shape[0]`: each size the code uses, read from an argument that has it."""
    lines = []
    for size in sorted(sizes):
        for s in inputs:
            if size in s.shape:
                axis = s.shape.index(size)
                lines.append(f"{size} = {names[s.name]}.shape[{axis}]")
                break
        else:
            raise ExportError(f"the size {size} is the size of no argument of the function")
    return lines


def _docstring(
    derivation: Derivation, inputs: list[SymbolInfo], names: dict[str, str], returns: list[str]
) -> str:
    problem = derivation.problem
    L = derivation.names.objective.name
    lines = [
        f'"""{L} = {to_text(problem.objective)}, and its derivative{"s" if len(returns) > 2 else ""}.',
        "",
    ]
    for item in problem.where:
        lines.append(f"{item.name} = {to_text(item.meaning)}")
    if problem.where:
        lines.append("")
    lines.append("Arguments:")
    for s in inputs:
        lines.append(f"    {names[s.name]}: {_shape_words(s.shape)}")
    lines += ["", "Returns:"]
    lines.append(f"    {returns[0]}: the value of {L}")
    for (what, answer), name in zip(derivation.labelled_answers, returns[1:]):
        lines.append(f"    {name}: {what} = {to_text(answer)}")
    if derivation.second_order is not None:
        lines.append(f"    H: the Hessian = {to_text(derivation.second_order.hessian)}")
    lines += ["", "Derived and checked by tracetrick.", '"""']
    return "\n".join(lines)


def _indented(text: str) -> list[str]:
    return [("    " + line) if line else "" for line in text.split("\n")]
