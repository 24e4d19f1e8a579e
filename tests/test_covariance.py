"""Tests of the covariance route (working sets on the Gram of the working set, passes over raw X).

References are independent: scikit-learn's Lasso/ElasticNet at ``tol=1e-12`` (same objective, same
gap rule), and numpy for the one-pass moments and the gradient pass. Tolerances are those of
tests/test_solvers.py: at gap 1e-12 * ||y||^2 / n both solutions are within ~1e-10 of the optimum.
"""

from __future__ import annotations

import numpy as np
import pytest
from _gap_ref import assert_gap_matches
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.penalties import L1
from bayesreg.solvers import _kernels, alpha_max, covariance, duality_gap, elastic_net, lasso, lasso_path
from bayesreg.solvers._problem import make_problem
from bayesreg.solvers.coordinate_descent import _form

TOL = 1e-12
RTOL = 1e-7
MAX_ITER = 200_000


def make_data(n, p, rho=0.0, offset=3.0, seed=0, k=8):
    """AR(1)-correlated columns with non-zero means, a k-sparse truth and an intercept."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    X += rng.uniform(-offset, offset, p)
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1, 1], k) * rng.uniform(0.5, 2, k)
    y = X @ beta + rng.standard_normal(n) + 5.0
    return X, y


def rel_err(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


def test_auto_takes_the_covariance_route_for_one_alpha_with_n_much_larger_than_p():
    X, y = make_data(3000, 80)
    assert make_problem(X, y, True, _form("auto")).X_raw is not None
    assert make_problem(X, y, True, _form("auto", n_alphas=100)).X_raw is None  # paths: one Gram
    Xs, ys = make_data(300, 10)  # small data: the plain Gram
    assert make_problem(Xs, ys, True, _form("auto")).X_raw is None


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("rho", [0.0, 0.9])
@pytest.mark.parametrize("frac", [0.3, 0.03, 0.002])
def test_lasso_matches_sklearn(order, fit_intercept, rho, frac):
    X, y = make_data(3000, 80, rho=rho, seed=1)
    X = np.asarray(X, order=order)
    a = frac * alpha_max(X, y, fit_intercept=fit_intercept)
    res = lasso(X, y, a, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER)
    ref = SkLasso(alpha=a, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    assert res.converged
    assert rel_err(res.coef, ref.coef_) <= RTOL
    np.testing.assert_array_equal(np.flatnonzero(res.coef), np.flatnonzero(ref.coef_))
    assert res.intercept == pytest.approx(ref.intercept_, rel=1e-9, abs=1e-9)
    # the gap reported is the gap of the whole problem, as the references by hand compute it (the
    # smaller of scikit-learn's dual point and the one anchored at the least-squares residual)
    assert_gap_matches(res.gap, X, y, res.coef, a, 0.0, fit_intercept)


@pytest.mark.parametrize("l1_ratio", [0.3, 0.8])
def test_elastic_net_matches_sklearn(l1_ratio):
    X, y = make_data(2500, 60, rho=0.5, seed=2)
    a = 0.02 * alpha_max(X, y, l1_ratio=l1_ratio)
    res = elastic_net(X, y, a, l1_ratio, tol=TOL, max_iter=MAX_ITER, mode="covariance")
    ref = SkElasticNet(alpha=a, l1_ratio=l1_ratio, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    assert rel_err(res.coef, ref.coef_) <= RTOL
    np.testing.assert_array_equal(np.flatnonzero(res.coef), np.flatnonzero(ref.coef_))


def test_columns_far_from_zero_take_the_exact_gram_route():
    # means of 1e6 spreads: X^T r on the raw X would lose ~12 digits, so the route falls back
    X, y = make_data(2000, 30, seed=3, offset=0.0)
    Xo = X + 1e6
    cancel = _kernels.moments(Xo, y)[5]
    assert cancel > covariance.MAX_CANCEL
    problem = make_problem(Xo, y, True, "covariance")
    assert problem.X_raw is None and problem.G is not None
    a = 0.05 * alpha_max(X, y)
    res = lasso(Xo, y, a, tol=TOL, mode="covariance")
    ref = SkLasso(alpha=a, tol=TOL, max_iter=MAX_ITER).fit(X, y)  # the same problem, centred exactly
    assert rel_err(res.coef, ref.coef_) <= 1e-6


def test_far_columns_with_p_greater_than_n_fall_back_to_sweeps():
    # the fallback for p > n is the centred copy (naive sweeps), never a p x p Gram
    X, y = make_data(40, 120, seed=13, offset=0.0, k=5)
    Xo = X + 1e7
    problem = make_problem(Xo, y, True, "covariance")
    assert problem.X_raw is None and problem.G is None and problem.X is not None
    assert alpha_max(Xo, y) == pytest.approx(alpha_max(X, y), rel=1e-6)
    a = 0.1 * alpha_max(X, y)
    res = lasso(Xo, y, a, tol=TOL, mode="covariance", max_iter=MAX_ITER)
    ref = SkLasso(alpha=a, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    assert rel_err(res.coef, ref.coef_) <= 1e-6


@pytest.mark.parametrize("order", ["C", "F"])
def test_moments_match_numpy(order):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((1037, 7)) * rng.uniform(0.1, 10, 7) + rng.uniform(-50, 50, 7)
    X[:, 2] = 3.5  # constant
    X[:, 5] += 1e6  # far from zero: the shifted sums keep its centred moments
    X = np.asarray(X, order=order)
    y = rng.standard_normal(1037) + 100.0
    x_mean, y_mean, col_sq, xty, yy, cancel = _kernels.moments(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    np.testing.assert_allclose(x_mean, X.mean(axis=0), rtol=1e-14)
    assert y_mean == pytest.approx(y.mean(), rel=1e-14)
    np.testing.assert_allclose(col_sq, (Xc**2).sum(axis=0), rtol=1e-9, atol=0)
    assert col_sq[2] == 0.0
    np.testing.assert_allclose(xty, Xc.T @ yc, rtol=1e-9, atol=1e-9 * np.abs(Xc.T @ yc).max())
    assert yy == pytest.approx(yc @ yc, rel=1e-12)
    spread = col_sq > 0
    assert cancel == pytest.approx(np.max(x_mean[spread] ** 2 * 1037 / col_sq[spread]), rel=1e-12)


def test_gradient_pass_matches_numpy():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((500, 12)) + 2.0
    y = rng.standard_normal(500)
    x_mean = X.mean(axis=0)
    yc = y - y.mean()
    w = np.zeros(12)
    w[[1, 4, 9]] = [0.5, -2.0, 1.5]
    support = np.flatnonzero(w)
    xtr = np.empty(12)
    r_norm2, r_dot_y = _kernels.gradient_pass(X, x_mean, yc, support, w[support], xtr)
    r = yc - (X - x_mean) @ w
    np.testing.assert_allclose(xtr, (X - x_mean).T @ r, rtol=1e-12, atol=1e-12 * np.abs(r).sum())
    assert r_norm2 == pytest.approx(r @ r, rel=1e-12)
    assert r_dot_y == pytest.approx(r @ yc, rel=1e-12)


def test_memory_bound_hands_over_to_the_gram_route(monkeypatch):
    X, y = make_data(3000, 80, rho=0.5, seed=6)
    a = 0.01 * alpha_max(X, y)
    # room for 12 columns only: the first working set fits, a later one does not
    monkeypatch.setattr(covariance, "_MAX_COPY_BYTES", 12 * 3000 * 8)
    res = lasso(X, y, a, tol=TOL, max_iter=MAX_ITER)
    ref = SkLasso(alpha=a, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    assert res.converged and res.n_iter > 0
    assert rel_err(res.coef, ref.coef_) <= RTOL
    # a path hands over once and finishes every alpha on the Gram form
    path = lasso_path(X, y, n_alphas=8, eps=1e-2, tol=1e-10, mode="covariance")
    assert path.converged.all()
    for c, al in zip(path.coefs, path.alphas):
        assert duality_gap(X, y, c, L1(al)) <= 1e-10 * np.var(y) * 1.001


def test_warm_start_and_constant_column():
    X, y = make_data(2000, 40, seed=7)
    X[:, 3] = -2.0
    a = 0.01 * alpha_max(X, y)
    ref = SkLasso(alpha=a, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    for mode in ("naive", "gram", "covariance"):
        for init in (None, np.ones(40), ref.coef_ * 0.9):
            for kw in ({}, {"screening": False}, {"working_set": False}):
                res = lasso(X, y, a, tol=TOL, mode=mode, coef_init=init, **kw)
                assert res.coef[3] == 0.0
                assert rel_err(res.coef, ref.coef_) <= RTOL


def test_constant_column_without_screening_in_every_mode():
    # a zero-norm column once divided by zero while ranking the working set
    X, y = make_data(50, 5, seed=8, k=3)
    X[:, 2] = 1.0
    for mode in ("naive", "gram", "covariance"):
        res = lasso(X, y, 0.01, screening=False, mode=mode, tol=TOL)
        assert res.coef[2] == 0.0 and res.converged


def test_inputs_not_modified_and_not_converged_warns():
    X, y = make_data(2000, 40, rho=0.9, seed=9)
    Xf = np.asfortranarray(X)
    X0, y0 = X.copy(), y.copy()
    init = np.full(40, 0.1)
    lasso(X, y, 0.01, coef_init=init)
    lasso(Xf, y, 0.01, fit_intercept=False)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Xf, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(init, np.full(40, 0.1))
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        res = lasso(X, y, 1e-4 * alpha_max(X, y), tol=1e-14, max_iter=3, mode="covariance")
    assert not res.converged


def test_cold_start_from_a_subsample(monkeypatch):
    from bayesreg.solvers import coordinate_descent as cd

    X, y = make_data(20_000, 100, rho=0.9, seed=12)
    calls = []
    real = cd._subsample_start
    monkeypatch.setattr(cd, "_subsample_start", lambda *a: calls.append(1) or real(*a))
    a = 0.01 * alpha_max(X, y)
    res = lasso(X, y, a, tol=TOL, max_iter=MAX_ITER)
    assert calls == [1]  # n >= 20 p and n p >= 2e6: the cold start went through the subsample
    ref = SkLasso(alpha=a, tol=TOL, max_iter=MAX_ITER).fit(X, y)
    assert res.converged
    assert rel_err(res.coef, ref.coef_) <= RTOL
    np.testing.assert_array_equal(np.flatnonzero(res.coef), np.flatnonzero(ref.coef_))
    # a warm start skips it
    lasso(X, y, a, tol=1e-6, coef_init=res.coef)
    assert calls == [1]
