"""`tracetrick schema`: the JSON Schema of problem files, made from the loader's own table
of fields, accepts every shipped problem and refuses what the loader refuses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import ProblemError
from generator.problem.loader import KEYS, load_file
from generator.problem.fields import PROBLEM_FIELDS, REQUIRED_KEYS, SYMBOL_KEYS
from generator.problem.schema import problem_schema

jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "problems").rglob("*.yaml") if p.name != "set.yaml")


@pytest.fixture(scope="module")
def validator():
    schema = problem_schema()
    jsonschema.Draft202012Validator.check_schema(schema)   # a valid draft 2020-12 schema
    return jsonschema.Draft202012Validator(schema)


def errors(validator, text: str) -> list[str]:
    return [e.message for e in validator.iter_errors(yaml.safe_load(text))]


def test_the_schema_is_the_loaders_table():
    problem = problem_schema()["$defs"]["problem"]
    assert tuple(problem["properties"]) == KEYS == tuple(f.name for f in PROBLEM_FIELDS)
    assert problem["required"] == list(REQUIRED_KEYS) == ["title", "objective", "wrt"]
    assert problem["additionalProperties"] is False
    symbol = problem_schema()["$defs"]["symbol"]["anyOf"][0]
    assert tuple(symbol["properties"]) == SYMBOL_KEYS
    assert problem["properties"]["method"]["enum"] == ["differential", "elementwise"]
    assert all(p["description"] for p in problem["properties"].values())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_problem_file_is_valid(validator, path):
    assert errors(validator, path.read_text(encoding="utf-8")) == []


BASE = "title: T\nobjective: tr(A X)\nwrt: X\n"


@pytest.mark.parametrize("extra, message", [
    ("objectve: tr(X)\n", "'objectve' was unexpected"),                 # unknown key
    ("solve: maybe\n", "'maybe' is not of type 'boolean'"),             # wrong type
    ("method: symbolic\n", "is not one of ['differential', 'elementwise']"),
    ("number: 0\n", "not valid under any"),                             # not positive
    ("title: [a, b]\n", "not valid under any"),                         # a list, not text
    ("symbols: {A: {shape: [n, n], symetric: true}}\n", "not valid under any"),
    ("symbols: {A: {shape: [n, n, n]}}\n", "not valid under any"),
    ("symbols: [A, X]\n", "is not of type 'object', 'null'"),
    ("expect: '" + "x + " * 300 + "x'\n", "is not valid under any"),    # over the length limit
])
def test_what_the_loader_refuses_the_schema_refuses(validator, tmp_path, extra, message):
    text = BASE.replace("title: T\n", "") if extra.startswith("title") else BASE
    text += extra
    assert any(message in e for e in errors(validator, text)), errors(validator, text)
    (tmp_path / "p.yaml").write_text(text)
    with pytest.raises(ProblemError):
        load_file(tmp_path / "p.yaml")


def test_a_missing_required_key_and_a_problem_list(validator):
    assert any("'wrt' is a required property" in e
               for e in errors(validator, "title: T\nobjective: tr(X)\n"))
    listed = "problems:\n  - " + BASE.replace("\n", "\n    ").rstrip() + "\n"
    assert errors(validator, listed) == []
    assert errors(validator, listed + "title: beside\n")   # nothing beside the list


@pytest.mark.parametrize("text", [
    BASE + "number: 5\nsolve: true\nstatement: yes\n",     # YAML's yes is taken as text
    "title: 2024\nobjective: tr(A X)\nwrt: X\nexpect: 0\n",  # numbers taken as written
    "title: T\nobjective: tr(X^T A X)\nwrt: X\nsymbols:\n  A: n x n, symmetric\n"
    "  X: {shape: [n, 3]}\n",
    BASE + "symbols:\n  X: {shape: [n, n], positive_definite: true}\nsymmetric_gradient: true\n",
])
def test_what_the_loader_accepts_the_schema_accepts(validator, tmp_path, text):
    (tmp_path / "p.yaml").write_text(text)
    load_file(tmp_path / "p.yaml")
    assert errors(validator, text) == []


def test_the_command_prints_or_writes_the_schema(tmp_path):
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == problem_schema()
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    out = tmp_path / "problem.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text()) == problem_schema()
