"""Logistic, binomial and Poisson regression through the public API: family= end to end.

References: scikit-learn's LogisticRegression (C = b for Laplace(b), C = tau^2 for Gaussian(tau),
unpenalised intercept) and PoissonRegressor (alpha = 1 / (n tau^2)); PyMC's find_MAP on the
model of build_model (the same posterior, optimised independently); NUTS on that model against
the Polya-Gamma Gibbs sampler (means within 4.5 combined Monte Carlo standard errors); the
pointwise log-likelihood against scipy.stats.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression, PoissonRegressor

import bayesreg as br
from bayesreg._upstream import ess


def _logistic(n=200, p=5, seed=0, rho=0.0):
    rng = np.random.default_rng(seed)
    cov = rho * np.ones((p, p)) + (1 - rho) * np.eye(p)
    X = rng.multivariate_normal(np.zeros(p), cov, size=n)
    beta = np.zeros(p)
    beta[:3] = [1.5, -1.0, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ beta)))).astype(float)
    return X, y


def _poisson(n=300, p=4, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = rng.poisson(np.exp(0.5 + X @ np.array([0.4, -0.3, 0.0, 0.0]))).astype(float)
    return X, y


def _l1_logistic(C):
    kw = dict(C=C, solver="saga", tol=1e-12, max_iter=200_000)
    try:
        return LogisticRegression(l1_ratio=1.0, **kw)
    except TypeError:  # pragma: no cover - scikit-learn < 1.8 spells it penalty="l1"
        return LogisticRegression(penalty="l1", **kw)


@pytest.mark.parametrize("rho", [0.0, 0.8])
def test_laplace_map_is_l1_logistic_regression_with_C_equal_to_b(rho):
    X, y = _logistic(rho=rho)
    b = 0.3
    fit = br.map_estimate(X, y, br.Laplace(b), family="bernoulli")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's own convergence chatter at tol 1e-12
        ref = _l1_logistic(b).fit(X, y)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(fit.coef, ref.coef_[0], rtol=0, atol=1e-6 * scale)
    assert fit.intercept == pytest.approx(ref.intercept_[0], abs=1e-6 * scale)
    np.testing.assert_array_equal(fit.coef != 0, np.abs(ref.coef_[0]) > 1e-8)
    assert fit.converged and fit.family == "bernoulli" and np.isnan(fit.sigma)
    assert "family='bernoulli'" in repr(fit)


def test_gaussian_map_is_l2_logistic_regression_with_C_equal_to_tau_squared():
    X, y = _logistic()
    tau = 0.7
    fit = br.map_estimate(X, y, br.Gaussian(tau), family="bernoulli")
    ref = LogisticRegression(C=tau**2, solver="newton-cholesky", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(fit.coef, ref.coef_[0], rtol=1e-7)
    assert fit.intercept == pytest.approx(ref.intercept_[0], rel=1e-7)


def test_gaussian_map_is_poisson_regressor_with_alpha_one_over_n_tau_squared():
    X, y = _poisson()
    tau = 0.5
    fit = br.map_estimate(X, y, br.Gaussian(tau), family="poisson")
    ref = PoissonRegressor(alpha=1.0 / (len(y) * tau**2), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(fit.coef, ref.coef_, rtol=1e-6)
    assert fit.intercept == pytest.approx(ref.intercept_, rel=1e-6)


@pytest.mark.parametrize(
    "family,data,prior", [("bernoulli", _logistic, br.Laplace(0.5)), ("poisson", _poisson, br.Gaussian(1.0))]
)
def test_find_map_on_the_pymc_model_reaches_the_exact_map(family, data, prior):
    X, y = data()
    exact = br.map_estimate(X, y, prior, family=family)
    fm = br.find_map(br.build_model(X, y, prior, family=family))
    scale = np.abs(exact.coef).max()
    # a smooth optimiser on a kinked objective: close, with tiny values where the MAP has zeros
    np.testing.assert_allclose(fm.coef, exact.coef, rtol=0, atol=1e-4 * scale)
    assert fm.intercept == pytest.approx(exact.intercept, abs=1e-4 * scale)


def test_binomial_map_equals_bernoulli_on_expanded_rows():
    rng = np.random.default_rng(2)
    Xg = rng.standard_normal((15, 3))
    m = rng.integers(1, 6, size=15)
    succ = rng.binomial(m, 1 / (1 + np.exp(-Xg @ [1.0, -0.5, 0.0])))
    Xb = np.repeat(Xg, m, axis=0)
    yb = np.concatenate([np.r_[np.ones(s), np.zeros(k - s)] for s, k in zip(succ, m, strict=True)])
    a = br.map_estimate(Xg, succ, br.Laplace(1.0), family="binomial", trials=m)
    b = br.map_estimate(Xb, yb, br.Laplace(1.0), family="bernoulli")
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-8, atol=1e-10)


def _mcse(x):
    import xarray as xr

    e = float(ess(xr.Dataset({"x": (("chain", "draw"), x)}), method="bulk")["x"])
    return x.std() / np.sqrt(e)


@pytest.mark.slow
@pytest.mark.parametrize("prior", [br.Laplace(0.5), br.Horseshoe(1.0)], ids=["laplace", "horseshoe"])
def test_polya_gamma_gibbs_agrees_with_nuts_on_the_same_model(prior):
    X, y = _logistic(n=150, p=4, seed=3)
    kw = dict(family="bernoulli", draws=2000, chains=2, progressbar=False, check=False)
    gibbs = br.sample_posterior(X, y, prior, sampler="gibbs", random_seed=1, **kw)
    nuts = br.sample_posterior(X, y, prior, sampler="nuts", random_seed=2, target_accept=0.95, **kw)
    assert gibbs.posterior.attrs["sampler"] == "gibbs" and nuts.posterior.attrs["sampler"] == "nuts"
    for j in range(4):
        a = gibbs.posterior["beta"].values[..., j]
        b = nuts.posterior["beta"].values[..., j]
        assert abs(a.mean() - b.mean()) < 4.5 * np.hypot(_mcse(a), _mcse(b)), j
    a, b = gibbs.posterior["intercept"].values, nuts.posterior["intercept"].values
    assert abs(a.mean() - b.mean()) < 4.5 * np.hypot(_mcse(a), _mcse(b))


def test_glm_posterior_groups_and_pointwise_log_likelihood():
    X, y = _logistic(n=60, p=3)
    idata = br.sample_posterior(X, y, br.Gaussian(1.0), family="bernoulli", draws=50, tune=20, chains=2,
                                random_seed=0, progressbar=False, posterior_predictive=True, check=False)  # fmt: skip
    post = idata.posterior
    assert "sigma" not in post and post.attrs["family"] == "bernoulli"
    beta, b0 = post["beta"].values[1, 7], float(post["intercept"].values[1, 7])
    p = 1 / (1 + np.exp(-(b0 + X @ beta)))
    np.testing.assert_allclose(idata.log_likelihood["y"].values[1, 7], stats.bernoulli.logpmf(y, p), rtol=1e-12)
    yrep = idata.posterior_predictive["y"].values
    assert yrep.shape == (2, 50, 60) and set(np.unique(yrep)) <= {0.0, 1.0}
    # Poisson: NUTS is "auto"; the log-likelihood is the Poisson log-pmf
    Xp, yp = _poisson(n=40)
    ip = br.sample_posterior(Xp, yp, br.Gaussian(1.0), family="poisson", draws=100, tune=100, chains=2,
                             random_seed=0, progressbar=False, check=False)  # fmt: skip
    assert ip.posterior.attrs["sampler"] == "nuts"
    beta, b0 = ip.posterior["beta"].values[0, 3], float(ip.posterior["intercept"].values[0, 3])
    ref = stats.poisson.logpmf(yp, np.exp(b0 + Xp @ beta))
    np.testing.assert_allclose(ip.log_likelihood["y"].values[0, 3], ref, rtol=1e-10)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda X, y: br.map_estimate(X, y, br.Laplace(1.0), family="bernoulli", sigma=1.0), "sigma is the noise"),
        (lambda X, y: br.map_estimate(X, y, br.ParkCasella(1.0), family="bernoulli"), "ParkCasella"),
        (lambda X, y: br.map_estimate(X, 2 * y, br.Laplace(1.0), family="bernoulli"), "two classes coded 0 and 1"),
        (lambda X, y: br.map_estimate(X, np.zeros_like(y), br.Laplace(1.0), family="bernoulli"), "one class"),
        (lambda X, y: br.map_estimate(X, y - 0.5, br.Laplace(1.0), family="poisson"), "y"),
        (lambda X, y: br.map_estimate(X, y, br.Laplace(1.0), family="binomial", trials=0), "trials"),
        (lambda X, y: br.map_estimate(X, y, br.Laplace(1.0), family="logit"), "family must be one of"),
        (lambda X, y: br.sample_posterior(X, y, br.Laplace(1.0), family="poisson", sampler="gibbs"),
         "no Gibbs sampler for the poisson likelihood"),
        (lambda X, y: br.map_estimate(br.SufficientStats.from_arrays(X, y), None, br.Laplace(1.0),
                                      family="bernoulli"), "needs the rows"),
    ],
)
def test_bad_glm_input_is_named_before_any_work(call, match):
    X, y = _logistic(n=40, p=3)
    with pytest.raises(ValueError, match=match):
        call(X, y)


def test_the_linear_model_still_needs_sigma():
    X, y = _logistic(n=40, p=3)
    with pytest.raises(TypeError, match="sigma"):
        br.map_estimate(X, y, br.Laplace(1.0))


def test_check_equivalence_for_logistic_and_poisson_models():
    X, y = _logistic(n=150, p=6, rho=0.5)
    rep = br.check_equivalence(X, y, br.Laplace(0.2), family="bernoulli")
    assert rep.passed, rep
    assert rep.family == "bernoulli" and "LogisticRegression(C=0.2, l1_ratio=1" in rep.sklearn_estimator
    assert "liblinear" not in rep.sklearn_estimator
    assert "bernoulli likelihood" in repr(rep) and "half the mean deviance" in repr(rep)
    assert "<table>" in rep._repr_html_()
    # the objective column is the mean log-loss plus the penalty, computed here by hand
    ex = rep.rows["exact"]
    eta = X @ ex.coef + ex.intercept
    by_hand = np.mean(np.logaddexp(0, eta) - y * eta) + np.abs(ex.coef).sum() / (0.2 * len(y))
    assert ex.objective == pytest.approx(by_hand, rel=1e-12)
    Xp, yp = _poisson()
    rp = br.check_equivalence(Xp, yp, br.Gaussian(0.5), family="poisson", find_map=False)
    assert rp.passed and "PoissonRegressor(alpha=" in rp.sklearn_estimator
    rl = br.check_equivalence(Xp, yp, br.Laplace(0.5), family="poisson", find_map=False)
    assert "sklearn" not in rl.rows and "no poisson model" in rl.sklearn_estimator


def test_glm_mapping_elastic_net_is_logistic_regression_with_C_and_l1_ratio():
    from bayesreg.mapping import to_sklearn_glm

    est = to_sklearn_glm(br.ElasticNetPrior(0.5, 1.0), family="bernoulli", n_samples=100)
    # 1/b = 2, 1/tau^2 = 1: C = 1/3, l1_ratio = 2/3
    assert est.C == pytest.approx(1 / 3) and est.l1_ratio == pytest.approx(2 / 3) and est.solver == "saga"
    with pytest.raises(TypeError, match="ParkCasella"):
        to_sklearn_glm(br.ParkCasella(1.0), family="bernoulli", n_samples=100)


def test_shrinkage_table_for_logistic_regression():
    # the MAP column against scikit-learn's L1 logistic regression at C = b; the posterior from the
    # Polya-Gamma sampler: never exactly zero where the MAP is
    X, y = _logistic(n=120, p=4, seed=6)
    scales = [0.02, 0.1, 1.0]
    t = br.shrinkage_table(X, y, "laplace", scales, family="bernoulli", draws=800, tune=200, chains=2,
                           random_seed=0)  # fmt: skip
    assert t.attrs["likelihood"] == "bernoulli" and t.attrs["posterior"] == "gibbs" and np.isnan(t.attrs["sigma"])
    for b in scales:
        rows = t[t["scale"] == b]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = _l1_logistic(b).fit(X, y)
        np.testing.assert_allclose(rows["map"], ref.coef_[0], rtol=0, atol=1e-6 * max(np.abs(ref.coef_).max(), 1e-3))
        np.testing.assert_allclose(rows["alpha"], 1 / (len(y) * b))
    zero = t[t["map"] == 0.0]
    assert len(zero) > 0 and np.all(zero["mean"] != 0.0)
    with pytest.raises(ValueError, match="sigma is the noise scale"):
        br.shrinkage_table(X, y, "laplace", scales, family="bernoulli", sigma=1.0)
