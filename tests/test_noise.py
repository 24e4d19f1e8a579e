"""The noise model: one parser for every spelling of sigma, and what each resolves to."""

import numpy as np
import pytest
from scipy import stats

from bayesreg import InverseGammaPrior, Laplace, ParkCasella, map_estimate
from bayesreg.noise import Noise, default_sigma_prior, parse_sigma


def test_every_spelling_parses_to_one_meaning():
    assert parse_sigma(2.5).fixed and parse_sigma(2.5).value == 2.5
    assert parse_sigma(np.float32(2.0)).value == 2.0
    assert parse_sigma(None).word == "jeffreys" == parse_sigma("Jeffreys").word
    assert parse_sigma("default").word == "default"
    assert parse_sigma(" estimate ").word == "estimate"
    ig = InverseGammaPrior(2.0, 3.0)
    assert parse_sigma(ig).prior is ig


@pytest.mark.parametrize(
    "bad, err", [(0.0, ValueError), (-1.0, ValueError), (np.nan, ValueError), ("improper", ValueError),
                 (True, TypeError), ([1.0], TypeError)]
)
def test_bad_spellings_name_the_argument(bad, err):
    with pytest.raises(err, match="sigma"):
        parse_sigma(bad)


def test_resolution_against_the_data():
    assert parse_sigma("default").resolve(4.0).prior == default_sigma_prior(4.0) == InverseGammaPrior(1.0, 0.04)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ [1.0, 0.0, -1.0] + 0.7 * rng.normal(size=40)
    noise = parse_sigma("estimate").resolve(None, X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    r = yc - Xc @ np.linalg.lstsq(Xc, yc, rcond=None)[0]
    assert noise.fixed and noise.value == pytest.approx(np.sqrt(r @ r / (40 - 3 - 1)), rel=1e-12)
    with pytest.raises(ValueError, match="rows"):
        parse_sigma("estimate").resolve(1.0)


def test_log_prior_is_the_inverse_gamma_density_of_sigma_squared_with_its_jacobian():
    # p(sigma) = p_IG(sigma^2) * 2 sigma: compare differences of log densities with scipy
    ig = InverseGammaPrior(2.0, 3.0)
    noise = Noise("invgamma", prior=ig)
    s = np.array([0.3, 1.0, 2.7])
    ref = stats.invgamma(a=2.0, scale=3.0).logpdf(s**2) + np.log(2 * s)
    got = noise.log_prior(s)
    np.testing.assert_allclose(got - got[0], ref - ref[0], rtol=1e-12)
    jef = Noise("jeffreys").log_prior(s)
    np.testing.assert_allclose(jef - jef[0], -np.log(s) + np.log(s[0]), rtol=1e-12)


@pytest.mark.parametrize("prior", [Laplace(0.5), ParkCasella(3.0)])
@pytest.mark.parametrize("sigma_prior", ["jeffreys", InverseGammaPrior(2.0, 0.5)])
def test_modal_sigma_maximises_the_joint_posterior_in_sigma(prior, sigma_prior):
    # at the joint MAP, sigma maximises the log posterior with beta held fixed: checked against a
    # bounded 1-D maximisation of the log posterior written out here
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 4))
    y = 1.0 + X @ [1.0, -0.5, 0.0, 0.2] + 0.8 * rng.normal(size=30)
    res = map_estimate(X, y, prior, sigma=sigma_prior)
    rss = float(np.sum((y - res.intercept - X @ res.coef) ** 2))
    n = 30
    a, b = (0.0, 0.0) if sigma_prior == "jeffreys" else (sigma_prior.shape, sigma_prior.scale)

    def neg_log_post(s):
        out = n * np.log(s) + rss / (2 * s**2) + (2 * a + 1) * np.log(s) + b / s**2
        if isinstance(prior, ParkCasella):  # prod_j lam/(2 s) exp(-lam |beta_j| / s)
            out += 4 * np.log(s) + prior.lam * np.abs(res.coef).sum() / s
        return out

    from scipy import optimize

    best = optimize.minimize_scalar(neg_log_post, bounds=(1e-3, 10.0), method="bounded", options={"xatol": 1e-12})
    assert res.sigma == pytest.approx(best.x, rel=1e-7)
