"""The examples the README and the docs show are run, so that none can rot: every
`tracetrick` line of their shell blocks (through click's runner, in a scratch folder
holding a copy of problems/), and the Python snippet of docs/python.md.  A line that needs
what a scratch folder lacks would fail here, and must be fixed in the document, not
skipped.

The lines that typeset (`build`, `variants`) run in one scratch folder, in the documents'
order, over the top-level problems and the exam set of problems/ (a build is
incremental: each line typesets what it changes), with the `my-templates/` folder that
docs/templates.md makes."""
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
TYPESETTING = ("build", "variants")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _tracetrick_lines() -> list[tuple[str, str, list[str]]]:
    """(document, line, its words) for each `tracetrick` line of the documents' shell
    blocks."""
    found = []
    for document in DOCUMENTS:
        for block in _blocks(document.read_text(), "sh"):
            for line in block.splitlines():
                words = shlex.split(line, comments=True)
                if len(words) > 1 and words[0] == "tracetrick":
                    found.append((document.name, line, words))
    return found


def _command_lines(commands: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(doc, line) for doc, line, words in _tracetrick_lines() if words[1] in commands]


COMMAND_LINES = _command_lines(COMMANDS)
TYPESETTING_LINES = _command_lines(TYPESETTING)


def test_every_documented_command_is_run_here():
    assert len(COMMAND_LINES) >= 25 and len(TYPESETTING_LINES) >= 8
    assert {words[1] for _, _, words in _tracetrick_lines()} <= set(COMMANDS + TYPESETTING)


@pytest.mark.parametrize("document, line", COMMAND_LINES,
                         ids=[line.split("#")[0].strip() for _, line in COMMAND_LINES])
def test_a_documented_command_runs(document, line, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "problems", tmp_path / "problems")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(line, comments=True)[1:]
    result = invoke(*words)
    assert result.exit_code == 0, f"{document}: {line}\n{result.output}"


@pytest.fixture(scope="module")
def typesetting_folder(tmp_path_factory) -> Path:
    """The top-level problems and the exam set, and docs/templates.md's my-templates/."""
    folder = tmp_path_factory.mktemp("typeset")
    problems = folder / "problems"
    problems.mkdir()
    for path in (ROOT / "problems").glob("*.yaml"):
        shutil.copy(path, problems)
    shutil.copytree(ROOT / "problems" / "midterm", problems / "midterm")
    (folder / "my-templates").mkdir()
    shutil.copy(ROOT / "templates" / "problem.tex.j2", folder / "my-templates")
    return folder


@pytest.fixture(scope="module")
def scheduler_address():
    """A Dask cluster of this machine, for the lines that build on one (`--scheduler`):
    the documents' address stands for it."""
    distributed = pytest.importorskip("distributed", reason="installed by `make test`")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("document, line", TYPESETTING_LINES,
                         ids=[line.split("#")[0].strip() for _, line in TYPESETTING_LINES])
def test_a_documented_build_runs(document, line, typesetting_folder, monkeypatch, request):
    monkeypatch.chdir(typesetting_folder)
    words = shlex.split(line, comments=True)[1:]
    if "--scheduler" in words:
        words[words.index("--scheduler") + 1] = request.getfixturevalue("scheduler_address")
    result = invoke(*words)
    assert result.exit_code == 0, f"{document}: {line}\n{result.output}"
    out = Path(words[words.index("-o") + 1]) if "-o" in words else Path("output")
    made = {p.name for p in out.iterdir()}
    assert ({"exam-v1.pdf", "key-v1.pdf"} <= made if words[0] == "variants"
            else any(name.startswith("worksheet.") for name in made)), made


def test_the_python_snippet_runs():
    (snippet,) = [b for b in _blocks((ROOT / "docs" / "python.md").read_text(), "python")
                  if "derive_text" in b]
    namespace: dict = {}
    exec(compile(snippet, "docs/python.md", "exec"), namespace)   # the project's own page
    assert str(namespace["d"].gradient) == "(A + A^T) X"
