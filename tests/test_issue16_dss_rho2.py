"""DSS's variance explained against Hahn and Carvalho's (2015) rho^2_lambda, computed independently.

The paper's quantity for a posterior draw (beta_d, sigma_d) and a sparse summary gamma is

    rho^2 = n^-1 ||X beta_d||^2 / (n^-1 ||X beta_d||^2 + sigma_d^2 + n^-1 ||X beta_d - X gamma||^2)

as the reference implementation computes it (Kowal's R package fosr, computeRho: XB2 / (XB2 +
post_trace_sigma_2 + ||XB - X beta_lambda||^2), post_trace_sigma_2 = n sigma^2 for this model).
Here it is written from the raw draws with NumPy (the design centred by hand, norms by
np.linalg.norm), never through bayesreg's own arithmetic, and compared with what sparse_summary
reports at every model size and for the full model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import bayesreg as br
from bayesreg.selection import sparse_summary


def _paper_rho2(X, B, sigma, gamma):
    """Hahn and Carvalho's rho^2_lambda for every draw (rows of ``B``, entries of ``sigma``)."""
    n = X.shape[0]
    Xc = X - X.mean(axis=0)
    fit = B @ Xc.T  # (draws, n): X beta_d on the centred design (the intercept is not summarised)
    signal = np.linalg.norm(fit, axis=1) ** 2 / n
    gap = np.linalg.norm(fit - Xc @ gamma, axis=1) ** 2 / n
    return signal / (signal + sigma**2 + gap)


@pytest.fixture(scope="module")
def laplace_posterior():
    r = np.random.default_rng(21)
    n, p = 120, 7
    X = r.standard_normal((n, p)) + 0.3 * r.standard_normal((n, 1))  # correlated columns
    beta = np.array([1.5, 0.0, -1.0, 0.0, 0.4, 0.0, 0.0])
    y = 2.0 + X @ beta + 1.2 * r.standard_normal(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sampling diagnostics are not what these tests check
        idata = br.sample_posterior(X, y, br.ParkCasella(2.0), sigma=None, sampler="gibbs", draws=400, chains=2,
                                    random_seed=3, progressbar=False)  # fmt: skip
    post = idata.posterior
    B = post["beta"].transpose("chain", "draw", ...).values.reshape(-1, p)
    sigma = post["sigma"].values.reshape(-1)
    return X, idata, B, sigma


def test_every_size_and_the_full_model_against_the_paper(laplace_posterior):
    X, idata, B, sigma = laplace_posterior
    s = sparse_summary(idata, X, interval="equal-tailed", level=0.8)
    lams = s.path["lambda"].to_numpy()
    for _, row in s.table.iterrows():
        gamma = s.path_coefs[np.flatnonzero(lams == row["lambda"])[-1]]
        ref = _paper_rho2(X, B, sigma, gamma)
        np.testing.assert_allclose(row["rho2_mean"], ref.mean(), rtol=1e-11)
        np.testing.assert_allclose([row["rho2_low"], row["rho2_high"]], np.quantile(ref, [0.1, 0.9]), rtol=1e-11)
    full = _paper_rho2(X, B, sigma, B.mean(axis=0))  # lambda = 0: the posterior mean
    np.testing.assert_allclose(s.full["rho2_mean"], full.mean(), rtol=1e-11)
    np.testing.assert_allclose([s.full["rho2_low"], s.full["rho2_high"]], np.quantile(full, [0.1, 0.9]), rtol=1e-11)


def test_the_empty_summary_is_not_at_zero_but_at_the_papers_value(laplace_posterior):
    # gamma = 0: ||X beta||^2 / (2 ||X beta||^2 + n sigma^2) draw by draw, between half the model's own
    # variance explained and all of it (the summary's numerator is the model's fit, not the summary's)
    X, idata, B, sigma = laplace_posterior
    s = sparse_summary(idata, X)
    assert s.table["size"].iloc[0] == 0
    Xc = X - X.mean(axis=0)
    S = np.sum((B @ Xc.T) ** 2, axis=1)
    N = X.shape[0] * sigma**2
    np.testing.assert_allclose(s.table["rho2_mean"].iloc[0], np.mean(S / (2 * S + N)), rtol=1e-11)
    model = np.mean(S / (S + N))
    assert 0.5 * model < s.table["rho2_mean"].iloc[0] < model


def test_identical_draws_give_the_models_r2_at_the_full_model():
    # every draw the same (beta, sigma): the full summary is that beta, its discrepancy 0, so rho^2_0 is
    # exactly ||X beta||^2 / (||X beta||^2 + n sigma^2); a summary gamma gives the paper's ratio in closed form
    from _stack import posterior_data

    r = np.random.default_rng(5)
    n, p = 50, 4
    X = r.standard_normal((n, p))
    beta, sd = np.array([1.0, -0.5, 0.25, 0.0]), 0.7
    post = {"beta": np.broadcast_to(beta, (2, 30, p)).copy(), "sigma": np.full((2, 30), sd),
            "intercept": np.zeros((2, 30))}  # fmt: skip
    idata = posterior_data(post, coords={"feature": [f"x{j}" for j in range(p)]}, dims={"beta": ["feature"]})
    s = sparse_summary(idata, X, interval="equal-tailed")
    Xc = X - X.mean(axis=0)
    S = float(np.sum((Xc @ beta) ** 2))
    assert s.full["rho2_mean"] == pytest.approx(S / (S + n * sd**2), rel=1e-13)
    lams = s.path["lambda"].to_numpy()
    for _, row in s.table.iterrows():
        gamma = s.path_coefs[np.flatnonzero(lams == row["lambda"])[-1]]
        D = float(np.sum((Xc @ (beta - gamma)) ** 2))
        assert row["rho2_mean"] == pytest.approx(S / (S + n * sd**2 + D), rel=1e-12)
