"""The R2-D2 prior against references written here from its definition (issue 22).

The definition (Zhang, Reich and Bondell 2022, with the normal kernel of Aguilar and Bürkner 2023,
as ``bayesreg.priors.R2D2`` documents it): ``R^2 ~ Beta(a, b)``, ``W = R^2 / (1 - R^2)``,
``phi ~ Dirichlet(xi, ..., xi)`` over the p coefficients, ``beta_j ~ N(0, sigma^2 W phi_j)``.

References, none of them the package's code:

- ``log|beta_j| = log sigma + (log R^2 - log(1 - R^2))/2 + (log phi_j)/2 + log|z_j|`` is a sum of
  independent terms with closed-form cumulants (digamma / trigamma of the Beta parameters and of
  the Dirichlet margin ``phi_j ~ Beta(xi, (p - 1) xi)``; ``log|z|`` of a standard normal has mean
  ``-(gamma + log 2)/2`` and variance ``pi^2/8``): its mean and variance, every moment finite;
- the Dirichlet margin and the Beta of ``R^2`` by Kolmogorov-Smirnov against scipy;
- the implied ``R^2`` of the coefficients, ``||beta||^2 / (||beta||^2 + sigma^2) = W Q / (1 + W Q)``
  with ``Q = ||beta||^2 / (sigma^2 W) = sum_j phi_j z_j^2``: ``E Q = 1`` and
  ``E Q^2 = 1 + 2 p E[phi_j^2] = 1 + 2 (xi + 1) / (p xi + 1)``, the moment that depends on ``xi``;
- a sampled posterior (NUTS, the sampler ``sample_posterior`` picks for R2D2) against a 2-D
  quadrature of the exact posterior of ``(R^2, phi_1)`` (p = 2), with ``beta``, ``sigma^2`` and the
  intercept integrated out in closed form (they are conjugate given ``(R^2, phi)`` because the
  prior of ``beta`` scales with sigma).

Parameter values: concentration 0.3 and 3 (where ``xi`` and ``1/xi`` or a missing factor p in the
Dirichlet differ), Beta parameters far from symmetric (where ``Beta(a, b)`` and ``Beta(b, a)``
differ).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

import bayesreg as br
from bayesreg.priors import R2D2

K_SE = 4.0
KS_PVALUE = 1e-4  # a KS test fails below this p-value: where sqrt(N) D > KS_CRIT (large N)
KS_CRIT = float(stats.kstwobign.isf(KS_PVALUE))  # 2.0

# (mean_r2, precision, concentration, p, sigma): a = 1.2, b = 4.8 with xi = 0.3; a = 2.1, b = 0.9 with xi = 3
CASES = [(0.2, 6.0, 0.3, 4, 1.5), (0.7, 3.0, 3.0, 3, 0.8)]


def _log_abs_beta_moments(a, b, xi, p, sigma):
    """Mean and variance of ``log|beta_j|`` under the definition (independent terms, closed form)."""
    mean = (np.log(sigma) + 0.5 * (special.digamma(a) - special.digamma(b))
            + 0.5 * (special.digamma(xi) - special.digamma(p * xi)) - 0.5 * (np.euler_gamma + np.log(2.0)))  # fmt: skip
    var = (0.25 * (special.polygamma(1, a) + special.polygamma(1, b))
           + 0.25 * (special.polygamma(1, xi) - special.polygamma(1, p * xi)) + np.pi**2 / 8.0)  # fmt: skip
    return float(mean), float(var)


def _check_against_definition(beta, r2, phi, a, b, xi, p, sigma, what):
    """The draws ``beta`` (N, p), ``r2`` (N,), ``phi`` (N, p) against the definition's closed forms.

    Power: N = 20000 rows. The row average of ``log|beta_j|`` over j has sd below 2 here, so its
    MCSE is below 0.015 and the smallest error meant to be caught, 0.1 in ``E log|beta_j|`` (a
    factor 1.22 in the coefficients' scale, e.g. sigma^2 for sigma or R^2/(1 + R^2) for W), is at
    z > 6.7 = 1.7 K_SE; the slips named in the module docstring are much larger (xi <-> 1/xi at
    xi = 0.3, p = 4: 0.85; Beta(b, a): 1.75; both at z > 50), checked against the MCSE below.
    """
    n = beta.shape[0]
    mean, var = _log_abs_beta_moments(a, b, xi, p, sigma)
    L = np.log(np.abs(beta))
    m_row = L.mean(axis=1)  # rows are independent; the p coefficients of a row are not
    se = m_row.std(ddof=1) / np.sqrt(n)
    assert 0.1 >= 2 * K_SE * se, f"{what}: too few draws for the stated power (se {se:.3g})"
    z = (m_row.mean() - mean) / se
    assert abs(z) < K_SE, f"{what}: E log|beta_j| {m_row.mean():.4f} vs {mean:.4f} (z = {z:.1f})"
    # slips of the kinds named above are well beyond the threshold at this N: xi <-> 1/xi and Beta(b, a)
    # in this mean; a Dirichlet(p xi) in the KS test of the margin phi_j below
    for slipped in (_log_abs_beta_moments(a, b, 1.0 / xi, p, sigma)[0], _log_abs_beta_moments(b, a, xi, p, sigma)[0]):
        assert abs(slipped - mean) > 2 * K_SE * se
    grid = np.linspace(0.0, 1.0, 2001)
    d_slip = np.abs(stats.beta(xi, (p - 1) * xi).cdf(grid) - stats.beta(p * xi, p * (p - 1) * xi).cdf(grid)).max()
    assert np.sqrt(n) * d_slip > 2 * KS_CRIT
    v_row = ((L - mean) ** 2).mean(axis=1)
    se_v = v_row.std(ddof=1) / np.sqrt(n)
    z = (v_row.mean() - var) / se_v
    assert abs(z) < K_SE, f"{what}: var log|beta_j| {v_row.mean():.4f} vs {var:.4f} (z = {z:.1f})"
    # the pieces: R^2 ~ Beta(a, b), phi_j ~ Beta(xi, (p - 1) xi), the shares sum to 1
    assert stats.kstest(r2, stats.beta(a, b).cdf).pvalue > KS_PVALUE, what
    assert stats.kstest(phi[:, 0], stats.beta(xi, (p - 1) * xi).cdf).pvalue > KS_PVALUE, what
    np.testing.assert_allclose(phi.sum(axis=1), 1.0, rtol=1e-12)
    # the implied R^2: Q = ||beta||^2 / (sigma^2 W) has E Q = 1, E Q^2 = 1 + 2 (xi + 1)/(p xi + 1)
    W = r2 / (1.0 - r2)
    Q = (beta**2).sum(axis=1) / (sigma**2 * W)
    for k, ref in ((1, 1.0), (2, 1.0 + 2.0 * (xi + 1.0) / (p * xi + 1.0))):
        se_q = (Q**k).std(ddof=1) / np.sqrt(n)
        z = ((Q**k).mean() - ref) / se_q
        assert abs(z) < K_SE, f"{what}: E Q^{k} {(Q**k).mean():.4f} vs {ref:.4f} (z = {z:.1f})"
    # xi <-> 1/xi moves E Q^2 by 2.0 - 1.6 = 0.4 at xi = 0.3 (or 3), p = 4 (or 3): z > 10 here
    slipped = 1.0 + 2.0 * (1.0 / xi + 1.0) / (p / xi + 1.0)
    se_q2 = (Q**2).std(ddof=1) / np.sqrt(n)
    assert abs(slipped - (1.0 + 2.0 * (xi + 1.0) / (p * xi + 1.0))) > 2 * K_SE * se_q2


@pytest.mark.parametrize("case", CASES)
def test_numpy_draws_against_the_definition(case):
    mean_r2, precision, xi, p, sigma = case
    prior = R2D2(mean_r2=mean_r2, precision=precision, concentration=xi)
    a, b = prior.beta_params
    assert (a, b) == pytest.approx((mean_r2 * precision, (1 - mean_r2) * precision), rel=1e-15)
    h = prior.sample_hierarchy((20000, p), rng=int(100 * xi) + p, sigma=sigma)
    _check_against_definition(h["beta"], h["r2"], h["phi"], a, b, xi, p, sigma, "numpy draws")


@pytest.mark.parametrize("case", CASES)
def test_pymc_form_against_the_definition(case):
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    mean_r2, precision, xi, p, sigma = case
    prior = R2D2(mean_r2=mean_r2, precision=precision, concentration=xi)
    a, b = prior.beta_params
    with pm.Model(coords={"feature": [f"x{j}" for j in range(p)]}) as model:
        beta = prior.to_pymc("beta", dims="feature", sigma=sigma)
        draws = pm.draw([beta, model["r2"], model["phi"]], draws=20000, random_seed=int(10 * xi) + 7 * p)
    _check_against_definition(*draws, a, b, xi, p, sigma, "to_pymc")
    # and the NumPy draws of the same prior, two-sample KS on a coefficient and on R^2
    ref = prior.sample_hierarchy((20000, p), rng=3 + p, sigma=sigma)
    assert stats.ks_2samp(draws[0][:, 1], ref["beta"][:, 1]).pvalue > KS_PVALUE
    assert stats.ks_2samp(draws[1], ref["r2"]).pvalue > KS_PVALUE


def test_model_builder_prior_against_the_definition():
    # build_model's beta with sigma fixed (a pm.Data) and with standardize=True (the prior on
    # beta_std = s * beta): the builder passes sigma and the column scales through as documented
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    mean_r2, precision, xi, p, sigma = CASES[0]
    prior = R2D2(mean_r2=mean_r2, precision=precision, concentration=xi)
    a, b = prior.beta_params
    r = np.random.default_rng(41)
    X = r.standard_normal((25, p)) * np.array([1.0, 3.0, 0.5, 2.0])
    y = r.standard_normal(25)
    for standardize in (False, True):
        model = br.build_model(X, y, prior, sigma=sigma, standardize=standardize)
        beta, r2, phi = pm.draw([model["beta"], model["r2"], model["phi"]], draws=20000,
                                random_seed=43 + standardize)  # fmt: skip
        if standardize:
            beta = beta * X.std(axis=0)  # population sd: the builder's x_scale
        _check_against_definition(beta, r2, phi, a, b, xi, p, sigma, f"build_model(standardize={standardize})")


# ---------------------------------------------------------------------------- the sampled posterior


def _beta_nodes(k, a, b):
    """Gauss-Jacobi nodes in (0, 1) and weights for the Beta(a, b) density (weights normalised)."""
    x, w = special.roots_jacobi(k, b - 1.0, a - 1.0)
    return (1.0 + x) / 2.0, w / w.sum()


def _r2d2_posterior_by_quadrature(X, y, a, b, xi, a0, b0, k=100):
    r"""Posterior moments of the R2-D2 linear model with p = 2, written from the definition.

    ``y = b_0 + X beta + e``, ``e ~ N(0, s2 I)``, flat ``b_0``, ``s2 ~ IG(a0, b0)``,
    ``beta | s2, W, phi ~ N(0, s2 D)``, ``D = W diag(phi_1, 1 - phi_1)``, ``R^2 ~ Beta(a, b)``,
    ``phi_1 ~ Beta(xi, xi)`` (the Dirichlet(xi, xi) margin). With the intercept integrated out
    (centred data, n - 1 residual degrees of freedom) beta and s2 are conjugate given (W, phi):
    ``beta | s2, . ~ N(m, s2 A^-1)``, ``A = Xc'Xc + D^-1``, ``m = A^-1 Xc'yc``, ``s2 | . ~ IG(a_n, b_n)``
    with ``a_n = a0 + (n - 1)/2``, ``b_n = b0 + S/2``, ``S = ||yc - Xc m||^2 + m'D^-1 m`` (a sum of
    squares: no cancellation), and ``p(W, phi | y) ∝ p(R^2) p(phi) |I + D^(1/2) G D^(1/2)|^(-1/2) b_n^(-a_n)``.
    That 2-D density is integrated by a Gauss-Jacobi product rule with the Beta densities as
    weights (the integrand left is smooth on [0, 1]^2: 50 and 400 nodes agree to 6 digits).
    """
    n = y.size
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    G, g = Xc.T @ Xc, Xc.T @ yc
    r2, wr = _beta_nodes(k, a, b)
    ph, wp = _beta_nodes(k, xi, xi)
    R2, PH = np.meshgrid(r2, ph, indexing="ij")
    W = R2 / (1.0 - R2)
    sd = np.sqrt(np.stack([W * PH, W * (1.0 - PH)], axis=-1))  # D^(1/2), (k, k, 2)
    M = np.eye(2) + sd[..., :, None] * G * sd[..., None, :]
    logdet = 2.0 * np.log(np.diagonal(np.linalg.cholesky(M), axis1=-2, axis2=-1)).sum(-1)
    Minv = np.linalg.inv(M)
    u = np.einsum("...ij,...j->...i", Minv, sd * g)  # D^(-1/2) m
    m = sd * u
    res = yc - np.einsum("ij,...j->...i", Xc, m)
    an, bn = a0 + 0.5 * (n - 1), b0 + 0.5 * ((res**2).sum(-1) + (u**2).sum(-1))
    logw = np.log(np.outer(wr, wp)) - 0.5 * logdet - an * np.log(bn)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    Es2 = bn / (an - 1.0)
    Esig = np.sqrt(bn) * np.exp(special.gammaln(an - 0.5) - special.gammaln(an))
    cov = Es2[..., None, None] * (sd[..., :, None] * Minv * sd[..., None, :]) + m[..., :, None] * m[..., None, :]
    Eb = np.einsum("ij,ijk->k", w, m)
    Ebb = np.einsum("ij,ijkl->kl", w, cov)
    e_sig = float((w * Esig).sum())
    e_r2 = float((w * R2).sum())
    e_b0 = float(y.mean() - X.mean(axis=0) @ Eb)
    # b_0 | beta, s2 ~ N(ybar - xbar'beta, s2/n): var b_0 = E[s2]/n + xbar' var(beta) xbar
    xbar = X.mean(axis=0)
    var_b0 = float((w * Es2).sum()) / n + xbar @ (Ebb - np.outer(Eb, Eb)) @ xbar
    return {
        "beta": (Eb, np.sqrt(np.diag(Ebb) - Eb**2)),
        "sigma": (e_sig, float(np.sqrt((w * Es2).sum() - e_sig**2))),
        "r2": (e_r2, float(np.sqrt((w * R2**2).sum() - e_r2**2))),
        "intercept": (e_b0, float(np.sqrt(var_b0))),
    }


@pytest.mark.slow
def test_sampled_posterior_against_quadrature():
    # n = 30, p = 2, a weak signal (the prior matters) and noise sd 0.4 (so a prior scale missing its
    # sigma, 6x too wide in variance, shows). sample_posterior runs NUTS on build_model's PyMC form.
    #
    # Power (MCSE with the ESS of the run, about 3000 for 4 x 800 draws): the slips checked below by
    # the same quadrature, concentration xi <-> 1/xi and Beta(b, a), move a compared posterior moment by
    # 0.017 (mean of beta_2, ~19 MCSE) / 0.015 (its sd, 25%, ~15 se) and 0.43 (mean of R^2, > 100 MCSE);
    # each is asserted below to be at least 2 K_SE standard errors away.
    from test_gibbs_references import _assert_mean, _assert_sd, _ess

    r = np.random.default_rng(11)
    n = 30
    X = r.standard_normal((n, 2))
    y = 0.3 + X @ np.array([0.24, 0.04]) + 0.4 * r.standard_normal(n)
    prior = R2D2(mean_r2=0.2, precision=6.0, concentration=0.3)
    a, b = prior.beta_params
    a0, b0 = 2.0, 0.3
    ref = _r2d2_posterior_by_quadrature(X, y, a, b, 0.3, a0, b0)
    post = br.sample_posterior(X, y, prior, sigma=br.InverseGammaPrior(a0, b0), draws=800, tune=800, chains=4,
                               cores=1, random_seed=2026, progressbar=False, target_accept=0.95,
                               check=False)  # fmt: skip
    P = post.posterior
    assert P.attrs["sampler"] == "nuts"
    draws = {"beta": [P["beta"].values[..., j] for j in range(2)], "sigma": [P["sigma"].values],
             "r2": [P["r2"].values], "intercept": [P["intercept"].values]}  # fmt: skip
    for name, ds in draws.items():
        mean, sd = ref[name]
        for j, d in enumerate(ds):
            mj, sj = np.atleast_1d(mean)[j], np.atleast_1d(sd)[j]
            _assert_mean(d, mj, sj, f"{name}[{j}]")
            _assert_sd(d, sj, f"{name}[{j}]")

    # the stated power: each slip moves some compared moment by more than 2 K_SE of its standard error
    # (the mean's MCSE; the sd's standard error by the delta method of _assert_sd)
    def se_sd(d, sd):
        dev2 = (d - d.mean()) ** 2
        return np.sqrt(max(float(np.mean(dev2**2)) - sd**4, 0.0)) / (2.0 * sd * np.sqrt(_ess(dev2)))

    for slipped in (_r2d2_posterior_by_quadrature(X, y, a, b, 1.0 / 0.3, a0, b0),
                    _r2d2_posterior_by_quadrature(X, y, b, a, 0.3, a0, b0)):  # fmt: skip
        zs = []
        for name, ds in draws.items():
            for j, d in enumerate(ds):
                mj, sj = np.atleast_1d(ref[name][0])[j], np.atleast_1d(ref[name][1])[j]
                zs.append(abs(np.atleast_1d(slipped[name][0])[j] - mj) / (sj / np.sqrt(_ess(d))))
                zs.append(abs(np.atleast_1d(slipped[name][1])[j] - sj) / se_sd(d, sj))
        assert max(zs) > 2 * K_SE, zs
