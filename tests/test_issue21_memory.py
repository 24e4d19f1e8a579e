"""Issue 21 (Seen 5, 9): no default call allocates O(n x draws) without need; absurd draws refused up front.

The pointwise log-likelihood is stored by default only when ``n x chains x draws`` is at most
``LOG_LIKELIHOOD_AUTO_MAX``; above, the posterior says so and :func:`bayesreg.add_log_likelihood`
adds it (``az.loo`` one call away). The threshold is lowered here so that small data cross it;
the 200000 x 50 figures are in benchmarks/results/memory.md.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import bayesreg as br
import bayesreg._posterior as P
from bayesreg._upstream import has_group


def _data(n=60, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.linspace(1.0, -1.0, p) + rng.standard_normal(n)
    return X, y


def _run(X, y, **kw):
    kw = {"draws": 200, "chains": 2, "random_seed": 5, "progressbar": False, "check": False, **kw}
    return br.sample_posterior(X, y, br.Laplace(1.0), sampler="gibbs", **kw)


def test_default_leaves_a_large_log_likelihood_out_and_says_how_to_add_it(monkeypatch):
    X, y = _data()
    monkeypatch.setattr(P, "LOG_LIKELIHOOD_AUTO_MAX", 60 * 2 * 200 - 1)  # just below n x chains x draws
    post = _run(X, y)
    assert not has_group(post, "log_likelihood")  # on main: stored whatever its size
    note = post.posterior.attrs["log_likelihood"]
    assert "add_log_likelihood" in note and "log_likelihood=True" in note
    # explicit True still stores it; the same seed gives the same draws
    full = _run(X, y, log_likelihood=True)
    assert has_group(full, "log_likelihood")
    added = br.add_log_likelihood(post, progressbar=False)
    assert not has_group(post, "log_likelihood")  # the posterior passed in is not modified
    ll = added["log_likelihood"]["y"].values
    np.testing.assert_array_equal(ll, full["log_likelihood"]["y"].values)
    # independent reference: scipy's normal log density at every draw
    post_ds = added.posterior
    mu = post_ds["intercept"].values[..., None] + np.einsum("cdp,np->cdn", post_ds["beta"].values, X)
    ref = stats.norm.logpdf(y, loc=mu, scale=post_ds["sigma"].values[..., None])
    np.testing.assert_allclose(ll, ref, rtol=1e-12, atol=1e-12)
    assert "log_likelihood" not in added.posterior.attrs
    from bayesreg._upstream import import_arviz

    loo = import_arviz().loo(added)  # az.loo is one call away
    assert np.isfinite(float(getattr(loo, "elpd_loo", getattr(loo, "elpd", np.nan))))


def test_default_keeps_a_small_log_likelihood():
    X, y = _data()
    post = _run(X, y)
    assert has_group(post, "log_likelihood")
    assert "log_likelihood" not in post.posterior.attrs


def test_glm_log_likelihood_added_later_equals_the_one_stored():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 2))
    y01 = (X @ [1.0, -1.0] + rng.logistic(size=80) > 0).astype(float)
    kw = {"draws": 100, "chains": 2, "random_seed": 2, "progressbar": False, "check": False, "family": "bernoulli"}
    full = br.sample_posterior(X, y01, br.Gaussian(2.0), log_likelihood=True, **kw)
    bare = br.sample_posterior(X, y01, br.Gaussian(2.0), log_likelihood=False, **kw)
    added = br.add_log_likelihood(bare, progressbar=False)
    ll = added["log_likelihood"]["y"].values
    np.testing.assert_array_equal(ll, full["log_likelihood"]["y"].values)
    eta = added.posterior["intercept"].values[..., None] + np.einsum("cdp,np->cdn", added.posterior["beta"].values, X)
    np.testing.assert_allclose(ll, stats.bernoulli.logpmf(y01, 1.0 / (1.0 + np.exp(-eta))), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kw", [{"draws": 10**12}, {"chains": 10**9}, {"draws": 10**9, "chains": 10**4}])
def test_absurd_draws_are_refused_before_any_work_naming_the_argument(kw):
    X, y = _data()
    with pytest.raises(ValueError, match=r"draws=.*GB") as exc:  # on main: numpy's allocation error
        br.sample_posterior(X, y, br.Laplace(1.0), progressbar=False, **kw)
    assert "lower draws=" in str(exc.value)


def test_log_likelihood_argument_is_checked():
    X, y = _data()
    with pytest.raises(ValueError, match="log_likelihood must be 'auto', True or False"):
        br.sample_posterior(X, y, br.Laplace(1.0), log_likelihood="yes", progressbar=False)
    stats_only = br.SufficientStats.from_arrays(X, y)
    with pytest.raises(ValueError, match="log_likelihood"):
        br.sample_posterior(stats_only, prior=br.Laplace(1.0), log_likelihood=True, progressbar=False)
    post = br.sample_posterior(stats_only, prior=br.Laplace(1.0), draws=50, progressbar=False, check=False)
    assert not has_group(post, "log_likelihood")
    with pytest.raises(ValueError, match="no rows"):
        br.add_log_likelihood(post)


@pytest.mark.parametrize("est", [br.BayesianRegression(prior=br.Laplace(1.0), sigma=1.0, inference="posterior",
                                                       draws=200, chains=2, random_seed=3, progressbar=False),
                                 br.BayesianLogisticRegression(prior=br.Gaussian(1.0), inference="posterior",
                                                               draws=200, chains=2, random_seed=3,
                                                               progressbar=False)])  # fmt: skip
@pytest.mark.filterwarnings("ignore::bayesreg.exceptions.SamplingWarning")  # 200 draws: precision is not tested
def test_estimators_follow_the_auto_rule(monkeypatch, est):
    # the estimators store the pointwise log-likelihood under the same size rule (they passed True on main)
    X, y = _data()
    if isinstance(est, br.BayesianLogisticRegression):
        y = (y > 0).astype(int)
    monkeypatch.setattr(P, "LOG_LIKELIHOOD_AUTO_MAX", 60 * 2 * 200 - 1)
    assert not has_group(est.fit(X, y).idata_, "log_likelihood")
    monkeypatch.setattr(P, "LOG_LIKELIHOOD_AUTO_MAX", 60 * 2 * 200)
    assert has_group(est.fit(X, y).idata_, "log_likelihood")
