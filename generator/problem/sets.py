"""Problem sets: a folder of problem files, and every subfolder of it, each one sheet.

    problems/                      the top set: output/worksheet.pdf, solutions.pdf, ...
      04-trace-linear.yaml
      set.yaml                     optional: title and description of the top set
      cookbook/                    a set: output/cookbook/worksheet.pdf, solutions.pdf, ...
        set.yaml                   optional: `title:`, `description:`, `reveal:`, `edition:`
        01-trace-linear.yaml
      _drafts/                     skipped: a folder whose name starts with _ or .

A folder is a set when it holds problem files (`*.yaml`, `*.yml`, not set.yaml);
subfolders are sets at any depth (`problems/week-2/extra/` builds into
`output/week-2/extra/`).  A set's title is `title:` in its set.yaml, else, for a
subfolder, its name (`week-2` -> "Week 2", `01-traces` -> "Traces"), and for the
folder given on the command line DEFAULT_SET_TITLE.  `reveal: K` in set.yaml makes
the set's worksheet a hint sheet (the first K steps of each solution; a problem's own
`reveal:` wins).  Problem numbers are unique within a set; two sets may both have a
Problem 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from yaml.nodes import MappingNode, Node, ScalarNode

from generator.errors import ProblemError, TracetrickError
from generator.problem.loader import (
    SET_FILE,
    choice_value,
    load_file,
    problem_files,
    sort_and_check,
    whole_number,
)
from generator.problem.model import Problem
from generator.problem.fields import LIST_KEY, PROBLEM_KEYS, problem_field
from generator.problem.yaml_source import (
    Where,
    compose,
    describe,
    fields,
    prose_value,
    read_source,
)

DEFAULT_SET_TITLE = "Matrix calculus using the trace trick"
SET_KEYS = ("title", "description", "reveal", "edition", "course", "date")
SET_EXAMPLE = {
    "title": "title: Matrix calculus: the Matrix Cookbook",
    "description": "description: Gradients from the Matrix Cookbook.",
    "course": "course: MATH 2210 Matrix calculus",
    "date": "date: 14 December 2026",
}
# Keys of a problem (generator/problem/fields.py), written in set.yaml by mistake.
_NOT_IN_SET = {
    key: "set.yaml holds only the set's title, description, reveal, edition, "
    "course and date; "
    "a problem goes in a file of its own beside it"
    for key in (*PROBLEM_KEYS, LIST_KEY)
    if key not in SET_KEYS
}


@dataclass(frozen=True)
class SetInfo:
    """What set.yaml says (or the defaults): the sheet's title and a description (prose,
    math in backticks), and where the title came from, for messages."""

    title: str
    description: str = ""
    source: str = ""
    reveal: int | None = None  # the default `reveal` of the set's problems (hint mode)
    edition: str | None = None  # the default `edition` of the set's problems
    course: str = ""  # an exam's header: the course (prose) ...
    date: str = ""  # ... and the date, as written


@dataclass(frozen=True)
class ProblemSet:
    """One set: `name` is its folder relative to the root, '' for the root itself
    (the sheets go to `output/<name>/`)."""

    name: str
    folder: Path
    info: SetInfo
    problems: tuple[Problem, ...]

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def description(self) -> str:
        return self.info.description

    @property
    def label(self) -> str:
        """The folder as the user named it: `problems/cookbook`."""
        return str(self.folder)


# ----- finding the sets --------------------------------------------------------------------


def is_skipped(folder: Path) -> bool:
    """`_drafts`, `.git`, `__pycache__`: not sets, and not searched."""
    return folder.name.startswith(("_", "."))


def set_folders(root: Path) -> list[Path]:
    """The root, then its subfolders depth first, by name: every folder that may be a set
    (one holding problem files or a set.yaml).  Symbolic links are followed once."""
    found: list[Path] = []
    seen: set[Path] = set()

    def visit(folder: Path) -> None:
        real = folder.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            children = sorted(folder.iterdir())
        except OSError as err:
            raise ProblemError(f"{folder}: cannot read the folder ({err.strerror})") from None
        if (folder / SET_FILE).is_file() or problem_files(folder):
            found.append(folder)
        for child in children:
            if child.is_dir() and not is_skipped(child):
                visit(child)

    if not root.is_dir():
        raise ProblemError(f"{root}: no such folder")
    visit(root)
    return found


def set_name(root: Path, folder: Path) -> str:
    """`cookbook` for problems/cookbook; '' for the root."""
    relative = folder.relative_to(root).as_posix()
    return "" if relative == "." else relative


def title_from_name(name: str) -> str:
    """A folder's name as a title: `week-2` -> "Week 2", `01-traces` -> "Traces" (a
    control character in a name is a space: a title reaches sheets and terminals)."""
    words = re.sub(r"^[0-9]+[-_ ]+(?=\S)", "", name).replace("-", " ").replace("_", " ")
    words = " ".join("".join(c if c.isprintable() else " " for c in words).split())
    if not words:  # a name of separators only
        return "".join(c for c in name if c.isprintable()) or DEFAULT_SET_TITLE
    return words[:1].upper() + words[1:]


# ----- set.yaml ----------------------------------------------------------------------------


def read_set_info(folder: Path, default_title: str) -> SetInfo:
    """The folder's set.yaml, validated key by key (`file:line: key: ...`), or the defaults."""
    path = folder / SET_FILE
    if not path.is_file():
        return SetInfo(default_title)
    where = read_source(path)
    root = compose(where)
    if root is None:
        return SetInfo(default_title, source=where.path)
    if not isinstance(root, MappingNode):
        raise where.error(
            root,
            "",
            f"expected a mapping with `title:` and an optional "
            f"`description:`, found {describe(root)}; e.g. "
            f"`{SET_EXAMPLE['title']}`",
        )
    found = fields(root, where, "", SET_KEYS, _NOT_IN_SET)
    value = {k: v for k, (_, v) in found.items()}
    title = default_title
    if "title" in value:
        title = " ".join(prose_value(value["title"], where, "title", SET_EXAMPLE["title"]).split())
    description = ""
    if "description" in value:
        description = _description(value["description"], where)
    reveal = edition = None
    if "reveal" in value:  # the same field, with the same check, as a problem's `reveal`
        reveal = whole_number(value["reveal"], where, problem_field("reveal"))
    if "edition" in value:  # likewise `edition`
        edition = choice_value(value["edition"], where, problem_field("edition"))
    course, date = (
        " ".join(prose_value(value[key], where, key, SET_EXAMPLE[key]).split())
        if key in value
        else ""
        for key in ("course", "date")
    )
    return SetInfo(title, description, where.path, reveal, edition, course, date)


def _description(node: Node, where: Where) -> str:
    """Prose; a blank line separates paragraphs (a `|` or `>` block keeps them)."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return ""
    return prose_value(node, where, "description", SET_EXAMPLE["description"]).strip()


# ----- loading -----------------------------------------------------------------------------


def default_title(root: Path, folder: Path) -> str:
    name = set_name(root, folder)
    return DEFAULT_SET_TITLE if not name else title_from_name(folder.name)


def load_set(root: Path, folder: Path) -> ProblemSet:
    """One set: its set.yaml and its problem files (not its subfolders)."""
    info = read_set_info(folder, default_title(root, folder))
    files = problem_files(folder)
    if not files:
        raise ProblemError(
            f"{folder / SET_FILE}: the set has no problem files (*.yaml, *.yml) "
            f"beside it; add one, or remove {SET_FILE}"
        )
    return _problem_set(root, folder, info, sort_and_check([(f, load_file(f)) for f in files]))


def _problem_set(
    root: Path, folder: Path, info: SetInfo, problems: tuple[Problem, ...]
) -> ProblemSet:
    """The set of these problems: the set's `reveal` and `edition` given to each that has
    none of its own."""
    if info.reveal is not None:
        problems = tuple(
            p if p.reveal is not None else replace(p, reveal=info.reveal) for p in problems
        )
    if info.edition is not None:
        problems = tuple(
            p if p.edition is not None else replace(p, edition=info.edition) for p in problems
        )
    return ProblemSet(set_name(root, folder), folder, info, problems)


def load_sets(root: str | Path) -> tuple[ProblemSet, ...]:
    """Every set under `root` (the root first, if it holds problems); the first error stops."""
    root = Path(root)
    sets = tuple(load_set(root, folder) for folder in set_folders(root))
    if not sets:
        raise ProblemError(
            f"{root}: no problem files (*.yaml, *.yml) in this folder or its subfolders"
        )
    return sets


# ----- checking: every failure reported, none stops the others ---------------------------

Report = Callable[[str], None]


def failure_line(exc: TracetrickError, where: str, title: str = "") -> str:
    """`file:line: what went wrong`: the error as a report of a check or a build prints
    it, after FAIL; an error that does not name its file is prefixed with it (and with
    the problem's title, where there is one)."""
    said = str(exc)
    if said.startswith(f"{where}:") or said.startswith(where) and not title:
        return said
    return f"{where}: {title}: {said}" if title else f"{where}: {said}"


def check_set(root: Path, folder: Path, report: Report) -> tuple[ProblemSet, int]:
    """Load one set as far as it goes, reporting (`file:line: ...`) each failure:
    set.yaml, each problem file, numbers used twice.  Returns the set of the problems
    that loaded (to derive them too) and the number of failures."""
    failures = 0

    def fail(exc: TracetrickError, file: Path) -> None:
        nonlocal failures
        failures += 1
        report(failure_line(exc, str(file)))

    title = default_title(root, folder)
    try:
        info = read_set_info(folder, title)
    except TracetrickError as exc:
        fail(exc, folder / SET_FILE)
        info = SetInfo(title)
    files = problem_files(folder)
    if not files:
        fail(
            ProblemError(
                f"{folder / SET_FILE}: the set has no problem files (*.yaml, *.yml) beside it"
            ),
            folder / SET_FILE,
        )
    loaded = []
    for file in files:
        try:
            loaded.append((file, load_file(file)))
        except TracetrickError as exc:
            fail(exc, file)
    try:
        problems = sort_and_check(loaded)
    except TracetrickError as exc:
        fail(exc, folder)
        problems = tuple(p for _, ps in loaded for p in ps)
    return _problem_set(root, folder, info, problems), failures
