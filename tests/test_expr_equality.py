"""Equality of expression trees: structural, and remembered (two equal trees built
apart are joined once compared), without changing what equality answers."""
from __future__ import annotations

import copy
import pickle

from generator.syntax.parser import parse

TEXT = "tr((A + X^T B X)^-1 (x x^T - 2 I) exp(X) .* X)"


def test_trees_built_apart_are_equal_and_stay_so():
    first, second, third = parse(TEXT), parse(TEXT), parse(TEXT)
    assert first is not second
    assert first == second and second == third and first == third
    assert hash(first) == hash(second) == hash(third)
    assert {first: 1}[third] == 1


def test_remembering_an_equality_does_not_make_other_trees_equal():
    # Every subtree of the first two is joined by the first comparison; a tree that
    # differs in one leaf must still compare unequal to each of them and their parts.
    first, second = parse(TEXT), parse(TEXT)
    assert first == second
    other = parse(TEXT.replace("2 I", "3 I"))
    assert other != first and other != second and first != other
    assert parse("X^T B X") != parse("X^T B Y")
    assert parse("x x^T") == parse("x x^T") and parse("x x^T") != parse("x^T x")


def test_a_long_chain_of_joined_equal_trees_compares_without_recursion():
    trees = [parse("X^T A X") for _ in range(20_000)]
    for older, newer in zip(trees, trees[1:]):
        assert newer == older   # each join hangs the older tree below the newer one
    assert trees[0] == trees[-1] and trees[-1] == trees[0]


def test_copies_and_pickles_hold_fields_only():
    first, second = parse(TEXT), parse(TEXT)
    assert first == second
    for clone in (pickle.loads(pickle.dumps(first)), copy.deepcopy(first)):
        assert not {"_hash", "_equal_to"} & set(clone.__dict__)
        assert clone == first
    assert "_equal_to" not in first.__getstate__()
