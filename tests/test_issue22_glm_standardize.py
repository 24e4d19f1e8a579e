"""Issue 22, item 3: GLM MAPs with ``standardize=True`` (and per-coefficient scales) against hand-fitted references.

``map_estimate(..., family=..., standardize=True)`` puts the prior on the coefficients of the
standardised columns ``z_j = (x_j - mean_j) / s_j``, ``s_j`` the POPULATION sd (ddof = 0, about the
column mean), and reports ``beta`` and the intercept on the original scale (``beta_j = u_j / s_j``,
``b0 = u0 - sum_j mean_j beta_j``): the docstring of :func:`bayesreg.build_model`. The references are
fitted here, by hand, on ``Z`` built with NumPy (``X.std(axis=0, ddof=0)``), and back-transformed by
hand:

- logistic L1: scikit-learn ``LogisticRegression(C=b, l1_ratio=1, solver="saga")`` (L1 objective
  ``||u||_1 + C sum_i loss_i``, so ``C = b`` for Laplace(b));
- logistic L2: ``LogisticRegression(C=tau^2, l1_ratio=0, solver="newton-cholesky")``;
- Poisson L2: ``PoissonRegressor(alpha=1/(n tau^2), solver="newton-cholesky")`` (objective
  ``sum_i loss_i / n + alpha/2 ||u||^2``);
- Poisson L1: scikit-learn has no L1 Poisson and skglm is not installed: scipy's L-BFGS-B on the
  split variables ``u = u+ - u-`` (smooth and bound-constrained), written in the test.

Per-coefficient scales ``b_j`` (``tau_j``) on standardised columns are the common prior with scale 1
on ``v_j = u_j / b_j``: the references are fitted with ``C = 1`` on the columns ``z_j b_j``.

Tolerances come from the certificate of each point, computed by hand in the reference's own
coordinates (:mod:`_glm_ref`; a gap does not depend on the coordinates): ``P(point) - P* <= gap``, so
``|u - u*| <= sqrt(2 gap / mu)`` in the standardised coefficients ``u``, ``mu`` the strong convexity of
the objective there: ``min_j 1/tau_j^2`` with a Gaussian prior; with L1 only, the smallest eigenvalue
of the loss's Hessian in ``(b0, u)`` at the reference times ``exp(-1)`` (the logistic and Poisson
weights change by at most ``e^|d eta|``; the bound is asserted to keep ``|d eta| <= 1``). The MAP and
the reference (sklearn's fit, polished by Newton's method on its support, kept only if its hand gap
falls) must lie within the sum of their two radii, and those radii below 1e-4. The data make a slip
show: column sds from 0.02 to 800 and means up to 3000 (a ddof = 1 sd moves every penalty weight by
sqrt(n/(n-1)) - 1 = 0.6%, which moves the shrunk coefficients by ~1e-3).
"""

from __future__ import annotations

import _glm_ref as R
import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression, PoissonRegressor

import bayesreg as br

N = 80
SD = np.array([0.02, 0.5, 3.0, 40.0, 800.0])
MEAN = np.array([1.0, -5.0, 10.0, 100.0, 3000.0])


def data(family, seed=4):
    r = np.random.default_rng(seed)
    Z0 = r.standard_normal((N, SD.size))
    X = MEAN + SD * Z0
    u = np.array([1.0, -0.8, 0.5, 0.0, 0.6])  # per sd of each column
    eta = Z0 @ u
    if family == "bernoulli":
        y = (r.random(N) < 1 / (1 + np.exp(-(0.3 + eta)))).astype(float)
    else:
        y = r.poisson(np.exp(0.5 + 0.5 * eta)).astype(float)
    return X, y


def standardised(X, center=True):
    """``(Z, mean, s)``: the population sd (ddof = 0) about the column mean."""
    mean = X.mean(axis=0)
    s = X.std(axis=0, ddof=0)
    Z = (X - mean) / s if center else X / s
    return Z, mean, s


def sk_fit(family, W, y, l1, l2):
    """A reference fit on the design ``W`` (columns already standardised and weighted): ``(v, b0)``."""
    n = W.shape[0]
    if family == "bernoulli" and l2 == 0.0:
        m = LogisticRegression(C=1.0 / l1, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=1_000_000).fit(W, y)
        return m.coef_.ravel(), float(m.intercept_[0])
    if family == "bernoulli":
        m = LogisticRegression(C=1.0 / l2, l1_ratio=0.0, solver="newton-cholesky", tol=1e-12, max_iter=10_000)
        m.fit(W, y)
        return m.coef_.ravel(), float(m.intercept_[0])
    if l1 == 0.0:
        m = PoissonRegressor(alpha=l2 / n, solver="newton-cholesky", tol=1e-12, max_iter=10_000).fit(W, y)
        return m.coef_.ravel(), float(m.intercept_)
    # Poisson L1: L-BFGS-B on (v+, v-, b0), v = v+ - v-
    p = W.shape[1]

    def f(z):
        v, b0 = z[:p] - z[p:2 * p], z[-1]
        eta = W @ v + b0
        g = R.grad_rows("poisson", y, eta)
        gv = W.T @ g + l2 * v
        val = R.loss_rows("poisson", y, eta).sum() + l1 * z[:2 * p].sum() + 0.5 * l2 * v @ v
        return val, np.concatenate([gv + l1, -gv + l1, [g.sum()]])

    z0 = np.concatenate([np.zeros(2 * p), [np.log(y.mean())]])
    z = minimize(f, z0, jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * p) + [(None, None)],
                 options=dict(maxiter=100_000, maxfun=200_000, ftol=1e-16, gtol=1e-12)).x  # fmt: skip
    return z[:p] - z[p:2 * p], float(z[-1])


def polish(family, W, y, v, b0, l1, l2):
    """Newton's method on the reference's support with its signs fixed (smooth there): the reference to rounding.

    Kept only if the signs hold and the hand gap falls (else the reference as fitted).
    """
    S = np.flatnonzero(np.abs(v) > 1e-8 * max(np.abs(v).max(), 1e-300))
    sg = np.sign(v[S])
    A = np.column_stack([np.ones(W.shape[0]), W[:, S]])
    z = np.concatenate([[b0], v[S]])
    for _ in range(30):
        eta = A @ z
        g = R.grad_rows(family, y, eta)
        w = np.exp(eta) if family == "poisson" else 1 / (1 + np.exp(-eta)) / (1 + np.exp(eta))
        grad = A.T @ g
        grad[1:] += l1 * sg + l2 * z[1:]
        H = A.T @ (w[:, None] * A)
        H[1:, 1:] += l2 * np.eye(S.size)
        z = z - np.linalg.solve(H, grad)
    if np.all(np.sign(z[1:]) == sg):
        vp = np.zeros_like(v)
        vp[S] = z[1:]
        if R.gap(family, W, y, vp, z[0], l1, l2)[0] < R.gap(family, W, y, v, b0, l1, l2)[0]:
            return vp, float(z[0])
    return v, b0


def curvature_u(family, Z, y, u, b0, l2_u):
    """A lower bound on the curvature of P in ``(u, b0)``, ``u`` the standardised coefficients (module docstring).

    With a Gaussian prior ``min_j l2_u[j]`` (the penalty's alone, in ``u``: the intercept is compared through
    the objective); with L1 only the smallest eigenvalue of the loss's Hessian at the reference times exp(-1).
    """
    if np.any(l2_u > 0):
        return float(np.min(l2_u)), False
    eta = Z @ u + b0
    w = 1 / (1 + np.exp(-eta)) / (1 + np.exp(eta)) if family == "bernoulli" else np.exp(eta)
    A = np.column_stack([np.ones(Z.shape[0]), Z])
    return float(np.linalg.eigvalsh(A.T @ (w[:, None] * A))[0]) * np.exp(-1.0), True


def compare(family, X, y, res, l1, l2, w=None, center=True, fit_intercept=True):
    """The MAP against the reference, within the certificates (module docstring).

    The reference is fitted in ``v = u / w`` (``u = beta s`` the standardised coefficients; the columns
    ``z_j w_j``, common penalty ``l1 |v|_1 + l2/2 |v|^2``); the gaps are computed there (they do not depend
    on the coordinates), the distance in ``u``, where the curvature is that of standardised columns.
    """
    Z, mean, s = standardised(X, center)
    w = np.ones(X.shape[1]) if w is None else np.asarray(w, dtype=float)
    W = Z * w
    beta = np.asarray(res.coef)
    v = beta * s / w
    b0 = res.intercept + (mean @ beta if center else 0.0)
    if fit_intercept:
        v_ref, b0_ref = polish(family, W, y, *sk_fit(family, W, y, l1, l2), l1, l2)
    else:
        m = LogisticRegression(C=1.0 / l2, l1_ratio=0.0, fit_intercept=False, solver="newton-cholesky", tol=1e-12,
                               max_iter=10_000).fit(W, y)  # fmt: skip
        v_ref, b0_ref = m.coef_.ravel(), 0.0
    g, rb = R.gap(family, W, y, v, b0, l1, l2, fit_intercept=fit_intercept)
    g_ref, rb_ref = R.gap(family, W, y, v_ref, b0_ref, l1, l2, fit_intercept=fit_intercept)
    scale = R.null_loss(family, y, fit_intercept=fit_intercept)
    # the MAP solves the reference's problem: its gap there is what map_estimate certified (tol = 1e-14 x scale)
    assert g <= 1e-14 * scale + rb, (g, rb)
    assert res.converged
    # and its objective is no worse than the reference's (P(map) - P* <= gap)
    P = R.primal(family, W, y, v, b0, l1, l2)
    P_ref = R.primal(family, W, y, v_ref, b0_ref, l1, l2)
    assert P <= P_ref + g + rb
    u, u_ref = v * w, v_ref * w
    mu, with_b0 = curvature_u(family, Z, y, u_ref, b0_ref, l2 / w**2)
    radius = np.sqrt(2 * (g + rb) / mu) + np.sqrt(2 * (g_ref + rb_ref) / mu)
    if with_b0:
        assert radius * np.abs(np.column_stack([np.ones(len(y)), Z])).sum(axis=1).max() <= 1.0  # (|d eta| <= 1)
        assert np.hypot(np.linalg.norm(u - u_ref), b0 - b0_ref) <= radius, (u - u_ref, radius)
    else:
        assert np.linalg.norm(u - u_ref) <= radius, (u - u_ref, radius)
    # the radius is far below what a slip moves: a ddof = 1 sd shifts u by ~1e-3 on these data
    assert radius < 1e-4, radius
    # the same check on the original scale: beta_j = u_j / s_j, compared per coefficient
    np.testing.assert_allclose(beta, u_ref / s, rtol=0, atol=float(np.max(radius / s)))
    return v_ref


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
@pytest.mark.parametrize("kind", ["laplace", "gaussian"])
def test_standardized_glm_map_is_the_reference_on_standardised_columns(family, kind):
    X, y = data(family)
    if kind == "laplace":
        b = 0.15 if family == "bernoulli" else 0.02
        prior, l1, l2 = br.Laplace(b), 1.0 / b, 0.0
    else:
        tau = 0.2
        prior, l1, l2 = br.Gaussian(tau), 0.0, 1.0 / tau**2
    res = br.map_estimate(X, y, prior, family=family, standardize=True)
    v_ref = compare(family, X, y, res, l1, l2)
    # the prior shrinks: the standardised coefficients are well away from the unpenalised fit (the penalty
    # matters, so its weights s_j matter), and the L1 fit keeps some coefficients at zero and some not
    if kind == "laplace":
        assert 0 < np.count_nonzero(res.coef) < X.shape[1]
        assert np.count_nonzero(v_ref) == np.count_nonzero(res.coef)


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_standardize_changes_the_map_unlike_a_common_prior_on_raw_columns(family):
    # the same prior without standardize is the reference on the raw columns: different, by far more than the radii
    X, y = data(family)
    a = br.map_estimate(X, y, br.Gaussian(0.2), family=family, standardize=True).coef
    b = br.map_estimate(X, y, br.Gaussian(0.2), family=family, standardize=False).coef
    assert np.max(np.abs((a - b) * X.std(axis=0))) > 0.1


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
@pytest.mark.parametrize("kind", ["laplace", "gaussian"])
def test_per_coefficient_scales_with_standardize_are_the_weighted_reference(family, kind):
    # scales b_j on the standardised coefficients u_j = s_j beta_j: the common prior (scale 1) on v_j = u_j / b_j,
    # the reference fitted on the columns z_j b_j. The scales differ by a factor 30, in no order of the sds
    X, y = data(family, seed=9)
    if kind == "laplace":
        scales = np.array([0.05, 0.3, 0.01, 1.0, 0.1]) * (1.0 if family == "bernoulli" else 0.4)
        prior, l1, l2 = br.Laplace(tuple(scales)), 1.0, 0.0
    else:
        scales = np.array([0.2, 0.05, 1.0, 0.1, 0.5])
        prior, l1, l2 = br.Gaussian(tuple(scales)), 0.0, 1.0
    res = br.map_estimate(X, y, prior, family=family, standardize=True)
    compare(family, X, y, res, l1, l2, w=scales)
    # the weights matter: the same fit with the scales' order reversed is another MAP
    other = br.map_estimate(X, y, type(prior)(tuple(scales[::-1])), family=family, standardize=True)
    assert np.max(np.abs((other.coef - res.coef) * X.std(axis=0))) > 1e-2


def test_standardize_without_intercept_scales_by_the_sd_about_the_mean():
    # no intercept: the columns are only divided by s_j (the population sd about the column mean, as with one);
    # means of 0.5 and 10 sds make the root mean square a different number (1.1 and 10 times the sd), so a slip shows
    X, y = data("bernoulli", seed=2)
    X = X - X.mean(axis=0) + np.array([0.0, 0.0, 0.5, 0.0, 10.0]) * X.std(axis=0)  # (means 0 or a few sds)
    tau = 0.3
    res = br.map_estimate(X, y, br.Gaussian(tau), family="bernoulli", standardize=True, fit_intercept=False)
    assert res.intercept == 0.0
    compare("bernoulli", X, y, res, 0.0, 1.0 / tau**2, center=False, fit_intercept=False)
