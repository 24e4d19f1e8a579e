"""Everything that does not need rows accepts a SufficientStats in X's place, with the same answer.

Each test fits the same model twice: from the arrays (X, y) and from statistics merged from three
chunks of the same rows. The two routes round differently (the statistics are formed by another
kernel and merged), by a few ulps of the Gram matrix, so results agree to 1e-9 relative (MAP,
ridge, paths: well-conditioned problems) and the Gibbs draws, made from the same random numbers,
to 1e-8. The PyMC suffstats likelihood is checked at random points against the row-by-row
normal likelihood of the same model: they are the same function, constants included.

What needs the rows (pointwise log-likelihood for LOO, posterior predictive) must refuse a
SufficientStats with an error that says so.
"""

from __future__ import annotations

import numpy as np
import pytest

import bayesreg
from bayesreg.priors import Gaussian, Laplace, ParkCasella
from bayesreg.solvers import enet_path, lasso_path, ridge, ridge_path
from bayesreg.suffstats import SufficientStats

RTOL = 1e-9


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    n, p = 240, 5
    X = rng.standard_normal((n, p)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + np.array([3.0, -1.0, 10.0, 0.0, 2.0])
    y = X @ np.array([1.0, -0.5, 0.0, 0.0, 0.25]) + rng.standard_normal(n) + 2.0
    stats = SufficientStats.from_chunks([(X[i : i + 80], y[i : i + 80]) for i in range(0, n, 80)])
    return X, y, stats


def _close(a, b, rtol=RTOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.abs(b).max(), 1e-300)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


# ----------------------------------------------------------------------------- MAP, paths, ridge


@pytest.mark.parametrize(
    ("prior", "sigma"),
    [
        (Laplace(0.05), 1.0),
        (Gaussian(0.5), 1.0),
        (ParkCasella(3.0), "jeffreys"),  # alternates solver and closed-form sigma steps
    ],
)
def test_map_estimate_accepts_stats(data, prior, sigma):
    X, y, stats = data
    a = bayesreg.map_estimate(X, y, prior, sigma=sigma)
    b = bayesreg.map_estimate(stats, prior=prior, sigma=sigma)
    _close(b.coef, a.coef)
    assert b.intercept == pytest.approx(a.intercept, rel=RTOL)
    assert b.sigma == pytest.approx(a.sigma, rel=RTOL)
    np.testing.assert_array_equal(b.coef != 0, a.coef != 0)


def test_paths_and_ridge_accept_stats(data):
    X, y, stats = data
    for path in (lasso_path, lambda *a, **k: enet_path(*a, l1_ratio=0.5, **k)):
        pa = path(X, y, n_alphas=8, tol=1e-12)
        pb = path(stats, n_alphas=8, tol=1e-12)
        _close(pb.alphas, pa.alphas)
        _close(pb.coefs, pa.coefs, rtol=1e-8)
    _close(ridge(stats, alpha=0.2).coef, ridge(X, y, alpha=0.2).coef)
    alphas = np.logspace(-3, 1, 5)
    _close(ridge_path(stats, alphas=alphas).coef, ridge_path(X, y, alphas=alphas).coef)


def test_check_equivalence_accepts_stats(data):
    X, y, stats = data
    prior = Laplace(0.05)
    a = bayesreg.check_equivalence(X, y, prior, sigma=1.0, find_map=False)
    b = bayesreg.check_equivalence(stats, prior=prior, sigma=1.0, find_map=False)
    _close(b.rows["exact"].coef, a.rows["exact"].coef)
    assert b.rows["exact"].objective == pytest.approx(a.rows["exact"].objective, rel=RTOL)
    # scikit-learn needs the rows: its row is left out, the rest of the report is there
    assert "sklearn" in a.rows and "sklearn" not in b.rows
    # and the exact MAP from the statistics is the penalised (scikit-learn) solution of the rows
    _close(b.rows["exact"].coef, a.rows["sklearn"].coef, rtol=1e-7)


# ----------------------------------------------------------------------------- posteriors


@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")  # short chains: not the point here
def test_gibbs_accepts_stats_with_the_same_draws(data):
    from bayesreg.samplers import sample_gibbs

    X, y, stats = data
    kw = dict(prior=ParkCasella(2.0), draws=150, tune=50, chains=2, random_seed=3, progressbar=False)
    a = sample_gibbs(X, y, log_likelihood=False, **kw)
    b = sample_gibbs(stats, log_likelihood=False, **kw)
    for var in ("beta", "intercept", "sigma"):
        _close(b.posterior[var].values, a.posterior[var].values, rtol=1e-8)
    assert "log_likelihood" not in b and "observed_data" not in b
    c = bayesreg.sample_posterior(stats, prior=ParkCasella(2.0), sampler="gibbs", draws=150, tune=50, chains=2,
                                  random_seed=3, progressbar=False, log_likelihood=False)  # fmt: skip
    _close(c.posterior["beta"].values, a.posterior["beta"].values, rtol=1e-8)


def test_suffstats_likelihood_equals_the_normal_likelihood(data):
    """build_model(stats, likelihood="suffstats") is the row-by-row model's log density, exactly."""
    X, y, stats = data
    prior = Laplace(0.5)
    m_rows = bayesreg.build_model(X, y, prior, sigma="jeffreys", likelihood="normal")
    m_stats = bayesreg.build_model(stats, None, prior, sigma="jeffreys", likelihood="suffstats")
    assert [v.name for v in m_rows.value_vars] == [v.name for v in m_stats.value_vars]
    f_rows, f_stats = m_rows.compile_logp(), m_stats.compile_logp()
    rng = np.random.default_rng(0)
    start = m_rows.initial_point()
    for _ in range(4):
        point = {k: v + 0.3 * rng.standard_normal(np.shape(v)) for k, v in start.items()}
        assert f_stats(point) == pytest.approx(f_rows(point), rel=1e-10)


# ----------------------------------------------------------------------------- what needs rows says so


def test_row_level_outputs_refuse_stats(data):
    from bayesreg.samplers import sample_gibbs

    _, _, stats = data
    with pytest.raises(ValueError, match="log_likelihood=True needs the rows"):
        sample_gibbs(stats, prior=ParkCasella(1.0), draws=10, tune=0, progressbar=False, log_likelihood=True)
    with pytest.raises(ValueError, match="posterior_predictive=True needs the rows"):
        sample_gibbs(stats, prior=ParkCasella(1.0), draws=10, tune=0, progressbar=False, posterior_predictive=True)
    with pytest.raises(ValueError, match="likelihood='normal' needs the rows"):
        bayesreg.build_model(stats, None, Laplace(0.5), sigma=1.0, likelihood="normal")
    with pytest.raises(ValueError, match="y must be omitted"):
        bayesreg.map_estimate(stats, np.zeros(stats.n), Laplace(0.5), sigma=1.0)


def test_sample_posterior_refuses_posterior_predictive_from_stats(data):
    _, _, stats = data
    with pytest.raises(ValueError, match="rows"):
        bayesreg.sample_posterior(stats, prior=ParkCasella(1.0), sampler="gibbs", draws=10, tune=0,
                                  progressbar=False, posterior_predictive=True, check=False)  # fmt: skip


def test_pointwise_log_likelihood_refuses_stats_clearly(data):
    from bayesreg.inference import pointwise_log_likelihood

    _, _, stats = data
    with pytest.raises(ValueError, match="rows"):
        pointwise_log_likelihood(stats, None, np.zeros(stats.n_features), 0.0, 1.0)


@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")
def test_feature_names_of_stats_reach_the_posterior(data):
    X, y, _ = data
    names = ["a", "b", "c", "d", "e"]
    stats = SufficientStats.from_arrays(X, y, feature_names=names)
    idata = bayesreg.sample_posterior(stats, prior=ParkCasella(2.0), sampler="gibbs", draws=20, tune=0,
                                      progressbar=False, log_likelihood=False, check=False)  # fmt: skip
    assert list(idata.posterior["feature"].values) == names
