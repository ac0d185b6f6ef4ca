"""A second opinion: sympy's own matrix derivative of the objective.

Our expressions are translated to sympy's matrix expressions (MatrixSymbol, Trace,
MatMul, ...), sympy differentiates, and the result is translated back and compared
by value.  sympy is sometimes wrong (it returns 0 for log det X) or gives up; so its
opinion is recorded in the trace (`sympy_agrees`), never trusted over the
finite-difference check that every line must pass.
"""
from __future__ import annotations

from typing import Optional

import sympy as sp
from sympy.matrices.expressions import matexpr

from generator.math.expr import (
    Add, Det, Expr, Identity, Inverse, LogDet, Mul, Norm, Number, Power, Symbol, Trace,
    Transpose, add, mul,
)
from generator.math.symbols import SymbolTable


class Untranslatable(Exception):
    """The expression has a node the bridge (or sympy) does not handle."""


def _dim(d) -> sp.Expr:
    return sp.Integer(d) if isinstance(d, int) else sp.Symbol(d, integer=True, positive=True)


def to_sympy(e: Expr, table: SymbolTable) -> sp.Basic:
    if isinstance(e, Symbol):
        info = table[e.name]
        if not info.shape:
            return sp.Symbol(e.name)
        return sp.MatrixSymbol(e.name, _dim(info.rows), _dim(info.cols))
    if isinstance(e, Identity):
        return sp.Identity(_dim(e.size))
    if isinstance(e, Number):
        return sp.Rational(e.value.numerator, e.value.denominator)
    if isinstance(e, Add):
        return sp.Add(*(to_sympy(t, table) for t in e.terms))
    if isinstance(e, Mul):
        return sp.Mul(*(to_sympy(f, table) for f in e.factors))
    if isinstance(e, Transpose):
        return sp.Transpose(to_sympy(e.arg, table))
    if isinstance(e, Inverse):
        return sp.Inverse(to_sympy(e.arg, table))
    if isinstance(e, Trace):
        return sp.Trace(to_sympy(e.arg, table))
    if isinstance(e, Det):
        return sp.Determinant(to_sympy(e.arg, table))
    if isinstance(e, LogDet):
        return sp.log(sp.Determinant(to_sympy(e.arg, table)))
    if isinstance(e, Power) and isinstance(e.base, Norm) and e.exponent == 2:
        v = to_sympy(e.base.arg, table)
        return sp.Trace(v.T * v) if e.base.frobenius else (v.T * v)
    if isinstance(e, Power) and isinstance(e.exponent, int):
        return to_sympy(e.base, table) ** e.exponent
    raise Untranslatable(type(e).__name__)


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
    """sympy's derivative of the objective, or None where sympy gives none."""
    try:
        target = to_sympy(Symbol(wrt), table)
        result = to_sympy(objective, table).diff(target)
        if isinstance(result, sp.MatrixBase) or result.has(sp.Derivative):
            return None
        return from_sympy(result)
    # sympy's matrix calculus fails in many ways (recursion, NotImplementedError,
    # TypeError on shapes); each means only "no second opinion".
    except (Untranslatable, RecursionError, NotImplementedError, TypeError, ValueError,
            AttributeError, sp.ShapeError):
        return None
