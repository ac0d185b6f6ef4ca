"""A sheet's preamble read once: a TeX format (mylatexformat) kept in a cache, so that a
PDF's pdflatex loads its packages from one file instead of reading them again.

- The key is the preamble's text and the TeX installation (pdflatex's version, and the
  files of the base format and of mylatexformat), so a changed template, a user's
  preamble.tex.j2 or an updated TeX Live each gets a format of its own: a stale one is
  never read.
- The dump runs locked down like every pdflatex run (generator/render/tex_process.py), in
  a temporary folder, and the format is moved into the cache by one rename: another
  process never reads half of one.
- Whatever goes wrong (no mylatexformat, a cache folder that cannot be written, a
  preamble the dump refuses) gives no format: the sheet is typeset from its whole
  source, as it would be without one, and its error, if it has one, is reported from
  that run.

The cache folder is `$TRACETRICK_CACHE/tex-formats`, else under `$XDG_CACHE_HOME` or
`~/.cache` (`tracetrick/tex-formats`); it keeps the newest KEPT formats.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from generator.render.tex_process import JOB, Deadline, dump_command, run_tex

BEGIN_DOCUMENT = "\\begin{document}"
KEPT = 8  # formats kept in the cache (about 7 MB each)
_LOCKS: dict[str, threading.Lock] = {}  # one dump of a key at a time in this process
_LOCKS_LOCK = threading.Lock()


def cache_folder() -> Path:
    """Where formats are kept: $TRACETRICK_CACHE, else the user's cache folder."""
    chosen = os.environ.get("TRACETRICK_CACHE")
    if chosen:
        return Path(chosen) / "tex-formats"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tracetrick" / "tex-formats"


def preamble_of(tex_source: str) -> str | None:
    """Everything before `\\begin{document}`, or None for a source without one."""
    at = tex_source.find(BEGIN_DOCUMENT)
    return tex_source[:at] if at >= 0 else None


@lru_cache(maxsize=1)
def installation() -> str | None:
    """What identifies the TeX installation a format is built on; None when a part of it
    is missing (then no format is made)."""
    try:
        version = subprocess.run(
            ["pdflatex", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.splitlines()[:1]
        files = [
            subprocess.run(
                ["kpsewhich", *args], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            for args in (["-engine=pdftex", "pdflatex.fmt"], ["mylatexformat.ltx"])
        ]
        stamps = [f"{path}:{os.stat(path).st_size}:{os.stat(path).st_mtime_ns}" for path in files]
    except (OSError, subprocess.SubprocessError):
        return None
    return "\n".join(version + stamps)


def format_for(tex_source: str, label: str, deadline: Deadline) -> Path | None:
    """The cached format of `tex_source`'s preamble, dumped first if there is none; None
    when it cannot be had (the caller then typesets without one)."""
    preamble = preamble_of(tex_source)
    tex = installation()
    if preamble is None or tex is None:
        return None
    key = hashlib.sha256(f"{tex}\n{preamble}".encode("utf-8")).hexdigest()[:32]
    folder = cache_folder()
    found = folder / f"{key}.fmt"
    with _lock(key):
        if found.is_file():
            try:
                os.utime(found)  # recently used: the last to be pruned
            except OSError:
                pass
            return found
        try:
            folder.mkdir(parents=True, exist_ok=True)
            made = _dump(key, preamble, folder, label, deadline)
        except OSError:
            return None
        if made is not None:
            _prune(folder)
        return made


def _lock(key: str) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(key, threading.Lock())


def _dump(key: str, preamble: str, folder: Path, label: str, deadline: Deadline) -> Path | None:
    """pdflatex -ini over the preamble (an empty document after it), in a temporary
    folder; the format renamed into `folder`.  None when the dump fails."""
    with tempfile.TemporaryDirectory(prefix="tracetrick-fmt-") as build:
        build_dir = Path(build)
        source = f"{preamble}{BEGIN_DOCUMENT}\n\\end{{document}}\n"
        (build_dir / f"{JOB}.tex").write_text(source, encoding="utf-8")
        done = run_tex(dump_command(key, f"{JOB}.tex"), build_dir, label, deadline)
        dumped = build_dir / f"{key}.fmt"
        if done.returncode != 0 or not dumped.is_file():
            return None
        staged = Path(tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)[1])
        try:
            shutil.copyfile(dumped, staged)
            os.replace(staged, folder / f"{key}.fmt")
        finally:
            staged.unlink(missing_ok=True)
    return folder / f"{key}.fmt"


def _prune(folder: Path) -> None:
    """Keep the newest KEPT formats (another process may be pruning too)."""
    formats = sorted(folder.glob("*.fmt"), key=_modified, reverse=True)
    for old in formats[KEPT:]:
        old.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
