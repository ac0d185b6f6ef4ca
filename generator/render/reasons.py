"""Why a step does what it does, in words: the clause a step title gives for each rule.

The notes title a step with its reason ("Since trace is a sum and d is a linear
operator, we can swap d and Tr"), not with a list of law names; the numbers of the laws
a step used are cited beside its title anyway.  So each rule that can give a step its
title (a rule that is neither minor notation nor the theorem the step is named after)
has one clause here, and a title joins the clauses of the first few rules it used
(`reasons_clause`).  A test checks that every such rule of the catalogue has one.
Backticks hold math, as in every title.
"""

from __future__ import annotations

from typing import Iterable

REASONS: dict[str, str] = {
    # trace form
    "norm-squared": "a squared norm is an inner product",
    "scalar-as-trace": "a scalar is its own trace",
    "introduce-name": "name the part that repeats",
    "name-layer": "name each layer, to go back through them one at a time",
    "name-carried": "name the gradient carried back to the next layer",
    # the trace
    "trace-sum": "the trace of a sum is the sum of the traces",
    "trace-collect": "the trace is linear, so the terms go under one trace",
    "trace-scalar-factor": "a scalar factor moves into the trace",
    "trace-scalar-out": "a scalar factor leaves the trace",
    "trace-transpose": "a matrix and its transpose have the same trace",
    "trace-untranspose": "a matrix and its transpose have the same trace",
    "sum-over-j-linearity": "the trace of a sum over `j` is the sum of the traces",
    "sum-over-j-split": "the terms of a sum over `i` that hold different differentials are "
    "summed apart",
    "sum-over-j-collect": "the trace is linear, so the terms of the sum over `j` go under one "
    "trace",
    "trace-power-sum": "cycled, every term of the sum over `j` has the same trace",
    "trace-cyclic": "the trace does not change when the product is cycled",
    "trace-hadamard": "`tr(A^T (B .* C)) = tr((A .* B)^T C)` moves the differential out of "
    "the entrywise product",
    "trace-diag": "`tr(A diag(v)) = diag(A)^T v` moves the differential out of diag",
    "trace-kron": "the trace of a Kronecker product is the product of the traces",
    "diag-linearity": "taking the diagonal is linear",
    "sum-as-trace": "a sum of entries is a trace",
    "sum-linearity": "the sum of the entries is linear",
    "vec-linearity": "stacking the columns (vec) is linear",
    "vec-inner": "the inner product of two vecs is a trace",
    "kron-vec": "a Kronecker product applied to a vec is the vec of a product",
    # symmetry and transposes
    "transpose-symmetric": "the matrix is symmetric",
    "transpose-kron": "transpose a Kronecker product factor by factor",
    # algebra
    "distribute": "expand the product over the sum",
    "collect-like-terms": "collect like terms",
    "factor-common": "factor out what the terms share",
    "factor-some": "factor out what the terms share",
    "factor-out": "factor out what the terms share",
    "factor-number": "factor out the common number",
    "substitute": "put back what the names stand for",
    "chain-rule": "by the chain rule, the differential of the named part takes its place",
    "expand-identity": "expand the product with the identity away",
    "product-to-power": "adjacent powers of one matrix combine",
    "scalar-powers": "powers of one scalar combine",
    "power-coefficient": "a power of a scalar product takes its number out",
    "squared-norm": "a vector's inner product with itself is its squared norm",
    "entrywise-powers": "the entrywise product commutes, so the powers of one factor combine",
    "scalar-run-transposed": "a scalar is its own transpose",
    "transpose-gathered": "one transpose of the whole sum is shorter than one on every factor",
    "transpose-gathered-over-j": "one transpose of each term is shorter than one on every factor",
    "kron-absorb": "by the mixed-product law, the factor beside the identity goes into "
    "the Kronecker product",
    "kron-collect": "the Kronecker product is linear in each factor",
    # differentials
    "differential-trace": "since the trace is a sum and d is a linear operator, we can swap "
    "d and tr",
    "differential-sum": "the differential of a sum is the sum of the differentials",
    "differential-product": "use the product rule of the differential",
    "differential-constant": "a constant has no differential",
    "differential-inverse": "use `d(X^-1) = -X^-1 dX X^-1`",
    "differential-det": "use Jacobi's formula `d(det(X)) = det(X) tr(X^-1 dX)`",
    "differential-logdet": "use `d(log(det(X))) = tr(X^-1 dX)`",
    "differential-power": "a power is a product, so the product rule gives one term per factor",
    "differential-sum-over-j": "the differential of a sum over `i` is the sum of the differentials",
    "differential-run": "the product rule gives one term per factor, written by the `j`-th",
    "differential-hadamard": "the product rule holds for the entrywise product too",
    "differential-elementwise": "a function applied entry by entry follows the chain rule "
    "entry by entry",
    "differential-entrywise-power": "the power rule holds entry by entry",
    "differential-sum-entries": "the sum of the entries is linear, so d goes inside",
    "differential-norm": "use `d(||x||) = x^T dx / ||x||`",
    "differential-softmax": "the differential of the softmax `p` is `(diag(p) - p p^T) dz`",
    "differential-logsumexp": "the gradient of log-sum-exp is the softmax",
    "differential-log-softmax": "the log of a softmax is `z` less its log-sum-exp",
    "differential-diag": "taking the diagonal is linear, so d and diag swap",
    "differential-vec": "stacking the columns is linear, so d and vec swap",
    "differential-kron": "the product rule holds for the Kronecker product too",
    # entrywise products
    "hadamard-distribute": "the entrywise product distributes over the sum",
    "hadamard-rearrange": "the entrywise product commutes and associates",
    "hadamard-cancel": "cancel entry by entry",
    "hadamard-expand": "expand the entrywise products and collect like terms",
    "inner-reciprocal": "the entries of the vector cancel in the inner product",
    "elementwise-at-zero": "every entry of the argument is zero",
    "softmax-from-exp": "this is the softmax",
    "logsumexp-from-exp": "this is log-sum-exp",
    "sigmoid-from-exp": "this is the sigmoid",
    "sigmoid-complement": "one less the sigmoid of `-z` is the sigmoid of `z`",
    "ones-as-sum": "a product with ones is a sum of entries",
    "sum-to-one": "the entries of the vector sum to one",
    # diagonal matrices
    "diag-outer": "the diagonal of an outer product is the entrywise product",
    "diag-product": "diagonal matrices multiply entry by entry",
    "diag-sum": "diagonal matrices add entry by entry",
    # to the form J dx, vec
    "vec-product": "`vec(A X B) = kron(B^T, A) vec(X)`",
    "vec-transpose": "the commutation matrix turns `vec(X)` into `vec(X^T)`",
    "vec-hadamard": "an entrywise product is a diagonal matrix applied to the vec",
    "vec-scalar-differential": "a scalar holding the differential goes last",
    "vec-collect": "stacking the columns is linear, so the vecs add into one",
    "inverse-kron": "the inverse of a Kronecker product is the product of the inverses",
    "scalar-flip": "a scalar is its own transpose",
    "differential-last": "scalars commute, so the differential goes last",
    "hadamard-as-diag": "an entrywise product is a diagonal matrix times the vector",
    "diag-swap": "`diag(u) v` and `diag(v) u` are both `u .* v`",
    "sum-as-product": "the sum of the entries is a product with ones",
    # inverses
    "cancel-inverse": "a matrix times its inverse is the identity",
    "distribute-to-cancel": "expand where a term meets the inverse of its matrix",
    "inverse-product": "the inverse of a product is the product of the inverses in reverse order",
    "inverse-scalar": "a scalar factor leaves the inverse",
    "inverse-product-cancel": "the inverse of a product is the product of the inverses in "
    "reverse order, and a factor meets its inverse",
    # entries
    "index-expand": "a product sums over its inner index, and the trace over the diagonal",
    "index-differentiate": "differentiate each factor, entry by entry",
    "kronecker-collapse": "the Kronecker deltas collapse the sums",
    "index-assemble": "the gradient is the matrix of these partial derivatives",
    "index-name": "this matrix of entries is a matrix expression",
    # solving
    "solve-set-zero": "at a stationary point the gradient is zero",
    "solve-move-constant": "move the terms without the variable to the right",
    "solve-cancel-scalar": "divide both sides by the common factor",
    "solve-transpose": "transpose both sides",
    "solve-multiply-through": "multiply by the invertible variable, so that its inverses cancel",
    "solve-factor": "factor out the variable",
    "solve-invert": "multiply both sides by the inverse",
    "newton-step": "the quadratic model of the objective is stationary there",
}

# A title gives the reasons of the first rules a step used; the numbers of all of them
# are cited beside it, so a long step's title stays one line.
REASONS_IN_A_TITLE = 2


def reasons_clause(rule_ids: Iterable[str]) -> str:
    """ "since the trace is a sum ... swap d and tr; use the product rule of the
    differential": the reasons of the first rules given, each once."""
    clauses: list[str] = []
    for rule_id in rule_ids:
        clause = REASONS[rule_id]
        if clause not in clauses:
            clauses.append(clause)
    return "; ".join(clauses[:REASONS_IN_A_TITLE])


def sentence(clause: str) -> str:
    """The clause as a title on its own: its first letter upper-case."""
    return clause[:1].upper() + clause[1:]
