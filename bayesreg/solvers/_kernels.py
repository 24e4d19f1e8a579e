"""Numba kernels of coordinate descent for the elastic-net family.

Objective, in the "sum" scale used inside the kernels (``n`` times the package convention):

    P(w) = 1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2,     l1 = n alpha_l1,  l2 = n alpha_l2.

The coordinate update is ``w_j = S(x_j^T r + ||x_j||^2 w_j, l1) / (||x_j||^2 + l2)``.

The duality gap is scikit-learn's (``sklearn.linear_model._cd_fast``): the elastic net is a Lasso
on the augmented design ``[X; sqrt(l2) I]``, whose residual ``[r; -sqrt(l2) w]`` is rescaled into
the dual feasible set; convergence is ``gap <= tol * ||y||^2``. Inputs are assumed valid (checked
at the public boundary), X centred and Fortran-ordered, G symmetric and C-ordered.

The solver (:func:`enet_naive`, :func:`enet_gram`) combines, each switchable:

- **working sets** (as in celer and skglm): solve on a small set of features, chosen by their
  distance to the dual constraint (the KKT violation scaled by the column norm), to a gap that
  is a fraction of the outer gap, then check every feature and grow the set;
- **gap-safe screening** (Fercoq, Gramfort and Salmon, 2015; Ndiaye et al., 2017): the dual of
  the augmented Lasso is 1-strongly concave, so the dual optimum lies within ``sqrt(2 gap)`` of
  the rescaled residual, and a feature whose dual constraint cannot be tight in that ball is zero
  at the optimum and is removed for good;
- **Anderson extrapolation** of the primal iterates (as in skglm; Bertrand and Massias, 2021):
  every K epochs the last K+1 iterates are combined with weights minimising the norm of the
  combined differences, and the combination is kept when it lowers the objective;
- **strong rules** on paths (Tibshirani et al., 2012): the first working set at the next alpha is
  the support plus the features with ``|x_j^T r| >= 2 l1_new - l1_old``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _gapmath

# number of past iterates combined by Anderson extrapolation
ANDERSON_K = 5
# the inner problem is solved to this fraction of the outer duality gap
INNER_FRACTION = 0.3
# inner gap checked every this many epochs
CHECK_EVERY = 5


@njit(cache=True, inline="always")
def _soft(z, t):
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


@njit(cache=True, fastmath=True)
def _col_dot(X, j, v):
    n = X.shape[0]
    s = 0.0
    for i in range(n):
        s += X[i, j] * v[i]
    return s


@njit(cache=True, fastmath=True)
def _col_axpy(X, j, a, v):
    # v += a * X[:, j]
    n = X.shape[0]
    for i in range(n):
        v[i] += a * X[i, j]


# the formula itself lives in _gapmath (plain Python), compiled here for the kernels
_gap_from_parts = njit(cache=True)(_gapmath.gap_from_parts)


@njit(cache=True)
def _dual_scale(dual_norm, l1):
    if l1 > 0.0 and dual_norm > l1:
        return l1 / dual_norm
    return 1.0


@njit(cache=True, inline="always")
def _screened(g_abs, const, radius, col_sq_j, l1, l2):
    """Gap-safe rule: the dual constraint of feature j cannot be tight at the optimum.

    The dual optimum lies in the ball of radius ``sqrt(2 gap)`` around the rescaled residual
    ``const * r`` (the dual of the augmented Lasso is 1-strongly concave), and over that ball
    ``|x~_j^T theta| <= const |g_j| + radius ||x~_j||`` with ``||x~_j||^2 = ||x_j||^2 + l2``.
    """
    # (a relative margin of 1e-9 keeps rounding in g_j from screening a tight constraint)
    return const * g_abs + radius * np.sqrt(col_sq_j + l2) < l1 * (1.0 - 1e-9)


@njit(cache=True)
def screened_now(grad, active, const, radius, col_sq, l1, l2):
    """Active features that the gap-safe rule (:func:`_screened`) removes, from ``grad = X^T r - l2 w``."""
    out = np.zeros(grad.shape[0], dtype=np.bool_)
    for j in range(grad.shape[0]):
        out[j] = active[j] and _screened(abs(grad[j]), const, radius, col_sq[j], l1, l2)
    return out


@njit(cache=True)
def screen_mask(X, y, w, l1, l2):
    """Features the gap-safe rule removes at ``w`` (naive form; for tests and diagnostics)."""
    n, p = X.shape
    R = y.copy()
    for j in range(p):
        if w[j] != 0.0:
            _col_axpy(X, j, -w[j], R)
    gap = gap_naive(X, y, R, w, l1, l2)
    dual_norm = 0.0
    g = np.empty(p)
    for j in range(p):
        g[j] = abs(_col_dot(X, j, R) - l2 * w[j])
        dual_norm = max(dual_norm, g[j])
    const = _dual_scale(dual_norm, l1)
    radius = np.sqrt(2.0 * max(gap, 0.0))
    out = np.zeros(p, dtype=np.bool_)
    if l1 == 0.0:
        return out
    for j in range(p):
        out[j] = _screened(g[j], const, radius, _col_dot(X, j, X[:, j]), l1, l2)
    return out


@njit(cache=True)
def gap_naive(X, y, R, w, l1, l2):
    """Duality gap (sum scale) from the residual ``R = y - X w``."""
    n, p = X.shape
    dual_norm = 0.0
    dual_sq = 0.0
    for j in range(p):
        v = abs(_col_dot(X, j, R) - l2 * w[j])
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
def _gap_from_xtr(xtr, w, active, r_norm2, r_dot_y, l1, l2):
    """Gap (sum scale) from ``xtr = X^T r`` over the ``active`` features; also the dual norm."""
    dual_norm = 0.0
    dual_sq = 0.0
    w_l1 = 0.0
    w_norm2 = 0.0
    for j in range(w.shape[0]):
        if active[j]:
            v = abs(xtr[j] - l2 * w[j])
            dual_sq += v * v
            dual_norm = max(dual_norm, v)
        w_l1 += abs(w[j])
        w_norm2 += w[j] * w[j]
    return _gap_from_parts(dual_norm, dual_sq, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2), dual_norm


@njit(cache=True)
def whole_gap(xtr, w, active, n_active, r_norm2, r_dot_y, l1, l2, tol_abs, n_epochs):
    """The gap from ``xtr = X^T r`` (every feature), and whether it certifies the whole problem.

    The gap of the screened problem bounds the suboptimality, but the gap reported is that of the
    whole problem (the one every caller measures): once the screened one is small enough, every
    feature is put back (``active`` is updated in place) and the gap recomputed. Returns
    ``(gap, dual_norm, converged, n_active, keep_screening)``; ``keep_screening`` is False in the
    rare case where a screened feature limits the dual point. Least squares (``l1 = l2 = 0``) has
    no dual bound: like scikit-learn, it needs at least one sweep.
    """
    gap, dual_norm = _gap_from_xtr(xtr, w, active, r_norm2, r_dot_y, l1, l2)
    keep_screening = True
    if gap <= tol_abs and (n_epochs > 0 or l1 > 0.0 or l2 > 0.0):
        if n_active < w.shape[0]:
            active[:] = True
            n_active = w.shape[0]
            gap, dual_norm = _gap_from_xtr(xtr, w, active, r_norm2, r_dot_y, l1, l2)
            keep_screening = gap <= tol_abs
        if gap <= tol_abs:
            return gap, dual_norm, True, n_active, keep_screening
    return gap, dual_norm, False, n_active, keep_screening


@njit(cache=True)
def working_set(grad, w, active, n_active, nnz, col_sq, l1, l2, const, ws_size, p0, strong, l1_prev):
    """The next working set (sorted feature indices): the support, then the worst KKT violators.

    Features are ranked by the distance of the rescaled residual to their dual constraint,
    ``(l1 - const |grad_j|) / sqrt(||x_j||^2 + l2)``; non-zero features come first and screened ones
    never. The first set has ``p0`` features, or with ``strong`` (a path, ``l1_prev`` the previous
    alpha) the support plus the sequential strong rule's candidates; later sets never shrink and
    hold at least twice the support.
    """
    p = w.shape[0]
    prio = np.empty(p)
    for j in range(p):
        if not active[j]:
            prio[j] = np.inf
        elif w[j] != 0.0:
            prio[j] = -np.inf  # (a zero column's warm-start coefficient is reset in the sweep)
        elif col_sq[j] + l2 == 0.0:
            prio[j] = np.inf  # a zero column: its coefficient stays zero
        else:
            prio[j] = (l1 - const * abs(grad[j])) / np.sqrt(col_sq[j] + l2)
    if ws_size == 0 and strong and l1_prev > 0.0:
        thresh = 2.0 * l1 - l1_prev
        ws_size = nnz
        for j in range(p):
            if active[j] and w[j] == 0.0 and abs(grad[j]) >= thresh:
                ws_size += 1
        ws_size = max(ws_size, 1)
    elif ws_size == 0:
        ws_size = max(p0, 2 * nnz)
    else:
        ws_size = max(ws_size, 2 * nnz, p0)
    ws_size = min(ws_size, n_active)
    return np.sort(np.argsort(prio)[:ws_size])


# --------------------------------------------------------------------------- Anderson extrapolation
@njit(cache=True)
def _anderson_weights(buf, K):
    """Weights c (summing to 1) minimising ||sum_k c_k (x_{k+1} - x_k)|| over the K+1 rows of buf.

    Returns an empty array when the system is numerically singular.
    """
    m = buf.shape[1]
    U = np.empty((K, m))
    for k in range(K):
        for i in range(m):
            U[k, i] = buf[k + 1, i] - buf[k, i]
    C = U @ U.T
    # Gaussian elimination with partial pivoting on C z = 1 (K is tiny)
    A = C.copy()
    z = np.ones(K)
    scale = 0.0
    for k in range(K):
        scale = max(scale, abs(A[k, k]))
    if scale == 0.0:
        return np.empty(0)
    for k in range(K):
        piv = k
        for r in range(k + 1, K):
            if abs(A[r, k]) > abs(A[piv, k]):
                piv = r
        if abs(A[piv, k]) <= 1e-14 * scale:
            return np.empty(0)
        if piv != k:
            for c in range(K):
                A[k, c], A[piv, c] = A[piv, c], A[k, c]
            z[k], z[piv] = z[piv], z[k]
        for r in range(k + 1, K):
            f = A[r, k] / A[k, k]
            for c in range(k, K):
                A[r, c] -= f * A[k, c]
            z[r] -= f * z[k]
    for k in range(K - 1, -1, -1):
        s = z[k]
        for c in range(k + 1, K):
            s -= A[k, c] * z[c]
        z[k] = s / A[k, k]
    tot = z.sum()
    if tot == 0.0 or not np.isfinite(tot):
        return np.empty(0)
    return z / tot


# --------------------------------------------------------------------------- naive (residual) mode
@njit(cache=True)
def _objective_naive(R, w, ws, l1, l2):
    s = 0.0
    for i in range(R.shape[0]):
        s += R[i] * R[i]
    s *= 0.5
    for jj in range(ws.shape[0]):
        wj = w[ws[jj]]
        s += l1 * abs(wj) + 0.5 * l2 * wj * wj
    return s


@njit(cache=True)
def _inner_naive(X, y, R, w, col_sq, ws, l1, l2, tol_in, max_epochs, use_anderson):
    """Coordinate descent restricted to the features in ``ws``; returns (epochs, restricted gap)."""
    n = X.shape[0]
    m = ws.shape[0]
    K = ANDERSON_K
    buf = np.empty((K + 1, m))
    # the residual is affine in w: combining the stored residuals with the same weights gives
    # the residual of the extrapolated point in O(n K), not O(n m)
    rbuf = np.empty((K + 1, n)) if use_anderson else np.empty((0, n))
    n_buf = 0
    gap_ws = np.inf
    for epoch in range(max_epochs):
        for jj in range(m):
            j = ws[jj]
            if col_sq[j] == 0.0:
                w[j] = 0.0  # a zero column: its coefficient only adds penalty (a warm start's)
                continue
            old = w[j]
            new = _soft(_col_dot(X, j, R) + col_sq[j] * old, l1) / (col_sq[j] + l2)
            if new != old:
                _col_axpy(X, j, old - new, R)
                w[j] = new
        if use_anderson:
            for jj in range(m):
                buf[n_buf, jj] = w[ws[jj]]
            rbuf[n_buf] = R
            n_buf += 1
            if n_buf == K + 1:
                n_buf = 0
                c = _anderson_weights(buf, K)
                if c.size == K:
                    w_acc = np.zeros(m)
                    R_acc = np.zeros(n)
                    for k in range(K):
                        for jj in range(m):
                            w_acc[jj] += c[k] * buf[k + 1, jj]
                        for i in range(n):
                            R_acc[i] += c[k] * rbuf[k + 1, i]
                    obj_acc = 0.5 * (R_acc @ R_acc)
                    for jj in range(m):
                        obj_acc += l1 * abs(w_acc[jj]) + 0.5 * l2 * w_acc[jj] * w_acc[jj]
                    if obj_acc < _objective_naive(R, w, ws, l1, l2):
                        # accepted: recompute the residual exactly, since the weights can be
                        # large and of mixed signs, and the combined residual then drifts
                        R[:] = y
                        for jj in range(m):
                            w[ws[jj]] = w_acc[jj]
                        for j in range(X.shape[1]):
                            if w[j] != 0.0:
                                _col_axpy(X, j, -w[j], R)
        if (epoch + 1) % CHECK_EVERY == 0 or epoch == max_epochs - 1:
            dual_norm = 0.0
            dual_sq = 0.0
            w_l1 = 0.0
            w_norm2 = 0.0
            for jj in range(m):
                j = ws[jj]
                v = abs(_col_dot(X, j, R) - l2 * w[j])
                dual_sq += v * v
                dual_norm = max(dual_norm, v)
                w_l1 += abs(w[j])
                w_norm2 += w[j] * w[j]
            gap_ws = _gap_from_parts(dual_norm, dual_sq, R @ R, R @ y, w_l1, w_norm2, l1, l2)
            if gap_ws <= tol_in:
                return epoch + 1, gap_ws
    return max_epochs, gap_ws


@njit(cache=True)
def enet_naive(
    X, y, w, col_sq, xtr, xtr_valid, l1, l2, tol_abs, max_iter, use_ws, use_screen, use_anderson, p0, l1_prev, strong
):
    """Elastic net by coordinate descent with residual updates; ``w`` and ``xtr`` updated in place.

    ``col_sq`` holds the squared column norms. ``xtr`` receives ``X^T r`` at the final ``w`` (every
    feature when converged); when ``xtr_valid``, it already holds ``X^T r`` at the initial ``w``
    (the end of the previous alpha of a path) and the first full pass is skipped. ``l1_prev > 0``
    with ``strong`` seeds the first working set by the sequential strong rule.
    Returns ``(gap, n_epochs, converged)`` with the gap in the sum scale.
    """
    n, p = X.shape
    R = y.copy()
    for j in range(p):
        if w[j] != 0.0:
            _col_axpy(X, j, -w[j], R)
    if l1 == 0.0:
        use_ws = False
        use_screen = False
    active = np.ones(p, dtype=np.bool_)
    n_active = p
    grad = np.zeros(p)
    n_epochs = 0
    ws_size = 0
    gap = np.inf
    converged = False
    first = True
    while True:
        # full check on the features not screened out
        if not (first and xtr_valid):
            for j in range(p):
                if active[j]:
                    xtr[j] = _col_dot(X, j, R)
        first = False
        r_norm2 = R @ R
        r_dot_y = R @ y
        gap, dual_norm = _gap_from_xtr(xtr, w, active, r_norm2, r_dot_y, l1, l2)
        nnz = 0
        for j in range(p):
            grad[j] = xtr[j] - l2 * w[j]
            if w[j] != 0.0:
                nnz += 1
        if gap <= tol_abs and (n_epochs > 0 or l1 > 0.0 or l2 > 0.0):
            # (least squares, l1 = l2 = 0, has no dual bound: like sklearn, sweep at least once)
            if n_active < p:
                # the gap of the screened problem bounds the suboptimality; report the gap of
                # the whole problem (the one every caller measures), computed once at the end
                for j in range(p):
                    if not active[j]:
                        xtr[j] = _col_dot(X, j, R)
                        active[j] = True
                n_active = p
                gap, dual_norm = _gap_from_xtr(xtr, w, active, r_norm2, r_dot_y, l1, l2)
                if gap > tol_abs:
                    # rare: a screened feature limits the dual point; go on with every feature
                    use_screen = False
                    for j in range(p):
                        grad[j] = xtr[j] - l2 * w[j]
            if gap <= tol_abs:
                converged = True
                break
        if n_epochs >= max_iter:
            break
        const = _dual_scale(dual_norm, l1)
        if use_screen:
            radius = np.sqrt(2.0 * max(gap, 0.0))
            for j in range(p):
                if active[j] and _screened(abs(grad[j]), const, radius, col_sq[j], l1, l2):
                    active[j] = False
                    n_active -= 1
                    if w[j] != 0.0:
                        _col_axpy(X, j, w[j], R)
                        w[j] = 0.0
                        nnz -= 1
        if use_ws:
            ws = working_set(grad, w, active, n_active, nnz, col_sq, l1, l2, const, ws_size, p0, strong, l1_prev)
        else:
            ws = np.flatnonzero(active)
        ws_size = ws.shape[0]
        tol_in = tol_abs if ws_size >= n_active else max(INNER_FRACTION * gap, tol_abs)
        ep, _ = _inner_naive(X, y, R, w, col_sq, ws, l1, l2, tol_in, max_iter - n_epochs, use_anderson)
        n_epochs += ep
    return gap, n_epochs, converged


# --------------------------------------------------------------------------- Gram mode
@njit(cache=True)
def _objective_gram(Gw, q, w, yy, l1, l2):
    # 1/2 ||y - Xw||^2 + pen(w) = 1/2 yy - q.w + 1/2 w.Gw + pen(w)
    s = 0.5 * yy
    for j in range(w.shape[0]):
        s += -q[j] * w[j] + 0.5 * w[j] * Gw[j] + l1 * abs(w[j]) + 0.5 * l2 * w[j] * w[j]
    return s


@njit(cache=True)
def _inner_gram(Gs, qs, yy, ws_w, tol_in, l1, l2, max_epochs, use_anderson):
    """Coordinate descent on a dense (sub-)Gram matrix; ``ws_w`` updated in place."""
    m = Gs.shape[0]
    Gw = Gs @ ws_w if m > 0 else np.zeros(0)
    K = ANDERSON_K
    buf = np.empty((K + 1, m))
    gbuf = np.empty((K + 1, m))
    n_buf = 0
    gap_ws = np.inf
    for epoch in range(max_epochs):
        for j in range(m):
            gjj = Gs[j, j]
            if gjj == 0.0:
                ws_w[j] = 0.0  # a zero column (see _inner_naive); G w does not change
                continue
            old = ws_w[j]
            new = _soft(qs[j] - Gw[j] + gjj * old, l1) / (gjj + l2)
            if new != old:
                d = new - old
                for k in range(m):
                    Gw[k] += d * Gs[j, k]  # symmetric: row j is contiguous
                ws_w[j] = new
        if use_anderson:
            buf[n_buf] = ws_w
            gbuf[n_buf] = Gw  # G w is linear in w: combine it with the same weights
            n_buf += 1
            if n_buf == K + 1:
                n_buf = 0
                c = _anderson_weights(buf, K)
                if c.size == K:
                    w_acc = np.zeros(m)
                    Gw_acc = np.zeros(m)
                    for k in range(K):
                        w_acc += c[k] * buf[k + 1]
                        Gw_acc += c[k] * gbuf[k + 1]
                    if _objective_gram(Gw_acc, qs, w_acc, yy, l1, l2) < _objective_gram(Gw, qs, ws_w, yy, l1, l2):
                        ws_w[:] = w_acc
                        Gw[:] = 0.0  # exact recomputation (see _inner_naive)
                        for k in range(m):
                            if ws_w[k] != 0.0:
                                for j in range(m):
                                    Gw[j] += ws_w[k] * Gs[k, j]
        if (epoch + 1) % CHECK_EVERY == 0 or epoch == max_epochs - 1:
            gap_ws = gap_gram(Gs, qs, yy, ws_w, Gw, l1, l2)
            if gap_ws <= tol_in:
                return epoch + 1, gap_ws
    return max_epochs, gap_ws


@njit(cache=True)
def enet_gram(G, q, yy, w, xtr, l1, l2, tol_abs, max_iter, use_ws, use_screen, use_anderson, p0, l1_prev, strong):
    """Elastic net by coordinate descent on the Gram matrix; ``w`` and ``xtr`` updated in place.

    Same algorithm and returns as :func:`enet_naive`, with ``G w`` in place of the residual
    (``xtr = q - G w`` is cheap here, so it is always recomputed).
    """
    p = G.shape[0]
    if l1 == 0.0:
        use_ws = False
        use_screen = False
    active = np.ones(p, dtype=np.bool_)
    n_active = p
    grad = np.zeros(p)
    Gw = np.zeros(p)
    diag = np.empty(p)
    for j in range(p):
        diag[j] = G[j, j]
    n_epochs = 0
    ws_size = 0
    gap = np.inf
    converged = False
    while True:
        Gw[:] = 0.0
        for k in range(p):
            if w[k] != 0.0:
                wk = w[k]
                for j in range(p):
                    Gw[j] += wk * G[k, j]
        w_q = 0.0
        w_Gw = 0.0
        nnz = 0
        for j in range(p):
            xtr[j] = q[j] - Gw[j]
            grad[j] = xtr[j] - l2 * w[j]
            w_q += w[j] * q[j]
            w_Gw += w[j] * Gw[j]
            if w[j] != 0.0:
                nnz += 1
        r_norm2 = max(yy - 2.0 * w_q + w_Gw, 0.0)
        r_dot_y = yy - w_q
        gap, dual_norm, converged, n_active, keep = whole_gap(
            xtr, w, active, n_active, r_norm2, r_dot_y, l1, l2, tol_abs, n_epochs
        )
        use_screen = use_screen and keep
        if converged:
            break
        if n_epochs >= max_iter:
            break
        const = _dual_scale(dual_norm, l1)
        if use_screen:
            radius = np.sqrt(2.0 * max(gap, 0.0))
            for j in range(p):
                if active[j] and _screened(abs(grad[j]), const, radius, G[j, j], l1, l2):
                    active[j] = False
                    n_active -= 1
                    if w[j] != 0.0:
                        w[j] = 0.0
                        nnz -= 1
        if use_ws:
            ws = working_set(grad, w, active, n_active, nnz, diag, l1, l2, const, ws_size, p0, strong, l1_prev)
        else:
            ws = np.flatnonzero(active)
        ws_size = ws.shape[0]
        m = ws.shape[0]
        if m == p:
            Gs = G
            qs = q
            ws_w = w.copy()
        else:
            Gs = np.empty((m, m))
            qs = np.empty(m)
            ws_w = np.empty(m)
            for a in range(m):
                qs[a] = q[ws[a]]
                ws_w[a] = w[ws[a]]
                for b in range(m):
                    Gs[a, b] = G[ws[a], ws[b]]
        tol_in = tol_abs if ws_size >= n_active else max(INNER_FRACTION * gap, tol_abs)
        ep, _ = _inner_gram(Gs, qs, yy, ws_w, tol_in, l1, l2, max_iter - n_epochs, use_anderson)
        n_epochs += ep
        for a in range(m):
            w[ws[a]] = ws_w[a]
    return gap, n_epochs, converged


# --------------------------------------------------------------------------- paths
@njit(cache=True)
def path_naive(
    X, y, col_sq, xty_max, l1s, l2s, tol_abs, max_iter, use_ws, use_screen, use_anderson, p0, strong, warm
):
    """A whole path in one call (no Python between alphas); returns coefs, gaps, epochs, converged.

    ``xty_max = max_j |x_j^T y|``: every alpha with ``l1 >= xty_max`` has the zero solution.
    """
    p = X.shape[1]
    k = l1s.shape[0]
    coefs = np.zeros((k, p))
    gaps = np.zeros(k)
    n_iters = np.zeros(k, dtype=np.int64)
    conv = np.zeros(k, dtype=np.bool_)
    w = np.zeros(p)
    xtr = np.empty(p)
    xtr_valid = False
    l1_prev = 0.0
    for i in range(k):
        if not warm:
            w[:] = 0.0
            xtr_valid = False
            l1_prev = 0.0
        is_zero = True
        for j in range(p):
            if w[j] != 0.0:
                is_zero = False
                break
        if l1s[i] > 0.0 and is_zero and l1s[i] >= xty_max:
            # alpha >= alpha_max: zero is optimal, exactly
            gaps[i] = 0.0
            conv[i] = True
            xtr_valid = False
        else:
            gaps[i], n_iters[i], conv[i] = enet_naive(
                X, y, w, col_sq, xtr, xtr_valid, l1s[i], l2s[i], tol_abs, max_iter,
                use_ws, use_screen, use_anderson, p0, l1_prev, strong,
            )  # fmt: skip
            xtr_valid = conv[i]
        l1_prev = l1s[i]
        coefs[i] = w
    return coefs, gaps, n_iters, conv


@njit(cache=True)
def path_gram(G, q, yy, xty_max, l1s, l2s, tol_abs, max_iter, use_ws, use_screen, use_anderson, p0, strong, warm):
    """:func:`path_naive` on the Gram matrix."""
    p = G.shape[0]
    k = l1s.shape[0]
    coefs = np.zeros((k, p))
    gaps = np.zeros(k)
    n_iters = np.zeros(k, dtype=np.int64)
    conv = np.zeros(k, dtype=np.bool_)
    w = np.zeros(p)
    xtr = np.empty(p)
    l1_prev = 0.0
    for i in range(k):
        if not warm:
            w[:] = 0.0
            l1_prev = 0.0
        is_zero = True
        for j in range(p):
            if w[j] != 0.0:
                is_zero = False
                break
        if l1s[i] > 0.0 and is_zero and l1s[i] >= xty_max:
            gaps[i] = 0.0
            conv[i] = True
        else:
            gaps[i], n_iters[i], conv[i] = enet_gram(
                G, q, yy, w, xtr, l1s[i], l2s[i], tol_abs, max_iter,
                use_ws, use_screen, use_anderson, p0, l1_prev, strong,
            )  # fmt: skip
        l1_prev = l1s[i]
        coefs[i] = w
    return coefs, gaps, n_iters, conv


# --------------------------------------------------------------------------- covariance mode
# rows summed into a local accumulator before it is added to the total: the rounding error of
# the sums grows like (_BLOCK + n / _BLOCK) eps rather than n eps
_BLOCK = 256


@njit(cache=True, fastmath=True)
def _moments_rows(X, y):
    """Shifted sums over the rows of a C-ordered X (one pass); see :func:`moments`."""
    n, p = X.shape
    x0 = X[0].copy()
    y0 = y[0]
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    sxy = np.zeros(p)
    b1 = np.empty(p)
    b2 = np.empty(p)
    bxy = np.empty(p)
    t1 = 0.0
    t2 = 0.0
    for start in range(0, n, _BLOCK):
        b1[:] = 0.0
        b2[:] = 0.0
        bxy[:] = 0.0
        u1 = 0.0
        u2 = 0.0
        for i in range(start, min(start + _BLOCK, n)):
            dy = y[i] - y0
            u1 += dy
            u2 += dy * dy
            for j in range(p):
                d = X[i, j] - x0[j]
                b1[j] += d
                b2[j] += d * d
                bxy[j] += d * dy
        t1 += u1
        t2 += u2
        for j in range(p):
            s1[j] += b1[j]
            s2[j] += b2[j]
            sxy[j] += bxy[j]
    return x0, y0, s1, s2, sxy, t1, t2


@njit(cache=True, fastmath=True)
def _moments_cols(X, y):
    """Shifted sums down the columns of an F-ordered X (one pass); see :func:`moments`."""
    n, p = X.shape
    y0 = y[0]
    dy = np.empty(n)
    t1 = 0.0
    t2 = 0.0
    for i in range(n):
        dy[i] = y[i] - y0
        t1 += dy[i]
        t2 += dy[i] * dy[i]
    x0 = np.empty(p)
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    sxy = np.zeros(p)
    for j in range(p):
        x0[j] = X[0, j]
        for start in range(0, n, _BLOCK):
            u1 = 0.0
            u2 = 0.0
            uxy = 0.0
            for i in range(start, min(start + _BLOCK, n)):
                d = X[i, j] - x0[j]
                u1 += d
                u2 += d * d
                uxy += d * dy[i]
            s1[j] += u1
            s2[j] += u2
            sxy[j] += uxy
    return x0, y0, s1, s2, sxy, t1, t2


def moments(X, y):
    """Means and centred second moments of ``(X, y)`` in one pass, without copying X.

    Returns ``(x_mean, y_mean, col_sq, xty, yty, cancel)``: ``col_sq = ||x_j - mean_j||^2``,
    ``xty = X_c^T y_c``, ``yty = ||y_c||^2`` and ``cancel``, the largest ratio of a column's raw
    second moment to its centred one, ``max_j mean_j^2 n / col_sq_j`` (how far the columns sit
    from zero, in units of their spread; 0 when every column is constant).

    Sums are taken of the data shifted by its first row: their means are then of the order of the
    spread, so ``s2 - s1^2 / n`` does not cancel (the textbook one-pass formula ``sum x^2 - n
    mean^2`` loses every digit at means of 1e8).
    """
    n = X.shape[0]
    kernel = _moments_cols if X.flags.f_contiguous and not X.flags.c_contiguous else _moments_rows
    x0, y0, s1, s2, sxy, t1, t2 = kernel(X, y)
    x_mean = x0 + s1 / n
    col_sq = np.maximum(s2 - s1 * s1 / n, 0.0)
    xty = sxy - s1 * (t1 / n)
    yty = max(t2 - t1 * t1 / n, 0.0)
    spread = col_sq > 0.0
    cancel = float(np.max(x_mean[spread] ** 2 * n / col_sq[spread])) if spread.any() else 0.0
    return x_mean, y0 + t1 / n, col_sq, xty, yty, cancel


@njit(cache=True)
def gather_centred(X, idx, centre, out, start):
    """``out[:, start + k] = X[:, idx[k]] - centre[k]`` for an F-ordered ``out``.

    Rows are taken in blocks that stay in cache while each column of the block is written in one
    contiguous run (reading X row-wise when it is C-ordered, column runs when F-ordered).
    """
    n = X.shape[0]
    m = idx.shape[0]
    for i0 in range(0, n, _BLOCK):
        i1 = min(i0 + _BLOCK, n)
        for k in range(m):
            j = idx[k]
            c = centre[k]
            for i in range(i0, i1):
                out[i, start + k] = X[i, j] - c


@njit(cache=True, fastmath=True)
def gradient_pass(X, x_mean, yc, support, coef, xtr):
    """One pass over the rows of a C-ordered X: ``r = y_c - X_c w`` and ``xtr = X_c^T r``.

    ``w`` is given by its non-zero entries ``coef`` at ``support``. Each row is read once and is
    in cache for both of its uses. Returns ``(||r||^2, r^T y_c)``.
    """
    n, p = X.shape
    k = support.shape[0]
    offset = 0.0  # mean_S . w_S: centring the columns of the residual
    for a in range(k):
        offset += x_mean[support[a]] * coef[a]
    acc = np.zeros(p)
    r_sum = 0.0
    r_norm2 = 0.0
    r_dot_y = 0.0
    for i in range(n):
        fit = -offset
        for a in range(k):
            fit += X[i, support[a]] * coef[a]
        r = yc[i] - fit
        r_sum += r
        r_norm2 += r * r
        r_dot_y += r * yc[i]
        for j in range(p):
            acc[j] += X[i, j] * r
    for j in range(p):
        xtr[j] = acc[j] - x_mean[j] * r_sum
    return r_norm2, r_dot_y
