"""`tracetrick schema`: a JSON Schema (draft 2020-12) for problem files, for editors.

It is built from the table the loader validates against (generator/problem/fields.py):
the same keys, required keys, kinds, choices and descriptions, so an editor that
reads it (through the YAML language server) flags what the loader would refuse.
What a schema cannot say (that `wrt` is a symbol of the objective, that shapes fit,
that the math parses) is left to `tracetrick check`.
"""

from __future__ import annotations

import json
from typing import Any

from generator.problem.fields import LIST_KEY, PROBLEM_FIELDS, SYMBOL_FIELDS, FieldSpec
from generator.syntax.limits import MAX_MATH_LENGTH

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# A symbol or dimension name, loosely (no digit first, no space): JSON Schema's regexes
# are ECMA-262, whose \w is ASCII only, and `λ` is a name; the loader checks names exactly.
_NAME = r"^[^\s\d]\S*$"
_NOT_BLANK = r"\S"
# A scalar YAML may read as a number or a boolean (`title: 2024`, `expect: 0`): the loader
# takes it as written, so the schema allows those types wherever text is allowed.
_TEXT = {"anyOf": [{"type": "string", "pattern": _NOT_BLANK}, {"type": ["number", "boolean"]}]}


def _kind_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one field's value, from its kind."""
    if spec.kind in ("text", "prose"):
        return dict(_TEXT)
    if spec.kind == "math":
        return {
            "anyOf": [
                {"type": "string", "pattern": _NOT_BLANK, "maxLength": MAX_MATH_LENGTH},
                {"type": "number"},
            ]
        }
    if spec.kind == "integer":
        digits = r"^[0-9]*[1-9][0-9]*$" if spec.minimum >= 1 else r"^[0-9]+$"
        if spec.minimum > 1:
            raise ValueError(f"{spec.name}: the schema writes minimums of 0 and 1 only")
        return {
            "anyOf": [
                {"type": "integer", "minimum": spec.minimum},
                {"type": "string", "pattern": digits},
            ]
        }
    if spec.kind == "boolean":
        return {"type": "boolean"}
    if spec.kind == "choice":
        return {"enum": list(spec.choices)}
    if spec.kind == "symbols":
        return {
            "type": ["object", "null"],
            "propertyNames": {"pattern": _NAME},
            "additionalProperties": {"$ref": "#/$defs/symbol"},
        }
    if spec.kind == "names":
        return {
            "type": "object",
            "propertyNames": {"pattern": _NAME},
            "additionalProperties": {
                "type": "string",
                "pattern": _NOT_BLANK,
                "maxLength": MAX_MATH_LENGTH,
            },
        }
    if spec.kind == "variables":
        return {
            "anyOf": [
                dict(_TEXT),
                {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "pattern": _NAME},
                },
            ]
        }
    if spec.kind == "shape":
        dimension = {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": _NAME}]
        }
        return {
            "anyOf": [
                {"type": "array", "maxItems": 2, "items": dimension},
                {"type": "string", "pattern": _NOT_BLANK},
            ]
        }
    raise ValueError(f"{spec.name}: no schema for the kind {spec.kind!r}")


def _property(spec: FieldSpec) -> dict[str, Any]:
    """One key: its value's schema with the description, example and default."""
    description = spec.description
    if spec.kind == "math":
        description += f" At most {MAX_MATH_LENGTH} characters."
    out: dict[str, Any] = {"description": description, **_kind_schema(spec)}
    out["examples"] = [_example(spec)]
    if spec.default not in (None, ""):
        out["default"] = spec.default
    return out


def _example(spec: FieldSpec) -> Any:
    """The example as a YAML value would read: `5` a number, `true` a boolean."""
    if spec.kind == "integer":
        return int(spec.example)
    if spec.kind == "boolean":
        return spec.example == "true"
    if spec.kind in ("symbols", "shape", "names"):
        import yaml  # the example is written in YAML's flow style

        return yaml.safe_load(spec.example)
    return spec.example


def _object(fields: tuple[FieldSpec, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {f.name: _property(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def problem_schema() -> dict[str, Any]:
    """The schema of a problem file: one problem, or a list of them under `problems:`."""
    symbol = _object(SYMBOL_FIELDS, "A symbol's shape and properties.")
    return {
        "$schema": DRAFT,
        "title": "tracetrick problem file",
        "description": "A problem for tracetrick (one mapping), or a list of them under "
        f"`{LIST_KEY}:`. Generated by `tracetrick schema` from the loader's "
        "table of fields.",
        "type": "object",
        # if/then/else rather than anyOf: an editor then names the key that is wrong.
        "if": {"required": [LIST_KEY]},
        "then": {
            "properties": {
                LIST_KEY: {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/$defs/problem"},
                    "description": "The problems of this file, in order.",
                }
            },
            "additionalProperties": False,
        },
        "else": {"$ref": "#/$defs/problem"},
        "$defs": {
            "problem": _object(
                PROBLEM_FIELDS,
                "One problem: find the gradient of the objective with respect to wrt.",
            ),
            "symbol": {
                "anyOf": [
                    symbol,
                    {
                        "type": "string",
                        "pattern": _NOT_BLANK,
                        "description": "The one-line form: `n x n, symmetric`, `n`, `scalar`.",
                    },
                ]
            },
        },
    }


def schema_text() -> str:
    """The schema as the command prints it: indented JSON and a final newline."""
    return json.dumps(problem_schema(), indent=2, ensure_ascii=False) + "\n"
