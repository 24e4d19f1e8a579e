"""Per-coefficient prior scales in the closed-form posterior, the evidence, empirical Bayes and the shrinkage grid.

References written out here, independent of ``design.reweight``: the augmented closed form
(``Z = [1, X]``, prior precision ``diag(0, 1/tau_j^2 or 0)``), the marginal
``N(0, sigma^2 I + X_c diag(tau_j^2) X_c^T)`` by scipy, the flat-prior evidence by the Laplace
identity (exact for a Gaussian integrand), scipy optimisers over the common scale, a 2-D quadrature
of the Laplace-prior evidence (the unpenalised column and the intercept projected out by QR on the
rows), and the weighted lasso's optimality conditions.
"""

import numpy as np
import pytest
from scipy import optimize, stats

import bayesreg as br

SIGMA = 0.8
SCALES = np.array([0.5, np.inf, 2.0, 0.1, np.inf])
FINITE = np.array([0.5, 1.0, 2.0, 0.1, 3.0])


def _data(n=40, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.normal(size=p)  # columns off centre: the intercept matters
    y = X @ rng.normal(size=p) + 1.5 + rng.normal(size=n)
    return X, y


def _factors(scales):
    s = np.asarray(scales, dtype=float)
    return s / np.exp(np.mean(np.log(s[np.isfinite(s)])))


def _augmented(X, y, tau, sigma):
    """Mean and covariance of (b0, beta) from the (p+1)-dim closed form with a flat b0 and flat inf scales."""
    Z = np.c_[np.ones(len(y)), X]
    prec = np.r_[0.0, np.where(np.isfinite(tau), 1.0 / np.asarray(tau) ** 2, 0.0)]
    P = Z.T @ Z / sigma**2 + np.diag(prec)
    C = np.linalg.inv(P)
    return C @ Z.T @ y / sigma**2, C


def _flat_evidence(X, y, tau, sigma):
    """log of the integral of N(y; Z theta, sigma^2 I) prod_j N(beta_j; 0, tau_j^2), density 1 on b0 and inf scales.

    Laplace's identity, exact here: f(theta*) (2 pi)^(d/2) det(P)^(-1/2), P the Hessian of -log f.
    """
    Z = np.c_[np.ones(len(y)), X]
    tau = np.asarray(tau, dtype=float)
    prec = np.r_[0.0, np.where(np.isfinite(tau), 1.0 / tau**2, 0.0)]
    P = Z.T @ Z / sigma**2 + np.diag(prec)
    th = np.linalg.solve(P, Z.T @ y / sigma**2)
    on = np.isfinite(tau)
    logf = stats.norm(Z @ th, sigma).logpdf(y).sum() + stats.norm(0.0, tau[on]).logpdf(th[1:][on]).sum()
    return logf + 0.5 * Z.shape[1] * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(P)[1]


# ---------------------------------------------------------------------------------------------
# 1. the exact posterior and the evidence
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scales", [SCALES, FINITE], ids=["with-inf", "finite"])
def test_exact_posterior_is_the_augmented_closed_form(scales):
    X, y = _data()
    post = br.exact_posterior(X, y, br.Gaussian(scales), sigma=SIGMA)
    m, C = _augmented(X, y, scales, SIGMA)
    scale = np.sqrt(np.diag(C))
    # both are direct float64 solves of a well-conditioned (cond ~ 1e3) 6 x 6 system
    np.testing.assert_allclose(post.mean, m[1:], atol=1e-10 * scale[1:].max())
    np.testing.assert_allclose(post.cov, C[1:, 1:], atol=1e-12 * C.max())
    np.testing.assert_allclose(post.sd, scale[1:], rtol=1e-10)
    assert post.intercept_mean == pytest.approx(m[0], abs=1e-10 * scale[0])
    assert post.intercept_sd == pytest.approx(scale[0], rel=1e-10)
    np.testing.assert_allclose(post.intercept_cov, C[0, 1:], atol=1e-12 * C.max())
    np.testing.assert_allclose(post.joint_cov, C, atol=1e-12 * C.max())
    # hdi and summary: mean -+ z sd of the exact marginals
    z = stats.norm.ppf(0.97)
    h = post.hdi(0.94)
    np.testing.assert_allclose(h["hdi_low"].values, np.r_[m[1:], m[0]] - z * np.r_[scale[1:], scale[0]], rtol=1e-9)
    assert list(post.summary().index) == [f"x{j}" for j in range(5)] + ["intercept"]
    # predict: the mean and sd of b0 + x^T beta (+ noise) at new rows
    Xn = np.random.default_rng(9).normal(size=(4, 5))
    Zn = np.c_[np.ones(4), Xn]
    mu, sd = post.predict(Xn, return_std=True)
    np.testing.assert_allclose(mu, Zn @ m, rtol=1e-10)
    np.testing.assert_allclose(sd, np.sqrt(np.einsum("ij,jk,ik->i", Zn, C, Zn) + SIGMA**2), rtol=1e-10)
    _, sd_f = post.predict(Xn, return_std=True, include_noise=False)
    np.testing.assert_allclose(sd_f, np.sqrt(np.einsum("ij,jk,ik->i", Zn, C, Zn)), rtol=1e-10)
    # alpha: the weighted ridge weights sigma^2 / tau_j^2 (0 for a flat prior)
    np.testing.assert_allclose(post.alpha, np.where(np.isfinite(scales), SIGMA**2 / np.asarray(scales) ** 2, 0.0))


def test_exact_draws_have_the_closed_form_moments():
    X, y = _data()
    post = br.exact_posterior(X, y, br.Gaussian(SCALES), sigma=SIGMA)
    m, C = _augmented(X, y, SCALES, SIGMA)
    beta, b0 = post.sample_arrays(draws=20000, chains=2, random_seed=1)
    draws = np.c_[b0.reshape(-1), beta.reshape(-1, 5)]
    N = draws.shape[0]
    sd = np.sqrt(np.diag(C))
    # i.i.d. draws: the mean's standard error is sd / sqrt(N); 4.5 of them (a 1e-5 two-sided chance each)
    assert np.all(np.abs(draws.mean(axis=0) - m) < 4.5 * sd / np.sqrt(N))
    # the sample covariance: se of a covariance entry <= sqrt((C_ii C_jj + C_ij^2) / N) <= sqrt(2/N) sd_i sd_j
    err = np.abs(np.cov(draws.T) - C) / np.outer(sd, sd)
    assert err.max() < 4.5 * np.sqrt(2.0 / N)
    idata = post.sample(draws=50, chains=2, random_seed=2)
    assert idata.posterior["beta"].shape == (2, 50, 5)
    assert idata.posterior.attrs["per_coefficient_scales"] == "3 penalised, 2 unpenalised (flat)"


def test_exact_posterior_from_sufficient_statistics_and_with_an_intercept_prior():
    X, y = _data()
    post = br.exact_posterior(X, y, br.Gaussian(SCALES), sigma=SIGMA)
    st = br.SufficientStats.from_arrays(X, y)
    np.testing.assert_allclose(br.exact_posterior(st, None, br.Gaussian(SCALES), sigma=SIGMA).mean, post.mean,
                               rtol=1e-10)  # fmt: skip
    # a N(mu, s^2) intercept prior (finite scales): the augmented form with that precision on b0
    mu, s = 0.5, 0.3
    got = br.exact_posterior(X, y, br.Gaussian(FINITE), sigma=SIGMA, intercept_prior=(mu, s))
    Z = np.c_[np.ones(len(y)), X]
    P = Z.T @ Z / SIGMA**2 + np.diag(np.r_[1 / s**2, 1 / FINITE**2])
    C = np.linalg.inv(P)
    m = C @ (Z.T @ y / SIGMA**2 + np.r_[mu / s**2, np.zeros(5)])
    np.testing.assert_allclose(got.mean, m[1:], rtol=1e-9)
    np.testing.assert_allclose(got.cov, C[1:, 1:], rtol=1e-9)
    assert got.intercept_mean == pytest.approx(m[0], rel=1e-9)
    assert got.intercept_sd == pytest.approx(np.sqrt(C[0, 0]), rel=1e-9)
    with pytest.raises(ValueError, match="intercept_prior with unpenalised"):
        br.exact_posterior(X, y, br.Gaussian(SCALES), sigma=SIGMA, intercept_prior=(mu, s))


def test_the_evidence_with_finite_scales_is_the_direct_marginal():
    X, y = _data()
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    cov = SIGMA**2 * np.eye(n) + Xc @ np.diag(FINITE**2) @ Xc.T
    # as the function documents: log N_n(y_c; 0, sigma^2 I + X_c D X_c^T) + log(2 pi sigma^2 / n) / 2
    direct = stats.multivariate_normal(np.zeros(n), cov).logpdf(yc) + 0.5 * np.log(2 * np.pi * SIGMA**2 / n)
    got = br.log_marginal_likelihood(X, y, FINITE, sigma=SIGMA)
    assert got == pytest.approx(direct, rel=1e-12)
    assert br.log_marginal_likelihood(X, y, br.Gaussian(FINITE), sigma=SIGMA) == got
    # the flat intercept as an integral of density 1 (Laplace's identity): the same number
    assert got == pytest.approx(_flat_evidence(X, y, FINITE, SIGMA), rel=1e-12)
    # equal scales: the common-scale evidence
    assert br.log_marginal_likelihood(X, y, [0.7] * 5, sigma=SIGMA) == pytest.approx(
        br.log_marginal_likelihood(X, y, 0.7, sigma=SIGMA), rel=1e-13)  # fmt: skip


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_evidence_with_infinite_scales_integrates_a_density_one_flat_prior(fit_intercept):
    X, y = _data()
    got = br.log_marginal_likelihood(X, y, SCALES, sigma=SIGMA, fit_intercept=fit_intercept)
    if fit_intercept:
        ref = _flat_evidence(X, y, SCALES, SIGMA)
    else:
        # no intercept: the integral over the flat coefficients only
        tau = SCALES
        P = X.T @ X / SIGMA**2 + np.diag(np.where(np.isfinite(tau), 1.0 / tau**2, 0.0))
        th = np.linalg.solve(P, X.T @ y / SIGMA**2)
        on = np.isfinite(tau)
        logf = stats.norm(X @ th, SIGMA).logpdf(y).sum() + stats.norm(0.0, tau[on]).logpdf(th[on]).sum()
        ref = logf + 0.5 * 5 * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(P)[1]
    assert got == pytest.approx(ref, rel=1e-11)
    # the limit of a wide proper prior on the flat coefficients, less its normalising constant
    wide = np.where(np.isfinite(SCALES), SCALES, 1e4)
    limit = br.log_marginal_likelihood(X, y, wide, sigma=SIGMA, fit_intercept=fit_intercept) + 2 * np.log(
        np.sqrt(2 * np.pi) * 1e4)  # fmt: skip
    assert got == pytest.approx(limit, abs=1e-5)  # the gap is O(1/T^2) = O(1e-8) times the data's scale


# ---------------------------------------------------------------------------------------------
# 2. empirical Bayes with the relative factors fixed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scales", [SCALES, FINITE], ids=["with-inf", "finite"])
def test_gaussian_type2_ml_of_the_common_scale_is_the_direct_maximum(scales):
    X, y = _data()
    f = _factors(scales)
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()

    def direct(log_s, sigma=SIGMA):
        if np.isfinite(f).all():
            # log N_n(y_c; 0, S) + log(2 pi sigma^2 / n) / 2, S = sigma^2 I + s^2 X_c diag(c^2) X_c^T
            S = sigma**2 * np.eye(n) + np.exp(2 * log_s) * Xc @ np.diag(f**2) @ Xc.T
            L = np.linalg.cholesky(S)
            r = np.linalg.solve(L, yc)
            logpdf = -0.5 * (n * np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(L))) + r @ r)
            return logpdf + 0.5 * np.log(2 * np.pi * sigma**2 / n)
        return _flat_evidence(X, y, np.exp(log_s) * f, sigma)

    res = br.choose_prior_scale(X, y, br.Gaussian(scales), sigma=SIGMA)
    opt = optimize.minimize_scalar(lambda t: -direct(t), bounds=(-8, 4), method="bounded", options={"xatol": 1e-10})
    # the evidence is flat at its maximum: a relative 1e-6 in the scale is ~1e-12 in the evidence
    assert res.scale == pytest.approx(np.exp(opt.x), rel=1e-5)
    assert res.log_marginal_likelihood == pytest.approx(-opt.fun, rel=1e-10)
    assert res.factors_fixed and res.factors == pytest.approx(tuple(f))
    assert res.prior.scale == pytest.approx(tuple(res.scale * f))
    assert "relative factors held fixed" in repr(res)
    # sigma free: the joint maximum over (common scale, sigma)
    joint = br.choose_prior_scale(X, y, br.Gaussian(scales), sigma=None)
    o2 = optimize.minimize(lambda v: -direct(v[0], np.exp(v[1])), [np.log(res.scale), 0.0], method="Nelder-Mead",
                           options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 4000})  # fmt: skip
    assert joint.scale == pytest.approx(np.exp(o2.x[0]), rel=1e-5)
    assert joint.sigma == pytest.approx(np.exp(o2.x[1]), rel=1e-5)
    assert joint.log_marginal_likelihood == pytest.approx(-o2.fun, rel=1e-10)


def test_laplace_mcem_of_the_common_scale_is_the_quadrature_maximum():
    rng = np.random.default_rng(3)
    n, sigma = 30, 1.0
    X = rng.normal(size=(n, 3))
    y = X @ np.array([0.6, 1.0, -0.3]) + 0.5 + rng.normal(size=n)
    scales = np.array([1.0, np.inf, 3.0])
    # the intercept and the unpenalised column integrated out under a flat prior: project them out (QR)
    Q, _ = np.linalg.qr(np.c_[np.ones(n), X[:, 1]])
    yr = y - Q @ (Q.T @ y)
    Xp = X[:, [0, 2]] - Q @ (Q.T @ X[:, [0, 2]])
    G = Xp.T @ Xp
    bh = np.linalg.solve(G, Xp.T @ yr)
    sd = sigma * np.sqrt(np.diag(np.linalg.inv(G)))
    g1 = np.linspace(bh[0] - 9 * sd[0], bh[0] + 9 * sd[0], 1201)
    g2 = np.linspace(bh[1] - 9 * sd[1], bh[1] + 9 * sd[1], 1201)
    B1, B2 = np.meshgrid(g1, g2, indexing="ij")
    D = np.stack([B1 - bh[0], B2 - bh[1]], axis=-1)
    quad = np.einsum("...i,ij,...j->...", D, G, D) / (2 * sigma**2)
    f = _factors(scales)[[0, 2]]

    def neg_log_evidence(log_b):  # up to a constant in b
        b = np.exp(log_b) * f
        v = -quad - np.log(2 * b).sum() - np.abs(B1) / b[0] - np.abs(B2) / b[1]
        top = v.max()
        return -(top + np.log(np.trapezoid(np.trapezoid(np.exp(v - top), g2, axis=1), g1)))

    opt = optimize.minimize_scalar(neg_log_evidence, bounds=(-6, 4), method="bounded", options={"xatol": 1e-9})
    res = br.choose_prior_scale(X, y, br.Laplace(scales), sigma=sigma, update="newton", draws=1000, n_average=5,
                                random_seed=2)  # fmt: skip
    assert res.converged and res.factors_fixed
    se_b = res.mc_se * res.scale / res.lam  # b = sigma / lam
    # Monte Carlo error plus the stopping tolerance (2e-3 relative) of the EM
    assert abs(res.scale - np.exp(opt.x)) < 4 * se_b + 2e-3 * res.scale
    assert isinstance(res.prior, br.Laplace)
    assert res.prior.scale == pytest.approx(tuple(res.scale * _factors(scales)))


def test_laplace_hyperprior_with_a_vector_is_refused():
    X, y = _data()
    with pytest.raises(ValueError, match="method='hyperprior' with per-coefficient scales"):
        br.choose_prior_scale(X, y, br.Laplace(SCALES), sigma=SIGMA, method="hyperprior")
    with pytest.raises(ValueError, match="2 per-coefficient scales but the data have p = 5"):
        br.choose_prior_scale(X, y, br.Gaussian([1.0, 2.0]), sigma=SIGMA)


# ---------------------------------------------------------------------------------------------
# 3. the shrinkage grid over the common scale
# ---------------------------------------------------------------------------------------------


def test_shrinkage_grid_multiplies_the_common_scale_and_its_map_is_the_vector_prior_map():
    X, y = _data()
    f = _factors(SCALES)
    grid = [0.05, 0.2, 1.0]
    tab = br.shrinkage_table(X, y, br.Laplace(SCALES), scales=grid, sigma=SIGMA, draws=200, tune=100, chains=2,
                             random_seed=0)  # fmt: skip
    assert tab.attrs["factors"] == pytest.approx(list(f))
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for s in grid:
        rows = tab[tab.scale == s]
        b = s * f
        ref = br.map_estimate(X, y, br.Laplace(tuple(b)), sigma=SIGMA)
        np.testing.assert_allclose(rows["map"].values, ref.coef, atol=1e-12)
        # the weighted lasso's KKT conditions: grad_j = x_j^T (y - X beta) / n, penalty weight sigma^2 / (n b_j)
        beta = rows["map"].values
        g = Xc.T @ (yc - Xc @ beta) / n
        w = np.where(np.isfinite(b), SIGMA**2 / (n * b), 0.0)
        tol = 1e-5 * np.abs(Xc.T @ yc).max() / n
        on = beta != 0
        assert np.all(np.abs(g[on] - w[on] * np.sign(beta[on])) < tol)
        assert np.all(np.abs(g[~on]) <= w[~on] + tol)
        assert np.all(on[~np.isfinite(b)])  # the unpenalised coefficients are never zero here
        assert rows["alpha"].iloc[0] == pytest.approx(SIGMA**2 / (n * s))


def test_gaussian_shrinkage_grid_is_the_exact_posterior_of_the_vector_prior():
    X, y = _data()
    f = _factors(SCALES)
    tab = br.shrinkage_table(X, y, br.Gaussian(SCALES), sigma=SIGMA, n_scales=4)
    for s in np.unique(tab.scale):
        rows = tab[tab.scale == s]
        m, C = _augmented(X, y, s * f, SIGMA)
        sd = np.sqrt(np.diag(C))[1:]
        np.testing.assert_allclose(rows["map"].values, m[1:], atol=1e-9 * sd.max())  # the ridge path
        np.testing.assert_allclose(rows["mean"].values, m[1:], atol=1e-9 * sd.max())
        np.testing.assert_allclose(rows["sd"].values, sd, rtol=1e-9)
