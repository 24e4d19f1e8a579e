"""Issue 22 (item 1): the L2 logistic mapping tested where a slip shows.

``Gaussian(tau)`` with a Bernoulli likelihood is ``LogisticRegression(C = tau^2)``, L2. At tau = 1 (the
only value tested before, through ``ElasticNetPrior(0.5, 1.0)``) C = tau and C = tau^2 agree; at
tau = 0.3 they differ by 3.3x. The reference here is scikit-learn's ``LogisticRegression(C=0.09)``
written out by hand (newton-cholesky, tight tolerance), not the mapping.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import bayesreg as br
from bayesreg.mapping import to_sklearn_glm

TAU = 0.3


def _logistic(n=200, p=5, seed=22):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p))
    eta = 0.4 + X @ np.linspace(1.5, -1.0, p)
    return X, (r.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)


def test_the_mapping_gives_c_tau_squared_l2():
    est = to_sklearn_glm(br.Gaussian(TAU), family="bernoulli", n_samples=200)
    assert isinstance(est, LogisticRegression)
    assert est.C == pytest.approx(TAU**2, rel=1e-15)  # 0.09; C = tau would be 0.3
    assert est.get_params().get("l1_ratio") in (None, 0, 0.0) and est.get_params()["penalty"] in ("l2", "deprecated")
    assert est.solver != "liblinear"  # liblinear penalises the intercept


def test_l2_logistic_map_is_logistic_regression_at_c_tau_squared():
    X, y = _logistic()
    res = br.map_estimate(X, y, br.Gaussian(TAU), family="bernoulli")
    sk = LogisticRegression(C=TAU**2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    scale = np.abs(sk.coef_[0]).max()
    np.testing.assert_allclose(res.coef, sk.coef_[0], rtol=0, atol=1e-6 * scale)
    assert res.intercept == pytest.approx(sk.intercept_[0], abs=1e-6 * max(1.0, abs(sk.intercept_[0])))
    # the slip C = tau gives a visibly different fit (the test can fail)
    slip = LogisticRegression(C=TAU, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert np.abs(slip.coef_[0] - sk.coef_[0]).max() > 1e3 * 1e-6 * scale


def test_check_equivalence_passes_for_an_l2_logistic_model():
    X, y = _logistic(seed=23)
    rep = br.check_equivalence(X, y, br.Gaussian(TAU), family="bernoulli", find_map=False)
    assert rep.passed, rep
    assert f"C={TAU**2:g}" in rep.sklearn_estimator.replace(" ", ""), rep.sklearn_estimator
    sk = LogisticRegression(C=TAU**2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(rep.rows["sklearn"].coef, sk.coef_[0], rtol=0, atol=1e-5 * np.abs(sk.coef_).max())
