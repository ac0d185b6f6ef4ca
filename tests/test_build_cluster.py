"""`tracetrick build --scheduler ADDRESS`: the derivations and the LaTeX runs on a Dask
distributed cluster (a LocalCluster of two worker processes here), and the same sheets
as a build on this machine's cores."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import invoke
from pdf_helpers import pdf_text

distributed = pytest.importorskip("distributed", reason="installed by `make test`")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="TeX Live is installed by `make test`")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture
def problems(tmp_path: Path) -> Path:
    folder = tmp_path / "problems"
    (folder / "midterm").mkdir(parents=True)
    for name in ("04-trace-linear.yaml", "05-trace-quadratic.yaml", "06-linear-regression.yaml"):
        shutil.copy(ROOT / "problems" / name, folder)
    for path in (ROOT / "problems" / "midterm").iterdir():
        shutil.copy(path, folder / "midterm")
    return folder


def _tasks_run(cluster) -> set[str]:
    """The functions the cluster's scheduler has run tasks of."""
    with distributed.Client(cluster.scheduler_address) as client:
        return set(client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.task_prefixes)))


def test_a_build_on_a_cluster_writes_the_sheets_a_local_build_writes(cluster, problems,
                                                                      tmp_path):
    on_cluster, here = tmp_path / "cluster", tmp_path / "here"
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(problems), "-o",
                           str(on_cluster), "--scheduler", cluster.scheduler_address],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert invoke("build", str(problems), "-o", str(here)).exit_code == 0
    made = sorted(p.relative_to(on_cluster).as_posix() for p in on_cluster.rglob("*.pdf"))
    assert made == sorted(p.relative_to(here).as_posix() for p in here.rglob("*.pdf"))
    assert len(made) == 10   # three problems and a set of three, each with two sheets
    for name in made:
        assert pdf_text(on_cluster / name) == pdf_text(here / name), name
    assert {"derive_in_worker", "typeset_job"} <= _tasks_run(cluster)


def test_a_scheduler_that_is_not_there_is_one_clear_error(problems, tmp_path, monkeypatch):
    import generator.output.build_workers as workers
    monkeypatch.setattr(workers, "CONNECT_SECONDS", 1)
    result = invoke("build", str(problems), "-o", str(tmp_path / "out"), "--scheduler",
                    "tcp://127.0.0.1:9")
    assert result.exit_code == 1
    assert "cannot reach a Dask scheduler there" in result.output
    assert "dask worker tcp://127.0.0.1:9" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_problem_that_fails_on_the_cluster_is_reported_as_at_home(cluster, problems,
                                                                     tmp_path):
    """A derivation's error comes back from the worker by value: one line naming the
    file, and nothing is written."""
    (problems / "07-broken.yaml").write_text("title: Broken\nobjective: tr(A X)\nwrt: X\n"
                                             "expect: A\n")
    result = invoke("build", str(problems), "-o", str(tmp_path / "out"), "--scheduler",
                    cluster.scheduler_address)
    assert result.exit_code == 1
    assert "07-broken.yaml" in result.output and "expect" in result.output
    assert not list((tmp_path / "out").rglob("*.pdf"))
