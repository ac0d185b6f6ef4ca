"""Batched matrix arithmetic: the operations the value rules of
generator.check.numeric are made of, each on the last two axes.

A value is a matrix `(rows, cols)` or a stack `(draws, rows, cols)` of the values of
several random instances of the same sizes; every operation here works on either, so
that the checks evaluate a line once on all draws.  Each elementwise function is
analytic where its derivative is used, for the complex step.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

# An instance whose matrices to invert are worse conditioned than this is redrawn:
# it would test the rounding of numpy, not the derivation.
MAX_CONDITION = 1e6


class EvaluationError(ArithmeticError):
    """An expression has no value (a bad shape, an identity of unknown size)."""


class UnluckyInstance(EvaluationError):
    """An expression has no value on this instance only (a singular matrix, log 0): another
    random instance may do."""


def as_matrix(x: Any) -> np.ndarray:
    a = np.asarray(x)
    return a.reshape(1, 1) if a.ndim == 0 else a


def entry(x: Any) -> np.ndarray:
    """A number per draw (a scalar, or one per matrix of a stack) as a 1 x 1 matrix each."""
    return np.asarray(x)[..., None, None]


def over_entries(f: Callable[..., Any], m: np.ndarray) -> np.ndarray:
    """`f` over each matrix's entries (`np.sum`, `np.max`): a number per draw, 1 x 1."""
    return entry(f(m, axis=(-2, -1)))


def transposed(m: np.ndarray) -> np.ndarray:
    return np.swapaxes(m, -1, -2)


def is_one_by_one(m: np.ndarray) -> bool:
    return m.shape[-2:] == (1, 1)


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix product, where a 1 x 1 factor that does not conform acts as a scalar."""
    if a.shape[-1] == b.shape[-2]:
        return a @ b
    if is_one_by_one(a) or is_one_by_one(b):
        return a * b  # (draws, 1, 1) against (draws, rows, cols): entry by entry
    raise EvaluationError(f"cannot multiply {a.shape[-2:]} by {b.shape[-2:]}")


def per_draw(f: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray:
    """`f` of matrices, applied to each draw's where `arrays` hold stacks (a single
    matrix goes with every draw: it is the same in each)."""
    count = max((a.shape[0] for a in arrays if a.ndim == 3), default=0)
    if not count:
        return f(*arrays)
    return np.stack([f(*(a[k] if a.ndim == 3 else a for a in arrays)) for k in range(count)])


def logabsdet(m: np.ndarray) -> np.ndarray:
    det = np.linalg.det(m)
    return entry(np.log(det * np.sign(det.real)))


def commutation(m: int, n: int) -> np.ndarray:
    """K(m, n): the permutation with K vec(X) = vec(X^T) for an m x n X."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0  # vec(X^T)[i n + j] = X[i, j] = vec(X)[j m + i]
    return k


def diagonal(m: np.ndarray) -> np.ndarray:
    """diag of a column (a scalar is its own 1 x 1 diagonal) or of a square matrix."""
    if m.shape[-1] == 1:
        return m * np.eye(m.shape[-2])  # row i of the identity times the i-th entry
    return np.diagonal(m, axis1=-2, axis2=-1)[..., None].copy()


def _shifted_exp(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """exp(z - c) and c, with c the largest real part: softmax and logsumexp do not change
    when every entry is shifted by one constant, and the shift keeps exp from overflowing
    (it is real, so the complex step's imaginary parts pass through untouched)."""
    shift = over_entries(np.max, np.real(z))
    return np.exp(z - shift), shift


def softmax(z: np.ndarray) -> np.ndarray:
    e, _ = _shifted_exp(z)
    return e / over_entries(np.sum, e)


def logsumexp(z: np.ndarray) -> np.ndarray:
    e, shift = _shifted_exp(z)
    return shift + np.log(over_entries(np.sum, e))


def inverse(m: np.ndarray) -> np.ndarray:
    if is_one_by_one(m):
        return 1 / m
    if np.any(np.linalg.cond(m) > MAX_CONDITION):
        raise UnluckyInstance("a matrix to invert is singular on this instance")
    return np.linalg.inv(m)


def matrix_power(m: np.ndarray, k: int) -> np.ndarray:
    if is_one_by_one(m):
        return m**k
    return np.linalg.matrix_power(m, k)


def vec_of(m: np.ndarray) -> np.ndarray:
    """The columns of each matrix stacked into one."""
    return transposed(m).reshape(*m.shape[:-2], -1, 1)


def kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """kron(A, B) of each draw: entry (i rb + k, j cb + l) is A_ij B_kl."""
    (ra, ca), (rb, cb) = a.shape[-2:], b.shape[-2:]
    blocks = np.einsum("...ij,...kl->...ikjl", a, b)
    return blocks.reshape(*blocks.shape[:-4], ra * rb, ca * cb)


def _log_abs(v: np.ndarray) -> np.ndarray:
    """log |v| entry by entry, kept analytic for the complex step (as for log det):
    its derivative dv / v is that of log v, and it is defined for negative entries."""
    return np.log(v * np.sign(np.real(v)))


def _positive(v: np.ndarray) -> np.ndarray:
    """1 where the real part is positive, else 0: a constant for the complex step, so
    that relu and abs keep the derivative of the side their entry is on."""
    return (np.real(v) > 0).astype(float)


def _softplus(v: np.ndarray) -> np.ndarray:
    """log(1 + exp(v)) = max(v, 0) + log(1 + exp(-|v|)), which never overflows; the
    sides are fixed by the real part, so it stays analytic for the complex step."""
    side = np.where(np.real(v) > 0, 1.0, -1.0)
    return v * _positive(v) + np.log1p(np.exp(-side * v))


# name -> its value entry by entry (the functions of generator/math/functions.py); each
# is analytic where its derivative is used, for the complex step
ELEMENTWISE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp,
    "log": _log_abs,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "softplus": _softplus,
    "relu": lambda v: v * _positive(v),
    "abs": lambda v: v * np.sign(np.real(v)),
    "step": _positive,
    "sign": lambda v: np.sign(np.real(v)).astype(float),
    "sqrt": lambda v: where_positive(v, np.sqrt),
}


def where_positive(v: np.ndarray, f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """f(v) where each entry's real part is positive, else NaN: the instance is off the
    domain (a square root or real power of a negative number) and another is drawn."""
    return np.where(np.real(v) > 0, f(np.where(np.real(v) > 0, v, 1.0)), np.nan)


def where_nonzero(v: np.ndarray) -> np.ndarray:
    return np.where(v != 0, v, np.nan)
