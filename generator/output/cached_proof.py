"""A derivation taken from the build cache, and why it can be trusted.

The engine is cheap and the proof is dear: deriving the 22 shipped problems takes
about 0.05 s, checking every line numerically and asking sympy about 0.8 s.  So the
cache does not keep derivations, it keeps proofs: the JSON trace of contract section 4
(every rule application, every line of the sheet, the answer and what the checks
measured) of each verified derivation.  To reuse one, the build derives the problem
again without checking it, and the trace the check would give this derivation must be
the stored one, line for line: then the stored measurements are those of exactly these
lines (the engine is part of every cache key, so it is the engine that checked them).
The answer is then checked again against the problem's objective on instances drawn
afresh in this run, so a stored trace that lies about the answer is caught even where
its lines agree.  Any mismatch is `NotReusable`, and the problem is derived and
checked in full.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any, TypeGuard

from generator.check.verify import Claim, Verification, verify
from generator.derivation import Derivation
from generator.math.expr import Transpose
from generator.problem.model import Problem
from generator.render.json_trace import trace_dict


class NotReusable(Exception):
    """Why a stored trace is not that of the problem's derivation in this run."""


def reuse(trace: Any, problem: Problem, earlier: tuple[Derivation, ...] = ()) -> Derivation:
    """The problem's derivation, proved by `trace` (a stored JSON trace) and by a fresh
    check of its answer; `NotReusable` says why not."""
    from generator.api import derive

    verification = _verification_of(trace)
    try:
        derivation = replace(derive(problem, earlier, verify=False), verification=verification)
    except Exception as err:  # it derived when it was stored: this run is a miss, not an error
        raise NotReusable(f"it no longer derives ({type(err).__name__})") from None
    if _as_json(trace_dict(derivation)) != trace:
        raise NotReusable("its lines are not those derived now")
    if not answer_holds(derivation):
        raise NotReusable("its answer fails the check on fresh values")
    return derivation


def _verification_of(trace: Any) -> Verification:
    """What the checks measured, as the trace records it; the fields' types checked."""
    found = trace.get("verified") if isinstance(trace, dict) else None
    if not isinstance(found, dict):
        raise NotReusable("it records no check")
    trials, error = found.get("trials"), found.get("numeric_max_rel_error")
    checks, sympy = found.get("checks"), found.get("sympy_agrees")
    if not (
        _is_count(trials)
        and _is_count(checks)
        and isinstance(error, (int, float))
        and not isinstance(error, bool)
        and (sympy is None or isinstance(sympy, bool))
    ):
        raise NotReusable("its record of the check is malformed")
    return Verification(trials, float(error), checks, sympy)


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _as_json(data: dict) -> Any:
    """`data` as it reads back from a JSON file (tuples become lists, and so on)."""
    return json.loads(json.dumps(data))


def answer_holds(derivation: Derivation) -> bool:
    """The derivation's gradient or Jacobian (and solution) pass the numeric check of the theorem
    against its problem's objective, on instances drawn afresh."""
    p = derivation.problem
    table = derivation.symbols or p.symbols
    named = {item.name: item.meaning for item in p.where}  # what the objective's names mean
    # the answer of `wrt: X^T` is the transpose of the gradient the theorem names
    gradient = Transpose(derivation.gradient) if p.wrt_transposed else derivation.gradient
    claim = (
        Claim.of_gradients(p.objective, table, named, (), derivation.gradients, derivation.names)
        if derivation.gradients
        else Claim(
            p.objective,
            p.wrt,
            table,
            named,
            (),
            gradient,
            derivation.solution,
            derivation.names,
            derivation.kind,
        )
    )
    try:
        verify(claim, seed=int.from_bytes(os.urandom(4), "little"))
    except Exception:  # whatever the stored answer makes the check do, it is not proved
        return False
    return True
