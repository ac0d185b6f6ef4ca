"""Deep nests worked a layer at a time (generator/engine/layers.py), and long regular
runs of factors written with an ellipsis (generator/syntax/elision.py): the sheet of a
k-layer network or of the product chain tr(A1 X ... Ak X) grows as k, not as its square
or cube, and every line it prints is still checked."""
from __future__ import annotations

import json

import pytest

from generator.api import derive
from generator.check.verify import agree
from generator.math.expr import Quantity
from generator.problem.command_line import problem_from_text
from generator.render.text import render_text
from generator.syntax import parse, to_text
from generator.syntax.elision import elided
from generator.syntax.latex import to_latex


def _network(k: int, function: str = "sigmoid") -> str:
    layers = "x"
    for i in range(k, 0, -1):
        layers = f"{function}(A{i} {layers})"
    return f"sum({layers})"


def _network_problem(k: int, function: str = "sigmoid"):
    return problem_from_text(_network(k, function), "x",
                             tuple(f"A{i}: n x n" for i in range(1, k + 1)))


def _chain_problem(k: int):
    objective = "tr(" + " ".join(f"A{i} X" for i in range(1, k + 1)) + ")"
    return problem_from_text(objective, "X", tuple(f"A{i}: n x n" for i in range(1, k + 1)))


def _names_in(e) -> set[str]:
    return {node.name for node in e.walk() if isinstance(node, Quantity)}


# ----- the layers -------------------------------------------------------------------------

def test_a_nest_of_three_is_named_a_layer_at_a_time_and_the_answer_is_written_out():
    problem = _network_problem(3)
    d = derive(problem)
    assert [(item.name, str(item.meaning)) for item in d.layers] == [
        ("h3", "sigmoid(A3 x)"), ("h2", "sigmoid(A2 h3)"), ("h1", "sigmoid(A1 h2)")]
    # the sheet's answer is in the layers; the answer itself is in the problem's symbols
    ((_, shown),) = d.shown_answers
    assert _names_in(shown) == {"h1", "h2", "h3"}
    assert _names_in(d.gradient) == set()
    sheet = render_text(d)
    assert "Step 1: Name the layers, innermost first" in sheet
    assert "h3 = sigmoid(A3 x)" in sheet and "L = sum(h1)" in sheet
    assert "dL = tr(delta2^T dh2)" in sheet   # carried back, named
    # the JSON answer reads back (contract 4) and is the gradient
    from generator.output.formats import FORMATS, text_of
    fmt = next(f for f in FORMATS if f.name == "json")
    data = json.loads(text_of([d], "single", fmt, title=problem.title))
    assert agree(parse(data["gradient"]), d.gradient, problem.symbols, "x") < 1e-10
    assert "where" not in data   # the problem names nothing: nothing to read back
    # what the lines' names stand for, and the answer in them, as the sheet writes it
    assert data["layers"] == {"h3": "sigmoid(A3 x)", "h2": "sigmoid(A2 h3)",
                              "h1": "sigmoid(A1 h2)"}
    assert set(data["layered"]) == {"x"} and "h1" in data["layered"]["x"]


@pytest.mark.parametrize("objective, layers", [
    # each layer applies one numbered matrix: it takes the matrix's number, either way round
    ("||sigmoid(W3 sigmoid(W2 sigmoid(W1 x))) - y||^2",
     ["h1 = sigmoid(W1 x)", "h2 = sigmoid(W2 h1)", "h3 = sigmoid(W3 h2)"]),
    ("sum(tanh(A1 tanh(A2 tanh(A3 x))))",
     ["h3 = tanh(A3 x)", "h2 = tanh(A2 h3)", "h1 = tanh(A1 h2)"]),
    # no numbers: from the variable out, as the layers of a network are numbered
    ("sum(tanh(A tanh(B tanh(C x))))", ["h1 = tanh(C x)", "h2 = tanh(B h1)", "h3 = tanh(A h2)"]),
])
def test_the_layers_are_numbered_as_the_user_numbers_them(objective, layers):
    d = derive(problem_from_text(objective, "x", ()))
    assert [f"{item.name} = {item.meaning}" for item in d.layers] == layers
    sheet = render_text(d)
    assert "\n".join(f"    {line}" for line in layers) in sheet
    # a residual holds the outermost layer's name, not the nest (the layers come first)
    assert "R = sigmoid" not in sheet


def test_a_nest_of_two_is_worked_whole_as_the_notes_do():
    d = derive(problem_from_text("log(1 + exp(a^T x))", "x", ()))
    assert d.layers == () and d.as_found == ()
    assert "Name the layers" not in render_text(d)


def test_the_layer_names_are_none_of_the_users():
    problem = problem_from_text("sum(tanh(h1 tanh(h2 tanh(h3 x))))", "x",
                                ("h1: n x n", "h2: n x n", "h3: n x n"))
    d = derive(problem)
    assert [item.name for item in d.layers] == ["a3", "a2", "a1"]
    assert d.verification.checks > 0


def test_a_problem_that_names_its_own_results_keeps_them():
    problem = problem_from_text("sum(a)", "x", ("A1: n x n", "A2: n x n", "A3: n x n"),
                                where=("z = sigmoid(A3 x)", "y = sigmoid(A2 z)",
                                       "a = sigmoid(A1 y)"))
    d = derive(problem)
    assert d.layers == ()
    assert "Name the layers" not in render_text(d)


def test_a_line_that_misstates_a_layer_is_caught():
    """The lines that name the layers are checked like every line: a phase that writes a
    wrong layer fails the check (the check can fire)."""
    from generator.engine import differential
    from generator.errors import VerificationError
    real = differential._name_layers

    def wrong(rec, expr):
        expr, layers = real(rec, expr)
        step = rec.records[-2]   # the outermost layer's line: h1 = sigmoid(A1 h2)
        rec.records[-2] = type(step)(step.rule, step.says, step.lhs,
                                     parse("tanh(A1 h2)").replace(
                                         parse("h2"), Quantity("residual", "h2")),
                                     step.changed, step.before, step.detail)
        return expr, layers

    differential._name_layers = wrong
    try:
        with pytest.raises(VerificationError):
            derive(_network_problem(3))
    finally:
        differential._name_layers = real


@pytest.mark.parametrize("make", [_network_problem, _chain_problem], ids=["network", "chain"])
def test_the_sheet_grows_as_the_objective(make):
    """Doubling the depth (the chain's length) at most doubles the sheet, with a little to
    spare; written out, the network's sheet grew as k^2.7 and the chain's as k^1.8."""
    sizes = {k: len(render_text(derive(make(k)))) for k in (8, 16, 32)}
    assert sizes[32] / sizes[16] < 2.3 and sizes[16] / sizes[8] < 2.3, sizes


def test_a_deep_network_exports_code_that_computes_its_gradient():
    """The exported function computes the written-out answer (no layer name is left)."""
    import numpy as np
    from generator.render.code import export
    d = derive(_network_problem(4, "tanh"))
    code = export(d, "python")
    namespace: dict = {}
    exec(code.text, namespace)
    rng = np.random.default_rng(1)
    n = 3
    values = {name: rng.standard_normal((n, n)) for name in ("A1", "A2", "A3", "A4")}
    x = rng.standard_normal(n)
    args = [values.get(symbol, x) for symbol in code.symbols]
    value, grad = namespace[code.function](*args)
    # central differences of the value
    step, fd = 1e-6, np.zeros(n)
    for i in range(n):
        e = np.zeros(n)
        e[i] = step
        plus = namespace[code.function](*[values.get(s, x + e) for s in code.symbols])[0]
        minus = namespace[code.function](*[values.get(s, x - e) for s in code.symbols])[0]
        fd[i] = (plus - minus) / (2 * step)
    assert np.allclose(np.ravel(grad), fd, atol=1e-6)


# ----- the ellipsis -----------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [
    ("tr(A1 dX A2 X A3 X A4 X A5 X A6 X)", "tr(A1 dX A2 X ... A6 X)"),
    ("A7^T X^T A6^T X^T A5^T X^T A4^T X^T A3^T X^T A2", "A7^T X^T ... A3^T X^T A2"),
    ("B1 B2 B3 B4 B5 C", "B1 ... B5 C"),
    ("B1 B2 B3 B4 C", "B1 B2 B3 B4 C"),            # four: written out
    ("B1 B2 B4 B5 B6 C", "B1 B2 B4 B5 B6 C"),      # a number skipped: no run
    ("X X X X X X", "X X X X X X"),                # repeats are no run (it is a power)
    ("A1 X A2 Y A3 X A4 Y A5 X", "A1 X A2 Y A3 X A4 Y A5 X"),   # the period breaks
])
def test_a_long_regular_run_is_elided_and_only_such_a_run(written, shown):
    e = parse(written, differentials=True)
    assert to_text(elided(e)) == shown


def test_the_ellipsis_is_cdots_in_latex_and_never_in_what_reads_back():
    e = parse("tr(A1 X A2 X A3 X A4 X A5 X)")
    assert r"A_{1} X \cdots A_{5} X" in to_latex(elided(e))
    d = derive(_chain_problem(8))
    assert "..." in render_text(d)
    from generator.output.formats import FORMATS, text_of
    fmt = next(f for f in FORMATS if f.name == "json")
    data = json.loads(text_of([d], "single", fmt, title="chain"))
    assert "..." not in data["gradient"]
    # a step has every factor, or holds a general term (engine.rules_general: a run
    # printed by its first and last period, a sum over j): never an elided product
    from generator.math.indexed import is_general
    assert [step["expr"] for step in data["steps"]] == [to_text(s.expr) for s in d.steps]
    assert all("..." not in to_text(s.expr) or is_general(s.expr) for s in d.steps)
