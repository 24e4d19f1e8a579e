"""Tests of bayesreg.mapping, and THE relation: each penalty is the negative log prior times sigma^2/n, plus a constant.

References are independent of the code under test: hand-derived formulas for alpha, scipy.stats
for log densities, scipy.optimize on the exact negative log posterior for the MAP.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV, Ridge, RidgeCV

from bayesreg import mapping
from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.priors import ElasticNetPrior, GammaPrior, Gaussian, Horseshoe, Laplace, ParkCasella

pos = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
sigmas = st.floats(1e-2, 1e2, allow_nan=False, allow_infinity=False)
ns = st.integers(1, 10**6)


def _neg_logp(prior, beta, sigma):
    return -(prior.logp(beta, sigma=sigma) if isinstance(prior, ParkCasella) else prior.logp(beta))


# ---------------------------------------------------------------- THE relation

PAIRS = [
    (Laplace(0.3), 0.8, 50),
    (Laplace(5.0), 2.0, 7),
    (Gaussian(0.4), 0.8, 50),
    (Gaussian(3.0), 1.7, 1000),
    (ElasticNetPrior(0.3, 0.5), 0.8, 50),
    (ElasticNetPrior(4.0, 0.1), 3.0, 12),
    (ParkCasella(2.5), 0.8, 50),  # Park-Casella at a fixed sigma
    (ParkCasella(0.3), 4.0, 200),
]


@pytest.mark.parametrize(("prior", "sigma", "n"), PAIRS, ids=lambda v: repr(v))
def test_penalty_is_rescaled_negative_log_prior(prior, sigma, n):
    """pen(beta) = sigma^2/n * (-log p(beta)) + const, the same const for every beta."""
    pen = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n)
    rng = np.random.default_rng(0)
    for p in (1, 5):
        betas = [np.zeros(p)] + [rng.standard_normal(p) * s for s in (0.1, 1.0, 10.0) for _ in range(3)]
        diffs = np.array([pen.value(b) - sigma**2 / n * _neg_logp(prior, b, sigma) for b in betas])
        scale = max(abs(pen.value(b)) for b in betas)
        assert np.ptp(diffs) <= 1e-12 * scale, diffs
        # and the constant is sigma^2/n times the log density at 0, p times that of one coordinate
        one = sigma**2 / n * -_neg_logp(prior, np.zeros(1), sigma)
        assert diffs[0] == pytest.approx(p * one, rel=1e-12)


@pytest.mark.parametrize(("prior", "sigma", "n"), PAIRS[::2], ids=lambda v: repr(v))
def test_map_objective_is_rescaled_negative_log_posterior(prior, sigma, n):
    """(1/(2n))||y - b0 - X b||^2 + pen(b) = sigma^2/n * (-log p(b0, b | y)) + const, flat prior on b0."""
    rng = np.random.default_rng(1)
    p = 4
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + 0.3 + sigma * rng.standard_normal(n)
    pen = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n)
    diffs = []
    for _ in range(6):
        b0, b = rng.standard_normal(), rng.standard_normal(p)
        objective = np.sum((y - b0 - X @ b) ** 2) / (2 * n) + pen.value(b)
        neg_log_post = -stats.norm(loc=b0 + X @ b, scale=sigma).logpdf(y).sum() + _neg_logp(prior, b, sigma)
        diffs.append(objective - sigma**2 / n * neg_log_post)
    assert np.ptp(diffs) <= 1e-10 * max(1.0, abs(diffs[0]))


# ---------------------------------------------------------------- the formulas, by hand


def test_alphas_by_hand():
    # Laplace(b=2), sigma=3, n=50: alpha = 9 / 100; Gaussian(tau=2): Ridge alpha = 9/4
    assert mapping.lasso_alpha(2.0, sigma=3.0, n_samples=50) == pytest.approx(0.09)
    assert mapping.ridge_alpha(2.0, sigma=3.0) == pytest.approx(2.25)
    assert mapping.park_casella_alpha(4.0, sigma=3.0, n_samples=50) == pytest.approx(12.0 / 50)
    assert mapping.sklearn_ridge_alpha(0.5, n_samples=10) == pytest.approx(5.0)

    assert mapping.prior_to_penalty(Laplace(2.0), sigma=3.0, n_samples=50) == L1(0.09)
    l2 = mapping.prior_to_penalty(Gaussian(2.0), sigma=3.0, n_samples=50)
    assert isinstance(l2, L2) and l2.alpha == pytest.approx(9.0 / (50 * 4.0))
    # Park-Casella: b = sigma / lam
    assert mapping.prior_to_penalty(ParkCasella(4.0), sigma=3.0, n_samples=50).alpha == pytest.approx(0.24)
    # ElasticNetPrior(b=2, tau=3), sigma=3, n=50: a1 = 9/100, a2 = 9/(50*9)
    en = mapping.prior_to_penalty(ElasticNetPrior(2.0, 3.0), sigma=3.0, n_samples=50)
    assert isinstance(en, ElasticNet)
    assert (en.alpha_l1, en.alpha_l2) == pytest.approx((0.09, 0.02), rel=1e-13)


def test_to_sklearn_estimators_and_alphas_by_hand():
    las = mapping.to_sklearn(Laplace(2.0), sigma=3.0, n_samples=50)
    assert type(las) is Lasso and las.alpha == pytest.approx(0.09) and las.fit_intercept
    rid = mapping.to_sklearn(Gaussian(2.0), sigma=3.0, n_samples=50, fit_intercept=False)
    assert type(rid) is Ridge and rid.alpha == pytest.approx(2.25) and not rid.fit_intercept
    enet = mapping.to_sklearn(ElasticNetPrior(2.0, 3.0), sigma=3.0, n_samples=50, tol=1e-9)
    assert type(enet) is SkElasticNet
    assert enet.alpha == pytest.approx(0.11) and enet.l1_ratio == pytest.approx(0.09 / 0.11) and enet.tol == 1e-9
    pc = mapping.to_sklearn(ParkCasella(4.0), sigma=3.0, n_samples=50)
    assert type(pc) is Lasso and pc.alpha == pytest.approx(0.24)


# ---------------------------------------------------------------- round trips


@given(pos, sigmas, ns)
def test_lasso_alpha_round_trip(scale, sigma, n):
    alpha = mapping.lasso_alpha(scale, sigma=sigma, n_samples=n)
    assert mapping.laplace_scale(alpha, sigma=sigma, n_samples=n) == pytest.approx(scale, rel=1e-13)


@given(pos, sigmas)
def test_ridge_alpha_round_trip(scale, sigma):
    alpha = mapping.ridge_alpha(scale, sigma=sigma)
    assert mapping.gaussian_scale(alpha, sigma=sigma) == pytest.approx(scale, rel=1e-13)


@given(pos, sigmas, ns)
def test_park_casella_round_trip(lam, sigma, n):
    alpha = mapping.park_casella_alpha(lam, sigma=sigma, n_samples=n)
    assert mapping.park_casella_lam(alpha, sigma=sigma, n_samples=n) == pytest.approx(lam, rel=1e-13)
    # the same Lasso as the Laplace prior with b = sigma / lam
    assert alpha == pytest.approx(mapping.lasso_alpha(sigma / lam, sigma=sigma, n_samples=n), rel=1e-13)
    back = mapping.penalty_to_prior(L1(alpha), sigma=sigma, n_samples=n)
    assert isinstance(back, Laplace) and back.scale == pytest.approx(sigma / lam, rel=1e-13)


@given(pos, sigmas, ns)
def test_sklearn_ridge_alpha_matches_ridge_alpha(scale, sigma, n):
    pen = mapping.prior_to_penalty(Gaussian(scale), sigma=sigma, n_samples=n)
    assert mapping.sklearn_ridge_alpha(pen.alpha, n_samples=n) == pytest.approx(
        mapping.ridge_alpha(scale, sigma=sigma), rel=1e-13
    )


@st.composite
def mapped_priors(draw):
    kind = draw(st.sampled_from(["laplace", "gaussian", "enet"]))
    if kind == "laplace":
        return Laplace(draw(pos))
    if kind == "gaussian":
        return Gaussian(draw(pos))
    return ElasticNetPrior(draw(pos), draw(pos))


def _assert_same_prior(a, b, rel):
    assert type(a) is type(b)
    fields = {"Laplace": ["scale"], "Gaussian": ["scale"], "ElasticNetPrior": ["l1_scale", "l2_scale"]}
    for f in fields[type(a).__name__]:
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=rel)


# The elastic net is stored as (alpha, l1_ratio); recovering a2 = alpha (1 - l1_ratio) loses
# about eps * a1 / a2 relatively (cancellation in 1 - l1_ratio), a property of sklearn's
# parametrisation, not a bug: the tolerance is scaled by that ratio.
@given(mapped_priors(), sigmas, st.integers(1, 1000))
def test_prior_penalty_round_trip(prior, sigma, n):
    pen = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n)
    rel = 1e-13
    if isinstance(pen, ElasticNet):
        rel = max(1e-13, 1e-14 * pen.alpha_l1 / pen.alpha_l2)
    back = mapping.penalty_to_prior(pen, sigma=sigma, n_samples=n)
    _assert_same_prior(back, prior, rel)


@given(st.sampled_from(["l1", "l2", "enet"]), pos, st.floats(0.01, 0.99), sigmas, ns)
def test_penalty_prior_round_trip(kind, alpha, l1_ratio, sigma, n):
    pen = {"l1": L1(alpha), "l2": L2(alpha), "enet": ElasticNet(alpha, l1_ratio)}[kind]
    back = mapping.prior_to_penalty(mapping.penalty_to_prior(pen, sigma=sigma, n_samples=n), sigma=sigma, n_samples=n)
    assert type(back) is type(pen)
    assert back.alpha_l1 == pytest.approx(pen.alpha_l1, rel=1e-12)
    assert back.alpha_l2 == pytest.approx(pen.alpha_l2, rel=1e-12)


@given(mapped_priors(), sigmas, st.integers(1, 1000))
def test_sklearn_round_trip(prior, sigma, n):
    est = mapping.to_sklearn(prior, sigma=sigma, n_samples=n)
    rel = 1e-13
    if isinstance(est, SkElasticNet) and not isinstance(est, Lasso):
        rel = max(1e-13, 1e-14 * est.l1_ratio / (1 - est.l1_ratio))
    _assert_same_prior(mapping.from_sklearn(est, sigma=sigma, n_samples=n), prior, rel)


@given(pos, st.floats(0.01, 0.99), sigmas, ns)
def test_from_sklearn_then_to_sklearn(alpha, l1_ratio, sigma, n):
    for est in (Lasso(alpha=alpha), Ridge(alpha=alpha), SkElasticNet(alpha=alpha, l1_ratio=l1_ratio)):
        again = mapping.to_sklearn(mapping.from_sklearn(est, sigma=sigma, n_samples=n), sigma=sigma, n_samples=n)
        assert type(again) is type(est)
        assert again.alpha == pytest.approx(alpha, rel=1e-12)
        if type(est) is SkElasticNet:
            assert again.l1_ratio == pytest.approx(l1_ratio, rel=1e-12)


def test_elastic_net_endpoints_map_to_single_priors():
    sigma, n = 2.0, 40
    assert type(mapping.from_sklearn(SkElasticNet(alpha=0.3, l1_ratio=1.0), sigma=sigma, n_samples=n)) is Laplace
    g = mapping.from_sklearn(SkElasticNet(alpha=0.3, l1_ratio=0.0), sigma=sigma, n_samples=n)
    # ElasticNet(l1_ratio=0) is (1/(2n))||r||^2 + alpha/2 ||b||^2, i.e. Ridge(n alpha)
    assert type(g) is Gaussian
    assert g.scale == pytest.approx(mapping.from_sklearn(Ridge(alpha=n * 0.3), sigma=sigma, n_samples=n).scale)


def test_from_sklearn_reads_selected_alpha_of_cv_estimators(regression_data):
    X, y = regression_data
    n = X.shape[0]
    lcv = LassoCV(cv=3, alphas=8).fit(X, y)
    assert mapping.from_sklearn(lcv, sigma=1.0, n_samples=n).scale == pytest.approx(1.0 / (n * lcv.alpha_))
    rcv = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, y)
    assert mapping.from_sklearn(rcv, sigma=1.0, n_samples=n).scale == pytest.approx(1.0 / np.sqrt(rcv.alpha_))
    ecv = ElasticNetCV(cv=3, alphas=5, l1_ratio=0.5).fit(X, y)
    pr = mapping.from_sklearn(ecv, sigma=1.0, n_samples=n)
    assert pr.l1_scale == pytest.approx(1.0 / (n * ecv.alpha_ * 0.5))


# ---------------------------------------------------------------- the MAP, found independently


def _map_by_lbfgsb(prior, X, y, sigma, fit_intercept):
    """Minimise the exact -log posterior with beta = u - v, u, v >= 0 (smooth, bound-constrained).

    -log p = ||y - b0 - X beta||^2 / (2 sigma^2) - log p(beta); the flat prior on b0 adds nothing.
    |beta| is replaced by u + v, which is exact at the optimum (u_j v_j = 0 there).
    """
    n, p = X.shape

    def split(z):
        b0 = z[0] if fit_intercept else 0.0
        u, v = z[1 : p + 1], z[p + 1 :]
        return b0, u, v

    def f(z):
        b0, u, v = split(z)
        r = y - b0 - X @ (u - v)
        if isinstance(prior, Gaussian):
            neg_prior = np.sum((u - v) ** 2) / (2 * prior.scale**2)
            g_pr = (u - v) / prior.scale**2
            g_u, g_v = g_pr, -g_pr
        else:
            b = prior.scale_given(sigma) if isinstance(prior, ParkCasella) else getattr(prior, "l1_scale", None)
            b = prior.scale if isinstance(prior, Laplace) else b
            t2 = prior.l2_scale**2 if isinstance(prior, ElasticNetPrior) else np.inf
            neg_prior = np.sum(u + v) / b + np.sum((u - v) ** 2) / (2 * t2)
            g_u = 1.0 / b + (u - v) / t2
            g_v = 1.0 / b - (u - v) / t2
        val = r @ r / (2 * sigma**2) + neg_prior
        g_b = -(X.T @ r) / sigma**2
        grad = np.concatenate([[-r.sum() / sigma**2 if fit_intercept else 0.0], g_b + g_u, -g_b + g_v])
        return val, grad

    z0 = np.zeros(2 * p + 1)
    bounds = [(None, None)] + [(0.0, None)] * (2 * p)
    res = optimize.minimize(
        f, z0, jac=True, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 20000}
    )
    b0, u, v = split(res.x)
    return b0, u - v, lambda b0_, b_: f(np.concatenate([[b0_], np.maximum(b_, 0), np.maximum(-b_, 0)]))[0]


@pytest.mark.parametrize(
    "prior",
    [Laplace(0.04), ElasticNetPrior(0.05, 0.3), ParkCasella(30.0), Gaussian(0.2)],
    ids=repr,
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sklearn_solution_is_the_map(prior, fit_intercept, regression_data):
    X, y = regression_data
    n, sigma = X.shape[0], 0.5
    est = mapping.to_sklearn(prior, sigma=sigma, n_samples=n, fit_intercept=fit_intercept, tol=1e-12)
    if not isinstance(est, Ridge):
        est.set_params(max_iter=100_000)
    est.fit(X, y)
    b0_ref, b_ref, neg_log_post = _map_by_lbfgsb(prior, X, y, sigma, fit_intercept)
    b0_sk = est.intercept_ if fit_intercept else 0.0
    # sklearn's point is at least as good as the independent optimiser's, to rounding
    f_sk, f_ref = neg_log_post(b0_sk, est.coef_), neg_log_post(b0_ref, b_ref)
    assert f_sk <= f_ref + 1e-9 * abs(f_ref)
    # and the same point: L-BFGS-B stops at a relative objective change of 1e-15, which on this
    # well-conditioned problem (X^T X / n has eigenvalues in ~[0.5, 2]) pins beta to ~1e-6
    scale = np.max(np.abs(b_ref))
    np.testing.assert_allclose(est.coef_, b_ref, atol=2e-6 * scale)
    assert b0_sk == pytest.approx(b0_ref, abs=2e-6 * max(1.0, abs(b0_ref)))
    if not isinstance(prior, Gaussian):
        assert np.any(est.coef_ == 0.0)  # the problems are chosen so that the MAP is sparse


def test_gaussian_map_closed_form(regression_data):
    # Ridge = the posterior mode under N(0, tau^2): solve the augmented least-squares system
    # [Xc; (sigma/tau) I] beta = [yc; 0] by lstsq, independent of sklearn and of bayesreg
    X, y = regression_data
    n, p = X.shape
    sigma, tau = 0.5, 0.05
    est = mapping.to_sklearn(Gaussian(tau), sigma=sigma, n_samples=n).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    A = np.vstack([Xc, sigma / tau * np.eye(p)])
    beta = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(p)]), rcond=None)[0]
    np.testing.assert_allclose(est.coef_, beta, rtol=1e-10, atol=1e-12)


def test_laplace_sklearn_equals_bayesreg_solver(regression_data):
    from bayesreg.solvers import lasso, solve

    X, y = regression_data
    n, sigma = X.shape[0], 0.5
    for prior in (Laplace(0.04), ParkCasella(30.0), ElasticNetPrior(0.05, 0.3)):
        est = mapping.to_sklearn(prior, sigma=sigma, n_samples=n, tol=1e-12, max_iter=100_000).fit(X, y)
        ours = solve(X, y, mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n), tol=1e-12)
        # both stop at a duality gap of 1e-12 ||y||^2/n: coefficients agree to ~1e-7 relative
        np.testing.assert_allclose(ours.coef, est.coef_, rtol=1e-7, atol=1e-9 * np.max(np.abs(est.coef_)))
        np.testing.assert_array_equal(ours.coef == 0.0, est.coef_ == 0.0)
        assert ours.intercept == pytest.approx(est.intercept_, rel=1e-7)
        if isinstance(prior, Laplace):
            # the convenience solver with the mapped alpha gives the same point
            res = lasso(X, y, mapping.lasso_alpha(prior.scale, sigma=sigma, n_samples=n), tol=1e-12)
            np.testing.assert_allclose(res.coef, est.coef_, rtol=1e-7, atol=1e-9 * np.max(np.abs(est.coef_)))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "exc", "name"),
    [
        (lambda: mapping.lasso_alpha(1.0, sigma=0.0, n_samples=10), ValueError, "sigma"),
        (lambda: mapping.lasso_alpha(1.0, sigma=-1.0, n_samples=10), ValueError, "sigma"),
        (lambda: mapping.lasso_alpha(0.0, sigma=1.0, n_samples=10), ValueError, "scale"),
        (lambda: mapping.lasso_alpha(1.0, sigma=1.0, n_samples=0), ValueError, "n_samples"),
        (lambda: mapping.lasso_alpha(1.0, sigma=1.0, n_samples=2.5), TypeError, "n_samples"),
        (lambda: mapping.lasso_alpha(1.0, sigma="1", n_samples=10), TypeError, "sigma"),
        (lambda: mapping.laplace_scale(-1.0, sigma=1.0, n_samples=10), ValueError, "alpha"),
        (lambda: mapping.ridge_alpha(-2.0, sigma=1.0), ValueError, "scale"),
        (lambda: mapping.gaussian_scale(0.0, sigma=1.0), ValueError, "alpha"),
        (lambda: mapping.park_casella_alpha(0.0, sigma=1.0, n_samples=5), ValueError, "lam"),
        (lambda: mapping.park_casella_lam(1.0, sigma=float("nan"), n_samples=5), ValueError, "sigma"),
        (lambda: mapping.sklearn_ridge_alpha(-1.0, n_samples=5), ValueError, "l2_alpha"),
        (lambda: mapping.prior_to_penalty(Horseshoe(), sigma=1.0, n_samples=5), TypeError, "prior"),
        (lambda: mapping.prior_to_penalty(Laplace(), sigma=1.0, n_samples=-3), ValueError, "n_samples"),
        (lambda: mapping.penalty_to_prior("L1", sigma=1.0, n_samples=5), TypeError, "penalty"),
        (lambda: mapping.to_sklearn(Horseshoe(), sigma=1.0, n_samples=5), TypeError, "prior"),
        (lambda: mapping.to_sklearn(Laplace(), sigma=1.0, n_samples=5, fit_intercept="yes"), TypeError, "fit_inter"),
        (lambda: mapping.to_sklearn(Laplace(), sigma=1.0, n_samples=5, alpha=2.0), TypeError, "alpha"),
        (lambda: mapping.to_sklearn(Laplace(), sigma=1.0, n_samples=5, positive=True), ValueError, "positive"),
        (lambda: mapping.from_sklearn(Lasso(alpha=0.0), sigma=1.0, n_samples=5), ValueError, "estimator.alpha"),
        (lambda: mapping.from_sklearn(Ridge(alpha=[1.0, 2.0]), sigma=1.0, n_samples=5), ValueError, "estimator.alpha"),
        (lambda: mapping.from_sklearn(Lasso(positive=True), sigma=1.0, n_samples=5), ValueError, "positive"),
        (lambda: mapping.from_sklearn(LassoCV(), sigma=1.0, n_samples=5), ValueError, "fit"),
        (lambda: mapping.from_sklearn(Lasso(), sigma=0.0, n_samples=5), ValueError, "sigma"),
        (lambda: mapping.from_sklearn(SkElasticNet(l1_ratio=2.0), sigma=1.0, n_samples=5), ValueError, "l1_ratio"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_ridge_alpha_as_numpy_scalar_or_one_element_array():
    for alpha in (np.float32(2.0), np.array(2.0), np.array([2.0])):
        assert mapping.from_sklearn(Ridge(alpha=alpha), sigma=1.0, n_samples=5).scale == pytest.approx(2.0**-0.5)


def test_hyperprior_is_ignored_by_the_mapping_fixed_value_used():
    # documented: the mapping uses the fixed value (lam, scale), not the hyperprior
    pc = ParkCasella(2.0, lam2_prior=GammaPrior(1.0, 1.0))
    assert mapping.prior_to_penalty(pc, sigma=1.0, n_samples=10) == L1(0.2)
