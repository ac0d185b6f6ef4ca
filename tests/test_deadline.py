"""generator/check/deadline.py: sympy's time is limited, and a caller's own timer (the
fuzzer's) still fires after it."""
from __future__ import annotations

import signal
import time

import pytest

from generator.check import deadline


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_longer_than_its_limit_is_stopped():
    started = time.monotonic()
    with pytest.raises(deadline.OutOfTime):
        with deadline.within(0.2):
            _spin(5)
    assert time.monotonic() - started < 2


def test_an_outer_timer_still_fires_after_the_limit_and_is_never_outlived():
    class Outer(Exception):
        pass

    def outer(signum, frame):
        raise Outer

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with deadline.within(0.1):
            pass                      # done in time: nothing raised
        started = time.monotonic()
        with pytest.raises(Outer):    # the outer timer, set again with what was left
            _spin(5)
        assert time.monotonic() - started < 1.5
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(deadline.OutOfTime):   # ours is cut to what the outer has left
            with deadline.within(10):
                _spin(5)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_sympy_is_not_waited_for_past_its_seconds(monkeypatch):
    import generator.check.sympy_bridge as bridge
    from generator.check import verify
    from generator.problem.command_line import problem_from_text
    monkeypatch.setattr(verify, "SYMPY_SECONDS", 0.2)
    monkeypatch.setattr(bridge, "sympy_gradient", lambda *args: _spin(5))
    problem = problem_from_text("tr(A X)", "X")
    started = time.monotonic()
    assert verify.sympy_agrees(problem.objective, "X", problem.symbols, problem.objective) is None
    assert time.monotonic() - started < 2
