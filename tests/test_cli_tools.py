"""The command line as a tool: build's progress display and shell completion."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.output.progress import BAR_MIN_STEPS, ProgressDisplay


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def run_display(stream, steps: int) -> str:
    with ProgressDisplay(stream) as progress:
        for done in range(1, steps + 1):
            progress(done, steps, f"derived cookbook/{done:02d}-a-problem-with-a-long-name.yaml")
    return stream.getvalue()


def test_a_terminal_gets_one_bar_redrawn_in_place():
    out = run_display(Terminal(), BAR_MIN_STEPS + 2)
    frames = out.split("\r")
    assert len(frames) > BAR_MIN_STEPS                 # redrawn, not one line per step
    assert "building  [####################]  8/8" in frames[-1]
    assert out.endswith("\n") and out.count("\n") == 1  # the bar's line is finished once
    assert all(len(frame) < 100 for frame in frames)    # never wider than a terminal line


@pytest.mark.parametrize("stream, steps", [
    (io.StringIO(), BAR_MIN_STEPS + 2),    # piped (a file, a CI log): never a bar
    (Terminal(), BAR_MIN_STEPS - 1),       # a short build on a terminal: a few lines
])
def test_otherwise_plain_lines(stream, steps):
    out = run_display(stream, steps)
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == f"[1/{steps}] derived cookbook/01-a-problem-with-a-long-name.yaml"
    assert len(lines) == steps


def test_a_failed_build_leaves_the_bar_line_finished():
    stream = Terminal()
    with pytest.raises(RuntimeError):
        with ProgressDisplay(stream) as progress:
            for done in range(1, 8):
                progress(done, 10, "x")
            raise RuntimeError("the error is printed after the bar's line")
    assert stream.getvalue().endswith("\n")


# ----- shell completion -------------------------------------------------------------------

def console_script() -> str:
    beside = Path(sys.executable).with_name("tracetrick")
    found = str(beside) if beside.exists() else shutil.which("tracetrick")
    assert found, "the console script `tracetrick` is not installed"
    return found


def complete(**env: str) -> str:
    return subprocess.run([console_script()], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=60, check=True).stdout


def test_bash_completion_script_for_the_console_script_name():
    script = complete(_TRACETRICK_COMPLETE="bash_source")
    assert "complete -o nosort -F _tracetrick_completion tracetrick" in script


@pytest.mark.parametrize("words, cword, expected", [
    ("tracetrick bu", "1", ["plain,build"]),
    ("tracetrick s", "1", ["plain,schema"]),
    ("tracetrick derive x --me", "3", ["plain,--method"]),
    ("tracetrick derive x --method ", "4", ["plain,differential", "plain,elementwise"]),
    ("tracetrick build pro", "2", ["dir,pro"]),
])
def test_bash_completion_answers(words, cword, expected):
    answer = complete(_TRACETRICK_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=cword)
    assert answer.split() == expected


def test_zsh_and_fish_scripts_exist():
    assert "#compdef tracetrick" in complete(_TRACETRICK_COMPLETE="zsh_source")
    assert "complete --no-files --command tracetrick" in complete(
        _TRACETRICK_COMPLETE="fish_source")
