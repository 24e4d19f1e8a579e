"""Per-coefficient prior scales (``Laplace([b_j])``, ``Gaussian([tau_j])``, ``inf`` = unpenalised).

Every reference here is computed independently of the package's reweighting (its Schur complement
on the Gram form): scikit-learn on rescaled columns, a QR projection of the rows, the KKT
conditions of the full weighted problem, the closed-form Gaussian posterior of the augmented
design written out, scipy densities, and NUTS on the PyMC model with the vector scale in it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import Lasso, LogisticRegression, Ridge

import bayesreg as br
from bayesreg.mapping import prior_to_penalty
from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.solvers import solve


def _data(n=60, p=8, seed=0, rho=0.0, shift=1.0):
    rng = np.random.default_rng(seed)
    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.multivariate_normal(np.zeros(p), cov, size=n) + shift
    beta = np.zeros(p)
    beta[:3] = [2.0, -1.0, 0.5]
    y = X @ beta + rng.normal(size=n)
    return X, y


def _split(scales):
    s = np.asarray(scales, dtype=float)
    base = np.exp(np.mean(np.log(s[np.isfinite(s)])))
    return base, s / base


# ---------------------------------------------------------------------------------------------
# the prior itself
# ---------------------------------------------------------------------------------------------


def test_vector_laplace_logp_is_the_sum_of_scipy_densities_flat_ones_contributing_nothing():
    s = np.array([0.5, 2.0, np.inf, 1.5])
    beta = np.array([[0.3, -1.0, 7.0, 0.2], [1.0, 0.0, -3.0, -2.0]])
    on = np.isfinite(s)
    ref = stats.laplace.logpdf(beta[:, on], scale=s[on]).sum()
    assert br.Laplace(s).logp(beta) == pytest.approx(ref, rel=1e-13)
    ref_g = stats.norm.logpdf(beta[:, on], scale=s[on]).sum()
    assert br.Gaussian(s).logp(beta) == pytest.approx(ref_g, rel=1e-13)


def test_vector_prior_draws_have_per_coefficient_scales():
    s = np.array([0.1, 1.0, 10.0])
    d = br.Laplace(s).sample((40000, 3), rng=1)
    # sd of Laplace(b) is sqrt(2) b; the sd's relative standard error is about sqrt(5/4 / N) = 0.6%
    np.testing.assert_allclose(d.std(axis=0) / (np.sqrt(2) * s), 1.0, atol=0.03)
    g = br.Gaussian(s).sample((40000, 3), rng=2)
    np.testing.assert_allclose(g.std(axis=0) / s, 1.0, atol=0.02)


def test_vector_priors_are_hashable_comparable_and_clone_in_an_estimator():
    a, b = br.Laplace([1, 2, np.inf]), br.Laplace((1.0, 2.0, float("inf")))
    assert a == b and hash(a) == hash(b)
    assert a.per_coefficient and not br.Laplace(1.0).per_coefficient
    est = br.BayesianRegression(prior=a, sigma=1.0)
    assert clone(est).get_params()["prior"] == a


@pytest.mark.parametrize(
    "scales, match",
    [
        ([1.0, -1.0], r"scale\[1\] = -1.0"),
        ([1.0, np.nan], r"scale\[1\]"),
        ([0.0, 1.0], r"scale\[0\] = 0.0"),
        ([np.inf, np.inf], "every scale is infinite"),
        ([[1.0, 2.0]], "1-D"),
        ([1.0, 1e200], r"scale\[1\] must lie in"),
    ],
)
def test_bad_scale_vectors_are_refused_naming_the_entry(scales, match):
    with pytest.raises(ValueError, match=match):
        br.Laplace(scales)


# ---------------------------------------------------------------------------------------------
# the MAP: weighted lasso / ridge
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["random", "correlated", "p>n"])
def test_weighted_lasso_map_equals_sklearn_on_rescaled_columns(case):
    if case == "p>n":
        X, y = _data(n=30, p=50, seed=3)
    else:
        X, y = _data(rho=0.8 if case == "correlated" else 0.0, seed=1)
    p = X.shape[1]
    scales = np.random.default_rng(5).uniform(0.02, 0.5, size=p)
    sigma = 1.3
    res = br.map_estimate(X, y, br.Laplace(scales), sigma=sigma)
    base, c = _split(scales)
    sk = Lasso(alpha=sigma**2 / (X.shape[0] * base), tol=1e-14, max_iter=1_000_000).fit(X * c, y)
    coef = sk.coef_ * c
    assert res.converged
    np.testing.assert_allclose(res.coef, coef, rtol=0, atol=1e-6 * np.max(np.abs(coef)))
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-6 * max(1.0, abs(sk.intercept_)))
    np.testing.assert_array_equal(np.flatnonzero(res.coef), np.flatnonzero(coef))


def test_unpenalised_coefficients_satisfy_the_kkt_conditions_of_the_full_problem():
    X, y = _data(seed=2)
    n, p = X.shape
    scales = np.array([np.inf, 0.05, 0.3, 0.01, np.inf, 0.02, 0.1, 0.05])
    sigma = 1.0
    res = br.map_estimate(X, y, br.Laplace(scales), sigma=sigma)
    r = y - res.intercept - X @ res.coef
    g = -X.T @ r / n  # gradient of 1/(2n) ||r||^2
    w = np.where(np.isfinite(scales), sigma**2 / (n * scales), 0.0)
    assert abs(r.mean()) < 1e-12 * np.abs(y).max()
    nz = res.coef != 0
    assert np.all(nz[~np.isfinite(scales)])
    np.testing.assert_allclose(g[nz] + w[nz] * np.sign(res.coef[nz]), 0.0, atol=1e-10)
    assert np.all(np.abs(g[~nz]) <= w[~nz] * (1 + 1e-9))
    assert (~nz).any(), "the test should exercise exact zeros"


def test_unpenalised_lasso_equals_sklearn_after_projecting_the_free_columns_out():
    X, y = _data(seed=4)
    scales = np.array([0.2, np.inf, 0.05, 0.02, 0.3, np.inf, 0.01, 0.1])
    rep = br.check_equivalence(X, y, br.Laplace(scales), sigma=1.0, find_map=False, rtol=1e-7)
    assert rep.passed, rep
    assert "projected out" in rep.sklearn_estimator


def test_weighted_ridge_with_flat_coefficients_equals_the_closed_form():
    X, y = _data(seed=6)
    tau = np.array([0.5, np.inf, 1.0, 0.1, 2.0, 0.3, np.inf, 1.0])
    sigma = 0.7
    res = br.map_estimate(X, y, br.Gaussian(tau), sigma=sigma)
    Z = np.column_stack([np.ones(len(y)), X])
    P = np.diag(np.r_[0.0, np.where(np.isfinite(tau), sigma**2 / tau**2, 0.0)])
    sol = np.linalg.solve(Z.T @ Z + P, Z.T @ y)
    np.testing.assert_allclose(res.coef, sol[1:], rtol=1e-10, atol=1e-12)
    assert res.intercept == pytest.approx(sol[0], rel=1e-10, abs=1e-12)
    # the finite-scale ridge is scikit-learn's Ridge on the rescaled columns
    t2 = np.array([0.5, 3.0, 1.0, 0.1, 2.0, 0.3, 0.2, 1.0])
    base, c = _split(t2)
    sk = Ridge(alpha=sigma**2 / base**2).fit(X * c, y)
    np.testing.assert_allclose(br.map_estimate(X, y, br.Gaussian(t2), sigma=sigma).coef, sk.coef_ * c, rtol=1e-9)


def test_the_solver_takes_weighted_penalties_and_certifies_the_full_objective():
    X, y = _data(seed=7)
    n = len(y)
    w = np.array([1.0, 0.0, 2.0, 0.5, 4.0, 1.0, 0.0, 3.0])
    res = solve(X, y, L1(0.05, weights=w), tol=1e-12)
    r = y - res.intercept - X @ res.coef
    obj = r @ r / (2 * n) + 0.05 * np.sum(w * np.abs(res.coef))
    assert res.penalty.weights == tuple(w)
    assert L1(0.05, weights=w).value(res.coef) == pytest.approx(0.05 * np.sum(w * np.abs(res.coef)), rel=1e-14)
    # no coordinate move lowers the full objective (a crude, independent optimality probe)
    for j in range(X.shape[1]):
        for h in (1e-5, -1e-5):
            b = res.coef.copy()
            b[j] += h
            b0 = np.mean(y - X @ b)
            rr = y - b0 - X @ b
            assert rr @ rr / (2 * n) + 0.05 * np.sum(w * np.abs(b)) >= obj - 1e-13
    assert res.gap <= 1e-12 * (np.var(y) + 1)
    l2 = solve(X, y, L2(0.1, weights=w))
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(l2.coef, np.linalg.solve(Xc.T @ Xc + n * 0.1 * np.diag(w), Xc.T @ yc), rtol=1e-9)
    with pytest.raises(ValueError, match="elastic-net"):
        solve(X, y, ElasticNet(0.1, 0.5, weights=np.linspace(0.5, 2, X.shape[1])))


def test_prior_to_penalty_weights():
    pen = prior_to_penalty(br.Laplace([1.0, 4.0, np.inf]), sigma=1.0, n_samples=10)
    assert pen.alpha == pytest.approx(1.0 / (10 * 2.0))  # geometric mean of 1 and 4
    np.testing.assert_allclose(pen.weights, [2.0, 0.5, 0.0])
    pen = prior_to_penalty(br.Gaussian([1.0, 4.0]), sigma=2.0, n_samples=10)
    assert pen.alpha == pytest.approx(4.0 / (10 * 4.0))
    np.testing.assert_allclose(pen.weights, [4.0, 0.25])


def test_weighted_logistic_map_equals_sklearn_on_rescaled_columns():
    X, _ = _data(n=200, p=6, seed=8, shift=0.0)
    rng = np.random.default_rng(9)
    yb = (rng.random(200) < 1 / (1 + np.exp(-(X[:, 0] - 2 * X[:, 1])))).astype(float)
    scales = np.array([0.5, 2.0, 0.05, 0.1, 1.0, 0.02])
    res = br.map_estimate(X, yb, br.Laplace(scales), family="bernoulli", tol=1e-12)
    base, c = _split(scales)
    sk = LogisticRegression(C=base, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=1_000_000).fit(X * c, yb)
    coef = sk.coef_[0] * c
    np.testing.assert_allclose(res.coef, coef, atol=1e-6 * np.max(np.abs(coef)))
    np.testing.assert_array_equal(np.flatnonzero(res.coef), np.flatnonzero(np.abs(coef) > 1e-9))
    with pytest.raises(ValueError, match="cannot be\\s+profiled out of a GLM"):
        br.map_estimate(X, yb, br.Laplace(np.r_[np.inf, scales[1:]]), family="bernoulli")


def test_find_map_on_the_pymc_model_with_a_flat_coefficient_reaches_the_exact_map():
    X, y = _data(n=40, p=4, seed=10)
    scales = np.array([0.3, np.inf, 0.1, 1.0])
    rep = br.check_equivalence(X, y, br.Gaussian(scales), sigma=1.0)
    assert rep.passed, rep


# ---------------------------------------------------------------------------------------------
# the posterior
# ---------------------------------------------------------------------------------------------


def test_exact_draws_with_a_flat_coefficient_match_the_augmented_closed_form():
    X, y = _data(n=40, p=5, seed=11)
    tau = np.array([0.3, np.inf, 0.5, 0.2, 1.0])
    sigma = 1.0
    N = 20000
    post = br.sample_posterior(X, y, br.Gaussian(tau), sigma=sigma, sampler="exact", draws=N // 2, chains=2,
                               random_seed=0)  # fmt: skip
    b = post.posterior["beta"].values.reshape(-1, 5)
    b0 = post.posterior["intercept"].values.ravel()
    Z = np.column_stack([np.ones(len(y)), X])
    A = Z.T @ Z + np.diag(np.r_[0.0, np.where(np.isfinite(tau), sigma**2 / tau**2, 0.0)])
    m = np.linalg.solve(A, Z.T @ y)
    sd = sigma * np.sqrt(np.diag(np.linalg.inv(A)))
    # independent draws: each mean within 4 standard errors, each sd within 4 of its own (sd/sqrt(2N))
    assert np.all(np.abs(np.r_[b0.mean(), b.mean(0)] - m) < 4 * sd / np.sqrt(N))
    assert np.all(np.abs(np.r_[b0.std(), b.std(0)] / sd - 1) < 4 / np.sqrt(2 * N))
    assert "1 unpenalised" in post.posterior.attrs["per_coefficient_scales"]
    from bayesreg._upstream import has_group

    assert has_group(post, "log_likelihood")  # built on the data as given


def test_gibbs_with_finite_vector_scales_matches_the_closed_form():
    X, y = _data(n=40, p=5, seed=12)
    tau = np.array([0.3, 3.0, 0.5, 0.2, 1.0])
    sigma = 1.0
    post = br.sample_posterior(X, y, br.Gaussian(tau), sigma=sigma, sampler="gibbs", draws=4000, chains=2,
                               random_seed=1, progressbar=False)  # fmt: skip
    b = post.posterior["beta"].values.reshape(-1, 5)
    Z = np.column_stack([np.ones(len(y)), X])
    A = Z.T @ Z + np.diag(np.r_[0.0, sigma**2 / tau**2])
    m = np.linalg.solve(A, Z.T @ y)
    sd = sigma * np.sqrt(np.diag(np.linalg.inv(A)))[1:]
    # Gibbs with fixed tau and sigma draws beta exactly from its conditional, which is the posterior
    assert np.all(np.abs(b.mean(0) - m[1:]) < 4 * sd / np.sqrt(b.shape[0]))
    assert post.posterior.attrs["diagnostics_ok"]


@pytest.mark.slow
def test_gibbs_with_an_unpenalised_coefficient_agrees_with_nuts_on_the_pymc_model():
    X, y = _data(n=40, p=5, seed=13)
    prior = br.Laplace([0.3, np.inf, 0.5, 0.2, 1.0])
    g = br.sample_posterior(X, y, prior, sigma="jeffreys", sampler="gibbs", draws=4000, chains=2, random_seed=2,
                            progressbar=False)  # fmt: skip
    nu = br.sample_posterior(X, y, prior, sigma="jeffreys", sampler="nuts", draws=2000, chains=2, random_seed=3,
                             progressbar=False)  # fmt: skip
    from bayesreg._upstream import group_dataset, mcse

    for v in ("beta", "intercept", "sigma"):
        a, b = g.posterior[v], nu.posterior[v]
        se = np.hypot(np.asarray(mcse(group_dataset(g)[[v]])[v]), np.asarray(mcse(group_dataset(nu)[[v]])[v]))
        diff = np.abs(a.mean(("chain", "draw")).values - b.mean(("chain", "draw")).values)
        assert np.all(diff < 4 * se), (v, diff, se)


# ---------------------------------------------------------------------------------------------
# bad input, before any work
# ---------------------------------------------------------------------------------------------


def test_a_scale_vector_of_the_wrong_length_is_refused_everywhere():
    X, y = _data(p=6)
    pr = br.Laplace([1.0, 2.0])
    for call in (
        lambda: br.map_estimate(X, y, pr, sigma=1.0),
        lambda: br.sample_posterior(X, y, pr, sigma=1.0, draws=10),
        lambda: br.build_model(X, y, pr, sigma=1.0),
    ):
        with pytest.raises(ValueError, match="2 per-coefficient scales but the data have p = 6"):
            call()


def test_collinear_unpenalised_columns_are_refused():
    X, y = _data(p=4)
    X[:, 3] = 2 * X[:, 1] + 1.0
    with pytest.raises(ValueError, match="linearly dependent with the intercept"):
        br.map_estimate(X, y, br.Laplace([1.0, np.inf, 1.0, np.inf]), sigma=1.0)


def test_what_takes_one_common_scale_refuses_a_vector_with_a_pointer():
    X, y = _data(p=3)
    pr = br.Gaussian([1.0, 2.0, np.inf])
    # exact_posterior, log_marginal_likelihood, choose_prior_scale and shrinkage_table take the vector
    # (tests/test_issue16_scales_eb.py)
    with pytest.raises(ValueError, match="rescaled columns"):
        br.mapping.to_sklearn(pr, sigma=1.0, n_samples=len(y))
    from bayesreg.samplers import sample_gibbs

    with pytest.raises(ValueError, match="sample_posterior"):
        sample_gibbs(X, y, pr, sigma=1.0)
    with pytest.raises(ValueError, match="intercept_prior"):
        br.sample_posterior(X, y, pr, sigma=1.0, sampler="exact", intercept_prior=(0.0, 1.0), draws=10)


def test_inputs_are_not_modified():
    X, y = _data(p=4)
    X0, y0 = X.copy(), y.copy()
    scales = np.array([1.0, np.inf, 0.5, 0.2])
    s0 = scales.copy()
    br.map_estimate(X, y, br.Laplace(scales), sigma=1.0)
    br.sample_posterior(X, y, br.Laplace(scales), sigma=1.0, sampler="gibbs", draws=20, chains=1, check=False,
                        progressbar=False)  # fmt: skip
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(scales, s0)
