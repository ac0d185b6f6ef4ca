"""Jupyter: the example notebook of the docs (docs/notebook.ipynb) executed in a real
kernel with nbclient: `%load_ext generator`, the `%%derive` cell magic, and a Derivation
shown as its worked sheet (Markdown) and its answer (LaTeX)."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from generator.cli import derive_cell

ROOT = Path(__file__).resolve().parents[1]


def _outputs(cell) -> dict:
    data: dict = {}
    for output in cell.outputs:
        data.update(output.get("data", {}))
        if output.output_type == "stream":
            data[output.name] = data.get(output.name, "") + output.text
    return data


def test_the_docs_notebook_runs_and_shows_the_derivations(tmp_path):
    notebook = nbformat.read(ROOT / "docs" / "notebook.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    magic, python = [c for c in notebook.cells if c.cell_type == "code"][1:]
    shown = _outputs(magic)
    assert "Answer:" in shown["text/markdown"] and "(A + A^{T}) X" in shown["text/markdown"]
    assert shown["text/latex"] == r"$$\nabla_{X} L = (A + A^{T}) X$$"
    printed = _outputs(python)
    assert printed["stdout"].strip() == \
        "2 A^T (A x - b) | (A^T A)^-1 A^T b | (A^T A is invertible,)"
    assert "Setting the gradient to zero" in printed["text/markdown"]


def test_a_bad_cell_is_one_paragraph_not_a_traceback(capsys):
    assert derive_cell("--wrt X", "tr(A X") is None
    assert derive_cell("--wrong-option", "tr(A X)") is None
    err = capsys.readouterr().err
    assert "error: unbalanced '('" in err and "no such option '--wrong-option'" in err.lower()
    assert "Traceback" not in err
