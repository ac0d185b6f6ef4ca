"""Derivations written out by hand, as the engine records them (phases, steps and
stated equations; generator/render/sheet.py lays them out).

They let the renderers be tested without the engine: Problem 5 of the notes (trace
of a quadratic product, four steps) and Problem 6 (linear regression, solved for x),
line for line as the notes write them.
"""
from __future__ import annotations

from generator.derivation import Condition, Derivation, Phase, Statement, Step, Verification
from generator.engine.names import engine_names
from generator.math.expr import Add, Inverse, Mul, Number, Symbol, Trace, Transpose, add, d, mul, neg
from generator.problem.model import Problem
from generator.math.symbols import SymbolInfo, SymbolTable

NAMES = engine_names()
A, X = Symbol("A"), Symbol("X")
G, L = NAMES.gradient, NAMES.objective
x, b, R = Symbol("x"), Symbol("b"), Symbol("R")
dX, dL = d(X), d(L)
T = Transpose

CHECKED = Verification(trials=3, max_rel_error=2e-15, checks=27, sympy_agrees=True)


def problem5() -> Derivation:
    """Notes, Problem 5: L = tr(X^T A X), A a constant square matrix."""
    objective = Trace(Mul((T(X), A, X)))
    problem = Problem(
        title="Trace of quadratic product",
        objective=objective,
        objective_text="tr(X^T A X)",
        wrt="X",
        symbols=SymbolTable((
            SymbolInfo("A", ("n", "n"), constant=True, declared=True),
            SymbolInfo("X", ("n", "m"), constant=False, declared=True),
        )),
        number=5,
        expect=Mul((Add((A, T(A))), X)),
        statement="A is a constant square matrix.",
    )
    product = Add((Mul((T(dX), A, X)), Mul((T(X), A, dX))))
    split = Add((Trace(Mul((T(dX), A, X))), Trace(Mul((T(X), A, dX)))))
    turned = Add((Trace(Mul((T(X), T(A), dX))), Trace(Mul((T(X), A, dX)))))
    collected = Trace(Mul((T(X), Add((T(A), A)), dX)))
    gradient = Mul((Add((A, T(A))), X))
    records = (
        Phase("differential"),
        Statement("start", dL, Trace(d(Mul((T(X), A, X))))),
        Step("differential-product", "Product rule of the differential", dL, Trace(product)),
        Phase("linearity"),
        Step("trace-sum", "Linearity of the trace", dL, split),
        Phase("terms-to-trace-form"),
        Step("trace-transpose", "Trace of a transpose", Trace(Mul((T(dX), A, X))),
             Trace(Mul((T(X), T(A), dX)))),
        Statement("assembled", dL, turned),
        Phase("collect"),
        Step("trace-collect", "Linearity of the trace", dL,
             Trace(add(Mul((T(X), T(A), dX)), Mul((T(X), A, dX))))),
        Step("factor-common", "Factor out the common factors", dL, collected),
        Phase("identify"),
        Step("identify-gradient", "Identify G: if dL = tr(G^T dX) then grad_X L = G",
             T(G), Mul((T(X), Add((T(A), A))))),
        Statement("implies", G, gradient),
    )
    return Derivation(problem, records, gradient, CHECKED, names=NAMES)


def problem6() -> Derivation:
    """Notes, Problem 6: L = ||A x - b||^2, solved for x (abridged to its last steps)."""
    residual = add(Mul((A, x)), neg(b))
    problem = Problem(
        title="Linear regression",
        objective=Trace(Mul((T(residual), residual))),
        objective_text="||A x - b||^2",
        wrt="x",
        symbols=SymbolTable((
            SymbolInfo("A", ("m", "n"), constant=True, declared=True),
            SymbolInfo("x", ("n",), constant=False, declared=True),
            SymbolInfo("b", ("m",), constant=True, declared=True),
        )),
        number=6,
        solve=True,
    )
    gradient = mul(Number(2), T(A), residual)
    solution = Mul((Inverse(Mul((T(A), A))), T(A), b))
    records = (
        Phase("trace-form"),
        Step("introduce-name", "Name the repeated subexpression", L, Trace(Mul((T(R), R))),
             changed=R, before=residual),
        Phase("identify"),
        Step("identify-gradient", "Identify G: if dL = tr(G^T dX) then grad_X L = G",
             T(G), mul(Number(2), T(residual), A)),
        Statement("implies", G, gradient),
    )
    return Derivation(problem, records, gradient, CHECKED, solution=solution, names=NAMES,
                      conditions=(Condition(mul(T(A), A), "invertible"),),
                      notes=("x is a column vector; the gradient has its shape.",))
