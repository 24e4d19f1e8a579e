"""Tests of closed-form ridge (Cholesky, dual, SVD, eigh) and ridge paths.

References: scikit-learn's ``Ridge`` with an exact solver (``alpha_sklearn = n * alpha``) and an
independent least-squares solve of the augmented system ``[X_c; sqrt(n alpha) I] b = [y_c; 0]``
(numpy's SVD-based lstsq, which never forms the normal equations). Ridge is strictly convex, so
all agree up to rounding times the condition number: 1e-9 relative on these well-posed problems.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge

from bayesreg.solvers import ridge, ridge_path
from bayesreg.suffstats import SufficientStats


def make_data(n, p, rho=0.0, scaled=False, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if rho:
        X = np.sqrt(1 - rho) * X + np.sqrt(rho) * rng.standard_normal((n, 1))
    X += rng.uniform(-3, 3, p)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n) + 3.0
    if scaled:
        X = X * np.logspace(-2, 2, p)
    return X, y


PROBLEMS = {
    "n>>p": dict(n=200, p=10),
    "p>>n": dict(n=25, p=80),
    "corr0.9": dict(n=60, p=30, rho=0.9),
    "badly-scaled": dict(n=80, p=15, scaled=True),
}


def assert_rel(actual, desired, rtol=1e-9):
    """Norm-wise relative agreement (the accuracy a linear solve guarantees)."""
    err = np.linalg.norm(np.asarray(actual) - desired) / np.linalg.norm(desired)
    assert err <= rtol, f"relative error {err:.3g} > {rtol}"


def augmented_lstsq(X, y, alpha, fit_intercept=True):
    n, p = X.shape
    if fit_intercept:
        X, y = X - X.mean(axis=0), y - y.mean()
    A = np.vstack([X, np.sqrt(n * alpha) * np.eye(p)])
    b = np.concatenate([y, np.zeros(p)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("method", ["auto", "cholesky", "dual", "svd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_sklearn_and_lstsq(name, method, fit_intercept):
    X, y = make_data(**PROBLEMS[name])
    n = X.shape[0]
    for alpha in (1e-3, 0.5):
        res = ridge(X, y, alpha, fit_intercept=fit_intercept, method=method)
        sk = SkRidge(alpha=n * alpha, fit_intercept=fit_intercept, solver="svd").fit(X, y)
        assert_rel(res.coef, sk.coef_)
        assert_rel(res.coef, augmented_lstsq(X, y, alpha, fit_intercept))
        assert res.intercept == pytest.approx(sk.intercept_, rel=1e-9, abs=1e-9)
        # the dual system of a tall X is rank-deficient up to n alpha (condition ~1e9 on the badly
        # scaled problem): it is the wrong method there, asked for explicitly, and loses digits
        assert res.residual <= (1e-8 if method == "dual" and X.shape[0] > X.shape[1] else 1e-10)
        assert res.alpha == alpha
        if method != "auto":
            assert res.method == method
        else:
            assert res.method in ("cholesky", "dual")


def test_auto_picks_dual_for_wide_and_cholesky_for_tall():
    assert ridge(*make_data(50, 5), 0.1).method == "cholesky"
    assert ridge(*make_data(5, 50), 0.1).method == "dual"


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_path_equals_per_alpha_ridge(fit_intercept):
    for n, p in ((100, 8), (20, 50)):
        X, y = make_data(n, p, seed=1)
        alphas = np.logspace(-4, 2, 7)
        path = ridge_path(X, y, alphas, fit_intercept=fit_intercept)
        assert path.coef.shape == (7, p)
        assert path.intercept.shape == (7,) and path.residual.shape == (7,)
        for i, a in enumerate(alphas):
            one = ridge(X, y, a, fit_intercept=fit_intercept)
            assert_rel(path.coef[i], one.coef)
            assert path.intercept[i] == pytest.approx(one.intercept, rel=1e-9, abs=1e-12)
            sk = SkRidge(alpha=n * a, fit_intercept=fit_intercept, solver="svd").fit(X, y)
            assert_rel(path.coef[i], sk.coef_)
        assert np.all(path.residual <= 1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sufficient_stats_give_identical_results(fit_intercept):
    X, y = make_data(150, 12, rho=0.5, seed=2)
    stats = SufficientStats.from_arrays(X, y)
    for method in ("auto", "cholesky", "svd"):
        rs = ridge(stats, alpha=0.05, fit_intercept=fit_intercept, method=method)
        ra = ridge(X, y, 0.05, fit_intercept=fit_intercept, method="cholesky")
        np.testing.assert_allclose(rs.coef, ra.coef, rtol=1e-10)
        assert rs.intercept == pytest.approx(ra.intercept, rel=1e-10)
    assert ridge(stats, alpha=0.05, method="svd").method == "eigh"
    ps = ridge_path(stats, alphas=[0.01, 1.0], fit_intercept=fit_intercept)
    pa = ridge_path(X, y, [0.01, 1.0], fit_intercept=fit_intercept)
    np.testing.assert_allclose(ps.coef, pa.coef, rtol=1e-9)
    assert ps.method == "eigh"
    with pytest.raises(ValueError, match="dual"):
        ridge(stats, alpha=0.1, method="dual")


def test_zero_alpha():
    X, y = make_data(50, 5, seed=3)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    np.testing.assert_allclose(ridge(X, y, 0.0).coef, ols, rtol=1e-9)
    # p > n with alpha = 0: SVD gives the minimum-norm least-squares solution
    Xw, yw = make_data(8, 20, seed=4)
    Xc, yc = Xw - Xw.mean(axis=0), yw - yw.mean()
    np.testing.assert_allclose(
        ridge(Xw, yw, 0.0, method="svd").coef, np.linalg.pinv(Xc) @ yc, rtol=1e-8, atol=1e-12
    )
    with pytest.raises(ValueError, match="singular"):
        ridge(Xw, yw, 0.0, method="cholesky")


def ill_conditioned(n, p, cond, seed=8):
    """X = U diag(s) V^T with singular values from 1 down to 1/cond, and its exact factors."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, p)))
    U -= U.mean(axis=0)  # columns of U orthogonal to 1: X is already centred,
    U, _ = np.linalg.qr(U)  # so the exact factors describe the centred problem too
    V, _ = np.linalg.qr(rng.standard_normal((p, p)))
    s = np.geomspace(1.0, 1.0 / cond, p)
    X = (U * s) @ V.T
    y = X @ rng.standard_normal(p) + 0.1 * rng.standard_normal(n)
    return X, y, U, s, V


@pytest.mark.parametrize("shape", [(200, 20), (20, 20)])
def test_ill_conditioned_design(shape):
    """cond(X) = 1e10: normal equations would square it to 1e20 and lose every digit.

    With n alpha = 1e-12 (s_max = 1), the regularised problem has condition ~1e6 in X, so a
    backward-stable solve is accurate to ~1e-10; the reference uses the exact factors of X.
    """
    n, p = shape
    X, y, U, s, V = ill_conditioned(n, p, 1e10)
    alpha = 1e-12 / n
    exact = V @ (s / (s**2 + n * alpha) * (U.T @ (y - y.mean())))
    res = ridge(X, y, alpha)
    assert_rel(res.coef, exact, rtol=1e-7)
    assert res.method == "svd"  # the fallback engaged
    assert_rel(ridge(X, y, alpha, method="svd").coef, exact, rtol=1e-7)
    assert_rel(ridge_path(X, y, [alpha, 10 * alpha]).coef[0], exact, rtol=1e-7)
    # a well-conditioned alpha keeps the fast Cholesky path and its accuracy
    big = 1e-3
    exact_big = V @ (s / (s**2 + n * big) * (U.T @ (y - y.mean())))
    res_big = ridge(X, y, big)
    assert res_big.method == "cholesky"
    assert_rel(res_big.coef, exact_big, rtol=1e-9)


def test_ill_conditioned_wide_design_uses_svd():
    X, y, U, s, V = ill_conditioned(30, 30, 1e10, seed=9)
    Xw = np.column_stack([X, X[:, :10] @ np.ones((10, 20))])  # p = 50 > n, rank 30
    alpha = 1e-12 / 30
    res = ridge(Xw, y, alpha)
    assert res.method == "svd"
    sk = SkRidge(alpha=30 * alpha, solver="svd").fit(Xw, y)
    assert_rel(res.coef, sk.coef_, rtol=1e-6)


def test_constant_and_duplicated_columns():
    X, y = make_data(40, 4, seed=5)
    Xd = np.column_stack([X, X[:, 1], np.full(40, 2.0)])
    res = ridge(Xd, y, 0.1)
    sk = SkRidge(alpha=40 * 0.1, solver="svd").fit(Xd, y)
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=1e-9, atol=1e-14)
    assert res.coef[1] == pytest.approx(res.coef[4], rel=1e-10)  # an L2 penalty splits evenly
    assert res.coef[5] == pytest.approx(0.0, abs=1e-14)


def test_inputs_not_modified_and_result_read_only():
    X, y = make_data(30, 6, seed=6)
    X0, y0 = X.copy(), y.copy()
    for method in ("cholesky", "dual", "svd"):
        res = ridge(X, y, 0.1, method=method)
    ridge_path(X, y, [0.1, 1.0])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    with pytest.raises(ValueError):
        res.coef[0] = 0.0
    assert "RidgeResult" in repr(res)


X_OK, Y_OK = make_data(10, 3, seed=7)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(X=np.where(np.eye(10, 3) > 0, np.inf, X_OK)), ValueError, "X contains"),
        (dict(y=np.r_[np.nan, Y_OK[1:]]), ValueError, "y contains"),
        (dict(y=Y_OK[:5]), ValueError, "y has 5 entries"),
        (dict(X=X_OK[:, 0]), ValueError, "X must be a 2-D"),
        (dict(X=np.full((10, 3), "x")), TypeError, "X must contain numbers"),
        (dict(X=np.ones((0, 3)), y=np.ones(0)), ValueError, "X has no rows"),
        (dict(alpha=-1.0), ValueError, "alpha must be >= 0"),
        (dict(alpha=None), TypeError, "alpha must be a real"),
        (dict(method="qr"), ValueError, "method must be one of"),
    ],
)
def test_ridge_bad_input(kwargs, exc, match):
    args = dict(X=X_OK, y=Y_OK, alpha=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        ridge(**args)


def test_ridge_path_bad_input():
    with pytest.raises(ValueError, match="alphas is required"):
        ridge_path(X_OK, Y_OK)
    with pytest.raises(ValueError, match="alphas must be non-negative"):
        ridge_path(X_OK, Y_OK, [1.0, -1.0])
    with pytest.raises(ValueError, match="alphas contains"):
        ridge_path(X_OK, Y_OK, [1.0, np.inf])
    with pytest.raises(ValueError, match="y has 4 entries"):
        ridge_path(X_OK, Y_OK[:4], [1.0])


def test_ridge_path_is_a_path_result_like_the_lasso_path():
    # one result type per kind of result: the ridge path has PathResult's fields, in the given
    # order, each row the one-alpha ridge solution, certified by the normal-equation residual
    from bayesreg.solvers import PathResult, lasso_path, ridge, ridge_path

    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 6))
    y = X @ rng.normal(size=6) + rng.normal(size=40)
    alphas = np.array([0.01, 1.0, 0.1])
    path = ridge_path(X, y, alphas=alphas)
    assert isinstance(path, PathResult) and isinstance(lasso_path(X, y, n_alphas=3), PathResult)
    np.testing.assert_array_equal(path.alphas, alphas)
    for a, c, b0 in zip(alphas, path.coefs, path.intercepts):
        one = ridge(X, y, a)
        np.testing.assert_allclose(c, one.coef, rtol=1e-10, atol=1e-12)
        assert b0 == pytest.approx(one.intercept, rel=1e-10)
    assert path.converged.all() and np.all(path.residuals < 1e-12) and np.isnan(path.gaps).all()
    assert path.l1_ratio == 0.0 and path.coef is path.coefs  # the former RidgeResult names still work
