"""Tests of the Gibbs samplers (bayesreg.samplers).

References are independent of the code under test: the exact conjugate posterior of the ridge
model computed here with numpy/scipy Cholesky, NUTS (PyMC) on the same model, and scipy's
inverse-Gaussian distribution. Monte Carlo tolerances use the effective sample size: a mean
is compared within 4 MCSE (sd / sqrt(ESS)), an sd within 4 standard errors of an sd estimate
(about sd / sqrt(2 ESS)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg as sla
from _stack import ess_array, group_names, moments, rhat_array
from scipy import stats as sps

import bayesreg as br
from bayesreg.samplers import _kernels as K
from bayesreg.samplers import gibbs_supports, sample_gibbs

quiet = pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")


def _data(n, p, seed=0, noise=1.0, signal=None):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p)) + 0.3 * r.standard_normal((n, 1))  # correlated columns
    beta = np.zeros(p)
    sig = [2.0, -1.5, 1.0] if signal is None else signal
    beta[: min(len(sig), p)] = sig[:p]
    y = 0.7 + X @ beta + noise * r.standard_normal(n)
    return X, y, beta


def _exact_ridge(X, y, sigma, tau):
    """Posterior of beta and b0 for N(0, tau^2) prior, fixed sigma, flat intercept (closed form)."""
    xm, ym = X.mean(0), y.mean()
    Xc, yc = X - xm, y - ym
    p = X.shape[1]
    Q = Xc.T @ Xc / sigma**2 + np.eye(p) / tau**2
    c = sla.cho_factor(Q, lower=True)
    mean = sla.cho_solve(c, Xc.T @ yc / sigma**2)
    cov = sla.cho_solve(c, np.eye(p))
    b0_mean = ym - xm @ mean
    b0_var = sigma**2 / X.shape[0] + xm @ cov @ xm
    return mean, np.sqrt(np.diag(cov)), b0_mean, np.sqrt(b0_var)


def _flat(idata, var):
    v = idata.posterior[var].values
    return v.reshape(v.shape[0] * v.shape[1], -1)


def _check_against(idata, var, mean, sd, k=4.0, family_alpha=1e-3):
    """Means within k MCSE and sds within k standard errors of the exact values, for every coordinate.

    Many coordinates are compared at once (60 betas plus their sds in the p > n test), so k is raised
    to the Bonferroni level that keeps the chance of any false alarm below ``family_alpha`` (two
    comparisons per coordinate): about 4.46 for 60 coordinates, never below the ``k`` given. The sd's
    standard error is sd / sqrt(2 ESS) with the ESS of the squared deviations, the draws the sd is
    made of (for a Gaussian posterior var(s) = sd^2 / (2 ESS)); the ESS of the draws themselves can
    exceed the number of draws for anticorrelated chains and understate it.
    """
    draws = _flat(idata, var)
    values = idata.posterior[var].values.reshape(*idata.posterior[var].values.shape[:2], -1)
    mean, sd = np.atleast_1d(mean), np.atleast_1d(sd)
    ess = np.array([ess_array(values[..., j]) for j in range(values.shape[-1])], dtype=float)
    ess_sq = np.array([ess_array((values[..., j] - mean[j]) ** 2) for j in range(values.shape[-1])], dtype=float)
    k = max(k, float(sps.norm.isf(family_alpha / (2 * 2 * draws.shape[1]))))
    m_hat, s_hat = draws.mean(0), draws.std(0, ddof=1)
    np.testing.assert_array_less(np.abs(m_hat - mean), k * sd / np.sqrt(ess))
    np.testing.assert_array_less(np.abs(s_hat - sd), k * sd / np.sqrt(2.0 * ess_sq))


# ----------------------------------------------------------------------------- exactness


@pytest.mark.slow
@pytest.mark.parametrize("n,p", [(80, 6), (30, 60)])
def test_ridge_matches_exact_posterior(n, p):
    # n >= p exercises Rue's algorithm on the sufficient statistics, p > n the BCM algorithm
    X, y, _ = _data(n, p, seed=1)
    sigma, tau = 0.9, 0.6
    idata = sample_gibbs(X, y, br.Gaussian(tau), sigma=sigma, draws=2000, tune=200, random_seed=3, progressbar=False)
    assert idata.posterior.attrs["beta_draw"] == ("rue-cholesky" if n >= p else "bhattacharya-chakraborty-mallick")
    mean, sd, b0_mean, b0_sd = _exact_ridge(X, y, sigma, tau)
    _check_against(idata, "beta", mean, sd)
    _check_against(idata, "intercept", b0_mean, b0_sd)


@pytest.mark.slow
def test_rue_and_bcm_agree_for_the_lasso_when_p_exceeds_n():
    # the same p > n posterior sampled by BCM (rows) and by Rue (statistics only): two exact
    # algorithms, so means agree within 4 combined MCSE
    X, y, _ = _data(25, 40, seed=2)
    kw = dict(prior=br.ParkCasella(2.0), sigma="jeffreys", draws=1500, tune=300, progressbar=False)
    a = sample_gibbs(X, y, random_seed=1, **kw)
    b = sample_gibbs(br.SufficientStats.from_arrays(X, y), random_seed=2, log_likelihood=False, **kw)
    assert a.posterior.attrs["beta_draw"] != b.posterior.attrs["beta_draw"]
    for var in ("beta", "sigma", "intercept"):
        (ma, _, ea), (mb, _, eb) = moments(a, var), moments(b, var)
        mcse = np.hypot(ea, eb)
        np.testing.assert_array_less(np.abs(ma - mb), 4 * mcse + 1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("prior", [br.Laplace(0.4), br.ParkCasella(2.0)])
def test_laplace_with_fixed_sigma_matches_quadrature(prior):
    # one coefficient, fixed sigma, flat intercept: the posterior of beta is proportional to
    # exp(-(beta - b_ols)^2 / (2 v)) * Laplace(beta; b), with b_ols, v from the centred data; its mean
    # and sd by quadrature on a fine grid are the reference
    X, y, _ = _data(30, 1, seed=14, signal=[0.3])
    sigma = 0.8
    xc, yc = X[:, 0] - X[:, 0].mean(), y - y.mean()
    b_ols, v = (xc @ yc) / (xc @ xc), sigma**2 / (xc @ xc)
    b = prior.scale if isinstance(prior, br.Laplace) else sigma / prior.lam
    grid = np.linspace(b_ols - 12 * np.sqrt(v), b_ols + 12 * np.sqrt(v), 200001)
    logd = -0.5 * (grid - b_ols) ** 2 / v - np.abs(grid) / b
    d = np.exp(logd - logd.max())
    d /= d.sum()
    mean = (grid * d).sum()
    sd = np.sqrt(((grid - mean) ** 2 * d).sum())
    idata = sample_gibbs(X, y, prior, sigma=sigma, draws=4000, tune=200, random_seed=4, progressbar=False)
    _check_against(idata, "beta", np.array([mean]), np.array([sd]))


@pytest.mark.slow
def test_ridge_sigma_marginal_matches_quadrature_when_p_exceeds_n():
    # Gaussian prior (not scaled by sigma), IG(a, b) on sigma^2, p > n: the marginal posterior of sigma^2
    # is p(s2 | y) ∝ N(y_c; 0, s2 I + tau^2 X_c X_c^T) IG(s2; a, b) on the n - 1 dimensions orthogonal
    # to 1, one-dimensional, so quadrature gives its exact mean and sd
    X, y, _ = _data(20, 30, seed=15, noise=0.7)
    tau = 0.5
    Xc, yc = X - X.mean(0), y - y.mean()
    lam, U = np.linalg.eigh(Xc @ Xc.T)
    keep = np.abs(U.T @ np.ones(len(y))) < 0.5  # drop the constant direction (eigenvalue 0)
    lam, z = lam[keep], (U.T @ yc)[keep]
    s2 = np.exp(np.linspace(np.log(1e-3), np.log(1e2), 40001))
    var = s2[:, None] + tau**2 * lam[None, :]
    a, b = 2.0, 0.2
    # likelihood x IG(a, b) density x s2 (the grid is uniform in log s2)
    logd = -0.5 * np.sum(np.log(var) + z**2 / var, axis=1) - (a + 1) * np.log(s2) - b / s2 + np.log(s2)
    d = np.exp(logd - logd.max())
    d /= d.sum()
    sig = np.sqrt(s2)
    mean = (sig * d).sum()
    sd = np.sqrt(((sig - mean) ** 2 * d).sum())
    idata = sample_gibbs(X, y, br.Gaussian(tau), sigma=br.InverseGammaPrior(a, b), draws=3000, tune=300,
                         random_seed=6, progressbar=False)  # fmt: skip
    assert idata.posterior.attrs["beta_draw"] == "bhattacharya-chakraborty-mallick"
    _check_against(idata, "sigma", np.array([mean]), np.array([sd]))


def test_inverse_gaussian_kernel_matches_scipy():
    K.seed(5)
    mu, lam = 3.0, 2.0
    x = np.array([K._inv_gauss(mu, lam) for _ in range(4000)])
    # scipy's invgauss(mu/lam, scale=lam) is IG(mean mu, shape lam)
    assert sps.kstest(x, sps.invgauss(mu / lam, scale=lam).cdf).pvalue > 1e-3
    # the cancellation-free root stays positive and finite for a huge mean (beta_j near 0)
    big = np.array([K._inv_gauss(1e12, 0.5) for _ in range(200)])
    assert np.all(np.isfinite(big)) and np.all(big > 0)


# ----------------------------------------------------------------------------- against NUTS


def _nuts_park_casella(X, y, lam, seed, draws=1000):
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    coords = {"feature": [f"x{j}" for j in range(X.shape[1])]}
    with pm.Model(coords=coords):
        log_sigma = pm.Flat("log_sigma")  # Jeffreys: p(sigma) ∝ 1/sigma
        sigma = pm.Deterministic("sigma", pm.math.exp(log_sigma))
        beta = pm.Laplace("beta", mu=0.0, b=sigma / lam, dims="feature")
        b0 = pm.Flat("intercept")
        pm.Normal("y", mu=b0 + pm.math.dot(X, beta), sigma=sigma, observed=y)
        return pm.sample(
            draws=draws, tune=1000, chains=2, cores=1, random_seed=seed, progressbar=False, target_accept=0.9
        )


@pytest.mark.slow
def test_park_casella_matches_nuts():
    X, y, _ = _data(50, 5, seed=4, noise=1.5)
    lam = 3.0
    g = sample_gibbs(X, y, br.ParkCasella(lam), sigma="jeffreys", draws=3000, tune=300, random_seed=1,
                     progressbar=False)  # fmt: skip
    nuts = _nuts_park_casella(X, y, lam, seed=2)
    assert int(nuts.sample_stats.diverging.sum()) == 0
    for var in ("beta", "intercept", "sigma"):
        (mg, sdg, eg), (mn, sdn, en) = moments(g, var), moments(nuts, var)
        mcse = np.hypot(eg, en)
        np.testing.assert_array_less(np.abs(mg - mn), 4 * mcse)
        np.testing.assert_allclose(sdg, sdn, rtol=0.10)


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior,sigma,extra",
    [
        (br.ParkCasella(1.0, lam2_prior=br.GammaPrior(2.0, 1.0)), "default", "lam"),
        (br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior(2.0, 1.0)), "default", "tau"),
    ],
    ids=["park-casella-lam2-prior", "gaussian-tau2-prior"],
)
def test_hyperprior_models_match_nuts_on_build_model(prior, sigma, extra):
    # reference: NUTS on bayesreg.build_model (PyMC), an independent implementation of the same model
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    X, y, _ = _data(40, 3, seed=13, noise=1.0, signal=[1.5, -1.0, 0.0])
    # seeds of their own (test_park_casella_matches_nuts draws with 1 and 2); max z 1.8 of K = 4 and sd
    # within 5.6 % of the 10 % allowed, over seed offsets 0, 100, 200
    g = sample_gibbs(X, y, prior, sigma=sigma, draws=3000, tune=500, random_seed=101, progressbar=False)
    with br.build_model(X, y, prior, sigma=sigma):
        nuts = pm.sample(draws=1000, tune=700, chains=2, cores=1, random_seed=102, progressbar=False,
                         target_accept=0.95, compute_convergence_checks=False)  # fmt: skip
    assert int(nuts.sample_stats.diverging.sum()) <= 3
    names = ["beta", "intercept", "sigma", extra]
    for var in names:
        (mg, sdg, eg), (mn, sdn, en) = moments(g, var), moments(nuts, var)
        mcse = np.hypot(eg, en)
        np.testing.assert_array_less(np.abs(mg - mn), 4 * mcse)
        np.testing.assert_allclose(sdg, sdn, rtol=0.10)


# ----------------------------------------------------------------------------- p > n behaviour


@pytest.mark.slow
@quiet  # the horseshoe's local scales of null coefficients are heavy-tailed and mix slowly; not tested here
@pytest.mark.parametrize("prior", [br.ParkCasella(2.0), br.Horseshoe()])
def test_sparse_p_greater_than_n_recovers_signals_and_shrinks_nulls(prior):
    X, y, beta = _data(60, 150, seed=6, noise=0.5, signal=[3.0, -2.5, 2.0])
    idata = sample_gibbs(X, y, prior, draws=1000, tune=500, random_seed=7, progressbar=False)
    assert idata.posterior.attrs["beta_draw"] == "bhattacharya-chakraborty-mallick"
    post = idata.posterior.beta.mean(("chain", "draw")).values
    lo, hi = np.quantile(_flat(idata, "beta"), [0.005, 0.995], axis=0)
    # the three big signals are recovered: inside their 99% intervals, and far from zero
    assert np.all((lo[:3] <= beta[:3]) & (beta[:3] <= hi[:3]))
    assert np.all(np.abs(post[:3]) > 1.0)
    # the 147 nulls are shrunk: small posterior means, most intervals cover 0
    assert np.max(np.abs(post[3:])) < 0.5
    assert np.mean((lo[3:] <= 0) & (0 <= hi[3:])) > 0.95
    # and the noise scale is found (true 0.5), not the interpolating sigma -> 0
    assert 0.3 < float(idata.posterior.sigma.mean()) < 0.8
    # chains agree on the coefficients and the scales
    values = [idata.posterior[v].values for v in ("beta", "sigma", "tau") if v in idata.posterior]
    values = np.concatenate([v.reshape(v.shape[0], v.shape[1], -1) for v in values], axis=-1)
    assert max(rhat_array(values[..., j]) for j in range(values.shape[-1])) < 1.05


# ----------------------------------------------------------------------------- reproducibility


@quiet
def test_same_seed_identical_and_independent_of_cores_and_progressbar():
    X, y, _ = _data(40, 4, seed=8)
    kw = dict(prior=br.ParkCasella(1.0, lam2_prior=br.GammaPrior()), draws=300, tune=50, chains=3)
    a = sample_gibbs(X, y, random_seed=11, progressbar=False, cores=1, **kw)
    b = sample_gibbs(X, y, random_seed=11, progressbar=True, cores=3, **kw)  # other block size, threads
    for var in ("beta", "sigma", "intercept", "lam"):
        np.testing.assert_array_equal(a.posterior[var].values, b.posterior[var].values)
    c = sample_gibbs(X, y, random_seed=12, progressbar=False, **kw)
    assert not np.array_equal(a.posterior.beta.values, c.posterior.beta.values)
    # chains are not copies of each other
    assert not np.array_equal(a.posterior.beta.values[0], a.posterior.beta.values[1])


@quiet
@pytest.mark.parametrize("prior", [br.Gaussian(1.0), br.ParkCasella(2.0), br.Laplace(0.5), br.Horseshoe()])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sufficient_stats_input_gives_the_same_draws(prior, fit_intercept):
    X, y, _ = _data(50, 5, seed=9)
    kw = dict(draws=200, tune=20, random_seed=5, progressbar=False, fit_intercept=fit_intercept)
    a = sample_gibbs(X, y, prior, **kw)
    b = sample_gibbs(br.SufficientStats.from_arrays(X, y), prior=prior, **kw)
    assert group_names(b) == {"posterior", "sample_stats"}
    for var in a.posterior.data_vars:
        np.testing.assert_array_equal(a.posterior[var].values, b.posterior[var].values)


# ----------------------------------------------------------------------------- output structure


@quiet
def test_inference_data_layout_matches_the_nuts_conventions():
    X, y, _ = _data(30, 3, seed=10)
    Xdf = pd.DataFrame(X, columns=["a", "b", "c"])
    idata = sample_gibbs(Xdf, y, br.Horseshoe(), draws=50, tune=10, random_seed=1, progressbar=False,
                         posterior_predictive=True)  # fmt: skip
    assert {"posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood",
            "posterior_predictive"} <= group_names(idata)  # fmt: skip
    post = idata.posterior
    assert list(post.feature.values) == ["a", "b", "c"]
    assert post.beta.dims == ("chain", "draw", "feature")
    assert post.lam_local.dims == ("chain", "draw", "feature")
    for name in ("intercept", "sigma", "tau"):
        assert post[name].dims == ("chain", "draw")
    assert idata.log_likelihood.y.dims == ("chain", "draw", "obs")
    assert idata.posterior_predictive.y.shape == (2, 50, 30)
    assert idata.constant_data.X.dims == ("obs", "feature")
    np.testing.assert_array_equal(idata.observed_data.y.values, y)
    # the pointwise log-likelihood is the Gaussian density at each draw
    b = post.beta.values[0, 7]
    b0, s = float(post.intercept.values[0, 7]), float(post.sigma.values[0, 7])
    expected = sps.norm(b0 + X @ b, s).logpdf(y)
    np.testing.assert_allclose(idata.log_likelihood.y.values[0, 7], expected, rtol=1e-10)
    assert not bool(idata.sample_stats.diverging.any())


@quiet
def test_variables_follow_the_model():
    X, y, _ = _data(30, 3, seed=10)
    kw = dict(draws=20, tune=5, random_seed=1, progressbar=False)
    fixed = sample_gibbs(X, y, br.Gaussian(1.0), sigma=0.5, fit_intercept=False, **kw)
    assert set(fixed.posterior.data_vars) == {"beta"}
    assert float(fixed.constant_data.sigma) == 0.5
    tau = sample_gibbs(X, y, br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior(2.0, 1.0)), **kw)
    assert set(tau.posterior.data_vars) == {"beta", "intercept", "sigma", "tau"}
    lam = sample_gibbs(X, y, br.ParkCasella(1.0, lam2_prior=br.GammaPrior(1.0, 1.0)), sigma="jeffreys", **kw)
    assert set(lam.posterior.data_vars) == {"beta", "intercept", "sigma", "lam"}
    assert set(sample_gibbs(X, y, br.Laplace(1.0), **kw).posterior.data_vars) == {"beta", "intercept", "sigma"}


@quiet
def test_standardize_reports_coefficients_on_the_original_scale():
    # a column scaled by 10 with standardize=True: the same model as the unscaled column without,
    # so beta of the scaled column is beta of the unscaled one divided by 10, draw for draw
    X, y, _ = _data(40, 3, seed=12)
    X = X / X.std(0)
    X10 = X * np.array([10.0, 1.0, 1.0])
    kw = dict(prior=br.ParkCasella(1.0), draws=100, tune=10, random_seed=2, progressbar=False)
    a = sample_gibbs(X, y, **kw)
    b = sample_gibbs(X10, y, standardize=True, **kw)
    np.testing.assert_allclose(b.posterior.beta.values[..., 0] * 10, a.posterior.beta.values[..., 0], rtol=1e-8)


# ----------------------------------------------------------------------------- bad input


def test_prior_without_gibbs_sampler_names_the_alternatives():
    X, y, _ = _data(20, 2)
    with pytest.raises(TypeError, match=r"ElasticNetPrior has no Gibbs sampler.*Gaussian.*Horseshoe.*nuts"):
        sample_gibbs(X, y, br.ElasticNetPrior(1.0, 1.0))
    assert not gibbs_supports(br.ElasticNetPrior(1.0, 1.0))
    assert gibbs_supports(br.ParkCasella(), "jeffreys")
    assert gibbs_supports(br.Horseshoe(), 1.0)
    assert not gibbs_supports(br.Gaussian(), -1.0)
    with pytest.raises(TypeError, match="prior is required"):
        sample_gibbs(X, y)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(draws=0), ValueError, "draws"),
        (dict(draws=-5), ValueError, "draws"),
        (dict(chains=0), ValueError, "chains"),
        (dict(draws=1.5), TypeError, "draws"),
        (dict(tune=-1), ValueError, "tune"),
        (dict(cores=0), ValueError, "cores"),
        (dict(sigma=-1.0), ValueError, "sigma"),
        (dict(sigma="flatt"), ValueError, "sigma"),
        (dict(sigma=[1.0]), TypeError, "sigma"),
        (dict(random_seed=-3), ValueError, "random_seed"),
        (dict(random_seed="a"), TypeError, "random_seed"),
        (dict(feature_names=["a"]), ValueError, "feature_names"),
        (dict(feature_names=["a", "a"]), ValueError, "unique"),
        (dict(fit_intercept="yes"), TypeError, "fit_intercept"),
    ],
)
def test_bad_arguments_raise_before_sampling(kwargs, exc, match, monkeypatch):
    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("sampling started before validation finished")

    monkeypatch.setattr(K, "run_block", boom)
    X, y, _ = _data(20, 2)
    with pytest.raises(exc, match=match):
        sample_gibbs(X, y, br.Gaussian(), **kwargs)


def test_jeffreys_sigma_with_unscaled_prior_and_p_ge_n_is_refused():
    # the posterior is improper there (beta interpolates y; p(sigma) ∝ 1/sigma diverges at 0)
    X, y, _ = _data(10, 12)
    for prior in (br.Gaussian(1.0), br.Laplace(1.0)):
        with pytest.raises(ValueError, match="improper"):
            sample_gibbs(X, y, prior, sigma="jeffreys")
    # proper alternatives are accepted
    sample_gibbs(X, y, br.Gaussian(1.0), draws=10, tune=0, progressbar=False, check=False)
    sample_gibbs(X, y, br.ParkCasella(1.0), sigma="jeffreys", draws=10, tune=0, progressbar=False, check=False)


def test_rows_only_groups_need_rows():
    X, y, _ = _data(20, 2)
    st = br.SufficientStats.from_arrays(X, y)
    with pytest.raises(ValueError, match="log_likelihood"):
        sample_gibbs(st, prior=br.Gaussian(), log_likelihood=True)
    with pytest.raises(ValueError, match="posterior_predictive"):
        sample_gibbs(st, prior=br.Gaussian(), posterior_predictive=True)
    with pytest.raises(ValueError, match="y must be omitted"):
        sample_gibbs(st, y, br.Gaussian())
    with pytest.raises(ValueError, match="nan|NaN"):
        sample_gibbs(np.where(X > 1, np.nan, X), y, br.Gaussian())


@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("prior", [br.Laplace(1e-100), br.ParkCasella(1e100), br.Laplace(1e-150)],
                         ids=["laplace-1e-100", "parkcasella-lam-1e100", "laplace-at-the-range-end"])  # fmt: skip
def test_latent_scales_keep_a_tiny_prior_scale(prior, route):
    # b / sigma = 1e-100 (Park-Casella: sigma / lam): the likelihood is negligible, the posterior is the
    # prior Laplace(0, b), sd sqrt(2) b. Drawing 1/t_j ~ InvGauss(lam / |beta_j|, lam^2) with the mean clamped
    # at 1e150 once gave sd ~1e-75 here, whatever b; the draw is now made in units of lam^2. The sd of
    # 2 x 2000 near-independent Laplace draws is within ~5 * sqrt((6 - 1) / 4) / sqrt(4000) = 9% of the truth.
    from bayesreg.solvers import _route

    r = np.random.default_rng(0)
    X = r.standard_normal((40, 5))
    y = X @ np.ones(5) + r.standard_normal(40)
    b = prior.scale if isinstance(prior, br.Laplace) else 1.0 / prior.lam
    with _route.force_route(route):
        idata = sample_gibbs(X, y, prior, sigma=1.0, draws=2000, tune=200, chains=2, random_seed=203, progressbar=False,
                             check=False)  # fmt: skip
    beta = idata.posterior["beta"].values
    assert np.all(np.isfinite(beta))
    assert beta.std() == pytest.approx(np.sqrt(2.0) * b, rel=0.1)
    # and the shape: a Laplace, P(|beta| <= b log 2) = 1/2
    assert np.mean(np.abs(beta) <= b * np.log(2.0)) == pytest.approx(0.5, abs=0.03)
