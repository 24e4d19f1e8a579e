"""Likelihood families: each quantity against an independent reference.

References: scipy.stats log densities (the negative log-likelihood), central finite differences
(gradient and IRLS weights), a numerical supremum by scipy.optimize (the Fenchel conjugate),
and the direct Fenchel-Young formula (the stable Bregman form).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

from bayesreg.families import FAMILY_NAMES, Bernoulli, Binomial, Family, Poisson, family
from bayesreg.families import GaussianFamily as Gaussian

# (family, y, trials) triples at moderate values: interior and boundary targets
CASES = [
    (Gaussian(), np.array([-1.3, 0.0, 2.5]), None),
    (Bernoulli(), np.array([0.0, 1.0, 1.0]), None),
    (Binomial(), np.array([0.0, 3.0, 7.0]), np.array([5.0, 5.0, 7.0])),
    (Poisson(), np.array([0.0, 1.0, 6.0]), None),
]
IDS = ["gaussian", "bernoulli", "binomial", "poisson"]
ETA = np.array([-1.7, 0.3, 1.1])


# ------------------------------------------------------------------------------------------------
# parsing
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("word, cls", [("gaussian", Gaussian), ("Bernoulli", Bernoulli), (" binomial ", Binomial),
                                       ("POISSON", Poisson)])
def test_family_parses_the_four_words(word, cls):
    fam = family(word)
    assert type(fam) is cls
    assert fam.name == word.strip().lower()


def test_family_instance_is_returned_as_is():
    fam = Binomial(trials=4)
    assert family(fam) is fam


@pytest.mark.parametrize("bad", ["logistic", "normal", ""])
def test_unknown_family_word_lists_the_words(bad):
    with pytest.raises(ValueError, match="family must be one of") as info:
        family(bad)
    for word in FAMILY_NAMES:
        assert repr(word) in str(info.value)


def test_family_of_wrong_type():
    with pytest.raises(TypeError, match="family must be one of"):
        family(3)


def test_links():
    assert [family(w).link for w in FAMILY_NAMES] == ["identity", "logit", "logit", "log"]


# ------------------------------------------------------------------------------------------------
# the likelihood itself against scipy.stats
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fam, y, m", CASES, ids=IDS)
def test_nll_matches_scipy_stats(fam, y, m):
    mu = fam.mean(ETA, m)
    if isinstance(fam, Gaussian):
        ref = -stats.norm.logpdf(y, loc=mu, scale=1.0)
    elif isinstance(fam, Binomial):
        mm = np.ones_like(y) if m is None else m
        ref = -stats.binom.logpmf(y, mm.astype(int), mu / mm)
    else:
        ref = -stats.poisson.logpmf(y, mu)
    np.testing.assert_allclose(fam.nll(y, ETA, m), ref, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("fam, y, m", CASES, ids=IDS)
def test_loss_is_nll_minus_saturated_nll(fam, y, m):
    # the saturated model's predictor: mean = y; boundary targets reach it only in the limit,
    # where the saturated nll is 0 (Bernoulli/binomial at 0 or m, Poisson at 0)
    if isinstance(fam, Gaussian):
        sat = fam.nll(y, y, m)
    elif isinstance(fam, Binomial):
        mm = np.ones_like(y) if m is None else m
        interior = (y > 0) & (y < mm)
        eta_sat = np.where(interior, np.log(np.where(interior, y, 1.0)) - np.log(np.where(interior, mm - y, 1.0)), 0.0)
        sat = np.where(interior, fam.nll(y, eta_sat, m), -stats.binom.logpmf(y, mm.astype(int), y / mm))
    else:
        sat = np.where(y > 0, -stats.poisson.logpmf(y, np.maximum(y, 1e-300)), 0.0)
    np.testing.assert_allclose(fam.loss(y, ETA, m), fam.nll(y, ETA, m) - sat, rtol=1e-12, atol=1e-13)
    assert np.all(fam.loss(y, ETA, m) >= 0.0)


@pytest.mark.parametrize("fam, y, m", CASES, ids=IDS)
def test_gradient_and_weights_against_finite_differences(fam, y, m):
    h = 1e-5
    num_grad = (fam.loss(y, ETA + h, m) - fam.loss(y, ETA - h, m)) / (2 * h)
    num_w = (fam.gradient(y, ETA + h, m) - fam.gradient(y, ETA - h, m)) / (2 * h)
    # central differences: error ~ h^2 * |third derivative| (< 1e-9 here)
    np.testing.assert_allclose(fam.gradient(y, ETA, m), num_grad, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(fam.weights(ETA, m), num_w, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("fam, y, m", CASES, ids=IDS)
def test_conjugate_is_the_numerical_supremum(fam, y, m):
    """loss*(u) = sup_eta u eta - loss(eta), computed by a bounded scalar minimisation."""
    mm = np.ones_like(y) if m is None else m
    for i in range(y.size):
        # dual points inside the domain: s = u + y in (0, m) or s > 0
        s_values = [0.2 * mm[i], 0.7 * mm[i]] if isinstance(fam, Binomial) else [0.4, 3.0]
        for s in s_values:
            u = s - y[i]
            sl = slice(i, i + 1)

            def neg(e, u=u, sl=sl):
                return -(u * e - fam.loss(y[sl], np.array([e]), None if m is None else m[sl])[0])

            res = optimize.minimize_scalar(neg, bounds=(-40, 40), method="bounded",
                                           options={"xatol": 1e-12})
            got = fam.conjugate(np.array([u]), y[sl], None if m is None else m[sl])[0]
            np.testing.assert_allclose(got, -res.fun, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("fam, y, m", CASES[1:], ids=IDS[1:])
def test_conjugate_is_infinite_outside_its_domain(fam, y, m):
    mm = np.ones_like(y) if m is None else m
    below = -y - 0.5  # s = -0.5 < 0
    assert np.all(np.isinf(fam.conjugate(below, y, m)))
    if isinstance(fam, Binomial):
        above = mm - y + 0.5  # s = m + 0.5
        assert np.all(np.isinf(fam.conjugate(above, y, m)))


@pytest.mark.parametrize("fam, y, m", CASES, ids=IDS)
def test_fenchel_young_equals_the_direct_formula(fam, y, m):
    mm = np.ones_like(y) if m is None else m
    s = 0.35 * mm if isinstance(fam, Binomial) else np.array([0.5, 2.0, 4.0])
    theta = s - y
    direct = fam.loss(y, ETA, m) + fam.conjugate(theta, y, m) - theta * ETA
    np.testing.assert_allclose(fam.fenchel_young(y, ETA, theta, m), direct, rtol=1e-10, atol=1e-12)
    # zero at theta = gradient (Fenchel-Young equality)
    assert np.all(fam.fenchel_young(y, ETA, fam.gradient(y, ETA, m), m) == 0.0)


@given(
    name=st.sampled_from(IDS),
    eta=st.floats(-30, 30),
    frac=st.floats(0, 1),
    k=st.integers(0, 6),
)
def test_fenchel_young_is_nonnegative(name, eta, frac, k):
    fam, _, _ = CASES[IDS.index(name)]
    if isinstance(fam, Binomial) and not isinstance(fam, Bernoulli):
        m = np.array([6.0])
        y = np.array([float(k)])
        s = frac * 6.0
    elif isinstance(fam, Bernoulli):
        m, y, s = None, np.array([float(k % 2)]), frac
    else:
        m, y, s = None, np.array([float(k)]), 10.0 * frac - (5.0 if isinstance(fam, Gaussian) else 0.0)
    theta = np.array([s]) - y
    val = fam.fenchel_young(y, np.array([eta]), theta, m)[0]
    assert val >= 0.0


# ------------------------------------------------------------------------------------------------
# numerics at extreme linear predictors
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("eta", [1e3, -1e3, 1e5, -1e5, 1e300])
def test_bernoulli_is_finite_and_exact_far_out(eta):
    fam = Bernoulli()
    e = np.array([eta, eta])
    y = np.array([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact here
            loss = fam.loss(y, e)
            grad = fam.gradient(y, e)
            w = fam.weights(e)
    # wrong-side label: log(1 + e^|eta|) = |eta| to double precision; right side: e^-|eta| = 0
    wrong, right = (0, 1) if eta > 0 else (1, 0)
    assert loss[wrong] == abs(eta)
    assert loss[right] == 0.0
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(w))
    assert np.all(w == 0.0)


def test_binomial_large_eta_no_cancellation():
    fam = Binomial()
    y, m = np.array([5.0]), np.array([5.0])
    # exact: 5 log(1 + e^-eta) ~ 5 e^-eta for large eta
    eta = np.array([40.0])
    np.testing.assert_allclose(fam.loss(y, eta, m), 5 * np.exp(-40.0), rtol=1e-12)


def test_poisson_overflow_is_inf_without_warning():
    fam = Poisson()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact here
            big = fam.loss(np.array([3.0]), np.array([1e3]))
            small = fam.loss(np.array([0.0, 2.0]), np.array([-1e3, -1e3]))
    assert np.isinf(big[0])
    assert small[0] == 0.0
    # y = 2 at eta = -1000: e^-1000 + 2000 - 2 + 2 log 2
    np.testing.assert_allclose(small[1], 2000.0 - 2.0 + 2.0 * np.log(2.0), rtol=1e-14)


def test_gaussian_is_the_packages_half_squared_error(regression_data):
    """mean(loss) = the solvers' 1/(2n) ||y - eta||^2, the convention of bayesreg.solvers."""
    X, y = regression_data
    eta = X @ np.arange(X.shape[1]) * 0.1
    assert np.isclose(Gaussian().loss(y, eta).mean(), np.sum((y - eta) ** 2) / (2 * y.size), rtol=1e-14)


# ------------------------------------------------------------------------------------------------
# validation: each error names the argument
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fam, y, trials, match",
    [
        (Bernoulli(), [0, 1, 2], None, r"y must hold two classes coded 0 and 1.*2"),
        (Bernoulli(), [-1, 1, 1], None, r"y must hold two classes coded 0 and 1.*-1"),
        (Bernoulli(), [1, 1, 1], None, r"y holds one class only"),
        (Bernoulli(), [0, 0], None, r"y holds one class only"),
        (Bernoulli(), [0, 1], [1, 1], r"trials is only for the binomial family"),
        (Binomial(), [0, 1, 2], None, r"trials is required"),
        (Binomial(), [0, -1, 2], [3, 3, 3], r"y must hold non-negative integer counts; y\[1\]"),
        (Binomial(), [0, 1.5, 2], [3, 3, 3], r"y must hold integer counts; y\[1\] = 1.5"),
        (Binomial(), [0, 1, 4], [3, 3, 3], r"y \(successes\) exceeds trials.*y\[2\] = 4 > trials\[2\] = 3"),
        (Binomial(), [0, 1, 2], [3, 0, 3], r"trials must hold positive integer counts; trials\[1\]"),
        (Binomial(), [0, 1, 2], [3, 2.5, 3], r"trials must hold integer counts; trials\[1\] = 2.5"),
        (Binomial(), [0, 1, 2], [3, 3], r"trials has 2 entries but y has 3"),
        (Binomial(), [0, 0, 0], 3, r"y is 0 in every row"),
        (Binomial(), [3, 2, 3], [3, 2, 3], r"y equals trials in every row"),
        (Binomial(), [0, 1], 0, r"trials must be >= 1"),
        (Poisson(), [0, -2, 1], None, r"y must hold non-negative integer counts; y\[1\] = -2"),
        (Poisson(), [0, 2.2, 1], None, r"y must hold integer counts; y\[1\] = 2.2"),
        (Poisson(), [0, 0, 0], None, r"y is 0 in every row"),
        (Poisson(), [0, 1], 3, r"trials is only for the binomial family"),
        (Gaussian(), [0.0, np.nan], None, r"y contains 1 NaN"),
        (Gaussian(), [0.5, 1.0], 2, r"trials is only for the binomial family"),
    ],
)
def test_validate_y_names_the_argument(fam, y, trials, match):
    with pytest.raises(ValueError, match=match):
        fam.validate_y(y, trials)


def test_validate_y_checks_the_length():
    with pytest.raises(ValueError, match="y has 3 entries but X has 4 rows"):
        Poisson().validate_y([1, 2, 3], n=4)


def test_validate_y_accepts_booleans_and_a_shared_number_of_trials():
    y, m = Bernoulli().validate_y(np.array([True, False, True]))
    assert y.dtype == np.float64 and m is None and y.tolist() == [1.0, 0.0, 1.0]
    y, m = Binomial(trials=4).validate_y([0, 4, 2])
    assert m.tolist() == [4.0, 4.0, 4.0]
    y, m = Binomial().validate_y([0, 4, 2], 5)
    assert m.tolist() == [5.0, 5.0, 5.0]


def test_validate_y_does_not_modify_its_input():
    y = np.array([0.0, 1.0, 1.0])
    t = np.array([2.0, 1.0, 3.0])
    y0, t0 = y.copy(), t.copy()
    Binomial().validate_y(y, t)
    assert np.array_equal(y, y0) and np.array_equal(t, t0)


def test_binomial_needs_trials_everywhere():
    with pytest.raises(ValueError, match="trials is required"):
        Binomial().loss(np.array([1.0]), np.array([0.0]))
    with pytest.raises(ValueError, match="trials must be >= 1"):
        Binomial(trials=0)


def test_families_are_frozen():
    fam = Poisson()
    assert isinstance(fam, Family)
    with pytest.raises(AttributeError):
        Binomial(trials=3).trials = 4
    assert str(fam) == "poisson"
