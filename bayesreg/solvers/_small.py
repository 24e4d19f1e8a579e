"""The NumPy route of coordinate descent: small problems, no compiler.

The same algorithm and certificate as :func:`bayesreg.solvers._kernels.enet_gram` (sum scale,
``P(w) = 1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2`` on the Gram form): cyclic coordinate
updates ``w_j = S(q_j - (G w)_j + G_jj w_j, l1) / (G_jj + l2)``, stopped by the duality gap of
:func:`bayesreg.solvers._gapmath.gap_from_parts` at ``gap <= tol_abs``. After each sweep the
candidate of the active-set method is tried: on the current support ``S`` with signs ``s``,
``(G_SS + l2 I) w_S = q_S - l1 s``; it is kept only when its signs agree and it lowers the
objective, so it never changes what is certified, only how soon (a few sweeps find the support,
the solve lands on the optimum to rounding). :mod:`bayesreg.solvers._route` decides when this
route runs.
"""

from __future__ import annotations

import numpy as np

from ._gapmath import LeastSquaresDual, certified_gap, rounding_bound

#: a gap at the rounding bound stops the sweeps once a sweep (or a chunk of them) lowers it by less than this factor
STALL = 0.5


def _objective(G, q, yy, w, Gw, l1, l2):
    return 0.5 * yy - float(q @ w) + 0.5 * float(w @ Gw) + l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(w @ w)


def _polish(G, q, yy, w, Gw, l1, l2):
    """The active-set candidate on the support of ``w``; replaces ``w, Gw`` in place when it is better."""
    S = np.flatnonzero(w)
    if S.size == 0:
        return
    s = np.sign(w[S])
    A = G[np.ix_(S, S)]
    if l2 > 0.0:
        A = A + l2 * np.eye(S.size)
    try:
        wS = np.linalg.solve(A, q[S] - l1 * s)
    except np.linalg.LinAlgError:
        return
    if not np.all(np.isfinite(wS)) or (l1 > 0.0 and np.any(np.sign(wS) != s)):
        return
    cand = np.zeros_like(w)
    cand[S] = wS
    Gc = G[:, S] @ wS
    if _objective(G, q, yy, cand, Gc, l1, l2) <= _objective(G, q, yy, w, Gw, l1, l2):
        w[:] = cand
        Gw[:] = Gc


def enet_gram_numpy(G, q, yy, w, xtr, l1, l2, tol_abs, max_iter):
    """Elastic net by coordinate descent on ``G = X^T X`` in NumPy; ``w`` and ``xtr`` updated in place.

    Arguments and returns as :func:`bayesreg.solvers._kernels.enet_gram` (sum scale):
    ``(gap, n_sweeps, converged)``; ``xtr`` receives ``X^T r = q - G w`` at the returned ``w``.
    The gap is :func:`._gapmath.certified_gap`: never below its rounding floor, and valid for least
    squares and vanishing penalties too. ``converged`` is ``gap <= max(tol_abs, bound)`` with
    ``bound`` the :func:`._gapmath.rounding_bound` at ``w``, at every exit (the target met, a fixed
    point of the sweep, ``max_iter``): a gap at rounding level that a sweep no longer halves
    (:data:`STALL`) stops the sweeps and counts as converged.
    """
    p = w.shape[0]
    diag = np.diag(G).tolist()
    n_iter = 0
    converged = False
    ls = LeastSquaresDual(G, l2)
    prev = np.inf
    while True:
        # (G w afresh: the sweeps' running updates drift by rounding, and q - G w cancels)
        Gw = G @ w
        gap = certified_gap(G, q, yy, w, Gw, l1, l2, tol_abs, ls)
        if gap <= tol_abs or (gap > STALL * prev and gap <= rounding_bound(G, q, yy, w, Gw, l1, l2)):
            # (the second: the gap is at what float64 can certify here and the last sweep did not
            # halve it; more sweeps cannot lower it below rounding)
            converged = True
            break
        prev = gap
        if n_iter >= max_iter:
            # out of sweeps: the flag as at the other exits (the gap within the target, or at the level
            # rounding lets the data certify), so SolverResult.converged is gap <= max(target, rounding_bound)
            converged = gap <= max(tol_abs, rounding_bound(G, q, yy, w, Gw, l1, l2))
            break
        before = w.copy()
        for j in range(p):
            gjj = diag[j]
            old = float(w[j])
            if gjj == 0.0:
                w[j] = 0.0  # a zero column: its coefficient only adds penalty (G w does not change)
                continue
            z = float(q[j] - Gw[j]) + gjj * old
            new = (z - l1 if z > l1 else z + l1 if z < -l1 else 0.0) / (gjj + l2)
            if new != old:
                Gw += (new - old) * G[j]  # (G is symmetric: row j is column j)
                w[j] = new
        n_iter += 1
        _polish(G, q, yy, w, Gw, l1, l2)
        if np.array_equal(w, before):
            # a fixed point of the sweep: every further sweep repeats this one exactly, so the gap
            # cannot fall (it is at what rounding of q - G w lets the Gram form certify)
            Gw = G @ w
            gap = certified_gap(G, q, yy, w, Gw, l1, l2, tol_abs, ls)
            converged = gap <= max(tol_abs, rounding_bound(G, q, yy, w, Gw, l1, l2))
            break
    xtr[:] = q - Gw
    return gap, n_iter, converged


def path_gram_numpy(G, q, yy, xty_max, l1s, l2s, tol_abs, max_iter, warm):
    """A warm-started path on the NumPy route; returns coefs, gaps (sum scale), sweeps, converged.

    As :func:`bayesreg.solvers._kernels.path_gram`: every alpha with ``l1 >= xty_max`` from a
    zero start has the zero solution, exactly.
    """
    p = q.shape[0]
    k = l1s.shape[0]
    coefs = np.zeros((k, p))
    gaps = np.zeros(k)
    n_iters = np.zeros(k, dtype=np.int64)
    conv = np.zeros(k, dtype=bool)
    w = np.zeros(p)
    xtr = np.empty(p)
    for i in range(k):
        if not warm:
            w[:] = 0.0
        if l1s[i] > 0.0 and not w.any() and l1s[i] >= xty_max:
            conv[i] = True
        else:
            gaps[i], n_iters[i], conv[i] = enet_gram_numpy(G, q, yy, w, xtr, l1s[i], l2s[i], tol_abs, max_iter)
        coefs[i] = w
    return coefs, gaps, n_iters, conv
