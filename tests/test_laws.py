"""Every law of the catalogue, as the reference page prints it, holds numerically.

Each rule writes its law once, in the math syntax (generator/engine/laws.py); the page
typesets that text, and here both sides of every equation are evaluated on random
instances.  Every name varies along a random direction of its own (a constant one
does not), so a differential `dA` is that direction and `d(...)` of a compound is its
directional derivative, computed exactly by the complex step.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from generator.check.numeric import (STEP, Evaluator, UnluckyInstance, draw_instance,
                                     on_positive_domain,
                                     draw_value)
from generator.check.verify import relative_error
from generator.engine.catalogue import CATALOGUE
from generator.engine.laws import law_equations, law_table
from generator.math.symbols import SymbolInfo

WITH_LAWS = [r for r in CATALOGUE if r.law]
# the laws the math syntax cannot write: a sum over j, a product of k factors, and
# arithmetic on numbers (`2^-1` is the number 1/2)
# a sum over j, a product of k factors: written in LaTeX only (their own tests check them:
# test_rules, test_general_terms)
GENERAL_TERMS = {"differential-run", "differential-sum-over-j", "sum-over-j-linearity", "sum-over-j-collect", "sum-over-j-split", "transpose-gathered-over-j",
                 "transpose-sum-over-j", "transpose-run"}
BEYOND_THE_SYNTAX = {"differential-power", "reciprocal", "trace-power-sum"} | GENERAL_TERMS


def law_errors(rule, seeds=range(3)) -> list[float]:
    """The relative error of each equation of the rule's law, on each instance."""
    table = law_table(rule)
    errors = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        positive = frozenset().union(*(on_positive_domain(side)
                                         for pair in law_equations(rule) for side in pair))
        inst = draw_instance(table, "X", rng, positive=positive)
        directions = {
            s.name: np.zeros_like(inst.values[s.name], dtype=float) if s.constant
            else draw_value(SymbolInfo(s.name, s.shape,
                                       properties=s.properties & {"symmetric"}),
                            inst.dims, rng)
            for s in table.symbols}
        moved = Evaluator({n: v + 1j * STEP * directions[n] for n, v in inst.values.items()},
                          inst.dims)
        ev = Evaluator(inst.values, inst.dims, directions, lambda e: np.imag(moved(e)) / STEP)
        for left, right in law_equations(rule):
            try:
                errors.append(relative_error(ev(left), ev(right)))
            except UnluckyInstance:
                continue
    return errors


@pytest.mark.parametrize("rule", WITH_LAWS, ids=[r.id for r in WITH_LAWS])
def test_every_law_holds_on_random_instances(rule):
    errors = law_errors(rule)
    assert len(errors) >= 2 * len(law_equations(rule))
    assert max(errors) < 1e-8, (rule.id, rule.law, errors)


def test_a_wrong_law_fails_the_same_check():
    product = next(r for r in CATALOGUE if r.id == "differential-product")
    wrong = replace(product, law="d(A B) = dA B + dB A")
    assert max(law_errors(wrong)) > 1e-3
    cyclic = next(r for r in CATALOGUE if r.id == "trace-cyclic")
    assert max(law_errors(replace(cyclic, law="tr(A B) = tr(A^T B)"))) > 1e-3


def test_a_condition_changes_the_check():
    symmetric = next(r for r in CATALOGUE if r.id == "transpose-symmetric")
    assert max(law_errors(symmetric)) < 1e-12
    assert max(law_errors(replace(symmetric, conditions=()))) > 1e-3


def test_every_rewriting_rule_writes_its_law_in_the_math_syntax():
    from generator.engine.catalogue import _not_a_rewrite
    rewriting = {r.id for r in CATALOGUE if r.apply is not _not_a_rewrite}
    without = {r.id for r in CATALOGUE if not r.law and r.id in rewriting}
    assert without == BEYOND_THE_SYNTAX
