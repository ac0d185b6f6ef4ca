"""The incremental, parallel build (generator/output/build_cache.py, generator/output/build_parallel.py),
through real builds with latexmk: what a rebuild derives and typesets again.

LaTeX runs are counted by wrapping generator.render.pdf.compile_pdf, derivations by
wrapping generator.api.derive (the process pool is held back, so they run in this
process); the process pool is exercised separately.  No test here measures time: that
is bench/'s job.
"""
from __future__ import annotations

import io
import os
import pickle
import shutil
from pathlib import Path

import pytest

import generator.api
import generator.output.build_parallel as build_parallel
import generator.render.pdf as pdf
from generator.output.build import build_directory
from generator.output.build_cache import RECORD_NAME, STORE_NAME, BuildCache, _SafeUnpickler
from generator.errors import TracetrickError
from pdf_helpers import pdf_text
from cli_helpers import problems_folder

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("latexmk") is None,
                                reason="latexmk is installed by `make test`")

TOP = ["worksheet.pdf", "solutions.pdf", "04-trace-linear.pdf", "05-trace-quadratic.pdf"]
EXTRA = ["extra/worksheet.pdf", "extra/solutions.pdf", "extra/01-trace-linear.pdf"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """problems/ with two problems at the top and a set `extra/` of one."""
    problems = tmp_path / "problems"
    (problems / "extra").mkdir(parents=True)
    for name in ("04-trace-linear.yaml", "05-trace-quadratic.yaml"):
        shutil.copy(ROOT / "problems" / name, problems)
    shutil.copy(ROOT / "problems/cookbook/01-trace-linear.yaml", problems / "extra")
    return problems


@pytest.fixture
def counted(monkeypatch) -> dict[str, list]:
    """The LaTeX runs (by sheet) and the derivations (by title) of the builds that follow."""
    calls: dict[str, list] = {"latex": [], "derive": []}
    compile_pdf, derive = pdf.compile_pdf, generator.api.derive

    def counting_compile(tex, out_pdf, **kwargs):
        calls["latex"].append(kwargs.get("source_label", ""))
        return compile_pdf(tex, out_pdf, **kwargs)

    def counting_derive(problem, *args, **kwargs):
        calls["derive"].append(problem.title)
        return derive(problem, *args, **kwargs)

    monkeypatch.setattr(pdf, "compile_pdf", counting_compile)
    monkeypatch.setattr(generator.api, "derive", counting_derive)
    monkeypatch.setattr(build_parallel, "MIN_POOL_PROBLEMS", 10**6)   # derive in-process
    return calls


def build(problems: Path, out: Path, **options) -> list[str]:
    options.setdefault("jobs", 2)
    return sorted(p.relative_to(out).as_posix() for p in build_directory(problems, out,
                                                                        **options))


def stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


def reset(counted: dict[str, list]) -> None:
    for calls in counted.values():
        calls.clear()


def test_a_first_build_writes_every_pdf_and_a_record(tree, tmp_path, counted):
    out = tmp_path / "out"
    assert build(tree, out) == sorted(TOP + EXTRA)
    assert len(counted["latex"]) == 7 and len(counted["derive"]) == 3
    assert (out / RECORD_NAME).is_file()
    assert len(list((out / STORE_NAME).glob("*.pickle"))) == 3
    assert not list((out / STORE_NAME).glob("staging-*"))   # staging is cleaned up


def test_a_rebuild_with_nothing_changed_derives_and_typesets_nothing(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    before = stamps(out)
    reset(counted)
    assert build(tree, out) == []
    assert counted == {"latex": [], "derive": []}
    assert stamps(out) == before


def test_a_change_to_one_problem_rebuilds_its_pdf_and_its_sets_sheets(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    before = stamps(out)
    path = tree / "05-trace-quadratic.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Edited, ", 1))
    reset(counted)
    written = build(tree, out)
    assert written == ["05-trace-quadratic.pdf", "solutions.pdf", "worksheet.pdf"]
    assert len(counted["latex"]) == 3
    assert counted["derive"] == ["Edited, Trace of quadratic product"]  # 04 came from the cache
    after = stamps(out)
    assert {k for k in after if after[k] != before[k]} == set(written)


def test_a_comment_in_a_problem_file_changes_no_pdf(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    path = tree / "extra/01-trace-linear.yaml"
    path.write_text("# a comment changes the file, not the problem\n" + path.read_text())
    reset(counted)
    assert build(tree, out) == []
    assert counted == {"latex": [], "derive": []}


def test_a_deleted_or_altered_pdf_is_typeset_again_alone(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    (out / "04-trace-linear.pdf").unlink()
    (out / "extra/solutions.pdf").write_bytes(b"not the PDF the build wrote")
    reset(counted)
    assert build(tree, out) == ["04-trace-linear.pdf", "extra/solutions.pdf"]
    assert counted["derive"] == []            # both derivations came from the cache


def test_force_rebuilds_everything(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    reset(counted)
    assert build(tree, out, force=True) == sorted(TOP + EXTRA)
    assert len(counted["derive"]) == 3        # force trusts no cached derivation either


def test_a_new_environment_derives_again_and_typesets_what_it_changed(tree, tmp_path, counted,
                                                                     monkeypatch):
    out = tmp_path / "out"
    build(tree, out)
    reset(counted)
    # Another release, an edited rule or template: no set or derivation is trusted ...
    monkeypatch.setattr(build_parallel, "environment_digest", lambda *_: "another release")
    assert build(tree, out) == []             # ... but these sheets' LaTeX is the same
    assert len(counted["derive"]) == 3 and counted["latex"] == []
    reset(counted)
    import generator.output.sheets as build_module    # a template change that shows on every sheet
    sheet_tex = build_module.sheet_tex
    monkeypatch.setattr(build_module, "sheet_tex",
                        lambda *a, **k: sheet_tex(*a, **k).replace("Problem", "Exercise"))
    monkeypatch.setattr(build_parallel, "environment_digest", lambda *_: "a new template")
    assert build(tree, out) == sorted(TOP + EXTRA)


def test_a_broken_problem_stops_the_rebuild_and_leaves_the_output_as_it_was(tree, tmp_path):
    out = tmp_path / "out"
    build(tree, out)
    before = stamps(out)
    path = tree / "04-trace-linear.yaml"
    text = path.read_text()
    path.write_text(text.replace("objective: tr(A X)", "objective: tr(A X"))
    with pytest.raises(TracetrickError, match="04-trace-linear.yaml"):
        build(tree, out)
    assert stamps(out) == before
    path.write_text(text)
    assert build(tree, out) == []             # the record still describes the output


def test_the_process_pool_builds_and_reports_a_failed_derivation(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(build_parallel, "MIN_POOL_PROBLEMS", 1)
    out = tmp_path / "out"
    progress: list[tuple[int, int, str]] = []
    written = build(tree, out, jobs=2, progress=lambda *a: progress.append(a))
    assert written == sorted(TOP + EXTRA)
    assert [d for d, _, _ in progress] == list(range(1, 8))    # one tick per PDF
    assert {t for _, t, _ in progress} == {7}
    assert sorted(label for _, _, label in progress) == sorted(TOP + EXTRA)
    before = stamps(out)
    # A wrong `expect:` fails inside a worker process; the error comes back whole.
    path = tree / "05-trace-quadratic.yaml"
    path.write_text(path.read_text().replace("expect: (A + A^T) X", "expect: A X"))
    with pytest.raises(TracetrickError, match="differs from the expected"):
        build(tree, out, jobs=2)
    assert stamps(out) == before
    assert not list((out / STORE_NAME).glob("staging-*"))


def test_a_problem_that_cites_an_earlier_one_is_derived_with_it(tmp_path, counted):
    problems = problems_folder(tmp_path, "05-trace-quadratic.yaml", "06-linear-regression.yaml",
                               source="problems/notes")
    out = tmp_path / "out"
    build(problems, out)
    # Each problem on its own, then Problem 6 again, with Problem 5 before it.
    assert counted["derive"] == ["Trace of quadratic product", "Linear regression",
                                 "Linear regression"]
    assert "in Problem 5" in pdf_text(out / "06-linear-regression.pdf")
    # Problem 5's title changes, its result does not: Problem 6 is derived with it again
    # (its sheet might have changed), but its LaTeX is the same: not typeset again.
    path = problems / "05-trace-quadratic.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Renamed, ", 1))
    reset(counted)
    assert build(problems, out) == ["05-trace-quadratic.pdf", "solutions.pdf", "worksheet.pdf"]
    assert counted["derive"] == ["Renamed, Trace of quadratic product", "Linear regression"]




def test_two_sets_sharing_a_problem_derive_it_once(tree, tmp_path, counted):
    shutil.copy(tree / "04-trace-linear.yaml", tree / "extra" / "04-trace-linear.yaml")
    out = tmp_path / "out"
    written = build(tree, out)
    assert "extra/04-trace-linear.pdf" in written and "04-trace-linear.pdf" in written
    assert sorted(counted["derive"]).count("Trace of a linear product") <= 1


def test_the_cache_builds_only_the_projects_data_classes(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError):
        _SafeUnpickler(io.BytesIO(pickle.dumps(Boom()))).load()
    cache = BuildCache(tmp_path, "env")
    (tmp_path / STORE_NAME).mkdir()
    (tmp_path / STORE_NAME / "k.pickle").write_bytes(pickle.dumps(Boom()))
    assert cache.derivation("k") is None      # refused: a miss, never an error
    (tmp_path / STORE_NAME / "t.pickle").write_bytes(b"\x80\x05truncated")
    assert cache.derivation("t") is None


# ----- a cache is a file anyone may change (issue 11) ----------------------------------------

def test_a_tampered_cached_derivation_is_checked_again_and_derived_afresh(tree, tmp_path, counted):
    import dataclasses
    import pickle
    from generator.math.expr import Inverse, Transpose, Symbol
    out = tmp_path / "out"
    build(tree, out)
    for stored in (out / STORE_NAME).glob("*.pickle"):    # every gradient swapped for X^-T
        derivation = pickle.loads(stored.read_bytes())
        wrong = Inverse(Transpose(Symbol(derivation.problem.wrt)))
        stored.write_bytes(pickle.dumps(dataclasses.replace(derivation, gradient=wrong)))
    path = tree / "05-trace-quadratic.yaml"    # the set is planned again: its cache is read
    path.write_text(path.read_text().replace("title: ", "title: Edited, ", 1))
    reset(counted)
    build(tree, out)
    # the untouched problem's cached answer failed its fresh check: derived again
    assert sorted(counted["derive"]) == sorted(
        ["Trace of linear product", "Edited, Trace of quadratic product"])


def test_a_pdf_changed_in_place_with_its_size_and_time_kept_is_typeset_again(tree, tmp_path,
                                                                             counted):
    import os
    out = tmp_path / "out"
    build(tree, out)
    pdf_path = out / "04-trace-linear.pdf"
    data, st = pdf_path.read_bytes(), pdf_path.stat()
    pdf_path.write_bytes(data[:-10] + b"%tampered!")     # same size
    os.utime(pdf_path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same time
    reset(counted)
    assert build(tree, out) == ["04-trace-linear.pdf"]
    assert pdf_path.read_bytes() != data[:-10] + b"%tampered!"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_killed_build_leaves_no_worker_running(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build",
                             str(ROOT / "problems" / "cookbook"), "-o", str(tmp_path / "out"),
                             "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.05)
    if not workers:
        proc.kill()
        pytest.skip("the build finished before its workers could be seen")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
