"""Load problem files (contract section 1) into validated Problems.

YAML is read safely and composed into nodes (yaml.compose, SafeLoader), never into
Python objects, so every value keeps its line and column and the node tree is
validated here, key by key.  Every failure is one ProblemError paragraph:
`file:line: key: what is wrong; what would be right`.  Math syntax and shape errors
from the fields are translated to the same form (a syntax error gets the column in the
file); nothing else escapes.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import MathSyntaxError, ProblemError, ShapeError
from generator.expr import Expr, Number
from generator.letspec import (check_declaration, is_name, parse_declaration, parse_let,
                               parse_shape)
from generator.problem import METHODS, Problem, Source
from generator.shapes import UNSIZED, check_scalar_objective, infer_symbols, shape_of, show_shape
from generator.symbols import PROPERTIES, SymbolInfo, SymbolTable

KEYS = ("title", "number", "symbols", "objective", "wrt", "method", "solve", "expect",
        "solution", "statement")
SYMBOL_KEYS = ("shape",) + PROPERTIES
EXAMPLE = {"title": "title: Trace of a product", "objective": "objective: tr(X^T A X)",
           "wrt": "wrt: X"}
NOT_YET = {"symmetric_gradient": "not supported yet; remove it (the sheet gives the "
                                 "unconstrained gradient G and says so)"}


def _parse(text: str) -> Expr:
    from generator.syntax.parser import parse  # the parser is its own module; import late
    return parse(text)


# ----- where an error is: file, line, column, caret ----------------------------------------

@dataclass(frozen=True)
class Where:
    """The file being read (its path as the user named it, and its text, for carets)."""

    path: str
    text: str

    def error(self, node: Node, key: str, why: str) -> ProblemError:
        """`file:line: key: why` for the line where `node` starts."""
        prefix = f"{key}: " if key else ""
        return ProblemError(f"{self.path}:{node.start_mark.line + 1}: {prefix}{why}")


def caret_line(text: str, column: int) -> str:
    """Spaces (tabs kept, so it lines up) up to the 1-based column, then `^`."""
    return "".join("\t" if ch == "\t" else " " for ch in text[:column - 1]) + "^"


def file_position(source: str, node: Node, target: int) -> tuple[int, int]:
    """1-based (line, column) in the file of character `target` of a scalar's value.

    Plain one-line scalars map directly; quoted, folded and block scalars are aligned
    with the source character by character (quotes, indentation and line breaks
    skipped), which is right except inside escape sequences.
    """
    value, pos, end = node.value, node.start_mark.index, node.end_mark.index
    for i, ch in enumerate(value[:target + 1]):
        while pos < end and source[pos] != ch and not (ch.isspace() and source[pos].isspace()):
            pos += 1
        if pos >= end:
            pos = node.start_mark.index
            break
        if i < target:
            pos += 1
    line_start = source.rfind("\n", 0, pos) + 1
    return source.count("\n", 0, pos) + 1, pos - line_start + 1


_SPECIAL_START = tuple("|>[]{}&*!%@`")


def yaml_error(err: yaml.MarkedYAMLError, text: str, path: str) -> ProblemError:
    """`file:line:column: YAML syntax error: ...`, the line, a caret, and a likely fix."""
    lines = text.splitlines()
    mark = err.problem_mark
    if mark is None or mark.line >= len(lines) or not lines[mark.line].strip():
        mark = err.context_mark or mark
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
    problem = err.problem or err.context or "invalid YAML"
    if err.context and problem.startswith("but "):
        problem = f"{err.context}, {problem}"
    return ProblemError(f"{where}: YAML syntax error: {problem}; {_yaml_hint(problem, line)}\n"
                        f"  {line}\n  {caret_line(line, mark.column + 1 if mark else 1)}")


def _yaml_hint(problem: str, line: str) -> str:
    key, colon, value = line.strip().partition(": ")
    value = value.strip()
    if "\t" in problem or "\t" in line[:len(line) - len(line.lstrip())]:
        return "indent with spaces; YAML does not allow tabs"
    if colon and value.startswith(_SPECIAL_START):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return f"a value starting with {value[0]} must be quoted: `{key}: \"{quoted}\"`"
    if "single document" in problem:
        return "a file holds one YAML document; list several problems under `problems:`"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted"
    return "check the indentation and the quotes on this line"


# ----- reading the node tree ------------------------------------------------------------

def _fields(node: MappingNode, where: Where, context: str, allowed: tuple[str, ...]
            ) -> dict[str, tuple[Node, Node]]:
    """key -> (key node, value node); unknown and repeated keys are errors."""
    found: dict[str, tuple[Node, Node]] = {}
    for key_node, value in node.value:
        if not isinstance(key_node, ScalarNode):
            raise where.error(key_node, context, "a key must be a plain name")
        key = key_node.value
        if key in found:
            first = found[key][0].start_mark.line + 1
            raise where.error(key_node, f"{context}: {key}" if context else key,
                              f"appears twice (first on line {first}); keep one")
        if key not in allowed:
            if key in NOT_YET and context == "":
                raise where.error(key_node, key, NOT_YET[key])
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'?" if near else "valid keys: " + ", ".join(allowed)
            raise where.error(key_node, context, f"unknown key '{key}'; {hint}")
        found[key] = (key_node, value)
    return found


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{node.value}'"


def _text(node: Node, where: Where, key: str, example: str) -> str:
    """A text value.  A plain `0`, `5` or `yes` is taken as written (`expect: 0`)."""
    if not isinstance(node, ScalarNode):
        raise where.error(node, key, f"expected text, found {_describe(node)}; e.g. `{example}`")
    if node.tag.endswith(":null") or not node.value.strip():
        raise where.error(node, key, f"is empty; write a value, e.g. `{example}`")
    return node.value


def _bool(node: Node, where: Where, key: str) -> bool:
    if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on")
    raise where.error(node, key, f"expected true or false, found {_describe(node)}")


def _number(node: Node, where: Where) -> int:
    if isinstance(node, ScalarNode) and node.tag.endswith((":int", ":str")) \
            and node.value.isdigit() and int(node.value) > 0:
        return int(node.value)
    raise where.error(node, "number", f"expected a positive whole number, found {_describe(node)}"
                                      f"; e.g. `number: 5`")


def _math(node: Node, where: Where, key: str, example: str) -> tuple[str, Expr]:
    """(the text as written, its expression); a syntax error points into the file."""
    raw = _text(node, where, key, example)
    text = raw.strip()
    try:
        return text, _parse(text)
    except MathSyntaxError as err:
        lead = len(raw) - len(raw.lstrip())
        line, col = file_position(where.text, node, lead + err.column - 1)
        shown, column = _line_at(err.text, err.column)
        raise ProblemError(f"{where.path}:{line}:{col}: {key}: {err.reason}\n"
                           f"  {shown}\n  {caret_line(shown, column)}") from None
    except RecursionError:
        raise where.error(node, key, "the expression is nested too deeply") from None


def _line_at(text: str, column: int) -> tuple[str, int]:
    """The line of a multi-line text holding 1-based `column`, and the column within it."""
    start = text.rfind("\n", 0, column - 1) + 1
    end = text.find("\n", start)
    return text[start:end if end >= 0 else len(text)], column - start


# ----- symbols -------------------------------------------------------------------------

def _shape(node: Node, where: Where, key: str) -> tuple:
    """`[n, m]`, `[n]`, `[]`, or the one-line form `n x m`."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
        try:
            return parse_shape(node.value)
        except ValueError as err:
            raise where.error(node, key, f"{err}; write e.g. `[n, m]`, `[n]` or `[]`") from None
    if not isinstance(node, SequenceNode) or len(node.value) > 2:
        raise where.error(node, key, f"expected a list of at most two dimensions, found "
                                     f"{_describe(node)}; e.g. `shape: [n, m]`")
    dims = []
    for dim in node.value:
        ok_int = isinstance(dim, ScalarNode) and dim.tag.endswith(":int") and dim.value.isdigit()
        if ok_int and int(dim.value) > 0:
            dims.append(int(dim.value))
        elif isinstance(dim, ScalarNode) and not ok_int and is_name(dim.value):
            dims.append(dim.value)
        else:
            raise where.error(dim, key, f"{_describe(dim)} is not a dimension; a dimension is a "
                                        f"name such as n or a positive integer")
    return tuple(dims)


def _symbol(name_node: Node, node: Node, where: Where) -> tuple[SymbolInfo, bool]:
    """One entry of `symbols:` -> (its SymbolInfo, whether `constant` was written)."""
    name = name_node.value
    key = f"symbols: {name}"
    if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
        try:
            info = parse_declaration(name, node.value)
        except ValueError as err:
            raise where.error(node, key, f"{err}; write e.g. `{name}: n x n, symmetric` or "
                                         f"`{name}: {{shape: [n, n], symmetric: true}}`") from None
        return info, "constant" in node.value
    if not isinstance(node, MappingNode):
        raise where.error(node, key, f"expected a mapping such as `{{shape: [n, n], symmetric: "
                                     f"true}}`, found {_describe(node)}")
    fields = _fields(node, where, key, SYMBOL_KEYS)
    flags = {k: _bool(v, where, f"{key}: {k}") for k, (_, v) in fields.items() if k != "shape"}
    props = frozenset(k for k, on in flags.items() if on and k != "constant")
    has_shape = "shape" in fields
    shape = _shape(fields["shape"][1], where, f"{key}: shape") if has_shape else ()
    info = SymbolInfo(name, shape, flags.get("constant", True), props, declared=has_shape)
    problem = check_declaration(info) if has_shape else None
    if problem:
        raise where.error(node, key, problem)
    return info, "constant" in flags


def _symbols(node: Node, where: Where) -> tuple[dict[str, SymbolInfo], dict[str, Node]]:
    """The declarations, and the name node of each that says `constant: true`."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return {}, {}
    if not isinstance(node, MappingNode):
        raise where.error(node, "symbols", f"expected a mapping of names, found {_describe(node)};"
                                           f" e.g. `symbols: {{A: {{shape: [n, n]}}}}`")
    declared: dict[str, SymbolInfo] = {}
    said_constant: dict[str, Node] = {}
    for name_node, value in node.value:
        name = name_node.value if isinstance(name_node, ScalarNode) else ""
        why = check_declaration(SymbolInfo(name, ()))
        if why or name in declared:
            raise where.error(name_node, "symbols", why or f"'{name}' is declared twice; keep one")
        declared[name], said = _symbol(name_node, value, where)
        if said and declared[name].constant:
            said_constant[name] = name_node
    return declared, said_constant


# ----- one problem ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Math:
    """A math field as read: the key, its node, the text and the expression."""

    key: str
    node: Node
    text: str
    expr: Expr


def _infer(objective: _Math, extras: list[_Math], declared, wrt: str, where: Where
           ) -> SymbolTable:
    """Infer with the objective alone, then each extra field added, to blame the right line."""
    done: list[_Math] = []
    for field in [objective, *extras]:
        done.append(field)
        try:
            table = infer_symbols(objective.expr, declared, wrt, tuple(f.expr for f in done[1:]))
        except ShapeError as err:
            raise where.error(field.node, field.key, str(err)) from None
    try:
        check_scalar_objective(objective.expr, table)
    except ShapeError as err:
        raise where.error(objective.node, "objective", str(err)) from None
    return table


def _check_gradient_shape(field: _Math, table: SymbolTable, wrt: str, where: Where) -> None:
    """`expect` and `solution` have the shape of the variable (a number or `I` adapts)."""
    info = table[wrt]
    try:
        shape = shape_of(field.expr, table)
    except ShapeError as err:
        raise where.error(field.node, field.key, str(err)) from None
    if shape in ((info.rows, info.cols), (UNSIZED, UNSIZED)) or isinstance(field.expr, Number):
        return
    what = "the gradient" if field.key == "expect" else "the solution"
    raise where.error(field.node, field.key,
                      f"{what} with respect to {wrt} has the shape of {wrt} "
                      f"({show_shape((info.rows, info.cols))}), but `{field.text}` is "
                      f"{show_shape(shape)}")


def _wrt(node: Node, objective: _Math, said_constant: dict[str, Node], where: Where) -> str:
    """The variable: a symbol of the objective, and not declared constant."""
    wrt = _text(node, where, "wrt", EXAMPLE["wrt"]).strip()
    names = objective.expr.symbols()
    if wrt not in names:
        listed = ", ".join(sorted(names)) or "none"
        raise where.error(node, "wrt",
                          f"'{wrt}' is not a symbol of the objective (symbols: {listed})")
    if wrt in said_constant:
        raise where.error(said_constant[wrt], f"symbols: {wrt}",
                          f"{wrt} is the variable (wrt: {wrt}), so it cannot be constant; "
                          f"remove `constant`")
    return wrt


def _extras(value: dict[str, Node], solve: bool, allowed: set[str], objective: _Math,
            where: Where) -> list[_Math]:
    """`expect` and `solution`: math over the objective's (or declared) symbols only."""
    if "solution" in value and not solve:
        raise where.error(value["solution"], "solution",
                          "given without `solve: true`; add `solve: true` or remove it")
    extras = [_Math(k, value[k], *_math(value[k], where, k, f"{k}: 2 A X"))
              for k in ("expect", "solution") if k in value]
    for field in extras:
        unknown = sorted(field.expr.symbols() - allowed)
        if unknown:
            listed = ", ".join(sorted(objective.expr.symbols()))
            raise where.error(field.node, field.key, f"'{unknown[0]}' is not a symbol of the "
                                                     f"objective (symbols: {listed})")
    return extras


def _problem(node: MappingNode, where: Where) -> Problem:
    """Validate one problem mapping, key by key, in the order a reader would check them."""
    fields = _fields(node, where, "", KEYS)
    for key in ("title", "objective", "wrt"):
        if key not in fields:
            raise where.error(node, key, f"missing; every problem needs it, e.g. `{EXAMPLE[key]}`")
    value = {k: v for k, (_, v) in fields.items()}
    title = " ".join(_text(value["title"], where, "title", EXAMPLE["title"]).split())
    number = _number(value["number"], where) if "number" in value else None
    method = (_text(value["method"], where, "method", "method: differential")
              if "method" in value else "differential")
    if method not in METHODS:
        raise where.error(value["method"], "method", f"'{method}' is not a method; use "
                                                     f"{' or '.join(METHODS)}")
    solve = _bool(value["solve"], where, "solve") if "solve" in value else False
    statement = _text(value["statement"], where, "statement", "statement: ...").strip() \
        if "statement" in value else ""
    declared, said_constant = _symbols(value["symbols"], where) if "symbols" in value else ({}, {})
    objective = _Math("objective", value["objective"],
                      *_math(value["objective"], where, "objective", EXAMPLE["objective"]))
    wrt = _wrt(value["wrt"], objective, said_constant, where)
    extras = _extras(value, solve, objective.expr.symbols() | set(declared), objective, where)
    table = _infer(objective, extras, declared, wrt, where)
    for field in extras:
        _check_gradient_shape(field, table, wrt, where)
    given = {field.key: field.expr for field in extras}
    return Problem(title=title, objective=objective.expr, objective_text=objective.text, wrt=wrt,
                   symbols=table, number=number, method=method, solve=solve,
                   expect=given.get("expect"), solution=given.get("solution"),
                   statement=statement, source=Source(where.path, node.start_mark.line + 1))


# ----- files and folders -----------------------------------------------------------------

def _read(path: Path) -> str:
    """The file's text; a missing, binary or non-UTF-8 file is a ProblemError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProblemError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ProblemError(f"{path}: is a folder; give a .yaml file, or load the folder") from None
    except OSError as err:
        raise ProblemError(f"{path}: cannot read the file ({err.strerror})") from None
    if b"\0" in data:
        raise ProblemError(f"{path}: not a text file (it contains NUL bytes); a problem file "
                           f"is YAML text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ProblemError(f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
                           f"{err.start}); save the file as UTF-8") from None


def _compose(where: Where) -> Optional[Node]:
    try:
        return yaml.compose(where.text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        raise yaml_error(err, where.text, where.path) from None
    except yaml.YAMLError as err:
        raise ProblemError(f"{where.path}: YAML error: {err}") from None
    except RecursionError:
        raise ProblemError(f"{where.path}: the YAML is nested too deeply") from None


def _problem_nodes(root: Optional[Node], where: Where) -> list[MappingNode]:
    """One problem mapping, or the mappings listed under `problems:`."""
    shape = "a mapping with title, objective and wrt (or a list under `problems:`)"
    if root is None:
        raise ProblemError(f"{where.path}: the file is empty; write {shape}")
    if not isinstance(root, MappingNode):
        raise where.error(root, "", f"expected {shape}, found {_describe(root)}")
    keys = [k.value for k, _ in root.value if isinstance(k, ScalarNode)]
    if "problems" not in keys:
        return [root]
    for key_node, _ in root.value:
        if isinstance(key_node, ScalarNode) and key_node.value != "problems":
            raise where.error(key_node, "", f"unknown key '{key_node.value}' beside `problems:`; "
                                            f"a file with a problem list holds only the list")
    fields = _fields(root, where, "", ("problems",))
    items = fields["problems"][1]
    if not isinstance(items, SequenceNode) or not items.value:
        raise where.error(items, "problems", "expected a list of problems (`- title: ...`), "
                                             f"found {_describe(items)}")
    for i, item in enumerate(items.value, 1):
        if not isinstance(item, MappingNode):
            raise where.error(item, "problems", f"item {i} is {_describe(item)}; each item is a "
                                                f"mapping with title, objective and wrt")
    return list(items.value)


def _check_numbers(problems: list[Problem]) -> None:
    """Two problems with one number would both be "Problem 5" on the sheet."""
    seen: dict[int, Problem] = {}
    for p in problems:
        if p.number is not None and p.number in seen:
            raise ProblemError(f"{p.source}: number: {p.number} is also the number of the problem "
                               f"at {seen[p.number].source}; give each problem its own number")
        if p.number is not None:
            seen[p.number] = p


def load_file(path: str | Path) -> tuple[Problem, ...]:
    """Every problem in one YAML file, in the order written."""
    where = Where(str(path), _read(Path(path)))
    problems = [_problem(node, where) for node in _problem_nodes(_compose(where), where)]
    _check_numbers(problems)
    return tuple(problems)


def load_directory(path: str | Path) -> tuple[Problem, ...]:
    """All `*.yaml`/`*.yml` files of a folder (not its subfolders), sorted by problem
    number (unnumbered last), then file name, then order in the file."""
    folder = Path(path)
    if not folder.is_dir():
        raise ProblemError(f"{path}: no such folder")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise ProblemError(f"{path}: no problem files (*.yaml, *.yml) in this folder")
    found = [(p, f.name, i) for f in files for i, p in enumerate(load_file(f))]
    found.sort(key=lambda t: (t[0].number is None, t[0].number or 0, t[1], t[2]))
    problems = [p for p, _, _ in found]
    _check_numbers(problems)
    return tuple(problems)


def problem_from_text(objective: str, wrt: str, lets: tuple[str, ...] = (), *,
                      method: str = "differential", solve: bool = False,
                      title: str | None = None) -> Problem:
    """The CLI's `derive`: the same checks as a file, errors named after the options.

    A syntax error in the objective is raised as the parser's MathSyntaxError (its
    column is in the text the user typed); shape errors as ShapeError.
    """
    declared: dict[str, SymbolInfo] = {}
    for let in lets:
        info = parse_let(let)
        if info.name in declared:
            raise ProblemError(f"--let '{let}': {info.name} is declared twice; keep one --let")
        if info.name == wrt and "constant" in let.partition(":")[2]:
            raise ProblemError(f"--let '{let}': {wrt} is the variable (--wrt {wrt}), so it "
                               f"cannot be constant")
        declared[info.name] = info
    if method not in METHODS:
        raise ProblemError(f"--method: '{method}' is not a method; use {' or '.join(METHODS)}")
    text = objective.strip()
    try:
        expr = _parse(text)
    except RecursionError:
        raise ProblemError("objective: the expression is nested too deeply") from None
    if wrt not in expr.symbols():
        listed = ", ".join(sorted(expr.symbols())) or "none"
        raise ProblemError(f"--wrt: '{wrt}' is not a symbol of the objective (symbols: {listed})")
    table = infer_symbols(expr, declared, wrt)
    check_scalar_objective(expr, table)
    return Problem(title=title or f"Gradient of {text}", objective=expr, objective_text=text,
                   wrt=wrt, symbols=table, method=method, solve=solve,
                   source=Source("<command line>"))
