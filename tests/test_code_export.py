"""The code export (`--format python|jax|torch`) against JAX's own autodiff.

For every identity of the corpus: the exported numpy function's derivative (the
printed answer, translated) is compared with `jax.grad` / `jax.jacobian` /
`jax.hessian` of the exported JAX function's value (the objective alone, translated):
an independent check of every answer, on random inputs.  The checks run in a process
of their own (tests/jax_check.py): JAX starts threads, and the build's process pools
fork, which must not happen in a process that holds them.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def jax_results() -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "jax_check.py")],
                          capture_output=True, text=True, cwd=ROOT, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("row", CORPUS, ids=[row.id for row in CORPUS])
def test_the_exported_derivative_is_jaxs(row, jax_results):
    result = jax_results[row.id]
    assert not result["failure"], result["failure"]
    assert result["checked"] >= 1, f"no draw in the domain of {row.objective}"
    assert result["largest_error"] < 1e-8


def test_derive_writes_code_for_each_library_from_the_command_line(tmp_path):
    for fmt, first in (("python", "import numpy as np"), ("jax", "import jax"),
                       ("torch", "import torch")):
        done = subprocess.run([sys.executable, "-m", "generator", "derive", "--format", fmt,
                               "--wrt", "X", "--", "tr(X^T A X)"], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(first)
        compile(done.stdout, f"<{fmt}>", "exec")   # it parses as Python
        assert "grad_X = (A + A.T) @ X" in done.stdout
