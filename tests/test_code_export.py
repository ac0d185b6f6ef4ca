"""The code export (`--format python|jax|torch`) against JAX's and PyTorch's autodiff.

For every identity of the corpus, and each of the two libraries: the derivatives the
exported numpy function and the library's own export return (the printed answers,
translated) are compared with the library's autodiff (`jax.grad` / `jax.jacobian` /
`jax.hessian`; `torch.autograd.functional`) of its export's value (the objective alone,
translated): an independent check of every answer, on random inputs.  The checks run in
a process of their own (tests/autodiff_check.py): JAX and PyTorch start threads, and the
build's process pools fork, which must not happen in a process that holds them.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.long_setup   # the autodiff check: about 20 s before its first test


LIBRARIES = ("jax", "torch")


@pytest.fixture(scope="module")
def autodiff_results() -> dict:
    """library -> identity -> what tests/autodiff_check.py measured."""
    results = {}
    for library in LIBRARIES:
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "autodiff_check.py"),
                               library], capture_output=True, text=True, cwd=ROOT,
                              timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]
        results[library] = json.loads(done.stdout)
    return results


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("row", CORPUS, ids=[row.id for row in CORPUS])
def test_the_exported_derivatives_are_the_librarys_autodiff(row, library, autodiff_results):
    result = autodiff_results[library][row.id]
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


def test_the_json_trace_carries_the_numpy_function():
    from cli_helpers import invoke
    as_json = invoke("derive", "tr(X^T A X)", "--wrt", "X", "--format", "json")
    as_code = invoke("derive", "tr(X^T A X)", "--wrt", "X", "--format", "python")
    assert as_json.exit_code == 0 and as_code.exit_code == 0
    assert json.loads(as_json.output)["code"] == as_code.output


def test_every_shipped_problem_exports_code_that_parses():
    """Networks with named results included: `z = W1 x + b1` is computed above its use."""
    from generator.output.sheets import derive_all
    from generator.problem.sets import load_set
    from generator.render.code import export
    root = ROOT / "problems"
    count = 0
    for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
        for derivation in derive_all(load_set(folder, root if folder == root else folder).problems):
            for backend in ("python", "torch", "jax"):
                compile(export(derivation, backend).text, derivation.problem.title, "exec")
            count += 1
    assert count >= 50


def test_a_solutions_page_shows_the_code_the_problem_asks_for(tmp_path):
    """`code: python` in a file, or `--code`, on a Markdown or HTML page: the function
    under the answer on the solutions, not on the worksheet; elsewhere a usage error."""
    from cli_helpers import invoke
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "01-ls.yaml").write_text("title: Least squares\nnumber: 1\n"
                                       "objective: \"||A x - b||^2\"\nwrt: x\ncode: python\n")
    (folder / "02-tr.yaml").write_text("title: A trace\nnumber: 2\nobjective: tr(A X)\n"
                                       "wrt: X\n")
    out = tmp_path / "out"
    assert invoke("build", str(folder), "-o", str(out), "--format", "markdown").exit_code == 0
    solutions = (out / "solutions.md").read_text()
    assert "```python\nimport numpy as np" in solutions
    assert solutions.count("import numpy as np") == 1   # the second problem asks for none
    assert "import numpy" not in (out / "worksheet.md").read_text()
    page = invoke("derive", "tr(X^T A X)", "--wrt", "X", "--code", "jax", "--format", "html")
    assert page.exit_code == 0
    assert '<pre class="code"><code class="language-python">import jax' in page.output
    assert "grad_X = (A + A.T) @ X" in page.output
    for args in (("derive", "tr(A X)", "--wrt", "X", "--code", "python"),   # text
                 ("build", str(folder), "-o", str(tmp_path / "pdf"), "--code", "torch")):
        refused = invoke(*args)
        assert refused.exit_code == 2 and "--code shows the answer's code" in refused.output
