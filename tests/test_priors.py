"""Tests of bayesreg.priors against scipy.stats, numerical integration and PyMC."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

from bayesreg.priors import (
    ElasticNetPrior,
    GammaPrior,
    Gaussian,
    Horseshoe,
    InverseGammaPrior,
    Laplace,
    ParkCasella,
)

BETAS = [np.array([0.0]), np.array([0.3, -1.7, 2.2, 0.0]), np.linspace(-5.0, 5.0, 11)]

# tail probability of a |N(0,1)| beyond 4.5: every moment check below fails by chance with
# probability below 1e-5 (and the seeds are fixed, so the tests are deterministic anyway)
Z = 4.5


# ---------------------------------------------------------------- log densities


@pytest.mark.parametrize("scale", [0.05, 1.0, 7.5])
@pytest.mark.parametrize("beta", BETAS)
def test_laplace_logp_matches_scipy(scale, beta):
    ref = stats.laplace(loc=0.0, scale=scale).logpdf(beta).sum()
    assert Laplace(scale).logp(beta) == pytest.approx(ref, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("scale", [0.05, 1.0, 7.5])
@pytest.mark.parametrize("beta", BETAS)
def test_gaussian_logp_matches_scipy(scale, beta):
    ref = stats.norm(loc=0.0, scale=scale).logpdf(beta).sum()
    assert Gaussian(scale).logp(beta) == pytest.approx(ref, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("lam", "sigma"), [(1.0, 1.0), (3.0, 0.5), (0.2, 4.0)])
def test_park_casella_logp_is_laplace_sigma_over_lambda(lam, sigma):
    beta = BETAS[1]
    ref = stats.laplace(scale=sigma / lam).logpdf(beta).sum()
    assert ParkCasella(lam).logp(beta, sigma=sigma) == pytest.approx(ref, rel=1e-12)


def test_logp_of_scalar_and_of_stack_sums_every_entry():
    B = np.array([[0.1, -0.2, 0.3], [1.0, 2.0, -3.0]])
    for prior, ref in [
        (Laplace(0.7), stats.laplace(scale=0.7).logpdf(B).sum()),
        (Gaussian(0.7), stats.norm(scale=0.7).logpdf(B).sum()),
    ]:
        assert prior.logp(B) == pytest.approx(ref, rel=1e-12)
        assert prior.logp(0.4) == pytest.approx(prior.logp(np.array([0.4])), rel=1e-15)
    en = ElasticNetPrior(0.5, 2.0)
    assert en.logp(B) == pytest.approx(en.logp(B[0]) + en.logp(B[1]), rel=1e-12)


@pytest.mark.parametrize(
    ("b", "tau"),
    # tau/b from 0.002 (nearly Gaussian) to 200 (nearly Laplace): the erfcx form must stay finite
    [(1.0, 1.0), (0.3, 2.0), (5.0, 0.01), (0.01, 2.0), (2.0, 0.7)],
)
def test_elastic_net_prior_is_normalised(b, tau):
    prior = ElasticNetPrior(b, tau)
    width = 40.0 * min(b, tau)  # both factors are negligible beyond 40 of the smaller scale
    total = 2.0 * integrate.quad(lambda x: np.exp(prior.logp(x)), 0.0, width, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-9)
    # and the shape is the product of the two kernels
    x = np.array([-2.0 * b, 0.5 * tau, 3.0])
    shape = prior.logp(x) - 3 * prior.logp(0.0)
    assert shape == pytest.approx(-np.abs(x).sum() / b - (x @ x) / (2 * tau**2), rel=1e-12)


def test_elastic_net_prior_limits():
    # tau -> infinity: the Laplace(b) density; b -> infinity: the Gaussian(tau) density
    x = np.array([0.3, -1.2, 2.0])
    assert ElasticNetPrior(0.8, 1e6).logp(x) == pytest.approx(Laplace(0.8).logp(x), abs=1e-6)
    assert ElasticNetPrior(1e9, 0.8).logp(x) == pytest.approx(Gaussian(0.8).logp(x), abs=1e-6)


@pytest.mark.parametrize(("shape", "rate"), [(1.0, 1.0), (2.5, 0.3), (0.5, 10.0)])
def test_gamma_hyperprior_logp_matches_scipy(shape, rate):
    x = np.array([0.01, 0.5, 1.0, 7.0])
    ref = stats.gamma(a=shape, scale=1.0 / rate).logpdf(x).sum()
    assert GammaPrior(shape, rate).logp(x) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize(("shape", "scale"), [(1.0, 1.0), (2.5, 0.3), (0.5, 10.0)])
def test_inverse_gamma_hyperprior_logp_matches_scipy(shape, scale):
    x = np.array([0.01, 0.5, 1.0, 7.0])
    ref = stats.invgamma(a=shape, scale=scale).logpdf(x).sum()
    assert InverseGammaPrior(shape, scale).logp(x) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("hyper", [GammaPrior(2.0, 1.0), InverseGammaPrior(2.0, 1.0)])
def test_hyperprior_logp_outside_support_is_minus_inf_without_warnings(hyper):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hyper.logp(0.0) == -np.inf
        assert hyper.logp([1.0, -2.0]) == -np.inf
        assert np.isfinite(hyper.logp([1.0, 2.0]))


# ---------------------------------------------------------------- sampling


def _check_mean_and_var(draws, var, fourth):
    """Sample mean and variance of a symmetric, mean-zero law against Monte Carlo standard errors.

    se(mean) = sqrt(var / N); se(sample variance) = sqrt((E x^4 - var^2) / N).
    """
    n = draws.size
    assert abs(draws.mean()) < Z * np.sqrt(var / n)
    assert abs(np.mean(draws**2) - var) < Z * np.sqrt((fourth - var**2) / n)


def test_laplace_draws_moments():
    b = 1.7
    draws = Laplace(b).sample(40_000, rng=1)
    assert draws.shape == (40_000,)
    _check_mean_and_var(draws, var=2 * b**2, fourth=24 * b**4)  # Laplace: E x^4 = 4! b^4


def test_gaussian_draws_moments():
    t = 0.6
    draws = Gaussian(t).sample((200, 200), rng=2)
    assert draws.shape == (200, 200)
    _check_mean_and_var(draws.ravel(), var=t**2, fourth=3 * t**4)


def test_park_casella_draws_scale_with_sigma():
    lam, sigma = 2.0, 3.0
    draws = ParkCasella(lam).sample(40_000, rng=3, sigma=sigma)
    b = sigma / lam
    _check_mean_and_var(draws, var=2 * b**2, fourth=24 * b**4)


@pytest.mark.parametrize(("b", "tau"), [(1.0, 1.0), (0.2, 3.0), (4.0, 0.5)])
def test_elastic_net_draws_against_numerical_moments_and_cdf(b, tau):
    prior = ElasticNetPrior(b, tau)
    dens = lambda x: np.exp(prior.logp(x))  # noqa: E731
    width = 40.0 * min(b, tau)
    m2 = 2 * integrate.quad(lambda x: x**2 * dens(x), 0, width, epsabs=1e-14, limit=200)[0]
    m4 = 2 * integrate.quad(lambda x: x**4 * dens(x), 0, width, epsabs=1e-14, limit=200)[0]
    draws = prior.sample(40_000, rng=4)
    _check_mean_and_var(draws, var=m2, fourth=m4)
    assert 0.49 < np.mean(draws > 0) < 0.51  # symmetric: se = 0.0025, 4 se

    # CDF in closed form, derived independently: for x <= 0,
    # int_{-inf}^x exp(t/b - t^2/(2 tau^2)) dt / Z = Phi((x - tau^2/b)/tau) / (2 Phi(-tau/b))
    def cdf(x):
        x = np.asarray(x)
        lower = np.exp(stats.norm.logcdf((-np.abs(x) - tau**2 / b) / tau) - np.log(2) - stats.norm.logcdf(-tau / b))
        return np.where(x <= 0, lower, 1.0 - lower)

    assert cdf(0.0) == pytest.approx(0.5)
    assert stats.kstest(draws, cdf).pvalue > 1e-4


@pytest.mark.parametrize(("b", "tau"), [(1e-6, 1e6), (1e3, 1e-3)])
def test_elastic_net_draws_in_the_extreme_limits(b, tau):
    # tau/b = 1e12: a Laplace(b) for all purposes (|x| ~ Exp(mean b)); tau/b = 1e-6: a Gaussian(tau)
    draws = ElasticNetPrior(b, tau).sample(40_000, rng=8)
    if tau > b:
        assert stats.kstest(np.abs(draws), stats.expon(scale=b).cdf).pvalue > 1e-4
    else:
        assert stats.kstest(draws, stats.norm(scale=tau).cdf).pvalue > 1e-4


def test_horseshoe_draws_structure():
    s, sigma = 0.5, 2.0
    hs = Horseshoe(global_scale=s)
    d = hs.sample_hierarchy((3000, 4), rng=5, sigma=sigma)
    assert d["beta"].shape == (3000, 4) and d["lam_local"].shape == (3000, 4) and d["tau"].shape == (3000,)
    assert np.all(d["lam_local"] > 0) and np.all(d["tau"] > 0)
    # one global scale per vector, one local scale per coordinate, standard normal innovations
    z = d["beta"] / (d["lam_local"] * d["tau"][:, None] * sigma)
    assert stats.kstest(z.ravel(), "norm").pvalue > 1e-4
    assert stats.kstest(d["lam_local"].ravel(), stats.halfcauchy().cdf).pvalue > 1e-4
    assert stats.kstest(d["tau"], stats.halfcauchy(scale=s).cdf).pvalue > 1e-4
    # beta itself: with the same seed, sample() gives the same beta
    np.testing.assert_array_equal(hs.sample((3000, 4), rng=5, sigma=sigma), d["beta"])
    one = hs.sample_hierarchy(6, rng=6)
    assert one["beta"].shape == (6,) and np.ndim(one["tau"]) == 0


def test_horseshoe_has_no_closed_form_logp():
    with pytest.raises(NotImplementedError):
        Horseshoe().logp([0.1])


@pytest.mark.parametrize("hyper", [GammaPrior(3.0, 2.0), InverseGammaPrior(3.0, 2.0)])
def test_hyperprior_draws_match_scipy(hyper):
    draws = hyper.sample(20_000, rng=7)
    if isinstance(hyper, GammaPrior):
        ref = stats.gamma(a=3.0, scale=0.5)
    else:
        ref = stats.invgamma(a=3.0, scale=2.0)
    assert stats.kstest(draws, ref.cdf).pvalue > 1e-4


def test_sampling_is_reproducible_with_a_seed():
    for prior in (Laplace(1.0), Gaussian(1.0), ElasticNetPrior(1.0, 1.0)):
        np.testing.assert_array_equal(prior.sample(5, rng=11), prior.sample(5, rng=11))


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda v: Laplace(v), "scale"),
        (lambda v: Gaussian(v), "scale"),
        (lambda v: ParkCasella(v), "lam"),
        (lambda v: ElasticNetPrior(v, 1.0), "l1_scale"),
        (lambda v: ElasticNetPrior(1.0, v), "l2_scale"),
        (lambda v: Horseshoe(v), "global_scale"),
        (lambda v: GammaPrior(v, 1.0), "shape"),
        (lambda v: GammaPrior(1.0, v), "rate"),
        (lambda v: InverseGammaPrior(1.0, v), "scale"),
    ],
)
@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_nonpositive_scales_raise_naming_them(make, name, bad):
    with pytest.raises(ValueError, match=name):
        make(bad)


def test_wrong_types_raise():
    with pytest.raises(TypeError, match="scale"):
        Laplace("1")
    with pytest.raises(TypeError, match="lam2_prior"):
        ParkCasella(1.0, lam2_prior=InverseGammaPrior())
    with pytest.raises(TypeError, match="tau2_prior"):
        Gaussian(1.0, tau2_prior=GammaPrior())
    with pytest.raises(ValueError, match="sigma"):
        ParkCasella(1.0).logp([0.1], sigma=0.0)


def test_priors_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Laplace(1.0).scale = 2.0


# ---------------------------------------------------------------- PyMC


@pytest.fixture(scope="module")
def pm():
    from bayesreg._upstream import import_pymc  # links PyTensor to BLAS before its first import

    return import_pymc()


COORDS = {"feature": ["a", "b", "c", "d"]}
BETA = np.array([0.3, -1.7, 2.2, 0.0])


@pytest.mark.parametrize(
    "prior",
    [Laplace(0.7), Gaussian(1.3), ElasticNetPrior(0.4, 2.0), ElasticNetPrior(3.0, 0.2), ParkCasella(2.0)],
    ids=repr,
)
def test_to_pymc_logp_equals_logp(pm, prior):
    sigma = 1.5
    with pm.Model(coords=COORDS) as model:
        rv = prior.to_pymc("beta", dims="feature", sigma=sigma)
    assert model.named_vars_to_dims["beta"] == ("feature",)
    assert pm.draw(rv, random_seed=1).shape == (4,)
    got = model.compile_logp()({"beta": BETA})
    ref = prior.logp(BETA, sigma=sigma) if isinstance(prior, ParkCasella) else prior.logp(BETA)
    assert got == pytest.approx(ref, rel=1e-10)


def test_to_pymc_elastic_net_prior_draws(pm):
    prior = ElasticNetPrior(0.5, 1.0)
    with pm.Model(coords={"feature": np.arange(20_000)}):
        rv = prior.to_pymc("beta", dims="feature")
    draws = pm.draw(rv, random_seed=2)
    assert draws.shape == (20_000,)
    m2 = 2 * integrate.quad(lambda x: x**2 * np.exp(prior.logp(x)), 0, 20, epsabs=1e-14)[0]
    m4 = 2 * integrate.quad(lambda x: x**4 * np.exp(prior.logp(x)), 0, 20, epsabs=1e-14)[0]
    _check_mean_and_var(draws, var=m2, fourth=m4)


def test_to_pymc_hyperpriors(pm):
    sigma = 1.5
    pc = ParkCasella(2.0, lam2_prior=GammaPrior(1.5, 0.5))
    with pm.Model(coords=COORDS) as m1:
        pc.to_pymc("beta", dims="feature", sigma=sigma)
    assert {v.name for v in m1.free_RVs} == {"lam2", "beta"}
    assert [v.name for v in m1.deterministics] == ["lam"]
    assert m1.initial_point()["lam2_log__"] == pytest.approx(np.log(4.0))  # starts at lam = 2
    lam2 = 2.7
    got = m1.compile_logp(jacobian=False)({"lam2_log__": np.log(lam2), "beta": BETA})
    ref = stats.gamma(a=1.5, scale=2.0).logpdf(lam2) + stats.laplace(scale=sigma / np.sqrt(lam2)).logpdf(BETA).sum()
    assert got == pytest.approx(ref, rel=1e-10)

    g = Gaussian(1.3, tau2_prior=InverseGammaPrior(2.0, 1.0))
    with pm.Model(coords=COORDS) as m2:
        g.to_pymc("beta", dims="feature")
    assert {v.name for v in m2.free_RVs} == {"tau2", "beta"}
    assert [v.name for v in m2.deterministics] == ["tau"]
    tau2 = 0.8
    got = m2.compile_logp(jacobian=False)({"tau2_log__": np.log(tau2), "beta": BETA})
    ref = stats.invgamma(a=2.0, scale=1.0).logpdf(tau2) + stats.norm(scale=np.sqrt(tau2)).logpdf(BETA).sum()
    assert got == pytest.approx(ref, rel=1e-10)

    # an explicit value overrides the hyperprior
    with pm.Model(coords=COORDS) as m3:
        g.to_pymc("beta", dims="feature", tau=2.0)
    assert [v.name for v in m3.free_RVs] == ["beta"]


@pytest.mark.parametrize("hyper", [GammaPrior(2.0, 3.0), InverseGammaPrior(2.0, 3.0)], ids=repr)
def test_hyperprior_to_pymc_logp(pm, hyper):
    with pm.Model() as model:
        hyper.to_pymc("h")
    x = 0.9
    got = model.compile_logp(jacobian=False)({"h_log__": np.log(x)})
    assert got == pytest.approx(hyper.logp(x), rel=1e-10)


def test_horseshoe_to_pymc_structure(pm):
    sigma = 2.0
    with pm.Model(coords=COORDS) as model:
        beta = Horseshoe(global_scale=0.3).to_pymc("beta", dims="feature", sigma=sigma)
    assert {v.name for v in model.free_RVs} == {"tau", "lam_local", "beta_z"}
    assert model.named_vars_to_dims["lam_local"] == ("feature",)
    assert model.named_vars_to_dims["beta"] == ("feature",)
    b, z, lam, tau = pm.draw([beta, model["beta_z"], model["lam_local"], model["tau"]], random_seed=3)
    np.testing.assert_allclose(b, z * lam * tau * sigma, rtol=1e-12)
    # the log density is half-Cauchy(0.3) + half-Cauchy(1) x 4 + N(0, 1) x 4
    pt = {"tau_log__": np.log(0.5), "lam_local_log__": np.log([0.2, 1.0, 3.0, 0.7]), "beta_z": BETA}
    got = model.compile_logp(jacobian=False)(pt)
    ref = (
        stats.halfcauchy(scale=0.3).logpdf(0.5)
        + stats.halfcauchy().logpdf([0.2, 1.0, 3.0, 0.7]).sum()
        + stats.norm().logpdf(BETA).sum()
    )
    # PyMC's own HalfCauchy logp carries a ~2e-9 error per term (a low-precision constant
    # inside PyMC, not ours): five terms, so 1e-7 absolute
    assert got == pytest.approx(ref, abs=1e-7)
