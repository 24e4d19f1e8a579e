"""Exact conjugate posterior and marginal likelihood of the Gaussian-prior model.

References are independent computations: scikit-learn's Ridge, a dense inverse of the joint
precision of (intercept, beta), scipy's multivariate normal density and a brute-force 2-D
numerical integral.
"""

import numpy as np
import pandas as pd
import pytest
from _stack import ess_array, group_names, mcse_of_mean
from scipy import integrate, stats
from sklearn.linear_model import Ridge

from bayesreg import mapping
from bayesreg.conjugate import ExactPosterior, exact_posterior, log_marginal_likelihood
from bayesreg.priors import Gaussian, InverseGammaPrior, Laplace
from bayesreg.solvers import ridge
from bayesreg.suffstats import SufficientStats


def make_data(n=40, p=6, seed=0, shift=2.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + shift  # non-centred columns exercise the intercept algebra
    beta = rng.normal(size=p)
    y = 1.5 + X @ beta + rng.normal(scale=0.8, size=n)
    return X, y


def joint_reference(X, y, tau, sigma):
    """Posterior of (b0, beta) from the dense joint precision (flat prior on b0), by inversion."""
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    prec = A.T @ A / sigma**2
    prec[1:, 1:] += np.eye(p) / tau**2
    cov = np.linalg.inv(prec)
    mean = cov @ (A.T @ y) / sigma**2
    return mean, cov


@pytest.mark.parametrize("shape", [(40, 6), (12, 30)])  # n > p and p > n
def test_mean_is_sklearn_ridge_under_the_mapping(shape):
    X, y = make_data(*shape)
    tau, sigma = 0.6, 1.3
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)
    sk = mapping.to_sklearn(Gaussian(tau), sigma=sigma, n_samples=X.shape[0], tol=1e-12).fit(X, y)
    assert sk.alpha == pytest.approx(sigma**2 / tau**2)
    np.testing.assert_allclose(post.mean, sk.coef_, rtol=1e-8, atol=1e-10)
    assert post.intercept_mean == pytest.approx(sk.intercept_, rel=1e-8, abs=1e-10)
    # and bayesreg's own ridge in the package convention
    pen = mapping.prior_to_penalty(Gaussian(tau), sigma=sigma, n_samples=X.shape[0])
    np.testing.assert_allclose(post.mean, ridge(X, y, pen.alpha).coef, rtol=1e-8, atol=1e-10)
    assert post.alpha == pytest.approx(sk.alpha)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_moments_match_dense_joint_inverse(fit_intercept):
    X, y = make_data()
    tau, sigma = 0.9, 0.7
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma, fit_intercept=fit_intercept)
    if fit_intercept:
        mean, cov = joint_reference(X, y, tau, sigma)
        np.testing.assert_allclose(post.joint_mean, mean, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(post.joint_cov, cov, rtol=1e-8, atol=1e-12)
        assert post.intercept_sd == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-9)
        np.testing.assert_allclose(post.intercept_cov, cov[0, 1:], rtol=1e-8, atol=1e-13)
    else:
        prec = X.T @ X / sigma**2 + np.eye(X.shape[1]) / tau**2
        cov = np.linalg.inv(prec)
        np.testing.assert_allclose(post.mean, cov @ X.T @ y / sigma**2, rtol=1e-9)
        np.testing.assert_allclose(post.cov, cov, rtol=1e-8, atol=1e-13)
        assert post.intercept_mean == 0.0 and post.intercept_sd == 0.0
    np.testing.assert_allclose(post.sd, np.sqrt(np.diag(post.cov)), rtol=1e-12)


def test_sufficient_statistics_give_the_same_posterior():
    X, y = make_data(n=50)
    full = exact_posterior(X, y, Gaussian(0.5), sigma=1.0)
    stats_ = SufficientStats.from_chunks([(X[:20], y[:20]), (X[20:], y[20:])])
    part = exact_posterior(stats_, prior=Gaussian(0.5), sigma=1.0)
    np.testing.assert_allclose(part.mean, full.mean, rtol=1e-10)
    np.testing.assert_allclose(part.cov, full.cov, rtol=1e-10)
    assert part.intercept_mean == pytest.approx(full.intercept_mean, rel=1e-10)
    assert log_marginal_likelihood(stats_, tau=0.5, sigma=1.0) == pytest.approx(
        log_marginal_likelihood(X, y, 0.5, sigma=1.0), rel=1e-12
    )
    idata = part.sample(draws=10, chains=1, random_seed=0)
    assert "observed_data" not in group_names(idata) and "log_likelihood" not in group_names(idata)


@pytest.mark.parametrize("shape", [(25, 4), (10, 15)])
def test_log_marginal_likelihood_against_scipy_mvn(shape):
    X, y = make_data(*shape, seed=3)
    n = X.shape[0]
    tau, sigma = 0.8, 1.1
    Xc, yc = X - X.mean(0), y - y.mean()
    cov = sigma**2 * np.eye(n) + tau**2 * Xc @ Xc.T
    # the flat intercept integrates to N(y_c; 0, cov) * sqrt(2 pi sigma^2 / n)
    ref = stats.multivariate_normal(np.zeros(n), cov).logpdf(yc) + 0.5 * np.log(2 * np.pi * sigma**2 / n)
    assert log_marginal_likelihood(X, y, tau, sigma=sigma) == pytest.approx(ref, rel=1e-10)
    ref0 = stats.multivariate_normal(np.zeros(n), sigma**2 * np.eye(n) + tau**2 * X @ X.T).logpdf(y)
    assert log_marginal_likelihood(X, y, Gaussian(tau), sigma=sigma, fit_intercept=False) == pytest.approx(
        ref0, rel=1e-10
    )


def test_log_marginal_likelihood_brute_force_integral_p1():
    # p = 1: integrate likelihood x N(beta; 0, tau^2) x 1 over (b0, beta) numerically
    rng = np.random.default_rng(7)
    n = 8
    x = rng.normal(size=n) + 1.0
    y = 0.5 + 0.8 * x + rng.normal(scale=0.5, size=n)
    tau, sigma = 0.7, 0.6
    X = x[:, None]
    value = log_marginal_likelihood(X, y, tau, sigma=sigma)

    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)  # only used to place the grid
    m0, s0, m1, s1 = post.intercept_mean, post.intercept_sd, post.mean[0], post.sd[0]
    # trapezoid rule on a +-12 sd grid: for a smooth, rapidly decaying integrand it converges
    # geometrically, so 601 x 601 nodes are accurate far beyond the tolerance
    b0 = np.linspace(m0 - 12 * s0, m0 + 12 * s0, 601)
    b = np.linspace(m1 - 12 * s1, m1 + 12 * s1, 601)
    B0, B = np.meshgrid(b0, b, indexing="ij")
    R = y[None, None, :] - B0[..., None] - B[..., None] * x[None, None, :]
    logf = (
        -0.5 * n * np.log(2 * np.pi * sigma**2)
        - 0.5 * np.einsum("ijk,ijk->ij", R, R) / sigma**2
        + stats.norm.logpdf(B, 0.0, tau)
    )
    c = logf.max()  # factor the peak out
    integral = integrate.trapezoid(integrate.trapezoid(np.exp(logf - c), b, axis=1), b0)
    assert value == pytest.approx(c + np.log(integral), abs=1e-7)


def test_draws_match_moments_within_monte_carlo_error():
    X, y = make_data()
    post = exact_posterior(X, y, Gaussian(0.7), sigma=1.0)
    draws = 4000
    idata = post.sample(draws=draws, chains=2, random_seed=42)
    beta = idata.posterior["beta"].values.reshape(-1, X.shape[1])
    b0 = idata.posterior["intercept"].values.ravel()
    m = beta.shape[0]
    # i.i.d. draws: the sample mean has sd = sd / sqrt(m); 4.5 standard errors for 7 quantities
    z = (beta.mean(0) - post.mean) / (post.sd / np.sqrt(m))
    assert np.all(np.abs(z) < 4.5)
    assert abs(b0.mean() - post.intercept_mean) < 4.5 * post.intercept_sd / np.sqrt(m)
    # sample sd: standard error ~ sd / sqrt(2 m)
    zs = (beta.std(0, ddof=1) - post.sd) / (post.sd / np.sqrt(2 * m))
    assert np.all(np.abs(zs) < 4.5)
    # correlation between intercept and a coefficient (strong, since the columns are shifted)
    r_ref = post.intercept_cov[0] / (post.intercept_sd * post.sd[0])
    r = np.corrcoef(b0, beta[:, 0])[0, 1]
    assert abs(r - r_ref) < 4.5 * (1 - r_ref**2) / np.sqrt(m)


def test_inference_data_layout_and_names():
    X, y = make_data(n=20, p=3)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    post = exact_posterior(df, y, Gaussian(1.0), sigma=0.9)
    idata = post.sample(draws=50, chains=3, random_seed=1, posterior_predictive=True)
    assert group_names(idata) >= {"posterior", "observed_data", "constant_data", "log_likelihood",
                                   "posterior_predictive"}
    assert idata.posterior["beta"].dims == ("chain", "draw", "feature")
    assert list(idata.posterior["feature"].values) == ["age", "bmi", "bp"]
    assert idata.posterior["intercept"].dims == ("chain", "draw")
    assert np.all(idata.posterior["sigma"].values == 0.9)
    assert idata.log_likelihood["y"].dims == ("chain", "draw", "obs")
    assert idata.constant_data["X"].dims == ("obs", "feature")
    np.testing.assert_array_equal(idata.observed_data["y"].values, y)
    # pointwise log-likelihood of one draw against scipy
    b = idata.posterior["beta"].values[1, 7]
    b0 = idata.posterior["intercept"].values[1, 7]
    np.testing.assert_allclose(
        idata.log_likelihood["y"].values[1, 7], stats.norm.logpdf(y, b0 + X @ b, 0.9), rtol=1e-12
    )
    # seeded draws are reproducible
    again = post.sample(draws=50, chains=3, random_seed=1, posterior_predictive=True)
    np.testing.assert_array_equal(again.posterior["beta"].values, idata.posterior["beta"].values)


def test_hdi_and_summary_are_gaussian_intervals():
    X, y = make_data()
    post = exact_posterior(X, y, Gaussian(0.7), sigma=1.0, feature_names=[f"f{j}" for j in range(6)])
    h = post.hdi(0.9)
    lo, hi = stats.norm.interval(0.9, loc=post.mean, scale=post.sd)
    np.testing.assert_allclose(h.loc[[f"f{j}" for j in range(6)], "hdi_low"], lo, rtol=1e-12)
    np.testing.assert_allclose(h.loc[[f"f{j}" for j in range(6)], "hdi_high"], hi, rtol=1e-12)
    lo0, hi0 = stats.norm.interval(0.9, loc=post.intercept_mean, scale=post.intercept_sd)
    assert h.loc["intercept", "hdi_low"] == pytest.approx(lo0) and h.loc["intercept", "hdi_high"] == pytest.approx(hi0)
    s = post.summary()
    assert list(s.columns) == ["mean", "sd", "median", "hdi_low", "hdi_high"]
    with pytest.raises(ValueError, match="hdi_prob"):
        post.hdi(1.0)


def test_predict_std_from_the_joint_covariance():
    X, y = make_data()
    sigma = 0.8
    post = exact_posterior(X, y, Gaussian(0.7), sigma=sigma)
    Xn = np.random.default_rng(5).normal(size=(7, X.shape[1]))
    mean, std = post.predict(Xn, return_std=True)
    A = np.column_stack([np.ones(7), Xn])
    ref_mean, ref_cov = joint_reference(X, y, 0.7, sigma)
    np.testing.assert_allclose(mean, A @ ref_mean, rtol=1e-9)
    np.testing.assert_allclose(std, np.sqrt(np.einsum("ij,jk,ik->i", A, ref_cov, A) + sigma**2), rtol=1e-8)
    _, f_std = post.predict(Xn, return_std=True, include_noise=False)
    np.testing.assert_allclose(f_std**2, std**2 - sigma**2, rtol=1e-8)
    np.testing.assert_allclose(post.predict(Xn), mean)
    with pytest.raises(ValueError, match="columns"):
        post.predict(Xn[:, :2])


def test_input_is_not_modified_and_result_is_read_only():
    X, y = make_data()
    X0, y0 = X.copy(), y.copy()
    post = exact_posterior(X, y, Gaussian(0.7), sigma=1.0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert isinstance(post, ExactPosterior)
    with pytest.raises(ValueError):
        post.mean[0] = 1.0


def test_validation_errors():
    X, y = make_data(n=10, p=3)
    with pytest.raises(TypeError, match="Gaussian"):
        exact_posterior(X, y, Laplace(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="tau2_prior"):
        exact_posterior(X, y, Gaussian(1.0, tau2_prior=InverseGammaPrior()), sigma=1.0)
    with pytest.raises(ValueError, match="sigma"):
        exact_posterior(X, y, Gaussian(1.0), sigma=0.0)
    with pytest.raises(TypeError, match="sigma"):
        exact_posterior(X, y, Gaussian(1.0), sigma="1")
    with pytest.raises(ValueError, match="feature_names"):
        exact_posterior(X, y, Gaussian(1.0), sigma=1.0, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="unique"):
        exact_posterior(X, y, Gaussian(1.0), sigma=1.0, feature_names=["a", "b", "a"])
    with pytest.raises(ValueError, match="y"):
        exact_posterior(X, y[:-1], Gaussian(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="omitted"):
        exact_posterior(SufficientStats.from_arrays(X, y), y, Gaussian(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="tau"):
        log_marginal_likelihood(X, y, -1.0, sigma=1.0)
    with pytest.raises(ValueError, match="NaN"):
        log_marginal_likelihood(np.where(X > 0, np.nan, X), y, 1.0, sigma=1.0)


def test_ridge_sklearn_reference_is_really_ridge():
    # guard for the reference itself: sklearn Ridge solves (X^T X + alpha I) b = X^T y when centred
    X, y = make_data()
    Xc, yc = X - X.mean(0), y - y.mean()
    b = np.linalg.solve(Xc.T @ Xc + 2.0 * np.eye(X.shape[1]), Xc.T @ yc)
    np.testing.assert_allclose(Ridge(alpha=2.0).fit(X, y).coef_, b, rtol=1e-8)


@pytest.mark.slow
def test_nuts_agrees_with_the_exact_posterior():
    # issue 3, item 5: NUTS (PyMC) against the closed form; means and sds within 4 Monte Carlo
    # standard errors (ArviZ's mcse of the mean and of the sd, from the NUTS draws' ESS)
    from bayesreg.inference import sample_posterior

    X, y = make_data(n=40, p=4, seed=11)
    tau, sigma = 0.8, 0.9
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)
    idata = sample_posterior(X, y, Gaussian(tau), sigma=sigma, sampler="nuts", draws=1000, tune=1000, chains=2,
                             random_seed=2024, progressbar=False, log_likelihood=False)  # fmt: skip
    for name, mean_ref, sd_ref in (("beta", post.mean, post.sd), ("intercept", post.intercept_mean, post.intercept_sd)):
        da = idata.posterior[name]
        vals = da.values.reshape(da.shape[0], da.shape[1], -1)  # (chain, draw, k)
        mean_ref, sd_ref = np.atleast_1d(mean_ref), np.atleast_1d(sd_ref)
        for j in range(vals.shape[-1]):
            x = vals[..., j]
            m, s = x.mean(), x.std(ddof=1)
            mcse_mean = mcse_of_mean(x)
            # mcse of the sd by the delta method on the squared deviations (ArviZ's formula; its
            # numba path fails on arrays in arviz 0.23)
            c2 = (x - m) ** 2
            mcse_sd = np.sqrt(c2.var() / ess_array(c2, method="mean")) / (2 * s)
            assert abs(m - mean_ref[j]) < 4 * mcse_mean, (name, j)
            assert abs(s - sd_ref[j]) < 4 * mcse_sd, (name, j)
