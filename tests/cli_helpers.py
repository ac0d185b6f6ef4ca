"""What the command-line tests share: the CLI through click's runner, `tracetrick build`
as a real subprocess, and a folder of the shipped problem files to build."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str):
    """The CLI through click's runner (the result, whatever its exit code)."""
    return CliRunner().invoke(main, list(args))


def build_process(problems: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m generator build PROBLEMS -o OUT ARGS` (the result, whatever its exit code)."""
    return subprocess.run([sys.executable, "-m", "generator", "build", str(problems),
                           "-o", str(out), *args], capture_output=True, text=True,
                          timeout=600)


def problems_folder(tmp_path: Path, *names: str, source: str = "problems") -> Path:
    """tmp_path/problems holding copies of the named files of ROOT/`source`."""
    folder = tmp_path / "problems"
    folder.mkdir()
    for name in names:
        shutil.copy(ROOT / source / name, folder)
    return folder
