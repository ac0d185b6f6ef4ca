"""What inference guessed from a name, said where the guess may be what went wrong.

Undeclared symbols take their kind from their names (contract 1.1: upper case is a
matrix, a Greek letter a scalar, other lower case a vector).  Two guesses go wrong
often enough to be worth a sentence with the exact declaration that fixes them:
- an upper-case scalar (`N logdet(S)`): N is read as a matrix, the objective becomes a
  matrix, and its Jacobian is not what was meant;
- a Greek vector (`(x - mu)^T S^-1 (x - mu)`): mu is read as a scalar and added to every
  entry of x, a legitimate objective that is not the one meant.
"""

from __future__ import annotations

from generator.math.dims import kind_of_name, show_shape
from generator.math.expr import Add, Symbol, split_coefficient
from generator.math.shapes import shape_of
from generator.problem.intermediates import with_names
from generator.problem.model import Problem


def _guessed(problem: Problem, kind: str) -> list[str]:
    """The undeclared symbols other than the variable read as `kind` from their names."""
    return [
        info.name
        for info in problem.symbols.symbols
        if not info.declared and info.name != problem.wrt and kind_of_name(info.name) == kind
    ]


def guessed_matrices(problem: Problem) -> str:
    """For a refused Jacobian: the upper-case symbols read as matrices, whose shapes
    nothing else fixes (their sizes are their own), each with the declaration that
    makes it a scalar; '' if there are none."""
    table = problem.symbols
    others = {dim for info in table.symbols for dim in info.shape}
    said = []
    for name in _guessed(problem, "matrix"):
        shape = table[name].shape
        if (
            all(sum(dim == d for info in table.symbols for d in info.shape) == 1 for dim in shape)
            and others
        ):
            said.append(
                f"{name} was read as a {show_shape(shape)} matrix because it is upper "
                f"case, which makes the objective a matrix; if {name} is a scalar, "
                f"declare it (`symbols: {{{name}: {{shape: []}}}}` in a file, "
                f'`--let "{name}: scalar"` on the command line)'
            )
    return "; ".join(said)


def broadcast_scalars(problem: Problem) -> tuple[str, ...]:
    """For a sheet: a Greek-named symbol read as a scalar and added to every entry of a
    vector or matrix, with the declaration that makes it a vector."""
    table = with_names(problem.symbols, problem.where)
    guessed = set(_guessed(problem, "scalar")) | (
        {problem.wrt}
        if not table[problem.wrt].declared and kind_of_name(problem.wrt) == "scalar"
        else set()
    )
    notes = []
    for node in problem.objective.walk():
        if not isinstance(node, Add) or shape_of(node, table) == (1, 1):
            continue
        for term in node.terms:
            _, bare = split_coefficient(term)  # `mu`, `-mu`, `2 mu`
            if isinstance(bare, Symbol) and bare.name in guessed:
                rows = shape_of(node, table)[0]
                notes.append(
                    f"`{bare.name}` was read as a scalar because it is a Greek letter, "
                    f"and is added to every entry of `{node}`; if it is a vector, "
                    f"declare it (`symbols: {{{bare.name}: {{shape: [{rows}]}}}}` in "
                    f'a file, `--let "{bare.name}: {rows}"` on the command line).'
                )
                guessed.discard(bare.name)
    return tuple(notes)
