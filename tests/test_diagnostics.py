"""check_sampling: warns on divergences, R-hat > 1.01 and low ESS, says how many; quiet on good draws.

The draws are constructed so that the answer is known: independent normal draws (R-hat ~ 1, ESS ~
the number of draws), chains with different means (R-hat far above 1.01), a random walk (ESS a
handful), and divergence flags set by hand.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from _stack import posterior_data

from bayesreg.diagnostics import check_sampling, sampling_summary, summary_attrs
from bayesreg.exceptions import SamplingWarning


def _idata(posterior, diverging=None):
    chains, draws = next(iter(posterior.values())).shape[:2]
    stats = {"diverging": np.zeros((chains, draws), bool) if diverging is None else diverging}
    return posterior_data(posterior, sample_stats=stats, coords={"feature": ["a", "b", "c"]},
                          dims={"beta": ["feature"]})  # fmt: skip


def _good(rng, chains=4, draws=1000):
    return {"beta": rng.standard_normal((chains, draws, 3)), "intercept": rng.standard_normal((chains, draws))}


def test_good_draws_are_quiet():
    idata = _idata(_good(np.random.default_rng(0)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = check_sampling(idata)
    assert s["divergences"] == 0 and s["rhat_bad"] == [] and s["ess_bad"] == []
    assert s["n_params"] == 4 and s["rhat_max"] < 1.01 and s["ess_bulk_min"] > 400


def test_divergences_are_counted():
    rng = np.random.default_rng(1)
    div = np.zeros((4, 1000), bool)
    div[0, :7] = True
    div[3, 500] = True
    with pytest.warns(SamplingWarning, match=r"8 of 4000 post-tuning transitions diverged.*target_accept"):
        check_sampling(_idata(_good(rng), div))


def test_chains_that_disagree_raise_rhat():
    rng = np.random.default_rng(2)
    post = _good(rng)
    post["beta"][1, :, 2] += 3.0  # one chain elsewhere for one coefficient
    with pytest.warns(SamplingWarning) as rec:
        s = check_sampling(_idata(post))
    msgs = [str(w.message) for w in rec]
    rhat_msg = [m for m in msgs if "R-hat" in m]
    assert len(rhat_msg) == 1
    assert re.search(r"R-hat above 1.01 for 1 of 4 parameters", rhat_msg[0])
    assert "beta[c]" in rhat_msg[0] and "more chains" in rhat_msg[0]
    assert s["rhat_bad"] == ["beta[c]"] and s["rhat_max"] > 1.1


def test_random_walk_has_low_ess():
    rng = np.random.default_rng(3)
    post = _good(rng)
    post["intercept"] = np.cumsum(rng.standard_normal((4, 1000)), axis=1)
    with pytest.warns(SamplingWarning) as rec:  # a random walk also has a large R-hat
        s = check_sampling(_idata(post))
    msgs = [str(w.message) for w in rec]
    assert any(re.search(r"effective sample size below 100 per chain .*intercept.*draws=", m) for m in msgs)
    assert "intercept" in s["ess_bad"] and s["ess_bulk_min"] < 100


def test_constant_variables_are_skipped():
    rng = np.random.default_rng(4)
    post = _good(rng)
    post["sigma"] = np.full((4, 1000), 0.5)  # a fixed value stored for reference
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sampling_summary(_idata(post))
    assert s["n_params"] == 4


def test_single_chain_says_rhat_was_not_checked_and_checks_ess():
    rng = np.random.default_rng(5)
    post = {"beta": rng.standard_normal((1, 50, 3)), "intercept": rng.standard_normal((1, 50))}
    with pytest.warns(SamplingWarning) as rec:
        s = check_sampling(_idata(post))
    messages = [str(w.message) for w in rec]
    assert any("single chain" in m and "R-hat" in m for m in messages)  # said, not skipped silently
    assert any("effective sample size" in m for m in messages)
    assert s["rhat_bad"] == [] and np.isnan(s["rhat_max"]) and s["unchecked"]
    # independent draws (the exact posterior) need no R-hat: one chain of them is fine
    good = {"beta": rng.standard_normal((1, 2000, 3)), "intercept": rng.standard_normal((1, 2000))}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = check_sampling(_idata(good), mcmc=False)
    assert s["unchecked"] == [] and summary_attrs(s)["diagnostics_ok"] == 1


@pytest.mark.parametrize("draws", [1, 3])
def test_too_few_draws_are_said(draws):
    rng = np.random.default_rng(6)
    post = {"beta": rng.standard_normal((2, draws, 3)), "intercept": rng.standard_normal((2, draws))}
    with pytest.warns(SamplingWarning, match=f"Only {draws} draws? per chain"):
        s = check_sampling(_idata(post))
    attrs = summary_attrs(s)
    assert attrs["diagnostics_ok"] == 0 and "nothing about convergence was checked" in attrs["diagnostics_unchecked"]
    assert np.isnan(attrs["rhat_max"]) and np.isnan(attrs["ess_bulk_min"])


def test_mcse_is_the_standard_error_of_the_mean():
    # independent N(0, 1) draws: MCSE of the mean = sd / sqrt(N), so MCSE / sd = 1 / sqrt(N);
    # the largest over 4 parameters is within 10% of it (ESS estimates vary by a few percent)
    rng = np.random.default_rng(7)
    s = sampling_summary(_idata(_good(rng, chains=4, draws=2500)))
    assert s["mcse_rel_max"] == pytest.approx(1 / np.sqrt(10000), rel=0.1)
    # a random walk has far larger MCSE than its sd / sqrt(N)
    walk = {"beta": np.cumsum(rng.standard_normal((4, 2500, 3)), axis=1), "intercept": rng.standard_normal((4, 2500))}
    assert sampling_summary(_idata(walk))["mcse_rel_max"] > 10 / np.sqrt(10000)


def test_nonfinite_draws_are_said_and_mark_the_result_bad():
    rng = np.random.default_rng(8)
    post = _good(rng)
    post["intercept"][1, 10] = np.nan
    with pytest.warns(SamplingWarning, match="draws of intercept contain NaN or infinite values"):
        s = check_sampling(_idata(post))
    attrs = summary_attrs(s)
    assert attrs["diagnostics_ok"] == 0 and attrs["nonfinite_vars"] == "intercept"
    assert s["n_params"] == 3  # beta's three coordinates are still checked
