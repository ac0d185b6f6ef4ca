"""The worker processes of a build (generator/output/build_parallel.py): the derivation
each one runs, its failure carried back by value, the modules imported before they are
forked, and their end with the build's."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

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
