"""A penalised GLM's objective, null loss and duality gap written out by hand (independent of bayesreg).

The objective of ``bayesreg.solvers.glm.glm_fit`` (its documented form):
``P(beta, b0) = sum_i l_i(b0 + x_i^T beta) + l1 ||beta||_1 + l2/2 ||beta||^2``, each ``l_i`` the
negative log-likelihood minus its saturated value (sigma = 1 for the Gaussian family). Here every
loss and its convex conjugate is written from the textbook formulas with NumPy/SciPy special
functions (``scipy.special.xlogy``, ``np.logaddexp``), nothing from ``bayesreg.families``:

- bernoulli / binomial (``m`` trials, ``y`` successes): ``l(eta) = m log(1 + e^eta) - y eta +
  y log(y/m) + (m - y) log(1 - y/m)``; with ``s = theta + y`` in ``[0, m]`` its conjugate is
  ``l*(theta) = s log(s/m) + (m - s) log(1 - s/m) - [y log(y/m) + (m - y) log(1 - y/m)]``;
- poisson: ``l(eta) = e^eta - y eta - y + y log y``; ``s = theta + y >= 0``,
  ``l*(theta) = s log s - s - (y log y - y)``;
- gaussian: ``l(eta) = (eta - y)^2 / 2``; ``l*(theta) = theta^2 / 2 + theta y``.

The dual point is the documented one (the module docstring of ``bayesreg.solvers.glm``): the
gradient ``theta0 = l'(eta)``, the entries of the sign in excess shrunk so that ``sum(theta) = 0``
(with a flat intercept), then, with L1 only, scaled into ``||X^T theta||_inf <= l1``. The gap is
``P - D`` with ``D = -sum_i l_i*(theta_i) - g*(-X^T theta)``, ``g*(v) = sum_j max(|v_j| - l1, 0)^2
/ (2 l2)`` (``l2 > 0``), formed as a plain difference: its rounding is bounded by
:func:`gap_rounding` (``(n + p + 4) eps`` times the sum of the magnitudes of the terms summed, the
worst case of a length-``k`` sum, Higham Lemma 3.1), which is why the comparisons of this suite keep
targets far above it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, xlogy

EPS = float(np.finfo(np.float64).eps)


def _m(family, y, trials):
    if family == "bernoulli":
        return np.ones_like(y)
    if family == "binomial":
        return np.broadcast_to(np.asarray(trials, dtype=float), y.shape)
    return None


def loss_rows(family, y, eta, trials=None):
    """Each row's loss at ``eta``."""
    if family in ("bernoulli", "binomial"):
        m = _m(family, y, trials)
        sat = xlogy(y, y / m) + xlogy(m - y, 1.0 - y / m)
        return m * np.logaddexp(0.0, eta) - y * eta + sat
    if family == "poisson":
        return np.exp(eta) - y * eta - y + xlogy(y, y)
    if family == "gaussian":
        return 0.5 * (eta - y) ** 2
    raise ValueError(family)


def conj_rows(family, y, theta, trials=None):
    """Each row's ``l_i*(theta_i)`` (``inf`` outside the domain)."""
    s = theta + y
    if family in ("bernoulli", "binomial"):
        m = _m(family, y, trials)
        sat = xlogy(y, y / m) + xlogy(m - y, 1.0 - y / m)
        ok = (s >= 0) & (s <= m)
        sc = np.clip(s, 0.0, m)
        val = xlogy(sc, sc / m) + xlogy(m - sc, 1.0 - sc / m) - sat
        return np.where(ok, val, np.inf)
    if family == "poisson":
        ok = s >= 0
        sc = np.maximum(s, 0.0)
        return np.where(ok, xlogy(sc, sc) - sc - (xlogy(y, y) - y), np.inf)
    if family == "gaussian":
        return 0.5 * theta**2 + theta * y
    raise ValueError(family)


def grad_rows(family, y, eta, trials=None):
    """``l_i'(eta_i)``: mean minus target."""
    if family in ("bernoulli", "binomial"):
        return _m(family, y, trials) * expit(eta) - y
    if family == "poisson":
        return np.exp(eta) - y
    return eta - y


def null_loss(family, y, trials=None, fit_intercept=True):
    """The null model's loss (intercept only at its MLE, else eta = 0); ``n`` when that is 0."""
    n = y.size
    if not fit_intercept:
        b0 = 0.0
    elif family in ("bernoulli", "binomial"):
        m = _m(family, y, trials)
        pbar = y.sum() / m.sum()
        b0 = np.log(pbar) - np.log1p(-pbar)
    elif family == "poisson":
        b0 = np.log(y.mean())
    else:
        b0 = y.mean()
    val = float(loss_rows(family, y, np.full(n, b0), trials).sum())
    return val if val > 0 else float(n)


def primal(family, X, y, beta, b0, l1, l2, trials=None):
    """``P(beta, b0)``."""
    eta = X @ beta + b0
    return float(loss_rows(family, y, eta, trials).sum() + l1 * np.abs(beta).sum() + 0.5 * l2 * beta @ beta)


def dual_point(family, X, y, beta, b0, l1, l2, trials=None, fit_intercept=True):
    """The documented feasible dual point (steps 1 and 2; ``l1 + l2 > 0``)."""
    assert l1 + l2 > 0
    theta = grad_rows(family, y, X @ beta + b0, trials)
    if fit_intercept:
        r = theta.sum()
        side = theta > 0 if r > 0 else theta < 0
        mass = np.abs(theta[side]).sum()
        if r != 0 and mass > 0:
            theta = np.where(side, theta * max(1.0 - abs(r) / mass, 0.0), theta)
    if l2 == 0:
        top = np.abs(X.T @ theta).max()
        if top > l1:
            theta = theta * (l1 / top)
    return theta


def gap(family, X, y, beta, b0, l1, l2, trials=None, fit_intercept=True):
    """``(gap, rounding)``: ``P(beta, b0) - D(theta)`` at :func:`dual_point`, and the bound on its rounding."""
    theta = dual_point(family, X, y, beta, b0, l1, l2, trials, fit_intercept)
    eta = X @ beta + b0
    lrows = loss_rows(family, y, eta, trials)
    crows = conj_rows(family, y, theta, trials)
    v = -(X.T @ theta)
    gstar = np.sum(np.maximum(np.abs(v) - l1, 0.0) ** 2) / (2 * l2) if l2 > 0 else 0.0
    pen = l1 * np.abs(beta).sum() + 0.5 * l2 * beta @ beta
    P = lrows.sum() + pen
    D = -crows.sum() - gstar
    if fit_intercept:
        # (sum(theta) = 0 up to rounding: the intercept's term of the Fenchel-Young sum, b0 sum(theta))
        P_extra = abs(b0 * theta.sum())
    else:
        P_extra = 0.0
    n, p = X.shape
    mags = np.abs(lrows).sum() + np.abs(crows).sum() + abs(pen) + abs(gstar) + np.abs(theta * eta).sum()
    rounding = (n + p + 4) * EPS * mags + P_extra
    return float(P - D), float(rounding)
