"""Issue 21: uncertainty from the GLM estimators' draws, and Poisson rates that overflow.

- ``BayesianLogisticRegression.predict_interval``: the central credible interval of
  ``P(y = 1 | x)`` over the posterior draws;
- ``BayesianPoissonRegressor.predict(return_std=True)``: the posterior predictive sd of a new
  count, ``sqrt(E[mu] + Var[mu])`` (law of total variance), and ``predict_interval``: the
  predictive interval of a new count (quantiles of the Poisson mixture over the draws, exact) or
  the credible interval of the rate (``kind="rate"``);
- a MAP fit (no draws) asked for any of them: a ValueError saying to refit with
  ``inference="posterior"``;
- a Poisson rate beyond float64's range: a RuntimeWarning naming the rows, not a silent ``inf``.

References, written here from the stored draws independently of the estimators' code: the mixture's
CDF summed term by term with ``scipy.stats.poisson`` over every integer, moments by ``mean``/``var``
of the rates, and quantile brackets (the order statistics around each quantile, through which a
monotone map passes). The special case of identical draws has a closed form (one Poisson law):
its sd is ``sqrt(mu)``, which a missing ``E[mu]`` term (sd 0) or a variance returned for the sd
(``mu``) would miss.
"""

import warnings

import numpy as np
import pytest
import xarray as xr
from scipy import stats
from scipy.special import expit

from bayesreg import BayesianLogisticRegression, BayesianPoissonRegressor
from bayesreg._upstream import make_posterior_data

LEVEL = 0.9
PROBS = ((1 - LEVEL) / 2, (1 + LEVEL) / 2)


def _counts(seed=0, n=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.poisson(np.exp(1.0 + 0.4 * X[:, 0]))
    return X, y


def _with_draws(beta, intercept):
    """A Poisson estimator fitted (its input checks set) whose posterior draws are ``beta``, ``intercept``.

    The MAP fit sets what scikit-learn's checks need (``n_features_in_``); the draws are then the
    ones given, in the container ``sample_posterior`` returns (chain, draw[, feature]).
    """
    X, y = _counts()
    est = BayesianPoissonRegressor().fit(X, y)
    c, d, p = beta.shape
    post = xr.Dataset(
        {"beta": (("chain", "draw", "feature"), beta), "intercept": (("chain", "draw"), intercept)},
        coords={"chain": np.arange(c), "draw": np.arange(d), "feature": ["x0", "x1"]},
    )
    est.idata_ = make_posterior_data({"posterior": post})
    return est


def _rates(est, X):
    beta = est.idata_.posterior["beta"].values.reshape(-1, X.shape[1])
    b0 = est.idata_.posterior["intercept"].values.reshape(-1)
    return np.exp(X @ beta.T + b0)  # (rows, draws)


def _mixture_quantile(mu_row, prob):
    """Smallest k with mean_d P(Poisson(mu_d) <= k) >= prob, by walking k = 0, 1, 2, ..."""
    k = 0
    while np.mean(stats.poisson.cdf(k, mu_row)) < prob:
        k += 1
    return k


def _bracket(values, prob):
    """The two order statistics between which NumPy's linearly interpolated quantile lies."""
    return np.quantile(values, prob, method="lower"), np.quantile(values, prob, method="higher")


X_NEW = np.array([[0.0, 0.0], [1.0, -0.5], [-1.5, 2.0], [2.0, 0.3]])


def test_identical_draws_give_one_poisson_law():
    # every draw at beta = (0.5, 0), b0 = 1: the rate is exp(1 + 0.5 x0) exactly, with no spread
    est = _with_draws(np.tile([0.5, 0.0], (2, 50, 1)), np.ones((2, 50)))
    mu = np.exp(1.0 + 0.5 * X_NEW[:, 0])
    mean, sd = est.predict(X_NEW, return_std=True)
    np.testing.assert_allclose(mean, mu, rtol=1e-13)
    np.testing.assert_allclose(sd, np.sqrt(mu), rtol=1e-12)  # Var = E[mu] + 0
    counts = est.predict_interval(X_NEW, LEVEL)
    np.testing.assert_array_equal(counts, np.column_stack([stats.poisson.ppf(p, mu) for p in PROBS]))
    np.testing.assert_allclose(est.predict_interval(X_NEW, LEVEL, kind="rate"), np.column_stack([mu, mu]),
                               rtol=1e-13)  # fmt: skip


@pytest.fixture(scope="module")
def spread():
    # draws with a rate spread comparable to the Poisson noise: at x0 = 1, E[mu] ~ 5 and Var[mu] ~ 5,
    # so dropping either term of the total variance, or returning the variance for the sd, shows
    rng = np.random.default_rng(7)
    beta = np.stack([rng.normal(0.6, 0.35, size=(2, 300)), rng.normal(-0.2, 0.2, size=(2, 300))], axis=-1)
    return _with_draws(beta, rng.normal(1.0, 0.3, size=(2, 300)))


def test_predictive_sd_is_the_law_of_total_variance(spread):
    mu = _rates(spread, X_NEW)
    e_mu, var_mu = mu.mean(axis=1), mu.var(axis=1)
    assert np.all(var_mu > 0.3 * e_mu)  # both terms matter at these rows
    mean, sd = spread.predict(X_NEW, return_std=True)
    np.testing.assert_allclose(mean, e_mu, rtol=1e-12)
    # the estimator forms Var[mu] from log-moments (no cancellation); 1e-10 is far above its rounding
    np.testing.assert_allclose(sd, np.sqrt(e_mu + var_mu), rtol=1e-10)


def test_count_interval_is_the_poisson_mixture_quantile(spread):
    mu = _rates(spread, X_NEW)
    got = spread.predict_interval(X_NEW, LEVEL)
    ref = np.array([[_mixture_quantile(mu[i], p) for p in PROBS] for i in range(len(X_NEW))])
    np.testing.assert_array_equal(got, ref)
    # a discrete law: the interval holds a new count with probability at least LEVEL
    for i, (lo, hi) in enumerate(got):
        cover = np.mean(stats.poisson.cdf(hi, mu[i]) - stats.poisson.cdf(lo - 1, mu[i]))
        assert cover >= LEVEL


def test_rate_interval_is_the_central_interval_of_the_rate_draws(spread):
    mu = _rates(spread, X_NEW)
    got = spread.predict_interval(X_NEW, LEVEL, kind="rate")
    for i in range(len(X_NEW)):
        for j, p in enumerate(PROBS):
            lo, hi = _bracket(mu[i], p)
            # exp is increasing, so the quantile of the log-rate maps between these two draws
            assert lo * (1 - 1e-13) <= got[i, j] <= hi * (1 + 1e-13)
    assert np.all(got[:, 0] < spread.predict(X_NEW)) and np.all(spread.predict(X_NEW) < got[:, 1])


@pytest.fixture(scope="module")
def logistic():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2))
    y = (1.2 * X[:, 0] + rng.logistic(size=80) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short chains; the draws, not their diagnostics, are tested
        return BayesianLogisticRegression(inference="posterior", draws=300, tune=100, chains=2, random_seed=3).fit(X, y)


def test_logistic_interval_is_the_central_interval_of_the_probability(logistic):
    post = logistic.idata_.posterior
    beta, b0 = post["beta"].values.reshape(-1, 2), post["intercept"].values.reshape(-1)
    prob = expit(X_NEW @ beta.T + b0)  # P(y = 1 | x) at each draw
    got = logistic.predict_interval(X_NEW, LEVEL)
    for i in range(len(X_NEW)):
        for j, p in enumerate(PROBS):
            lo, hi = _bracket(prob[i], p)
            assert lo - 1e-15 <= got[i, j] <= hi + 1e-15
    # the posterior mean probability (predict_proba) lies inside, and the intervals have width
    pm = logistic.predict_proba(X_NEW)[:, 1]
    np.testing.assert_allclose(pm, prob.mean(axis=1), rtol=1e-12)
    assert np.all((got[:, 0] < pm) & (pm < got[:, 1]))


@pytest.mark.parametrize(
    "call",
    [
        lambda e, X: e.predict_interval(X),
        lambda e, X: e.predict_interval(X, kind="rate"),
        lambda e, X: e.predict(X, return_std=True),
    ],
    ids=["count", "rate", "return_std"],
)
def test_poisson_map_fit_has_no_draws_to_give_intervals(call):
    X, y = _counts()
    est = BayesianPoissonRegressor().fit(X, y)
    with pytest.raises(ValueError, match=r"needs posterior draws.*inference='map'.*refit with inference='posterior'"):
        call(est, X)


def test_logistic_map_fit_has_no_draws_to_give_intervals():
    X, y = _counts()
    est = BayesianLogisticRegression().fit(X, (y > 2).astype(int))
    with pytest.raises(ValueError, match=r"needs posterior draws.*refit with inference='posterior'"):
        est.predict_interval(X)


def test_bad_level_and_kind_are_named(spread):
    with pytest.raises(ValueError, match="level"):
        spread.predict_interval(X_NEW, 1.0)
    with pytest.raises(ValueError, match="kind"):
        spread.predict_interval(X_NEW, kind="mean")


def test_poisson_rate_overflow_is_said_not_silent():
    X, y = _counts()
    est = BayesianPoissonRegressor().fit(X, y)
    far = np.array([[0.0, 0.0], [1e4, 0.0], [-1e4, 0.0]])
    eta = far @ est.coef_ + est.intercept_
    assert eta[1] > 709.8  # past float64's largest rate (the fitted slope of x0 is positive)
    with pytest.warns(RuntimeWarning, match=r"overflows float64 at 1 row\(s\).*rows \(log-rate\) 1 \(") as rec:
        pred = est.predict(far)
    assert rec[0].filename == __file__  # the warning points at the caller's line
    assert np.isinf(pred[1]) and np.isfinite(pred[[0, 2]]).all()
    # rows within range: nothing said
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(far[[0, 2]])
