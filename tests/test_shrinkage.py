"""Shrinkage tables: the MAP column is the scikit-learn path under the mapping, the posterior columns
match closed forms (Gaussian) or one-dimensional quadrature (Laplace, orthogonal design)."""

import numpy as np
import pandas as pd
import pytest
from _stack import arviz_hdi
from scipy import integrate, stats
from sklearn.linear_model import Lasso, Ridge

from bayesreg.exceptions import SamplingWarning
from bayesreg.shrinkage import COLUMNS, hdi_from_draws, shrinkage_table
from bayesreg.suffstats import SufficientStats


def make_data(n=50, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 0.5
    beta = np.array([2.0, 0.0, -1.0, 0.0, 0.5])[:p]
    y = 1.0 + X @ beta + rng.normal(size=n)
    return X, y


# deliberately few draws: this test is about the MAP / layout, not posterior precision, so the
# low-ESS / R-hat SamplingWarning of the tiny runs is expected and ignored
@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_laplace_map_column_is_sklearn_lasso(fit_intercept):
    X, y = make_data()
    sigma, n = 1.0, X.shape[0]
    scales = np.array([0.01, 0.05, 0.2, 1.0, 5.0])
    table = shrinkage_table(X, y, "laplace", scales, sigma=sigma, draws=100, tune=50, chains=1, random_seed=0,
                            fit_intercept=fit_intercept)  # fmt: skip
    assert list(table.columns) == COLUMNS
    assert table.attrs["family"] == "laplace" and table.attrs["alpha_convention"] == "sklearn Lasso"
    for b in scales:
        rows = table[table["scale"] == b]
        alpha = sigma**2 / (n * b)
        assert np.allclose(rows["alpha"], alpha, rtol=1e-14)
        ref = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000, fit_intercept=fit_intercept).fit(X, y).coef_
        np.testing.assert_allclose(rows["map"].to_numpy(), ref, rtol=1e-7, atol=1e-9)
        # exact zeros where scikit-learn has them
        np.testing.assert_array_equal(rows["map"].to_numpy() == 0.0, ref == 0.0)
    # the smallest scale is past alpha_max: everything is zero in the MAP, not in the mean
    small = table[table["scale"] == 0.01]
    assert np.all(small["map"] == 0.0) and np.all(small["mean"] != 0.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gaussian_columns_are_ridge_and_the_exact_posterior(fit_intercept):
    X, y = make_data()
    sigma = 0.9
    scales = np.array([0.05, 0.3, 2.0])
    table = shrinkage_table(X, y, "gaussian", scales, sigma=sigma, hdi_prob=0.9, fit_intercept=fit_intercept)
    for tau in scales:
        rows = table[table["scale"] == tau]
        alpha = sigma**2 / tau**2
        assert np.allclose(rows["alpha"], alpha)
        ref = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y).coef_
        np.testing.assert_allclose(rows["map"].to_numpy(), ref, rtol=1e-8)
        np.testing.assert_allclose(rows["mean"].to_numpy(), ref, rtol=1e-8)
        np.testing.assert_allclose(rows["median"].to_numpy(), ref, rtol=1e-8)
        # sd from the dense inverse of the posterior precision
        Xc = X - X.mean(0) if fit_intercept else X
        sd = np.sqrt(np.diag(np.linalg.inv(Xc.T @ Xc / sigma**2 + np.eye(X.shape[1]) / tau**2)))
        np.testing.assert_allclose(rows["sd"].to_numpy(), sd, rtol=1e-8)
        lo, hi = stats.norm.interval(0.9, loc=ref, scale=sd)
        np.testing.assert_allclose(rows["hdi_low"].to_numpy(), lo, rtol=1e-7)
        np.testing.assert_allclose(rows["hdi_high"].to_numpy(), hi, rtol=1e-7)
        assert np.all(rows["mcse_mean"] == 0.0)


def orthogonal_problem(n=40, seed=1):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, 3))
    A -= A.mean(0)
    Q, _ = np.linalg.qr(A)
    X = Q * np.sqrt(n)
    y = 0.5 + X @ np.array([0.6, 0.05, -0.3]) + rng.normal(size=n)
    return X, y


def laplace_marginals(X, y, b, sigma):
    """Posterior mean and median of each beta_j, orthogonal design: N(m_j, sigma^2/n) x Laplace(b)."""
    n = X.shape[0]
    m = X.T @ (y - y.mean()) / n
    v = sigma**2 / n
    means, medians = [], []
    for mj in m:
        grid = np.linspace(mj - 12 * np.sqrt(v), mj + 12 * np.sqrt(v), 20001)
        logd = -((grid - mj) ** 2) / (2 * v) - np.abs(grid) / b
        d = np.exp(logd - logd.max())
        cdf = integrate.cumulative_trapezoid(d, grid, initial=0.0)
        z = cdf[-1]
        means.append(integrate.trapezoid(grid * d, grid) / z)
        medians.append(np.interp(0.5, cdf / z, grid))
    return np.array(means), np.array(medians)


@pytest.mark.slow
def test_laplace_posterior_columns_match_quadrature():
    X, y = orthogonal_problem()
    sigma = 1.0
    scales = np.array([0.1, 0.5])
    table = shrinkage_table(X, y, "laplace", scales, sigma=sigma, draws=3000, tune=300, chains=2, random_seed=7)
    for b in scales:
        rows = table[table["scale"] == b]
        mean_ref, median_ref = laplace_marginals(X, y, b, sigma)
        mcse = rows["mcse_mean"].to_numpy()
        sd = rows["sd"].to_numpy()
        assert np.all(mcse > 0)
        np.testing.assert_array_less(np.abs(rows["mean"].to_numpy() - mean_ref), 5 * mcse)
        # the median's standard error is about sqrt(pi/2) sd / sqrt(ESS), with ESS = (sd / mcse)^2
        se_median = np.sqrt(np.pi / 2) * mcse
        np.testing.assert_array_less(np.abs(rows["median"].to_numpy() - median_ref), 5 * se_median)
        assert np.all(rows["hdi_low"] < rows["mean"]) and np.all(rows["mean"] < rows["hdi_high"])
        np.testing.assert_array_less(0.0, sd)


def test_hdi_from_draws_matches_arviz():
    rng = np.random.default_rng(0)
    draws = np.column_stack([rng.normal(size=3001), rng.gamma(2.0, size=3001), rng.laplace(size=3001)])
    ours = hdi_from_draws(draws, 0.9)
    for j in range(3):
        np.testing.assert_allclose(ours[j], arviz_hdi(draws[:, j], 0.9), rtol=1e-12)


# deliberately few draws: this test is about the MAP / layout, not posterior precision, so the
# low-ESS / R-hat SamplingWarning of the tiny runs is expected and ignored
@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")
def test_default_grid_dataset_output_and_statistics_input():
    X, y = make_data()
    ds = shrinkage_table(X, y, "gaussian", sigma=1.0, n_scales=7, output="dataset", feature_names=list("abcde"))
    assert ds["map"].dims == ("scale", "feature") and ds.sizes["scale"] == 7
    assert list(ds["feature"].values) == list("abcde")
    assert np.all(np.diff(ds["scale"].values) > 0)
    np.testing.assert_allclose(ds["alpha"].values, 1.0 / ds["scale"].values ** 2)
    # the same table from sufficient statistics
    df = shrinkage_table(X, y, "gaussian", sigma=1.0, n_scales=7)
    df2 = shrinkage_table(SufficientStats.from_arrays(X, y), prior_family="gaussian", sigma=1.0, n_scales=7)
    pd.testing.assert_frame_equal(df, df2, rtol=1e-9)
    # default Laplace grid starts at alpha_max (MAP all zero) and goes down 1e3
    lap = shrinkage_table(X, y, "laplace", sigma=1.0, n_scales=4, draws=50, tune=10, chains=1, random_seed=1)
    alphas = np.sort(lap["alpha"].unique())
    assert alphas[-1] / alphas[0] == pytest.approx(1e3)
    assert np.all(lap.loc[lap["alpha"] == alphas[-1], "map"] == 0.0)
    assert np.any(lap.loc[lap["alpha"] < alphas[-1] * 0.999, "map"] != 0.0)


# deliberately few draws: this test is about the layout, not posterior precision, so the
# low-ESS / R-hat SamplingWarning of the tiny runs is expected and ignored
@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")
def test_draws_are_what_was_asked_whatever_the_environment(monkeypatch):
    # library code reads no environment variables: fast modes are parameters
    X, y = make_data()
    monkeypatch.setenv("BAYESREG_FAST", "1")
    t = shrinkage_table(X, y, "laplace", [1.0], sigma=1.0, draws=120, tune=10, chains=1, random_seed=0)
    assert t.attrs["draws"] == 120


# deliberately few draws: this test is about the MAP / layout, not posterior precision, so the
# low-ESS / R-hat SamplingWarning of the tiny runs is expected and ignored
@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")
def test_seeded_tables_are_reproducible():
    X, y = make_data()
    a = shrinkage_table(X, y, "laplace", [0.3, 1.0], sigma=1.0, draws=100, tune=20, chains=2, random_seed=3)
    b = shrinkage_table(X, y, "laplace", [0.3, 1.0], sigma=1.0, draws=100, tune=20, chains=2, random_seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_sampling_warnings_are_summarised_once_per_table():
    X, y = make_data()
    with pytest.warns(SamplingWarning, match=r"flagged \d of 3 prior scales") as rec:
        shrinkage_table(X, y, "laplace", [0.1, 0.3, 1.0], sigma=1.0, draws=20, tune=5, chains=2, random_seed=0)
    assert sum(issubclass(w.category, SamplingWarning) for w in rec) == 1


def test_validation_errors():
    X, y = make_data()
    with pytest.raises(ValueError, match="sigma is required"):
        shrinkage_table(X, y, "laplace", [1.0], sigma=None)
    with pytest.raises(ValueError, match="sigma"):
        shrinkage_table(X, y, "laplace", [1.0], sigma=-1.0)
    with pytest.raises(ValueError, match="scales"):
        shrinkage_table(X, y, "laplace", [1.0, -2.0], sigma=1.0)
    with pytest.raises(ValueError, match="output"):
        shrinkage_table(X, y, "gaussian", [1.0], sigma=1.0, output="csv")
    with pytest.raises(ValueError, match="prior_family"):
        shrinkage_table(X, y, "cauchy", [1.0], sigma=1.0)
    with pytest.raises(ValueError, match="hdi_prob"):
        shrinkage_table(X, y, "gaussian", [1.0], sigma=1.0, hdi_prob=1.5)
    with pytest.raises(ValueError, match="feature_names"):
        shrinkage_table(X, y, "gaussian", [1.0], sigma=1.0, feature_names=["a"])
