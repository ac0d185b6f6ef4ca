"""The workers of a build (generator/output/build_parallel.py): the derivation each
worker process runs, its failure carried back by value, the modules imported before they
are forked and their end with the build's; the LaTeX and page jobs; and a Dask cluster
that takes both instead (`build --scheduler ADDRESS`)."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
from dataclasses import dataclass
from typing import Any

from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.problem.model import Problem


@dataclass(frozen=True)
class Failed:
    """A TracetrickError raised in a worker process, carried back by value."""

    kind: type
    message: str

    def error(self) -> TracetrickError:
        try:
            return self.kind(self.message)
        except TypeError:  # an error class with more arguments: keep the message
            return TracetrickError(self.message)


def die_with_parent(parent: int) -> None:
    """A worker ends when the build that started it ends, even by SIGKILL (which runs no
    clean-up in the build): Linux sends it SIGKILL then (PR_SET_PDEATHSIG).  Elsewhere the
    pool's own shutdown is all there is."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the line above: end now
        os._exit(1)


def derive_in_worker(problem: Problem, earlier: tuple = ()) -> Derivation | Failed:
    """Run in a worker process: the verified derivation (with the earlier problems of its
    sheet, when it cites one), or the error as a value."""
    from generator.api import derive

    try:
        return derive(problem, earlier)
    except TracetrickError as exc:
        return Failed(type(exc), str(exc))


def import_the_heavy_modules() -> None:
    """sympy, numpy, the engine and the renderers, once, before the worker processes are
    forked: they inherit them instead of importing them again."""
    import generator.api  # noqa: F401
    import generator.render.latex_sheet  # noqa: F401
    import generator.render.reference  # noqa: F401
    import generator.check.sympy_bridge  # noqa: F401


@dataclass(frozen=True)
class Cluster:
    """A Dask distributed cluster a build runs on (`build --scheduler ADDRESS`): its
    executor takes the derivations and the LaTeX runs as the local pools would, and
    `cores` is how many run at once.  Its workers need tracetrick and TeX Live installed;
    a PDF comes back as bytes, so they need no file system in common with the build."""

    client: Any
    executor: cf.Executor
    cores: int

    def close(self) -> None:
        self.executor.shutdown(wait=True)  # (Dask's executor cancels nothing on shutdown)
        self.client.close()


CONNECT_SECONDS = 10  # a scheduler that does not answer in this time is not there


def cluster_at(address: str) -> Cluster:
    """The cluster whose scheduler is at `address` (`tcp://host:8786`); a
    TracetrickError saying what to do when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise TracetrickError(
            "--scheduler runs the build on a Dask cluster, which needs Dask's distributed "
            "package: pip install 'tracetrick[cluster]' (or: pip install distributed)"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise TracetrickError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({err}); start one "
            f"with `dask scheduler` and workers with `dask worker {address}`, and give "
            f"the address it prints (tcp://host:8786)"
        ) from None
    cores = sum(client.nthreads().values())
    if cores == 0:
        client.close()
        raise TracetrickError(
            f"--scheduler {address}: the scheduler has no workers; start some with "
            f"`dask worker {address}`"
        )
    return Cluster(client, client.get_executor(), cores)


def typeset_job(tex: str, label: str) -> bytes:
    """A LaTeX run, on a worker thread or a cluster's worker: the PDF as bytes."""
    from generator.render.pdf import typeset

    return typeset(tex, label)


def page_job(text: str) -> bytes:
    """A Markdown or HTML page: its text, as the bytes of its file."""
    return text.encode("utf-8")
