"""The duality-gap formula, in plain Python: the one home of the certificate's maths.

The numba kernels compile :func:`gap_from_parts` itself (``_kernels._gap_from_parts``), and the
NumPy route and :func:`bayesreg.solvers.duality_gap` call it directly with parts formed by NumPy,
so every route stops on the same formula. Sum scale: ``l1 = n alpha_l1``, ``l2 = n alpha_l2``.
"""

from __future__ import annotations

import numpy as np


def gap_from_parts(xtr_minus_l2w_absmax, xtr_minus_l2w_norm2, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2):
    """Duality gap (sum scale) from the scalar parts of a point ``w``.

    ``xtr_minus_l2w`` is ``X^T r - l2 w`` (``r = y - X w``). For a pure ridge penalty the exact
    gap ``||X^T r - l2 w||^2 / (2 l2)`` (dual point ``r``); otherwise scikit-learn's elastic-net
    gap, the Lasso dual of the augmented design ``[X; sqrt(l2) I]`` with the residual rescaled
    into the dual feasible set.
    """
    if l1 == 0.0 and l2 > 0.0:
        # Pure ridge: sklearn's formula is no bound here. With the dual point theta = R,
        # P(w) - D(R) = ||X^T R - l2 w||^2 / (2 l2) exactly (R = y - X w).
        return 0.5 * xtr_minus_l2w_norm2 / l2
    if l1 > 0.0 and xtr_minus_l2w_absmax > l1:
        const = l1 / xtr_minus_l2w_absmax
        gap = 0.5 * (r_norm2 + r_norm2 * const * const)
    else:
        const = 1.0
        gap = r_norm2
    gap += l1 * w_l1 - const * r_dot_y + 0.5 * l2 * (1.0 + const * const) * w_norm2
    return gap


def gap_gram(q, yy, w, Gw, l1, l2):
    """Duality gap (sum scale) from ``q = X^T y``, ``yy = y^T y`` and ``Gw = X^T X w``, in NumPy."""
    v = np.abs(q - Gw - l2 * w)
    w_q = float(w @ q)
    r_norm2 = max(yy - 2.0 * w_q + float(w @ Gw), 0.0)
    return gap_from_parts(
        float(v.max()) if v.size else 0.0, float(v @ v), r_norm2, yy - w_q, float(np.abs(w).sum()), float(w @ w), l1, l2
    )


def gap_arrays(X, y, R, w, l1, l2):
    """Duality gap (sum scale) from the data and the residual ``R = y - X w``, in NumPy."""
    v = np.abs(X.T @ R - l2 * w)
    return gap_from_parts(
        float(v.max()) if v.size else 0.0, float(v @ v), float(R @ R), float(R @ y), float(np.abs(w).sum()),
        float(w @ w), l1, l2,
    )  # fmt: skip


_EPS = float(np.finfo(np.float64).eps)


def rounding_floor(yy, w_q, w_Gw, l1, w_l1, l2, w_norm2):
    """What rounding leaves uncertain in a gap formed from these terms (sum scale).

    The gap is a difference of terms of size up to ``yy + 2|w^T q| + w^T G w`` (plus the
    penalty): a few units of ``eps`` times that is the smallest gap a float64 computation can
    certify. A gap is never reported below it, so rounding cannot make a gap negative (or
    smaller than it is) and call it converged.
    """
    return 2.0 * _EPS * (abs(yy) + 2.0 * abs(w_q) + abs(w_Gw) + l1 * w_l1 + l2 * w_norm2)


def least_squares_gap(G, grad, l1, w_l1, l2):
    """Gap at the dual point of the (ridge) least-squares residual; a bound for every ``l1 >= 0``.

    ``theta = y - X w_LS`` satisfies ``X^T theta = 0`` (augmented with ``sqrt(l2) I`` for the
    ridge part), so it is dual feasible whatever ``l1`` is, and ``P(w) - D(theta) =
    1/2 grad^T (G + l2 I)^+ grad + l1 ||w||_1`` with ``grad = X^T r - l2 w``: a sum of
    non-negative terms. It certifies least squares (``l1 = l2 = 0``, where scikit-learn's
    formula is no bound) and a penalty that vanishes or underflows.
    """
    p = grad.shape[0]
    H = G + l2 * np.eye(p) if l2 > 0.0 else G
    lam, V = np.linalg.eigh(H)
    keep = lam > p * _EPS * max(float(lam[-1]), 0.0) if p else lam > 0
    c = V[:, keep].T @ grad
    return 0.5 * float(np.sum(c * c / lam[keep])) + l1 * w_l1


def certified_gap(G, q, yy, w, Gw, l1, l2):
    """The gap reported by every route (sum scale): valid, never below its rounding floor.

    scikit-learn's gap (:func:`gap_gram`) when there is a penalty; for least squares (a zero
    penalty, or one that underflowed to zero), where that formula is no bound,
    :func:`least_squares_gap`.
    """
    w_q = float(w @ q)
    w_Gw = float(w @ Gw)
    w_l1 = float(np.abs(w).sum())
    w_norm2 = float(w @ w)
    floor = rounding_floor(yy, w_q, w_Gw, l1, w_l1, l2, w_norm2)
    if l1 > 0.0 or l2 > 0.0:
        gap = gap_gram(q, yy, w, Gw, l1, l2)
    elif G.shape[0] <= _LS_MAX_P:
        gap = least_squares_gap(G, q - Gw, 0.0, w_l1, 0.0)
    else:
        gap = np.inf  # (least squares beyond the eigendecomposition's size: not certified)
    return max(gap, floor)


# the least-squares certificate needs an eigendecomposition of the p x p Gram
_LS_MAX_P = 1000
