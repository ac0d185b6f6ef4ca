"""What a problem may ask, checked alike for a file (loader.py) and the command line
(command_line.py): the options that do not fit together, the length of a math field,
the order of named results, and a symmetrised gradient's variable."""

from __future__ import annotations

from generator.math.expr import Expr
from generator.math.symbols import SymbolTable
from generator.problem.model import split_transposed
from generator.syntax.limits import MAX_MATH_LENGTH


def parse_math(text: str) -> Expr:
    from generator.syntax.parser import parse  # the parser is its own module; import late

    return parse(text)


def too_long(text: str) -> str | None:
    """Why a math field is refused for its length, or None (see syntax/limits.py)."""
    if len(text) <= MAX_MATH_LENGTH:
        return None
    return (
        f"the expression is {len(text):,} characters long; at most {MAX_MATH_LENGTH:,} "
        f"are accepted (a longer one would take too long to derive and check)"
    )


def split_variables(written: list[str]) -> tuple[tuple[str, ...], bool, tuple[int, str] | None]:
    """`wrt` as written (one text, or several: `[W1, W2]`, repeated --wrt) -> (the
    variables, whether the one is written transposed, and (its position, why) for the
    first text that cannot be: a transposed one among several, one given twice)."""
    variables: list[str] = []
    transposed = False
    for position, text in enumerate(written):
        variable, transposed = split_transposed(text)
        if transposed and len(written) > 1:
            return (
                (),
                False,
                (position, f"'{text}': with several variables each is written itself, without ^T"),
            )
        if variable in variables:
            return (), False, (position, f"'{variable}' is listed twice; list it once")
        variables.append(variable)
    return tuple(variables), transposed, None


def option_conflict(
    kind: str,
    method: str,
    solve: bool,
    transposed: bool,
    hessian: bool,
    newton: bool,
    named: bool = False,
    several: bool = False,
    symmetrised: bool = False,
    expected: bool = False,
) -> tuple[str, str] | None:
    """(the option, why) when an option asks for what the problem does not have (a
    Jacobian set to zero, the Hessian of a vector, a Newton step without the Hessian,
    the Hessian of several variables); else None.  `several`: `wrt` lists several
    variables (contract 5.4); `symmetrised`, `expected`: `symmetric_gradient` and
    `expect` are given."""
    if several:
        if kind == "jacobian":
            return (
                "wrt",
                "several variables are derived for a scalar objective (one "
                "gradient each); this objective is not a scalar: take one "
                "variable",
            )
        for key, on in (
            ("method", method != "differential"),
            ("solve", solve),
            ("hessian", hessian),
            ("symmetric_gradient", symmetrised),
        ):
            if on:
                return (
                    key,
                    f"not derived for several variables (a list under `wrt`): "
                    f"remove `{key}`, or take one variable",
                )
        if expected:
            return (
                "expect",
                "`expect` is one gradient, and several variables (a list "
                "under `wrt`) have one each: remove `expect`, or take one "
                "variable",
            )
    if kind == "jacobian":
        if method != "differential":
            return (
                "method",
                "the entry-by-entry method derives the gradient of a scalar; "
                "the Jacobian of a vector objective is derived with the "
                "differential method (remove `method`)",
            )
        if solve:
            return (
                "solve",
                "a Jacobian is not set to zero: `solve` sets the gradient of a "
                "scalar objective to zero (remove `solve`)",
            )
        if transposed:
            return (
                "wrt",
                "the Jacobian is taken with respect to the column vector itself "
                "(write the variable without ^T)",
            )
        if hessian:
            return (
                "hessian",
                "the Hessian is the second derivative of a scalar objective; "
                "this objective is a vector (remove `hessian`)",
            )
    if hessian and method != "differential":
        return ("method", "the Hessian is derived with the differential method (remove `method`)")
    if hessian and transposed:
        return (
            "wrt",
            "the Hessian is taken with respect to the column vector itself "
            "(write the variable without ^T)",
        )
    if named:
        for key, on in (
            ("solve", solve),
            ("hessian", hessian),
            ("wrt", transposed),
            ("method", method != "differential"),
        ):
            if on:
                return (
                    key,
                    f"not derived yet for an objective with named results (`where`): remove `{key}`"
                    if key != "wrt"
                    else "with named results (`where`), the gradient is taken with "
                    "respect to the variable itself (write it without ^T)",
                )
        if kind == "jacobian":
            return (
                "where",
                "named results are derived for a scalar objective (its "
                "gradient); this objective is not a scalar",
            )
    if newton and not hessian:
        return (
            "newton",
            "the Newton step x - H^-1 grad L needs the Hessian H: add `hessian: true`",
        )
    return None


def symmetric_gradient_problem(table: SymbolTable, wrt: str, wanted: bool) -> str | None:
    """Why `symmetric_gradient: true` cannot apply, or None (contract 1.1: it chooses between
    the unconstrained gradient G and (G + G^T)/2, which differ only for a symmetric `wrt`)."""
    if not wanted or table[wrt].has("symmetric"):
        return None
    return (
        f"only meaningful when the variable is a symmetric matrix, but {wrt} is not "
        f"declared symmetric or positive_definite"
    )


BEFORE_NAMED = (
    "uses '{}', which is not named before it; name the results in the order they are computed"
)
