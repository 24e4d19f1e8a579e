"""The NumPy route of the Gibbs sampler: small problems, no compiler.

A line-for-line port of :func:`bayesreg.samplers._kernels.run_block` (Rue's Cholesky draw on the
sufficient statistics; the ``p > n`` row-based draw stays compiled), with the loops over the
coefficients written as array operations. The model, the conditionals and the update order
are those of the compiled kernel, documented there; only the random stream differs (a NumPy
``Generator`` per chain instead of numba's per-thread state), so a seed gives other, equally
valid, draws on this route. :mod:`bayesreg.solvers._route` decides when it runs.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import solve_triangular

from ._kernels import (
    GAUSSIAN,
    HORSESHOE,
    LAPLACE,
    PARK_CASELLA,
    SIGMA_FIXED,
    SIGMA_HALFT,
    SIGMA_SLICE,
    GibbsState,
)

_MU_MAX = 1e150
_W_MIN = 1e-306


def _inv_gamma(rng, shape, scale):
    # IG(shape, scale) = scale / Gamma(shape, 1) (elementwise for array scales)
    return scale / rng.gamma(shape, 1.0, size=np.shape(scale)) if np.ndim(scale) else scale / rng.gamma(shape)


def _inv_gauss(rng, mu, lam):
    # Michael, Schucany and Haas (1976), vectorised, with the cancellation-free root of the kernel
    mu = np.minimum(mu, _MU_MAX)
    z = rng.standard_normal(mu.shape)
    r = mu * z * z / (2.0 * lam)
    x = mu / (1.0 + r + np.sqrt(r * (2.0 + r)))
    return np.where(rng.random(mu.shape) * (mu + x) <= mu, x, mu * mu / x)


def _latent_scale(rng, c, lam, lam2, ab):
    # the kernel's _latent_scale, vectorised: 1/t ~ InvGauss(mu, lam2) drawn as lam2 InvGauss(mu / lam2, 1)
    den = lam * ab
    with np.errstate(divide="ignore", over="ignore"):
        mu_rel = np.where(den > 0.0, c / np.where(den > 0.0, den, 1.0), _MU_MAX)
    mu_rel = np.where(mu_rel < _MU_MAX, mu_rel, _MU_MAX)
    with np.errstate(under="ignore"):
        return (1.0 / lam2) / _inv_gauss(rng, mu_rel, 1.0)


def _log_sigma_f(u, n_eff, Q, c1, c2, log_upper):
    if u > log_upper:
        return -math.inf
    out = -(n_eff - 1.0) * u
    if Q > 0.0:
        e = -2.0 * u
        out -= 0.5 * Q * math.exp(e) if e < 700.0 else math.inf
    if c2 > 0.0:
        out -= c2 * math.exp(2.0 * u) if 2.0 * u < 700.0 else math.inf
    if c1 > 0.0:
        out -= c1 * math.exp(u) if u < 700.0 else math.inf
    return out


def _slice_log_sigma(rng, u0, n_eff, Q, c1, c2, log_upper):
    # the kernel's slice sampler on log sigma
    width = 2.0 / math.sqrt(2.0 * n_eff + 1.0)
    logy = _log_sigma_f(u0, n_eff, Q, c1, c2, log_upper) + math.log(rng.random())
    lo = u0 - width * rng.random()
    hi = lo + width
    k = 0
    while _log_sigma_f(lo, n_eff, Q, c1, c2, log_upper) > logy and k < 200:
        lo -= width
        k += 1
    k = 0
    while _log_sigma_f(hi, n_eff, Q, c1, c2, log_upper) > logy and k < 200:
        hi += width
        k += 1
    while True:
        u = lo + (hi - lo) * rng.random()
        if _log_sigma_f(u, n_eff, Q, c1, c2, log_upper) > logy:
            return u
        if u < u0:
            lo = u
        else:
            hi = u


def _log_prior_log_s2(s2, sigma_mode, shape_prior, rate0, c1, c2, log_upper):
    if sigma_mode == SIGMA_SLICE:
        ls = 0.5 * math.log(s2)
        if ls > log_upper:
            return -math.inf
        return -c2 * s2 - c1 * math.sqrt(s2) + ls
    return -shape_prior * math.log(s2) - rate0 / s2


def _factor(xtx, xty, yty, w):
    # A = xtx + diag(1/w) = L L^T; L, v = L^-1 xty, quad = yty - xty^T A^-1 xty, log|I + X W X^T|;
    # w floored at _W_MIN as in the kernel
    w = np.maximum(w, _W_MIN)
    A = xtx + np.diag(1.0 / w)
    L = np.linalg.cholesky(A)
    v = solve_triangular(L, xty, lower=True, check_finite=False)
    logdet = float(2.0 * np.log(np.diag(L)).sum() + np.log(w).sum())
    quad = max(yty - float(v @ v), 0.0)
    return L, v, quad, logdet


def _log_marginal(quad, logdet, sigma_mode, s2, shape, rate):
    if sigma_mode == SIGMA_FIXED or sigma_mode == SIGMA_SLICE:
        return -0.5 * logdet - 0.5 * quad / s2
    return -0.5 * logdet - shape * math.log(rate + 0.5 * quad)


def _lam2_logf(v, a, S, delta):
    return a * v - S * math.exp(0.5 * v) - delta * math.exp(v)


def _slice_lam2(rng, v0, a, S, delta):
    # univariate slice sampler (Neal 2003), stepping out then shrinking, as the compiled kernel
    width = 1.0
    logy = _lam2_logf(v0, a, S, delta) + math.log(rng.random())
    lo = v0 - width * rng.random()
    hi = lo + width
    k = 0
    while _lam2_logf(lo, a, S, delta) > logy and k < 100:
        lo -= width
        k += 1
    k = 0
    while _lam2_logf(hi, a, S, delta) > logy and k < 100:
        hi += width
        k += 1
    while True:
        v = lo + (hi - lo) * rng.random()
        if _lam2_logf(v, a, S, delta) > logy:
            return v
        if v < v0:
            lo = v
        else:
            hi = v


def run_block(config, data, state, it0, n_iter, tune, trace, rng):
    """:func:`bayesreg.samplers._kernels.run_block` in NumPy (``data.use_bcm`` must be False).

    ``rng`` is the chain's :class:`numpy.random.Generator`. Returns the new state; the one passed
    in is left unchanged.
    """
    kind = config.kind
    sigma_mode = config.sigma_mode
    xtx, xty, yty = data.xtx, data.xty, data.yty
    n_eff = data.n_eff
    beta = state.beta.copy()
    loc = state.loc.copy()
    nu = state.nu.copy()
    s2, tau2, log_step = state.sigma2, state.tau2, state.log_step
    lam2, a_sig, log_step_s2 = state.lam2, state.a_sig, state.log_step_s2
    b0, b0_prior, n_obs = state.b0, config.b0_prior, data.n_obs
    p = xty.shape[0]
    blocked = kind == PARK_CASELLA or kind == HORSESHOE
    marginal_s2 = (not blocked) and sigma_mode != SIGMA_FIXED and p >= int(n_eff)
    c1, c2 = config.sig_c1, config.sig_c2
    log_upper = math.log(config.sig_upper)
    for it in range(n_iter):
        g = it0 + it
        # ---- the statistics of y - b0 when the intercept has a normal prior (raw statistics), as the kernel
        if b0_prior:
            d = data.ybar - b0
            xty_e = xty + (d * n_obs) * data.xbar
            yty_e = yty + n_obs * d * d
        else:
            xty_e, yty_e = xty, yty
        shape0 = config.a0 + 0.5 * n_eff
        rate0 = config.b0
        if sigma_mode == SIGMA_HALFT:
            shape0 += 0.5 * config.sig_nu
            rate0 += config.sig_nu / a_sig
        # ---- prior variances relative to sigma^2
        if kind == GAUSSIAN:
            w = np.full(p, tau2 / s2)
        elif kind == PARK_CASELLA:
            w = loc.copy()
        elif kind == LAPLACE:
            w = loc / s2
        else:
            w = tau2 * loc
        w = np.maximum(w, _W_MIN)  # the kernel's _factor floors w in place
        if not b0_prior or blocked or marginal_s2:  # the draw of (b0, beta) factors its own system
            L, v, quad, logdet = _factor(xtx, xty_e, yty_e, w)
        # ---- horseshoe: tau^2 by Metropolis on log tau^2 with beta (and sigma^2) integrated out
        if kind == HORSESHOE:
            t2 = tau2
            hs2 = config.hs_s * config.hs_s
            t2_new = t2 * math.exp(math.exp(log_step) * rng.standard_normal())
            w_new = t2_new * loc
            L2, v2, quad2, logdet2 = _factor(xtx, xty_e, yty_e, w_new)
            log_acc = (
                _log_marginal(quad2, logdet2, sigma_mode, s2, shape0, rate0) + 0.5 * math.log(t2_new)
                - math.log1p(t2_new / hs2) - _log_marginal(quad, logdet, sigma_mode, s2, shape0, rate0)
                - 0.5 * math.log(t2) + math.log1p(t2 / hs2)
            )  # fmt: skip
            accepted = math.log(rng.random()) < log_acc
            if accepted:
                tau2 = t2_new
                L, v, quad, logdet, w = L2, v2, quad2, logdet2, w_new
            if g < tune:
                log_step += ((1.0 if accepted else 0.0) - 0.35) / math.sqrt(g + 1.0)
        # ---- Gaussian/Laplace with p >= n: Metropolis on log sigma^2 with beta integrated out
        if marginal_s2:
            s2_new = s2 * math.exp(math.exp(log_step_s2) * rng.standard_normal())
            w_new = w * (s2 / s2_new)
            L2, v2, quad2, logdet2 = _factor(xtx, xty_e, yty_e, w_new)
            sh = shape0 - 0.5 * n_eff
            log_acc = (
                -0.5 * n_eff * (math.log(s2_new) - math.log(s2)) - 0.5 * (logdet2 - logdet)
                - 0.5 * quad2 / s2_new + 0.5 * quad / s2
                + _log_prior_log_s2(s2_new, sigma_mode, sh, rate0, c1, c2, log_upper)
                - _log_prior_log_s2(s2, sigma_mode, sh, rate0, c1, c2, log_upper)
            )  # fmt: skip
            accepted = math.log(rng.random()) < log_acc
            if accepted:
                s2 = s2_new
                L, v, quad, logdet, w = L2, v2, quad2, logdet2, w_new
            if g < tune:
                log_step_s2 += ((1.0 if accepted else 0.0) - 0.35) / math.sqrt(g + 1.0)
        # ---- sigma^2 | local scales (beta integrated out), for sigma-scaled priors
        if blocked and sigma_mode == SIGMA_SLICE:
            s2 = math.exp(2.0 * _slice_log_sigma(rng, 0.5 * math.log(s2), n_eff, quad, c1, c2, log_upper))
        elif blocked and sigma_mode != SIGMA_FIXED:
            s2 = _inv_gamma(rng, shape0, rate0 + 0.5 * quad)
        # ---- beta | sigma^2, rest: L^-T (v + sd z); with a normal-prior intercept (b0, beta) as one block:
        # beta with b0 integrated out, then b0 | beta (the kernel's docstring)
        sd = math.sqrt(s2)
        if b0_prior:
            rho = s2 / config.b0_s2
            kappa = n_obs * rho / (n_obs + rho) if rho < 1e300 else n_obs
            dm = data.ybar - config.b0_mu
            xbar = data.xbar
            L, v, _, _ = _factor(data.xtx_c + kappa * np.outer(xbar, xbar), xty + (kappa * dm) * xbar,
                                 yty + kappa * dm * dm, w)  # fmt: skip
        beta = solve_triangular(L, v + sd * rng.standard_normal(p), lower=True, trans="T", check_finite=False)
        if b0_prior:
            prec = n_obs / s2 + 1.0 / config.b0_s2
            m0 = (n_obs * (data.ybar - float(data.xbar @ beta)) / s2 + config.b0_mu / config.b0_s2) / prec
            b0 = m0 + rng.standard_normal() / math.sqrt(prec)
            e0 = data.ybar - b0 - float(data.xbar @ beta)
            rss = max(yty - 2.0 * float(beta @ xty) + float(beta @ (data.xtx_c @ beta)) + n_obs * e0 * e0, 0.0)
        else:
            rss = max(yty_e - 2.0 * float(beta @ xty_e) + float(beta @ (xtx @ beta)), 0.0)
        if not blocked and sigma_mode == SIGMA_SLICE:
            s2 = math.exp(2.0 * _slice_log_sigma(rng, 0.5 * math.log(s2), n_eff, rss, c1, c2, log_upper))
        elif not blocked and sigma_mode != SIGMA_FIXED:
            s2 = _inv_gamma(rng, shape0, rate0 + 0.5 * rss)
        if sigma_mode == SIGMA_HALFT:
            hs = config.sig_scale
            a_sig = _inv_gamma(rng, 0.5 * (config.sig_nu + 1.0), config.sig_nu / s2 + 1.0 / (hs * hs))
        # ---- prior scales | rest
        if kind == GAUSSIAN:
            if config.hyper:
                tau2 = _inv_gamma(rng, config.ha + 0.5 * p, config.hb + 0.5 * float(beta @ beta))
        elif kind == PARK_CASELLA or kind == LAPLACE:
            ab = np.abs(beta)
            if config.hyper:
                S = float(ab.sum()) / math.sqrt(s2)
                lam2 = math.exp(_slice_lam2(rng, math.log(lam2), 0.5 * p + config.r, S, config.delta))
            lam = math.sqrt(lam2)
            loc = _latent_scale(rng, math.sqrt(s2) if kind == PARK_CASELLA else 1.0, lam, lam2, ab)
        else:
            loc = _inv_gamma(rng, 1.0, 1.0 / nu + 0.5 * beta * beta / (tau2 * s2))
            nu = _inv_gamma(rng, 1.0, 1.0 + 1.0 / loc)
        # ---- intercept | rest and storage
        if g >= tune:
            k = g - tune
            trace.beta[k] = beta
            trace.sigma[k] = math.sqrt(s2)
            trace.rss[k] = rss
            if b0_prior:
                trace.intercept[k] = b0
            elif data.fit_intercept:
                trace.intercept[k] = (
                    data.ybar - float(data.xbar @ beta) + math.sqrt(s2 / data.n_obs) * rng.standard_normal()
                )
            trace.hyper[k] = math.sqrt(tau2) if kind == GAUSSIAN or kind == HORSESHOE else math.sqrt(lam2)
            if kind == HORSESHOE:
                trace.local[k] = np.sqrt(loc)
    return GibbsState(beta, loc, nu, float(s2), float(tau2), float(log_step), float(lam2), float(a_sig),
                      float(log_step_s2), float(b0))  # fmt: skip
