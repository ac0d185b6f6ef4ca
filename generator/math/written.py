"""What a problem wrote, checked beyond its shapes: notation that type-checks but says
something else than was surely meant (`check_written`), and what is derived of an
objective of a given shape (`objective_kind`).  The loader and the command line ask
both, after inference has given every symbol its shape."""

from __future__ import annotations

from generator.errors import ShapeError
from generator.math.dims import SCALAR, scalar_hint, show_shape
from generator.math.expr import Add, Expr, Kron, Power, Symbol, Vec
from generator.math.shapes import shape_of
from generator.math.symbols import SymbolTable


def check_written(expr: Expr, table: SymbolTable) -> None:
    """Notation that type-checks but says something else than was surely meant: a
    Kronecker product with a scalar (the product `alpha X`), the vec of a scalar (the
    scalar itself).  Raises ShapeError saying what to write."""
    for node in expr.walk():
        if isinstance(node, Kron):
            for side in (node.left, node.right):
                if shape_of(side, table) == SCALAR:
                    raise ShapeError(
                        f"`{node}`: {side} is a scalar, and a Kronecker product with a "
                        f"scalar is the ordinary product; write it as a product, e.g. "
                        f"`{node.left} {node.right}`"
                    )
        if isinstance(node, Vec) and shape_of(node.arg, table) == SCALAR:
            raise ShapeError(
                f"`{node}`: {node.arg} is a scalar, and the vec of a scalar is "
                f"the scalar itself; write `{node.arg}`"
            )
        if (
            isinstance(node, Power)
            and isinstance(node.exponent, Expr)
            and shape_of(node.base, table) != SCALAR
        ):
            loose = sorted(n for n in node.exponent.symbols() if not table[n].has("integer"))
            if loose:
                raise ShapeError(
                    f"`{node}`: a matrix power's exponent is a whole number, but {loose[0]} "
                    f"is not declared one; declare it, `symbols: {{{loose[0]}: {{shape: [], "
                    f'integer: true}}}}` (or --let "{loose[0]}: scalar, integer")'
                )


def objective_kind(objective: Expr, table: SymbolTable, wrt: str) -> str:
    """What is derived of the objective (generator.problem.model.KINDS): the gradient of
    a scalar, the Jacobian of anything else (of vec(f) by vec(X) where f or the variable
    is a matrix).  A sum of scalars that a bare lower-case name, inferred to be a vector,
    makes a vector by broadcasting (`x^T A x + c`) is an error: the name misled
    inference, and the error says how to declare it."""
    s = shape_of(objective, table)
    if s == SCALAR:
        return "gradient"
    terms = objective.terms if isinstance(objective, Add) else (objective,)
    guessed = [
        t.name
        for t in terms
        if isinstance(t, Symbol)
        and t.name in table
        and not table[t.name].declared
        and table[t.name].kind == "vector"
    ]
    if guessed and any(shape_of(t, table) == SCALAR for t in terms):
        raise ShapeError(
            f"the objective `{objective}` is {show_shape(s)} only because {guessed[0]}, "
            f"added to scalars, was inferred to be a column vector from its name: "
            f"{scalar_hint(guessed[0])} (to derive the Jacobian of the vector, declare "
            f"its shape, e.g. `{guessed[0]}: {{shape: [{s[0]}]}}`)"
        )
    return "jacobian"
