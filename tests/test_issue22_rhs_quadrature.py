r"""The regularised horseshoe's Gibbs sampler, sigma sampled, one informed coefficient, against quadrature (issue 22).

The model, written from its definition (:class:`bayesreg.priors.RegularizedHorseshoe`, Piironen and
Vehtari 2017, eqs. 2.8 and 2.11), for one feature ``x``:

    y = b0 + x beta + e,  e ~ N(0, sigma^2 I),  b0 flat (or absent),
    beta | lam, tau, c, sigma ~ N(0, v),  1/v = 1/(sigma^2 tau^2 lam^2) + 1/c^2,
    lam ~ C+(0, 1),  tau ~ C+(0, tau0),  c^2 ~ IG(nu/2, nu s^2/2),  sigma^2 ~ IG(a0, b0) or Jeffreys.

No code of the package is used for the reference; only its output is read. The reference:

* ``b0`` and ``beta`` are integrated out in closed form. With ``xc, yc`` centred (raw without an
  intercept, and ``n_e = n - 1`` or ``n``), ``b_ols = sxy / sxx``, ``R = ||yc - b_ols xc||^2`` (a sum
  of squares) and ``k = sigma^2 / v = 1/(tau^2 lam^2) + sigma^2/c^2``, the marginal likelihood is

      (sigma^2)^(-n_e/2) sqrt(k / (sxx + k)) exp(-(R + b_ols^2 sxx k/(sxx + k)) / (2 sigma^2)),

  cancellation-free (``syy - sxy^2/(sxx + k)`` rewritten as a sum of positive terms), and
  ``beta | scales, y ~ N(b_ols sxx/(sxx + k), sigma^2/(sxx + k))``.
* ``tau`` and ``lam`` enter only through their product ``z = tau lam / tau0``; ``log tau`` and
  ``log lam`` each have density ``sech(t) / pi`` (a half-Cauchy in log coordinates), so ``log z`` has
  their convolution ``2 t / (pi^2 sinh t)`` (checked here against a numerical convolution).
* What is left, ``(log z, log c^2, log sigma^2)``, is a 3-D trapezoid grid (analytic integrands,
  exponentially decaying tails: the trapezoid rule converges geometrically in the spacing). The
  test checks that the grid's edges carry a negligible density and that a grid of twice the spacing
  on every axis agrees to 5e-4 (its measured error is <= 2e-4, under a twentieth of every MCSE
  compared); the main grid (241, 81, 81) agrees with (281, 241, 241) to 1e-10 (measured offline).

Power. The smallest error aimed at is an O(1/n) one in sigma^2's conditional: a shape off by 1/2
(``n`` for ``n - 1`` with an intercept, or the ``+1/2`` of the half-Cauchy's auxiliary variable
dropped). Every other conditional being exact, the chain then targets the posterior times
``sigma^-1`` exactly, whose ``E log sigma^2`` the same quadrature gives: 0.2 posterior sd here
(n = 10), z ~ 10-14 with the effective sample sizes of these runs (2000-2800); the test asserts
z >= 2 K_SE from the run's own ESS. (Planted, that slip shows at |z| = 12-16 on log sigma^2, and
at 6-8 on beta.) The design makes the other parts of the sweep matter too: sigma is about 0.45
(far from 1, so a sigma^2 missing from beta's conditional variance shows), the slab scale 0.6 is
half the signal and the horseshoe's tau0 = 0.3 small, so the prior shrinks beta by 0.8 (0.55
without the intercept) posterior sd from least squares and leaves P(|beta| < 0.4) at 0.06 (0.013).
A sigma^2 drawn given another beta than the one it is stored with keeps both margins nearly right:
the joint checks (cov(beta, log sigma^2), RSS(beta) / sigma^2) are there for it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special
from test_gibbs_references import K_SE, _assert_mean, _assert_quantiles, _assert_sd, _ess

from bayesreg import InverseGammaPrior
from bayesreg.priors import RegularizedHorseshoe
from bayesreg.samplers.rhs import sample_rhs

TAU0, SLAB, NU = 0.3, 0.6, 4.0
NODES = (241, 81, 81)  # log z, log c^2, log sigma^2
COARSE = (121, 41, 41)  # twice the spacing on every axis
PROBS = (0.1, 0.5, 0.9)
CUT = 0.4  # P(|beta| < CUT): the horseshoe's spike at 0 against the data's value (about 1.2)


def _log_density_log_product(t):
    """Log density of ``t = log(tau lam / tau0)``: ``log(2 t / (pi^2 sinh t))``, overflow-free."""
    a = np.abs(t)
    tiny = a < 1e-8
    a = np.where(tiny, 1.0, a)
    # 2 t / sinh t = 4 t e^-t / (1 - e^-2t) for t > 0 (even in t)
    val = np.log(4.0 * a) - a - np.log1p(-np.exp(-2.0 * a))
    return np.where(tiny, np.log(2.0), val) - 2.0 * np.log(np.pi)


def _reference(x, y, fit_intercept, a0, b0, nodes=NODES, extra_shape=0.0):
    """Posterior summaries by quadrature; ``extra_shape`` multiplies the posterior by ``(sigma^2)^-extra_shape``."""
    if fit_intercept:
        xc, yc, n_e = x - x.mean(), y - y.mean(), len(y) - 1
    else:
        xc, yc, n_e = x, y, len(y)
    sxx, sxy = float(xc @ xc), float(xc @ yc)
    b_ols = sxy / sxx
    rss = float(((yc - b_ols * xc) ** 2).sum())
    syy = float(yc @ yc)
    t = np.linspace(-36.0, 36.0, nodes[0])  # log(tau lam / tau0): tails |t| e^-|t|
    r = np.linspace(np.log(SLAB**2) - 7.0, np.log(SLAB**2) + 18.0, nodes[1])  # log c^2: tail e^(-nu r/2)
    q = np.linspace(np.log(rss / n_e) - 6.0, np.log(syy / n_e) + 9.0, nodes[2])  # log sigma^2
    T, C, Q = np.meshgrid(t, r, q, indexing="ij", sparse=True)
    k = np.exp(np.logaddexp(-2.0 * (np.log(TAU0) + T), Q - C))  # sigma^2 / v
    shrink = sxx / (sxx + k)  # in (0, 1]
    logp = (
        _log_density_log_product(T)
        - 0.5 * NU * C - 0.5 * NU * SLAB**2 * np.exp(-C)  # c^2 ~ IG(nu/2, nu s^2/2), in log c^2
        - a0 * Q - b0 * np.exp(-Q)  # sigma^2 ~ IG(a0, b0), in log sigma^2 (Jeffreys: a0 = b0 = 0)
        - (0.5 * n_e + extra_shape) * Q
        + 0.5 * np.log1p(-shrink)  # sqrt(k / (sxx + k))
        - 0.5 * (rss + b_ols**2 * sxx * (1.0 - shrink)) * np.exp(-Q)
    )  # fmt: skip
    w = np.exp(logp - logp.max())
    edge = max(w[[0, -1]].max(), w[:, [0, -1]].max(), w[:, :, [0, -1]].max())
    keep = w > 1e-18
    w = w[keep]
    w /= w.sum()
    full = np.broadcast_arrays(T, C, Q, k)
    T, C, Q, k = (a[keep] for a in full)
    m = b_ols * sxx / (sxx + k)
    s = np.sqrt(np.exp(Q) / (sxx + k))

    def E(f):
        return float(w @ f)

    out = {"edge": edge}
    out["beta_mean"] = E(m)
    out["beta_sd"] = np.sqrt(E(s**2 + (m - out["beta_mean"]) ** 2))
    for name, v in (("log_s2", Q), ("log_c2", C), ("log_tau_lam", T + np.log(TAU0))):
        mu = E(v)
        out[name] = (mu, np.sqrt(E((v - mu) ** 2)))
    out["s2_mean"] = E(np.exp(Q))
    # the joint of beta and sigma^2: cov(beta, log sigma^2) and RSS(beta) / sigma^2 (RSS = R + sxx (beta - b_ols)^2)
    mq = out["log_s2"][0]
    dm, dq = m - out["beta_mean"], Q - mq
    cov = E(dm * dq)
    out["cov_beta_log_s2"] = (cov, np.sqrt(E((dm**2 + s**2) * dq**2) - cov**2))
    # E[(beta - b_ols)^2 | .] = (m - b_ols)^2 + s^2; E[(beta - b_ols)^4 | .] = d^4 + 6 d^2 s^2 + 3 s^4
    d2, e_q = (m - b_ols) ** 2, np.exp(-Q)
    g1 = (rss + sxx * (d2 + s**2)) * e_q
    g2 = (rss**2 + 2 * rss * sxx * (d2 + s**2) + sxx**2 * (d2**2 + 6 * d2 * s**2 + 3 * s**4)) * e_q**2
    out["rss_over_s2"] = (E(g1), np.sqrt(E(g2) - E(g1) ** 2))

    def cdf(b):
        return E(special.ndtr((b - m) / s))

    lo, hi = out["beta_mean"] - 12 * out["beta_sd"], out["beta_mean"] + 12 * out["beta_sd"]
    out["beta_q"] = np.array([optimize.brentq(lambda b, pr=pr: cdf(b) - pr, lo, hi, xtol=1e-10) for pr in PROBS])
    out["p_small"] = E(special.ndtr((CUT - m) / s) - special.ndtr((-CUT - m) / s))  # P(|beta| < CUT)
    out["b_ols"] = b_ols
    return out


def _data(fit_intercept):
    r = np.random.default_rng(2210)
    n = 10
    # x far from 0 with an intercept (its draw uses xbar beta), nearer 0 without (so that the prior still matters)
    x = (1.0 if fit_intercept else 0.3) + 0.5 * r.standard_normal(n)
    y = (0.5 if fit_intercept else 0.0) + 1.2 * x + 0.5 * r.standard_normal(n)
    return x, y


def test_the_log_product_density_is_the_convolution_of_two_half_cauchy_logs():
    # log tau and log lam: density sech(t)/pi each; their sum's density by a direct convolution
    t = np.linspace(-40.0, 40.0, 8001)
    h = t[1] - t[0]
    conv = np.convolve(1.0 / (np.pi * np.cosh(t)), 1.0 / (np.pi * np.cosh(t)), mode="same") * h
    # the trapezoid rule on this analytic, exponentially decaying integrand is exact to ~1e-15 at h = 0.01
    np.testing.assert_allclose(conv, np.exp(_log_density_log_product(t)), rtol=0, atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fit_intercept", "sigma_prior", "seed"),
    [(True, InverseGammaPrior(2.0, 0.3), 2211), (False, "jeffreys", 2212)],
    ids=["intercept-invgamma", "no-intercept-jeffreys"],
)
def test_rhs_gibbs_with_sigma_sampled_matches_quadrature(fit_intercept, sigma_prior, seed):
    x, y = _data(fit_intercept)
    a0, b0 = (0.0, 0.0) if sigma_prior == "jeffreys" else (sigma_prior.shape, sigma_prior.scale)
    ref = _reference(x, y, fit_intercept, a0, b0)
    # the reference itself: the grid holds the posterior, and a coarser grid agrees far below the MCSE
    assert ref["edge"] < 1e-12
    coarse = _reference(x, y, fit_intercept, a0, b0, nodes=COARSE)
    keys = ("beta_mean", "beta_sd", "beta_q", "p_small", "log_s2", "log_c2", "log_tau_lam", "cov_beta_log_s2")
    for key in (*keys, "rss_over_s2"):
        assert np.allclose(coarse[key], ref[key], rtol=0, atol=5e-4), (key, coarse[key], ref[key])
    # the data inform beta (P(|beta| < 0.4) is small) and the prior still matters: beta is shrunk by more
    # than half a posterior sd from least squares (0.81 sd with the intercept, 0.55 without)
    assert abs(ref["b_ols"] - ref["beta_mean"]) > 0.5 * ref["beta_sd"] and ref["p_small"] < 0.1

    prior = RegularizedHorseshoe(global_scale=TAU0, slab_scale=SLAB, slab_df=NU)
    post = sample_rhs(x[:, None], y, prior, sigma=sigma_prior, fit_intercept=fit_intercept, draws=3000, tune=300,
                      chains=2, random_seed=seed, progressbar=False, check=False).posterior  # fmt: skip
    beta = post["beta"].values[..., 0]
    log_s2 = 2.0 * np.log(post["sigma"].values)
    log_c2 = 2.0 * np.log(post["c"].values)
    log_tl = np.log(post["tau"].values * post["lam_local"].values[..., 0])

    # power: sigma^2's shape off by 1/2 makes the chain target the posterior times sigma^-1 exactly
    shifted = _reference(x, y, fit_intercept, a0, b0, extra_shape=0.5)
    shift = abs(shifted["log_s2"][0] - ref["log_s2"][0])
    ess = float(_ess(log_s2))
    z_shift = shift / (ref["log_s2"][1] / np.sqrt(ess))
    assert z_shift >= 2 * K_SE, (shift, ess, z_shift)

    _assert_mean(beta, ref["beta_mean"], ref["beta_sd"], "beta")
    _assert_sd(beta, ref["beta_sd"], "beta")
    _assert_quantiles(beta, ref["beta_q"], PROBS, "beta")
    p = ref["p_small"]
    _assert_mean((np.abs(beta) < CUT).astype(np.float64), p, np.sqrt(p * (1.0 - p)), f"P(|beta| < {CUT})")
    _assert_mean(log_s2, *ref["log_s2"], "log sigma^2")
    _assert_sd(log_s2, ref["log_s2"][1], "log sigma^2")
    # the joint of beta and sigma^2 (a sigma^2 drawn given another beta than the one it is stored with keeps
    # both margins nearly right and shows here only)
    _assert_mean((beta - ref["beta_mean"]) * (log_s2 - ref["log_s2"][0]), *ref["cov_beta_log_s2"],
                 "cov(beta, log sigma^2)")  # fmt: skip
    xc, yc = (x - x.mean(), y - y.mean()) if fit_intercept else (x, y)
    rss = ((yc - beta[..., None] * xc) ** 2).sum(axis=-1)
    _assert_mean(rss * np.exp(-log_s2), *ref["rss_over_s2"], "RSS(beta) / sigma^2")
    _assert_mean(log_c2, *ref["log_c2"], "log c^2")
    _assert_mean(log_tl, *ref["log_tau_lam"], "log(tau lam)")
    if fit_intercept:
        # b0 | beta, sigma ~ N(ybar - xbar beta, sigma^2 / n)
        sd_b0 = np.sqrt(ref["s2_mean"] / len(y) + x.mean() ** 2 * ref["beta_sd"] ** 2)
        _assert_mean(post["intercept"].values, y.mean() - x.mean() * ref["beta_mean"], sd_b0, "intercept")
