"""The examples the README and the docs show are run, so that none can rot: every
`tracetrick derive|rules|list|check|schema|new|render` line of their shell blocks
(through click's runner, in a scratch folder holding a copy of problems/), and the
Python snippet of docs/python.md.  A line that needs what a scratch folder lacks would fail here, and
must be fixed in the document, not skipped."""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from cli_helpers import invoke

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
COMMANDS = ("derive", "rules", "list", "check", "schema", "new", "render")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _command_lines() -> list[tuple[str, str]]:
    """(document, line) for each runnable command of the documents' shell blocks."""
    found = []
    for document in DOCUMENTS:
        for block in _blocks(document.read_text(), "sh"):
            for line in block.splitlines():
                words = shlex.split(line, comments=True)
                if len(words) > 1 and words[0] == "tracetrick" and words[1] in COMMANDS:
                    found.append((document.name, line))
    return found


COMMAND_LINES = _command_lines()


def test_the_documents_show_commands_to_run():
    assert len(COMMAND_LINES) >= 25


@pytest.mark.parametrize("document, line", COMMAND_LINES,
                         ids=[line.split("#")[0].strip() for _, line in COMMAND_LINES])
def test_a_documented_command_runs(document, line, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "problems", tmp_path / "problems")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(line, comments=True)[1:]
    result = invoke(*words)
    assert result.exit_code == 0, f"{document}: {line}\n{result.output}"


def test_the_python_snippet_runs():
    (snippet,) = [b for b in _blocks((ROOT / "docs" / "python.md").read_text(), "python")
                  if "derive_text" in b]
    namespace: dict = {}
    exec(compile(snippet, "docs/python.md", "exec"), namespace)   # the project's own page
    assert str(namespace["d"].gradient) == "(A + A^T) X"
