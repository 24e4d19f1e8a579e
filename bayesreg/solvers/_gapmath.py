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


def gap_gram(q, yy, w, Gw, l1, l2, err=None):
    """Duality gap (sum scale) from ``q = X^T y``, ``yy = y^T y`` and ``Gw = X^T X w``, in NumPy.

    ``err`` (optional, per feature) bounds the rounding of ``q - G w - l2 w``: the dual point is
    scaled by ``l1 / max_j(|grad_j| + err_j)``, so that it stays feasible whatever that rounding
    did (on the Gram form ``q - G w`` cancels: its error is ``eps |q|``, not ``eps |grad|``).
    """
    v = np.abs(q - Gw - l2 * w)
    w_q = float(w @ q)
    r_norm2 = max(yy - 2.0 * w_q + float(w @ Gw), 0.0)
    vmax = float((v if err is None else v + err).max()) if v.size else 0.0
    return gap_from_parts(vmax, float(v @ v), r_norm2, yy - w_q, float(np.abs(w).sum()), float(w @ w), l1, l2)


def gap_arrays(X, y, R, w, l1, l2):
    """Duality gap (sum scale) from the data and the residual ``R = y - X w``, in NumPy."""
    v = np.abs(X.T @ R - l2 * w)
    return gap_from_parts(
        float(v.max()) if v.size else 0.0, float(v @ v), float(R @ R), float(R @ y), float(np.abs(w).sum()),
        float(w @ w), l1, l2,
    )  # fmt: skip


_EPS = float(np.finfo(np.float64).eps)


def rounding_floor(yy, t, l1, w_l1, l2, w_norm2):
    """What rounding leaves uncertain in a gap formed from these terms (sum scale).

    ``t = |q|^T |w| + |w|^T |G| |w|`` (``q = X^T y``, ``G = X^T X``) bounds the size of every
    product a gap is formed from (``w^T q``, ``w^T G w``, ``grad^T w`` with ``grad = q - G w``);
    the gap is a difference of such terms and ``yy``, so ``2 eps (yy + 2 t + l1 ||w||_1 +
    l2 ||w||^2)`` is the smallest gap a float64 computation can certify. A gap is never reported
    below it, so rounding cannot make a gap negative (or smaller than it is) and call it
    converged. (Uncentred columns make ``t`` much larger than ``yy``: the cancellation in ``q -
    G w`` is what rounding costs there.)
    """
    return 2.0 * _EPS * (abs(yy) + 2.0 * t + l1 * w_l1 + l2 * w_norm2)


def rounding_bound(G, q, yy, w, Gw, l1, l2):
    """The smallest gap (sum scale) the Gram form can certify at ``w``: a gap at or below it is at rounding level.

    The floor of :func:`rounding_floor`, plus what the rounding ``err`` of ``grad = q - G w - l2 w``
    (:func:`size_gram`) costs the dual point. Every certified gap scales its dual point by
    ``c = l1 / max_j(|grad_j| + err_j)``; at the exact optimum ``|grad_j| <= l1``, so the computed
    ``max_j(|grad_j| + err_j) <= l1 + 2 e`` (``e = max_j err_j``) and ``1 - c <= 2 e / l1``. The
    gap at ``c`` is, expanding scikit-learn's formula about ``c = 1`` (where it is 0 at the optimum,
    since ``||r||^2 - r^T y = -l1 ||w||_1 - l2 ||w||^2``),

        (1 - c) l1 ||w||_1 + (1 - c)^2 / 2 (||r||^2 + l2 ||w||^2)
            <= 2 e ||w||_1 + 2 (e / l1)^2 (||r||^2 + l2 ||w||^2).

    So even the exact optimum, evaluated in float64, certifies no better than that plus the floor.
    The bound returned is twice that sum (so that iterates approaching the optimum reach it at a
    finite sweep, not only in the limit). On an uncentred-scale design (columns ~1e5, ``|q|``
    ~1e10) this is far above ``1e-14 ||y||^2``: a solver asked for less stops here and reports the
    gap as at rounding level, not as "did not converge". Where ``l1 <= 20 e`` (no L1 part, or one
    at the rounding level of ``grad``, where the anchored dual point of :func:`certified_gap`
    certifies instead and ``1 - c`` is not small): the floor alone.
    """
    w_l1 = float(np.abs(w).sum())
    w_norm2 = float(w @ w)
    t, err = size_gram(G, q, w, l2)
    floor = rounding_floor(yy, t, l1, w_l1, l2, w_norm2)
    e = float(err.max()) if err.size else 0.0
    if not 20.0 * e < l1:
        # a penalty within a factor 20 of the rounding of grad (or none): the dual point anchored at
        # the least-squares residual certifies there (certified_gap), and this expansion about c = 1
        # says nothing; the floor alone
        return floor
    r_norm2 = max(yy - 2.0 * float(w @ q) + float(w @ Gw), 0.0)
    return floor + 2.0 * (2.0 * e * w_l1 + 2.0 * (e / l1) ** 2 * (r_norm2 + l2 * w_norm2))


def size_gram(G, q, w, l2=0.0):
    """``t`` of :func:`rounding_floor` from the Gram form, and the rounding of ``grad = q - G w - l2 w``.

    The error of ``grad_j`` is taken as ``4 eps (|q_j| + (|G| |w|)_j + l2 |w_j|)``: the same few
    units of ``eps`` per product sum as the floor (a rounding model, not a worst-case bound,
    which would grow with the support and never let a tight tolerance be met).
    """
    S = np.flatnonzero(w)
    aw = np.abs(w)
    e = np.abs(q) + np.abs(G[:, S]) @ aw[S]
    return float(e @ aw), 4.0 * _EPS * (e + l2 * aw)


class LeastSquaresDual:
    """The least-squares side of the anchored certificate: ``H = G + l2 I`` decomposed once.

    ``quad(grad)`` is ``grad^T H^+ grad``, the squared length of the projection of the
    (augmented) residual onto the column space, ``||r - r_LS||^2``. Eigenvalues below
    ``p eps lam_max`` count as zero (the Gram is known only to that accuracy). The
    eigendecomposition is formed on first use, so a solve that never needs it never pays for it.
    """

    def __init__(self, G, l2):
        self.G, self.l2 = G, l2
        self._V = None

    def quad(self, grad):
        """``grad^T H^+ grad`` (``H = G + l2 I``)."""
        if self._V is None:
            p = self.G.shape[0]
            H = self.G + self.l2 * np.eye(p) if self.l2 > 0.0 else self.G
            lam, V = np.linalg.eigh(H)
            keep = lam > p * _EPS * max(float(lam[-1]), 0.0) if p else lam > 0
            self._V, self._lam = V[:, keep], lam[keep]
        c = self._V.T @ grad
        return float(np.sum(c * c / self._lam))


def anchored_gap(grad, w, l1, quad, err=None):
    """Gap (sum scale) at the dual point anchored at the least-squares residual.

    ``theta = r_LS + c (r - r_LS)`` with ``r_LS`` the residual of (ridge) least squares and
    ``c = min(1, l1 / ||grad||_inf)``, ``grad = X^T r - l2 w``. ``X^T r_LS = 0``, so
    ``X^T theta = c grad`` is feasible however small ``l1`` is (scikit-learn's point ``c r``
    also shrinks ``r_LS``, and loses ``(1 - c)^2 ||r_LS||^2 / 2``: the whole residual of a fit
    whose penalty is below the rounding of ``grad``). Written out,

        P(w) - D(theta) = (1 - c)^2 / 2 * grad^T H^+ grad + sum_j (l1 |w_j| - c grad_j w_j),

    a sum of non-negative terms (``c |grad_j| <= l1``) with ``quad = grad^T H^+ grad``:
    no cancellation, so it certifies down to rounding where the penalty is negligible, vanishes
    (least squares, ``c = 0``) or underflows. scikit-learn's gap is the same expression with
    ``||r||^2`` in place of ``quad``, so this one is never larger.
    """
    ga = np.abs(grad) if err is None else np.abs(grad) + err  # (err: as in gap_gram)
    gmax = float(np.max(ga)) if grad.size else 0.0
    c = 1.0 if gmax <= l1 else l1 / gmax
    return 0.5 * (1.0 - c) ** 2 * quad + float(np.sum(l1 * np.abs(w) - c * (grad * w)))


def least_squares_gap(G, grad, l1, w_l1, l2):
    """Gap at the least-squares dual point (``c = 0`` in :func:`anchored_gap`); a bound for every ``l1 >= 0``.

    ``1/2 grad^T (G + l2 I)^+ grad + l1 ||w||_1``: certifies least squares (``l1 = l2 = 0``,
    where scikit-learn's formula is no bound).
    """
    return 0.5 * LeastSquaresDual(G, l2).quad(grad) + l1 * w_l1


def certified_gap(G, q, yy, w, Gw, l1, l2, tol_abs=None, ls=None):
    """The gap reported by every route (sum scale): valid, never below its rounding floor.

    Both dual points are scaled with the rounding of ``X^T r`` allowed for (``err`` of
    :func:`size_gram`), so rounding cannot make them infeasible and the gap too small.

    scikit-learn's gap (:func:`gap_gram`) when there is a penalty. When that does not certify
    ``tol_abs`` (always, if ``tol_abs`` is None), also the gap at the dual point anchored at the
    least-squares residual (:func:`anchored_gap`), and the smaller is reported: both are gaps
    at feasible dual points. That one certifies least squares, a penalty that vanishes or
    underflows, and one far below the rounding of ``X^T r`` (where scikit-learn's dual point
    throws away the least-squares residual). ``ls`` (a :class:`LeastSquaresDual` of ``G, l2``)
    keeps the eigendecomposition between calls. Beyond ``_LS_MAX_P`` features only scikit-learn's
    gap (with ``r_LS = 0``, as on most ``n <= p`` data, the two points are the same).
    """
    w_l1 = float(np.abs(w).sum())
    t, err = size_gram(G, q, w, l2)
    floor = rounding_floor(yy, t, l1, w_l1, l2, float(w @ w))
    gap = gap_gram(q, yy, w, Gw, l1, l2, err) if l1 > 0.0 or l2 > 0.0 else np.inf
    if (tol_abs is None or gap > tol_abs) and G.shape[0] <= _LS_MAX_P:
        if ls is None:
            ls = LeastSquaresDual(G, l2)
        grad = q - Gw - l2 * w
        gap = min(gap, anchored_gap(grad, w, l1, ls.quad(grad), err))
    return max(gap, floor)


# the least-squares certificate needs an eigendecomposition of the p x p Gram
_LS_MAX_P = 1000
