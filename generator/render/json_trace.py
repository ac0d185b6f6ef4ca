"""The JSON trace of contract section 4 (and 5.2 for a Jacobian): every rule application,
the answer, the check."""

from __future__ import annotations

import json
from typing import Any

from generator.derivation import Derivation
from generator.math.expr import Differential, Expr, Symbol, Transpose, Vec, mul
from generator.math.symbols import SymbolInfo
from generator.problem.fields import symbol_entry
from generator.render.sheet import sheet_of
from generator.syntax.latex import to_latex
from generator.syntax.printer import to_text


def trace_dict(derivation: Derivation) -> dict[str, Any]:
    p = derivation.problem
    data: dict[str, Any] = {
        "title": p.title,
        "objective": p.objective_text,
        "wrt": list(p.variables) if p.also_wrt else p.wrt_text,
        "method": p.method,
        "symbols": {info.name: _symbol(info, p.variables) for info in p.symbols.symbols},
        "steps": [
            {
                "rule": s.rule,
                "says": s.says,
                "lhs": to_text(s.lhs),
                "expr": to_text(s.expr),
                "latex": to_latex(s.expr),
                **({"changed": to_text(s.changed)} if s.changed is not None else {}),
            }
            for s in derivation.steps
        ],
        "sheet": [
            {
                "title": step.title,
                "rules": list(step.rules),
                "lines": [
                    {
                        "lhs": to_text(line.lhs) if line.lhs is not None else None,
                        "rhs": to_text(line.rhs),
                    }
                    for line in step.lines
                ],
            }
            for step in sheet_of(derivation)
        ],
        "kind": derivation.kind,
    }
    if derivation.gradients:  # several variables (5.4): each one's, and no "gradient"
        data["gradients"] = {v: to_text(g) for v, g in derivation.gradients}
        data["gradients_latex"] = {v: to_latex(g) for v, g in derivation.gradients}
    else:  # the derivative under its own name: "gradient" (section 4) or "jacobian" (5.2)
        data[derivation.kind] = to_text(derivation.gradient)
        data[f"{derivation.kind}_latex"] = to_latex(derivation.gradient)
    if p.where:  # contract 5.4: the named results, in order
        data["where"] = {item.name: to_text(item.meaning) for item in p.where}
    if derivation.layers:  # the layers the derivation named (5.6): its lines hold them
        data["layers"] = {item.name: to_text(item.meaning) for item in derivation.layers}
    if derivation.as_found:  # the answers as the sheet writes them (layers, sums over j)
        data["layered"] = {v: to_text(g) for v, g in derivation.as_found}
    if derivation.differential is not None:
        data["differential"] = to_text(derivation.differential)
    second = derivation.second_order
    if second is not None:  # contract 5.3
        dx: Expr = Differential(Symbol(p.wrt))
        if second.vectorised:  # d^2 L = vec(dX)^T H vec(dX)
            dx = Vec(dx)
        data["kind"] = "hessian"
        data["second_differential"] = to_text(mul(Transpose(dx), second.hessian, dx))
        data["hessian"] = to_text(second.hessian)
        data["hessian_latex"] = to_latex(second.hessian)
        data["hessian_map"] = to_text(second.hessian_map)
    if second is not None and second.newton is not None:
        data["newton_point"] = to_text(second.newton.left)  # X_new, or vec(X_new)
        data["newton_step"] = to_text(second.newton.value)
        data["newton_conditions"] = [str(c) for c in second.newton.conditions]
    if p.number is not None:
        data["number"] = p.number
    if derivation.solution is not None:
        data["solution"] = to_text(derivation.solution)
        data["solution_latex"] = to_latex(derivation.solution)
        data["conditions"] = [str(c) for c in derivation.conditions]
    code = _numpy_code(derivation)
    if code is not None:
        data["code"] = code
    v = derivation.verification
    data["verified"] = {
        "numeric_max_rel_error": v.max_rel_error,
        "trials": v.trials,
        "checks": v.checks,
        "sympy_agrees": v.sympy_agrees,
    }
    return data


def _numpy_code(derivation: Derivation) -> str | None:
    """The `--format python` function (render/code.py), where the answer has one: an
    answer in index notation, or a matrix to a symbolic power with no declared integer,
    has none."""
    from generator.render.code import ExportError, export

    try:
        return export(derivation, "python").text
    except ExportError:
        return None


def _symbol(info: SymbolInfo, variables: tuple[str, ...]) -> dict[str, Any]:
    """The entry a problem file would declare, and whether inference found it."""
    out = symbol_entry(info, variables)
    if not info.declared:
        out["inferred"] = True
    return out


def render_json(derivation: Derivation) -> str:
    return json.dumps(trace_dict(derivation), indent=2, ensure_ascii=False) + "\n"
