"""The incremental, parallel build (generator/output/build_cache.py, generator/output/build_parallel.py),
through real builds with pdflatex: what a rebuild derives and typesets again.

LaTeX runs are counted by wrapping generator.render.pdf.typeset, derivations by
wrapping generator.api.derive (the process pool is held back, so they run in this
process); the process pool is exercised separately.  No test here measures time: that
is bench/'s job.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import generator.api
import generator.output.build_parallel as build_parallel
import generator.render.pdf as pdf
from generator.output.build import build_directory
from generator.output.build_cache import RECORD_NAME, STORE_NAME, TRACE_KIND, TRACE_VERSION
from generator.syntax.parser import parse
from generator.errors import TracetrickError
from pdf_helpers import pdf_text
from cli_helpers import problems_folder

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="TeX Live is installed by `make test`")

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
    """The LaTeX runs (by sheet) and the checked derivations (by title) of the builds that
    follow."""
    calls: dict[str, list] = {"latex": [], "derive": []}
    typeset, derive = pdf.typeset, generator.api.derive

    def counting_typeset(tex, label, **kwargs):
        calls["latex"].append(label)
        return typeset(tex, label, **kwargs)

    def counting_derive(problem, *args, **kwargs):
        if kwargs.get("verify", True):   # a cached trace is matched by an unchecked derivation
            calls["derive"].append(problem.title)
        return derive(problem, *args, **kwargs)

    monkeypatch.setattr(pdf, "typeset", counting_typeset)
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
    assert len(list((out / STORE_NAME).glob("*.json"))) == 3
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


def test_the_environment_is_every_source_file_of_the_package():
    """An edited rule (engine/), printer (syntax/) or check (check/) changes what a build
    makes: the environment covers the whole package, not the folder the cache is in."""
    from generator.output.build_cache import PACKAGE_DIR, package_sources
    import generator
    assert PACKAGE_DIR == Path(generator.__file__).resolve().parent
    folders = {p.relative_to(PACKAGE_DIR).parts[0] for p in package_sources()}
    assert {"engine", "syntax", "check", "math", "render", "output", "api.py"} <= folders


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


def test_the_cache_keeps_the_contracts_json_trace_of_each_derivation(tree, tmp_path):
    out = tmp_path / "out"
    build(tree, out)
    kept = [json.loads(f.read_text()) for f in (out / STORE_NAME).glob("*.json")]
    assert kept and all(k["tracetrick"] == TRACE_KIND and k["version"] == TRACE_VERSION
                        for k in kept)
    for trace in (k["trace"] for k in kept):
        assert {"title", "objective", "wrt", "steps", "gradient", "verified"} <= set(trace)
        parse(trace["gradient"])          # the contract's syntax, read back
    assert not list(out.rglob("*.pickle"))


# ----- a cache is a file anyone may change (issue 11) ----------------------------------------

def _edit_one_problem(tree: Path, edit: str = "Edited") -> None:
    """A change that plans the top set again, so its problems' traces are read."""
    path = tree / "05-trace-quadratic.yaml"
    path.write_text(path.read_text().replace("title: ", f"title: {edit}, ", 1))


def _tamper_every_trace(out: Path, change) -> None:
    for stored in (out / STORE_NAME).glob("*.json"):
        data = json.loads(stored.read_text())
        change(data)
        stored.write_text(json.dumps(data))


def _rebuild_with_notices(tree: Path, out: Path, counted, edit: str = "Edited") -> list[str]:
    notices: list[str] = []
    _edit_one_problem(tree, edit)
    reset(counted)
    build(tree, out, notice=notices.append)
    return notices


@pytest.mark.parametrize("change, why", [
    (lambda d: d["trace"].update(gradient="X^-T"), "its lines are not those derived now"),
    (lambda d: d["trace"]["steps"][0].update(expr="0"), "its lines are not those derived now"),
    (lambda d: d["trace"]["verified"].update(trials="3"), "its record of the check is malformed"),
    (lambda d: d["trace"].pop("verified"), "it records no check"),
])
def test_a_tampered_trace_is_a_notice_and_its_problem_is_derived_afresh(tree, tmp_path, counted,
                                                                       change, why):
    out = tmp_path / "out"
    build(tree, out)
    _tamper_every_trace(out, change)
    notices = _rebuild_with_notices(tree, out, counted)
    # the untouched problem's trace did not prove it: derived again, and said so once
    assert sorted(counted["derive"]) == sorted(
        ["Trace of linear product", "Edited, Trace of quadratic product"])
    assert len(notices) == 1 and why in notices[0] and "04-trace-linear.yaml" in notices[0]


def test_a_trace_whose_answer_fails_a_fresh_check_is_derived_again(tree, tmp_path, counted,
                                                                   monkeypatch):
    """The lines agree (the engine is the one that wrote them) but the answer is checked
    again in this run: here the check is made to fail, as it would for an engine that
    went wrong after the trace was kept."""
    import generator.output.cached_proof as cached_proof
    out = tmp_path / "out"
    build(tree, out)
    monkeypatch.setattr(cached_proof, "answer_holds", lambda derivation: False)
    notices = _rebuild_with_notices(tree, out, counted)
    assert "Trace of linear product" in counted["derive"]
    assert any("fails the check on fresh values" in n for n in notices)


def test_a_trace_the_check_accepts_is_reused_without_deriving_in_full(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    notices = _rebuild_with_notices(tree, out, counted)
    assert counted["derive"] == ["Edited, Trace of quadratic product"] and notices == []


@pytest.mark.parametrize("damage, said", [
    (lambda f: f.write_text("{not json"), "not JSON"),
    (lambda f: f.write_text("[1, 2, 3]"), "not a tracetrick trace"),
    (lambda f: f.write_text('{"tracetrick": "cached trace", "version": 1, "trace": 7}'),
     "not a tracetrick trace"),
    (lambda f: (f.unlink(), f.mkdir(), (f / "x").write_text("x")),
     "a folder where a cached trace should be"),
])
def test_a_damaged_trace_file_is_a_notice_and_a_miss(tree, tmp_path, counted, damage, said):
    out = tmp_path / "out"
    build(tree, out)
    for stored in (out / STORE_NAME).glob("*.json"):
        if json.loads(stored.read_text())["trace"]["title"] == "Trace of linear product":
            damage(stored)
    notices = _rebuild_with_notices(tree, out, counted)
    assert "Trace of linear product" in counted["derive"]
    assert len(notices) == 1 and said in notices[0]
    # the trace written in its place proves it in the next build
    assert _rebuild_with_notices(tree, out, counted, "Again") == []
    assert counted["derive"] == ["Again, Edited, Trace of quadratic product"]


@pytest.mark.parametrize("record", [
    '{"format": 3, "sets": [1, 2], "outputs": {}}',
    '{"format": 3, "sets": {"": {"key": 5}}, "outputs": {}}',
    '{"format": 3, "sets": {}, "outputs": {"a.pdf": "b"}}',
    "nonsense",
])
def test_a_build_record_of_the_wrong_shape_builds_everything_with_a_notice(tree, tmp_path,
                                                                           record):
    out = tmp_path / "out"
    build(tree, out)
    (out / RECORD_NAME).write_text(record)
    notices: list[str] = []
    assert set(build(tree, out, notice=notices.append)) == set(TOP + EXTRA)
    assert len(notices) == 1 and RECORD_NAME in notices[0]
    assert build(tree, out) == []     # the record written is whole again


def test_a_build_record_that_is_a_folder_is_a_notice_and_the_build_succeeds(tree, tmp_path):
    out = tmp_path / "out"
    build(tree, out)
    (out / RECORD_NAME).unlink()
    (out / RECORD_NAME).mkdir()
    notices: list[str] = []
    assert set(build(tree, out, notice=notices.append)) == set(TOP + EXTRA)
    assert any("a folder where the build record should be" in n for n in notices)
    assert any("cannot be written" in n for n in notices)


def test_a_cache_folder_that_is_a_file_is_replaced_with_a_notice(tree, tmp_path, counted):
    out = tmp_path / "out"
    build(tree, out)
    shutil.rmtree(out / STORE_NAME)
    (out / STORE_NAME).write_text("in the way")
    notices = _rebuild_with_notices(tree, out, counted)
    assert (out / STORE_NAME).is_dir() and len(notices) == 1 and STORE_NAME in notices[0]
    assert len(counted["derive"]) == 2      # the top set's: no trace, derived again, kept
    assert len(list((out / STORE_NAME).glob("*.json"))) == 2


def test_a_pdf_changed_in_place_with_its_size_and_time_kept_is_typeset_again(tree, tmp_path,
                                                                             counted):
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


def test_the_build_command_prints_a_damaged_cache_as_one_line_and_succeeds(tree, tmp_path):
    from cli_helpers import build_process
    out = tmp_path / "out"
    assert build_process(tree, out).returncode == 0
    for stored in (out / STORE_NAME).glob("*.json"):
        stored.write_text("{damaged")
    _edit_one_problem(tree)
    done = build_process(tree, out)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("tracetrick: ")]
    assert len(said) == 1 and "not JSON" in said[0] and "deriving its problem again" in said[0]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("changed, shows", [
    ({"sympy": True}, "own matrix derivative agrees"),
    ({"edition": "student"}, None),
])
def test_a_build_with_other_sheet_options_is_not_up_to_date(tree, tmp_path, counted, changed,
                                                            shows):
    """`--sympy` (or `--edition`) after a build without it: the sheets it changes are
    typeset again (the worksheets, which show no check, stay as they were)."""
    from generator.render.sheet_options import SheetOptions
    out = tmp_path / "out"
    build(tree, out)
    plain = pdf_text(out / "solutions.pdf")
    reset(counted)
    written = build(tree, out, options=SheetOptions(**changed))
    assert {"solutions.pdf", "extra/solutions.pdf"} <= set(written)
    assert "worksheet.pdf" not in written
    again = " ".join(pdf_text(out / "solutions.pdf").split())
    assert again != " ".join(plain.split()) and (shows is None or shows in again)
