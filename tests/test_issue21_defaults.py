"""Issue 21: defaults that give a sensible model, and a warning when a MAP is empty.

On today's main ``BayesianRegression().fit`` on the diabetes data has every coefficient exactly 0
(the default ``Laplace(1.0)`` is in the units of the coefficients) and nothing warns; the GLM
estimators' default ``Gaussian(1.0)`` depends on the units of the features.
"""

import re
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.linear_model import Lasso, LassoCV
from sklearn.model_selection import KFold, cross_val_score

from bayesreg import (
    BayesianLogisticRegression,
    BayesianPoissonRegressor,
    BayesianRegression,
    EmptyMAPWarning,
    Gaussian,
    Laplace,
    map_estimate,
)
from bayesreg.datasets import load_diabetes


def _data(n=80, p=5, seed=0, scales=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 1.0
    y = 0.5 + X @ np.array([1.5, 0.0, -2.0, 0.0, 0.7])[:p] + rng.normal(scale=0.9, size=n)
    return (X if scales is None else X * scales), y


def test_default_gives_a_model_on_the_diabetes_data_as_good_as_lasso_cv():
    # main: all 10 coefficients 0, R^2 0, CV R^2 about 0. Reference: scikit-learn's LassoCV on the
    # same folds (CV R^2 0.487 here; Lasso() 0.344): the default must not be worse by more than 0.01
    d = load_diabetes()
    cv = KFold(5, shuffle=True, random_state=0)
    est = BayesianRegression().fit(d.X, d.y)
    assert np.count_nonzero(est.coef_) >= 5
    ours = cross_val_score(BayesianRegression(), d.X, d.y, cv=cv).mean()
    ref = cross_val_score(LassoCV(cv=5), d.X, d.y, cv=cv).mean()
    assert ours >= ref - 0.01
    assert ours > cross_val_score(Lasso(), d.X, d.y, cv=cv).mean() + 0.1
    assert est.score(d.X, d.y) > 0.5  # LassoCV: 0.517 on the training data


def test_default_prior_is_the_laplace_with_the_variance_of_the_evidence_maximising_gaussian():
    # independent reference: the log evidence of the centred y under beta_j ~ N(0, tau^2 / s_j^2),
    # N(0, sigma^2 I + tau^2 Z Z^T) with Z = Xc / s, maximised here by hand over log tau; sigma the
    # least-squares residual sd ("estimate"). The flat intercept only adds a constant in tau.
    X, y = _data()
    n, p = X.shape
    Xc, yc = X - X.mean(0), y - y.mean()
    r = yc - Xc @ np.linalg.lstsq(Xc, yc, rcond=None)[0]
    sigma = np.sqrt(r @ r / (n - p - 1))
    s = X.std(axis=0)
    Z = Xc / s

    def neg_log_evidence(log_tau):
        C = sigma**2 * np.eye(n) + np.exp(2 * log_tau) * Z @ Z.T
        L = np.linalg.cholesky(C)
        a = np.linalg.solve(L, yc)
        return np.sum(np.log(np.diag(L))) + 0.5 * a @ a

    opt = minimize_scalar(neg_log_evidence, bounds=(-10, 10), method="bounded", options={"xatol": 1e-10})
    tau = np.exp(opt.x)
    est = BayesianRegression().fit(X, y)
    assert est.prior is None  # __init__ stored the sentinel; fit resolved it
    # the evidence is flat at its maximum: its curvature bounds the optimisers' agreement to ~1e-5
    np.testing.assert_allclose(est.prior_.scale, tau / (np.sqrt(2.0) * s), rtol=1e-4)
    assert est.sigma_ == pytest.approx(sigma, rel=1e-12)


def test_default_fit_does_not_depend_on_the_units_of_the_columns():
    # a fixed Laplace(1.0) is in target units per feature unit: rescaling a column changed the fit on main
    scales = np.array([1e-3, 1.0, 1e3, 10.0, 0.1])
    X, y = _data()
    # both solved to a duality gap of 1e-14 ||yc||^2 / n (the MAP's certificate): the predictions
    # then agree to far better than 1e-8 sd(y), whatever the BLAS
    a = BayesianRegression(tol=1e-14).fit(X, y)
    b = BayesianRegression(tol=1e-14).fit(X * scales, y)
    np.testing.assert_allclose(b.predict(X * scales), a.predict(X), rtol=0, atol=1e-8 * y.std())
    np.testing.assert_allclose(b.coef_ * scales, a.coef_, rtol=1e-7, atol=1e-12)


def test_default_on_noise_says_there_is_no_signal_once():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(60, 4)), rng.normal(size=60)
    with pytest.warns(EmptyMAPWarning, match="no linear signal") as rec:
        est = BayesianRegression().fit(X, y)
    assert len([w for w in rec if issubclass(w.category, EmptyMAPWarning)]) == 1
    assert rec[0].filename == __file__  # points at the caller's line
    assert not np.any(est.coef_)


def test_empty_map_warns_with_the_threshold_scale_computed_by_hand():
    # the diabetes data at Laplace(1.0), sigma = 54: every coefficient 0 on main without a word. Zero
    # is the MAP iff |x_j^T (y - ybar)| / n <= alpha = sigma^2 / (n b), i.e. b <= sigma^2 / max_j |x_j^T yc|
    d = load_diabetes()
    Xc, yc = d.X - d.X.mean(0), d.y - d.y.mean()
    b_min = 54.0**2 / np.max(np.abs(Xc.T @ yc))
    with pytest.warns(EmptyMAPWarning, match="the MAP is empty") as rec:
        res = map_estimate(d.X, d.y, Laplace(1.0), sigma=54.0)
    assert not np.any(res.coef)
    assert rec[0].filename == __file__
    msg = str(rec[0].message)
    assert float(re.search(r"b_min=([0-9.e+-]+)", msg).group(1)) == pytest.approx(b_min, rel=1e-5)
    assert "choose_prior_scale" in msg and "prior=None" in msg  # options that exist
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmptyMAPWarning)
        assert np.count_nonzero(map_estimate(d.X, d.y, Laplace(b_min * 1.001), sigma=54.0).coef) == 1
        map_estimate(d.X, d.y, Gaussian(1e-3), sigma=54.0)  # L2: never exactly 0, never warns


def test_estimator_with_an_empty_user_prior_warns_at_the_callers_line():
    d = load_diabetes()
    with pytest.warns(EmptyMAPWarning, match="b_min") as rec:
        BayesianRegression(prior=Laplace(1.0)).fit(d.X, d.y)
    assert rec[0].filename == __file__


def test_empty_logistic_map_warns_with_the_threshold_computed_by_hand():
    # mean logistic loss: its gradient at the intercept-only fit is -x_j^T (y - ybar) / n, and
    # Laplace(b) is alpha = 1 / (n b): empty iff b <= 1 / max_j |x_j^T (y - ybar)|
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = (rng.random(200) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    b_min = 1.0 / np.max(np.abs(X.T @ (y - y.mean())))
    with pytest.warns(EmptyMAPWarning, match="the MAP is empty") as rec:
        res = map_estimate(X, y, Laplace(0.5 * b_min), family="bernoulli")
    assert not np.any(res.coef)
    got = float(re.search(r"b_min=([0-9.e+-]+)", str(rec[0].message)).group(1))
    assert got == pytest.approx(b_min, rel=1e-5)
    assert np.any(map_estimate(X, y, Laplace(1.001 * b_min), family="bernoulli").coef)


@pytest.mark.parametrize("cls", [BayesianLogisticRegression, BayesianPoissonRegressor])
def test_glm_default_does_not_depend_on_the_units_of_the_columns(cls):
    # main's default Gaussian(1.0) is per feature unit: rescaled columns gave another fit
    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 3))
    eta = 0.3 + X @ np.array([0.8, -0.5, 0.0])
    y = (rng.random(150) < 1 / (1 + np.exp(-eta))).astype(int) if cls is BayesianLogisticRegression \
        else rng.poisson(np.exp(eta))
    scales = np.array([1e-3, 1.0, 1e3])
    a = cls(tol=1e-13).fit(X, y)
    b = cls(tol=1e-13).fit(X * scales, y)
    np.testing.assert_allclose(np.ravel(b.coef_) * scales, np.ravel(a.coef_), rtol=1e-6)
    np.testing.assert_allclose(b.prior_.scale, 2.5 / (X * scales).std(axis=0), rtol=1e-12)
