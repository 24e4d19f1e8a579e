"""Priors on sigma itself (half-normal, half-Cauchy, half-t, exponential, uniform) through the noise model.

References, each computed here independently of the code under test:

- the densities: scipy.stats (``halfnorm``, ``halfcauchy``, ``t`` folded, ``expon``, ``uniform``);
- the PyMC form: the same densities evaluated on a PyTensor graph;
- the modal-sigma step and the joint MAP: scipy.optimize on the joint negative log posterior written
  out here (analytic gradient, sigma bounded), and the first-order conditions at the answer;
- the Gibbs samplers (both routes) and NUTS: a quadrature of the posterior of one coefficient and
  sigma, on a grid in (beta, log sigma), the intercept (flat prior) integrated out in closed form;
  for the horseshoe a 3-D grid in (log tau, log lambda, log sigma), beta integrated out exactly.

Monte Carlo tolerances as in ``test_gibbs_references.py``: a mean within 4 MCSE (the reference sd over
the square root of ArviZ's ESS of the draws compared), a probability within 4 binomial standard errors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from _stack import ess_array
from scipy import optimize, stats

import bayesreg as br
from bayesreg.noise import (
    Exponential,
    HalfCauchy,
    HalfNormal,
    HalfStudentT,
    Noise,
    SigmaPrior,
    Uniform,
    parse_sigma,
)
from bayesreg.samplers import sample_gibbs
from bayesreg.solvers import _route

K_SE = 4.0

SIGMA_PRIORS = [HalfNormal(1.5), HalfCauchy(1.0), HalfStudentT(4.0, 0.8), Exponential(0.5), Uniform(1.4)]
IDS = ["halfnormal", "halfcauchy", "halfstudentt", "exponential", "uniform"]


def _scipy_logpdf(prior: SigmaPrior, s):
    """The reference density of each prior, from scipy.stats."""
    if isinstance(prior, HalfNormal):
        return stats.halfnorm.logpdf(s, scale=prior.scale)
    if isinstance(prior, HalfCauchy):
        return stats.halfcauchy.logpdf(s, scale=prior.scale)
    if isinstance(prior, HalfStudentT):
        return np.log(2.0) + stats.t.logpdf(s, prior.nu, scale=prior.scale)
    if isinstance(prior, Exponential):
        return stats.expon.logpdf(s, scale=1.0 / prior.rate)
    return stats.uniform.logpdf(s, 0.0, prior.upper)


def _scipy_dlogpdf(prior: SigmaPrior, s):
    """d log p / d sigma, written out by hand for the reference optimiser."""
    if isinstance(prior, HalfNormal):
        return -s / prior.scale**2
    if isinstance(prior, HalfStudentT):  # HalfCauchy included (nu = 1)
        return -(prior.nu + 1.0) * s / (prior.nu * prior.scale**2 + s**2)
    if isinstance(prior, Exponential):
        return -prior.rate
    return 0.0


# ----------------------------------------------------------------------------- densities, parsing, bad input


@pytest.mark.parametrize("prior", SIGMA_PRIORS, ids=IDS)
def test_log_density_is_scipys(prior):
    s = np.array([1e-3, 0.3, 1.0, 1.39, 2.5, 40.0])
    ref = _scipy_logpdf(prior, s)
    np.testing.assert_allclose(prior.logp(s), ref, rtol=1e-13, atol=0)
    assert prior.logp(-1.0) == -np.inf and prior.logp(0.0) == -np.inf
    noise = parse_sigma(prior).resolve(1.0)
    assert noise.kind == prior.kind and noise.argument is prior and not noise.fixed
    np.testing.assert_allclose(noise.log_prior(s), ref, rtol=1e-13, atol=0)


@pytest.mark.parametrize("prior", SIGMA_PRIORS, ids=IDS)
def test_pymc_form_is_the_same_density(prior):
    import pytensor
    import pytensor.tensor as pt

    s = pt.dscalar("s")
    f = pytensor.function([s], Noise(prior.kind, prior=prior).pymc_log_prior(pt, s))
    for v in (0.05, 0.7, 1.3, 3.0):
        assert float(f(v)) == pytest.approx(float(_scipy_logpdf(prior, v)), rel=1e-12, abs=1e-300)


def test_half_cauchy_is_the_half_t_with_one_degree_of_freedom():
    assert HalfCauchy(2.0).nu == 1.0
    np.testing.assert_allclose(HalfCauchy(2.0).logp([0.5, 3.0]), HalfStudentT(1.0, 2.0).logp([0.5, 3.0]), rtol=1e-14)
    assert repr(HalfCauchy(2.0)) == "HalfCauchy(scale=2.0)"
    assert br.HalfCauchy is HalfCauchy and br.Uniform is Uniform


@pytest.mark.parametrize(
    "make, name",
    [(lambda: HalfNormal(0.0), "scale"), (lambda: HalfNormal(-1.0), "scale"), (lambda: HalfCauchy(np.inf), "scale"),
     (lambda: HalfStudentT(0.0, 1.0), "nu"), (lambda: HalfStudentT(-2.0, 1.0), "nu"),
     (lambda: HalfStudentT(3.0, 0.0), "scale"), (lambda: Exponential(0.0), "rate"), (lambda: Exponential(-1.0), "rate"),
     (lambda: Uniform(0.0), "upper"), (lambda: Uniform(np.nan), "upper"), (lambda: HalfNormal(1e-200), "scale")],
)  # fmt: skip
def test_non_positive_or_unusable_parameters_are_refused_naming_them(make, name):
    with pytest.raises(ValueError, match=name):
        make()


@pytest.mark.parametrize(
    "text, prior",
    [("halfnormal(1.5)", HalfNormal(1.5)), ("Half_Cauchy( 1 )", HalfCauchy(1.0)),
     ("halfstudentt(4, 0.8)", HalfStudentT(4.0, 0.8)), ("exponential(0.5)", Exponential(0.5)),
     ("uniform(1.4)", Uniform(1.4))],
)  # fmt: skip
def test_text_spellings_for_specs_and_the_command_line(text, prior):
    assert parse_sigma(text).prior == prior


@pytest.mark.parametrize(
    "text, match",
    [("halfnormal(-1)", r"sigma='halfnormal\(-1\)': scale must be > 0"), ("halfstudentt(3)", "takes 2 number"),
     ("uniform(a)", "must be numbers"), ("flat(2)", "sigma must be a positive number")],
)  # fmt: skip
def test_bad_text_spellings_name_the_argument(text, match):
    with pytest.raises(ValueError, match=match):
        parse_sigma(text)


def test_the_class_itself_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"sigma must be a prior instance such as HalfNormal\(...\)"):
        parse_sigma(HalfNormal)


def _data(n=20, seed=7, slope=0.5, noise=1.2):
    r = np.random.default_rng(seed)
    x = r.standard_normal(n)
    y = 0.7 + slope * x + noise * r.standard_normal(n)
    return x[:, None], y


def _ls_sd(X, y):
    Xc, yc = X - X.mean(0), y - y.mean()
    r = yc - Xc @ np.linalg.lstsq(Xc, yc, rcond=None)[0]
    return float(np.sqrt(r @ r / (len(y) - X.shape[1] - 1)))


def test_a_uniform_bound_below_the_residual_sd_warns_everywhere_it_is_resolved():
    X, y = _data()
    low = Uniform(0.5 * _ls_sd(X, y))
    for call in (lambda: br.map_estimate(X, y, br.Gaussian(1.0), sigma=low),
                 lambda: br.build_model(X, y, br.Gaussian(1.0), sigma=low),
                 lambda: sample_gibbs(X, y, br.Gaussian(1.0), sigma=low, draws=5, tune=5, chains=1,
                                      progressbar=False, check=False)):  # fmt: skip
        with pytest.warns(UserWarning, match="upper bound .* below the least-squares residual sd"):
            call()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_sigma(Uniform(2.0 * _ls_sd(X, y))).resolve(1.0, X, y)


# ----------------------------------------------------------------------------- the joint MAP


@pytest.mark.parametrize("prior", SIGMA_PRIORS, ids=IDS)
@pytest.mark.parametrize("rss, n, count, linear", [(23.0, 20, 0.0, 0.0), (0.04, 5, 3.0, 0.7), (900.0, 50, 0.0, 2.0)])
def test_modal_sigma_maximises_the_sigma_terms(prior, rss, n, count, linear):
    noise = parse_sigma(prior).resolve(1.0)
    got = noise.modal_sigma(rss, n, count, linear)

    def neg(s):
        return (n + count) * np.log(s) + 0.5 * rss / s**2 + linear / s - float(_scipy_logpdf(prior, s))

    upper = prior.upper if math.isfinite(prior.upper) else 1e3
    ref = optimize.minimize_scalar(neg, bounds=(1e-6, upper), method="bounded", options={"xatol": 1e-12})
    assert neg(got) <= neg(ref.x) + 1e-12 * abs(neg(ref.x))
    assert got == pytest.approx(ref.x, rel=1e-6)
    if got < prior.upper:  # interior: the derivative vanishes
        d = -(n + count) / got + rss / got**3 + linear / got**2 + _scipy_dlogpdf(prior, got)
        assert abs(d) * got <= 1e-9 * (n + count + rss / got**2)


def _joint_reference(X, y, tau, prior):
    """The joint mode of (beta, b0, sigma) under N(0, tau^2) on beta and ``prior`` on sigma, by L-BFGS-B."""
    n, p = X.shape

    def f(z):
        beta, b0, s = z[:p], z[p], z[p + 1]
        r = y - b0 - X @ beta
        rss = r @ r
        val = n * np.log(s) + 0.5 * rss / s**2 + 0.5 * beta @ beta / tau**2 - float(_scipy_logpdf(prior, s))
        g = np.concatenate([-X.T @ r / s**2 + beta / tau**2, [-r.sum() / s**2],
                            [n / s - rss / s**3 - _scipy_dlogpdf(prior, s)]])  # fmt: skip
        return val, g

    upper = prior.upper if math.isfinite(prior.upper) else None
    z0 = np.concatenate([np.zeros(p), [y.mean()], [0.5 * (upper or 2.0)]])
    bounds = [(None, None)] * (p + 1) + [(1e-8, upper)]
    res = optimize.minimize(f, z0, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})  # fmt: skip
    return res.x, f


@pytest.mark.parametrize("prior", SIGMA_PRIORS + [Uniform(0.9)], ids=IDS + ["uniform-binding"])
def test_joint_map_matches_an_independent_optimiser(prior):
    r = np.random.default_rng(3)
    X = r.standard_normal((30, 3))
    y = 1.0 + X @ [0.8, 0.0, -0.4] + 1.1 * r.standard_normal(30)
    tau = 0.7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the binding uniform warns (tested above)
        m = br.map_estimate(X, y, br.Gaussian(tau), sigma=prior, tol=1e-14)
    z, f = _joint_reference(X, y, tau, prior)
    got = np.concatenate([m.coef, [m.intercept, m.sigma]])
    assert m.converged
    # the package's point is at least as good as L-BFGS-B's, and the two agree
    assert f(got)[0] <= f(z)[0] + 1e-11 * abs(f(z)[0])
    np.testing.assert_allclose(got, z, rtol=2e-6, atol=2e-7)
    # first-order conditions at the package's point (the sigma gradient only where the bound is not active)
    g = f(got)[1]
    scale = np.abs(X).sum() / m.sigma**2
    assert np.max(np.abs(g[:4])) <= 1e-8 * scale
    if m.sigma < prior.upper * (1 - 1e-12):
        assert abs(g[4]) <= 1e-8 * len(y) / m.sigma
    else:
        assert m.sigma == pytest.approx(prior.upper, rel=1e-14) and g[4] < 0  # pushed against the bound


@pytest.mark.parametrize("prior", [HalfNormal(1.5), HalfCauchy(1.0), Exponential(0.5)], ids=IDS[:2] + IDS[3:4])
def test_joint_map_with_a_sigma_scaled_prior_satisfies_the_sigma_condition(prior):
    # Park-Casella: -log p(beta | sigma) = p log sigma + lam ||beta||_1 / sigma, so at the joint mode
    # d/dsigma [(n + p) log s + RSS / (2 s^2) + lam ||beta||_1 / s - log p(s)] = 0
    r = np.random.default_rng(4)
    X = r.standard_normal((40, 5))
    y = X @ [1.0, 0.0, 0.0, -0.5, 0.2] + r.standard_normal(40)
    lam = 3.0
    m = br.map_estimate(X, y, br.ParkCasella(lam), sigma=prior, tol=1e-14)
    n, p = X.shape
    rss = float(np.sum((y - m.intercept - X @ m.coef) ** 2))
    s = m.sigma
    d = -(n + p) / s + rss / s**3 + lam * np.abs(m.coef).sum() / s**2 + _scipy_dlogpdf(prior, s)
    assert abs(d) * s <= 1e-8 * (n + p)


@pytest.mark.parametrize("prior", [HalfNormal(1.5), Uniform(1.4)], ids=["halfnormal", "uniform"])
def test_find_map_agrees_with_the_exact_joint_mode(prior):
    X, y = _data()
    exact = br.map_estimate(X, y, br.Gaussian(0.5), sigma=prior, tol=1e-14)
    fm = br.find_map(br.build_model(X, y, br.Gaussian(0.5), sigma=prior))
    # find_map stops at ftol = 1e-12 relative in the objective, so its point is good to ~sqrt(1e-12) = 1e-6
    # (measured: 1e-8); the exact joint mode is certified by the test against L-BFGS-B above
    np.testing.assert_allclose(fm.coef, exact.coef, rtol=1e-6, atol=1e-9)
    assert fm.sigma == pytest.approx(exact.sigma, rel=1e-6)


# ----------------------------------------------------------------------------- posterior references


def _centred_line(xc, yc):
    """sxx, sxy and the residual sum of squares of the least-squares line, the last as a sum of squares."""
    sxx, sxy = xc @ xc, xc @ yc
    r = yc - (sxy / sxx) * xc
    return sxx, sxy, r @ r


def _grid_reference(X, y, beta_logp, sigma_prior, n_beta=1601, n_u=1201):
    r"""Posterior moments of beta and sigma, one feature, flat intercept, by quadrature.

    The intercept integrated out leaves sigma^-(n-1) exp(-R(beta) / (2 sigma^2)), R the centred residual
    sum of squares; times p(beta | sigma) p(sigma), on a grid in (beta, u = log sigma) with the
    Jacobian e^u. Midpoint rule in u (cell centres; the last cell ends at log(upper) for a bounded
    prior), trapezoid-equivalent uniform weights in beta; the edges must carry no mass.
    """
    xc, yc = X[:, 0] - X[:, 0].mean(), y - y.mean()
    sxx, sxy, rss = _centred_line(xc, yc)
    n_eff = len(y) - 1
    b_ols = sxy / sxx
    s_ls = np.sqrt(max(rss, 1e-12) / max(n_eff - 1, 1))
    half = 10.0 * s_ls / np.sqrt(sxx) + 3.0
    bgrid = np.linspace(min(b_ols, 0.0) - half, max(b_ols, 0.0) + half, n_beta)
    u_hi = min(np.log(s_ls) + 6.0, np.log(sigma_prior.upper))
    u_lo = np.log(s_ls) - 6.0
    h = (u_hi - u_lo) / n_u
    ugrid = u_lo + h * (np.arange(n_u) + 0.5)
    B, U = np.meshgrid(bgrid, ugrid, indexing="ij")
    S = np.exp(U)
    R = rss + sxx * (B - b_ols) ** 2  # = syy - 2 B sxy + B^2 sxx, without cancellation near b_ols
    logd = -n_eff * U - 0.5 * R / S**2 + beta_logp(B, S) + _scipy_logpdf(sigma_prior, S) + U
    d = np.exp(logd - logd.max())
    d /= d.sum()
    edge = max(d[0].sum(), d[-1].sum(), d[:, 0].sum())
    if not np.isfinite(sigma_prior.upper):
        edge = max(edge, d[:, -1].sum())
    assert edge < 1e-9, edge  # the grid holds the posterior
    db, du = d.sum(axis=1), d.sum(axis=0)
    out = {}
    for name, grid, w in (("beta", bgrid, db), ("log_sigma", ugrid, du)):
        m = (grid * w).sum()
        out[name] = (m, np.sqrt(((grid - m) ** 2 * w).sum()))
    out["sigma_median"] = float(np.exp(np.interp(0.5, np.cumsum(du) - 0.5 * du, ugrid)))
    return out


def _gaussian_sigma_reference(X, y, tau, sigma_prior, lo=-25.0, hi=14.0, n_u=40_000):
    r"""N(0, tau^2 I) prior on p coefficients, flat intercept: beta integrated out, a 1-D quadrature in log sigma.

    Centred, y_c ~ N(0, sigma^2 I + tau^2 X_c X_c^T) on the n - 1 = n_eff dimensions orthogonal to 1.
    With the thin SVD X_c = U S V^T (rank k), z = U^T y_c and rss = |y_c - U z|^2 (a sum of squares,
    >= 0), the density is, without cancellation,
    sigma^-(n_eff - k) prod_j (sigma^2 + tau^2 S_j^2)^-1/2
    exp(-rss / (2 sigma^2) - sum_j z_j^2 / (2 (sigma^2 + tau^2 S_j^2))),
    and beta_0 | sigma, y has mean tau^2 sum_j V_0j S_j z_j / (sigma^2 + tau^2 S_j^2) and variance
    tau^2 (sum_{j > k} V_0j^2 + sum_{j <= k} V_0j^2 sigma^2 / (sigma^2 + tau^2 S_j^2)) (no 1 - (...) form).
    Midpoint rule in u = log sigma (Jacobian e^u). Returns the moments of beta_0 and log sigma and the
    quantile function of log sigma. (With one feature and n = 2 this is the closed form the test used
    before, written there with sxx and sxy; the two agree to rounding.)
    """
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n_eff = len(y) - 1
    Uf, S, Vt = np.linalg.svd(Xc, full_matrices=True)
    k = int((S > S[0] * 1e-10).sum())
    Uk, S = Uf[:, :k], S[:k]
    z = Uk.T @ yc
    res = yc - Uk @ z
    rss = res @ res
    v0 = Vt[:, 0]  # V[0, j]
    u_hi = min(hi, np.log(sigma_prior.upper))
    h = (u_hi - lo) / n_u
    u = lo + h * (np.arange(n_u) + 0.5)
    s2 = np.exp(2 * u)[:, None]
    D = s2 + tau**2 * S**2
    logd = -(n_eff - k) * u - 0.5 * np.log(D).sum(axis=1) - 0.5 * rss / s2[:, 0] - 0.5 * (z**2 / D).sum(axis=1)
    logd = logd + _scipy_logpdf(sigma_prior, np.exp(u)) + u
    w = np.exp(logd - logd.max())
    w /= w.sum()
    assert w[0] < 1e-12 and (np.isfinite(sigma_prior.upper) or w[-1] < 1e-12)  # the grid holds the posterior
    m = tau**2 * ((v0[:k] * S * z) / D).sum(axis=1)
    v = tau**2 * ((v0[k:] ** 2).sum() + (v0[:k] ** 2 * s2 / D).sum(axis=1))
    eb = (w * m).sum()
    eu = (w * u).sum()
    ref = {"beta": (eb, np.sqrt((w * (m**2 + v)).sum() - eb**2)),
           "log_sigma": (eu, np.sqrt((w * (u - eu) ** 2).sum()))}  # fmt: skip
    cdf = np.cumsum(w) - 0.5 * w
    return ref, lambda q: float(np.interp(q, cdf, u))


def _check(draws, ref, what):
    m, sd = ref
    se = sd / np.sqrt(ess_array(draws))
    err = abs(float(np.mean(draws)) - m)
    assert err < K_SE * se, f"{what}: mean {np.mean(draws):.5g} vs reference {m:.5g} ({err / se:.1f} MCSE)"


def _check_median(sig, med, what):
    ind = (sig <= med).astype(np.float64)
    se = np.sqrt(0.25 / ess_array(ind))
    assert abs(ind.mean() - 0.5) < K_SE * se, f"{what}: P(sigma <= reference median) = {ind.mean():.4f}"


def _gauss_logp(tau):
    return lambda b, s: -0.5 * b**2 / tau**2


def _laplace_logp(scale):
    return lambda b, s: -np.abs(b) / scale


def _pc_logp(lam):
    return lambda b, s: -np.log(s) - lam * np.abs(b) / s


COEF_PRIORS = [(br.Gaussian(0.6), _gauss_logp(0.6)), (br.Laplace(0.3), _laplace_logp(0.3)),
               (br.ParkCasella(2.0), _pc_logp(2.0))]  # fmt: skip
COEF_IDS = ["gaussian", "laplace", "parkcasella-blocked"]


@pytest.mark.slow
@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("coef", COEF_PRIORS, ids=COEF_IDS)
@pytest.mark.parametrize("sigma_prior", SIGMA_PRIORS, ids=IDS)
def test_gibbs_matches_quadrature(sigma_prior, coef, route):
    # n = 20: sigma^2 | beta (Gaussian, Laplace) or sigma^2 | local scales with beta integrated out
    # (Park-Casella); the uniform's bound 1.4 sits inside the posterior (about a fifth of the mass above)
    prior, logp = coef
    X, y = _data()
    ref = _grid_reference(X, y, logp, sigma_prior)
    with _route.force_route(route):
        idata = sample_gibbs(X, y, prior, sigma=sigma_prior, draws=4000, tune=500, chains=2, random_seed=5,
                             progressbar=False, log_likelihood=False)  # fmt: skip
    assert idata.sample_stats.attrs["kernels"] == ("numpy" if route == "numpy" else "numba")
    sig = idata.posterior["sigma"].values
    assert sig.max() <= sigma_prior.upper
    _check(idata.posterior["beta"].values[..., 0], ref["beta"], "beta")
    _check(np.log(sig), ref["log_sigma"], "log sigma")
    _check_median(sig, ref["sigma_median"], "sigma")


def _p_at_least_n_data():
    """n = 7, p = 6 of rank 4 (X = R C), an intercept: n_eff = 6 <= p, and two residual degrees of freedom."""
    r = np.random.default_rng(3)
    X = r.standard_normal((7, 4)) @ r.standard_normal((4, 6))
    y = 0.5 + X @ (0.6 * r.standard_normal(6)) + 0.3 * r.standard_normal(7)
    return X, y


# the p >= n test, per sigma prior: (draws per chain, the ESS of log sigma the power needs). The
# ESS is (8 / d)^2 and ~10 % more, d the smallest shift of E[log sigma], in posterior sds, that a
# planted slip gave (n_eff -> n_eff - 1 in the log sigma^2 ratio for every prior: 0.30, 0.23, 0.11,
# 0.36, 0.23); the half-t mixture's auxiliary variable mixes slowly (ESS ~ 13 % of the draws, against
# ~ 37 % for the slice-sampled priors) and its shift is the smallest, hence its many draws
_P_GE_N_RUN = {"halfnormal": (3000, 780), "halfcauchy": (8000, 1330), "halfstudentt": (28_000, 5800),
               "exponential": (3000, 540), "uniform": (3000, 1330)}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("sigma_prior", SIGMA_PRIORS, ids=IDS)
def test_gibbs_with_p_at_least_n_matches_quadrature(sigma_prior, route):
    """The Metropolis step on log sigma^2 with beta integrated out (p >= n_eff), against a 1-D quadrature.

    Design: n = 7, p = 6 of rank 4, tau = 3, noise 0.3. The residual degrees of freedom keep every
    slip's target proper (at full rank the likelihood is flat as sigma -> 0 and a slip that tilts towards
    0 runs sigma into underflow instead of into the assertions) and the posterior of log sigma narrow
    enough that no proposal reaches the sigma^2 where X^T X + diag(1 / w) stops being numerically
    positive definite (with one residual degree of freedom, p = 5, some did under OPENBLAS_CORETYPE=Haswell);
    the large tau and the small noise couple (beta, sigma) tightly, so the exact sigma^2 | beta step that
    follows the Metropolis step in each sweep moves sigma little and does not dilute a slip in it (with
    n = 2, one feature, it did).

    Power (_P_GE_N_RUN), measured by planting each slip in the NumPy route (seed 6), z of E[log sigma]
    for halfnormal, halfcauchy, halfstudentt, exponential, uniform (K_SE = 4; each >= 8):
    - the sigma prior's shape without - n_eff / 2 (read by the half-Cauchy and the half-t only): -25, -25;
    - n_eff -> n_eff - 1 in the log sigma^2 ratio: +14, +14, +8.9, +16, +10;
    - w_new = w (the prior variances not rescaled with sigma^2): -20, -21, -20, -21, -22.
    With n = 2 and one feature the same three slips gave at most 5.9 MCSE, and 2 to 4 of the 5 priors
    let them through. The numba route (B planted there): +13, +11, +10, +15, +10. Without slips, seeds
    6, 7, 8 on both routes: every |z| <= 2.1.
    """
    X, y = _p_at_least_n_data()
    ref, quantile = _gaussian_sigma_reference(X, y, 3.0, sigma_prior)
    name = IDS[SIGMA_PRIORS.index(sigma_prior)]
    draws, ess_min = _P_GE_N_RUN[name]
    with _route.force_route(route):
        idata = sample_gibbs(X, y, br.Gaussian(3.0), sigma=sigma_prior, draws=draws,
                             tune=1000, chains=2, random_seed=6, progressbar=False, log_likelihood=False,
                             check=False)  # fmt: skip
    log_sig = np.log(idata.posterior["sigma"].values)
    assert ess_array(log_sig) >= ess_min  # the power stated above needs it
    _check(idata.posterior["beta"].values[..., 0], ref["beta"], "beta_0")
    _check(log_sig, ref["log_sigma"], "log sigma")
    for q in (0.05, 0.5, 0.95):
        ind = (log_sig <= quantile(q)).astype(np.float64)
        se = np.sqrt(q * (1.0 - q) / ess_array(ind))
        assert abs(ind.mean() - q) < K_SE * se, f"P(log sigma <= reference q{q}) = {ind.mean():.4f}"


def _horseshoe_reference(X, y, s, sigma_prior, n=90):
    r"""One feature, horseshoe(s), sigma free, flat intercept: a 3-D grid in (log tau, log lam, log sigma).

    Given (tau, lam, sigma), beta ~ N(0, g), g = lam^2 tau^2 sigma^2, is integrated out exactly:
    with P = sxx / sigma^2 + 1 / g and m = (sxy / sigma^2) / P the likelihood times the prior of beta
    integrates to sigma^-(n-1) (g P)^-1/2 exp(-syy / (2 sigma^2) + m^2 P / 2), and E[beta | .] = m.
    """
    xc, yc = X[:, 0] - X[:, 0].mean(), y - y.mean()
    sxx, sxy, rss = _centred_line(xc, yc)
    n_eff = len(y) - 1
    lt = np.linspace(-14.0, 8.0, n)
    ll = np.linspace(-14.0, 10.0, n)
    u_hi = min(2.5, np.log(sigma_prior.upper))
    h = (u_hi + 2.5) / n
    lu = -2.5 + h * (np.arange(n) + 0.5)
    T, L, U = np.meshgrid(lt, ll, lu, indexing="ij")
    s2 = np.exp(2 * U)
    g = np.exp(2 * (T + L)) * s2
    P = sxx / s2 + 1.0 / g
    m = sxy * g / (sxx * g + s2)  # = (sxy / s2) / P
    # cancellation-free exponent, as in _gaussian_sigma_reference with tau^2 -> g
    logd = (-n_eff * U - 0.5 * np.log(g * P) - 0.5 * rss / s2 - 0.5 * sxy**2 / (sxx * (sxx * g + s2))
            + np.log(2 / np.pi / s) - np.log1p(np.exp(2 * T) / s**2) + T  # tau ~ C+(0, s), Jacobian tau
            + np.log(2 / np.pi) - np.log1p(np.exp(2 * L)) + L  # lam ~ C+(0, 1), Jacobian lam
            + _scipy_logpdf(sigma_prior, np.exp(U)) + U)  # fmt: skip
    d = np.exp(logd - logd.max())
    d /= d.sum()
    du = d.sum(axis=(0, 1))
    assert du[0] < 1e-9 and (not np.isfinite(sigma_prior.upper) and du[-1] < 1e-9 or np.isfinite(sigma_prior.upper))
    eb = (m * d).sum()
    sd_b = np.sqrt(((m**2 + 1.0 / P) * d).sum() - eb**2)
    el = (U * d).sum()
    sd_l = np.sqrt((U**2 * d).sum() - el**2)
    return {"beta": (eb, sd_b), "log_sigma": (el, sd_l)}


@pytest.mark.slow
@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("sigma_prior", [HalfCauchy(1.0), HalfNormal(1.5), Uniform(1.7)],
                         ids=["halfcauchy-mixture", "halfnormal-slice", "uniform-slice"])  # fmt: skip
def test_horseshoe_with_a_sigma_prior_matches_quadrature(sigma_prior, route):
    # the horseshoe's tau update integrates beta out; with an inverse-gamma-type sigma mode it integrates
    # sigma^2 out too, with the slice mode it conditions on sigma: both against the 3-D quadrature
    X, y = _data(seed=8, slope=0.8)
    ref = _horseshoe_reference(X, y, 1.0, sigma_prior)
    with _route.force_route(route):
        idata = sample_gibbs(X, y, br.Horseshoe(1.0), sigma=sigma_prior, draws=6000, tune=1000, chains=2,
                             random_seed=9, progressbar=False, log_likelihood=False, check=False)  # fmt: skip
    _check(idata.posterior["beta"].values[..., 0], ref["beta"], "beta")
    _check(np.log(idata.posterior["sigma"].values), ref["log_sigma"], "log sigma")


@pytest.mark.slow
@pytest.mark.parametrize("sigma_prior", SIGMA_PRIORS, ids=IDS)
def test_nuts_matches_quadrature_and_gibbs(sigma_prior):
    # the PyMC model's sigma (HalfFlat + the prior's Potential, or a bounded Uniform) under NUTS,
    # against the quadrature and against the Gibbs sampler (the difference within 4.5 combined MCSE)
    X, y = _data()
    ref = _grid_reference(X, y, _gauss_logp(0.6), sigma_prior)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        nuts = br.sample_posterior(X, y, br.Gaussian(0.6), sigma=sigma_prior, sampler="nuts", draws=1500, tune=1000,
                                   chains=2, random_seed=11, progressbar=False)  # fmt: skip
    gibbs = sample_gibbs(X, y, br.Gaussian(0.6), sigma=sigma_prior, draws=4000, tune=500, chains=2, random_seed=12,
                         progressbar=False, log_likelihood=False)  # fmt: skip
    a = {"beta": nuts.posterior["beta"].values[..., 0], "log_sigma": np.log(nuts.posterior["sigma"].values)}
    b = {"beta": gibbs.posterior["beta"].values[..., 0], "log_sigma": np.log(gibbs.posterior["sigma"].values)}
    for name in ("beta", "log_sigma"):
        _check(a[name], ref[name], f"NUTS {name}")
        sd = ref[name][1]
        se = np.hypot(sd / np.sqrt(ess_array(a[name])), sd / np.sqrt(ess_array(b[name])))
        diff = abs(a[name].mean() - b[name].mean())
        assert diff < 4.5 * se, f"{name}: NUTS {a[name].mean():.4g}, Gibbs {b[name].mean():.4g} ({diff / se:.1f} se)"


def test_gibbs_refuses_nothing_a_proper_sigma_prior_makes_proper():
    # Jeffreys with p >= n - 1 is improper (refused); a proper prior on sigma is accepted
    r = np.random.default_rng(1)
    X, y = r.standard_normal((5, 6)), r.standard_normal(5)
    with pytest.raises(ValueError, match="improper"):
        sample_gibbs(X, y, br.Gaussian(1.0), sigma="jeffreys", draws=5, tune=5, chains=1, progressbar=False)
    idata = sample_gibbs(X, y, br.Gaussian(1.0), sigma=HalfNormal(1.0), draws=5, tune=5, chains=1,
                         progressbar=False, check=False)  # fmt: skip
    assert idata.posterior["sigma"].shape == (1, 5)

