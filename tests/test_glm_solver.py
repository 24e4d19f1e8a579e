"""Penalised GLM MAP (bayesreg.solvers.glm) against independent references.

- logistic L1 / L2 / elastic net: scikit-learn ``LogisticRegression`` (saga for L1 and the
  elastic net, newton-cholesky for L2; ``C = b`` for Laplace(b), ``C = tau^2`` for N(0, tau^2);
  the intercept unpenalised on both sides);
- Poisson L2: scikit-learn ``PoissonRegressor(alpha = 1/(n tau^2))``;
- Poisson L1: an independent smooth reformulation ``beta = u - v``, ``u, v >= 0`` solved by
  L-BFGS-B (neither skglm nor glum is installed);
- Gaussian L1: scikit-learn ``Lasso(alpha = l1 / n)``;
- the gap: a dual point rebuilt by hand and ``P - D`` evaluated directly from the conjugates.

Tolerance: 1e-6 relative on the coefficients, the accuracy the references reach (saga at
tol=1e-10 agrees to ~1e-7 on these problems); our own solutions are certified far tighter
(gap <= 1e-13 x the null loss).
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize
from sklearn.linear_model import Lasso, LogisticRegression, PoissonRegressor

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.families import Bernoulli, Binomial, Poisson, family
from bayesreg.solvers import glm
from bayesreg.solvers.glm import GLMResult, glm_fit, glm_gap, glm_l1_max, glm_path

# coefficient error <= sqrt(2 gap / mu) with mu the strong convexity (l2, or the Hessian on the support):
# gap <= 1e-13 x the null loss keeps that far below the 1e-6 asked of the comparisons
TOL = 1e-13
SK_NEW = tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8)


def logreg(C, l1_ratio, solver):
    """LogisticRegression with the intercept unpenalised (not liblinear), on either API."""
    kw = dict(solver=solver, tol=1e-10, max_iter=1_000_000)
    if SK_NEW:
        return LogisticRegression(C=C, l1_ratio=l1_ratio, **kw)
    pen = {1.0: "l1", 0.0: "l2"}.get(l1_ratio, "elasticnet")
    return LogisticRegression(C=C, penalty=pen, **({"l1_ratio": l1_ratio} if pen == "elasticnet" else {}), **kw)


def design(kind, seed=0):
    r = np.random.default_rng(seed)
    n, p = {"random": (120, 15), "correlated": (120, 15), "p>n": (50, 200)}[kind]
    if kind == "correlated":
        C = 0.8 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
        X = r.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    else:
        X = r.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:4] = [1.5, -1.0, 0.8, 0.5]
    eta = 0.4 + X @ beta
    yb = (r.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    yp = r.poisson(np.exp(0.3 + 0.4 * X @ beta / np.abs(beta).sum())).astype(float)
    return X, yb, yp


def rel(a, b):
    return np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(b)


KINDS = ["random", "correlated", "p>n"]


# ------------------------------------------------------------------------------------------------
# logistic regression against scikit-learn
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_logistic_l1_equals_sklearn_saga(kind):
    X, y, _ = design(kind)
    b = 0.3  # Laplace(0, b) prior -> l1 = 1/b; scikit-learn C = b
    res = glm_fit(X, y, "bernoulli", l1=1.0 / b, tol=TOL)
    sk = logreg(b, 1.0, "saga").fit(X, y)
    assert res.converged and res.gap <= TOL * res.scale
    assert 0 < res.support.size < X.shape[1]
    np.testing.assert_array_equal(res.coef != 0, sk.coef_[0] != 0)
    assert rel(res.coef, sk.coef_[0]) < 1e-6
    assert abs(res.intercept - sk.intercept_[0]) < 1e-6 * max(1.0, abs(sk.intercept_[0]))


@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_large_working_set_on_either_route_equals_sklearn_saga(route):
    # a small l1 on p > n data: about n non-zeros, so the inner working set holds far more than
    # SOLVER_MAX_P features and the rule alone would send it to the compiled sweeps; each route is
    # forced in turn and both must give scikit-learn's MAP
    from bayesreg.solvers import _route

    X, y, _ = design("p>n", seed=21)
    l1 = glm_l1_max(X, y, "bernoulli") / 30
    with _route.force_route(route):
        res = glm_fit(X, y, "bernoulli", l1=l1, tol=TOL)
    sk = logreg(1.0 / l1, 1.0, "saga").fit(X, y)
    # the working set (the support and as many violators) then exceeds the NumPy route's limit
    assert res.converged and 2 * res.support.size > _route.SOLVER_MAX_P
    np.testing.assert_array_equal(res.coef != 0, sk.coef_[0] != 0)
    assert rel(res.coef, sk.coef_[0]) < 1e-6
    assert abs(res.intercept - sk.intercept_[0]) < 1e-6 * max(1.0, abs(sk.intercept_[0]))


@pytest.mark.parametrize("kind", KINDS)
def test_logistic_l2_equals_sklearn(kind):
    X, y, _ = design(kind)
    tau = 0.7  # N(0, tau^2) prior -> l2 = 1/tau^2; scikit-learn C = tau^2
    res = glm_fit(X, y, "bernoulli", l2=1.0 / tau**2, tol=TOL)
    sk = logreg(tau**2, 0.0, "newton-cholesky").fit(X, y)
    assert res.converged
    assert rel(res.coef, sk.coef_[0]) < 1e-6
    assert abs(res.intercept - sk.intercept_[0]) < 1e-6


@pytest.mark.parametrize("kind", ["random", "correlated"])
def test_logistic_elastic_net_equals_sklearn_saga(kind):
    X, y, _ = design(kind, seed=1)
    l1, l2 = 2.0, 1.5
    # C sum(loss) + rho |b|_1 + (1 - rho)/2 |b|^2, divided by C: l1 = rho / C, l2 = (1 - rho) / C
    res = glm_fit(X, y, "bernoulli", l1=l1, l2=l2, tol=TOL)
    sk = logreg(1.0 / (l1 + l2), l1 / (l1 + l2), "saga").fit(X, y)
    np.testing.assert_array_equal(res.coef != 0, sk.coef_[0] != 0)
    assert rel(res.coef, sk.coef_[0]) < 1e-6


def test_logistic_unpenalised_equals_sklearn():
    X, y, _ = design("random", seed=2)
    X = X[:, :4]
    res = glm_fit(X, y, "bernoulli", tol=TOL)
    sk = (LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000) if SK_NEW
          else LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-12, max_iter=1000)).fit(X, y)
    assert res.converged
    assert rel(res.coef, sk.coef_[0]) < 1e-6


# ------------------------------------------------------------------------------------------------
# Poisson regression
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_poisson_l2_equals_sklearn(kind):
    X, _, y = design(kind)
    n = X.shape[0]
    tau = 0.5
    res = glm_fit(X, y, "poisson", l2=1.0 / tau**2, tol=TOL)
    # PoissonRegressor: 1/(2n) deviance + alpha/2 |b|^2 = (1/n)(sum loss + n alpha/2 |b|^2)
    sk = PoissonRegressor(alpha=1.0 / (n * tau**2), solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert res.converged
    assert rel(res.coef, sk.coef_) < 1e-6
    assert abs(res.intercept - sk.intercept_) < 1e-6


def lbfgsb_l1(X, y, fam, l1, m=None):
    """min sum loss(b0 + X(u - v)) + l1 sum(u + v), u, v >= 0: a smooth reformulation."""
    p = X.shape[1]

    def f(z):
        u, v, b0 = z[:p], z[p:2 * p], z[-1]
        eta = X @ (u - v) + b0
        g = fam.gradient(y, eta, m)
        gx = X.T @ g
        return fam.loss(y, eta, m).sum() + l1 * z[:2 * p].sum(), np.concatenate([gx + l1, -gx + l1, [g.sum()]])

    res = minimize(f, np.zeros(2 * p + 1), jac=True, method="L-BFGS-B",
                   bounds=[(0, None)] * (2 * p) + [(None, None)],
                   options=dict(ftol=1e-16, gtol=1e-13, maxiter=100_000, maxcor=30))
    return res.x[:p] - res.x[p:2 * p], res.x[-1]


@pytest.mark.parametrize("kind", KINDS)
def test_poisson_l1_equals_an_independent_solver(kind):
    X, _, y = design(kind)
    l1 = 0.25 * glm_l1_max(X, y, "poisson")
    res = glm_fit(X, y, "poisson", l1=l1, tol=TOL)
    ref, ref0 = lbfgsb_l1(X, y, Poisson(), l1)
    assert res.converged and 0 < res.support.size < X.shape[1]
    # L-BFGS-B stops at its bounds up to ~1e-9: its support is what stands clear of that
    np.testing.assert_array_equal(res.coef != 0, np.abs(ref) > 1e-7 * np.abs(ref).max())
    assert rel(res.coef, ref) < 1e-6
    assert abs(res.intercept - ref0) < 1e-6


# ------------------------------------------------------------------------------------------------
# Gaussian, binomial, KKT
# ------------------------------------------------------------------------------------------------
def test_gaussian_l1_is_sklearn_lasso(regression_data):
    X, y = regression_data
    n = X.shape[0]
    alpha = 0.05
    res = glm_fit(X, y, "gaussian", l1=n * alpha, tol=1e-12)
    sk = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_array_equal(res.coef != 0, sk.coef_ != 0)
    assert rel(res.coef, sk.coef_) < 1e-8


@pytest.mark.parametrize("l1, l2", [(0.7, 0.0), (0.0, 0.5), (0.4, 0.4)])
def test_binomial_equals_bernoulli_on_the_expanded_rows(l1, l2):
    r = np.random.default_rng(4)
    n = 30
    X = r.standard_normal((n, 4))
    m = r.integers(1, 6, n)
    y = r.binomial(m, 0.4)
    agg = glm_fit(X, y, "binomial", l1=l1, l2=l2, trials=m, tol=1e-12)
    Xe = np.repeat(X, m, axis=0)
    ye = np.concatenate([[1.0] * k + [0.0] * (t - k) for k, t in zip(y, m)])
    exp = glm_fit(Xe, ye, "bernoulli", l1=l1, l2=l2, tol=1e-12)
    np.testing.assert_array_equal(agg.coef != 0, exp.coef != 0)
    np.testing.assert_allclose(agg.coef, exp.coef, rtol=1e-9, atol=1e-11)
    assert abs(agg.intercept - exp.intercept) < 1e-9
    # the same with a Binomial family carrying a shared number of trials
    same = glm_fit(X, np.minimum(y, 3), Binomial(trials=5), l1=l1, l2=l2)
    other = glm_fit(X, np.minimum(y, 3), "binomial", l1=l1, l2=l2, trials=5)
    np.testing.assert_array_equal(same.coef, other.coef)


@pytest.mark.parametrize("fam_name", ["bernoulli", "poisson"])
def test_solution_satisfies_kkt(fam_name):
    X, yb, yp = design("p>n", seed=3)
    y = yb if fam_name == "bernoulli" else yp
    l1, l2 = 1.0, 0.3
    res = glm_fit(X, y, fam_name, l1=l1, l2=l2, tol=1e-12)
    fam = family(fam_name)
    g = fam.gradient(y, X @ res.coef + res.intercept)
    grad = X.T @ g + l2 * res.coef
    b = res.coef
    viol = np.where(b != 0, np.abs(grad + l1 * np.sign(b)), np.maximum(np.abs(grad) - l1, 0))
    assert viol.max() < 1e-6 * l1
    assert abs(g.sum()) < 1e-8


# ------------------------------------------------------------------------------------------------
# the certificate
# ------------------------------------------------------------------------------------------------
def hand_dual(X, y, fam, beta, b0, l1, l2, fit_intercept=True):
    """The dual point of glm.py's docstring, rebuilt here, and D(theta) from the conjugates."""
    theta = fam.gradient(y, X @ beta + b0)
    if fit_intercept:
        s = theta.sum()
        side = theta > 0 if s > 0 else theta < 0
        theta = np.where(side, theta * (1 - abs(s) / np.abs(theta[side]).sum()), theta)
    if l2 == 0:
        theta = theta * min(1.0, l1 / np.abs(X.T @ theta).max())
    v = -X.T @ theta
    g_star = np.sum(np.maximum(np.abs(v) - l1, 0) ** 2) / (2 * l2) if l2 > 0 else 0.0
    return theta, -fam.conjugate(theta, y).sum() - g_star


@pytest.mark.parametrize("fam_name, l1, l2", [("bernoulli", 2.0, 0.0), ("bernoulli", 0.5, 1.0),
                                              ("poisson", 3.0, 0.0), ("poisson", 0.0, 2.0)])
def test_gap_is_primal_minus_dual_at_a_feasible_point(fam_name, l1, l2):
    X, yb, yp = design("random", seed=5)
    y = yb if fam_name == "bernoulli" else yp
    fam = family(fam_name)
    r = np.random.default_rng(6)
    beta = 0.3 * r.standard_normal(X.shape[1]) * (r.random(X.shape[1]) < 0.5)
    b0 = 0.2
    theta, dual = hand_dual(X, y, fam, beta, b0, l1, l2)
    # feasibility, checked directly
    assert abs(theta.sum()) < 1e-12
    if l2 == 0:
        assert np.abs(X.T @ theta).max() <= l1 * (1 + 1e-12)
    assert np.all(np.isfinite(fam.conjugate(theta, y)))
    primal = fam.loss(y, X @ beta + b0).sum() + l1 * np.abs(beta).sum() + 0.5 * l2 * beta @ beta
    cert = glm_gap(X, y, fam_name, beta, b0, l1, l2)
    np.testing.assert_allclose(cert.theta, theta, rtol=1e-12, atol=1e-14)
    assert np.isclose(cert.primal, primal, rtol=1e-13)
    # the certificate sums non-negative pieces; the direct difference loses ~eps * |P| to rounding
    assert abs(cert.gap - (primal - dual)) <= 1e-11 * abs(primal) + abs(b0 * theta.sum())
    assert cert.gap > 0


def test_gap_without_penalty_projects_the_dual_point():
    X, y, _ = design("random", seed=2)
    X = X[:, :4]
    res = glm_fit(X, y, "bernoulli", tol=TOL)
    cert = glm_gap(X, y, "bernoulli", res.coef, res.intercept)
    assert abs(cert.theta.sum()) < 1e-12 and np.abs(X.T @ cert.theta).max() < 1e-12
    assert cert.gap <= TOL * cert.scale
    far = glm_gap(X, y, "bernoulli", res.coef + 1.0, res.intercept)
    assert far.gap > 1.0  # far from the MLE the certificate is large (or inf)


@given(
    fam_name=st.sampled_from(["bernoulli", "poisson", "gaussian"]),
    pen=st.sampled_from([(1.5, 0.0), (0.0, 1.0), (0.8, 0.6)]),
    scale=st.floats(1e-8, 1.0),
    seed=st.integers(0, 2**16),
)
def test_gap_bounds_the_suboptimality(fam_name, pen, scale, seed):
    X, yb, yp = design("random", seed=7)
    y = {"bernoulli": yb, "poisson": yp, "gaussian": yp - yp.mean()}[fam_name]
    l1, l2 = pen
    opt = _optimum(fam_name, l1, l2)
    r = np.random.default_rng(seed)
    beta = np.array(opt.coef) + scale * r.standard_normal(X.shape[1])
    b0 = opt.intercept + scale * r.standard_normal()
    cert = glm_gap(X, y, fam_name, beta, b0, l1, l2)
    assert cert.gap >= 0.0
    # P(beta) - P* <= gap, with P* >= P(opt) - opt.gap
    assert cert.gap >= cert.primal - opt.objective - 1e-12 * opt.scale


_OPT = {}


def _optimum(fam_name, l1, l2):
    key = (fam_name, l1, l2)
    if key not in _OPT:
        X, yb, yp = design("random", seed=7)
        y = {"bernoulli": yb, "poisson": yp, "gaussian": yp - yp.mean()}[fam_name]
        _OPT[key] = glm_fit(X, y, fam_name, l1=l1, l2=l2, tol=1e-13)
    return _OPT[key]


def test_not_converged_is_said():
    X, y, _ = design("p>n")
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        res = glm_fit(X, y, "bernoulli", l1=0.5, max_iter=1)
    assert not res.converged and res.gap > res.tol * res.scale


# ------------------------------------------------------------------------------------------------
# existence (separation)
# ------------------------------------------------------------------------------------------------
def separable():
    r = np.random.default_rng(8)
    X = r.standard_normal((40, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)


def test_separable_data_with_flat_priors_has_no_map():
    X, y = separable()
    with pytest.raises(ValueError, match="MAP does not exist.*separable"):
        glm_fit(X, y, "bernoulli")


def test_quasi_separable_data_with_flat_priors_has_no_map():
    r = np.random.default_rng(9)
    x = np.concatenate([-r.random(10) - 0.1, np.zeros(6), r.random(10) + 0.1])
    y = np.concatenate([np.zeros(10), [0, 1, 0, 1, 1, 0], np.ones(10)])
    X = np.column_stack([x, r.standard_normal(26)])
    with pytest.raises(ValueError, match="MAP does not exist"):
        glm_fit(X, y, "bernoulli")


@pytest.mark.parametrize("l1, l2", [(0.5, 0.0), (0.0, 0.1)])
def test_separable_data_with_a_proper_prior_is_computed(l1, l2):
    from bayesreg import PriorDominatedWarning

    X, y = separable()
    with pytest.warns(PriorDominatedWarning, match="separable"):  # issue 21: the MAP's size is the prior's
        res = glm_fit(X, y, "bernoulli", l1=l1, l2=l2, tol=TOL)
    assert res.converged and np.all(np.isfinite(res.coef))
    sk = logreg(1.0 / (l1 + l2), 1.0 if l2 == 0 else 0.0, "saga" if l2 == 0 else "newton-cholesky").fit(X, y)
    assert rel(res.coef, sk.coef_[0]) < 1e-5  # a large-coefficient, flat-likelihood problem


def test_poisson_zero_counts_along_a_direction_have_no_map():
    r = np.random.default_rng(10)
    X = r.standard_normal((50, 2))
    X[:, 1] = 0.0
    X[:5, 1] = 1.0  # a column positive only on rows with y = 0
    y = r.poisson(2.0, 50).astype(float)
    y[:5] = 0.0
    with pytest.raises(ValueError, match="MAP does not exist.*zero counts"):
        glm_fit(X, y, "poisson")
    assert glm_fit(X, y, "poisson", l1=1.0).converged


def test_mle_exists_without_separation():
    X, y, yp = design("random", seed=2)
    assert glm_fit(X[:, :3], y, "bernoulli").converged
    assert glm_fit(X[:, :3], yp, "poisson").converged


# ------------------------------------------------------------------------------------------------
# paths and warm starts
# ------------------------------------------------------------------------------------------------
def test_path_matches_cold_fits():
    X, y, _ = design("p>n", seed=11)
    path = glm_path(X, y, "bernoulli", n_l1=8, eps=0.05, tol=TOL)
    top = glm_l1_max(X, y, "bernoulli")
    assert path.l1s[0] == pytest.approx(top) and np.all(np.diff(path.l1s) < 0)
    assert np.count_nonzero(path.coefs[0]) == 0
    assert path.converged.all()
    assert np.count_nonzero(glm_fit(X, y, "bernoulli", l1=0.99 * top).coef) > 0
    for l1, coef, b0 in zip(path.l1s[1:], path.coefs[1:], path.intercepts[1:]):
        cold = glm_fit(X, y, "bernoulli", l1=l1, tol=TOL)
        np.testing.assert_array_equal(coef != 0, cold.coef != 0)
        assert rel(coef, cold.coef) < 1e-7 and abs(b0 - cold.intercept) < 1e-7
    assert "GLMPathResult" in repr(path) and len(path) == 8


def test_path_with_given_grid_and_l2():
    X, _, y = design("random", seed=12)
    path = glm_path(X, y, "poisson", [0.5, 5.0, 2.0], l2=0.3, tol=TOL)
    assert path.l1s.tolist() == [5.0, 2.0, 0.5]
    for l1, coef in zip(path.l1s, path.coefs):
        assert rel(coef, glm_fit(X, y, "poisson", l1=l1, l2=0.3, tol=TOL).coef) < 1e-6


def test_path_refuses_l1_zero_on_separable_data():
    X, y = separable()
    with pytest.raises(ValueError, match="l1s holds 0 and l2 = 0.*does not exist"):
        glm_path(X, y, "bernoulli", [1.0, 0.0])


def test_warm_start_gives_the_same_map_and_modifies_nothing():
    X, y, _ = design("correlated", seed=13)
    cold = glm_fit(X, y, "bernoulli", l1=2.0, tol=TOL)
    start = np.full(X.shape[1], 0.1)
    start0 = start.copy()
    X0, y0 = X.copy(), y.copy()
    warm = glm_fit(X, y, "bernoulli", l1=2.0, tol=TOL, warm_start=(start, 0.5))
    again = glm_fit(X, y, "bernoulli", l1=2.0, tol=TOL, warm_start=cold)
    assert rel(warm.coef, cold.coef) < 1e-8 and rel(again.coef, cold.coef) < 1e-8
    assert np.array_equal(start, start0) and np.array_equal(X, X0) and np.array_equal(y, y0)


def test_result_is_immutable_and_readable():
    X, y, _ = design("random")
    res = glm_fit(X, y, "bernoulli", l1=3.0)
    assert isinstance(res, GLMResult)
    with pytest.raises(ValueError):
        res.coef[0] = 1.0
    text = repr(res)
    assert "family='bernoulli'" in text and "converged=True" in text and "gap=" in text
    assert res.objective == pytest.approx(glm_gap(X, y, "bernoulli", res.coef, res.intercept, 3.0).primal)


def test_without_intercept():
    X, y, _ = design("random", seed=14)
    res = glm_fit(X, y, "bernoulli", l2=1.0, fit_intercept=False, tol=TOL)
    sk = (LogisticRegression(C=1.0, l1_ratio=0.0, fit_intercept=False, solver="newton-cholesky", tol=1e-12)
          if SK_NEW else LogisticRegression(C=1.0, fit_intercept=False, solver="newton-cholesky", tol=1e-12)).fit(X, y)
    assert res.intercept == 0.0 and rel(res.coef, sk.coef_[0]) < 1e-6
    with pytest.raises(ValueError, match="intercept must be 0 when fit_intercept=False"):
        glm_gap(X, y, "bernoulli", res.coef, 0.5, 0.0, 1.0, fit_intercept=False)


# ------------------------------------------------------------------------------------------------
# the smooth (L2-only) routes: L-BFGS, then Newton in the p x p (p < n) or n x n (p >= n) form
# ------------------------------------------------------------------------------------------------
def smooth_problem(n, p, fam_name, seed):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p)) / np.sqrt(min(n, p) / 10.0)
    beta = np.zeros(p)
    beta[:4] = [1.0, -0.8, 0.6, 0.4]
    eta = 0.3 + X @ beta
    y = (r.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float) if fam_name == "bernoulli" else \
        r.poisson(np.exp(0.5 * eta)).astype(float)
    return X, y


def local_strong_convexity(X, fam_name, coef, intercept, l2, fit_intercept):
    """Smallest eigenvalue of the objective's Hessian in (b0, beta) at a point (w from the family)."""
    A = np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X
    w = family(fam_name).weights(X @ coef + intercept)
    H = A.T @ (w[:, None] * A)
    k = 1 if fit_intercept else 0
    H[np.arange(k, H.shape[0]), np.arange(k, H.shape[0])] += l2
    return float(np.linalg.eigvalsh(H)[0])


def sk_smooth(X, y, fam_name, l2, fit_intercept):
    n = X.shape[0]
    if fam_name == "poisson":
        m = PoissonRegressor(alpha=l2 / n, solver="newton-cholesky", tol=1e-12, max_iter=1000,
                             fit_intercept=fit_intercept).fit(X, y)
        return m.coef_, float(m.intercept_) if fit_intercept else 0.0
    C = 1.0 / l2
    m = (LogisticRegression(C=C, l1_ratio=0.0, solver="newton-cholesky", tol=1e-12, max_iter=1000,
                            fit_intercept=fit_intercept)
         if SK_NEW else LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000,
                                           fit_intercept=fit_intercept)).fit(X, y)
    return m.coef_[0], float(m.intercept_[0]) if fit_intercept else 0.0


def spy(monkeypatch, name):
    calls = []
    real = getattr(glm, name)

    def wrapped(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(glm, name, wrapped)
    return calls


SMOOTH = [  # (n, p, family, fit_intercept, the Newton form the plan names)
    (60, 300, "bernoulli", True, "dual"),
    (60, 300, "bernoulli", False, "dual"),
    (80, 80, "poisson", True, "dual"),
    (2000, 10, "bernoulli", True, "primal"),
    (2000, 10, "poisson", False, "primal"),
]


@pytest.mark.parametrize("n, p, fam_name, fi, form", SMOOTH)
@pytest.mark.parametrize("newton_finishes", [False, True])
def test_l2_routes_equal_sklearn_newton_cholesky(monkeypatch, n, p, fam_name, fi, form, newton_finishes):
    X, y = smooth_problem(n, p, fam_name, seed=n + p)
    l2 = 1.5
    assert glm._l2_plan(glm._make(X, y, fam_name, None, fi), 0.0, l2) == (True, form)
    if newton_finishes:  # one L-BFGS iteration, then Newton in the planned form does the rest
        monkeypatch.setattr(glm, "_lbfgs_budget", lambda pb, form: 1)
    dual, primal = spy(monkeypatch, "_dual_direction"), spy(monkeypatch, "_full_direction")
    res = glm_fit(X, y, fam_name, l2=l2, tol=TOL, fit_intercept=fi)
    assert res.converged
    assert (len(dual) > 0) == (form == "dual") and (len(primal) > 0) == (form == "primal")
    assert (len(dual) + len(primal) > 0) or not newton_finishes
    coef, b0 = sk_smooth(X, y, fam_name, l2, fi)
    # both answers are certified: |z - z*| <= sqrt(2 gap / mu) with mu the (local) strong convexity,
    # which justifies comparing them to 1e-7
    mu = local_strong_convexity(X, fam_name, res.coef, res.intercept, l2, fi)
    sk_gap = glm_gap(X, y, fam_name, coef, b0, 0.0, l2, fit_intercept=fi).gap
    bound = np.sqrt(2.0 * res.gap / mu) + np.sqrt(2.0 * sk_gap / mu)
    size = np.linalg.norm(np.append(coef, b0))
    assert bound < 1e-7 * size
    assert np.linalg.norm(np.append(res.coef - coef, res.intercept - b0)) < 1e-7 * size


def test_lbfgs_alone_is_within_its_certified_distance(monkeypatch):
    """At the default tol the L-BFGS phase stops the fit; its answer is within sqrt(2 gap / mu) of the MAP."""
    X, y = smooth_problem(60, 300, "bernoulli", seed=1)
    newton = spy(monkeypatch, "_dual_direction")
    res = glm_fit(X, y, "bernoulli", l2=1.0)
    assert res.converged and not newton and res.gap <= res.tol * res.scale
    coef, b0 = sk_smooth(X, y, "bernoulli", 1.0, True)
    mu = local_strong_convexity(X, "bernoulli", coef, b0, 1.0, True)
    dist = np.linalg.norm(np.append(res.coef - coef, res.intercept - b0))
    assert dist <= np.sqrt(2.0 * res.gap / mu) * (1.0 + 1e-3)
    assert dist > 0.0  # stopped at the certificate, not at the exact MAP: the bound above is the claim


def test_l2_plan_names_its_routes():
    def plan(n, p, fam_name="bernoulli", l1=0.0, l2=1.0):
        X, y = smooth_problem(n, p, "bernoulli" if fam_name != "poisson" else "poisson", seed=0)
        if fam_name == "gaussian":
            y = X[:, 0] + 0.1
        return glm._l2_plan(glm._make(X, y, fam_name, None, True), l1, l2)

    assert plan(50, 200) == (True, "dual") and plan(50, 50) == (True, "dual")
    assert plan(200, 50) == (True, "primal") and plan(200, 50, "poisson") == (True, "primal")
    assert plan(50, 200, "gaussian") == (False, "dual") and plan(200, 50, "gaussian") == (False, "primal")
    assert plan(50, 200, l1=0.5) == (False, "primal") and plan(50, 200, l2=0.0) == (False, "primal")


def test_gaussian_l2_dual_newton_is_ridge():
    """Gaussian family, p > n: one n x n Newton step is the ridge solution (closed form with a centred intercept)."""
    r = np.random.default_rng(3)
    X = r.standard_normal((40, 120))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.7 + 0.3 * r.standard_normal(40)
    l2 = 2.0
    res = glm_fit(X, y, "gaussian", l2=l2, tol=TOL)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ref = np.linalg.solve(Xc.T @ Xc + l2 * np.eye(120), Xc.T @ yc)
    assert res.converged and res.n_iter <= 2
    assert rel(res.coef, ref) < 1e-10
    assert abs(res.intercept - (y.mean() - X.mean(axis=0) @ ref)) < 1e-10


# ------------------------------------------------------------------------------------------------
# bad input: named, before any work
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def no_work(monkeypatch):
    def boom(*args, **kwargs):  # pragma: no cover - reached only if validation comes too late
        raise AssertionError("work started before the input was checked")

    monkeypatch.setattr(glm, "_solve", boom)
    monkeypatch.setattr(glm, "_mle_obstacle", boom)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(y=[0, 1, 2] * 10), ValueError, "y must hold two classes coded 0 and 1"),
        (dict(y=[1] * 30), ValueError, "y holds one class only"),
        (dict(y=[0, 1] * 15, family="poisson", trials=None, l1=0.0), None, None),
        (dict(y=[0, -1, 2] * 10, family="poisson"), ValueError, r"y must hold non-negative integer counts"),
        (dict(y=[0, 1.5, 2] * 10, family="poisson"), ValueError, r"y must hold integer counts"),
        (dict(y=[0, 1, 4] * 10, family="binomial", trials=3), ValueError, r"y \(successes\) exceeds trials"),
        (dict(y=[0, 1, 2] * 10, family="binomial"), ValueError, "trials is required"),
        (dict(y=[0, 1] * 15, family="logit"), ValueError, "family must be one of"),
        (dict(l1=-1.0), ValueError, "l1 must be >= 0"),
        (dict(l2=np.nan), ValueError, "l2 must be finite"),
        (dict(tol=0.0), ValueError, "tol must be > 0"),
        (dict(max_iter=0), ValueError, "max_iter must be >= 1"),
        (dict(fit_intercept="yes"), TypeError, "fit_intercept must be True or False"),
        (dict(warm_start=(np.zeros(3), 0.0)), ValueError, "warm_start coef has 3 entries"),
        (dict(warm_start="zeros"), TypeError, "warm_start must be a GLMResult or a pair"),
        (dict(y=[0, 1] * 14), ValueError, "y has 28 entries but X has 30 rows"),
    ],
)
def test_bad_input_is_named_before_any_work(no_work, kwargs, exc, match):
    X = np.random.default_rng(0).standard_normal((30, 4))
    args = dict(y=[0, 1] * 15, family="bernoulli", l1=1.0)
    args.update(kwargs)
    y = args.pop("y")
    fam = args.pop("family")
    if exc is None:  # a valid call reaches the solver
        with pytest.raises(AssertionError, match="work started"):
            glm_fit(X, y, fam, **args)
        return
    with pytest.raises(exc, match=match):
        glm_fit(X, y, fam, **args)


def test_bad_design_is_named(no_work):
    X = np.ones((5, 2))
    X[1, 1] = np.inf
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        glm_fit(X, [0, 1, 0, 1, 1], "bernoulli", l1=1.0)
    with pytest.raises(ValueError, match="coef has 3 entries"):
        glm_gap(np.ones((5, 2)), [0, 1, 0, 1, 1], Bernoulli(), np.zeros(3), 0.0, 1.0)


def test_gaussian_family_agrees_with_the_linear_mapping(regression_data):
    """Laplace(b) at noise sigma: glm l1 = sigma^2 / b is the package's Lasso alpha = sigma^2 / (n b)."""
    from bayesreg.mapping import lasso_alpha

    X, y = regression_data
    sigma, b = 0.5, 0.02
    res = glm_fit(X, y, "gaussian", l1=sigma**2 / b, tol=TOL)
    sk = Lasso(alpha=lasso_alpha(b, sigma=sigma, n_samples=X.shape[0]), tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_array_equal(res.coef != 0, sk.coef_ != 0)
    assert 0 < res.support.size < X.shape[1] and rel(res.coef, sk.coef_) < 1e-8


def test_read_only_inputs_are_accepted():
    r = np.random.default_rng(15)
    X = r.standard_normal((30, 3))
    m = np.full(30, 4.0)
    y = r.binomial(4, 0.5, 30).astype(float)
    for a in (X, y, m):
        a.setflags(write=False)
    res = glm_fit(X, y, "binomial", l1=0.5, trials=m)
    assert res.converged


@pytest.fixture
def residual_spy(monkeypatch):
    """Count the Newton directions computed in the residual form (``_newton_direction_residual``)."""
    calls = []
    inner = glm._newton_direction_residual

    def spy(*args, **kwargs):
        calls.append(args[4].size)  # the working set's size on entry
        return inner(*args, **kwargs)

    monkeypatch.setattr(glm, "_newton_direction_residual", spy)
    return calls


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_residual_sweeps_equal_sklearn_saga(monkeypatch, residual_spy, fit_intercept):
    # the inner CD on the residual (no Gram) is used for large working sets on wide data; its threshold
    # is lowered here so that scikit-learn's saga (slow on large p > n problems) stays cheap as the
    # reference: p = 200 > n = 50 at l1_max/30, working sets of 50 to 100 features
    from bayesreg.solvers import _route

    monkeypatch.setattr(glm, "RESIDUAL_MIN_WS", _route.SOLVER_MAX_P + 1)
    X, y, _ = design("p>n", seed=21)
    l1 = glm_l1_max(X, y, "bernoulli", fit_intercept=fit_intercept) / 30
    res = glm_fit(X, y, "bernoulli", l1=l1, tol=TOL, fit_intercept=fit_intercept)
    sk = logreg(1.0 / l1, 1.0, "saga").set_params(fit_intercept=fit_intercept).fit(X, y)
    assert residual_spy, "the residual form did not run"
    assert res.converged and res.gap <= TOL * res.scale
    np.testing.assert_array_equal(res.coef != 0, sk.coef_[0] != 0)
    assert rel(res.coef, sk.coef_[0]) < 1e-6
    if fit_intercept:
        assert abs(res.intercept - sk.intercept_[0]) < 1e-6 * max(1.0, abs(sk.intercept_[0]))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_residual_rule_on_wide_data_gives_the_gram_forms_map(monkeypatch, residual_spy, fit_intercept):
    # at the default threshold a wide problem with ~100 non-zeros takes the residual form by the rule
    # alone; forcing the Gram form everywhere must give the same MAP (both certified to TOL, so the
    # coefficients agree to sqrt(2 gap / mu), far below 1e-8 here) and the same support
    r = np.random.default_rng(5)
    n, p = 100, 400
    X = r.standard_normal((n, p)) @ np.linalg.cholesky(0.5 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))).T
    beta = np.zeros(p)
    beta[:6] = [1.5, -1.0, 0.8, 0.5, -0.7, 1.0]
    y = (r.random(n) < 1.0 / (1.0 + np.exp(-(0.3 + X @ beta)))).astype(float)
    l1 = glm_l1_max(X, y, "bernoulli", fit_intercept=fit_intercept) / 50
    res = glm_fit(X, y, "bernoulli", l1=l1, tol=TOL, fit_intercept=fit_intercept)
    assert residual_spy and max(residual_spy) >= glm.RESIDUAL_MIN_WS
    monkeypatch.setattr(glm, "RESIDUAL_MIN_WS", p + 1)
    ref = glm_fit(X, y, "bernoulli", l1=l1, tol=TOL, fit_intercept=fit_intercept)
    assert res.converged and ref.converged
    np.testing.assert_array_equal(res.coef != 0, ref.coef != 0)
    assert rel(res.coef, ref.coef) < 1e-8
    assert abs(res.intercept - ref.intercept) < 1e-8


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_residual_direction_is_the_gram_direction(fit_intercept):
    # one proximal Newton direction, computed both ways on the same IRLS model (working set = every
    # feature, so no growth): the residual sweeps minimise the same penalised quadratic, so the steps
    # agree to the inner tolerance (a wrong centring or Hessian diagonal would change them)
    from bayesreg.solvers import _route

    X, y, _ = design("p>n", seed=3)
    pb = glm._make(X, y, "bernoulli", None, fit_intercept)
    l1 = glm._l1_max(pb) / 10
    beta = np.zeros(pb.p)
    beta[[0, 3, 7]] = [0.4, -0.2, 0.1]
    eta = X @ beta + (0.2 if fit_intercept else 0.0)
    g, w = pb.fam.gradient(pb.y, eta, pb.m), pb.fam.weights(eta, pb.m)
    ws = np.arange(pb.p)
    with _route.force_route("compiled"):
        _, d_gram, d0_gram, u_gram = glm._newton_direction(pb, g, w, beta, ws, l1, 0.0, 1e-14, pb.p)
        _, d_res, d0_res, u_res = glm._newton_direction_residual(pb, g, w, beta, ws, l1, 0.0, 1e-14, pb.p)
    assert np.count_nonzero(beta + d_gram) > 3
    np.testing.assert_array_equal(beta + d_gram != 0, beta + d_res != 0)
    assert rel(d_res, d_gram) < 1e-8
    assert rel(u_res, u_gram) < 1e-8
    assert abs(d0_res - d0_gram) < 1e-8 * max(1.0, abs(d0_gram))
