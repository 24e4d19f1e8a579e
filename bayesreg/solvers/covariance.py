r"""Working-set coordinate descent with covariance updates: the n >> p route for arrays.

The Gram mode forms all of ``X^T X`` (n p^2 / 2 multiply-adds) before its first sweep. At one
alpha most of it is never used: the coordinate updates touch only the Gram entries among the
features that are ever in the working set, and the KKT check of the others needs ``X^T r``, one
pass over X. This route (glmnet's "covariance updates", Friedman, Hastie and Tibshirani, 2010,
combined with the working sets of celer and skglm) therefore keeps

- the column means, centred column norms and ``X_c^T y_c`` from one pass over X (no copy of it);
- a centred copy ``Z`` of the columns that have entered a working set, and their Gram
  ``Z^T Z``, grown by one BLAS product per round for the new columns only
  (n m^2 / 2 multiply-adds in all for m columns);

and alternates two steps until the duality gap of the whole problem is small enough:

1. solve the Lasso / elastic net restricted to the working set on its Gram (O(m) per coordinate,
   nothing of size n), with Anderson extrapolation;
2. one pass over X: the exact residual ``r = y_c - X_c w`` and ``X^T r``, and from them the gap
   of the whole problem, the KKT violations, gap-safe screening and the next working set: the
   held columns plus the worst violators outside them (at most as many as are held, so the set
   at most doubles per round).

A pass costs ``n p`` against ``m^2`` for a sweep of the restricted problem, so when ``n p >= 5
m^2`` the restricted problem is solved to the final accuracy at once, and a round is repeated
only when a feature outside the working set still violates its KKT condition.

X is never centred in place or copied whole: with ``r`` centred, ``X_c^T r = X^T r - mean
sum(r)``. That is accurate while the column means are within ``1e4`` spreads of zero; further
out (the rounding of ``X^T r`` grows with the mean), and when the centred copy would grow past
``_MAX_COPY_BYTES``, the caller takes the Gram route of :mod:`._problem`, which is exact at any
offset.
"""

from __future__ import annotations

import numpy as np

from . import _kernels

# largest (mean / spread)^2 of a column for which X^T r on the raw X is accurate (see above)
MAX_CANCEL = 1e8
# the centred copy of the working-set columns may grow to this many bytes; the Gram route
# (one blocked pass, no copy) takes over beyond it
_MAX_COPY_BYTES = 1 << 30
# the restricted problem is solved to the final tolerance when a pass over X costs more than
# this many of its sweeps (n p >= _SWEEPS_PER_PASS m^2), else to a fraction of the current gap
_SWEEPS_PER_PASS = 5
# the residual is formed row by row inside the gradient pass (a C-ordered X) while the support has
# at most max(_FUSED_SUPPORT, p / 8) features; a larger one is read from the centred copy
_FUSED_SUPPORT = 64


class _Columns:
    """Centred copies of the columns that have entered a working set, and their Gram matrix."""

    def __init__(self, X: np.ndarray, x_mean: np.ndarray, capacity: int):
        n, p = X.shape
        self.X = X
        self.x_mean = x_mean
        self.m = 0
        self.where = np.full(p, -1, dtype=np.int64)  # position of feature j in Z, or -1
        self.index = np.empty(0, dtype=np.int64)  # feature of each column of Z
        self.Z = np.empty((n, capacity), order="F")
        self.G = np.empty((capacity, capacity))

    def _reserve(self, m_new: int) -> None:
        cap = self.Z.shape[1]
        if m_new <= cap:
            return
        cap = min(max(m_new, 2 * cap), self.X.shape[1])
        Z = np.empty((self.X.shape[0], cap), order="F")
        Z[:, : self.m] = self.Z[:, : self.m]
        G = np.empty((cap, cap))
        G[: self.m, : self.m] = self.G[: self.m, : self.m]
        self.Z, self.G = Z, G

    def fits(self, features: np.ndarray) -> bool:
        """Whether adding ``features`` keeps the copy within the memory bound."""
        m_new = self.m + int(np.count_nonzero(self.where[features] < 0))
        return m_new * self.X.shape[0] * 8 <= _MAX_COPY_BYTES

    def add(self, features: np.ndarray) -> None:
        """Copy the new ones among ``features`` (centred) and extend the Gram by their block."""
        new = features[self.where[features] < 0]
        b = new.shape[0]
        if b == 0:
            return
        m = self.m
        self._reserve(m + b)
        _kernels.gather_centred(self.X, new, self.x_mean[new], self.Z, m)
        # Gram entries of the new columns against all held ones: (m + b) x b, one BLAS product
        block = self.Z[:, : m + b].T @ self.Z[:, m : m + b]
        self.G[: m + b, m : m + b] = block
        self.G[m : m + b, :m] = block[:m].T
        self.where[new] = np.arange(m, m + b)
        self.index = np.concatenate([self.index, new])
        self.m = m + b

    def gradient(self, yc: np.ndarray, w: np.ndarray, col_sq: np.ndarray, out: np.ndarray) -> tuple[float, float]:
        """``X_c^T r`` into ``out`` for ``r = y_c - X_c w`` (``w`` supported on the held columns).

        One pass over the raw X; returns ``(||r||^2, r^T y_c)``. Constant columns get exact zeros.
        """
        support = np.flatnonzero(w)
        if self.X.flags.c_contiguous and support.size <= max(_FUSED_SUPPORT, self.X.shape[1] // 8):
            # (a larger support is read faster from the centred copy than gathered per row)
            r_norm2, r_dot_y = _kernels.gradient_pass(self.X, self.x_mean, yc, support, w[support], out)
        else:
            # the residual from the centred copy, then one BLAS pass over X
            r = yc - self.Z[:, : self.m] @ w[self.index] if self.m else yc
            np.dot(self.X.T, r, out=out)
            out -= self.x_mean * r.sum()
            r_norm2, r_dot_y = float(r @ r), float(r @ yc)
        out[col_sq == 0.0] = 0.0
        return r_norm2, r_dot_y


def _next_working_set(cols, grad, w, active, n_active, col_sq, l1, l2, const, p0):
    """Every held column not screened out, plus the worst KKT violators outside them.

    Held columns are kept (their Gram is paid for, and a sweep over them costs O(m)); at most
    ``max(p0, m)`` violators join per round, ranked as in :func:`_kernels.working_set`, so the
    set at most doubles. The first set is the ``p0`` best-ranked features.
    """
    if cols.m == 0:
        return _kernels.working_set(grad, w, active, n_active, 0, col_sq, l1, l2, const, 0, p0, False, 0.0)
    held = cols.index[active[cols.index]]
    outside = active.copy()
    outside[cols.index] = False
    violators = outside & (np.abs(grad) > l1)
    n_new = min(int(np.count_nonzero(violators)), max(p0, cols.m))
    if n_new == 0:
        return np.sort(held)
    cand = np.flatnonzero(violators)
    # rank by the distance of the rescaled residual to the dual constraint (smallest first)
    dist = (l1 - const * np.abs(grad[cand])) / np.sqrt(col_sq[cand] + l2)
    new = cand[np.argsort(dist, kind="stable")[:n_new]]
    return np.sort(np.concatenate([held, new]))


def enet_covariance(
    X, x_mean, yc, xty, col_sq, yy, w, xtr, l1, l2, tol_abs, max_iter, use_ws, use_screen, use_anderson, p0
):
    """Elastic net by working sets on covariance updates; ``w`` and ``xtr`` updated in place.

    The arguments and the returns are those of :func:`_kernels.enet_naive` in the sum scale, with
    the raw ``X`` (validated, not centred), its column means, the centred target ``yc``, and the
    centred ``xty = X_c^T y_c``, ``col_sq`` and ``yy = ||y_c||^2`` from :func:`_kernels.moments`.
    Returns ``(gap, n_epochs, converged, handover)``: ``handover`` is True when the centred copy
    would pass the memory bound, and the caller should finish on the Gram route from ``w``.
    """
    n, p = X.shape
    if l1 == 0.0:
        use_ws = False
        use_screen = False
    cols = _Columns(X, x_mean, capacity=min(p, max(4 * p0, 64)))
    active = np.ones(p, dtype=np.bool_)
    n_active = p
    support = np.flatnonzero(w)
    if support.size:
        if not cols.fits(support):
            return np.inf, 0, False, True
        cols.add(support)
        r_norm2, r_dot_y = cols.gradient(yc, w, col_sq, xtr)
    else:
        xtr[:] = xty
        r_norm2 = r_dot_y = yy
    n_epochs = 0
    while True:
        # (xtr holds every feature: the pass is over all of X)
        gap, dual_norm, converged, n_active, keep = _kernels.whole_gap(
            xtr, w, active, n_active, r_norm2, r_dot_y, l1, l2, tol_abs, n_epochs
        )
        use_screen = use_screen and keep
        if converged:
            break
        if n_epochs >= max_iter:
            break
        grad = xtr - l2 * w
        const = _kernels._dual_scale(dual_norm, l1)
        if use_screen:
            radius = np.sqrt(2.0 * max(gap, 0.0))
            out = _kernels.screened_now(grad, active, const, radius, col_sq, l1, l2)
            if out.any():
                active &= ~out
                n_active = int(active.sum())
                w[out] = 0.0
        if use_ws:
            ws = _next_working_set(cols, grad, w, active, n_active, col_sq, l1, l2, const, p0)
        else:
            ws = np.flatnonzero(active)
        ws_size = ws.shape[0]
        if not cols.fits(ws):
            return gap, n_epochs, False, True
        cols.add(ws)
        at = cols.where[ws]
        Gs = np.ascontiguousarray(cols.G[np.ix_(at, at)])
        ws_w = w[ws]  # every non-zero feature is in the working set
        if ws_size >= n_active or n * p >= _SWEEPS_PER_PASS * ws_size * ws_size:
            tol_in = _kernels.INNER_FRACTION * tol_abs
        else:
            tol_in = _kernels.INNER_FRACTION * max(gap, tol_abs)
        ep, _ = _kernels._inner_gram(Gs, xty[ws], yy, ws_w, tol_in, l1, l2, max_iter - n_epochs, use_anderson)
        n_epochs += ep
        w[ws] = ws_w
        r_norm2, r_dot_y = cols.gradient(yc, w, col_sq, xtr)
    return gap, n_epochs, converged, False
