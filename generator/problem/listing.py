"""`tracetrick list`: the problems of a file or of a folder's sets as a table, set by set
(number, title, objective, wrt, method)."""

from __future__ import annotations

from pathlib import Path

from generator.problem.loader import load_file
from generator.problem.model import Problem
from generator.problem.sets import load_sets

HEADER = ("#", "title", "objective", "wrt", "method")


def listing(path: Path) -> str:
    """The table of the problems of `path` (a problem file, or a folder of sets)."""
    if path.is_dir():
        groups = [
            (f"{s.label}: {s.title} ({_count(len(s.problems))})", s.problems)
            for s in load_sets(path)
        ]
    else:
        groups = [("", load_file(path))]
    tables = [[_row(p) for p in problems] for _, problems in groups]
    widths = [
        max(len(r[i]) for r in [HEADER, *(row for t in tables for row in t)])
        for i in range(len(HEADER))
    ]
    lines: list[str] = []
    for index, ((heading, _), rows) in enumerate(zip(groups, tables)):
        if heading:
            lines.append(("\n" if index else "") + heading)
        for r in [HEADER, *rows]:
            lines.append(
                ("  " if heading else "")
                + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
            )
    return "\n".join(lines)


def _row(p: Problem) -> tuple[str, ...]:
    return (
        str(p.number or ""),
        p.title,
        p.objective_text,
        ", ".join(p.variables),
        p.method + (", solve" if p.solve else ""),
    )


def _count(n: int) -> str:
    return f"{n} problem{'' if n == 1 else 's'}"
