"""The layout holds: no module imports another that imports it back (imports inside
functions count too), and the top of the package stays small, grouped by concern."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of the package it imports, anywhere in its body."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in paths}
    for module, path in paths.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = module.split(".")
                if node.level:
                    base = base[:len(base) - node.level + (1 if is_package else 0)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
            else:
                continue
            graph[module] |= {t for t in targets if t in graph and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walk_finds_a_cycle_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_that_imports_it_back():
    graph = import_graph()
    assert "generator.engine.differential" in graph["generator.api"]   # the walk sees imports
    assert cycles(graph) == []


def test_the_top_of_the_package_is_grouped_by_concern():
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules
    for concern in ("math", "syntax", "problem", "engine", "check", "render", "output"):
        assert (PACKAGE / concern / "__init__.py").is_file(), concern


@pytest.mark.parametrize("lower, upper", [
    ("generator.engine", ("generator.render", "generator.output", "generator.cli",
                          "generator.api", "generator.problem")),
    ("generator.math", ("generator.engine", "generator.render", "generator.check",
                        "generator.problem", "generator.output")),
    ("generator.check", ("generator.render", "generator.output", "generator.cli")),
    ("generator.derivation", ("generator.render",)),
])
def test_the_engine_records_and_never_lays_out(lower, upper):
    """Data flows one way: the engine and the tree know nothing of sheets, files or the
    command line (the sheet is generator.render.sheet's function of the records)."""
    graph = import_graph()
    for module, targets in graph.items():
        if module == lower or module.startswith(lower + "."):
            assert not {t for t in targets if t.startswith(upper)}, module


def test_every_source_file_compiles_without_a_warning():
    """An invalid escape in a string (`"\\p"` in a LaTeX docstring) is a warning today and
    an error in a later Python; `\\n` in one is silently a line break."""
    import warnings
    root = Path(__file__).resolve().parent.parent
    files = [*(root / "generator").rglob("*.py"), *(root / "tests").rglob("*.py"),
             *(root / "bench").rglob("*.py")]
    assert len(files) > 50
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
