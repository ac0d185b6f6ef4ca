"""A problem file's `symbols:` mapping: each name declared with its shape (`[n, m]`,
`n x m`, `[]`) and properties (`symmetric: true`, `constant: false`), read into declared
SymbolInfo, every mistake pointed at by line and column (generator/problem/loader.py
reads the rest of the problem)."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problem.letspec import check_declaration, parse_declaration, parse_dim, parse_shape
from generator.problem.fields import SYMBOL_KEYS
from generator.math.symbols import SymbolInfo
from generator.syntax.names import spelled_out
from generator.problem.yaml_source import Where, bool_value, describe, fields


def _shape(node: Node, where: Where, key: str) -> tuple:
    """`[n, m]`, `[n]`, `[]`, or the one-line form `n x m`."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
        try:
            return parse_shape(node.value)
        except ValueError as err:
            raise where.error(node, key, f"{err}; write e.g. `[n, m]`, `[n]` or `[]`") from None
    if not isinstance(node, SequenceNode) or len(node.value) > 2:
        raise where.error(
            node,
            key,
            f"expected a list of at most two dimensions, found "
            f"{describe(node)}; e.g. `shape: [n, m]`",
        )
    dims = []
    for dim in node.value:
        # a name is a string (`true`, `null`, `1.5` are YAML's other types), a size an int
        if not (isinstance(dim, ScalarNode) and dim.tag.endswith((":int", ":str"))):
            raise where.error(
                dim,
                key,
                f"{describe(dim)} is not a dimension; a dimension is a "
                f"name such as n or a positive integer",
            )
        try:
            dims.append(parse_dim(dim.value))
        except ValueError as err:
            raise where.error(dim, key, f"{err}") from None
    return tuple(dims)


def _symbol(name_node: Node, node: Node, where: Where) -> tuple[SymbolInfo, bool]:
    """One entry of `symbols:` -> (its SymbolInfo, whether `constant` was written)."""
    key = f"symbols: {name_node.value}"
    name = spelled_out(name_node.value)
    if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
        try:
            info = parse_declaration(name, node.value)
        except ValueError as err:
            raise where.error(
                node,
                key,
                f"{err}; write e.g. `{name}: n x n, symmetric` or "
                f"`{name}: {{shape: [n, n], symmetric: true}}`",
            ) from None
        return info, "constant" in node.value
    if not isinstance(node, MappingNode):
        raise where.error(
            node,
            key,
            f"expected a mapping such as `{{shape: [n, n], symmetric: "
            f"true}}`, found {describe(node)}",
        )
    found = fields(node, where, key, SYMBOL_KEYS)
    flags = {k: bool_value(v, where, f"{key}: {k}") for k, (_, v) in found.items() if k != "shape"}
    props = frozenset(k for k, on in flags.items() if on and k != "constant")
    has_shape = "shape" in found
    shape = _shape(found["shape"][1], where, f"{key}: shape") if has_shape else ()
    info = SymbolInfo(name, shape, flags.get("constant", True), props, declared=has_shape)
    problem = check_declaration(info) if has_shape else None
    if problem:
        raise where.error(node, key, problem)
    return info, "constant" in flags


def read_symbols(node: Node, where: Where) -> tuple[dict[str, SymbolInfo], dict[str, Node]]:
    """The declarations, and the name node of each that says `constant: true`."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return {}, {}
    if not isinstance(node, MappingNode):
        raise where.error(
            node,
            "symbols",
            f"expected a mapping of names, found {describe(node)};"
            f" e.g. `symbols: {{A: {{shape: [n, n]}}}}`",
        )
    declared: dict[str, SymbolInfo] = {}
    said_constant: dict[str, Node] = {}
    for name_node, value in node.value:
        name = spelled_out(name_node.value) if isinstance(name_node, ScalarNode) else ""
        why = check_declaration(SymbolInfo(name, ()))
        if why or name in declared:
            raise where.error(name_node, "symbols", why or f"'{name}' is declared twice; keep one")
        declared[name], said = _symbol(name_node, value, where)
        if said and declared[name].constant:
            said_constant[name] = name_node
    return declared, said_constant
