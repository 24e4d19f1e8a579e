"""The evidence, the exact posterior and ridge in the form that is stable for the problem's shape.

Issue 14, item 6: on p > n data with a tiny ``lambda = sigma^2 / tau^2`` the p x p normal matrix is
numerically singular although every quantity is finite and well defined. The reference is the
primal formula evaluated in 50-digit decimal arithmetic (``tests/_decimal_ref.py``), which is
independent of the package's float64 singular-value form.

Tolerances: in the singular basis every quantity is a sum of positive terms, each with a relative
error of a few eps times the condition of X_c's retained singular values (below 100 for these
random designs), so rtol = 1e-11 (about 5e4 eps) bounds the error with room for n-term sums.
"""

import numpy as np
import pytest
from _decimal_ref import reference

from bayesreg import Gaussian, SufficientStats, choose_prior_scale
from bayesreg.conjugate import exact_posterior, log_marginal_likelihood
from bayesreg.solvers import ridge
from bayesreg.solvers.ridge import spectrum, stable_cholesky

RTOL = 1e-11


def make(n, p, seed=0, shift=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + shift
    y = 2.0 + X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(n)
    return X, y


def test_issue_case_evidence_30x60_tau100_sigma1e6():
    X, y = make(30, 60)
    # the p x p normal matrix is singular to working precision here: that is the issue
    Xc = X - X.mean(axis=0)
    assert stable_cholesky(Xc.T @ Xc, (1e-6 / 100.0) ** 2) is None
    ref = reference(X, y, 100.0, 1e-6, cov=False)["log_ml"]
    got = log_marginal_likelihood(X, y, tau=100.0, sigma=1e-6)
    assert np.isfinite(got)
    assert got == pytest.approx(ref, rel=RTOL, abs=0.0)


@pytest.mark.parametrize("shape", [(30, 60), (12, 30), (40, 6)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("tau,sigma", [(100.0, 1e-6), (1.0, 1.0), (1e-3, 10.0), (1e4, 1e-3), (1e-8, 1e-8)])
def test_evidence_matches_50_digit_reference(shape, fit_intercept, tau, sigma):
    X, y = make(*shape, seed=shape[0])
    ref = reference(X, y, tau, sigma, fit_intercept=fit_intercept, cov=False)["log_ml"]
    got = log_marginal_likelihood(X, y, tau=tau, sigma=sigma, fit_intercept=fit_intercept)
    assert got == pytest.approx(ref, rel=RTOL, abs=0.0)


def test_evidence_from_sufficient_statistics_in_the_issue_case():
    X, y = make(30, 60)
    ref = reference(X, y, 100.0, 1e-6, cov=False)["log_ml"]
    # from the statistics only the Gram's eigendecomposition is available: its 29 positive
    # eigenvalues are far above the rounding level (condition ~ 1e2), the 31 zeros are cut
    got = log_marginal_likelihood(SufficientStats.from_arrays(X, y), tau=100.0, sigma=1e-6)
    assert got == pytest.approx(ref, rel=RTOL, abs=0.0)


def test_issue_case_posterior_matches_50_digit_reference():
    X, y = make(30, 60)
    tau, sigma = 100.0, 1e-6
    ref = reference(X, y, tau, sigma)
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)
    assert post.form == "spectral"
    np.testing.assert_allclose(post.mean, ref["mean"], rtol=RTOL, atol=RTOL * np.abs(ref["mean"]).max())
    np.testing.assert_allclose(post.sd, ref["sd"], rtol=RTOL)
    # the directions the data see have variance ~ sigma^2 = 1e-12, invisible beside the prior's
    # tau^2 = 1e4 in the entries of cov: check them through the predictive variance at the rows
    _, sd = post.predict(X, return_std=True, include_noise=False)
    np.testing.assert_allclose(sd**2 - sigma**2 / X.shape[0], ref["train_var"], rtol=1e-9)
    np.testing.assert_allclose(post.cov, ref["cov"], rtol=0, atol=RTOL * tau**2)
    assert post.intercept_sd == pytest.approx(ref["intercept_sd"], rel=RTOL, abs=0.0)
    assert post.intercept_mean == pytest.approx(ref["intercept_mean"], rel=RTOL, abs=0.0)


def test_well_conditioned_posterior_keeps_the_cholesky_form():
    X, y = make(40, 6)
    ref = reference(X, y, 0.7, 1.3)
    post = exact_posterior(X, y, Gaussian(0.7), sigma=1.3)
    assert post.form == "cholesky"
    np.testing.assert_allclose(post.mean, ref["mean"], rtol=RTOL)
    np.testing.assert_allclose(post.cov, ref["cov"], rtol=RTOL, atol=RTOL * np.abs(ref["cov"]).max())


def test_nearly_collinear_tall_design_takes_the_spectral_form():
    rng = np.random.default_rng(3)
    n, p = 50, 5
    X = rng.standard_normal((n, p))
    X[:, 4] = X[:, 3] + 1e-7 * rng.standard_normal(n)  # cond(X_c) ~ 1e7, cond(G) ~ 1e14
    y = X @ np.array([1.0, 0.5, -1.0, 2.0, 0.0]) + 0.1 * rng.standard_normal(n)
    tau, sigma = 1e3, 1e-3  # lambda = 1e-12, far below G's rounding level
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)
    assert post.form == "spectral"
    ref = reference(X, y, tau, sigma)
    # the mean along the near-null direction is itself conditioned by cond(X_c) ~ 1e7 (the data
    # determine it only that well), so the bound is eps * cond(X_c) * 1e2 ~ 2e-7
    np.testing.assert_allclose(post.mean, ref["mean"], rtol=2e-7)
    np.testing.assert_allclose(post.sd, ref["sd"], rtol=2e-7)
    got = log_marginal_likelihood(X, y, tau=tau, sigma=sigma)
    assert got == pytest.approx(reference(X, y, tau, sigma, cov=False)["log_ml"], rel=1e-9, abs=0.0)


def test_spectral_draws_have_the_posterior_covariance():
    X, y = make(12, 30, seed=5)
    post = exact_posterior(X, y, Gaussian(3.0), sigma=1e-5)
    assert post.form == "spectral"
    beta, _ = post.sample_arrays(draws=20000, chains=1, random_seed=1)
    B = beta.reshape(-1, 30)
    N = B.shape[0]
    C = post.cov
    emp = np.cov(B, rowvar=False)
    # sample covariance entry (i, j) has sd sqrt((C_ij^2 + C_ii C_jj) / N) (Wishart); 5 sd, all entries
    se = np.sqrt((C**2 + np.outer(np.diag(C), np.diag(C))) / N)
    assert np.all(np.abs(emp - C) <= 5 * se)
    se_mean = np.sqrt(np.diag(C) / N)
    assert np.all(np.abs(B.mean(axis=0) - post.mean) <= 5 * se_mean)


def test_ridge_tiny_alpha_on_wide_data_is_the_minimum_norm_solution():
    X, y = make(30, 60)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ref, *_ = np.linalg.lstsq(Xc, yc, rcond=None)  # LAPACK gelsd: minimum norm
    res = ridge(X, y, 1e-20)
    # ridge(alpha) differs from the minimum-norm solution by ~ n alpha / e_min ~ 1e-18 (relative)
    np.testing.assert_allclose(res.coef, ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())
    shift = 30 * 1e-12
    got = ridge(X, y, 1e-12).coef
    np.testing.assert_allclose(got, reference(X, y, 0, 0, ridge_shift=shift)["mean"], rtol=1e-10,
                               atol=1e-12 * np.abs(ref).max())  # fmt: skip


def test_spectrum_from_rows_and_from_the_gram_agree():
    X, y = make(30, 8, seed=2)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    a = spectrum(Xc, yc, n_eff=29)
    b = spectrum(G=Xc.T @ Xc, q=Xc.T @ yc, yy=float(yc @ yc), n_eff=29)
    assert (a.source, b.source) == ("svd", "eigh")
    np.testing.assert_allclose(a.e, b.e, rtol=1e-12)
    np.testing.assert_allclose(np.abs(a.c), np.abs(b.c), rtol=1e-10)  # signs of singular vectors are free
    assert a.rest == pytest.approx(b.rest, rel=1e-9, abs=0.0)
    assert a.rest == pytest.approx(float(yc @ yc) - float(np.sum(a.c**2)), rel=1e-9, abs=0.0)
    N = a.null_basis()
    assert N.shape == (8, 0)
    wide = spectrum(*(lambda X, y: (X - X.mean(0), y - y.mean()))(*make(10, 25)), n_eff=9)
    N = wide.null_basis()
    assert N.shape == (25, 25 - wide.rank)
    np.testing.assert_allclose(np.hstack([wide.V, N]).T @ np.hstack([wide.V, N]), np.eye(25), atol=1e-13)


def test_type_ii_ml_near_sigma_zero_on_wide_data():
    X, y = make(30, 60)
    res = choose_prior_scale(X, y, "gaussian", sigma=1e-6)
    tau = res.scale
    here = log_marginal_likelihood(X, y, tau=tau, sigma=1e-6)
    assert res.log_marginal_likelihood == pytest.approx(here, rel=1e-12, abs=0.0)
    # a maximum: both neighbours (0.1% away in tau) are lower, as the 50-digit reference agrees
    for f in (0.999, 1.001):
        assert log_marginal_likelihood(X, y, tau=tau * f, sigma=1e-6) < here
    assert here == pytest.approx(reference(X, y, tau, 1e-6, cov=False)["log_ml"], rel=RTOL, abs=0.0)
