"""Reference duality gaps written out from the primal and the dual (see tests/test_gap_reference.py).

Independent of bayesreg.solvers: every quantity is formed with the augmented design
``[X_c; sqrt(n a2) I]`` and target ``[y_c; 0]`` themselves, the least-squares residual by
``np.linalg.lstsq``.
"""

from __future__ import annotations

import numpy as np


def gap_by_hand(X, y, w, a1, a2, fit_intercept=True):
    """P(w) - D(theta) of the augmented Lasso, on the package's 1/(2n) scale."""
    n, p = X.shape
    Xc = X - X.mean(0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    Xa = np.vstack([Xc, np.sqrt(n * a2) * np.eye(p)])
    ya = np.concatenate([yc, np.zeros(p)])
    ra = ya - Xa @ w
    primal = (ra @ ra) / (2 * n) + a1 * np.abs(w).sum()  # = 1/(2n)||r||^2 + a2/2 ||w||^2 + a1 ||w||_1
    dual_norm = np.max(np.abs(Xa.T @ ra))
    theta = ra * min(1.0, n * a1 / dual_norm)
    # feasible up to rounding (1e-300: a subnormal penalty, where theta is subnormal too)
    assert np.max(np.abs(Xa.T @ theta)) <= n * a1 * (1 + 1e-12) + 1e-13 * np.max(np.abs(Xa).T @ np.abs(theta)) + 1e-300
    dual = (theta @ ya - 0.5 * (theta @ theta)) / n
    return primal - dual


def anchored_gap_by_hand(X, y, w, a1, a2, fit_intercept=True):
    """P(w) - D(theta) at theta = r_LS + c (r~ - r_LS), r_LS the augmented least-squares residual."""
    n, p = X.shape
    Xc = X - X.mean(0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    Xa = np.vstack([Xc, np.sqrt(n * a2) * np.eye(p)])
    ya = np.concatenate([yc, np.zeros(p)])
    ra = ya - Xa @ w
    r_ls = ya - Xa @ np.linalg.lstsq(Xa, ya, rcond=None)[0]
    u = ra - r_ls
    dual_norm = np.max(np.abs(Xa.T @ u))
    c = min(1.0, n * a1 / dual_norm) if dual_norm > 0 else 1.0
    theta = r_ls + c * u
    # feasible up to the rounding of X~^T r_LS (zero in exact arithmetic)
    slack = 1e-12 * np.linalg.norm(Xa, 2) * np.linalg.norm(ya)
    assert np.max(np.abs(Xa.T @ theta)) <= n * a1 * (1 + 1e-12) + slack
    primal = (ra @ ra) / (2 * n) + a1 * np.abs(w).sum()
    dual = (theta @ ya - 0.5 * (theta @ theta)) / n
    return primal - dual


def best_gap_by_hand(X, y, w, a1, a2, fit_intercept=True):
    """The smaller of the two references: the gap the solvers certify with."""
    return min(gap_by_hand(X, y, w, a1, a2, fit_intercept), anchored_gap_by_hand(X, y, w, a1, a2, fit_intercept))


def stated_floor(X, y, w, a1, a2, fit_intercept=True):
    """The largest rounding floor a solver may state (package scale), from its documented formula.

    ``2 eps (||y||^2 + 2 t + l1 ||w||_1 + l2 ||w||^2) / n`` with ``t = |X^T y|^T |w| + |w|^T |X^T X| |w|``
    (sum scale ``l1 = n a1``, ``l2 = n a2``), the Gram form's (the routes on the rows use a smaller
    ``t``, as their gap has no ``q - G w`` to cancel); the second term of ``t`` bounded here by
    ``(sum_j |w_j| ||x_j||)^2`` (Cauchy-Schwarz), the larger. A gap is known only to it.
    """
    n = X.shape[0]
    Xc = X - X.mean(0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    aw = np.abs(w)
    t = np.abs(Xc.T @ yc) @ aw + (np.linalg.norm(Xc, axis=0) @ aw) ** 2
    eps = np.finfo(np.float64).eps
    return 2 * eps * (yc @ yc + 2 * t + n * a1 * aw.sum() + n * a2 * (w @ w)) / n


def assert_gap_matches(reported, X, y, w, a1, a2, fit_intercept=True, rel=1e-6, upper=True):
    """A reported gap is never below the better reference (beyond the floor), and (``upper``) is one of the two.

    The solvers report scikit-learn's gap when it certifies, else the smaller of the two; both are gaps
    at feasible dual points, scaled with the rounding of ``X^T r`` allowed for, which makes them larger
    than the references by a relative ``~ eps |X^T y| / (alpha n (1 - c))``: negligible at ordinary
    alphas, unbounded as alpha -> 0 (there ``upper=False``). Returns the smaller reference.
    """
    floor = stated_floor(X, y, w, a1, a2, fit_intercept)
    refs = (gap_by_hand(X, y, w, a1, a2, fit_intercept), anchored_gap_by_hand(X, y, w, a1, a2, fit_intercept))
    assert reported >= 0.0
    assert reported >= min(refs) * (1 - rel) - floor, (reported, refs, floor)  # never below a valid gap
    if upper:
        # (a reference at the optimum may come out below 0 by rounding; above it: the floor, and as much
        # again from the scaling allowed for (c drops by ~4 eps |q| / l1, which costs ~4 eps t near the optimum))
        ok = [r * (1 - rel) - floor <= reported <= max(r, 0.0) * (1 + rel) + 2 * floor for r in refs]
        assert any(ok), (reported, refs, floor)
    return min(refs)
