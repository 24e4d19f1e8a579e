"""Numba kernels of cyclic coordinate descent for the elastic-net family.

Objective, in the "sum" scale used inside the kernels (``n`` times the package convention):

    1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2,     l1 = n alpha_l1,  l2 = n alpha_l2.

The coordinate update is ``w_j = S(x_j^T r + ||x_j||^2 w_j, l1) / (||x_j||^2 + l2)``.
The duality gap is scikit-learn's (``sklearn.linear_model._cd_fast``): the residual rescaled
into the dual feasible set, and convergence is ``gap <= tol * ||y||^2``. Inputs are assumed
valid (checked at the public boundary), X centred and Fortran-ordered.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _soft(z, t):
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


@njit(cache=True)
def _gap_from_parts(xtr_minus_l2w_absmax, xtr_minus_l2w_norm2, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2):
    if l1 == 0.0 and l2 > 0.0:
        # Pure ridge: sklearn's formula is no bound here. With the dual point theta = R,
        # P(w) - D(R) = ||X^T R - l2 w||^2 / (2 l2) exactly (R = y - X w).
        return 0.5 * xtr_minus_l2w_norm2 / l2
    # sklearn's enet gap (the Lasso dual of the augmented design [X; sqrt(l2) I]).
    if l1 > 0.0 and xtr_minus_l2w_absmax > l1:
        const = l1 / xtr_minus_l2w_absmax
        gap = 0.5 * (r_norm2 + r_norm2 * const * const)
    else:
        const = 1.0
        gap = r_norm2
    gap += l1 * w_l1 - const * r_dot_y + 0.5 * l2 * (1.0 + const * const) * w_norm2
    return gap


@njit(cache=True)
def gap_naive(X, y, R, w, l1, l2):
    """Duality gap (sum scale) from the residual ``R = y - X w``."""
    n, p = X.shape
    dual_norm = 0.0
    dual_sq = 0.0
    for j in range(p):
        s = 0.0
        for i in range(n):
            s += X[i, j] * R[i]
        v = abs(s - l2 * w[j])
        dual_sq += v * v
        if v > dual_norm:
            dual_norm = v
    r_norm2 = 0.0
    r_dot_y = 0.0
    for i in range(n):
        r_norm2 += R[i] * R[i]
        r_dot_y += R[i] * y[i]
    w_l1 = 0.0
    w_norm2 = 0.0
    for j in range(p):
        w_l1 += abs(w[j])
        w_norm2 += w[j] * w[j]
    return _gap_from_parts(dual_norm, dual_sq, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2)


@njit(cache=True)
def gap_gram(G, q, yy, w, Gw, l1, l2):
    """Duality gap (sum scale) from ``G = X^T X``, ``q = X^T y``, ``yy = y^T y`` and ``Gw = G w``."""
    p = G.shape[0]
    dual_norm = 0.0
    dual_sq = 0.0
    w_q = 0.0
    w_Gw = 0.0
    w_l1 = 0.0
    w_norm2 = 0.0
    for j in range(p):
        v = abs(q[j] - Gw[j] - l2 * w[j])
        dual_sq += v * v
        if v > dual_norm:
            dual_norm = v
        w_q += w[j] * q[j]
        w_Gw += w[j] * Gw[j]
        w_l1 += abs(w[j])
        w_norm2 += w[j] * w[j]
    r_norm2 = max(yy - 2.0 * w_q + w_Gw, 0.0)
    r_dot_y = yy - w_q
    return _gap_from_parts(dual_norm, dual_sq, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2)


@njit(cache=True)
def cd_naive(X, y, w, l1, l2, tol_abs, max_iter, check_every):
    """Cyclic coordinate descent with residual updates; ``w`` is updated in place.

    Returns ``(gap, n_iter, converged)`` with the gap in the sum scale.
    """
    n, p = X.shape
    col_sq = np.empty(p)
    for j in range(p):
        s = 0.0
        for i in range(n):
            s += X[i, j] * X[i, j]
        col_sq[j] = s
    R = y.copy()
    for j in range(p):
        if w[j] != 0.0:
            for i in range(n):
                R[i] -= X[i, j] * w[j]
    gap = np.inf
    for it in range(max_iter):
        for j in range(p):
            if col_sq[j] == 0.0:
                w[j] = 0.0
                continue
            wj = w[j]
            s = 0.0
            for i in range(n):
                s += X[i, j] * R[i]
            new = _soft(s + col_sq[j] * wj, l1) / (col_sq[j] + l2)
            if new != wj:
                d = new - wj
                for i in range(n):
                    R[i] -= d * X[i, j]
                w[j] = new
        if (it + 1) % check_every == 0 or it == max_iter - 1:
            gap = gap_naive(X, y, R, w, l1, l2)
            if gap <= tol_abs:
                return gap, it + 1, True
    return gap, max_iter, False


@njit(cache=True)
def cd_gram(G, q, yy, w, l1, l2, tol_abs, max_iter, check_every):
    """Cyclic coordinate descent on the Gram matrix; ``w`` is updated in place.

    Returns ``(gap, n_iter, converged)`` with the gap in the sum scale.
    """
    p = G.shape[0]
    Gw = np.zeros(p)
    for j in range(p):
        if w[j] != 0.0:
            for k in range(p):
                Gw[k] += G[j, k] * w[j]
    gap = np.inf
    for it in range(max_iter):
        for j in range(p):
            gjj = G[j, j]
            if gjj == 0.0:
                w[j] = 0.0
                continue
            wj = w[j]
            new = _soft(q[j] - Gw[j] + gjj * wj, l1) / (gjj + l2)
            if new != wj:
                d = new - wj
                for k in range(p):
                    Gw[k] += d * G[j, k]  # G symmetric: read row j, contiguous
                w[j] = new
        if (it + 1) % check_every == 0 or it == max_iter - 1:
            gap = gap_gram(G, q, yy, w, Gw, l1, l2)
            if gap <= tol_abs:
                return gap, it + 1, True
    return gap, max_iter, False
