"""Helpers the benchmark scripts share: the machine, timed commands, peak memory.

Every figure is measured on this machine in this run; the baseline of each goal is
measured in the same run, alternating with the project (A B A B ...) so that a busy
moment of the machine falls on both alike.
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence

# sympy's deprecation warnings, from inside its matrix calculus (the baseline's), are
# not the bench's to print
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"sympy\.")

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT / "tests"))   # the corpus of identities (tests/corpus.py)


def tracetrick_command() -> list[str]:
    """The installed console script beside this Python, else `python -m generator`."""
    script = Path(PYTHON).parent / "tracetrick"
    return [str(script)] if script.exists() else [PYTHON, "-m", "generator"]


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine() -> str:
    """`Intel(R) Xeon(R) ... , 2 cores, 23.5 GB, Linux 6.1, Python 3.11.7`."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{model}, {cpu_count()} cores{memory}, {platform.system()} "
            f"{platform.release().split('-')[0]}, Python {platform.python_version()}")


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def run_timed(command: Sequence[str], *, cwd: Path | None = None, env: dict | None = None,
              check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one command (a new process: a cold start of the program)."""
    start = time.perf_counter()
    proc = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-2000:]}")
    return elapsed, proc


def alternate(rounds: int, *runs: Callable[[], float]) -> list[list[float]]:
    """Run each callable once per round, in turn; their times, per callable."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for index, run in enumerate(runs):
            times[index].append(run())
    return times


# ----- memory: the proportional set size of a whole process tree -------------------------

def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        pass
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's, a library's) are counted
    once across the processes that share them, so the sum over a tree is honest."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    pids, seen, total = [pid], set(), 0
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _pss_kb(p)
        pids += _children(p)
    return total / 1024


def run_with_peak_memory(command: Sequence[str], *, cwd: Path | None = None,
                         interval: float = 0.05
                         ) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak MB of the process and all its children, sampled every
    `interval` s, the completed process).  Without /proc the peak is 0."""
    start = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_pss_mb(process.pid))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    proc = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return elapsed, peak, proc


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(r) for r in rows)])
