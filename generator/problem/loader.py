"""Load problem files (contract section 1) into validated Problems.

The file is read and composed into YAML nodes by generator.problem.yaml_source (safely, never
into Python objects), so every value keeps its line and column; the node tree is
validated here, key by key, against the table of fields in generator/problem/fields.py
(which `tracetrick schema` also prints).  Every failure is one ProblemError paragraph:
`file:line: key: what is wrong; what would be right`.  Math syntax and shape errors
from the fields are translated to the same form (a syntax error gets the column in the
file); nothing else escapes.  Folders of problems, and sets of them in subfolders,
are generator/problem/sets.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import AbstractSet, Any, Optional

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import MathSyntaxError, ProblemError, ShapeError
from generator.math.expr import Expr, Number, dim_product
from generator.problem.letspec import check_declaration
from generator.problem.model import Problem, Source
from generator.problem.checks import (
    BEFORE_NAMED,
    option_conflict,
    parse_math,
    split_variables,
    symmetric_gradient_problem,
    too_long,
)
from generator.problem.fields import (
    LIST_KEY,
    PROBLEM_KEYS,
    REQUIRED_KEYS,
    FieldSpec,
    problem_field,
)
from generator.math.dims import show_shape
from generator.math.shapes import infer_shapes, shape_of
from generator.math.written import check_written, objective_kind
from generator.math.symbols import SymbolInfo, SymbolTable
from generator.problem.intermediates import (
    Intermediate,
    expanded,
    infer_named,
    named,
    sized_over,
    used_before_named,
    with_names,
)
from generator.syntax.names import spelled_out
from generator.problem.symbol_fields import read_symbols
from generator.caret import show
from generator.problem.yaml_source import (
    Where,
    bool_value,
    compose,
    describe,
    fields,
    file_position,
    prose_value,
    read_source,
    text_value,
)

KEYS = PROBLEM_KEYS  # the keys of a problem (generator/problem/fields.py)
SET_FILE = "set.yaml"  # a folder's title and description (generator/problem/sets.py)
PROBLEM_SUFFIXES = (".yaml", ".yml")
# Keys that belong in another file: the message says where.
MISPLACED = {
    key: f"a set's {key} goes in {SET_FILE} beside the problem files" for key in ("description",)
}


def whole_number(node: Node, where: Where, spec: FieldSpec) -> int:
    """An integer field's value: a whole number, at least `spec.minimum`."""
    if (
        isinstance(node, ScalarNode)
        and node.tag.endswith((":int", ":str"))
        and node.value.isascii()
        and node.value.isdigit()
        and int(node.value) >= spec.minimum
    ):
        return int(node.value)
    wanted = (
        "a positive whole number"
        if spec.minimum == 1
        else f"a whole number, at least {spec.minimum}"
    )
    raise where.error(
        node, spec.name, f"expected {wanted}, found {describe(node)}; e.g. `{spec.written}`"
    )


def _field(value: dict[str, Node], name: str, where: Where) -> Any:
    """A text, integer, boolean or choice field, checked as its FieldSpec says; its
    default when absent."""
    spec = problem_field(name)
    if name not in value:
        return spec.default
    node = value[name]
    if spec.kind == "integer":
        return whole_number(node, where, spec)
    if spec.kind == "boolean":
        return bool_value(node, where, name)
    if spec.kind == "prose":
        return prose_value(node, where, name, spec.written)
    if spec.kind == "choice":
        return choice_value(node, where, spec)
    if spec.kind != "text":
        raise TypeError(f"{name}: a {spec.kind} field is not read by _field")
    return text_value(node, where, name, spec.written)


def choice_value(node: Node, where: Where, spec: FieldSpec) -> str:
    """A choice field's value: one of `spec.choices`."""
    text = text_value(node, where, spec.name, spec.written)
    if text not in spec.choices:
        raise where.error(
            node, spec.name, f"'{text}' is not a {spec.name}; use {' or '.join(spec.choices)}"
        )
    return text


def _math(node: Node, where: Where, key: str, field: str | None = None) -> tuple[str, Expr]:
    """(the text as written, its expression); a syntax error points into the file.
    `field`: the problem's field, where `key` names a part of it (`where: h`)."""
    raw = text_value(node, where, key, problem_field(field or key).written)
    text = raw.strip()
    why = too_long(text)
    if why:
        raise where.error(node, key, why)
    try:
        return text, parse_math(text)
    except MathSyntaxError as err:
        lead = len(raw) - len(raw.lstrip())
        line, col = file_position(where.text, node, lead + err.column - 1)
        raise ProblemError(
            f"{where.path}:{line}:{col}: {key}: {err.reason}\n{show(err.text, err.column)}"
        ) from None
    except RecursionError:
        raise where.error(node, key, "the expression is nested too deeply") from None


# ----- one problem ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Math:
    """A math field as read: the key, its node, the text and the expression."""

    key: str
    node: Node
    text: str
    expr: Expr


def _infer(
    objective: _Math, extras: list[_Math], declared: dict[str, SymbolInfo], wrt: str, where: Where
) -> tuple[SymbolTable, _Math, list[_Math], str]:
    """Infer with the objective alone, then each extra field added, to blame the right line.
    Returns the table, the fields with every identity sized, and what is derived."""
    done: list[_Math] = []
    for field in [objective, *extras]:
        done.append(field)
        try:
            inferred = infer_shapes(objective.expr, declared, wrt, tuple(f.expr for f in done[1:]))
        except ShapeError as err:
            raise where.error(field.node, field.key, str(err)) from None
    table = inferred.table
    objective, *extras = (replace(f, expr=e) for f, e in zip(done, inferred.exprs))
    try:
        check_written(objective.expr, table)
        kind = objective_kind(objective.expr, table, wrt)
    except ShapeError as err:
        raise where.error(objective.node, "objective", str(err)) from None
    return table, objective, extras, kind


def derivative_shape(
    kind: str, objective: Expr, table: SymbolTable, wrt: str, transposed: bool = False
) -> tuple:
    """The shape of what is derived: the gradient has the variable's (of X^T's, for the
    gradient with respect to X^T); the Jacobian is (entries of f) x (entries of x), as
    that of vec(f) by vec(x)."""
    info = table[wrt]
    if kind == "jacobian":
        return (dim_product(*shape_of(objective, table)), dim_product(info.rows, info.cols))
    return (info.cols, info.rows) if transposed else (info.rows, info.cols)


def _check_gradient_shape(
    field: _Math,
    table: SymbolTable,
    wrt: str,
    where: Where,
    kind: str,
    objective: Expr,
    transposed: bool = False,
) -> None:
    """`expect` has the shape of what is derived (derivative_shape) and `solution` that
    of the variable (a number or `I` adapts)."""
    info = table[wrt]
    try:
        shape = shape_of(field.expr, table)
    except ShapeError as err:
        raise where.error(field.node, field.key, str(err)) from None
    if field.key == "expect":
        wanted = derivative_shape(kind, objective, table, wrt, transposed)
    else:
        wanted = (info.rows, info.cols)
    if shape == wanted or isinstance(field.expr, Number):
        return
    name = f"{wrt}^T" if transposed and field.key == "expect" else wrt
    if field.key == "expect" and kind == "jacobian":
        why = f"the Jacobian of the objective with respect to {wrt} is {show_shape(wanted)}"
    else:
        what = "the gradient" if field.key == "expect" else "the solution"
        why = f"{what} with respect to {name} has the shape of {name} ({show_shape(wanted)})"
    raise where.error(field.node, field.key, f"{why}, but `{field.text}` is {show_shape(shape)}")


def _where_names(node: Node, where: Where) -> list[tuple[str, Expr, Node]]:
    """`where:`, a mapping of names to their meanings, in order: (name, meaning, node)."""
    if not isinstance(node, MappingNode):
        raise where.error(
            node,
            "where",
            f"expected a mapping of names to their meanings, "
            f"found {describe(node)}; e.g. "
            f"`{problem_field('where').written}`",
        )
    found: list[tuple[str, Expr, Node]] = []
    for name_node, value in node.value:
        name = spelled_out(name_node.value) if isinstance(name_node, ScalarNode) else ""
        why = check_declaration(SymbolInfo(name, ()))
        if why or name in {n for n, _, _ in found}:
            raise where.error(name_node, "where", why or f"'{name}' is named twice; keep one")
        _, meaning = _math(value, where, f"where: {name}", "where")
        found.append((name, meaning, value))
    wrong = used_before_named([(n, e) for n, e, _ in found])
    if wrong is not None:
        name, _, value = found[wrong[0]]
        raise where.error(value, f"where: {name}", BEFORE_NAMED.format(wrong[1]))
    return found


def _infer_named(
    objective: _Math,
    written: list[tuple[str, Expr, Node]],
    extras: list[_Math],
    declared: dict[str, SymbolInfo],
    wrt: str,
    where: Where,
) -> tuple[SymbolTable, _Math, list[_Math], str, tuple[Intermediate, ...]]:
    """_infer for an objective over named results (generator/problem/intermediates.py):
    the table of the symbols, the objective and `expect` over the names, the kind, and
    the named results."""
    try:
        table, expr, items = infer_named(
            objective.expr, [(n, e) for n, e, _ in written], declared, wrt
        )
        names = [n for n, _, _ in written]
        full = with_names(table, items)
        extras = [replace(f, expr=sized_over(named(f.expr, names), full, wrt)) for f in extras]
        plain = expanded(expr, items)
        check_written(plain, table)
        kind = objective_kind(plain, table, wrt)
    except ShapeError as err:
        raise where.error(objective.node, "objective", str(err)) from None
    return table, replace(objective, expr=expr), extras, kind, items


def _wrt(
    node: Node, names: AbstractSet[str], said_constant: dict[str, Node], where: Where
) -> tuple[tuple[str, ...], bool]:
    """The variables (one, or a list: `wrt: [W1, W2]`) and whether the one variable is
    written transposed: each a symbol of the objective (or of a named result it uses),
    none declared constant, none twice (`X^T` names the transpose of the variable X: see
    split_transposed)."""
    example = problem_field("wrt").written
    if isinstance(node, SequenceNode):
        if not node.value:
            raise where.error(
                node,
                "wrt",
                f"is an empty list; name a variable, e.g. `{example}` or `wrt: [W1, W2]`",
            )
        items = [(item, text_value(item, where, "wrt", example)) for item in node.value]
    else:
        items = [(node, text_value(node, where, "wrt", example))]
    variables, transposed, wrong = split_variables([text for _, text in items])
    if wrong is not None:
        raise where.error(items[wrong[0]][0], "wrt", wrong[1])
    for (item, _), wrt in zip(items, variables):
        if wrt not in names:
            listed = ", ".join(sorted(names)) or "none"
            raise where.error(
                item, "wrt", f"'{wrt}' is not a symbol of the objective (symbols: {listed})"
            )
        if wrt in said_constant:
            raise where.error(
                said_constant[wrt],
                f"symbols: {wrt}",
                f"{wrt} is the variable (wrt: {wrt}), so it cannot be constant; remove `constant`",
            )
    return variables, transposed


def _extras(
    value: dict[str, Node], solve: bool, allowed: AbstractSet[str], objective: _Math, where: Where
) -> list[_Math]:
    """`expect` and `solution`: math over the objective's (or declared) symbols only."""
    if "solution" in value and not solve:
        raise where.error(
            value["solution"],
            "solution",
            "given without `solve: true`; add `solve: true` or remove it",
        )
    extras = [
        _Math(k, value[k], *_math(value[k], where, k)) for k in ("expect", "solution") if k in value
    ]
    for field in extras:
        unknown = sorted(field.expr.symbols() - allowed)
        if unknown:
            listed = ", ".join(sorted(objective.expr.symbols()))
            raise where.error(
                field.node,
                field.key,
                f"'{unknown[0]}' is not a symbol of the objective (symbols: {listed})",
            )
    return extras


def _problem(node: MappingNode, where: Where) -> Problem:
    """Validate one problem mapping, key by key, in the order a reader would check them."""
    found = fields(node, where, "", PROBLEM_KEYS, MISPLACED)
    for key in REQUIRED_KEYS:
        if key not in found:
            raise where.error(
                node, key, f"missing; every problem needs it, e.g. `{problem_field(key).written}`"
            )
    value = {k: v for k, (_, v) in found.items()}
    title = " ".join(_field(value, "title", where).split())
    number = _field(value, "number", where)
    label = " ".join(_field(value, "label", where).split())
    method = _field(value, "method", where)
    solve = _field(value, "solve", where)
    statement = _field(value, "statement", where).strip()
    declared, said_constant = (
        read_symbols(value["symbols"], where) if "symbols" in value else ({}, {})
    )
    objective = _Math(
        "objective", value["objective"], *_math(value["objective"], where, "objective")
    )
    written = _where_names(value["where"], where) if "where" in value else []
    names = {name for name, _, _ in written}
    symbols = (objective.expr.symbols() | {n for _, e, _ in written for n in e.symbols()}) - names
    variables, transposed = _wrt(value["wrt"], symbols, said_constant, where)
    wrt = variables[0]
    extras = _extras(value, solve, symbols | names | set(declared), objective, where)
    if written:
        table, objective, extras, kind, intermediates = _infer_named(
            objective, written, extras, declared, wrt, where
        )
    else:
        table, objective, extras, kind = _infer(objective, extras, declared, wrt, where)
        intermediates = ()
    hessian, newton = _field(value, "hessian", where), _field(value, "newton", where)
    conflict = option_conflict(
        kind,
        method,
        solve,
        transposed,
        hessian,
        newton,
        bool(intermediates),
        len(variables) > 1,
        "symmetric_gradient" in value,
        "expect" in value,
    )
    if conflict:
        key, why = conflict
        raise where.error(value[key], key, why)
    for field in extras:
        _check_gradient_shape(
            field, with_names(table, intermediates), wrt, where, kind, objective.expr, transposed
        )
    symmetric_gradient = _field(value, "symmetric_gradient", where)
    if "symmetric_gradient" in value:
        unsymmetric = symmetric_gradient_problem(table, wrt, symmetric_gradient)
        if unsymmetric:
            raise where.error(
                value["symmetric_gradient"],
                "symmetric_gradient",
                f"{unsymmetric}; declare it, e.g. `symbols: {{{wrt}: {{shape: [n, n], "
                f"symmetric: true}}}}`, or remove `symmetric_gradient`",
            )
    given = {field.key: field.expr for field in extras}
    return Problem(
        title=title,
        objective=objective.expr,
        objective_text=objective.text,
        wrt=wrt,
        symbols=table.varying(variables),
        number=number,
        label=label,
        points=_field(value, "points", where),
        method=method,
        solve=solve,
        expect=given.get("expect"),
        solution=given.get("solution"),
        statement=statement,
        source=Source(
            where.path,
            node.start_mark.line + 1,
            tuple((key, field.start_mark.line + 1) for key, field in value.items()),
        ),
        symmetric_gradient=symmetric_gradient,
        wrt_transposed=transposed,
        reveal=_field(value, "reveal", where),
        edition=_field(value, "edition", where),
        code=_field(value, "code", where),
        kind=kind,
        hessian=hessian,
        newton=newton,
        sympy=_field(value, "sympy", where),
        where=intermediates,
        also_wrt=variables[1:],
    )


# ----- files and folders -----------------------------------------------------------------


def _problem_nodes(root: Optional[Node], where: Where) -> list[MappingNode]:
    """One problem mapping, or the mappings listed under `problems:`."""
    shape = "a mapping with title, objective and wrt (or a list under `problems:`)"
    if root is None:
        raise ProblemError(f"{where.path}: the file is empty; write {shape}")
    if not isinstance(root, MappingNode):
        raise where.error(root, "", f"expected {shape}, found {describe(root)}")
    keys = [k.value for k, _ in root.value if isinstance(k, ScalarNode)]
    if LIST_KEY not in keys:
        return [root]
    for key_node, _ in root.value:
        if isinstance(key_node, ScalarNode) and key_node.value != LIST_KEY:
            raise where.error(
                key_node,
                "",
                f"unknown key '{key_node.value}' beside `{LIST_KEY}:`; "
                f"a file with a problem list holds only the list",
            )
    items = fields(root, where, "", (LIST_KEY,))[LIST_KEY][1]
    if not isinstance(items, SequenceNode) or not items.value:
        raise where.error(
            items,
            LIST_KEY,
            f"expected a list of problems (`- title: ...`), found {describe(items)}",
        )
    for i, item in enumerate(items.value, 1):
        if not isinstance(item, MappingNode):
            raise where.error(
                item,
                LIST_KEY,
                f"item {i} is {describe(item)}; each item is a "
                f"mapping with title, objective and wrt",
            )
    return list(items.value)


def _check_numbers(problems: list[Problem]) -> None:
    """Two problems with one number would both be "Problem 5" on the sheet."""
    seen: dict[int, Problem] = {}
    for p in problems:
        if p.number is not None and p.number in seen:
            raise ProblemError(
                f"{p.source}: number: {p.number} is also the number of the problem "
                f"at {seen[p.number].source}; give each problem its own number"
            )
        if p.number is not None:
            seen[p.number] = p


def is_set_file(path: Path) -> bool:
    """`set.yaml`: the title and description of the set in its folder, not a problem."""
    return path.name == SET_FILE


def problem_files(folder: Path) -> list[Path]:
    """The problem files of a folder (`*.yaml`, `*.yml`; not set.yaml), by name.  Only
    files inside the folder are read: a link that leaves it, a link to nothing, or a
    folder where a file should be is an error naming it (and nothing of a target)."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in PROBLEM_SUFFIXES:
            continue
        _check_link(path, folder)
        if not path.is_file():
            what = "the set's description" if is_set_file(path) else "a problem file"
            raise ProblemError(
                f"{path}: is a folder, but its name says {what} (a YAML file); rename it"
            )
        if not is_set_file(path):
            files.append(path)
    return files


def _check_link(path: Path, folder: Path) -> None:
    """A link is followed only to a file inside `folder`; nothing of a target elsewhere
    is read, so nothing of it can be quoted in an error."""
    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.exists():
        raise ProblemError(
            f"{path}: a link to nothing; remove it, or link a problem file in this folder"
        )
    if folder.resolve() not in target.parents:
        raise ProblemError(
            f"{path}: a link to a file outside {folder}; problem files are read "
            f"only inside the folder given, so copy the file here instead"
        )


def load_file(path: str | Path) -> tuple[Problem, ...]:
    """Every problem in one YAML file, in the order written (a link only to a file beside
    it)."""
    _check_link(Path(path), Path(path).parent)
    if is_set_file(Path(path)):
        raise ProblemError(
            f"{path}: {SET_FILE} gives the title and description of the set in "
            f"its folder; it is not a problem file"
        )
    where = read_source(path)
    problems = [_problem(node, where) for node in _problem_nodes(compose(where), where)]
    _check_numbers(problems)
    return tuple(problems)


def load_directory(path: str | Path) -> tuple[Problem, ...]:
    """All `*.yaml`/`*.yml` files of a folder (not its subfolders, not its set.yaml),
    sorted by problem number (unnumbered last), then file name, then order in the file."""
    folder = Path(path)
    if not folder.is_dir():
        raise ProblemError(f"{path}: no such folder")
    files = problem_files(folder)
    if not files:
        raise ProblemError(f"{path}: no problem files (*.yaml, *.yml) in this folder")
    return sort_and_check([(f, load_file(f)) for f in files])


def sort_and_check(loaded: list[tuple[Path, tuple[Problem, ...]]]) -> tuple[Problem, ...]:
    """The problems of one set, sorted by number (unnumbered last), then file name, then
    order in the file; two with one number are an error (numbers are unique in a set)."""
    found = [(p, f.name, i) for f, problems in loaded for i, p in enumerate(problems)]
    found.sort(key=lambda t: (t[0].number is None, t[0].number or 0, t[1], t[2]))
    problems = [p for p, _, _ in found]
    _check_numbers(problems)
    return tuple(problems)
