"""Golden derivations of the network set (problems/networks/): each sheet's steps, in
order, as backpropagation is taught (the differential once, then one name at a time,
then one "Identify" per variable), and each answer, which is also checked against a
hand-written formula on random instances (not by the engine's own check)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.api import derive
from generator.check.verify import agree
from generator.problem.intermediates import expanded, named
from generator.problem.loader import load_file
from generator.render.sheet import sheet_of
from generator.syntax.parser import parse

NETWORKS = Path(__file__).resolve().parent.parent / "problems" / "networks"

BACKWARD = ["Find `dR`", "Plug `dR` back into `dL`", "Find `dyhat`",
            "Plug `dyhat` back into `dL`: the chain rule", "Find `da`",
            "Plug `da` back into `dL`: the chain rule", "Find `dz`",
            "Plug `dz` back into `dL`: the chain rule"]

TRACE_FORM = "Write `L` in trace form: a squared norm is an inner product; name the part that repeats"
DIFFERENTIAL = ["Take the differential of both sides",
                "Since the trace is a sum and d is a linear operator, we can swap d and tr; use "
                "the product rule of the differential",
                "The trace of a sum is the sum of the traces",
                "A matrix and its transpose have the same trace"]

EXPAND = "Expand the product over the sum; the trace of a sum is the sum of the traces"

# file -> (the sheet's step titles, or None where only the answers are fixed; each
# variable's gradient as the sheet prints it; the same written by hand)
GOLDEN = {
    "01-two-layer.yaml": (
        [TRACE_FORM, *DIFFERENTIAL, *BACKWARD,
         EXPAND,
         "The trace does not change when the product is cycled; `tr(A^T (B .* C)) = "
         "tr((A .* B)^T C)` moves the differential out of the entrywise product",
         "Identify the gradient with respect to `W1`",
         "Identify the gradient with respect to `W2`"],
        {"W1": "2 (W2^T (yhat - y) .* (a .* (1 - a))) x^T", "W2": "2 (yhat - y) a^T"},
        {"W1": "2 ((W2^T (yhat - y)) .* a .* (1 - a)) x^T", "W2": "2 (yhat - y) a^T"}),
    "02-two-layer-biases.yaml": (
        None,
        {"W1": "(W2^T (yhat - y) .* (1 - a .* a)) x^T",
         "b1": "W2^T (yhat - y) .* (1 - a .* a)", "W2": "(yhat - y) a^T", "b2": "yhat - y"},
        {"W1": "((W2^T (yhat - y)) .* (1 - tanh(z) .* tanh(z))) x^T",
         "b1": "(W2^T (yhat - y)) .* (1 - tanh(z) .* tanh(z))", "W2": "(yhat - y) tanh(z)^T",
         "b2": "W2 a + b2 - y"}),
    "03-softmax-network.yaml": (
        None,
        {"W1": "(W2^T softmax(s) .* step(W1 x) - W2^T y .* step(W1 x)) x^T",
         "W2": "(softmax(s) - y) a^T"},
        {"W1": "((W2^T (softmax(s) - y)) .* step(W1 x)) x^T", "W2": "(softmax(s) - y) a^T"}),
    "05-factorisation.yaml": (
        [TRACE_FORM, *DIFFERENTIAL, "Find `dR`",
         "Plug `dR` back into `dL`",
         EXPAND,
         "The trace does not change when the product is cycled; a matrix and its transpose "
         "have the same trace",
         "Identify the gradient with respect to `U`",
         "Identify the gradient with respect to `V`"],
        {"U": "-2 (X - U V^T) V", "V": "-2 (X^T - V U^T) U"},
        {"U": "-2 (X - U V^T) V", "V": "-2 (X - U V^T)^T U"}),
    "06-logistic-regression.yaml": (
        None,
        {"w": "-X^T (y .* sigmoid(-(y .* s)))", "beta": "-sum(y .* sigmoid(-(y .* s)))"},
        {"w": "-X^T (y .* sigmoid(-y .* (X w + beta)))",
         "beta": "-sum(y .* sigmoid(-y .* s))"}),
    # no `where:`: the derivation names the layers itself (h1 = tanh(W1 x), ...) and
    # carries the gradient back; the answer is written out in the problem's symbols
    "07-deep-network.yaml": (
        ["Name the layers, innermost first", TRACE_FORM, *DIFFERENTIAL, "Find `dR`",
         "Plug `dR` back into `dL`", "Find `dh3`", "Plug `dh3` back into `dL`: the chain rule",
         "`tr(A^T (B .* C)) = tr((A .* B)^T C)` moves the differential out of the entrywise "
         "product",
         "Carry the gradient back to `h2`: name the coefficient of `dh2`", "Find `dh2`",
         "Plug `dh2` back into `dL`: the chain rule", "Find `dh1`",
         "Plug `dh1` back into `dL`: the chain rule",
         "`tr(A^T (B .* C)) = tr((A .* B)^T C)` moves the differential out of the entrywise "
         "product",
         "Identify `G`"],
        {"x": "2 W1^T (W2^T (W3^T ((sigmoid(W3 tanh(W2 tanh(W1 x))) - y) .* "
              "(sigmoid(W3 tanh(W2 tanh(W1 x))) .* (1 - sigmoid(W3 tanh(W2 tanh(W1 x)))))) .* "
              "(1 - tanh(W2 tanh(W1 x)) .* tanh(W2 tanh(W1 x)))) .* (1 - tanh(W1 x) .* "
              "tanh(W1 x)))"},
        {"x": "W1^T ((W2^T ((W3^T (2 (sigmoid(W3 tanh(W2 tanh(W1 x))) - y) .* "
              "sigmoid(W3 tanh(W2 tanh(W1 x))) .* (1 - sigmoid(W3 tanh(W2 tanh(W1 x)))))) .* "
              "(1 - tanh(W2 tanh(W1 x)) .^ 2))) .* (1 - tanh(W1 x) .^ 2))"}),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_network_sheet_is_golden(name):
    titles, printed, by_hand = GOLDEN[name]
    (problem,) = load_file(NETWORKS / name)
    derivation = derive(problem)
    if titles is not None:
        assert [step.title for step in sheet_of(derivation)] == titles
    assert {v: str(g) for v, g in derivation.answers} == printed
    names = [item.name for item in problem.where]
    for variable, gradient in derivation.answers:
        ours = expanded(gradient, problem.where)
        theirs = expanded(named(parse(by_hand[variable]), names), problem.where)
        assert agree(ours, theirs, problem.symbols, variable) < 1e-8, (name, variable)


def test_every_network_problem_is_golden():
    assert {p.name for p in NETWORKS.glob("0*.yaml")} - set(GOLDEN) == {
        "04-linear-autoencoder.yaml"}   # its file's `expect:` checks it


def test_the_deepest_network_a_user_may_type_is_derived_and_checked():
    """90 layers of sigmoid(A ...) (996 characters, under the 1,000 a user may type):
    its lines nest deeper than the objective, and comparing and measuring them recursed
    past Python's limit ("did not terminate ... a bug"); derive makes room for them."""
    from generator.api import derive
    from generator.problem.command_line import problem_from_text
    layers = "x"
    for _ in range(90):
        layers = f"sigmoid(A {layers})"
    derivation = derive(problem_from_text(f"sum({layers})", "x", ("A: n x n",)))
    assert derivation.verification.checks > 0
    # written in the 90 layers it named (h1 the outermost), each checked as a line of its own
    assert len(derivation.layers) == 90
    from generator.math.expr import Quantity
    ((_, shown),) = derivation.shown_answers
    written_in = {node.name for node in shown.walk() if isinstance(node, Quantity)}
    assert written_in == {f"h{i}" for i in range(1, 91)}
