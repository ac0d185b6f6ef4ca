"""What the Markdown and HTML tests share: the CLI runner and a malicious problem."""
from __future__ import annotations

from cli_helpers import invoke


def run(*args: str):
    """The CLI through click's runner; it must succeed."""
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def evil_problem(title: str) -> str:
    """A problem file whose title and statement try to inject markup and LaTeX."""
    quoted = title.replace("\\", "\\\\")
    return (f'title: "{quoted}"\nnumber: 1\nobjective: tr(A X)\nwrt: X\n'
            'statement: "Compute it. <img src=x onerror=alert(1)> & `tr(A X)` is the '
            'objective."\n')
