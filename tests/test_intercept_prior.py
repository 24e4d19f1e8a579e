"""A normal prior N(mu, s^2) on the intercept (issue 16, item 2), through every route.

The reference is the (p + 1)-dimensional conjugate normal posterior of (b0, beta) written out here with
numpy from the design [1, X] (fixed sigma, Gaussian prior on beta): precision Z^T Z / sigma^2 +
diag(1/s^2, 1/tau^2, ...), mean = cov (Z^T y / sigma^2 + (mu / s^2, 0, ...)). The exact posterior and
the MAP must equal it to rounding; Gibbs (both routes, and the p > n row-based draw) and NUTS within
4 MCSE (sd / sqrt(ESS)) of its means; NUTS and Gibbs within 4.5 combined MCSE of each other.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _stack import ess_array
from scipy import optimize, stats

import bayesreg as br
from bayesreg.intercept import NormalIntercept
from bayesreg.samplers import sample_gibbs
from bayesreg.solvers import _route

K_SE = 4.0


def _data(n=15, p=3, shift=2.0, seed=2):
    # columns centred far from zero (shift): the intercept is strongly tied to beta, as in real data
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p)) + shift
    y = 1.0 + X @ np.linspace(0.5, -0.3, p) + 0.8 * r.standard_normal(n)
    return X, y


def _reference(X, y, sigma, tau, mu, s):
    n, p = X.shape
    Z = np.column_stack([np.ones(n), X])
    P = Z.T @ Z / sigma**2 + np.diag([1.0 / s**2] + [1.0 / tau**2] * p)
    cov = np.linalg.inv(P)
    mean = cov @ (Z.T @ y / sigma**2 + np.r_[mu / s**2, np.zeros(p)])
    return mean, cov


def _check_mean(draws, m, sd, what):
    se = sd / np.sqrt(ess_array(draws))
    err = abs(float(np.mean(draws)) - m)
    assert err < K_SE * se, f"{what}: mean {np.mean(draws):.5g} vs reference {m:.5g} ({err / se:.1f} MCSE)"


SIGMA, TAU, MU, S = 0.8, 0.7, -1.0, 0.5


def test_exact_posterior_is_the_conjugate_normal_of_intercept_and_beta():
    X, y = _data()
    mean, cov = _reference(X, y, SIGMA, TAU, MU, S)
    post = br.exact_posterior(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S))
    np.testing.assert_allclose(post.joint_mean, mean, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(post.joint_cov, cov, rtol=1e-11, atol=1e-14)
    # predictive mean and sd of b0 + x^T beta (+ noise) at new rows: z^T mean, z^T cov z (+ sigma^2)
    Xn = np.random.default_rng(5).standard_normal((4, 3)) * 3
    Zn = np.column_stack([np.ones(4), Xn])
    m, sd = post.predict(Xn, return_std=True)
    np.testing.assert_allclose(m, Zn @ mean, rtol=1e-12)
    np.testing.assert_allclose(sd, np.sqrt(np.einsum("ij,jk,ik->i", Zn, cov, Zn) + SIGMA**2), rtol=1e-11)
    # exact draws: their moments within 4 standard errors of i.i.d. draws
    beta, b0 = post.sample_arrays(draws=20_000, chains=1, random_seed=3)
    draws = np.column_stack([b0.ravel(), beta.reshape(-1, 3)])
    se = np.sqrt(np.diag(cov) / draws.shape[0])
    assert np.all(np.abs(draws.mean(0) - mean) < K_SE * se)


def test_a_very_wide_intercept_prior_is_the_flat_one():
    X, y = _data()
    flat = br.exact_posterior(X, y, br.Gaussian(TAU), sigma=SIGMA)
    wide = br.exact_posterior(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=NormalIntercept(0.0, 1e8))
    # the prior's weight is rho = (sigma / s)^2 = 6.4e-17 against n = 15: below rounding
    np.testing.assert_allclose(wide.joint_mean, flat.joint_mean, rtol=1e-12)
    np.testing.assert_allclose(wide.joint_cov, flat.joint_cov, rtol=1e-10, atol=1e-15)


def test_map_with_a_gaussian_prior_is_the_posterior_mean():
    X, y = _data()
    mean, _ = _reference(X, y, SIGMA, TAU, MU, S)
    m = br.map_estimate(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S))
    np.testing.assert_allclose(np.r_[m.intercept, m.coef], mean, rtol=1e-10, atol=1e-12)


def test_map_with_a_laplace_prior_satisfies_its_optimality_conditions():
    # -log p = ||r||^2 / (2 sigma^2) + (b0 - mu)^2 / (2 s^2) + ||beta||_1 / b: at the mode
    # sum(r) / sigma^2 = (b0 - mu) / s^2, and X^T r / sigma^2 = sign(beta) / b on the support, |.| <= 1/b off it
    r = np.random.default_rng(4)
    X = r.standard_normal((40, 6)) + 1.5
    y = 0.5 + X @ [1.0, 0, 0, -0.7, 0, 0.2] + r.standard_normal(40)
    b, sigma = 0.05, 1.0
    m = br.map_estimate(X, y, br.Laplace(b), sigma=sigma, intercept_prior=(0.0, 0.3), tol=1e-15)
    res = y - m.intercept - X @ m.coef
    assert res.sum() / sigma**2 == pytest.approx(m.intercept / 0.3**2, rel=1e-9, abs=1e-9)
    g = X.T @ res / sigma**2 * b  # = sign(beta_j) on the support, within [-1, 1] off it
    on = m.coef != 0
    assert 0 < on.sum() < 6
    np.testing.assert_allclose(g[on], np.sign(m.coef[on]), atol=1e-7)
    assert np.all(np.abs(g[~on]) <= 1 + 1e-7)


def test_joint_map_with_a_sigma_prior_matches_an_independent_optimiser():
    X, y = _data(n=30)
    prior = br.HalfNormal(1.0)
    m = br.map_estimate(X, y, br.Gaussian(TAU), sigma=prior, intercept_prior=(MU, S))

    def f(z):
        b0, beta, s = z[0], z[1:4], z[4]
        res = y - b0 - X @ beta
        val = (30 * np.log(s) + 0.5 * res @ res / s**2 + 0.5 * beta @ beta / TAU**2 + 0.5 * (b0 - MU) ** 2 / S**2
               - stats.halfnorm.logpdf(s))  # fmt: skip
        g = np.r_[-res.sum() / s**2 + (b0 - MU) / S**2, -X.T @ res / s**2 + beta / TAU**2,
                  30 / s - res @ res / s**3 + s]  # fmt: skip
        return val, g

    bounds = [(None, None)] * 4 + [(1e-6, None)]
    ref = optimize.minimize(f, np.r_[y.mean(), np.zeros(3), 1.0], jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"ftol": 1e-15, "gtol": 1e-12})  # fmt: skip
    got = np.r_[m.intercept, m.coef, m.sigma]
    assert f(got)[0] <= f(ref.x)[0] + 1e-12 * abs(f(ref.x)[0])
    np.testing.assert_allclose(got, ref.x, rtol=2e-6, atol=2e-7)
    assert np.max(np.abs(f(got)[1])) < 1e-7 * (np.abs(X).sum() / m.sigma**2)


@pytest.mark.slow
@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_gibbs_matches_the_closed_form(route):
    X, y = _data()
    mean, cov = _reference(X, y, SIGMA, TAU, MU, S)
    with _route.force_route(route):
        idata = sample_gibbs(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S), draws=5000, tune=500,
                             chains=2, random_seed=1, progressbar=False)  # fmt: skip
    _check_mean(idata.posterior["intercept"].values, mean[0], np.sqrt(cov[0, 0]), "intercept")
    for j in range(3):
        _check_mean(idata.posterior["beta"].values[..., j], mean[j + 1], np.sqrt(cov[j + 1, j + 1]), f"beta[{j}]")


@pytest.mark.slow
def test_gibbs_row_based_draw_with_p_above_n_matches_the_closed_form():
    X, y = _data(n=8, p=12, seed=3)
    mean, cov = _reference(X, y, SIGMA, TAU, MU, S)
    idata = sample_gibbs(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S), draws=4000, tune=500,
                         chains=2, random_seed=2, progressbar=False, check=False)  # fmt: skip
    assert idata.sample_stats.attrs["beta_draw"] == "bhattacharya-chakraborty-mallick"
    _check_mean(idata.posterior["intercept"].values, mean[0], np.sqrt(cov[0, 0]), "intercept")
    for j in range(12):
        _check_mean(idata.posterior["beta"].values[..., j], mean[j + 1], np.sqrt(cov[j + 1, j + 1]), f"beta[{j}]")


@pytest.mark.slow
def test_nuts_and_the_exact_sampler_match_the_closed_form_and_gibbs_with_free_sigma():
    X, y = _data()
    mean, cov = _reference(X, y, SIGMA, TAU, MU, S)
    exact = br.sample_posterior(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S), sampler="exact",
                                draws=4000, chains=2, random_seed=1, progressbar=False)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        nuts = br.sample_posterior(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S), sampler="nuts",
                                   draws=1500, tune=1000, chains=2, random_seed=4, progressbar=False)  # fmt: skip
    for idata, what in ((exact, "exact"), (nuts, "NUTS")):
        _check_mean(idata.posterior["intercept"].values, mean[0], np.sqrt(cov[0, 0]), f"{what} intercept")
        _check_mean(idata.posterior["beta"].values[..., 0], mean[1], np.sqrt(cov[1, 1]), f"{what} beta[0]")
    # sigma free (half-Cauchy): no closed form; NUTS against Gibbs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        a = br.sample_posterior(X, y, br.Gaussian(TAU), sigma=br.HalfCauchy(1.0), intercept_prior=(MU, S),
                                sampler="nuts", draws=1500, tune=1000, chains=2, random_seed=5,
                                progressbar=False)  # fmt: skip
    b = br.sample_posterior(X, y, br.Gaussian(TAU), sigma=br.HalfCauchy(1.0), intercept_prior=(MU, S),
                            sampler="gibbs", draws=5000, tune=1000, chains=2, random_seed=6,
                            progressbar=False)  # fmt: skip
    for name in ("intercept", "sigma"):
        u, v = a.posterior[name].values, b.posterior[name].values
        se = np.hypot(u.std() / np.sqrt(ess_array(u)), v.std() / np.sqrt(ess_array(v)))
        assert abs(u.mean() - v.mean()) < 4.5 * se, f"{name}: NUTS {u.mean():.4g}, Gibbs {v.mean():.4g}"


@pytest.mark.parametrize(
    "kwargs, err, match",
    [(dict(intercept_prior=(0.0, 1.0), fit_intercept=False), ValueError, "fit_intercept=False"),
     (dict(intercept_prior=(0.0, 0.0)), ValueError, "intercept_prior scale"),
     (dict(intercept_prior=(np.inf, 1.0)), ValueError, "intercept_prior mu"),
     (dict(intercept_prior="normal"), TypeError, "intercept_prior must be")],
)  # fmt: skip
def test_bad_intercept_priors_are_refused_naming_the_argument(kwargs, err, match):
    X, y = _data()
    for call in (lambda: br.map_estimate(X, y, br.Gaussian(1.0), sigma=1.0, **kwargs),
                 lambda: br.build_model(X, y, br.Gaussian(1.0), sigma=1.0, **kwargs),
                 lambda: br.sample_posterior(X, y, br.Gaussian(1.0), sigma=1.0, draws=5, **kwargs),
                 lambda: sample_gibbs(X, y, br.Gaussian(1.0), sigma=1.0, draws=5, **kwargs)):  # fmt: skip
        with pytest.raises(err, match=match):
            call()


def test_map_with_an_intercept_prior_needs_the_rows():
    X, y = _data()
    with pytest.raises(ValueError, match="needs the rows"):
        br.map_estimate(br.SufficientStats.from_arrays(X, y), None, br.Gaussian(1.0), sigma=1.0,
                        intercept_prior=(0.0, 1.0))  # fmt: skip
