"""Sampler objects: one resolver for "auto", one run contract, one output shape."""

import numpy as np
import pytest

import bayesreg as br
from bayesreg.noise import parse_sigma
from bayesreg.sampling import ExactSampler, GibbsSampler, NUTSSampler, resolve_sampler


def data(n=40, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = 0.5 + X @ np.array([1.0, -0.5, 0.0, 0.25]) + 0.7 * rng.normal(size=n)
    return br.prepare_data(X, y)


def noise(s, d):
    return parse_sigma(s).resolve(d.y_var, d.X, d.y)


def test_auto_is_exact_then_gibbs_then_nuts():
    d = data()
    assert isinstance(resolve_sampler("auto", br.Gaussian(1.0), noise(0.7, d), d), ExactSampler)
    assert isinstance(resolve_sampler("auto", br.Gaussian(1.0), noise("default", d), d), GibbsSampler)
    assert isinstance(resolve_sampler("auto", br.Laplace(1.0), noise(0.7, d), d), GibbsSampler)
    assert isinstance(resolve_sampler("auto", br.ElasticNetPrior(1.0, 1.0), noise(0.7, d), d), NUTSSampler)
    assert isinstance(resolve_sampler("auto", br.Laplace(1.0), noise(0.7, d), d, likelihood="normal"), NUTSSampler)
    # settings go to the sampler built
    assert resolve_sampler("gibbs", br.Laplace(1.0), noise(0.7, d), d, tune=7).tune == 7


def test_a_sampler_that_does_not_apply_says_why():
    d = data()
    with pytest.raises(ValueError, match="Gaussian prior only"):
        resolve_sampler("exact", br.Laplace(1.0), noise(0.7, d), d)
    with pytest.raises(ValueError, match="no Gibbs sampler"):
        resolve_sampler("gibbs", br.ElasticNetPrior(1.0, 1.0), noise(0.7, d), d)
    with pytest.raises(ValueError, match="NUTS only"):
        resolve_sampler("gibbs", br.Laplace(1.0), noise(0.7, d), d, likelihood="normal")
    with pytest.raises(ValueError, match="sampler"):
        resolve_sampler("hmc", br.Laplace(1.0), noise(0.7, d), d)


def test_exact_and_gibbs_share_the_output_and_agree():
    # Gaussian prior, fixed sigma: Gibbs draws beta exactly from its conditional, which is the
    # posterior, so both samplers give i.i.d. draws of the same distribution; their means agree
    # within 4 Monte Carlo standard errors (sd / sqrt(2 * 2000) for the difference of two means)
    d = data()
    nz = noise(0.7, d)
    prior = br.Gaussian(1.0)
    kw = dict(draws=2000, chains=2, progressbar=False, log_likelihood=True, check=True)
    a = ExactSampler().run(d, prior, nz, random_seed=1, **kw)
    b = GibbsSampler(tune=10).run(d, prior, nz, random_seed=2, **kw)
    for idata in (a, b):
        assert idata.posterior["beta"].dims == ("chain", "draw", "feature")
        assert idata.log_likelihood["y"].shape == (2, 2000, 40)
        assert idata.constant_data["X"].shape == (40, 4)
        attrs = idata.posterior.attrs  # the diagnostics are stored with the result
        for key in ("rhat_max", "ess_bulk_min", "ess_tail_min", "divergences", "mcse_rel_max", "chains", "draws"):
            assert key in attrs
        assert attrs["diagnostics_ok"] == 1 and attrs["diagnostics_unchecked"] == ""
        assert attrs["chains"] == 2 and attrs["draws"] == 2000 and attrs["divergences"] == 0
        assert attrs["rhat_max"] < 1.01 and attrs["ess_bulk_min"] > 400
    ma, mb = (x.posterior["beta"].values.reshape(-1, 4) for x in (a, b))
    se = ma.std(axis=0) * np.sqrt(2.0 / ma.shape[0])
    assert np.all(np.abs(ma.mean(0) - mb.mean(0)) < 4 * se)
    ex = br.exact_posterior(d, None, prior, sigma=0.7)
    assert np.all(np.abs(ma.mean(0) - ex.mean) < 4 * ex.sd / np.sqrt(ma.shape[0]))
    # the same pointwise log-likelihood formula for both (checked at one draw by hand)
    beta, b0 = b.posterior["beta"].values[0, 0], b.posterior["intercept"].values[0, 0]
    r = d.y - b0 - d.X @ beta
    ref = -0.5 * np.log(2 * np.pi * 0.7**2) - 0.5 * (r / 0.7) ** 2
    np.testing.assert_allclose(b.log_likelihood["y"].values[0, 0], ref, rtol=1e-12)
