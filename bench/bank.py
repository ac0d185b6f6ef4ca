"""A bank of generated problems for the scale benchmark, written from the corpus.

Problem k is row k mod R of tests/corpus.py (R rows), in variant k div R: variant 0 is
the row as written, variant v renames every Latin symbol `A` to `A{v}` (and the variable
with it), so no two problems of the bank are the same problem.  The bank is cut into
sets of SET_SIZE problems (`set-01/`, `set-02/`, ...), each numbered from 1, as a
teacher's bank of weekly sheets would be.  With `numbered=False` the problems carry no
`number:` (so none can cite another, "by Problem 5": the sheets number them in order).

Usage: python bench/bank.py OUT_DIR N
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import common  # noqa: F401  (puts tests/ on sys.path for the corpus)

SET_SIZE = 50
_NAME = re.compile(r"(?<![_A-Za-z0-9])[A-Za-z][A-Za-z0-9_]*")  # not ||X||_F


def _renamer(variant: int):
    from generator.syntax.names import FUNCTION_NAMES, GREEK_NAMES, is_reserved

    def rename(match: re.Match) -> str:
        name = match.group(0)
        before = match.string[:match.start()].rstrip()
        transpose = name == "T" and before.endswith(("^", "^-"))   # X^T, X^-T; X^k is renamed
        if (variant == 0 or transpose or is_reserved(name) or name in FUNCTION_NAMES
                or name in GREEK_NAMES):
            return name
        return f"{name}{variant}"
    return rename


def _declaration(let: str, rename) -> tuple[str, str]:
    name, _, spec = let.partition(":")
    return _NAME.sub(rename, name.strip()), spec.strip()


def problem_yaml(row, number: int | None, variant: int) -> str:
    """One problem file: the row's objective, variable and declarations, renamed."""
    rename = _renamer(variant)
    title = f"{row.source} (variant {variant})" if variant else row.source
    lines = [f"title: {json.dumps(title)}"] + ([f"number: {number}"] if number else [])
    if row.lets:
        lines.append("symbols:")
        for let in row.lets:
            name, spec = _declaration(let, rename)
            lines.append(f"  {name}: {json.dumps(spec)}")
    lines += [f"objective: {json.dumps(_NAME.sub(rename, row.objective))}",
              f"wrt: {_NAME.sub(rename, row.wrt)}"]
    if row.solve:
        lines.append("solve: true")
    return "\n".join(lines) + "\n"


def templates():
    """The corpus rows the bank is made of (every one: each derives and verifies)."""
    from corpus import CORPUS
    return [row for row in CORPUS]


def write_bank(out: Path, count: int, numbered: bool = True) -> Path:
    rows = templates()
    out.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        folder = out / f"set-{k // SET_SIZE + 1:02d}"
        folder.mkdir(exist_ok=True)
        number = k % SET_SIZE + 1
        variant, index = divmod(k, len(rows))
        row = rows[index]
        (folder / f"{number:02d}-problem.yaml").write_text(
            problem_yaml(row, number if numbered else None, variant))
        if number == 1:
            (folder / "set.yaml").write_text(
                f"title: Generated bank, set {k // SET_SIZE + 1}\n")
    return out


if __name__ == "__main__":
    print(write_bank(Path(sys.argv[1]), int(sys.argv[2])))
