"""``Family.loss_of``: the loss of a fixed target as a function of ``eta`` (its constants computed once).

Reference: scipy.stats, independently of the family's own formulas: the loss is the negative
log-likelihood minus its saturated value, ``-logpmf(y | mu(eta)) + logpmf(y | mu = y)``. And
``loss_of`` must give exactly the values of ``loss`` (the solvers use one, the rest of the
package the other).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

from bayesreg.families import Bernoulli, Binomial, Poisson
from bayesreg.families import GaussianFamily as Gaussian

ETA = np.array([-30.0, -2.1, -0.4, 0.0, 0.7, 3.3, 25.0])
R = np.random.default_rng(7)

CASES = {
    "bernoulli": (Bernoulli(), np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0]), None),
    # every row at a boundary (0 or all of its trials): the one-logaddexp branch
    "binomial, boundary rows": (Binomial(), np.array([0.0, 4.0, 0.0, 2.0, 7.0, 0.0, 3.0]),
                                np.array([3.0, 4.0, 1.0, 2.0, 7.0, 5.0, 3.0])),
    # interior rows too: the general branch
    "binomial, interior rows": (Binomial(), np.array([0.0, 2.0, 1.0, 2.0, 6.0, 0.0, 3.0]),
                                np.array([3.0, 4.0, 1.0, 5.0, 7.0, 5.0, 3.0])),
    "poisson": (Poisson(), np.array([0.0, 1.0, 3.0, 0.0, 2.0, 9.0, 4.0]), None),
    "gaussian": (Gaussian(), np.array([-1.0, 0.3, 2.0, 0.0, 1.0, -4.0, 0.5]), None),
}


def reference(fam, y, eta, m):
    if isinstance(fam, Gaussian):
        return 0.5 * (y - eta) ** 2
    if isinstance(fam, Poisson):
        return -stats.poisson.logpmf(y, np.exp(eta)) + stats.poisson.logpmf(y, y)
    mm = np.ones_like(y) if m is None else m
    n = mm.astype(int)
    return -stats.binom.logpmf(y, n, expit(eta)) + stats.binom.logpmf(y, n, y / mm)


@pytest.mark.parametrize("case", list(CASES))
def test_loss_of_equals_loss_and_the_scipy_reference(case):
    fam, y, m = CASES[case]
    y0, m0 = y.copy(), None if m is None else m.copy()
    f = fam.loss_of(y, m)
    got = f(ETA)
    np.testing.assert_array_equal(got, fam.loss(y, ETA, m))
    # |eta| <= 30 keeps scipy's logpmf accurate (no underflow of 1 - p); the loss there is O(1)-O(30)
    np.testing.assert_allclose(got, reference(fam, y, ETA, m), rtol=1e-10, atol=1e-12)
    # a second call with other predictors: the cached constants belong to the target, not to eta
    eta2 = ETA[::-1].copy()
    np.testing.assert_array_equal(f(eta2), fam.loss(y, eta2, m))
    np.testing.assert_array_equal(y, y0)  # nothing passed in is modified
    if m is not None:
        np.testing.assert_array_equal(m, m0)


@pytest.mark.parametrize("case", ["bernoulli", "binomial, boundary rows", "binomial, interior rows"])
def test_loss_broadcasts_over_draws(case):
    # the posterior's pointwise terms: eta of shape (draws, n) against y of shape (n,)
    fam, y, m = CASES[case]
    eta = ETA + R.normal(size=(4, ETA.size))
    whole = fam.loss(y, eta, m)
    assert whole.shape == eta.shape
    for k in range(eta.shape[0]):
        np.testing.assert_array_equal(whole[k], fam.loss(y, eta[k], m))
        np.testing.assert_allclose(whole[k], reference(fam, y, eta[k], m), rtol=1e-10, atol=1e-12)


def test_bernoulli_loss_takes_a_scalar_predictor():
    y = np.array([0.0, 1.0])
    np.testing.assert_array_equal(Bernoulli().loss(y, 0.5), Bernoulli().loss(y, np.array([0.5, 0.5])))
