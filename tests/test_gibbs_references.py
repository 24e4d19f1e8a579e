"""Gibbs samplers against references computed here, independently of the code under test.

- Horseshoe, one feature, fixed sigma: the posterior of (tau, lam) is two-dimensional once beta is
  integrated out, so a quadrature on a log grid gives the exact moments and quantiles of beta and
  E[log tau]; and, for p = 3 with sigma sampled, a hand-written PyMC model of the same hierarchy
  sampled with NUTS.
- Laplace prior with sigma free, one feature: a 2-D quadrature over (beta, log sigma), Jeffreys and
  inverse-gamma priors on sigma.
- Gaussian prior without an intercept: the closed-form conjugate posterior written out with numpy.

Monte Carlo tolerances: a mean within 4 MCSE (sd / sqrt(ESS), ESS from ArviZ on the draws compared),
an sd within 4 standard errors of an sd estimate (delta method with the fourth central moment and the
ESS of the squared deviations; sd / sqrt(2 ESS) for a Gaussian posterior), and an empirical CDF at a
reference quantile q within 4 sqrt(q (1 - q) / ESS) (ESS of the indicator draws). All runs are seeded.
"""

from __future__ import annotations

import numpy as np
import pytest
from _stack import ess_array
from scipy import special

import bayesreg as br
from bayesreg.samplers import sample_gibbs

K_SE = 4.0


def _ess(draws):
    """ESS of an array of shape (chain, draw)."""
    return ess_array(draws)


def _assert_mean(draws, ref_mean, ref_sd, what):
    ess = _ess(draws)
    se = ref_sd / np.sqrt(ess)
    err = abs(float(np.mean(draws)) - ref_mean)
    assert err < K_SE * se, f"{what}: mean {np.mean(draws):.5g} vs reference {ref_mean:.5g} ({err / se:.1f} MCSE)"


def _assert_sd(draws, ref_sd, what):
    # delta method on s^2: se(s) = sqrt(mu4 - sd^4) / (2 sd sqrt(ESS)), ESS of the squared deviations
    # (sd / sqrt(2 ESS) for a Gaussian; larger for the heavy-tailed horseshoe and Laplace posteriors)
    dev2 = (draws - np.mean(draws)) ** 2
    mu4 = float(np.mean(dev2**2))
    se = np.sqrt(max(mu4 - ref_sd**4, 0.0)) / (2.0 * ref_sd * np.sqrt(_ess(dev2)))
    err = abs(float(np.std(draws, ddof=1)) - ref_sd)
    assert err < K_SE * se, f"{what}: sd {np.std(draws, ddof=1):.5g} vs reference {ref_sd:.5g} ({err / se:.1f} se)"


def _assert_quantiles(draws, ref_q, probs, what):
    for q, x in zip(probs, ref_q):
        ind = (draws <= x).astype(np.float64)
        se = np.sqrt(q * (1.0 - q) / _ess(ind))
        err = abs(float(ind.mean()) - q)
        assert err < K_SE * se, f"{what}: P(draw <= q{q}) = {ind.mean():.4f}, reference {q} ({err / se:.1f} se)"


def _one_feature(n, seed, slope, noise=1.0, intercept=0.7):
    r = np.random.default_rng(seed)
    x = r.standard_normal(n)
    y = intercept + slope * x + noise * r.standard_normal(n)
    return x[:, None], y


# ----------------------------------------------------------------------------- horseshoe, p = 1


def _horseshoe_p1_reference(X, y, sigma, s, probs):
    r"""Posterior summaries for beta and log tau, one feature, fixed sigma, flat intercept.

    With the intercept integrated out the likelihood of beta is N(b_ols; beta, v), v = sigma^2 / x_c^T x_c.
    Given (tau, lam), beta ~ N(0, g), g = lam^2 tau^2 sigma^2, so beta is integrated out exactly:
    p(tau, lam | y) ∝ N(b_ols; 0, v + g) C+(tau; s) C+(lam; 1), and beta | tau, lam, y is
    N(b_ols g / (v + g), v g / (v + g)). The 2-D posterior is integrated on a grid uniform in
    (log tau, log lam), whose Jacobian tau * lam multiplies the density.
    """
    xc, yc = X[:, 0] - X[:, 0].mean(), y - y.mean()
    b_ols, v = (xc @ yc) / (xc @ xc), sigma**2 / (xc @ xc)
    # p(log tau | y) ~ tau near 0 and ~ tau^-2 log(tau) at infinity; p(log lam) ~ lam and lam^-1 / lam:
    # +-20 in natural log leaves tails below e^-20 of the peak
    lt = np.linspace(-20.0, 20.0, 1601)
    ll = np.linspace(-20.0, 20.0, 1601)
    LT, LL = np.meshgrid(lt, ll, indexing="ij")
    tau, lam = np.exp(LT), np.exp(LL)
    g = (lam * tau * sigma) ** 2
    var = v + g
    logw = (
        -0.5 * np.log(var) - 0.5 * b_ols**2 / var
        - np.log1p((tau / s) ** 2) + LT  # C+(0, s) density on tau, times the Jacobian tau
        - np.log1p(lam**2) + LL  # C+(0, 1) on lam, times lam
    )  # fmt: skip
    w = np.exp(logw - logw.max())
    w /= w.sum()
    # the grid holds the whole posterior: the edges carry no mass
    assert w[[0, -1], :].sum() + w[:, [0, -1]].sum() < 1e-9
    # beta depends on (tau, lam) through g only, and the two grids share their step, so g is constant
    # along the anti-diagonals i + j: sum the weights there (an exact reduction to a 1-D mixture)
    k = np.add.outer(np.arange(lt.size), np.arange(ll.size))
    wk = np.bincount(k.ravel(), weights=w.ravel())
    gk = (sigma * np.exp(2 * lt[0] + (lt[1] - lt[0]) * np.arange(wk.size))) ** 2
    m_cond = b_ols * gk / (v + gk)
    v_cond = v * gk / (v + gk)
    mean = float((wk * m_cond).sum())
    sd = float(np.sqrt((wk * (v_cond + m_cond**2)).sum() - mean**2))
    e_log_tau = float((w.sum(axis=1) * lt).sum())
    sd_log_tau = float(np.sqrt((w.sum(axis=1) * lt**2).sum() - e_log_tau**2))
    # quantiles of the normal mixture, from its CDF on a fine beta grid
    keep = wk > 1e-15
    wk, mk, sk = wk[keep], m_cond[keep], np.sqrt(v_cond[keep])
    bgrid = np.linspace(-1.0 - abs(b_ols), 1.0 + abs(b_ols), 4001)
    cdf = special.ndtr((bgrid[:, None] - mk[None, :]) / sk[None, :]) @ wk / wk.sum()
    quant = np.interp(probs, cdf, bgrid)
    return {"mean": mean, "sd": sd, "quantiles": quant, "e_log_tau": e_log_tau, "sd_log_tau": sd_log_tau}


@pytest.mark.slow
def test_horseshoe_one_feature_fixed_sigma_matches_quadrature():
    # one feature whose least-squares estimate sits about 2.5 sd from 0: the horseshoe posterior of
    # beta is then a real mixture of "shrunk to 0" and "left alone", and E[log tau] depends on how
    # the global-scale step weighs small against large tau (its Metropolis ratio, Jacobian included)
    # (sigma = 1.3, not 1: the prior variance is lam^2 tau^2 sigma^2, and sigma = 1 would hide a sigma
    # dropped or squared twice)
    sigma, s = 1.3, 1.0
    X, y = _one_feature(30, seed=3, slope=0.6, noise=sigma)
    probs = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
    ref = _horseshoe_p1_reference(X, y, sigma, s, probs)
    idata = sample_gibbs(X, y, br.Horseshoe(global_scale=s), sigma=sigma, draws=20_000, tune=1000, chains=2,
                         random_seed=21, progressbar=False, log_likelihood=False)  # fmt: skip
    beta = idata.posterior["beta"].values[..., 0]
    log_tau = np.log(idata.posterior["tau"].values)
    _assert_mean(beta, ref["mean"], ref["sd"], "beta")
    _assert_sd(beta, ref["sd"], "beta")
    _assert_quantiles(beta, ref["quantiles"], probs, "beta")
    _assert_mean(log_tau, ref["e_log_tau"], ref["sd_log_tau"], "log tau")


def _pymc_horseshoe(X, y, s, a0, b0, seed):
    r"""NUTS (PyMC) on the horseshoe hierarchy written out here, with beta integrated out analytically.

    tau ~ C+(0, s), lam_j ~ C+(0, 1), sigma^2 ~ IG(a0, b0), flat intercept b0, and
    beta | . ~ N(0, sigma^2 W), W = diag(lam_j^2 tau^2), so y | . ~ N(b0, sigma^2 (I + X W X^T)), whose
    log density is written in the p-dimensional form (A = X^T X + W^-1; determinant lemma and
    Woodbury): -1/2 (log|W| + log|A|) - n/2 log sigma^2 - (r^T r - r^T X A^-1 X^T r) / (2 sigma^2),
    r = y - b0. Integrating beta removes the beta-lam funnel that makes NUTS diverge on the centred
    or non-centred forms. Returns the posterior draws of tau, sigma and E[beta | tau, lam, b0, y] (its
    average over the draws is the posterior mean of beta: Rao-Blackwellisation).
    """
    import pymc as pm
    import pytensor.tensor as pt

    n, p = X.shape
    with pm.Model():
        tau = pm.HalfCauchy("tau", beta=s)
        lam = pm.HalfCauchy("lam", beta=1.0, shape=p)
        sigma2 = pm.InverseGamma("sigma2", alpha=a0, beta=b0)
        b0_ = pm.Flat("b0")
        w = (lam * tau) ** 2
        r = y - b0_
        L = pt.linalg.cholesky(X.T @ X + pt.diag(1.0 / w))
        v = pt.linalg.solve_triangular(L, pt.dot(X.T, r), lower=True)
        logdet = pt.sum(pt.log(w)) + 2.0 * pt.sum(pt.log(pt.diag(L)))
        quad = pt.dot(r, r) - pt.dot(v, v)
        pm.Potential("loglik", -0.5 * logdet - 0.5 * n * pt.log(sigma2) - 0.5 * quad / sigma2)
        idata = pm.sample(draws=600, tune=600, chains=2, cores=1, random_seed=seed, progressbar=False,
                          target_accept=0.9, compute_convergence_checks=False)  # fmt: skip
    post = idata.posterior
    chains, draws = post["tau"].shape
    W = ((post["lam"].values * post["tau"].values[..., None]) ** 2).reshape(-1, p)
    R = y[None, :] - post["b0"].values.reshape(-1, 1)
    # E[beta | .] = W X^T (I + X W X^T)^-1 r: the n-dimensional form, stable for tiny lam_j tau
    M = np.eye(n)[None] + np.einsum("ij,dj,kj->dik", X, W, X)
    u = np.linalg.solve(M, R[..., None])[..., 0]
    beta_cond = (W * (u @ X)).reshape(chains, draws, p)
    return {
        "beta": beta_cond,
        "tau": post["tau"].values,
        "sigma": np.sqrt(post["sigma2"].values),
        "diverging": int(idata.sample_stats["diverging"].sum()),
    }


@pytest.mark.slow
def test_horseshoe_with_sampled_sigma_matches_a_hand_written_pymc_model():
    # p = 3 (a strong, a null and a weak coefficient), sigma^2 ~ IG(2, 1) sampled: exercises the
    # blocked (beta, sigma^2) update, the global-scale step with sigma free and the sigma scaling of
    # the prior variance lam^2 tau^2 sigma^2. Means of beta, log tau and sigma agree within 4
    # combined MCSE (each side: sd of the draws compared / sqrt(their ESS)).
    r = np.random.default_rng(5)
    n, p = 30, 3
    X = r.standard_normal((n, p))
    y = 1.0 + X @ np.array([1.5, 0.0, 0.4]) + 0.8 * r.standard_normal(n)
    s, a0, b0 = 0.5, 2.0, 1.0
    g = sample_gibbs(X, y, br.Horseshoe(global_scale=s), sigma=br.InverseGammaPrior(a0, b0), draws=5000,
                     tune=500, chains=2, random_seed=8, progressbar=False, log_likelihood=False)  # fmt: skip
    ref = _pymc_horseshoe(X, y, s, a0, b0, seed=9)
    assert ref["diverging"] == 0
    gibbs = {"beta": g.posterior["beta"].values, "tau": g.posterior["tau"].values,
             "sigma": g.posterior["sigma"].values}  # fmt: skip
    for name, f in (("beta", lambda d: d["beta"]), ("log tau", lambda d: np.log(d["tau"])),
                    ("sigma", lambda d: d["sigma"])):  # fmt: skip
        a, b = f(gibbs), f(ref)
        a, b = a.reshape(*a.shape[:2], -1), b.reshape(*b.shape[:2], -1)
        for j in range(a.shape[-1]):
            aj, bj = a[..., j], b[..., j]
            se = np.hypot(aj.std(ddof=1) / np.sqrt(_ess(aj)), bj.std(ddof=1) / np.sqrt(_ess(bj)))
            diff = abs(aj.mean() - bj.mean())
            assert diff < K_SE * se, f"{name}[{j}]: Gibbs {aj.mean():.4g}, NUTS {bj.mean():.4g} ({diff / se:.1f} se)"


# ----------------------------------------------------------------------------- Laplace prior, sigma free


def _laplace_free_sigma_reference(X, y, b, a0, b0, probs, fit_intercept=True):
    r"""Posterior of beta and sigma, one feature, Laplace(b) prior (not scaled by sigma), flat intercept.

    The intercept integrated out leaves sigma^-(n-1) exp(-R(beta) / (2 sigma^2)), R the centred residual
    sum of squares. With IG(a0, b0) on s2 = sigma^2 (Jeffreys: a0 = b0 = 0) the integral over s2 is
    closed: p(beta | y) ∝ (b0 + R(beta)/2)^-(a0 + (n-1)/2) exp(-|beta|/b), and s2 | beta, y is
    IG(a0 + (n-1)/2, b0 + R(beta)/2), whose E[sigma] and E[sigma^2] are closed too. The remaining
    integral over beta is a quadrature on a fine grid. Without an intercept: raw sums and n for n - 1.
    """
    xc, yc = (X[:, 0] - X[:, 0].mean(), y - y.mean()) if fit_intercept else (X[:, 0], y)
    sxx, sxy, syy = xc @ xc, xc @ yc, yc @ yc
    n_eff = len(y) - 1 if fit_intercept else len(y)
    b_ols = sxy / sxx
    half = 12.0 * np.sqrt(syy / n_eff / sxx) + 1.0
    grid = np.linspace(b_ols - half, b_ols + half, 400_001)
    R = syy - 2 * grid * sxy + grid**2 * sxx
    shape, rate = a0 + 0.5 * n_eff, b0 + 0.5 * R
    logd = -shape * np.log(rate) - np.abs(grid) / b
    d = np.exp(logd - logd.max())
    assert d[0] < 1e-12 and d[-1] < 1e-12  # the grid holds the posterior
    d /= d.sum()
    mean = (grid * d).sum()
    sd = np.sqrt(((grid - mean) ** 2 * d).sum())
    quant = np.interp(probs, np.cumsum(d), grid)
    # E[sigma | beta] = sqrt(rate) Gamma(shape - 1/2) / Gamma(shape); E[sigma^2 | beta] = rate / (shape - 1)
    e_sig = (np.sqrt(rate) * np.exp(special.gammaln(shape - 0.5) - special.gammaln(shape)) * d).sum()
    e_sig2 = (rate / (shape - 1.0) * d).sum()
    return {"mean": mean, "sd": sd, "quantiles": quant, "sigma_mean": e_sig, "sigma_sd": np.sqrt(e_sig2 - e_sig**2)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "sigma_prior,fit_intercept",
    [("jeffreys", True), (br.InverseGammaPrior(3.0, 2.0), True), ("jeffreys", False)],
    ids=["jeffreys", "invgamma", "jeffreys-no-intercept"],
)
def test_laplace_with_free_sigma_matches_quadrature(sigma_prior, fit_intercept):
    # the unconditional Laplace prior alternates beta | sigma^2 and sigma^2 | beta (not the blocked
    # update of the sigma-scaled priors): moments and quantiles of beta, and the mean and sd of sigma.
    # Without an intercept the data have none either, and sigma^2 has n (not n - 1) degrees of freedom.
    X, y = _one_feature(20, seed=7, slope=0.5, noise=1.2, intercept=0.7 if fit_intercept else 0.0)
    b = 0.3
    a0, b0 = (0.0, 0.0) if sigma_prior == "jeffreys" else (sigma_prior.shape, sigma_prior.scale)
    probs = np.array([0.1, 0.5, 0.9])
    ref = _laplace_free_sigma_reference(X, y, b, a0, b0, probs, fit_intercept)
    idata = sample_gibbs(X, y, br.Laplace(b), sigma=sigma_prior, fit_intercept=fit_intercept, draws=10_000, tune=500,
                         chains=2, random_seed=12, progressbar=False, log_likelihood=False)  # fmt: skip
    assert ("intercept" in idata.posterior) == fit_intercept
    beta = idata.posterior["beta"].values[..., 0]
    sig = idata.posterior["sigma"].values
    _assert_mean(beta, ref["mean"], ref["sd"], "beta")
    _assert_sd(beta, ref["sd"], "beta")
    _assert_quantiles(beta, ref["quantiles"], probs, "beta")
    _assert_mean(sig, ref["sigma_mean"], ref["sigma_sd"], "sigma")
    _assert_sd(sig, ref["sigma_sd"], "sigma")


# ----------------------------------------------------------------------------- no intercept


@pytest.mark.slow
@pytest.mark.parametrize("n,p", [(40, 4), (15, 25)])
def test_gaussian_without_intercept_matches_the_closed_form(n, p):
    # y = X beta + e, no intercept: beta | y ~ N(Q^-1 X^T y / sigma^2, Q^-1), Q = X^T X / sigma^2 + I / tau^2,
    # with the RAW (uncentred) X and y. Columns and y sit far from zero, so centring them by mistake moves
    # the posterior by many sds. (40, 4) runs Rue's algorithm on the statistics, (15, 25) the BCM one.
    r = np.random.default_rng(21)
    X = r.standard_normal((n, p)) + 1.5
    sigma, tau = 1.4, 0.8
    y = X[:, :3] @ np.array([1.0, -0.5, 0.8]) + 2.0 + sigma * r.standard_normal(n)
    Q = X.T @ X / sigma**2 + np.eye(p) / tau**2
    cov = np.linalg.inv(Q)
    mean, sd = cov @ X.T @ y / sigma**2, np.sqrt(np.diag(cov))
    idata = sample_gibbs(X, y, br.Gaussian(tau), sigma=sigma, fit_intercept=False, draws=2000, tune=100, chains=2,
                         random_seed=13, progressbar=False)  # fmt: skip
    assert "intercept" not in idata.posterior
    draws = idata.posterior["beta"].values
    for j in range(p):
        _assert_mean(draws[..., j], mean[j], sd[j], f"beta[{j}]")
        _assert_sd(draws[..., j], sd[j], f"beta[{j}]")
