"""LaTeX source -> PDF with pdflatex, locked down, and outputs replaced atomically.

- Every run is locked down (no shell escape, kpathsea paranoid, a timeout): see
  generator/render/tex_process.py.
- The preamble is read from a cached format (generator/render/tex_format.py), and
  pdflatex runs once, again only while its log asks for it (a label that changed): a
  sheet has no cross-references, so one pass gives the PDF two passes would.
- The build runs in a fresh temporary directory, so stale .aux files never leak in
  and a failed build leaves nothing behind.
- The PDF is moved into place with os.replace from a file in the same directory:
  a reader never sees half a PDF, and a failed build leaves the previous one as it was.
- A failure becomes a LatexError carrying LaTeX's first error, its line in the .tex,
  and the problem whose LaTeX that line belongs to (each problem's part of a sheet
  starts with a PROBLEM_MARKER comment naming it), which is what someone fixing a
  template or a problem needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.errors import LatexError, OutputError
from generator.render.tex_format import format_for
from generator.render.tex_process import JOB, Deadline, pdflatex_command, run_tex

TIMEOUT_SECONDS = 120
MOST_PASSES = 4  # pdflatex runs of one PDF: a label settles in two, a page reference in three
# what a log says when the next pass would typeset differently (LaTeX's labels,
# rerunfilecheck's outlines, longtable's widths)
_RERUN = re.compile(r"\bRerun\b|\bPlease rerun\b")
INSTALL_HINT = (
    "run `make pdf` (it installs TeX Live when it can), or install it yourself:\n"
    "  sudo apt-get install --no-install-recommends texlive-latex-base "
    "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk "
    "poppler-utils"
)

# `./sheet.tex:12: Undefined control sequence.` (-file-line-error), or TeX's own `! ...`.
_FILE_LINE_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+): (?P<message>.*)$")
_BANG_ERROR = re.compile(r"^! (?P<message>.*)$")
_CONTEXT_LINE = re.compile(r"^l\.(?P<line>\d+)")
PROBLEM_MARKER = "% tracetrick problem: "


def problem_marker(label: str) -> str:
    """The comment line that starts a problem's part of a sheet: `% tracetrick problem:
    Problem 5 (problems/05.yaml:1)`.  Only printable characters are kept, so the label
    (a file name is user text) cannot end the comment and reach TeX."""
    return PROBLEM_MARKER + "".join(c for c in label if c.isprintable())


def problem_at(tex_source: str, line: int) -> str:
    """The label of the problem whose part of the .tex holds `line`, or ''."""
    for text in reversed(tex_source.splitlines()[:line]):
        if text.startswith(PROBLEM_MARKER):
            return text[len(PROBLEM_MARKER) :]
    return ""


def _read_umask() -> int:
    """The process umask (only readable by setting it; done once, at import)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def compile_pdf(
    tex_source: str, out_pdf: Path, *, source_label: str = "", timeout: float = TIMEOUT_SECONDS
) -> None:
    """Typeset `tex_source` into `out_pdf`; on any failure raise LatexError and leave
    an existing `out_pdf` untouched.  `source_label` names the source in messages
    (e.g. "solutions" or "problems/05.yaml"); `timeout` is in seconds, for all of it."""
    out_pdf = Path(out_pdf)
    pdf = typeset(tex_source, source_label or out_pdf.name, timeout=timeout)
    write_bytes_atomic(out_pdf, pdf)


def typeset(tex_source: str, label: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of `tex_source`, as bytes (what a build's worker on another machine sends
    back); LatexError naming `label` on any failure."""
    if shutil.which("pdflatex") is None:
        raise LatexError(
            f"{label}: cannot typeset the PDF: pdflatex is not installed (or "
            f"not on PATH); {INSTALL_HINT}"
        )
    deadline = Deadline.after(timeout)
    with tempfile.TemporaryDirectory(prefix="tracetrick-tex-") as build:
        build_dir = Path(build)
        (build_dir / f"{JOB}.tex").write_text(tex_source, encoding="utf-8")
        output = _typeset(
            build_dir, _format_in(build_dir, tex_source, label, deadline), label, deadline
        )
        built = build_dir / f"{JOB}.pdf"
        if output.returncode != 0 or not built.is_file():
            raise LatexError(_failure_message(build_dir, tex_source, output.stdout, label))
        return built.read_bytes()


def _format_in(build_dir: Path, tex_source: str, label: str, deadline: Deadline) -> str | None:
    """The name of the preamble's format, linked into `build_dir` (a hard link: the
    cache may prune it while pdflatex reads it), or None to read the whole source."""
    cached = format_for(tex_source, label, deadline)
    if cached is None:
        return None
    here = build_dir / f"preamble{cached.suffix}"
    try:
        os.link(cached, here)
    except OSError:  # another file system, or pruned meanwhile
        try:
            shutil.copyfile(cached, here)
        except OSError:
            return None
    return here.stem


def _typeset(
    build_dir: Path, format_name: str | None, label: str, deadline: Deadline
) -> subprocess.CompletedProcess[str]:
    """pdflatex until its log no longer asks for another pass (at most MOST_PASSES)."""
    for _ in range(MOST_PASSES):
        output = run_tex(pdflatex_command(f"{JOB}.tex", format_name), build_dir, label, deadline)
        if output.returncode != 0 or not _RERUN.search(_log(build_dir)):
            break
    return output


def _log(build_dir: Path) -> str:
    path = build_dir / f"{JOB}.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _failure_message(build_dir: Path, tex_source: str, stdout: str, label: str) -> str:
    """LaTeX's first error, where it is, and the offending line of the .tex."""
    found = first_latex_error(_log(build_dir) or stdout)
    if found is None:
        tail = "\n".join(stdout.strip().splitlines()[-15:])
        return f"{label}: LaTeX failed without an error message in its log:\n{tail}"
    file, line, message = found
    if file in ("", f"{JOB}.tex"):
        where = f"line {line} of the .tex" if line else "the .tex"
        source_lines = tex_source.splitlines()
        shown = source_lines[line - 1].strip() if 0 < line <= len(source_lines) else ""
        origin = problem_at(tex_source, line) if line else ""
        if origin:
            where += f", in {origin}"
        text = f"{label}: LaTeX error at {where}: {message}"
        return f"{text}\n  {line}: {shown}" if shown else text
    return f"{label}: LaTeX error in {file}, line {line}: {message}"


def first_latex_error(log: str) -> tuple[str, int, str] | None:
    """(file, line, message) of the first error in a TeX log; file "" means the main .tex.

    With -file-line-error TeX writes `./sheet.tex:12: message`; some errors still
    come as `! message` followed by a context line `l.12 ...`.
    """
    lines = log.splitlines()
    for index, text in enumerate(lines):
        match = _FILE_LINE_ERROR.match(text)
        if match:
            file = match["file"].removeprefix("./")
            return file, int(match["line"]), match["message"].strip()
        match = _BANG_ERROR.match(text)
        if match:
            for later in lines[index + 1 : index + 30]:
                context = _CONTEXT_LINE.match(later)
                if context:
                    return "", int(context["line"]), match["message"].strip()
            return "", 0, match["message"].strip()
    return None


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: written beside it, then renamed over it.
    A file that cannot be written (no such folder, no permission, a full disk) is an
    OutputError naming it; whatever was there stays as it was."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError.writing(path, err) from None
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide outputs from others
        os.replace(tmp_name, path)
    except OSError as err:
        Path(tmp_name).unlink(missing_ok=True)
        raise OutputError.writing(path, err) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Replace the text file `path` atomically (UTF-8): for .tex, .json, .md outputs."""
    write_bytes_atomic(path, text.encode("utf-8"))
