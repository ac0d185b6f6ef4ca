"""Fuzzing the parser and the YAML loader (bounded: a few hundred examples each, a few
seconds in all): whatever the input, the only exceptions that escape are the project's
own (generator.errors.TracetrickError), and a file's error starts with the file's name.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import MathSyntaxError, TracetrickError
from generator.problem.loader import load_file
from generator.problem.command_line import problem_from_text
from generator.problem.fields import PROBLEM_KEYS, SYMBOL_KEYS
from generator.syntax.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "problems").rglob("*.yaml"))]
# TRACETRICK_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py: a longer campaign.
EXAMPLES = int(os.environ.get("TRACETRICK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text made of the math syntax's own pieces finds deeper paths than arbitrary Unicode.
MATH_PIECES = ["A", "X", "x", "b", "I", "I_n", "alpha", "λ", "tr", "det", "logdet", "log",
               "exp", "sigmoid", "sum", "norm", "inv", "ones", "d", "dX", "(", ")", "{", "}",
               "|", "||", "_F", "_2", "^", "^T", "^-1", "^-T", "'", ".T", "ᵀ", "⁻¹", "*", "/",
               ".*", "./", "∘", "+", "-", "−", ",", " ", "0", "1", "2", "1/2", "0.5", "k",
               "n", "99999999999"]
math_text = st.lists(st.sampled_from(MATH_PIECES), max_size=25).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=60), math_text), st.booleans())
def test_the_parser_raises_only_syntax_errors(text, differentials):
    try:
        parse(text, differentials=differentials)
    except MathSyntaxError as err:
        assert 1 <= err.column <= len(text) + 1
        assert "^" in str(err).splitlines()[-1]


@FUZZ
@given(math_text, st.sampled_from(["X", "x", "A", "X^T", "alpha", ""]),
       st.lists(st.sampled_from(["A: n x n", "X: n x m, symmetric", "x: n", "alpha: scalar",
                                 "b: 3", "A: 2 x 3, positive_definite", "B: bad"]),
                max_size=2))
def test_the_command_lines_objective_raises_only_our_errors(text, wrt, lets):
    try:
        problem_from_text(text, wrt, tuple(lets))
    except TracetrickError:
        pass


# ----- YAML documents ------------------------------------------------------------------------

keys = st.one_of(st.sampled_from(PROBLEM_KEYS + SYMBOL_KEYS + ("problems", "A", "X")),
                 st.text(max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), math_text,
                    st.sampled_from(["n x n", "n", "scalar", "X", "tr(X^T A X)", "A x - b"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)), max_leaves=20)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"


def load_or_clear_error(path: Path, data: str | bytes) -> None:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    try:
        load_file(path)
    except TracetrickError as err:
        assert str(err).startswith(str(path)), str(err)[:300]


@FUZZ
@given(documents, st.booleans())
def test_any_yaml_document_loads_or_is_one_clear_error(scratch, document, flow):
    load_or_clear_error(scratch, yaml.safe_dump(document, default_flow_style=flow,
                                                allow_unicode=True))


@FUZZ
@given(documents)
def test_any_problem_shaped_mapping_loads_or_is_one_clear_error(scratch, document):
    """Random values under the right keys get past the key checks to the value checks."""
    base = {"title": "T", "objective": "tr(A X)", "wrt": "X"}
    if isinstance(document, dict):
        base.update(document)
    else:
        base["symbols"] = document
    load_or_clear_error(scratch, yaml.safe_dump(base, allow_unicode=True))


edits = st.lists(st.tuples(st.sampled_from(["delete", "insert", "replace", "repeat-line",
                                            "drop-line"]),
                           st.integers(0, 10_000),
                           st.one_of(st.text(max_size=4), st.sampled_from(
                               [":", "- ", "  ", "\t", "'", '"', "[", "{", "&a ", "*a",
                                "!!python/name:os.system ", "#", "|", ">", "\n"]))),
               min_size=1, max_size=4)


def mutate(text: str, edits_: list[tuple[str, int, str]]) -> str:
    for op, at, piece in edits_:
        i = at % (len(text) + 1)
        if op == "delete":
            text = text[:i] + text[i + 1:]
        elif op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "replace":
            text = text[:i] + piece + text[i + len(piece):]
        else:
            lines = text.split("\n")
            j = at % len(lines)
            lines[j:j + 1] = [lines[j]] * 2 if op == "repeat-line" else []
            text = "\n".join(lines)
    return text


@FUZZ
@given(st.sampled_from(SHIPPED), edits)
def test_a_mutated_shipped_file_loads_or_is_one_clear_error(scratch, text, edits_):
    load_or_clear_error(scratch, mutate(text, edits_))


@settings(max_examples=max(100, EXAMPLES // 3), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_any_bytes_load_or_are_one_clear_error(scratch, data):
    load_or_clear_error(scratch, data)
