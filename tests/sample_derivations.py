"""Derivations written out by hand, as the engine will record them.

They let the renderers be tested without the engine: Problem 5 of the notes (trace
of a quadratic product, four steps) and Problem 6 (linear regression, solved for x),
line for line as the notes write them.
"""
from __future__ import annotations

from generator.derivation import Condition, Derivation, Line, SheetStep, Step, Verification
from generator.math.expr import Add, Inverse, Mul, Number, Symbol, Trace, Transpose, add, d, mul, neg
from generator.problem.model import Problem
from generator.math.symbols import SymbolInfo, SymbolTable

A, X, G, L = Symbol("A"), Symbol("X"), Symbol("G"), Symbol("L")
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
    sheet = (
        SheetStep("Take the differential of both sides; product rule", (
            Line(Trace(d(Mul((T(X), A, X)))), lhs=dL),
            Line(Trace(product)),
        ), ("differential-trace", "differential-product")),
        SheetStep("Linearity of the trace", (
            Line(split, lhs=dL),
        ), ("trace-linear",)),
        SheetStep("Trace of a transpose is the same", (
            Line(Trace(Mul((T(X), T(A), dX))), lhs=Trace(Mul((T(dX), A, X)))),
            Line(turned, lhs=dL, implies=True),
            Line(Trace(add(Mul((T(X), T(A), dX)), Mul((T(X), A, dX))))),
            Line(collected),
        ), ("trace-transpose", "trace-linear", "factor")),
        SheetStep("Identify G", (
            Line(Mul((T(X), Add((T(A), A)))), lhs=T(G)),
            Line(gradient, lhs=G, implies=True),
        ), ("identify-gradient",)),
    )
    steps = (
        Step("differential-product", "Product rule of the differential", dL, Trace(product)),
        Step("trace-linear", "Linearity of the trace", dL, split),
        Step("trace-transpose", "Trace of a transpose", dL, turned),
        Step("trace-linear", "Linearity of the trace", dL, collected),
        Step("identify-gradient", "Identify G: if dL = tr(G^T dX) then grad_X L = G",
             G, gradient),
    )
    return Derivation(problem, steps, sheet, gradient, CHECKED)


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
    sheet = (
        SheetStep("Convert L to trace form", (
            Line(Trace(Mul((T(R), R))), lhs=L, note="where", note_math=residual,
                 note_math_lhs=R),
        ), ("trace-scalar",)),
        SheetStep("Identify G", (
            Line(mul(Number(2), T(residual), A), lhs=T(G)),
            Line(gradient, lhs=G, implies=True),
        ), ("identify-gradient",)),
    )
    return Derivation(problem, (), sheet, gradient, CHECKED, solution=solution,
                      conditions=(Condition(mul(T(A), A), "invertible"),),
                      notes=("x is a column vector; the gradient has its shape.",))
