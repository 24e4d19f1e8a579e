"""Issue 21 (Seen 10): the Gibbs sampler draws (intercept, beta) as one block under a normal intercept prior.

On an uncentred design (posteriordb's kilpisjarvi: x = calendar year, ~2000) the intercept and the
slope are almost collinear a posteriori (correlation ~ -0.9999). Drawn in two blocks, as on main, the
chains crawl: R-hat 2.58 and bulk ESS 5 out of 4000 draws on the data below (both routes). Drawn as one
Gaussian block (beta with the intercept integrated out, then the intercept given beta) the draws with
sigma fixed are independent: the bound asserted is bulk ESS >= 0.5 x the draws (NUTS on this posterior,
a well-scaled 2-d Gaussian, gets about 1 x; independent draws give 1 x, and 0.5 x leaves room for the
estimator's scatter, whose sd at 4000 draws is ~ 5%), with sigma free >= 0.25 x.

The reference with sigma fixed is the closed-form conjugate posterior of (b0, beta), computed here
independently by a QR factorisation of the whitened, prior-augmented design ([1, x] / sigma stacked on
the prior's square-root precision): its condition number is ~1e5, so the reference is good to ~1e-11
relative, far below the Monte Carlo error it is compared with (4 MCSE, MCSE = sd / sqrt(ESS): a false
alarm has probability ~6e-5 per mean, and a sampler off by 1 posterior sd fails with certainty).
"""

from __future__ import annotations

import numpy as np
import pytest
from _stack import ess_array, rhat_array

import bayesreg as br
from bayesreg.samplers import sample_gibbs
from bayesreg.solvers import _route

K_SE = 4.0
MU, S, TAU, SIGMA = 0.0, 100.0, 1.0, 0.5


def _kilpisjarvi_like(seed=0):
    x = np.arange(1952, 2014, dtype=np.float64)
    rng = np.random.default_rng(seed)
    y = -30.0 + 0.02 * x + SIGMA * rng.standard_normal(x.size)
    return x[:, None], y


def _reference(X, y, sigma):
    # the posterior of theta = (b0, beta): precision Z^T Z / sigma^2 + diag(1/s^2, 1/tau^2), linear term
    # Z^T y / sigma^2 + (mu/s^2, 0); as least squares of A theta ~ r with A = [Z / sigma; diag(1/s, 1/tau)],
    # r = [y / sigma; mu / s, 0]: mean = R^-1 Q^T r, cov = R^-1 R^-T (never forming Z^T Z)
    n = X.shape[0]
    Z = np.column_stack([np.ones(n), X])
    A = np.vstack([Z / sigma, np.diag([1.0 / S, 1.0 / TAU])])
    r = np.r_[y / sigma, MU / S, 0.0]
    Q, R = np.linalg.qr(A)
    mean = np.linalg.solve(R, Q.T @ r)
    Rinv = np.linalg.solve(R, np.eye(2))
    return mean, Rinv @ Rinv.T


def _check(draws, m, sd, what):
    ess = ess_array(draws)
    err = abs(float(np.mean(draws)) - m)
    se = sd / np.sqrt(ess)
    assert err < K_SE * se, f"{what}: mean {np.mean(draws):.6g} vs closed form {m:.6g} ({err / se:.1f} MCSE)"


@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_gibbs_with_a_normal_intercept_on_calendar_years_mixes_and_matches_the_closed_form(route):
    X, y = _kilpisjarvi_like()
    mean, cov = _reference(X, y, SIGMA)
    assert cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]) < -0.999  # the design is the hard case
    draws, chains = 1000, 4
    with _route.force_route(route):
        idata = sample_gibbs(X, y, br.Gaussian(TAU), sigma=SIGMA, intercept_prior=(MU, S), draws=draws, tune=300,
                             chains=chains, random_seed=11, progressbar=False)  # fmt: skip
    b0 = idata.posterior["intercept"].values
    b1 = idata.posterior["beta"].values[..., 0]
    for d, what in ((b0, "intercept"), (b1, "beta")):
        assert rhat_array(d) <= 1.01, f"{what}: R-hat {rhat_array(d):.3f}"
        assert ess_array(d) >= 0.5 * draws * chains, f"{what}: bulk ESS {ess_array(d):.0f}"
    _check(b0, mean[0], np.sqrt(cov[0, 0]), "intercept")
    _check(b1, mean[1], np.sqrt(cov[1, 1]), "beta")
    # the joint block keeps the posterior correlation of the two (-0.9999): a sample correlation off by
    # more than 0.001 would mean the pair is not drawn from the joint Gaussian
    assert abs(np.corrcoef(b0.ravel(), b1.ravel())[0, 1] - cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])) < 1e-3


@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("sigma", ["jeffreys", "flat", br.HalfNormal(1.0)])
def test_gibbs_with_a_normal_intercept_and_sigma_free_mixes(route, sigma):
    X, y = _kilpisjarvi_like(seed=1)
    draws, chains = 1000, 4
    with _route.force_route(route):
        idata = sample_gibbs(X, y, br.Gaussian(TAU), sigma=sigma, intercept_prior=(MU, S), draws=draws, tune=300,
                             chains=chains, random_seed=12, progressbar=False)  # fmt: skip
    for name in ("intercept", "sigma"):
        d = idata.posterior[name].values
        assert rhat_array(d) <= 1.01, f"{name}: R-hat {rhat_array(d):.3f}"
        assert ess_array(d) >= 0.25 * draws * chains, f"{name}: bulk ESS {ess_array(d):.0f}"
    d = idata.posterior["beta"].values[..., 0]
    assert rhat_array(d) <= 1.01 and ess_array(d) >= 0.25 * draws * chains
