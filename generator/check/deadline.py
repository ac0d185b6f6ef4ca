"""A time limit for a call we cannot bound otherwise (sympy's matrix calculus, whose time
grows without warning: 20 s for an objective of 30 nodes and no inverse).

SIGALRM, so only in the main thread (where the CLI, the build's worker processes and a
notebook run a derivation); elsewhere `within` reports that it cannot limit, and the
caller does without.  A timer already running (a caller's own limit) is honoured: ours is
never longer than what is left of it, and it is set again afterwards with what remains,
so it still fires.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator, NoReturn


class OutOfTime(BaseException):
    """The limit of `within` ran out.  A BaseException, as KeyboardInterrupt is, so that
    the library it interrupts does not take it for one of its own errors and go on."""


def can_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block after `seconds` (only where `can_limit()`)."""

    def expire(signum: int, frame: object) -> NoReturn:
        raise OutOfTime

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # the caller's timer, with what is left of it (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))
