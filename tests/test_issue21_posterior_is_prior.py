"""Issue 21 (Deliver 3): a posterior that is just its prior says so.

The claim is checked against the closed form, independently of the warning's own rule: with a Gaussian
prior N(0, tau^2) and sigma fixed, the posterior covariance is (Xc^T Xc / sigma^2 + I / tau^2)^-1, so the
ratio of each coefficient's posterior sd to tau is computed here in NumPy. At tau = 1e-3 on the diabetes
data (sigma = 54) every ratio is 1 to 1e-6: the data move nothing, and the warning fires; at tau = 100 the
ratios are 0.51-0.75 (the data inform every coefficient) and nothing is said. The Laplace prior is
checked the same way through the Gibbs sampler at b = 1e-3 (posterior = prior) and b = 50 (not).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import bayesreg as br
from bayesreg.exceptions import PriorDominatedWarning

SIGMA = 54.0


@pytest.fixture(scope="module")
def diabetes():
    d = br.datasets.load_diabetes()
    return np.asarray(d.X), np.asarray(d.y)


def _closed_form_sd_ratio(X, tau):
    Xc = X - X.mean(0)
    cov = np.linalg.inv(Xc.T @ Xc / SIGMA**2 + np.eye(X.shape[1]) / tau**2)
    return np.sqrt(np.diag(cov)) / tau


def _sample(X, y, prior, sampler):
    return br.sample_posterior(X, y, prior, sigma=SIGMA, sampler=sampler, draws=1000, chains=2, random_seed=21,
                               progressbar=False)  # fmt: skip


def test_a_posterior_that_is_its_prior_warns(diabetes):
    X, y = diabetes
    assert np.all(np.abs(_closed_form_sd_ratio(X, 1e-3) - 1) < 1e-6)  # the data move nothing (closed form)
    with pytest.warns(PriorDominatedWarning, match="the posterior is the prior"):
        _sample(X, y, br.Gaussian(1e-3), "exact")
    with pytest.warns(PriorDominatedWarning, match="the posterior is the prior"):
        _sample(X, y, br.Laplace(1e-3), "gibbs")


def test_an_informed_posterior_says_nothing(diabetes):
    X, y = diabetes
    assert np.all(_closed_form_sd_ratio(X, 100.0) < 0.8)  # every coefficient informed (closed form: 0.51-0.75)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PriorDominatedWarning)
        _sample(X, y, br.Gaussian(100.0), "exact")
        _sample(X, y, br.Laplace(50.0), "gibbs")


def test_priors_without_a_fixed_sd_are_not_judged():
    assert br.Horseshoe(1.0).coefficient_sd(3) is None
    assert br.ParkCasella(1.0).coefficient_sd(3) is None  # scaled by sigma
    np.testing.assert_allclose(br.Laplace([1.0, 2.0]).coefficient_sd(2), np.sqrt(2.0) * np.array([1.0, 2.0]))
    np.testing.assert_allclose(br.Gaussian(3.0).coefficient_sd(2), [3.0, 3.0])
