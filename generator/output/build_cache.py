"""What a build may skip: content hashes of its inputs, kept beside its outputs.

`tracetrick build` writes `<output>/.tracetrick-cache.json` (the record) and
`<output>/.tracetrick-cache/` (the verified derivations, one file per problem).  Every
key is a SHA-256 of the inputs of what it names, always mixed with the *environment*:
the package version, the package's own source files, the sheet templates and the
versions of sympy, numpy, Jinja and PyLaTeX (so a new release, an edited rule or
template, or another library invalidates everything):

- a set's key: its folder's name and place, its set.yaml and every problem file's text.
  When it matches and every PDF the set wrote is still there, unchanged (size and
  mtime), the set is skipped without even parsing its files: the no-op rebuild.
- a problem's key: the validated Problem itself (objective, symbols, number, title, ...;
  not where it came from).  The JSON trace of its verified derivation (contract section
  4) is kept under that key, `<key>.json`, and proves it again in a later build without
  checking every line again (generator/output/cached_proof.py says how).  A derivation
  that cites an earlier problem of its sheet ("by Problem 5") is kept under a key that
  also names every problem before it.
- a PDF's key: the SHA-256 of the LaTeX source it was typeset from (comments aside: they
  say where each problem came from, which the PDF does not show).  A PDF whose source
  is unchanged (and whose content is unchanged on disk) is not typeset again; so a
  change to one problem typesets that problem's PDF and its set's worksheet and
  solutions (and a later problem's PDF only if what it cites changed), nothing else.

Everything here is JSON, read back as data: nothing in the cache can name code to run.
A cache is a file anyone may change: a record of the wrong shape is a miss with a
one-line notice (and the work is done again); the cache only ever saves work, so a
cache that cannot be written is a notice, not a failed build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from generator.errors import OutputError
from generator.version import __version__
from generator.problem.loader import SET_FILE, problem_files

if TYPE_CHECKING:  # types only: the cache reads problems and traces as data
    from generator.derivation import Derivation
    from generator.problem.model import Problem

RECORD_NAME = ".tracetrick-cache.json"
STORE_NAME = ".tracetrick-cache"
FORMAT = 3  # 2: outputs are recorded by the hash of their content; 3: traces, not pickles
TRACE_KIND = "cached trace"  # what a kept derivation's file says it is
TRACE_VERSION = 1  # ... and in which version of the layout
# the whole package (this module is in its output/ folder): a change to any rule, printer
# or template function changes what a build makes
PACKAGE_DIR = Path(__file__).resolve().parent.parent


# ----- hashing ------------------------------------------------------------------------


def digest(*parts: Any) -> str:
    """SHA-256 of JSON-encoded parts (bytes are hashed first)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            part = hashlib.sha256(part).hexdigest()
        h.update(json.dumps(part, sort_keys=True, separators=(",", ":")).encode())
        h.update(b"\0")
    return h.hexdigest()


def _files_digest(files: Iterable[Path], base: Path) -> list[tuple[str, str]]:
    return [
        (f.relative_to(base).as_posix(), hashlib.sha256(f.read_bytes()).hexdigest())
        for f in sorted(files)
    ]


def package_sources() -> list[Path]:
    """The package's Python files, every folder of it."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def environment_digest(template_dirs: Sequence[Path] | None = None) -> str:
    """The package version, its Python sources and the templates: what every key depends
    on besides the problems themselves."""
    if template_dirs is None:
        from generator.render.templates import template_search_path

        template_dirs = template_search_path()
    sources = _files_digest(package_sources(), PACKAGE_DIR)
    templates = [
        (
            str(d),
            _files_digest(
                (p for p in Path(d).rglob("*") if p.is_file() and "__pycache__" not in p.parts),
                Path(d),
            ),
        )
        for d in template_dirs
    ]
    return digest("tracetrick", __version__, FORMAT, sources, templates, _library_versions())


def _library_versions() -> list[str]:
    """The libraries whose output lands on a sheet: sympy (its verdict, the LaTeX printer),
    numpy (the checks), Jinja and PyLaTeX (the document)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("sympy", "numpy", "Jinja2", "PyLaTeX"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} ?")
    return found


def canonical(value: Any) -> Any:
    """A JSON-able form of a value made of the project's frozen data classes, stable
    across processes (sets are sorted, so hash randomisation does not change it)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [
            [f.name, canonical(getattr(value, f.name))] for f in dataclasses.fields(value)
        ]
    if isinstance(value, (tuple, list)):
        return [canonical(v) for v in value]
    if isinstance(value, (frozenset, set)):
        return sorted((canonical(v) for v in value), key=json.dumps)
    if isinstance(value, dict):
        return sorted([canonical(k), canonical(v)] for k, v in value.items())
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Fraction):
        return ["Fraction", str(value)]
    return [type(value).__name__, repr(value)]


def problem_key(problem: Problem, environment: str) -> str:
    """What a problem's derivation depends on: the problem, not where it was read from
    nor how much of it a worksheet reveals."""
    return digest(
        "problem", environment, canonical(dataclasses.replace(problem, source=None, reveal=None))
    )


def tex_key(tex: str) -> str:
    """What a PDF is typeset from: its LaTeX source without the lines that are only a
    comment (they say where each problem came from, which the PDF does not show)."""
    kept = [line for line in tex.splitlines() if not line.lstrip().startswith("%")]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


def set_key(root: Path, folder: Path, environment: str) -> str:
    """The raw inputs of one set: its place, set.yaml and the problem files' bytes."""
    set_file = folder / SET_FILE
    files = [(f.name, f.read_bytes()) for f in problem_files(folder)]
    return digest(
        "set",
        environment,
        folder.relative_to(root).as_posix(),
        folder.name,
        set_file.read_bytes() if set_file.is_file() else None,
        [[name, hashlib.sha256(data).hexdigest()] for name, data in files],
    )


# ----- the record -----------------------------------------------------------------------


def _content(path: Path) -> str | None:
    """What a written output was: its content's hash (a file changed in place, even with
    its size and time kept, is typeset again)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class BuildCache:
    """The record of one output folder: which set, which PDF, from which inputs.

    `enabled=False` (a forced build) trusts nothing it finds but still writes the
    record, so the next build can skip.
    """

    def __init__(
        self,
        out_dir: Path,
        environment: str,
        enabled: bool = True,
        notice: Callable[[str], None] | None = None,
    ):
        self.out_dir = Path(out_dir)
        self.environment = environment
        self.enabled = enabled
        self.notice = notice or (lambda message: None)
        self.record_path = self.out_dir / RECORD_NAME
        self.store = self.out_dir / STORE_NAME
        self.store_broken = False  # noticed once: a cache that cannot be written
        self.record_broken = False
        self.sets: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self._make_way_for_the_store()
        if enabled:
            self._read()

    def _make_way_for_the_store(self) -> None:
        """The store's name is the build's own (its staging folder lives there too): a
        file or a link in its place is removed, with a notice."""
        if self.store.is_symlink() or (self.store.exists() and not self.store.is_dir()):
            self.notice(
                f"{self.store}: a file where the build keeps its cache; replaced "
                f"by the cache folder"
            )
            try:
                self.store.unlink()
            except OSError as err:
                raise OutputError.writing(self.store, err) from None

    def _read(self) -> None:
        """The last build's record; one that does not read, or is not of the shape `save`
        writes, is a notice and an empty record (everything is built again)."""
        try:
            data = json.loads(self.record_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):  # no output folder yet
            return
        except (OSError, ValueError, RecursionError) as err:
            why = _unreadable(err, "the build record")
            self.notice(f"{self.record_path}: {why}; building everything again")
            return
        if isinstance(data, dict) and data.get("format") != FORMAT:
            return  # another version's record: a plain miss
        if not (
            isinstance(data, dict)
            and _is_map(data.get("sets"), _is_set_entry)
            and _is_map(data.get("outputs"), _is_output_entry)
        ):
            self.notice(
                f"{self.record_path}: not a build record of this version's shape; "
                f"building everything again"
            )
            return
        self.sets, self.outputs = data["sets"], data["outputs"]

    def save(self, prune: bool = True) -> None:
        """Write the record atomically; with `prune`, drop the traces no set refers to
        any more (and files of an older cache layout)."""
        data = {
            "format": FORMAT,
            "environment": self.environment,
            "sets": self.sets,
            "outputs": self.outputs,
        }
        try:
            _write_atomic(
                self.record_path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()
            )
        except OSError as err:
            if not self.record_broken:
                self.notice(
                    f"{self.record_path}: cannot be written ({_reason(err)}); the "
                    f"next build builds everything again"
                )
            self.record_broken = True
        live = {k for s in self.sets.values() for k in s.get("problems", ())}
        if prune and self.store.is_dir():
            for f in (*self.store.glob("*.json"), *self.store.glob("*.pickle")):
                if f.stem not in live and f.is_file():
                    f.unlink(missing_ok=True)

    # -- sets ---------------------------------------------------------------------------

    def set_is_fresh(self, name: str, key: str) -> bool:
        """The set's inputs are those of its last build and every PDF it wrote is intact."""
        found = self.sets.get(name)
        if not self.enabled or not found or found.get("key") != key:
            return False
        outputs = found.get("outputs")
        return (
            isinstance(outputs, dict)
            and bool(outputs)
            and all(self.output_is_fresh(rel, output_key) for rel, output_key in outputs.items())
        )

    def record_set(
        self, name: str, key: str, outputs: dict[str, str], problem_keys: Sequence[str]
    ) -> None:
        """The set's key, its PDFs with their keys (each must still be the PDF of that key
        for the set to be fresh) and its problems' keys (their derivations are kept)."""
        self.sets[name] = {"key": key, "outputs": dict(outputs), "problems": list(problem_keys)}

    # -- outputs ------------------------------------------------------------------------

    def output_is_fresh(self, rel: str, key: str) -> bool:
        found = self.outputs.get(rel)
        if not self.enabled or not found or found.get("key") != key:
            return False
        return _content(self.out_dir / rel) == found.get("content")

    def record_output(self, rel: str, key: str) -> None:
        self.outputs[rel] = {"key": key, "content": _content(self.out_dir / rel)}

    # -- proofs ---------------------------------------------------------------------------

    def trace(self, key: str) -> Any:
        """The JSON trace kept under `key` (generator/output/cached_proof.py says how it is
        reused), or None: missing is a quiet miss, malformed a miss with a notice."""
        if not self.enabled:
            return None
        path = self.store / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError, RecursionError) as err:
            why = _unreadable(err, "a cached trace")
            self.notice(f"{path}: {why}; deriving its problem again")
            return None
        if not (
            isinstance(data, dict)
            and data.get("tracetrick") == TRACE_KIND
            and isinstance(data.get("trace"), dict)
        ):
            self.notice(f"{path}: not a tracetrick trace; deriving its problem again")
            return None
        if data.get("version") != TRACE_VERSION:
            return None  # another version's: a plain miss
        return data["trace"]

    def keep_trace(self, key: str, derivation: Derivation) -> None:
        """Keep the verified derivation's JSON trace under `key`.  The cache only saves
        work: a record that cannot be written is a notice (once), not a failed build."""
        from generator.render.json_trace import trace_dict

        if self.store_broken:
            return
        data = {"tracetrick": TRACE_KIND, "version": TRACE_VERSION, "trace": trace_dict(derivation)}
        path = self.store / f"{key}.json"
        try:
            if path.is_dir() and not path.is_symlink():  # in our own store: make way
                shutil.rmtree(path)
            _write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
        except OSError as err:
            self.store_broken = True
            self.notice(
                f"{self.store}: the derivations cannot be kept ({_reason(err)}); "
                f"the next build derives them again"
            )


def _is_map(value: Any, entry_ok: Callable[[Any], bool]) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and entry_ok(v) for k, v in value.items()
    )


def _is_set_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and _is_map(entry.get("outputs"), lambda v: isinstance(v, str))
        and isinstance(entry.get("problems"), list)
        and all(isinstance(k, str) for k in entry["problems"])
    )


def _is_output_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and (entry.get("content") is None or isinstance(entry.get("content"), str))
    )


def _unreadable(err: BaseException, what: str) -> str:
    """Why a cache file did not read, in a few words; `what` it should have been."""
    if isinstance(err, IsADirectoryError):
        return f"a folder where {what} should be"
    if isinstance(err, (ValueError, RecursionError)):
        return f"not JSON (a damaged {what.split(' ', 1)[1]})"
    return _reason(err)


def _reason(err: BaseException) -> str:
    return (getattr(err, "strerror", None) or str(err)).lower()


def _write_atomic(path: Path, data: bytes) -> None:
    """Written beside, then renamed: a reader sees the old file or the new one.  Not
    synced to disk (unlike the PDFs): a cache file lost in a crash is only a miss."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
        raise
