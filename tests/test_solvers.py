"""Tests of the coordinate-descent solvers (lasso, elastic net, paths, orthogonal lasso, duality gap).

The reference is scikit-learn at ``tol=1e-12`` (the same objective and the same duality-gap rule); the
KKT conditions are checked directly on every result, with a bound derived from the gap target (see
``kkt_bound``). Solutions of these problems are unique (continuous random designs, or a strictly convex
elastic net), so coefficients must agree; at gap 1e-12 * ||y||^2 / n both sides are within ~1e-10 of
the optimum, hence the 1e-7 relative tolerance leaves room for conditioning, not for a wrong answer.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import enet_path as sk_enet_path
from sklearn.linear_model import lasso_path as sk_lasso_path

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.solvers import (
    alpha_max,
    duality_gap,
    elastic_net,
    enet_path,
    lasso,
    lasso_path,
    orthogonal_lasso,
    relative_gap,
    solve,
)
from bayesreg.suffstats import SufficientStats

TOL = 1e-12
RTOL = 1e-7
MODES = ["naive", "gram", "covariance"]
MAX_ITER = 200_000


# --------------------------------------------------------------------------- problems
def make_data(n, p, rho=0.0, scaled=False, seed=0, k=5):
    """Gaussian design with equicorrelation ``rho``, k-sparse truth, a non-zero intercept."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if rho:
        X = np.sqrt(1.0 - rho) * X + np.sqrt(rho) * rng.standard_normal((n, 1))
    X += rng.uniform(-3, 3, p)  # non-zero column means: the intercept matters
    beta = np.zeros(p)
    k = min(k, p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1, 1], k) * rng.uniform(1, 3, k)
    y = X @ beta + rng.standard_normal(n) + 5.0
    if scaled:
        X = X * np.logspace(-2, 2, p)[rng.permutation(p)]  # column scales over 4 decades
    return X, y


PROBLEMS = {
    "n>>p": dict(n=300, p=10),
    "p>>n": dict(n=30, p=120),
    "corr0.9": dict(n=80, p=40, rho=0.9),
    "corr0.9,p>n": dict(n=30, p=60, rho=0.9),
    "badly-scaled": dict(n=100, p=20, scaled=True),
}


@pytest.fixture(scope="module", params=sorted(PROBLEMS))
def problem(request):
    return request.param, make_data(**PROBLEMS[request.param])


# --------------------------------------------------------------------------- helpers
def centred(X, y, fit_intercept):
    if fit_intercept:
        return X - X.mean(axis=0), y - y.mean()
    return X, y


def kkt_violation(X, y, coef, penalty, fit_intercept):
    """Largest distance of -grad to the subdifferential, computed here with numpy (independent)."""
    Xc, yc = centred(X, y, fit_intercept)
    n = X.shape[0]
    grad = -Xc.T @ (yc - Xc @ coef) / n
    return float(np.max(penalty.subdiff_distance(coef, grad)))


def kkt_bound(X, y, fit_intercept, tol):
    r"""Largest KKT violation compatible with a duality gap ``G = tol ||y_c||^2 / n``.

    Minimising over coordinate j alone lowers the objective by at least ``d_j^2 / (2 L_j)``
    (``L_j = ||x_j||^2 / n``, ``d_j`` the prox-gradient mapping, equal to the subdifferential
    distance unless one step would cross zero), and that decrease is at most ``G``:
    ``d_j <= sqrt(2 L_j G)``. A factor 10 absorbs rounding.
    """
    Xc, yc = centred(X, y, fit_intercept)
    n = X.shape[0]
    L = (Xc**2).sum(axis=0).max() / n
    G = tol * (yc @ yc) / n
    return 10.0 * np.sqrt(2.0 * L * G) + 1e-12 * np.sqrt(L * (yc @ yc) / n)


def objective(X, y, coef, intercept, penalty):
    r = y - intercept - X @ coef
    return 0.5 * (r @ r) / X.shape[0] + penalty.value(coef)


def assert_coef_close(ours, ref, rtol=RTOL):
    ours, ref = np.asarray(ours), np.asarray(ref)
    scale = max(np.linalg.norm(ref), 1e-300)
    err = np.linalg.norm(ours - ref) / scale
    assert err <= rtol, f"relative coefficient error {err:.3g} > {rtol}"


def assert_same_support(ours, ref):
    np.testing.assert_array_equal(np.flatnonzero(ours), np.flatnonzero(ref))


def sk_lasso(X, y, alpha, fit_intercept=True):
    return SkLasso(alpha=alpha, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER).fit(X, y)


# --------------------------------------------------------------------------- against scikit-learn
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("frac", [0.3, 0.03])
def test_lasso_matches_sklearn(problem, frac, fit_intercept, mode):
    _, (X, y) = problem
    a = frac * alpha_max(X, y, fit_intercept=fit_intercept)
    res = lasso(X, y, a, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER, mode=mode)
    ref = sk_lasso(X, y, a, fit_intercept)
    assert res.converged
    assert_coef_close(res.coef, ref.coef_)
    assert_same_support(res.coef, ref.coef_)
    assert res.intercept == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-7 * np.abs(y).max())
    if not fit_intercept:
        assert res.intercept == 0.0
    assert kkt_violation(X, y, res.coef, L1(a), fit_intercept) <= kkt_bound(X, y, fit_intercept, TOL)
    assert res.gap <= TOL * np.sum(centred(X, y, fit_intercept)[1] ** 2) / X.shape[0]


@pytest.mark.parametrize("l1_ratio", [0.2, 0.7])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("mode", MODES)
def test_elastic_net_matches_sklearn(problem, l1_ratio, fit_intercept, mode):
    _, (X, y) = problem
    a = 0.05 * alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    res = elastic_net(X, y, a, l1_ratio, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER, mode=mode)
    ref = SkElasticNet(alpha=a, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER)
    ref.fit(X, y)
    assert_coef_close(res.coef, ref.coef_)
    assert_same_support(res.coef, ref.coef_)
    assert res.intercept == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-7 * np.abs(y).max())
    pen = ElasticNet(a, l1_ratio)
    assert kkt_violation(X, y, res.coef, pen, fit_intercept) <= kkt_bound(X, y, fit_intercept, TOL)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_path_matches_sklearn(problem, fit_intercept):
    _, (X, y) = problem
    path = lasso_path(X, y, n_alphas=20, eps=1e-2, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER)
    # scikit-learn's lasso_path fits no intercept: hand it the centred data.
    Xc, yc = centred(X, y, fit_intercept)
    amax = np.abs(Xc.T @ yc).max() / X.shape[0]
    np.testing.assert_allclose(path.alphas, np.geomspace(amax, 1e-2 * amax, 20), rtol=1e-12)
    sk_alphas, sk_coefs, _ = sk_lasso_path(Xc, yc, alphas=path.alphas, tol=TOL, max_iter=MAX_ITER)
    np.testing.assert_allclose(sk_alphas, path.alphas)
    assert path.coefs.shape == (20, X.shape[1])
    assert path.converged.all()
    # at alpha_max ours is exactly zero; scikit-learn may leave a coefficient of ~1e-15 (its
    # alpha_max and its sweeps round the same dot product differently)
    assert not np.any(path.coefs[0])
    assert np.abs(sk_coefs[:, 0]).max() <= 1e-12 * np.abs(sk_coefs).max()
    for i in range(1, 20):
        assert_coef_close(path.coefs[i], sk_coefs[:, i])
        assert_same_support(path.coefs[i], sk_coefs[:, i])
        expected_b0 = y.mean() - X.mean(axis=0) @ path.coefs[i] if fit_intercept else 0.0
        assert path.intercepts[i] == pytest.approx(expected_b0, abs=1e-9 * np.abs(y).max())


def test_enet_path_matches_sklearn():
    X, y = make_data(60, 30, rho=0.5, seed=3)
    Xc, yc = centred(X, y, True)
    path = enet_path(X, y, l1_ratio=0.5, n_alphas=15, tol=TOL, max_iter=MAX_ITER)
    _, sk_coefs, _ = sk_enet_path(Xc, yc, l1_ratio=0.5, alphas=path.alphas, tol=TOL, max_iter=MAX_ITER)
    for i in range(15):
        if np.any(sk_coefs[:, i]):
            assert_coef_close(path.coefs[i], sk_coefs[:, i])
        assert_same_support(path.coefs[i], sk_coefs[:, i])


def test_path_with_explicit_alphas_is_sorted_and_matches_single_fits():
    X, y = make_data(50, 15, seed=4)
    am = alpha_max(X, y)
    path = lasso_path(X, y, alphas=[0.01 * am, 0.5 * am, 0.1 * am], tol=TOL, max_iter=MAX_ITER)
    np.testing.assert_allclose(path.alphas, [0.5 * am, 0.1 * am, 0.01 * am])
    for a, c in zip(path.alphas, path.coefs):
        assert_coef_close(c, sk_lasso(X, y, a).coef_)


def test_alpha_max_zeroes_everything():
    X, y = make_data(40, 12, seed=5)
    am = alpha_max(X, y)
    assert not np.any(lasso(X, y, am, tol=TOL).coef)
    assert np.any(lasso(X, y, 0.999 * am, tol=TOL).coef)
    assert np.any(sk_lasso(X, y, 0.999 * am).coef_)
    assert alpha_max(X, y, l1_ratio=0.5) == pytest.approx(2 * am)


# --------------------------------------------------------------------------- sufficient statistics
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sufficient_stats_give_identical_results(fit_intercept):
    X, y = make_data(200, 15, rho=0.5, seed=6)
    stats = SufficientStats.from_arrays(X, y)
    a = 0.05 * alpha_max(X, y, fit_intercept=fit_intercept)
    for pen in (L1(a), ElasticNet(a, 0.6)):
        ra = solve(X, y, pen, fit_intercept=fit_intercept, tol=TOL, mode="gram")
        rs = solve(stats, penalty=pen, fit_intercept=fit_intercept, tol=TOL)
        # the same algorithm on a Gram formed in another order: equal up to the gap tolerance
        assert_coef_close(rs.coef, ra.coef, rtol=1e-9)
        assert_same_support(rs.coef, ra.coef)
        assert rs.intercept == pytest.approx(ra.intercept, rel=1e-9)
        assert rs.gap == pytest.approx(ra.gap, abs=1e-12 * (y @ y) / len(y))
    assert alpha_max(stats, fit_intercept=fit_intercept) == pytest.approx(
        alpha_max(X, y, fit_intercept=fit_intercept), rel=1e-12
    )
    pa = lasso_path(X, y, n_alphas=10, tol=TOL, fit_intercept=fit_intercept, mode="gram")
    ps = lasso_path(stats, n_alphas=10, tol=TOL, fit_intercept=fit_intercept)
    for cs, ca in zip(ps.coefs, pa.coefs):
        assert_coef_close(cs, ca, rtol=1e-9) if np.any(ca) else assert_same_support(cs, ca)
    pen = L1(a)
    assert duality_gap(stats, coef=pa.coefs[5], penalty=pen, fit_intercept=fit_intercept) == pytest.approx(
        duality_gap(X, y, pa.coefs[5], pen, fit_intercept=fit_intercept), rel=1e-6, abs=1e-12
    )


def test_sufficient_stats_from_chunks_match_sklearn():
    X, y = make_data(300, 8, seed=7)
    stats = SufficientStats.from_chunks([(X[:100], y[:100]), (X[100:], y[100:])])
    a = 0.02 * alpha_max(X, y)
    res = lasso(stats, alpha=a, tol=TOL)
    ref = sk_lasso(X, y, a)
    assert_coef_close(res.coef, ref.coef_)
    assert res.intercept == pytest.approx(ref.intercept_, rel=1e-8)


def test_naive_mode_refuses_sufficient_stats():
    X, y = make_data(30, 4)
    with pytest.raises(ValueError, match="mode"):
        lasso(SufficientStats.from_arrays(X, y), alpha=0.1, mode="naive")


# --------------------------------------------------------------------------- the duality gap itself
def reference_gap(X, y, w, a1, a2, fit_intercept=True):
    """scikit-learn's duality gap (``_cd_fast.enet_coordinate_descent``) in numpy, divided by n.

    Pure ridge (a1 = 0) uses the ridge dual at theta = R instead, P(w) - D(R) written out in full.
    """
    Xc, yc = centred(X, y, fit_intercept)
    n = X.shape[0]
    R = yc - Xc @ w
    l1, l2 = n * a1, n * a2
    if l1 == 0 and l2 > 0:
        primal = 0.5 * (R @ R) + 0.5 * l2 * (w @ w)
        dual = R @ yc - 0.5 * (R @ R) - 0.5 / l2 * np.sum((Xc.T @ R) ** 2)
        return (primal - dual) / n
    dual_norm = np.max(np.abs(Xc.T @ R - l2 * w))
    if l1 > 0 and dual_norm > l1:
        const = l1 / dual_norm
        gap = 0.5 * (R @ R) * (1 + const**2)
    else:
        const = 1.0
        gap = R @ R
    gap += l1 * np.abs(w).sum() - const * (R @ yc) + 0.5 * l2 * (1 + const**2) * (w @ w)
    return gap / n


@pytest.mark.parametrize("pen", [L1(0.3), ElasticNet(0.3, 0.4), L2(0.5)])
def test_duality_gap_formula_and_bound(pen):
    X, y = make_data(60, 20, seed=8)
    rng = np.random.default_rng(1)
    w = rng.standard_normal(20) * 0.3
    g = duality_gap(X, y, w, pen)
    assert g == pytest.approx(reference_gap(X, y, w, pen.alpha_l1, pen.alpha_l2), rel=1e-10)
    # weak duality: the gap bounds the suboptimality of w
    best = solve(X, y, pen, tol=TOL)
    Pw = objective(X, y, w, y.mean() - X.mean(axis=0) @ w, pen)
    Pbest = objective(X, y, best.coef, best.intercept, pen)
    assert g >= Pw - Pbest - 1e-12
    assert abs(duality_gap(X, y, best.coef, pen)) <= TOL * np.var(y) * 10
    assert relative_gap(X, y, w, pen) == pytest.approx(g / np.var(y), rel=1e-12)


def test_duality_gap_of_a_path():
    X, y = make_data(50, 12, seed=21)
    path = lasso_path(X, y, n_alphas=6, tol=1e-6)
    pens = [L1(a) for a in path.alphas]
    gaps = duality_gap(X, y, path.coefs, pens)
    assert gaps.shape == (6,)
    for g, c, pen in zip(gaps, path.coefs, pens):
        assert g == pytest.approx(reference_gap(X, y, c, pen.alpha_l1, 0.0), rel=1e-9, abs=1e-12 * np.var(y))
    np.testing.assert_allclose(relative_gap(X, y, path.coefs, pens), gaps / np.var(y), rtol=1e-12)
    np.testing.assert_allclose(path.gaps, gaps, rtol=1e-6, atol=1e-12 * np.var(y))
    with pytest.raises(ValueError, match="penalty has 2 entries"):
        duality_gap(X, y, path.coefs, pens[:2])


def test_peer_solution_gap_is_small():
    X, y = make_data(80, 30, seed=9)
    a = 0.1 * alpha_max(X, y)
    assert relative_gap(X, y, sk_lasso(X, y, a).coef_, L1(a)) <= 1e-11


# --------------------------------------------------------------------------- degenerate designs
def test_constant_column_gets_zero():
    X, y = make_data(50, 6, seed=10)
    X[:, 2] = 4.0
    for mode in MODES:
        res = lasso(X, y, 0.01, tol=TOL, mode=mode)
        assert res.coef[2] == 0.0
        assert_coef_close(res.coef, sk_lasso(X, y, 0.01).coef_)
    X[:, 2] = 0.0
    res = lasso(X, y, 0.01, fit_intercept=False, tol=TOL)
    assert res.coef[2] == 0.0 and np.all(np.isfinite(res.coef))


@pytest.mark.parametrize("mode", MODES)
def test_duplicated_columns(mode):
    X, y = make_data(60, 6, seed=11)
    Xd = np.column_stack([X, X[:, 0]])
    a = 0.02
    base = lasso(X, y, a, tol=TOL)
    dup = lasso(Xd, y, a, tol=TOL, mode=mode)
    # the L1 objective only sees the sum of the two copies: same fit, same objective
    np.testing.assert_allclose(dup.coef[1:6], base.coef[1:], rtol=1e-7, atol=1e-10)
    assert dup.coef[0] + dup.coef[6] == pytest.approx(base.coef[0], rel=1e-7)
    assert np.sign(dup.coef[0]) * np.sign(dup.coef[6]) >= 0
    assert objective(Xd, y, dup.coef, dup.intercept, L1(a)) == pytest.approx(
        objective(X, y, base.coef, base.intercept, L1(a)), rel=1e-10
    )
    # a strictly convex elastic net splits the weight equally
    en = elastic_net(Xd, y, a, 0.5, tol=TOL, mode=mode)
    assert en.coef[0] == pytest.approx(en.coef[6], rel=1e-6)


def test_single_feature_and_single_row():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((20, 1))
    y = 2 * X[:, 0] + rng.standard_normal(20)
    res = lasso(X, y, 0.1, tol=TOL)
    assert_coef_close(res.coef, sk_lasso(X, y, 0.1).coef_)
    res1 = lasso(X[:1], y[:1], 0.1)  # one row, centred: everything is zero
    assert not np.any(res1.coef) and res1.intercept == pytest.approx(y[0])


def test_zero_alpha_is_least_squares():
    X, y = make_data(80, 5, seed=13)
    res = lasso(X, y, 0.0, tol=TOL)
    Xc, yc = centred(X, y, True)
    ls = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    np.testing.assert_allclose(res.coef, ls, rtol=1e-8)


# --------------------------------------------------------------------------- orthogonal design
def orthogonal_design(n, p, fit_intercept, seed=14):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    if fit_intercept:
        Z -= Z.mean(axis=0)
    Q, _ = np.linalg.qr(Z)
    X = Q * rng.uniform(0.5, 5.0, p) * np.sqrt(n)
    if fit_intercept:
        X += rng.uniform(-2, 2, p)  # shifting columns keeps the centred design orthogonal
    y = X @ rng.standard_normal(p) + rng.standard_normal(n) + 1.0
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_orthogonal_lasso_equals_lasso(fit_intercept):
    X, y = orthogonal_design(50, 8, fit_intercept)
    a = 0.3 * alpha_max(X, y, fit_intercept=fit_intercept)
    exact = orthogonal_lasso(X, y, a, fit_intercept=fit_intercept)
    cd = lasso(X, y, a, fit_intercept=fit_intercept, tol=TOL)
    ref = sk_lasso(X, y, a, fit_intercept)
    assert_coef_close(exact.coef, ref.coef_, rtol=1e-9)
    assert_coef_close(exact.coef, cd.coef, rtol=1e-9)
    assert_same_support(exact.coef, ref.coef_)
    assert 0 < exact.support.size < 8  # the threshold is active on this problem
    assert exact.intercept == pytest.approx(ref.intercept_, abs=1e-9)
    assert exact.converged and exact.gap == 0.0
    # closed form, written out: S(x_j^T y / n, alpha) / (||x_j||^2 / n)
    Xc, yc = centred(X, y, fit_intercept)
    n = X.shape[0]
    z = Xc.T @ yc / n
    d = (Xc**2).sum(axis=0) / n
    np.testing.assert_allclose(exact.coef, np.sign(z) * np.maximum(np.abs(z) - a, 0) / d, rtol=1e-12)
    stats = SufficientStats.from_arrays(X, y)
    np.testing.assert_allclose(orthogonal_lasso(stats, alpha=a, fit_intercept=fit_intercept).coef, exact.coef)


def test_orthogonal_lasso_raises_on_non_orthogonal():
    X, y = make_data(40, 5, seed=15)
    with pytest.raises(ValueError, match="orthogonal"):
        orthogonal_lasso(X, y, 0.1)
    with pytest.raises(ValueError, match="rtol"):
        orthogonal_lasso(X, y, 0.1, rtol=-1.0)
    with pytest.raises(ValueError, match="alpha"):
        orthogonal_lasso(*orthogonal_design(20, 3, True), alpha=-1.0)


# --------------------------------------------------------------------------- hypothesis
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(3, 40),
    p=st.integers(1, 30),
    seed=st.integers(0, 2**31 - 1),
    frac=st.floats(0.01, 1.2),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.1]),
    fit_intercept=st.booleans(),
    rho=st.sampled_from([0.0, 0.5, 0.95]),
)
def test_property_random_problems(n, p, seed, frac, l1_ratio, fit_intercept, rho):
    X, y = make_data(n, p, rho=rho, seed=seed)
    a = frac * alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    pen = ElasticNet(a, l1_ratio)
    tol = 1e-10
    for mode in MODES:
        res = solve(X, y, pen, fit_intercept=fit_intercept, tol=tol, max_iter=MAX_ITER, mode=mode)
        assert res.converged
        assert kkt_violation(X, y, res.coef, pen, fit_intercept) <= kkt_bound(X, y, fit_intercept, tol)
        # objective no worse than scikit-learn's solution, beyond the gap target
        ref = SkElasticNet(alpha=a, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=tol, max_iter=MAX_ITER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's own convergence chatter is not under test
            ref.fit(X, y)
        target = tol * np.sum(centred(X, y, fit_intercept)[1] ** 2) / n
        assert objective(X, y, res.coef, res.intercept, pen) <= objective(
            X, y, ref.coef_, ref.intercept_, pen
        ) + target + 1e-14 * (1 + abs(objective(X, y, ref.coef_, ref.intercept_, pen)))
        if frac >= 1.0:
            assert not np.any(res.coef)


# --------------------------------------------------------------------------- warnings and inputs
def test_non_convergence_warns_with_gap():
    X, y = make_data(30, 60, rho=0.9, seed=16)
    a = 0.001 * alpha_max(X, y)
    with pytest.warns(ConvergenceWarning, match=r"duality gap [0-9.e+-]+ > tol"):
        res = lasso(X, y, a, tol=1e-12, max_iter=2)
    assert not res.converged and res.n_iter == 2
    assert res.gap == pytest.approx(duality_gap(X, y, res.coef, L1(a)), rel=1e-8)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        lasso_path(X, y, n_alphas=5, tol=1e-12, max_iter=2)


def test_inputs_not_modified():
    X, y = make_data(40, 10, seed=17)
    Xf = np.asfortranarray(X.copy())
    X0, y0 = X.copy(), y.copy()
    init = np.ones(10)
    for mode in MODES:
        lasso(X, y, 0.1, mode=mode, coef_init=init)
        lasso(Xf, y, 0.1, mode=mode, fit_intercept=False)
    lasso_path(X, y, n_alphas=5)
    orthogonal_lasso(*orthogonal_design(20, 3, True), alpha=0.1)
    duality_gap(X, y, init, L1(0.1))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Xf, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(init, np.ones(10))


def test_results_are_immutable():
    X, y = make_data(40, 10, seed=18)
    res = lasso(X, y, 0.1)
    with pytest.raises(ValueError):
        res.coef[0] = 1.0
    with pytest.raises(AttributeError):
        res.gap = 0.0
    path = lasso_path(X, y, n_alphas=3)
    with pytest.raises(ValueError):
        path.coefs[0, 0] = 1.0
    assert "SolverResult" in repr(res) and "PathResult" in repr(path)
    assert len(path) == 3


def test_warm_start_reaches_same_solution():
    X, y = make_data(60, 30, seed=19)
    a = 0.05 * alpha_max(X, y)
    cold = lasso(X, y, a, tol=TOL)
    warm = lasso(X, y, a, tol=TOL, coef_init=cold.coef + 0.1)
    assert_coef_close(warm.coef, cold.coef, rtol=1e-8)


X_OK, Y_OK = make_data(10, 3, seed=20)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(X=np.where(np.eye(10, 3) > 0, np.nan, X_OK)), ValueError, "X contains .*NaN"),
        (dict(y=np.r_[np.inf, Y_OK[1:]]), ValueError, "y contains .*infinite"),
        (dict(y=Y_OK[:-1]), ValueError, "y has 9 entries"),
        (dict(X=X_OK[:, 0]), ValueError, "X must be a 2-D"),
        (dict(X=np.ones((2, 2, 2))), ValueError, "X must be a 2-D"),
        (dict(X=np.full((10, 3), "a")), TypeError, "X must contain numbers"),
        (dict(y=np.array(["a"] * 10)), TypeError, "y must contain numbers"),
        (dict(X=np.ones((0, 3)), y=np.ones(0)), ValueError, "X has no rows"),
        (dict(X=np.ones((10, 0))), ValueError, "X has no columns"),
        (dict(alpha=-0.1), ValueError, "alpha must be >= 0"),
        (dict(alpha=np.nan), ValueError, "alpha must be finite"),
        (dict(alpha="1"), TypeError, "alpha must be a real"),
        (dict(tol=0.0), ValueError, "tol must be > 0"),
        (dict(tol=-1.0), ValueError, "tol must be > 0"),
        (dict(max_iter=0), ValueError, "max_iter must be >= 1"),
        (dict(max_iter=1.5), TypeError, "max_iter must be an integer"),
        (dict(mode="fast"), ValueError, "mode must be one of"),
        (dict(coef_init=np.ones(4)), ValueError, "coef_init has 4 entries"),
        (dict(y=None), ValueError, "y is required"),
    ],
)
def test_lasso_bad_input(kwargs, exc, match):
    args = dict(X=X_OK, y=Y_OK, alpha=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        lasso(**args)


def test_other_bad_inputs():
    with pytest.raises(TypeError, match="penalty"):
        solve(X_OK, Y_OK, penalty=0.1)
    with pytest.raises(TypeError, match="penalty"):
        duality_gap(X_OK, Y_OK, np.zeros(3), penalty=None)
    with pytest.raises(ValueError, match="coef has 2 entries"):
        duality_gap(X_OK, Y_OK, np.zeros(2), L1(0.1))
    with pytest.raises(ValueError, match="l1_ratio must be <= 1"):
        elastic_net(X_OK, Y_OK, 0.1, l1_ratio=1.5)
    with pytest.raises(ValueError, match="l1_ratio must be > 0"):
        alpha_max(X_OK, Y_OK, l1_ratio=0.0)
    with pytest.raises(ValueError, match="l1_ratio must be > 0"):
        enet_path(X_OK, Y_OK, l1_ratio=0.0)
    with pytest.raises(TypeError, match="l1_ratio"):
        lasso_path(X_OK, Y_OK, l1_ratio=0.5)
    with pytest.raises(ValueError, match="n_alphas must be >= 1"):
        lasso_path(X_OK, Y_OK, n_alphas=0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        lasso_path(X_OK, Y_OK, eps=0.0)
    with pytest.raises(ValueError, match="eps must be <= 1"):
        lasso_path(X_OK, Y_OK, eps=2.0)
    with pytest.raises(ValueError, match="alphas must be non-negative"):
        lasso_path(X_OK, Y_OK, alphas=[0.1, -0.1])
    with pytest.raises(ValueError, match="alphas contains"):
        lasso_path(X_OK, Y_OK, alphas=[0.1, np.nan])
    with pytest.raises(ValueError, match="y must be omitted"):
        lasso(SufficientStats.from_arrays(X_OK, Y_OK), Y_OK, alpha=0.1)


# --------------------------------------------------------------------------- accelerations change no answer
OPTION_SETS = {
    "plain": dict(working_set=False, screening=False, extrapolation=False),
    "ws": dict(working_set=True, screening=False, extrapolation=False),
    "screen": dict(working_set=False, screening=True, extrapolation=False),
    "anderson": dict(working_set=False, screening=False, extrapolation=True),
    "all": dict(working_set=True, screening=True, extrapolation=True),
}


@pytest.mark.parametrize("options", sorted(OPTION_SETS))
@pytest.mark.parametrize("mode", MODES)
def test_every_technique_on_and_off_matches_sklearn(problem, options, mode):
    _, (X, y) = problem
    kw = OPTION_SETS[options]
    for frac, l1_ratio in ((0.03, 1.0), (0.1, 0.5)):
        a = frac * alpha_max(X, y, l1_ratio=l1_ratio)
        res = elastic_net(X, y, a, l1_ratio, tol=TOL, max_iter=MAX_ITER, mode=mode, **kw)
        ref = SkElasticNet(alpha=a, l1_ratio=l1_ratio, tol=TOL, max_iter=MAX_ITER).fit(X, y)
        assert res.converged
        assert_coef_close(res.coef, ref.coef_)
        assert_same_support(res.coef, ref.coef_)
        assert duality_gap(X, y, res.coef, ElasticNet(a, l1_ratio)) <= TOL * np.var(y) * 1.0001


@pytest.mark.parametrize(
    "kw",
    [dict(strong_rules=False), dict(warm_start=False), dict(working_set=False), dict(screening=False),
     dict(extrapolation=False), dict(mode="gram"), dict(mode="covariance")],
    ids=["no-strong", "cold", "no-ws", "no-screen", "no-anderson", "gram", "covariance"],
)
def test_path_options_match_sklearn(kw):
    X, y = make_data(40, 90, rho=0.5, seed=22)
    Xc, yc = centred(X, y, True)
    path = lasso_path(X, y, n_alphas=15, eps=1e-2, tol=TOL, max_iter=MAX_ITER, **kw)
    _, sk_coefs, _ = sk_lasso_path(Xc, yc, alphas=path.alphas, tol=TOL, max_iter=MAX_ITER)
    for i in range(15):
        if np.any(sk_coefs[:, i]):
            assert_coef_close(path.coefs[i], sk_coefs[:, i])
        assert_same_support(path.coefs[i], sk_coefs[:, i])


def test_option_validation():
    for name in ("working_set", "screening", "extrapolation"):
        with pytest.raises(ValueError, match=name):
            lasso(X_OK, Y_OK, 0.1, **{name: "yes"})
    with pytest.raises(ValueError, match="strong_rules"):
        lasso_path(X_OK, Y_OK, strong_rules=1)
    with pytest.raises(TypeError, match="warm_start"):
        lasso_path(X_OK, Y_OK, warm_start="no")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(5, 40),
    p=st.integers(2, 60),
    seed=st.integers(0, 2**31 - 1),
    frac=st.floats(0.02, 0.9),
    l1_ratio=st.sampled_from([1.0, 0.7]),
    rho=st.sampled_from([0.0, 0.5, 0.9]),
    where=st.sampled_from(["optimum", "near", "zero", "loose"]),
)
def test_screening_never_discards_an_active_feature(n, p, seed, frac, l1_ratio, rho, where):
    from bayesreg.solvers import _kernels

    X, y = make_data(n, p, rho=rho, seed=seed)
    Xc, yc = centred(X, y, True)
    a = frac * alpha_max(X, y, l1_ratio=l1_ratio)
    ref = SkElasticNet(alpha=a, l1_ratio=l1_ratio, tol=TOL, max_iter=MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X, y)
    rng = np.random.default_rng(seed)
    w = {
        "optimum": ref.coef_,
        "near": ref.coef_ + 1e-3 * rng.standard_normal(p) * (np.abs(ref.coef_).max() + 1e-3),
        "zero": np.zeros(p),
        "loose": elastic_net(X, y, a, l1_ratio, tol=1e-2).coef,
    }[where]
    l1, l2 = n * a * l1_ratio, n * a * (1 - l1_ratio)
    screened = _kernels.screen_mask(np.asfortranarray(Xc), yc, np.array(w, dtype=float), l1, l2)
    assert not np.any(screened & (ref.coef_ != 0)), "a feature non-zero at the optimum was screened"
    # and the solver with screening forced on finds the same support
    res = elastic_net(X, y, a, l1_ratio, tol=TOL, max_iter=MAX_ITER, screening=True, working_set=False)
    assert_same_support(res.coef, ref.coef_)
