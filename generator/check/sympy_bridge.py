"""A second opinion: sympy's own matrix derivative of the objective.

Our expressions are translated to sympy's matrix expressions (MatrixSymbol, Trace,
MatMul, ...), sympy differentiates, and the result is translated back and compared
by value.  sympy is sometimes wrong (it returns 0 for log det X) or gives up; so its
opinion is recorded in the trace (`sympy_agrees`), never trusted over the
finite-difference check that every line must pass.
"""

from __future__ import annotations

from typing import Callable, Optional

import warnings

import sympy as sp
from sympy.utilities.exceptions import SymPyDeprecationWarning
from sympy.matrices.expressions import matexpr

from generator.math.expr import (
    Add,
    Det,
    Dim,
    DimProduct,
    Expr,
    Identity,
    Inverse,
    LogDet,
    Mul,
    Norm,
    Number,
    Power,
    Symbol,
    Trace,
    Transpose,
    add,
    mul,
)
from generator.math.symbols import SymbolTable

# how a node's translation asks for its children's (to_sympy with the table given)
ToSympy = Callable[[Expr], sp.Basic]


class Untranslatable(Exception):
    """The expression has a node the bridge (or sympy) does not handle."""


def _dim(d: Dim) -> sp.Expr:
    if isinstance(d, DimProduct):
        return sp.Mul(*map(_dim, d.factors))
    return sp.Integer(d) if isinstance(d, int) else sp.Symbol(d, integer=True, positive=True)


def to_sympy(e: Expr, table: SymbolTable) -> sp.Basic:
    """sympy's matrix expression for `e`; Untranslatable for a node it has no form of."""
    translate = _TO_SYMPY.get(type(e))
    if translate is None:
        raise Untranslatable(type(e).__name__)
    return translate(e, lambda child: to_sympy(child, table), table)


def _symbol(e: Symbol, to: ToSympy, table: SymbolTable) -> sp.Basic:
    info = table[e.name]
    if not info.shape:
        return sp.Symbol(e.name)
    return sp.MatrixSymbol(e.name, _dim(info.rows), _dim(info.cols))


def _power(e: Power, to: ToSympy, table: SymbolTable) -> sp.Basic:
    if isinstance(e.base, Norm) and e.exponent == 2:
        v = to(e.base.arg)
        return sp.Trace(v.T * v) if e.base.frobenius else (v.T * v)
    if isinstance(e.exponent, int):
        return to(e.base) ** e.exponent
    if isinstance(e.base, Symbol) and not table[e.base.name].shape:  # s^p: a real power
        return to(e.base) ** to(e.exponent)
    raise Untranslatable("Power with a symbolic exponent")


# node type -> its sympy form (`to` translates a child)
_TO_SYMPY = {
    Symbol: _symbol,
    Identity: lambda e, to, table: sp.Identity(_dim(e.size)),
    Number: lambda e, to, table: sp.Rational(e.value.numerator, e.value.denominator),
    Add: lambda e, to, table: sp.Add(*(to(t) for t in e.terms)),
    Mul: lambda e, to, table: sp.Mul(*(to(f) for f in e.factors)),
    Transpose: lambda e, to, table: sp.Transpose(to(e.arg)),
    Inverse: lambda e, to, table: sp.Inverse(to(e.arg)),
    Trace: lambda e, to, table: sp.Trace(to(e.arg)),
    Det: lambda e, to, table: sp.Determinant(to(e.arg)),
    LogDet: lambda e, to, table: sp.log(sp.Determinant(to(e.arg))),
    Power: _power,
}


def from_sympy(s: sp.Basic) -> Expr:
    if isinstance(s, sp.MatrixSymbol) or isinstance(s, sp.Symbol):
        return Symbol(str(s.name))
    if isinstance(s, sp.Rational):
        return Number(s.p) if s.q == 1 else mul(Number(s.p), Inverse(Number(s.q)))
    if isinstance(s, (sp.MatAdd, sp.Add)):
        return add(*(from_sympy(a) for a in s.args))
    if isinstance(s, (sp.MatMul, sp.Mul)):
        return mul(*(from_sympy(a) for a in s.args))
    if isinstance(s, sp.Transpose):
        return Transpose(from_sympy(s.arg))
    if isinstance(s, sp.Inverse):
        return Inverse(from_sympy(s.arg))
    if isinstance(s, sp.Trace):
        return Trace(from_sympy(s.arg))
    if isinstance(s, sp.Determinant):
        return Det(from_sympy(s.arg))
    if isinstance(s, sp.Identity):
        rows = s.rows
        return Identity(int(rows) if rows.is_Integer else str(rows))
    if isinstance(s, (sp.ZeroMatrix, matexpr.ZeroMatrix)) or s == 0:
        return Number(0)
    if isinstance(s, sp.MatPow) and s.exp.is_Integer:
        if s.exp == -1:
            return Inverse(from_sympy(s.base))
        if s.exp > 1:
            return Power(from_sympy(s.base), int(s.exp))
    raise Untranslatable(type(s).__name__)


def sympy_gradient(objective: Expr, wrt: str, table: SymbolTable) -> Optional[Expr]:
    """sympy's derivative of the objective, or None where sympy gives none.  sympy's own
    deprecation warnings (its array code calls itself the old way) are kept off the
    user's terminal: they are about sympy, not about the derivation."""
    try:
        target = to_sympy(Symbol(wrt), table)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SymPyDeprecationWarning)
            result = to_sympy(objective, table).diff(target)
        if isinstance(result, sp.MatrixBase) or result.has(sp.Derivative):
            return None
        return from_sympy(result)
    # sympy's matrix calculus fails in many ways (recursion, NotImplementedError,
    # TypeError on shapes); each means only "no second opinion".
    except (
        Untranslatable,
        RecursionError,
        NotImplementedError,
        TypeError,
        ValueError,
        AttributeError,
        sp.ShapeError,
    ):
        return None
