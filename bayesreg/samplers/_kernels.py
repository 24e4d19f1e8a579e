r"""Numba kernels of the Gibbs samplers: one sweep loop for every supported prior.

Model (the intercept ``b0`` has a flat prior and is integrated out, see below)::

    y = b0 + X beta + e,   e ~ N(0, sigma^2 I)

Everything is written on the sufficient statistics ``(xtx, xty, yty)``: centred when the model
has an intercept, raw otherwise. Integrating ``b0`` out of the likelihood leaves
``sigma^-(n-1) exp(-RSS_c(beta) / (2 sigma^2))`` with the centred residual sum of squares, so
the sampler runs on the centred statistics with ``n_eff = n - 1`` and, after each sweep,
draws ``b0 | beta, sigma ~ N(ybar - xbar^T beta, sigma^2 / n)`` (collapsed Gibbs: valid
because nothing else is conditioned on ``b0``). Without an intercept ``n_eff = n``.

Every prior is a scale mixture of normals, ``beta_j | . ~ N(0, v_j)``, so ``beta`` always has
the Gaussian full conditional with precision ``Q = X^T X / sigma^2 + diag(1 / v_j)`` and mean
``Q^-1 X^T y / sigma^2``. It is drawn

- by Rue's algorithm (Cholesky ``Q = L L^T``; ``beta = L^-T (L^-1 X^T y / sigma^2 + z)``),
  O(p^3) and touching only ``xtx`` and ``xty`` (used whenever ``n >= p`` or no rows exist);
- by Bhattacharya, Chakraborty and Mallick (2016) when ``p > n`` and the rows are at hand:
  ``u ~ N(0, D)``, ``v = Phi u + d``, ``w = (Phi D Phi^T + I)^-1 (alpha - v)``,
  ``beta = u + D Phi^T w`` with ``Phi = X / sigma``, ``alpha = y / sigma``: O(n^2 p).

Prior kinds (``v_j`` in terms of the latent scales):

0. Gaussian ``N(0, tau^2)``: ``v_j = tau^2``; ``tau^2 | beta ~ IG(a + p/2, b + |beta|^2/2)``
   under an inverse-gamma hyperprior.
1. Park-Casella: ``v_j = sigma^2 t_j``, ``t_j ~ Exp(lambda^2 / 2)``;
   ``1/t_j | . ~ InvGauss(sqrt(lambda^2 sigma^2 / beta_j^2), lambda^2)``;
   ``lambda^2 | . ~ Gamma(p + r, sum t_j / 2 + delta)`` under a Gamma(r, delta) hyperprior.
2. Unconditional Laplace(b): ``v_j = t_j``, ``t_j ~ Exp(lambda^2 / 2)`` with ``lambda = 1/b``;
   ``1/t_j | . ~ InvGauss(lambda / |beta_j|, lambda^2)``.
3. Horseshoe (Makalic and Schmidt, 2016): ``v_j = sigma^2 tau^2 l_j``; with
   ``l_j | nu_j ~ IG(1/2, 1/nu_j)``, ``nu_j ~ IG(1/2, 1)``, ``tau^2 | xi ~ IG(1/2, 1/xi)``,
   ``xi ~ IG(1/2, 1/s^2)`` (half-Cauchy scales), every conditional is inverse-gamma.

``sigma^2``: fixed (mode 0), inverse-gamma IG(a0, b0) on ``sigma^2`` (mode 1; Jeffreys is
``a0 = b0 = 0``) or half-Cauchy(s) on ``sigma`` via ``sigma^2 | a ~ IG(1/2, 1/a)``,
``a ~ IG(1/2, 1/s^2)`` (mode 2). Its conditional is IG(a0 + n_eff/2 [+ p/2],
b0 + RSS/2 [+ sum beta_j^2 / (2 v_j / sigma^2)]) where the bracketed terms enter for the
priors that scale with ``sigma`` (Park-Casella, horseshoe).

Random numbers come from numba's thread-local ``np.random`` state, seeded once per chain
(:func:`seed`) in the thread that runs the chain, so a chain's draws do not depend on how the
iterations are split into blocks or on which thread runs it.
"""

# numba's np.random.* functions draw from a per-thread state seeded by np.random.seed inside
# compiled code; that is the API numba compiles, hence the legacy calls.
# ruff: noqa: NPY002

from __future__ import annotations

import numpy as np
from numba import njit

# indices into the scalar state vector
S2 = 0  # sigma^2
TAU2 = 1  # Gaussian tau^2 / horseshoe global tau^2
XI = 2  # horseshoe auxiliary of tau^2
LAM2 = 3  # Park-Casella / Laplace lambda^2
A_SIG = 4  # auxiliary of the half-Cauchy prior on sigma
N_SCALARS = 5

# indices into the parameter vector
P_A0 = 0  # sigma^2 inverse-gamma shape
P_B0 = 1  # sigma^2 inverse-gamma scale
P_SIG_HC = 2  # half-Cauchy scale of sigma
P_HA = 3  # tau^2 inverse-gamma shape (Gaussian hyperprior)
P_HB = 4  # tau^2 inverse-gamma scale
P_R = 5  # lambda^2 Gamma shape
P_DELTA = 6  # lambda^2 Gamma rate
P_HS_S = 7  # horseshoe global scale s
N_PARAMS = 8

GAUSSIAN = 0
PARK_CASELLA = 1
LAPLACE = 2
HORSESHOE = 3

SIGMA_FIXED = 0
SIGMA_INVGAMMA = 1
SIGMA_HALFCAUCHY = 2

_MU_MAX = 1e150


@njit(cache=True, nogil=True)
def seed(s):
    """Seed numba's random state of the calling thread."""
    np.random.seed(s)


@njit(cache=True, nogil=True)
def _inv_gamma(shape, scale):
    # IG(shape, scale): density ∝ x^(-shape-1) exp(-scale/x), i.e. scale / Gamma(shape, 1)
    return scale / np.random.gamma(shape, 1.0)


@njit(cache=True, nogil=True)
def _inv_gauss(mu, lam):
    # Michael, Schucany and Haas (1976), with the root rewritten to avoid cancellation when
    # mu * z^2 / lam is large: mu (1 + r - sqrt(r (2 + r))) = mu / (1 + r + sqrt(r (2 + r))).
    if mu > _MU_MAX:
        mu = _MU_MAX
    z = np.random.standard_normal()
    r = mu * z * z / (2.0 * lam)
    x = mu / (1.0 + r + np.sqrt(r * (2.0 + r)))
    if np.random.random() * (mu + x) <= mu:
        return x
    return mu * mu / x


@njit(cache=True, nogil=True)
def _forward(L, b):
    # solve L x = b, L lower triangular
    p = b.shape[0]
    x = np.empty(p)
    for i in range(p):
        s = b[i]
        for k in range(i):
            s -= L[i, k] * x[k]
        x[i] = s / L[i, i]
    return x


@njit(cache=True, nogil=True)
def _backward_t(L, b):
    # solve L^T x = b, L lower triangular (row i of L^T is column i of L)
    p = b.shape[0]
    x = b.copy()
    for i in range(p - 1, -1, -1):
        x[i] /= L[i, i]
        xi = x[i]
        for k in range(i):
            x[k] -= L[i, k] * xi
    return x


@njit(cache=True, nogil=True)
def _factor_rue(xtx, xty, yty, w, A):
    # A = xtx + diag(1/w) = L L^T; returns L, v = L^-1 xty and quad = yty - xty^T A^-1 xty
    p = xty.shape[0]
    for i in range(p):
        for j in range(p):
            A[i, j] = xtx[i, j]
        A[i, i] += 1.0 / w[i]
    L = np.linalg.cholesky(A)
    v = _forward(L, xty)
    return L, v, yty - np.dot(v, v)


@njit(cache=True, nogil=True)
def _beta_rue(L, v, sd):
    # beta ~ N(A^-1 xty, sd^2 A^-1) = L^-T (v + sd z)
    z = v.copy()
    for i in range(z.shape[0]):
        z[i] += sd * np.random.standard_normal()
    return _backward_t(L, z)


@njit(cache=True, nogil=True)
def _factor_bcm(X, XT, y, w):
    # M = X diag(w) X^T + I = L L^T; returns L and quad = y^T M^-1 y (= yty - xty^T A^-1 xty)
    n = X.shape[0]
    p = X.shape[1]
    XW = np.empty((n, p))
    for i in range(n):
        for j in range(p):
            XW[i, j] = X[i, j] * w[j]
    M = np.dot(XW, XT)
    for i in range(n):
        M[i, i] += 1.0
    L = np.linalg.cholesky(M)
    q = _forward(L, y)
    return L, np.dot(q, q)


@njit(cache=True, nogil=True)
def _beta_bcm(X, XT, y, w, L, sd):
    # Bhattacharya, Chakraborty and Mallick (2016) with Phi = X / sd, alpha = y / sd, D = sd^2 diag(w),
    # so that Phi D Phi^T + I = M: beta ~ N(A^-1 X^T y, sd^2 A^-1), A = X^T X + diag(1/w)
    n = X.shape[0]
    p = X.shape[1]
    u = np.empty(p)
    for j in range(p):
        u[j] = sd * np.sqrt(w[j]) * np.random.standard_normal()
    v = np.dot(X, u) / sd
    for i in range(n):
        v[i] = y[i] / sd - v[i] - np.random.standard_normal()
    r = _backward_t(L, _forward(L, v))
    return u + sd * w * np.dot(XT, r)


@njit(cache=True, nogil=True)
def run_block(
    kind,
    sigma_mode,
    hyper,
    use_bcm,
    xtx,
    xty,
    yty,
    X,
    XT,
    y,
    n_eff,
    n_obs,
    fit_intercept,
    xbar,
    ybar,
    prm,
    beta,
    loc,
    nu,
    sc,
    it0,
    n_iter,
    tune,
    out_beta,
    out_sigma,
    out_icpt,
    out_hyper,
    out_local,
    out_rss,
):
    """Run ``n_iter`` sweeps from global iteration ``it0``, updating the state in place.

    Draws of iterations ``>= tune`` are stored at row ``iteration - tune`` of the outputs.
    ``hyper`` says whether the prior scale (``tau^2`` of the Gaussian prior, ``lambda^2`` of
    Park-Casella) has a hyperprior.

    ``beta`` is drawn from ``N(A^-1 X^T y, sigma^2 A^-1)``, ``A = X^T X + diag(1/w)`` with
    ``w_j = v_j / sigma^2`` the prior variances relative to ``sigma^2``. For the priors that
    scale with ``sigma`` (Park-Casella, horseshoe) ``w`` does not involve ``sigma``, and
    ``(beta, sigma^2)`` is drawn as one block: ``sigma^2`` from its conditional with ``beta``
    integrated out, IG(a0 + n_eff/2, b0 + (yty - xty^T A^-1 xty)/2), then ``beta | sigma^2``
    (the "fast Bayesian lasso" of Rajaratnam and Sparks, 2015, which mixes far better when
    ``p`` is large). Gaussian and unconditional Laplace priors alternate ``beta | sigma^2`` and
    ``sigma^2 | beta``.
    """
    p = xty.shape[0]
    w = np.empty(p)
    A = np.empty((p, p)) if not use_bcm else np.empty((1, 1))
    blocked = kind == PARK_CASELLA or kind == HORSESHOE
    for it in range(n_iter):
        s2 = sc[S2]
        # ---- prior variances relative to sigma^2
        if kind == GAUSSIAN:
            for j in range(p):
                w[j] = sc[TAU2] / s2
        elif kind == PARK_CASELLA:
            for j in range(p):
                w[j] = loc[j]
        elif kind == LAPLACE:
            for j in range(p):
                w[j] = loc[j] / s2
        else:
            for j in range(p):
                w[j] = sc[TAU2] * loc[j]
        # ---- factorisation of the beta conditional
        if use_bcm:
            L, quad = _factor_bcm(X, XT, y, w)
            v = np.empty(0)
        else:
            L, v, quad = _factor_rue(xtx, xty, yty, w, A)
        if quad < 0.0:
            quad = 0.0
        # ---- sigma^2 | local scales (beta integrated out), for sigma-scaled priors
        if blocked and sigma_mode != SIGMA_FIXED:
            shape = prm[P_A0] + 0.5 * n_eff
            rate = prm[P_B0] + 0.5 * quad
            if sigma_mode == SIGMA_HALFCAUCHY:
                shape += 0.5
                rate += 1.0 / sc[A_SIG]
            s2 = _inv_gamma(shape, rate)
            sc[S2] = s2
        # ---- beta | sigma^2, rest
        sd = np.sqrt(s2)
        if use_bcm:
            b = _beta_bcm(X, XT, y, w, L, sd)
        else:
            b = _beta_rue(L, v, sd)
        for j in range(p):
            beta[j] = b[j]
        # ---- residual sum of squares
        if use_bcm:
            r = y - np.dot(X, beta)
            rss = np.dot(r, r)
        else:
            rss = yty - 2.0 * np.dot(beta, xty) + np.dot(beta, np.dot(xtx, beta))
        if rss < 0.0:
            rss = 0.0
        # ---- sigma^2 | beta, for the priors that do not scale with sigma
        if not blocked and sigma_mode != SIGMA_FIXED:
            shape = prm[P_A0] + 0.5 * n_eff
            rate = prm[P_B0] + 0.5 * rss
            if sigma_mode == SIGMA_HALFCAUCHY:
                shape += 0.5
                rate += 1.0 / sc[A_SIG]
            s2 = _inv_gamma(shape, rate)
            sc[S2] = s2
        if sigma_mode == SIGMA_HALFCAUCHY:
            hs = prm[P_SIG_HC]
            sc[A_SIG] = _inv_gamma(1.0, 1.0 / (hs * hs) + 1.0 / s2)
        # ---- prior scales | rest
        if kind == GAUSSIAN:
            if hyper:
                sc[TAU2] = _inv_gamma(prm[P_HA] + 0.5 * p, prm[P_HB] + 0.5 * np.dot(beta, beta))
        elif kind == PARK_CASELLA or kind == LAPLACE:
            lam2 = sc[LAM2]
            lam = np.sqrt(lam2)
            for j in range(p):
                ab = abs(beta[j])
                if kind == PARK_CASELLA:
                    mu = lam * np.sqrt(s2) / ab if ab > 0.0 else _MU_MAX
                else:
                    mu = lam / ab if ab > 0.0 else _MU_MAX
                loc[j] = 1.0 / _inv_gauss(mu, lam2)
            if hyper:
                sc[LAM2] = np.random.gamma(p + prm[P_R], 1.0 / (prm[P_DELTA] + 0.5 * np.sum(loc)))
        else:
            t2 = sc[TAU2]
            for j in range(p):
                loc[j] = _inv_gamma(1.0, 1.0 / nu[j] + 0.5 * beta[j] * beta[j] / (t2 * s2))
                nu[j] = _inv_gamma(1.0, 1.0 + 1.0 / loc[j])
            ssq = 0.0
            for j in range(p):
                ssq += beta[j] * beta[j] / loc[j]
            t2 = _inv_gamma(0.5 * (p + 1.0), 1.0 / sc[XI] + 0.5 * ssq / s2)
            sc[TAU2] = t2
            hs = prm[P_HS_S]
            sc[XI] = _inv_gamma(1.0, 1.0 / (hs * hs) + 1.0 / t2)
        # ---- intercept | rest and storage
        g = it0 + it
        if g >= tune:
            k = g - tune
            for j in range(p):
                out_beta[k, j] = beta[j]
            out_sigma[k] = np.sqrt(s2)
            out_rss[k] = rss
            if fit_intercept:
                out_icpt[k] = ybar - np.dot(xbar, beta) + np.sqrt(s2 / n_obs) * np.random.standard_normal()
            if kind == GAUSSIAN or kind == HORSESHOE:
                out_hyper[k] = np.sqrt(sc[TAU2])
            else:
                out_hyper[k] = np.sqrt(sc[LAM2])
            if kind == HORSESHOE:
                for j in range(p):
                    out_local[k, j] = np.sqrt(loc[j])
