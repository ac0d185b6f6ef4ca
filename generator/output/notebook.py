"""Jupyter: `%load_ext generator` (or `import generator` in a notebook) shows a
Derivation as its worked sheet (Markdown with math, and its answers as LaTeX), and gives
the cell magic `%%derive`: the options of `tracetrick derive` on the magic's line, the
objective in the cell.

    %%derive --wrt X --let "A: n x n, constant"
    tr(X^T A X)

The cell's value is the Derivation, shown as its sheet.  An error is its one paragraph,
as on the command line, not a traceback.
"""
from __future__ import annotations

import shlex
import sys


def load_ipython_extension(ipython) -> None:
    """The display of a Derivation, by its class's name (nothing heavy is imported until a
    Derivation is shown), and the `%%derive` magic."""
    formatters = ipython.display_formatter.formatters
    formatters["text/markdown"].for_type_by_name("generator.derivation", "Derivation",
                                                 _markdown_of)
    formatters["text/latex"].for_type_by_name("generator.derivation", "Derivation",
                                              _latex_of)
    ipython.register_magic_function(derive_cell, magic_kind="cell", magic_name="derive")


def _markdown_of(derivation) -> str:
    from generator.render.markdown import derivation_markdown
    return derivation_markdown(derivation)


def _latex_of(derivation) -> str:
    from generator.render.latex_sheet import answers_latex
    return answers_latex(derivation)


def derive_cell(line: str, cell: str):
    """`%%derive OPTIONS` over a cell holding the objective: the Derivation, or None after
    printing what is wrong."""
    import click

    from generator.api import derive
    from generator.cli import derive as command
    from generator.problem.command_line import problem_of_options
    from generator.errors import TracetrickError
    try:
        with command.make_context("%%derive", [*shlex.split(line), "--", cell.strip()]) as ctx:
            return derive(problem_of_options(**ctx.params))
    except click.ClickException as err:
        print(f"error: {err.format_message()}", file=sys.stderr)
    except TracetrickError as err:
        print(f"error: {err}", file=sys.stderr)
    return None
