"""The command line's problem (`tracetrick derive OBJECTIVE --wrt X --let ... --where ...`):
the same checks as a problem file (generator/problem/checks.py), its errors named after
the options instead of a file's lines."""

from __future__ import annotations

from typing import Iterable

from generator.errors import MathSyntaxError, ProblemError
from generator.caret import show
from generator.math.expr import Expr
from generator.math.shapes import infer_shapes
from generator.math.written import check_written, objective_kind
from generator.math.symbols import SymbolInfo
from generator.problem.checks import (
    BEFORE_NAMED,
    option_conflict,
    parse_math,
    split_variables,
    symmetric_gradient_problem,
    too_long,
)
from generator.problem.intermediates import Intermediate, expanded, infer_named, used_before_named
from generator.problem.letspec import check_declaration, parse_let
from generator.problem.model import COMMAND_LINE, METHODS, Problem, Source
from generator.problem.yaml_source import control_character
from generator.syntax.names import spelled_out
from generator.syntax.prose import unreadable_math


def problem_from_text(
    objective: str,
    wrt: str | tuple[str, ...],
    lets: tuple[str, ...] = (),
    *,
    method: str = "differential",
    solve: bool = False,
    title: str | None = None,
    symmetric_gradient: bool = False,
    hessian: bool = False,
    newton: bool = False,
    where: tuple[str, ...] = (),
) -> Problem:
    """The CLI's `derive`: the same checks as a file, errors named after the options.
    `where`: the named results, `"h = W1 x"` each, in order (contract 5.4).  `wrt`: the
    variable, or several (`("W1", "W2")`: repeated --wrt, contract 5.4).

    A syntax error in the objective is raised as the parser's MathSyntaxError (its
    column is in the text the user typed); shape errors as ShapeError.
    """
    if title is not None and control_character(title):
        raise ProblemError(f"--title: {control_character(title)}; remove it")
    unreadable = unreadable_math(title) if title is not None else None
    if unreadable is not None:
        raise ProblemError(f"--title: {unreadable[0]}")
    variables, transposed, wrong = split_variables([wrt] if isinstance(wrt, str) else list(wrt))
    if wrong is not None:
        raise ProblemError(f"--wrt: {wrong[1]}")
    wrt = variables[0]
    declared: dict[str, SymbolInfo] = {}
    for let in lets:
        info = parse_let(let)
        if info.name in declared:
            raise ProblemError(f"--let '{let}': {info.name} is declared twice; keep one --let")
        if info.name in variables and "constant" in let.partition(":")[2]:
            raise ProblemError(
                f"--let '{let}': {info.name} is the variable (--wrt "
                f"{info.name}), so it cannot be constant"
            )
        declared[info.name] = info
    if method not in METHODS:
        raise ProblemError(f"--method: '{method}' is not a method; use {' or '.join(METHODS)}")
    text = objective.strip()
    why = too_long(text)
    if why:
        raise ProblemError(f"objective: {why}")
    try:
        expr = parse_math(text)
    except RecursionError:
        raise ProblemError("objective: the expression is nested too deeply") from None
    written = [_where_option(text) for text in where]
    wrong = used_before_named(written)
    if wrong is not None:
        raise ProblemError(f"--where '{where[wrong[0]]}': {BEFORE_NAMED.format(wrong[1])}")
    names = {name for name, _ in written}
    symbols = (expr.symbols() | {n for _, e in written for n in e.symbols()}) - names
    for variable in variables:
        if variable not in symbols:
            listed = ", ".join(sorted(symbols)) or "none"
            raise ProblemError(
                f"--wrt: '{variable}' is not a symbol of the objective (symbols: {listed})"
            )
    intermediates: tuple[Intermediate, ...] = ()
    if written:
        table, expr, intermediates = infer_named(expr, written, declared, wrt)
        plain = expanded(expr, intermediates)
    else:
        inferred = infer_shapes(expr, declared, wrt)
        table, (expr,) = inferred.table, inferred.exprs
        plain = expr
    check_written(plain, table)
    kind = objective_kind(plain, table, wrt)
    conflict = option_conflict(
        kind,
        method,
        solve,
        transposed,
        hessian,
        newton,
        bool(intermediates),
        len(variables) > 1,
        symmetric_gradient,
    )
    if conflict:
        option, why = conflict
        raise ProblemError(f"--{option.replace('_', '-')}: {why}")
    why = symmetric_gradient_problem(table, wrt, symmetric_gradient)
    if why:
        raise ProblemError(
            f"--symmetric-gradient: {why}; declare it, e.g. "
            f'--let "{wrt}: n x n, symmetric", or drop --symmetric-gradient'
        )
    default_title = (
        f"{'Jacobian' if kind == 'jacobian' else 'Gradient'} of `{text}`"
        if len(variables) == 1
        else f"Gradients of `{text}`"
    )
    return Problem(
        title=title or default_title,
        objective=expr,
        objective_text=text,
        wrt=wrt,
        symbols=table.varying(variables),
        method=method,
        solve=solve,
        source=Source(COMMAND_LINE),
        symmetric_gradient=symmetric_gradient,
        wrt_transposed=transposed,
        kind=kind,
        hessian=hessian,
        newton=newton,
        where=intermediates,
        also_wrt=variables[1:],
    )


def _where_option(text: str) -> tuple[str, Expr]:
    """`--where "h = W1 x"` -> ("h", W1 x)."""
    name, sep, meaning = text.partition("=")
    name = spelled_out(name.strip())
    why = (
        check_declaration(SymbolInfo(name, ()))
        if sep
        else 'write a name and its meaning, as in --where "h = W1 x"'
    )
    if why:
        raise ProblemError(f"--where '{text}': {why}")
    try:
        return name, parse_math(meaning.strip())
    except MathSyntaxError as err:
        raise ProblemError(
            f"--where '{text}': {err.reason}\n{show(err.text, err.column)}"
        ) from None


def problem_of_options(
    objective: str,
    wrt: tuple[str, ...],
    lets: Iterable[str],
    method: str,
    solve: bool,
    symmetric_gradient: bool,
    hessian: bool,
    newton: bool,
    wheres: Iterable[str],
    title: str | None,
    **sheet_options: object,
) -> Problem:
    """The problem `derive`'s options describe (the command line's, and the notebook's
    `%%derive`, which parses the same options); the sheet's options are not its."""
    return problem_from_text(
        objective,
        wrt if len(wrt) > 1 else wrt[0],
        tuple(lets),
        method=method,
        solve=solve,
        title=title,
        symmetric_gradient=symmetric_gradient,
        hessian=hessian,
        newton=newton,
        where=tuple(wheres),
    )
