"""The rule catalogue: every law the engine may apply, one source of truth.

The reference page of every sheet is printed from this catalogue, and every Step of
a derivation names one of its ids, so the sheet cannot cite a law the engine does
not use, nor use one it does not print.
"""

from __future__ import annotations

from generator.engine import (
    rules_diag,
    rules_differential,
    rules_elementwise,
    rules_general,
    rules_linear,
    rules_powers,
    rules_softmax,
    rules_tidy,
    rules_trace,
    rules_vec,
    rules_written,
)
from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import Expr


def _not_a_rewrite(node: Expr, ctx: Context) -> None:
    """Applied by the phase that owns it (it works on equations, not subterms)."""
    return None


def law(
    rule_id: str, group: str, name: str, law_latex: str, says: str, conditions: tuple[str, ...] = ()
) -> Rule:
    """A law the phase code applies itself (the theorem, T2, the laws of indices): shown
    in LaTeX, as the math syntax cannot write it."""
    return Rule(rule_id, group, name, "", says, _not_a_rewrite, conditions, law_latex=law_latex)


def procedure(
    rule_id: str, group: str, name: str, law_latex: str, says: str, conditions: tuple[str, ...] = ()
) -> Rule:
    """A step of a method that is no law (name a subexpression, substitute, assemble the
    matrix, a move of the solve): recorded and checked like every step, described in
    LaTeX, but not listed among the laws nor cited by number."""
    return Rule(
        rule_id,
        group,
        name,
        "",
        says,
        _not_a_rewrite,
        conditions,
        law_latex=law_latex,
        procedure=True,
    )


THEOREM = law(
    "identify-gradient",
    "theorem",
    "identify G",
    r"\text{If } \mathrm{d}L = \operatorname{tr}(G^{T}\mathrm{d}X) \text{ then } \nabla_X L = G",
    "Identify G: if dL = tr(G^T dX) then grad_X L = G",
)

JACOBIAN_THEOREM = law(
    "identify-jacobian",
    "theorem",
    "identify J",
    r"\text{If } \mathrm{d}f = J\,\mathrm{d}x \text{ then } \frac{\partial f}{\partial x} = J,"
    r"\ J_{ij} = \frac{\partial f_i}{\partial x_j}",
    "Identify J: if df = J dx then J is the Jacobian (its entry (i, j) is df_i/dx_j)",
)

HESSIAN_THEOREM = law(
    "identify-hessian",
    "theorem",
    "identify H",
    r"\text{If } \mathrm{d}(\nabla_x L) = H\,\mathrm{d}x \text{ then } \mathrm{d}^2 L "
    r"= \mathrm{d}x^{T} H\,\mathrm{d}x,\ H_{ij} = \frac{\partial^2 L}{\partial x_i \partial x_j}",
    "Identify H: if d(grad L) = H dx then H is the Hessian, and d^2 L = dx^T H dx",
)

NEWTON_STEP = procedure(
    "newton-step",
    "theorem",
    "the Newton step",
    r"x_{\text{new}} = x - H^{-1} \nabla_x L",
    "The Newton step: where the quadratic model of L at x is stationary",
    conditions=("H invertible",),
)

ABBREVIATE = procedure(
    "introduce-name",
    "trace",
    "name a repeated subexpression",
    r"L = f(R),\ R = g(X):\ \text{find } \mathrm{d}R \text{ once, then substitute}",
    "Name the repeated subexpression, to take its differential once (chain rule)",
)

NAME_LAYER = procedure(
    "name-layer",
    "trace",
    "name the layers",
    r"L = f(g(h(X))):\ h_3 = h(X),\ h_2 = g(h_3),\ h_1 = f(h_2),\ L = h_1",
    "Name each layer of a deep nest of functions, innermost first, to go back through "
    "them one at a time (backpropagation)",
)

NAME_CARRIED = procedure(
    "name-carried",
    "trace",
    "name what is carried back",
    r"\mathrm{d}L = \operatorname{tr}(\delta^{T}\mathrm{d}h):\ \delta = \nabla_h L",
    "Name the coefficient of the next layer's differential: it is the gradient of L with "
    "respect to that layer, carried back through the next",
)

SUBSTITUTE = procedure(
    "substitute",
    "algebra",
    "plug it back",
    r"R,\ \mathrm{d}R \text{ replaced by what they stand for}",
    "Plug the differential of the named subexpression back in",
)

CHAIN_RULE = law(
    "chain-rule",
    "differential",
    "chain rule",
    r"L = f(a),\ a = g(X):\ \mathrm{d}L = f'(a)[\mathrm{d}a] \text{ with } "
    r"\mathrm{d}a = g'(X)[\mathrm{d}X] \text{ put in its place}",
    "The chain rule: a named result's differential is put in its place in dL",
)

EARLIER_RESULT = law(
    "earlier-result",
    "theorem",
    "an earlier problem",
    r"\text{if } \nabla_X f = G(X) \text{ then } \mathrm{d}f(R) = \operatorname{tr}(G(R)^{T}\mathrm{d}R)",
    "Use the gradient found in an earlier problem of the sheet",
)

TRANSPOSED_VARIABLE = law(
    "gradient-transposed",
    "theorem",
    "gradient with respect to a transpose",
    r"\nabla_{X^{T}} L = (\nabla_X L)^{T}",
    "The gradient with respect to X^T is the transpose of the gradient with respect to X",
)

SYMMETRISE = law(
    "symmetrise-gradient",
    "theorem",
    "symmetrise",
    r"\nabla_X^{\mathrm{sym}} L = \tfrac{1}{2}(G + G^{T}) \text{ for a symmetric } X",
    "For a symmetric variable, take the symmetric part of the gradient",
)

INDEX_RULES = (
    law(
        "index-expand",
        "index",
        "write with indices",
        r"(AB)_{ij} = \sum_k a_{ik}b_{kj},\ \operatorname{tr}A = \sum_i a_{ii},\ (A^{T})_{ij} = a_{ji}",
        "Write L with indices: products sum over their inner index",
    ),
    law(
        "index-differentiate",
        "index",
        "differentiate one entry",
        r"\frac{\partial x_{ij}}{\partial x_{pq}} = \delta_{ip}\delta_{jq}",
        "Differentiate with respect to one entry (product rule)",
    ),
    law(
        "kronecker-collapse",
        "index",
        "the deltas collapse the sums",
        r"\sum_j a_{ij}\delta_{jp} = a_{ip}",
        "The Kronecker deltas collapse the sums",
    ),
    law(
        "gradient-definition",
        "theorem",
        "the gradient is the matrix of partials",
        r"(\nabla_X L)_{pq} = \frac{\partial L}{\partial x_{pq}}",
        "The gradient is the matrix of partial derivatives (it has the shape of X)",
    ),
    procedure(
        "index-assemble",
        "index",
        "assemble the matrix",
        r"\left[\frac{\partial L}{\partial x_{pq}}\right]_{pq}",
        "Assemble the matrix entry by entry",
    ),
    law(
        "index-name",
        "index",
        "name the matrix",
        r"[a_{qp}]_{pq} = A^{T},\ \left[\sum_k a_{pk}b_{kq}\right]_{pq} = AB",
        "Name the matrix of entries as a matrix expression",
    ),
)

SOLVE_RULES = (
    procedure(
        "solve-set-zero",
        "solve",
        "set the gradient to zero",
        r"\nabla_X L = 0 \text{ at a stationary point}",
        "Set the gradient to zero",
    ),
    procedure(
        "solve-move-constant",
        "solve",
        "move the constant terms",
        r"MX + C = 0 \iff MX = -C",
        "Move the terms without the variable to the right",
    ),
    procedure(
        "solve-cancel-scalar",
        "solve",
        "divide by a scalar",
        r"cA = cB \iff A = B \text{ for } c \neq 0",
        "Divide both sides by the common factor",
    ),
    procedure(
        "solve-transpose",
        "solve",
        "transpose the equation",
        r"G = 0 \iff G^{T} = 0",
        "Transpose both sides",
    ),
    procedure(
        "solve-multiply-through",
        "solve",
        "multiply by the variable",
        r"M = 0 \Rightarrow XMX = 0 \text{ for an invertible } X",
        "Multiply by the (invertible) variable, so that its inverses cancel",
        conditions=("X invertible",),
    ),
    procedure(
        "solve-factor",
        "solve",
        "factor out the variable",
        r"M_1X + M_2X = (M_1 + M_2)X",
        "Factor out the variable",
    ),
    procedure(
        "solve-invert",
        "solve",
        "multiply by the inverse",
        r"MX = C \iff X = M^{-1}C",
        "Multiply both sides by the inverse",
        conditions=("M invertible",),
    ),
)

CATALOGUE: tuple[Rule, ...] = (
    rules_trace.RULES
    + rules_differential.RULES
    + rules_elementwise.RULES
    + rules_softmax.RULES
    + rules_diag.RULES
    + rules_vec.RULES
    + rules_linear.RULES
    + rules_tidy.RULES
    + rules_powers.RULES
    + rules_written.RULES
    + rules_general.RULES
    + (
        ABBREVIATE,
        NAME_LAYER,
        NAME_CARRIED,
        SUBSTITUTE,
        CHAIN_RULE,
        THEOREM,
        JACOBIAN_THEOREM,
        HESSIAN_THEOREM,
        NEWTON_STEP,
        EARLIER_RESULT,
        TRANSPOSED_VARIABLE,
        SYMMETRISE,
    )
    + INDEX_RULES
    + SOLVE_RULES
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}


def rule(rule_id: str) -> Rule:
    return BY_ID[rule_id]


def rules(*ids: str) -> tuple[Rule, ...]:
    return tuple(BY_ID[i] for i in ids)
