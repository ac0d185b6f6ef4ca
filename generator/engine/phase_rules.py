"""Which rules each phase of the differential method may apply: data, not code.

The phases (generator/engine/differential.py) read their rule lists from a `PhaseRules`
handed to the Recorder, so a test or a later method swaps one list (a deliberately
broken rule, a rule left out) with `dataclasses.replace`, without touching the
catalogue the reference page is printed from.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.engine import catalogue as cat
from generator.engine.rule import Rule


@dataclass(frozen=True)
class PhaseRules:
    """The rule list of each phase, tried in order at each subterm."""

    # phase 1: norms as products, and the functions written out recognised
    trace_form: tuple[Rule, ...]
    # the Jacobian's first phase: the functions written out recognised
    recognise: tuple[Rule, ...]
    # phase 2: push d inwards
    differential: tuple[Rule, ...]
    # phase 3: split with the linearity of the trace, expanding only sums that hold d
    linearity: tuple[Rule, ...]
    expand: tuple[Rule, ...]
    to_traces: tuple[Rule, ...]
    # phase 4: every term to tr(M dX), its notation kept normal between moves
    trace_notation: tuple[Rule, ...]
    to_trace_form: tuple[Rule, ...]
    collect: tuple[Rule, ...]
    # the Jacobian's phase: every term of df to `M dx`, its notation kept normal
    linear_form: tuple[Rule, ...]
    # the Jacobian of a matrix function or by a matrix: vec(dF) to `J vec(dX)`
    vec_form: tuple[Rule, ...]
    # the Newton step x - H^-1 grad L, simplified
    newton: tuple[Rule, ...]
    # phase 5 and every tidy pass: notation kept normal (`normal`, to exhaustion)
    # between single pieces of algebra (`tidy`), so that no rule sees `S^-T I_n N`
    # where a teacher sees `N S^-T`
    normal: tuple[Rule, ...]
    tidy: tuple[Rule, ...]
    # last, on an answer only (Recorder.answer): the notation a textbook prints, which
    # the normal form above would undo (generator/engine/rules_written.py)
    written: tuple[Rule, ...]
    # phase 6, the solve: expand the products that hold the variable, transpose the
    # equation, bring scalars first, cancel inverses after multiplying through, tidy
    solve_expand: tuple[Rule, ...]
    solve_transpose: tuple[Rule, ...]
    solve_scalars_first: tuple[Rule, ...]
    solve_cancel: tuple[Rule, ...]
    solve_tidy: tuple[Rule, ...]


_RECOGNISE = cat.rules("softmax-from-exp", "logsumexp-from-exp")

DEFAULT_PHASE_RULES = PhaseRules(
    trace_form=cat.rules("norm-squared") + _RECOGNISE,
    recognise=_RECOGNISE,
    differential=cat.rules(
        "differential-constant",
        "differential-trace",
        "differential-sum",
        "differential-product",
        "differential-transpose",
        "differential-inverse",
        "differential-det",
        "differential-logdet",
        "differential-power",
        "differential-run",
        "differential-sum-over-j",
        "differential-hadamard",
        "differential-entrywise-power",
        "differential-softmax",
        "differential-logsumexp",
        "differential-log-softmax",
        "differential-elementwise",
        "differential-sum-entries",
        "differential-norm",
        "differential-diag",
        "differential-vec",
        "differential-kron",
        "drop-zero",
    ),
    linearity=cat.rules(
        "trace-sum",
        "sum-over-j-linearity",
        "sum-linearity",
        "diag-linearity",
        "vec-linearity",
        "trace-kron",
        "drop-zero",
        "hadamard-scalar",
        "hadamard-sign",
        "hadamard-cancel",
        "sigmoid-from-exp",
    ),
    expand=cat.rules(
        "transpose-sum",
        "transpose-sum-over-j",
        "distribute",
        "sum-over-j-linearity",
        "hadamard-distribute",
    ),
    to_traces=cat.rules(
        "hadamard-rearrange", "sum-as-trace", "trace-scalar-factor", "trace-scalar-out"
    ),
    trace_notation=cat.rules(
        "transpose-product",
        "transpose-sum",
        "transpose-sum-over-j",
        "transpose-run",
        "transpose-transpose",
        "transpose-scalar",
        "transpose-identity",
        "transpose-ones",
        "transpose-diag",
        "transpose-commutation",
        "transpose-kron",
        "scalar-commute",
        "drop-zero",
    ),
    # a scalar holding dX that only the moves above bring beside matrices leaves the
    # trace here too (`tr(P tr(dX))`), and its coefficient goes back in
    to_trace_form=cat.rules(
        "kron-vec",
        "vec-inner",
        "trace-transpose",
        "trace-untranspose",
        "trace-power-sum",
        "trace-cyclic",
        "sum-over-j-collect",
        "trace-hadamard",
        "trace-diag",
        "trace-scalar-out",
        "trace-scalar-factor",
    ),
    collect=cat.rules(
        "sum-over-j-split",
        "sum-over-j-collect",
        "trace-collect",
        "collect-like-terms",
        "factor-common",
        "drop-zero",
    ),
    linear_form=cat.rules(
        "hadamard-rearrange",
        "scalar-flip",
        "differential-last",
        "hadamard-as-diag",
        "diag-swap",
        "trace-of-scalar",
        "sum-as-product",
    ),
    vec_form=cat.rules(
        "vec-linearity",
        "vec-scalar-differential",
        "vec-product",
        "vec-transpose",
        "vec-hadamard",
        "vec-column",
        "commutation-vector",
        "kron-scalar",
        "identity-product",
        "scalar-commute",
    ),
    # for a matrix variable, in vec form: the inverse of the Kronecker form taken apart,
    # applied to vec(G) as the vec of a product, and the vecs gathered into one
    newton=cat.rules(
        "inverse-scalar",
        "inverse-product",
        "inverse-kron",
        "inverse-commutation",
        "kron-vec",
        "vec-collect",
        "cancel-inverse",
        "distribute-to-cancel",
        "identity-product",
        "collect-like-terms",
        "factor-number",
        "order-terms",
    ),
    normal=cat.rules(
        "transpose-product",
        "transpose-sum",
        "transpose-sum-over-j",
        "transpose-run",
        "transpose-transpose",
        "transpose-scalar",
        "transpose-identity",
        "transpose-ones",
        "transpose-diag",
        "transpose-commutation",
        "transpose-kron",
        "transpose-inverse",
        "inverse-inverse",
        "inverse-identity",
        "reciprocal",
        "identity-product",
        "drop-zero",
        "hadamard-sign",
        "scalar-commute",
        "scalar-run-transposed",
    ),
    tidy=cat.rules(
        "transpose-symmetric",
        "cancel-inverse",
        "inverse-product-cancel",
        "hadamard-cancel",
        "elementwise-at-zero",
        "commutation-vector",
        "kron-scalar",
        "kron-absorb",
        "kron-collect",
        "vec-column",
        "untrace-scalar",
        "sigmoid-from-exp",
        "sigmoid-complement",
        "diag-outer",
        "hadamard-ones",
        "diag-ones",
        "ones-as-sum",
        "sum-to-one",
        "inner-reciprocal",
        "entrywise-powers",
        "hadamard-expand",
        "expand-identity",
        "collect-like-terms",
        "diag-product",
        "diag-sum",
        "inverse-scalar",
        "factor-number",
        "factor-out",
        "factor-some",
        "squared-norm",
        "power-coefficient",
        "scalar-powers",
        "product-to-power",
        "order-terms",
    ),
    written=cat.rules(
        "divide-by-scalar",
        "transpose-gathered",
        "transpose-gathered-over-j",
        "number-into-hadamard",
        "ones-broadcast",
    ),
    solve_expand=cat.rules("distribute", "collect-like-terms"),
    solve_transpose=cat.rules(
        "transpose-sum",
        "transpose-product",
        "transpose-transpose",
        "transpose-scalar",
        "transpose-identity",
        "transpose-ones",
        "transpose-diag",
        "transpose-commutation",
        "transpose-kron",
        "transpose-inverse",
    ),
    solve_scalars_first=cat.rules("scalar-commute", "identity-product"),
    solve_cancel=cat.rules(
        "scalar-commute", "cancel-inverse", "identity-product", "collect-like-terms"
    ),
    solve_tidy=cat.rules(
        "inverse-inverse",
        "reciprocal",
        "inverse-scalar",
        "scalar-commute",
        "cancel-inverse",
        "identity-product",
        "transpose-transpose",
        "transpose-symmetric",
    ),
)
