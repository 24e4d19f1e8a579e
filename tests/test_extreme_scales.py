"""Extreme but valid scales and sigmas (issue 14, item 4): a correct finite result, or a ValueError up front.

Every scale (``sigma``, a prior's ``scale``/``lam``/``global_scale``, the elastic net's two
scales, ``tau``) must lie in ``SCALE_RANGE = [1e-150, 1e150]``: the model squares each of them,
and float64 holds squares as normal numbers only between 2.2e-308 and 1.8e308. Inside the range
the results are checked against the 50-digit reference of ``tests/_decimal_ref.py`` (no over- or
underflow there), least squares, or the lasso's optimality conditions. A combination whose penalty
weight is not a normal float64 (``sigma^2 / (n b)`` under- or overflowing) is refused by the
mapping with the inputs named. Never a ZeroDivisionError, an OverflowError or a NaN.
"""

import re
import warnings

import numpy as np
import pytest
from _decimal_ref import reference

from bayesreg import (
    ElasticNetPrior,
    Gaussian,
    Horseshoe,
    Laplace,
    ParkCasella,
    exact_posterior,
    log_marginal_likelihood,
    map_estimate,
    mapping,
    sample_posterior,
)
from bayesreg.exceptions import EmptyMAPWarning
from bayesreg.noise import parse_sigma
from bayesreg.priors import SCALE_RANGE
from bayesreg.solvers import ridge

VALUES = [1e-300, 1e-200, 1e-100, 1e100, 1e200, 1e300, 1e308]
INSIDE = [v for v in VALUES if SCALE_RANGE[0] <= v <= SCALE_RANGE[1]]
OUTSIDE = [v for v in VALUES if v not in INSIDE]
RANGE = re.escape("[1e-150, 1e+150]")
RTOL = 1e-10  # closed forms on a well-conditioned 40 x 5 design: a few hundred eps


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = 1.0 + X @ np.array([1.0, -2.0, 0.5, 0.0, 0.0]) + 0.3 * rng.standard_normal(40)
    return X, y


def least_squares(X, y):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.linalg.lstsq(Xc, yc, rcond=None)[0]


def test_scale_range_is_what_float64_squares_allow():
    lo, hi = SCALE_RANGE
    tiny, huge = np.finfo(np.float64).tiny, np.finfo(np.float64).max
    # squares and reciprocal squares of every admitted scale are normal floats, with >= 1e7 to spare
    for v in (lo, hi):
        for sq in (v * v, 1.0 / (v * v)):
            assert tiny * 1e7 <= sq <= huge / 1e7


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    "make,name",
    [
        (lambda v: Laplace(v), "scale"),
        (lambda v: Gaussian(v), "scale"),
        (lambda v: ParkCasella(v), "lam"),
        (lambda v: ElasticNetPrior(v, 1.0), "l1_scale"),
        (lambda v: ElasticNetPrior(1.0, v), "l2_scale"),
        (lambda v: Horseshoe(v), "global_scale"),
        (lambda v: parse_sigma(v), "sigma"),
    ],
)
def test_scales_outside_the_range_are_refused_at_construction(make, name, value):
    if value in INSIDE:
        make(value)
    else:
        with pytest.raises(ValueError, match=rf"^{name} must lie in {RANGE}; got {re.escape(repr(value))}"):
            make(value)


@pytest.mark.parametrize("value", OUTSIDE)
@pytest.mark.parametrize(
    "call",
    [
        lambda X, y, v: map_estimate(X, y, Laplace(1.0), sigma=v),
        lambda X, y, v: exact_posterior(X, y, Gaussian(1.0), sigma=v),
        lambda X, y, v: log_marginal_likelihood(X, y, 1.0, sigma=v),
        lambda X, y, v: sample_posterior(X, y, Laplace(1.0), sigma=v, sampler="gibbs", draws=10, tune=0, chains=1),
        lambda X, y, v: mapping.lasso_alpha(1.0, sigma=v, n_samples=40),
        lambda X, y, v: mapping.to_sklearn(Gaussian(1.0), sigma=v, n_samples=40),
    ],
    ids=["map_estimate", "exact_posterior", "log_marginal_likelihood", "gibbs", "lasso_alpha", "to_sklearn"],
)
def test_sigma_outside_the_range_is_refused_by_every_entry_point(call, value):
    X, y = data()
    with pytest.raises(ValueError, match=rf"^sigma must lie in {RANGE}"):
        call(X, y, value)


@pytest.mark.parametrize("value", OUTSIDE)
def test_tau_outside_the_range_is_refused_by_the_evidence(value):
    X, y = data()
    with pytest.raises(ValueError, match=rf"^tau must lie in {RANGE}"):
        log_marginal_likelihood(X, y, value, sigma=1.0)


EDGES = [1e-150, 1e-100, 1.0, 1e100, 1e150]


@pytest.mark.parametrize("sigma", EDGES)
@pytest.mark.parametrize("tau", EDGES)
def test_exact_posterior_and_evidence_for_every_admitted_pair(sigma, tau):
    # lambda = (sigma/tau)^2 spans 1e-600 .. 1e600: it under- or overflows, the posterior does not
    X, y = data()
    ref = reference(X, y, tau, sigma)
    post = exact_posterior(X, y, Gaussian(tau), sigma=sigma)
    scale = max(np.abs(ref["mean"]).max(), np.finfo(float).tiny)
    np.testing.assert_allclose(post.mean, ref["mean"], rtol=RTOL, atol=RTOL * scale)
    np.testing.assert_allclose(post.sd, ref["sd"], rtol=RTOL)
    assert post.intercept_sd == pytest.approx(ref["intercept_sd"], rel=RTOL, abs=0.0)
    lml = log_marginal_likelihood(X, y, tau, sigma=sigma)
    assert np.isfinite(lml)
    assert lml == pytest.approx(ref["log_ml"], rel=1e-11, abs=0.0)
    beta, intercept = post.sample_arrays(draws=5, chains=1, random_seed=0)
    assert np.all(np.isfinite(beta)) and np.all(np.isfinite(intercept))


@pytest.mark.parametrize("value", VALUES)
def test_ridge_alpha_extremes(value):
    X, y = data()
    n = X.shape[0]
    if not np.isfinite(n * value):
        with pytest.raises(ValueError, match=r"^alpha = 1e\+308 is too large for n = 40 rows"):
            ridge(X, y, value)
        return
    got = ridge(X, y, value).coef
    ref = reference(X, y, 0, 0, ridge_shift=n * value)["mean"]
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=RTOL * np.abs(ref).max())


@pytest.mark.parametrize("tau", EDGES)
def test_gaussian_map_is_the_closed_form_ridge_at_every_admitted_scale(tau):
    X, y = data()
    got = map_estimate(X, y, Gaussian(tau), sigma=1.0).coef
    ref = reference(X, y, tau, 1.0, cov=False)["mean"]
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=RTOL * np.abs(ref).max())


@pytest.mark.parametrize(
    "prior,sigma",
    [(Laplace(1.0), 1e-150), (Laplace(1.0), 1e-100), (Laplace(1e100), 1.0), (Laplace(1e150), 1.0),
     (Laplace(1.0), 1e100), (Laplace(1.0), 1e150), (Laplace(1e-100), 1.0), (Laplace(1e-150), 1.0)],
)  # fmt: skip
def test_laplace_map_at_extreme_admitted_scales(prior, sigma):
    X, y = data()
    n = X.shape[0]
    alpha = mapping.lasso_alpha(prior.scale, sigma=sigma, n_samples=n)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alpha_max = np.abs(Xc.T @ yc).max() / n
    if alpha >= alpha_max:
        # the lasso's optimality condition: beta = 0 exactly when alpha >= ||X_c^T y_c||_inf / n, and the
        # empty MAP says so (elsewhere no EmptyMAPWarning: the suite's filter makes one an error)
        with pytest.warns(EmptyMAPWarning, match="the MAP is empty"):
            res = map_estimate(X, y, prior, sigma=sigma)
        assert np.all(res.coef == 0.0)
        return
    res = map_estimate(X, y, prior, sigma=sigma)
    # alpha <= 1e-100: the lasso is least squares up to alpha n ||G^{-1}||, far below the solver's
    # stopping rule, gap <= 1e-14 ||y_c||^2 / n; strong convexity (modulus e_min / n) turns that gap
    # into ||beta - beta*|| <= sqrt(2 * 1e-14 ||y_c||^2 / e_min)
    assert alpha <= 1e-100 and res.converged
    e_min = np.linalg.eigvalsh(Xc.T @ Xc)[0]
    bound = np.sqrt(2e-14 * (yc @ yc) / e_min)
    assert np.linalg.norm(res.coef - least_squares(X, y)) <= bound


@pytest.mark.parametrize(
    "call,side,names",
    [
        (lambda: mapping.lasso_alpha(1e150, sigma=1e-150, n_samples=40), "underflows", ("scale", "sigma")),
        (lambda: mapping.lasso_alpha(1e-150, sigma=1e150, n_samples=40), "overflows", ("scale", "sigma")),
        (lambda: mapping.ridge_alpha(1e150, sigma=1e-150), "underflows", ("scale", "sigma")),
        (lambda: mapping.ridge_alpha(1e-150, sigma=1e150), "overflows", ("scale", "sigma")),
        (lambda: mapping.park_casella_alpha(1e-150, sigma=1e-150, n_samples=10**9), "underflows", ("lam", "sigma")),
        (lambda: mapping.prior_to_penalty(Gaussian(1e150), sigma=1e-150, n_samples=40), "underflows",
         ("scale", "sigma")),
        (lambda: mapping.prior_to_penalty(ElasticNetPrior(1e150, 1e150), sigma=1e-150, n_samples=40), "underflows",
         ("l1_scale", "l2_scale")),
        (lambda: map_estimate(*data(), Laplace(1e150), sigma=1e-150), "underflows", ("scale", "sigma")),
    ],
)  # fmt: skip
def test_penalty_weights_out_of_float64_are_refused_naming_the_inputs(call, side, names):
    with pytest.raises(ValueError, match=side) as info:
        call()
    for nm in names:
        assert f"{nm}=" in str(info.value)


def test_inverse_mappings_refuse_scales_outside_the_range():
    with pytest.raises(ValueError, match="Laplace scale .* outside the usable range"):
        mapping.laplace_scale(1e-300, sigma=1.0, n_samples=40)
    with pytest.raises(ValueError, match="Gaussian scale .* outside the usable range"):
        mapping.gaussian_scale(1e-310, sigma=1.0)
    with pytest.raises(ValueError, match="Park-Casella lam .* outside the usable range"):
        mapping.park_casella_lam(1e200, sigma=1.0, n_samples=40)
    # and the round trips hold at admitted extremes
    a = mapping.lasso_alpha(1e100, sigma=1e-100, n_samples=40)
    assert mapping.laplace_scale(a, sigma=1e-100, n_samples=40) == pytest.approx(1e100, rel=1e-15, abs=0.0)


@pytest.mark.parametrize("sigma", [1e-150, 1e-100, 1e100, 1e150])
@pytest.mark.parametrize("prior", [Laplace(1.0), Gaussian(1.0)])
def test_gibbs_at_extreme_admitted_sigma_gives_finite_draws(prior, sigma):
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short chains: diagnostics may warn
        idata = sample_posterior(X, y, prior, sigma=sigma, sampler="gibbs", draws=200, tune=50, chains=1,
                                 random_seed=1, progressbar=False)  # fmt: skip
    beta = idata.posterior["beta"].values
    assert np.all(np.isfinite(beta))


@pytest.mark.parametrize("scale", [1e-150, 1e-100, 1e100, 1e150])
def test_gibbs_gaussian_prior_at_extreme_admitted_scales_has_the_exact_spread(scale):
    # the exact posterior is the reference: its sd along each coordinate (1e-150 .. O(1))
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = sample_posterior(X, y, Gaussian(scale), sigma=1.0, sampler="gibbs", draws=2000, tune=100, chains=1,
                                 random_seed=1, progressbar=False)  # fmt: skip
    beta = idata.posterior["beta"].values.reshape(-1, 5)
    sd = exact_posterior(X, y, Gaussian(scale), sigma=1.0).sd
    # the sample sd of 2000 near-independent draws is within ~5 * sd / sqrt(2 * 2000) = 8% of the truth
    np.testing.assert_allclose(beta.std(axis=0), sd, rtol=0.1)


def test_gibbs_laplace_prior_with_a_tiny_admitted_scale_has_the_prior_spread():
    # b / sigma = 1e-100: the likelihood is negligible, the posterior is the prior, sd sqrt(2) b
    X, y = data()
    b = 1e-100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = sample_posterior(X, y, Laplace(b), sigma=1.0, sampler="gibbs", draws=2000, tune=100, chains=1,
                                 random_seed=1, progressbar=False)  # fmt: skip
    sd = idata.posterior["beta"].values.std()
    assert sd == pytest.approx(np.sqrt(2.0) * b, rel=0.1, abs=0.0)


def test_type_ii_ml_is_scale_equivariant_down_to_the_range_and_refuses_beyond_it():
    from bayesreg import choose_prior_scale

    X, y = data()
    base = choose_prior_scale(X, y, "gaussian", sigma=None)
    # y in units 1e140 times larger: the profile's slope in log(tau^2/sigma^2) does not depend on the
    # units, so the same ratio is found and tau, sigma scale by exactly 1e-140 (up to rounding)
    small = choose_prior_scale(X, y * 1e-140, "gaussian", sigma=None)
    assert small.scale == pytest.approx(base.scale * 1e-140, rel=1e-8, abs=0.0)
    assert small.sigma == pytest.approx(base.sigma * 1e-140, rel=1e-8, abs=0.0)
    with pytest.raises(ValueError, match=rf"type-II maximum-likelihood tau = .* outside the usable range {RANGE}"):
        choose_prior_scale(X, y * 1e-160, "gaussian", sigma=None)
