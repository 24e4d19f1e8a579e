"""What the samplers return plugs into ArviZ's own functions, on whichever stack is installed.

ArviZ 0.x gets an ``InferenceData``, ArviZ >= 1 an ``xarray.DataTree``: the same groups,
variables and dims, and ArviZ's summary, hdi, ess, rhat, loo, compare, plot_forest and
plot_posterior accept it. Numbers are checked against the draws themselves (numpy).
"""

import numpy as np
import pytest

import bayesreg as br
from bayesreg._upstream import arviz_major, group_dataset, import_arviz, is_posterior_data


@pytest.fixture(scope="module")
def fits():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(50, 3))
    y = 0.3 + X @ np.array([1.0, 0.0, -0.7]) + 0.8 * rng.normal(size=50)
    kw = dict(draws=400, chains=2, random_seed=5, progressbar=False)
    lap = br.sample_posterior(X, y, br.Laplace(0.5), sigma="default", tune=200, **kw)
    gau = br.sample_posterior(X, y, br.Gaussian(1.0), sigma=0.8, **kw)
    return lap, gau


def test_containers_have_the_groups_arviz_expects(fits):
    for idata in fits:
        assert is_posterior_data(idata)
        post = group_dataset(idata)
        assert post["beta"].dims == ("chain", "draw", "feature")
        for g in ("posterior", "observed_data", "constant_data", "log_likelihood"):
            assert group_dataset(idata, g) is not None


def test_arviz_statistics_accept_our_output(fits):
    az = import_arviz()
    lap, _ = fits
    beta = group_dataset(lap)["beta"].values.reshape(-1, 3)
    summ = az.summary(lap, var_names=["beta"])
    mean_col = "mean"
    np.testing.assert_allclose(np.asarray(summ[mean_col], dtype=float), beta.mean(0), atol=0.01)
    ess = az.ess(lap, var_names=["beta"])["beta"].values
    rhat = az.rhat(lap, var_names=["beta"])["beta"].values
    assert np.all(ess > 100) and np.all(rhat < 1.05)
    if arviz_major() >= 1:
        hdi = az.hdi(lap, var_names=["beta"], prob=0.9)["beta"].values
    else:
        hdi = az.hdi(lap, var_names=["beta"], hdi_prob=0.9)["beta"].values
    assert np.all(hdi[:, 0] < beta.mean(0)) and np.all(beta.mean(0) < hdi[:, 1])


def test_loo_and_compare_accept_our_output(fits):
    import warnings

    az = import_arviz()
    lap, gau = fits
    loo = az.loo(lap)
    elpd = float(getattr(loo, "elpd", getattr(loo, "elpd_loo", np.nan)))
    assert np.isfinite(elpd) and elpd < 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside ArviZ 0.x's compare
        table = az.compare({"laplace": lap, "gaussian": gau})
    assert set(table.index) == {"laplace", "gaussian"}


@pytest.mark.filterwarnings("ignore::matplotlib.MatplotlibDeprecationWarning")  # inside ArviZ 0.x's backend
def test_arviz_plots_accept_our_output(fits):
    import matplotlib.pyplot as plt

    az = import_arviz()
    lap, _ = fits
    az.plot_forest(lap, var_names=["beta"])
    # ArviZ 1 (arviz-plots) names the marginal posterior plot plot_dist; 0.x plot_posterior
    (az.plot_dist if arviz_major() >= 1 else az.plot_posterior)(lap, var_names=["beta"])
    plt.close("all")
