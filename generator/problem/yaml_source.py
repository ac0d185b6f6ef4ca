"""YAML text with its positions: reading a file, composing nodes, and pointing at a line.

Problem files (generator/problem/loader.py) and set files (generator/problem/sets.py) are read
the same way: the file's text is read strictly (UTF-8, no NUL bytes), composed safely
into nodes (yaml.compose, SafeLoader), never into Python objects, so every value keeps
its line and column.  Every failure is one ProblemError paragraph,
`file:line: key: what is wrong; what would be right`, and a YAML syntax error shows the
line with a caret under the culprit and a likely fix.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.caret import ELLIPSIS, caret_line, clip
from generator.errors import ProblemError

# A problem file is a few hundred bytes; a bigger one is refused before YAML reads it
# (composing megabytes of YAML takes seconds, deriving thousands of problems far longer).
MAX_FILE_BYTES = 256 * 1024

# ----- where an error is: file, line, column, caret ----------------------------------------


@dataclass(frozen=True)
class Where:
    """The file being read (its path as the user named it, and its text, for carets)."""

    path: str
    text: str

    def error(self, node: Node, key: str, why: str) -> ProblemError:
        """`file:line: key: why` for the line where `node` starts."""
        prefix = f"{key}: " if key else ""
        return ProblemError(f"{self.path}:{node.start_mark.line + 1}: {prefix}{why}")


def file_position(source: str, node: Node, target: int) -> tuple[int, int]:
    """1-based (line, column) in the file of character `target` of a scalar's value.

    Plain one-line scalars map directly; quoted, folded and block scalars are aligned
    with the source character by character (quotes, indentation and line breaks
    skipped), which is right except inside escape sequences.
    """
    value, pos, end = node.value, node.start_mark.index, node.end_mark.index
    for i, ch in enumerate(value[: target + 1]):
        while pos < end and source[pos] != ch and not (ch.isspace() and source[pos].isspace()):
            pos += 1
        if pos >= end:
            pos = node.start_mark.index
            break
        if i < target:
            pos += 1
    line_start = source.rfind("\n", 0, pos) + 1
    return source.count("\n", 0, pos) + 1, pos - line_start + 1


_SPECIAL_START = tuple("|>[]{}&*!%@`")


def yaml_error(err: yaml.MarkedYAMLError, text: str, path: str) -> ProblemError:
    """`file:line:column: YAML syntax error: ...`, the line, a caret, and a likely fix."""
    lines = text.splitlines()
    mark = err.problem_mark
    if mark is None or mark.line >= len(lines) or not lines[mark.line].strip():
        mark = err.context_mark or mark
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
    problem = err.problem or err.context or "invalid YAML"
    if err.context and problem.startswith("but "):
        problem = f"{err.context}, {problem}"
    shown, column = clip(line, mark.column + 1 if mark else 1)
    return ProblemError(
        f"{where}: YAML syntax error: {problem}; {_yaml_hint(problem, line)}\n"
        f"  {shown}\n  {caret_line(shown, column)}"
    )


def _yaml_hint(problem: str, line: str) -> str:
    key, colon, value = line.strip().partition(": ")
    value = value.strip()
    if "\t" in problem or "\t" in line[: len(line) - len(line.lstrip())]:
        return "indent with spaces; YAML does not allow tabs"
    if colon and value.startswith(_SPECIAL_START):
        value = value if len(value) <= 60 else value[:57] + ELLIPSIS
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'a value starting with {value[0]} must be quoted: `{key}: "{quoted}"`'
    if "single document" in problem:
        return "a file holds one YAML document; list several problems under `problems:`"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted"
    return "check the indentation and the quotes on this line"


# ----- files -----------------------------------------------------------------------------


def read_source(path: str | Path) -> Where:
    """The file, named as the user named it, with its text; a missing, binary or
    non-UTF-8 file is a ProblemError."""
    return Where(str(path), _read(Path(path)))


def _read(path: Path) -> str:
    try:
        with path.open("rb") as file:  # at most one byte past the limit: /dev/zero ends too
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ProblemError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ProblemError(f"{path}: is a folder; give a .yaml file, or load the folder") from None
    except OSError as err:
        raise ProblemError(f"{path}: cannot read the file ({err.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        size = path.stat().st_size if path.is_file() else 0
        found = f"is {_size(size)}" if size > MAX_FILE_BYTES else "is longer than that"
        raise ProblemError(
            f"{path}: a problem file may be at most {_size(MAX_FILE_BYTES)}, and "
            f"this one {found}; split it, or shorten what is long"
        )
    if b"\0" in data:
        raise ProblemError(
            f"{path}: not a text file (it contains NUL bytes); a problem file is YAML text"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _not_utf8(path, data, err.start) from None


def _not_utf8(path: Path, data: bytes, at: int) -> ProblemError:
    """`file:line:column: not UTF-8 text ...`, the line (the bad byte shown as `?`) and a
    caret under it."""
    line_start = data.rfind(b"\n", 0, at) + 1
    line_end = data.find(b"\n", at)
    raw = data[line_start : line_end if line_end >= 0 else len(data)]
    before = data[line_start:at].decode("utf-8", errors="replace")
    shown, column = clip(
        raw.decode("utf-8", errors="replace").replace("\ufffd", "?"), len(before) + 1
    )
    line = data.count(b"\n", 0, at) + 1
    return ProblemError(
        f"{path}:{line}:{len(before) + 1}: not UTF-8 "
        f"text (byte 0x{data[at]:02x}); save the file as UTF-8 (most editors "
        f'offer it under "Save with encoding")\n'
        f"  {shown}\n  {caret_line(shown, column)}"
    )


def _size(n: int) -> str:
    """1234567 -> `1.2 MB`, 262144 -> `256 KB`, 900 -> `900 bytes`."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} bytes"


def compose(where: Where) -> Optional[Node]:
    """The file's node tree (None for an empty file); a YAML error shows the line and a caret.
    A tag outside YAML's standard ones (`!!python/object/apply:...`, `!foo`) is an error:
    nothing is ever constructed from one, but a problem file has no use for it."""
    try:
        root = yaml.compose(where.text, Loader=yaml.SafeLoader)
        _check_tags(root, where)
        return root
    except yaml.MarkedYAMLError as err:
        raise yaml_error(err, where.text, where.path) from None
    except yaml.YAMLError as err:
        raise ProblemError(f"{where.path}: YAML error: {err}") from None
    except RecursionError:
        line = _deep_line(where.text)
        raise ProblemError(
            f"{where.path}:{line}: the YAML is nested too deeply (lists or "
            f"mappings inside each other hundreds of levels deep)"
        ) from None


_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "seq",
        "map",
        "timestamp",
        "binary",
        "merge",
        "value",
        "set",
        "omap",
        "pairs",
    )
)


def _check_tags(root: Optional[Node], where: Where) -> None:
    """Every node's tag is a standard one; walked with a stack (aliases may form cycles)."""
    stack, seen = [root] if root is not None else [], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise where.error(
                node,
                "",
                f"the YAML tag {tag} is not allowed; a problem file is "
                f"plain YAML (text, numbers, lists and mappings)",
            )
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)


def _deep_line(text: str, depth: int = 100) -> int:
    """The line where flow brackets (`[[[...`, `{{{...`) first nest `depth` deep, else
    the most indented line: where a too-deep document goes wrong, near enough."""
    level = 0
    for index, ch in enumerate(text):
        level += (ch in "[{") - (ch in "]}")
        if level >= depth:
            return text.count("\n", 0, index) + 1
    lines = text.splitlines() or [""]
    indents = [len(s) - len(s.lstrip(" -")) for s in lines]
    return indents.index(max(indents)) + 1


# ----- reading the node tree ------------------------------------------------------------


def fields(
    node: MappingNode,
    where: Where,
    context: str,
    allowed: tuple[str, ...],
    hints: Mapping[str, str] | None = None,
) -> dict[str, tuple[Node, Node]]:
    """key -> (key node, value node); unknown and repeated keys are errors.

    `hints` gives the message for a known mistake (a key that belongs elsewhere)."""
    found: dict[str, tuple[Node, Node]] = {}
    for key_node, value in node.value:
        if not isinstance(key_node, ScalarNode):
            raise where.error(key_node, context, "a key must be a plain name")
        key = key_node.value
        if key in found:
            first = found[key][0].start_mark.line + 1
            raise where.error(
                key_node,
                f"{context}: {key}" if context else key,
                f"appears twice (first on line {first}); keep one",
            )
        if key not in allowed:
            if hints and key in hints:
                raise where.error(key_node, context, f"unknown key '{key}'; {hints[key]}")
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'?" if near else "valid keys: " + ", ".join(allowed)
            raise where.error(key_node, context, f"unknown key '{key}'; {hint}")
        found[key] = (key_node, value)
    return found


def describe(node: Node) -> str:
    """How a value reads in a message: a mapping, a list, or the value quoted."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{node.value}'"


def text_value(node: Node, where: Where, key: str, example: str) -> str:
    """A text value.  A plain `0`, `5` or `yes` is taken as written (`expect: 0`)."""
    if not isinstance(node, ScalarNode):
        raise where.error(node, key, f"expected text, found {describe(node)}; e.g. `{example}`")
    if node.tag.endswith(":null") or not node.value.strip():
        raise where.error(node, key, f"is empty; write a value, e.g. `{example}`")
    control = control_character(node.value)
    if control is not None:  # only a quoted escape (`"\a"`) writes one: YAML refuses it raw
        raise where.error(node, key, f"{control}; remove it, e.g. the escape that wrote it")
    return node.value


def prose_value(node: Node, where: Where, key: str, example: str) -> str:
    """A text value whose backtick text is math (a title, a statement, a description):
    backtick text that is not math is an error at its line and column, with a caret."""
    from generator.syntax.prose import unreadable_math

    text = text_value(node, where, key, example)
    found = unreadable_math(text)
    if found is not None:
        why, offset = found
        line, column = file_position(where.text, node, offset)
        raise ProblemError(f"{where.path}:{line}:{column}: {key}: {why}")
    return text


def control_character(text: str) -> str | None:
    """What is wrong with text holding a control character (a bell, an escape), or None:
    no sheet can show one, and a terminal may act on it.  Tabs and line breaks are text."""
    found = next((c for c in text if c not in "\t\n" and unicodedata.category(c) == "Cc"), None)
    if found is None:
        return None
    return (
        f"contains the control character U+{ord(found):04X}, which no sheet can show "
        f"(and a terminal may act on)"
    )


def bool_value(node: Node, where: Where, key: str) -> bool:
    """`true`/`false` (and YAML's yes/no, on/off); anything else is an error."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on")
    raise where.error(node, key, f"expected true or false, found {describe(node)}")
