r"""Numba kernels of the Gibbs samplers: one sweep loop for every supported prior.

Model (the intercept ``b0`` has a flat prior and is integrated out, see below, or a normal prior)::

    y = b0 + X beta + e,   e ~ N(0, sigma^2 I)

Everything is written on the sufficient statistics ``(xtx, xty, yty)``: centred when the model
has an intercept, raw otherwise. Integrating ``b0`` out of the likelihood leaves
``sigma^-(n-1) exp(-RSS_c(beta) / (2 sigma^2))`` with the centred residual sum of squares, so
the sampler runs on the centred statistics with ``n_eff = n - 1`` and, after each sweep,
draws ``b0 | beta, sigma ~ N(ybar - xbar^T beta, sigma^2 / n)`` (collapsed Gibbs: valid
because nothing else is conditioned on ``b0``). Without an intercept ``n_eff = n``. With a
``N(mu, s^2)`` prior on ``b0`` nothing is integrated out of the sigma likelihood (``n_eff = n``):
the sigma and prior-scale steps run on the statistics of ``y - b0`` given the current ``b0``,
and ``(b0, beta)`` is drawn as one Gaussian block given sigma and the prior scales, by
composition: ``beta`` from its conditional with ``b0`` integrated out, then
``b0 | beta, sigma^2 ~ N(m, 1/P)``, ``P = n / sigma^2 + 1 / s^2``,
``m = (n (ybar - xbar^T beta) / sigma^2 + mu / s^2) / P``. Integrating ``b0`` out leaves the
centred likelihood times ``N(ybar - mu; xbar^T beta, sigma^2/n + s^2)``: the centred statistics
plus ``kappa xbar xbar^T``, ``kappa (ybar - mu) xbar``, ``kappa (ybar - mu)^2`` with
``kappa = n rho / (n + rho)``, ``rho = sigma^2 / s^2`` (for BCM: the rows ``y - mu`` with the
noise covariance ``sigma^2 (I + (s^2/sigma^2) 1 1^T)``). Drawing ``b0`` in a block of its own
instead crawls when the columns are far from centred (``x`` = calendar years: ``b0`` and
``beta`` are then almost collinear, R-hat 2.4 on posteriordb's kilpisjarvi).

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
   ``1/t_j | . ~ InvGauss(sqrt(lambda^2 sigma^2 / beta_j^2), lambda^2)``. Under a Gamma(r, delta)
   hyperprior ``lambda^2`` is drawn before the ``t_j`` from its conditional given ``beta, sigma``
   with the ``t_j`` integrated out, ``∝ lambda^p e^(-lambda sum|beta_j|/sigma) x Gamma(r, delta)``
   (log-concave in ``log lambda^2``; a slice sampler), rather than from
   ``Gamma(p + r, sum t_j / 2 + delta)``, which mixes slowly for large ``p``.
2. Unconditional Laplace(b): ``v_j = t_j``, ``t_j ~ Exp(lambda^2 / 2)`` with ``lambda = 1/b``;
   ``1/t_j | . ~ InvGauss(lambda / |beta_j|, lambda^2)``.
3. Horseshoe: ``v_j = sigma^2 tau^2 l_j``; the local scales by the auxiliary variables of
   Makalic and Schmidt (2016), ``l_j | nu_j ~ IG(1/2, 1/nu_j)``, ``nu_j ~ IG(1/2, 1)`` (a
   half-Cauchy ``lambda_j``), every conditional inverse-gamma; the global ``tau^2`` by a
   Metropolis step on ``log tau^2`` with ``beta`` and ``sigma^2`` integrated out (Johndrow,
   Orenstein and Bhattacharya, 2020), whose step adapts during tuning only.

``sigma^2``: fixed (mode 0), inverse-gamma IG(a0, b0) on ``sigma^2`` (mode 1; Jeffreys is
``a0 = b0 = 0``), half-Student-t(nu, s) on ``sigma`` (mode 2) or a log-concave prior
``log p(sigma) = -c2 sigma^2 - c1 sigma`` on ``(0, upper]`` (mode 3: half-normal, exponential,
uniform). For the priors that scale with ``sigma`` (Park-Casella, horseshoe) ``(beta, sigma^2)``
is one block: ``sigma^2`` from its conditional with ``beta`` integrated out, where the data enter
through ``quad = yty - xty^T A^-1 xty``: ``y | sigma, scales ~ N(0, sigma^2 M)`` gives
``sigma^-n_eff exp(-quad / (2 sigma^2))``; then ``beta | sigma^2`` (Rajaratnam and Sparks' fast
Bayesian lasso). Otherwise ``sigma^2 | beta`` with ``RSS`` in place of ``quad``. Writing ``Q``
for either:

- mode 1: ``sigma^2 ~ IG(a0 + n_eff/2, b0 + Q/2)``;
- mode 2, the inverse-gamma mixture of Wand, Ormerod, Padoan and Fruhwirth (2011):
  ``sigma^2 | a ~ IG(nu/2, nu/a)`` and ``a ~ IG(1/2, 1/s^2)`` give, with ``a`` integrated out,
  ``p(sigma^2) ∝ (sigma^2)^-1/2 (nu + sigma^2/s^2)^-(nu+1)/2``, i.e.
  ``p(sigma) ∝ (1 + sigma^2/(nu s^2))^-(nu+1)/2``: the half-t. So
  ``sigma^2 | a, . ~ IG(nu/2 + n_eff/2, nu/a + Q/2)`` and
  ``a | sigma^2 ~ IG((nu + 1)/2, nu/sigma^2 + 1/s^2)`` (half-Cauchy: ``nu = 1``);
- mode 3: a slice sampler (Neal 2003) on ``u = log sigma``, whose conditional
  ``-(n_eff - 1) u - Q e^(-2u)/2 - c2 e^(2u) - c1 e^u`` (``u <= log upper``) is log-concave.

Random numbers come from numba's thread-local ``np.random`` state, seeded once per chain
(:func:`seed`) in the thread that runs the chain, so a chain's draws do not depend on how the
iterations are split into blocks or on which thread runs it.
"""

# numba's np.random.* functions draw from a per-thread state seeded by np.random.seed inside
# compiled code; that is the API numba compiles, hence the legacy calls.
# ruff: noqa: NPY002

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit


class GibbsConfig(NamedTuple):
    """What is sampled: the prior kind, the noise model and every fixed hyperparameter, by name.

    ``kind`` is one of ``GAUSSIAN``, ``PARK_CASELLA``, ``LAPLACE``, ``HORSESHOE``; ``sigma_mode``
    one of ``SIGMA_FIXED``, ``SIGMA_INVGAMMA``, ``SIGMA_HALFT``, ``SIGMA_SLICE``; ``hyper`` says whether the
    prior scale (``tau^2`` of the Gaussian prior, ``lambda^2`` of Park-Casella) has a hyperprior.
    Hyperparameters a prior does not use are ignored (give 0.0). Build it with Python ``int``,
    ``bool`` and ``float`` values: other scalar types compile another specialisation.
    """

    kind: int
    sigma_mode: int
    hyper: bool
    a0: float  # sigma^2 inverse-gamma shape
    b0: float  # sigma^2 inverse-gamma scale
    sig_nu: float  # half-t degrees of freedom of sigma (mode SIGMA_HALFT; 1: half-Cauchy)
    sig_scale: float  # half-t scale of sigma
    sig_c1: float  # mode SIGMA_SLICE: log p(sigma) = -c2 sigma^2 - c1 sigma on (0, sig_upper]
    sig_c2: float
    sig_upper: float  # inf when unbounded
    ha: float  # tau^2 inverse-gamma shape (Gaussian hyperprior)
    hb: float  # tau^2 inverse-gamma scale
    r: float  # lambda^2 Gamma shape (Park-Casella hyperprior)
    delta: float  # lambda^2 Gamma rate
    hs_s: float  # horseshoe global scale s
    b0_prior: bool  # the intercept has a N(b0_mu, b0_s2) prior (raw statistics, n_eff = n), else flat
    b0_mu: float
    b0_s2: float


class GibbsData(NamedTuple):
    """The data in the sampler's form: statistics (centred when ``fit_intercept``) and, for BCM, rows.

    ``xtx`` (p, p), ``xty`` (p,), ``yty``: sufficient statistics, centred with an intercept (with a
    normal prior on it, ``xtx`` is the raw ``X_c^T X_c + n xbar xbar^T`` and ``n_eff = n``, and
    ``xtx_c`` the centred ``X_c^T X_c`` for the joint draw of ``(b0, beta)``; a (1, 1)
    placeholder otherwise).
    ``X`` (n, p), ``XT`` (p, n) and ``y`` (n,) are the rows (raw for a normal intercept prior),
    read only when ``use_bcm`` (otherwise placeholders of shape (1, p), (p, 1), (1,)). ``n_eff``
    is ``n - 1`` with a flat intercept, else ``n``; ``n_obs`` is ``n``; ``xbar`` and ``ybar`` are
    the means the intercept is drawn from. Arrays are
    writable C-contiguous float64 (read-only arrays compile another specialisation).
    """

    xtx: np.ndarray
    xty: np.ndarray
    yty: float
    X: np.ndarray
    XT: np.ndarray
    y: np.ndarray
    n_eff: float
    n_obs: float
    fit_intercept: bool
    xbar: np.ndarray
    ybar: float
    use_bcm: bool
    xtx_c: np.ndarray


class GibbsState(NamedTuple):
    """The state of one chain between blocks: what the next sweep needs, by name.

    ``beta`` (p,); ``loc`` (p,) the local scales (Park-Casella/Laplace ``t_j``, horseshoe
    ``l_j``); ``nu`` (p,) the horseshoe auxiliaries; ``sigma2``; ``tau2`` the Gaussian ``tau^2``
    or the horseshoe global ``tau^2``; ``log_step`` the log random-walk step of the horseshoe
    update of ``log tau^2``; ``lam2`` the Park-Casella/Laplace ``lambda^2``; ``a_sig`` the
    auxiliary of the half-t prior on sigma; ``log_step_s2`` the log step of the Metropolis
    update of ``log sigma^2`` (Gaussian/Laplace with ``p >= n``); ``b0`` the intercept when it
    has a normal prior (``config.b0_prior``; unused otherwise).
    """

    beta: np.ndarray
    loc: np.ndarray
    nu: np.ndarray
    sigma2: float
    tau2: float
    log_step: float
    lam2: float
    a_sig: float
    log_step_s2: float
    b0: float


class GibbsTrace(NamedTuple):
    """Output buffers of one chain, filled in place: row ``k`` holds the draw of iteration ``tune + k``.

    ``beta`` (draws, p); ``sigma``, ``intercept``, ``hyper`` (``tau`` for the Gaussian and
    horseshoe priors, ``lambda`` for Park-Casella/Laplace), ``rss`` (draws,); ``local``
    (draws, p) the horseshoe ``lambda_j`` (width 0 for the other priors). ``intercept`` is
    written only when ``fit_intercept``.
    """

    beta: np.ndarray
    sigma: np.ndarray
    intercept: np.ndarray
    hyper: np.ndarray
    local: np.ndarray
    rss: np.ndarray


GAUSSIAN = 0
PARK_CASELLA = 1
LAPLACE = 2
HORSESHOE = 3

SIGMA_FIXED = 0
SIGMA_INVGAMMA = 1
SIGMA_HALFT = 2
SIGMA_SLICE = 3

_MU_MAX = 1e150
_W_MIN = 1e-306  # floor of a relative prior variance where its reciprocal enters the precision matrix


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
    # A = xtx + diag(1/w) = L L^T; returns L, v = L^-1 xty, quad = yty - xty^T A^-1 xty and
    # log|M| for M = I + X diag(w) X^T. A w_j below _W_MIN (a prior variance under 1e-306 of sigma^2,
    # which float64 cannot invert) is read as _W_MIN: beta_j is then held within 1e-153 sigma of 0.
    p = xty.shape[0]
    for i in range(p):
        if w[i] < _W_MIN:
            w[i] = _W_MIN
        for j in range(p):
            A[i, j] = xtx[i, j]
        A[i, i] += 1.0 / w[i]
    L = np.linalg.cholesky(A)
    v = _forward(L, xty)
    # log|I + X W X^T| = log|W| + log|A| (matrix determinant lemma)
    logdet = 0.0
    for i in range(p):
        logdet += 2.0 * np.log(L[i, i]) + np.log(w[i])
    return L, v, yty - np.dot(v, v), logdet


@njit(cache=True, nogil=True)
def _beta_rue(L, v, sd):
    # beta ~ N(A^-1 xty, sd^2 A^-1) = L^-T (v + sd z)
    z = v.copy()
    for i in range(z.shape[0]):
        z[i] += sd * np.random.standard_normal()
    return _backward_t(L, z)


@njit(cache=True, nogil=True)
def _factor_bcm(X, XT, y, w, w0):
    # M = X diag(w) X^T + I + w0 1 1^T = L L^T; returns L, quad = y^T M^-1 y (= yty - xty^T A^-1 xty), log|M|.
    # w0 > 0: a N(0, w0 sigma^2) intercept integrated out (noise covariance sigma^2 (I + w0 1 1^T))
    n = X.shape[0]
    p = X.shape[1]
    XW = np.empty((n, p))
    for i in range(n):
        for j in range(p):
            XW[i, j] = X[i, j] * w[j]
    M = np.dot(XW, XT)
    for i in range(n):
        M[i, i] += 1.0
    if w0 > 0.0:
        for i in range(n):
            for k in range(n):
                M[i, k] += w0
    L = np.linalg.cholesky(M)
    q = _forward(L, y)
    logdet = 0.0
    for i in range(n):
        logdet += 2.0 * np.log(L[i, i])
    return L, np.dot(q, q), logdet


@njit(cache=True, nogil=True)
def _beta_bcm(X, XT, y, w, L, sd, w0):
    # Bhattacharya, Chakraborty and Mallick (2016) with Phi = X / sd, alpha = y / sd, D = sd^2 diag(w),
    # so that Phi D Phi^T + I = M: beta ~ N(A^-1 X^T y, sd^2 A^-1), A = X^T X + diag(1/w). With a noise
    # covariance sd^2 S, S = I + w0 1 1^T (w0 > 0), the perturbation is S^(1/2) z = z + sqrt(w0) z0 1 and
    # M = Phi D Phi^T + S: the same algorithm draws beta with the N(0, w0 sd^2) intercept integrated out
    n = X.shape[0]
    p = X.shape[1]
    u = np.empty(p)
    for j in range(p):
        u[j] = sd * np.sqrt(w[j]) * np.random.standard_normal()
    v = np.dot(X, u) / sd
    shift = np.sqrt(w0) * np.random.standard_normal() if w0 > 0.0 else 0.0
    for i in range(n):
        v[i] = y[i] / sd - v[i] - np.random.standard_normal() - shift
    r = _backward_t(L, _forward(L, v))
    return u + sd * w * np.dot(XT, r)


@njit(cache=True, nogil=True)
def _factor(use_bcm, xtx, xty, yty, X, XT, y, w, A, w0=0.0):
    if use_bcm:
        L, quad, logdet = _factor_bcm(X, XT, y, w, w0)
        v = np.empty(0)
    else:
        L, v, quad, logdet = _factor_rue(xtx, xty, yty, w, A)
    if quad < 0.0:
        quad = 0.0
    return L, v, quad, logdet


@njit(cache=True, nogil=True)
def _log_marginal(quad, logdet, sigma_mode, s2, shape, rate):
    # log p(y | prior variances) up to a constant, beta (and sigma^2 when it is conditionally
    # inverse-gamma) integrated out: y ~ N(0, sigma^2 M); with sigma^2 ~ IG(shape0, rate0):
    # -1/2 log|M| - shape log(rate0 + quad/2). Mode SIGMA_SLICE: given sigma^2, as when fixed.
    if sigma_mode == SIGMA_FIXED or sigma_mode == SIGMA_SLICE:
        return -0.5 * logdet - 0.5 * quad / s2
    return -0.5 * logdet - shape * np.log(rate + 0.5 * quad)


@njit(cache=True, nogil=True)
def _latent_scale(c, lam, lam2, ab):
    # t with 1/t ~ InvGauss(mu, lam2), mu = lam c / |beta_j| (c = sigma for Park-Casella, 1 for the
    # unconditional Laplace). Drawn as InvGauss(mu, lam2) = lam2 InvGauss(mu / lam2, 1) (X ~ IG(mu, l)
    # gives kX ~ IG(k mu, k l)): mu / lam2 = c / (lam |beta_j|) is O(1) wherever beta_j is at the
    # prior's scale, however small that scale is (clamping mu itself lost the scale once lam > 1e75)
    den = lam * ab
    mu_rel = c / den if den > 0.0 else _MU_MAX
    if not mu_rel < _MU_MAX:
        mu_rel = _MU_MAX
    return (1.0 / lam2) / _inv_gauss(mu_rel, 1.0)


@njit(cache=True, nogil=True)
def _log_sigma_f(u, n_eff, Q, c1, c2, log_upper):
    # log density of u = log sigma given the rest, up to a constant (mode SIGMA_SLICE):
    # sigma^-n_eff exp(-Q / (2 sigma^2)) p(sigma) d sigma, with d sigma = sigma du
    if u > log_upper:
        return -np.inf
    out = -(n_eff - 1.0) * u
    if Q > 0.0:
        out -= 0.5 * Q * np.exp(-2.0 * u)
    if c2 > 0.0:
        out -= c2 * np.exp(2.0 * u)
    if c1 > 0.0:
        out -= c1 * np.exp(u)
    return out


@njit(cache=True, nogil=True)
def _slice_log_sigma(u0, n_eff, Q, c1, c2, log_upper):
    # univariate slice sampler (Neal 2003) on log sigma, stepping out then shrinking; log-concave target.
    # The width is about twice the conditional sd of log sigma, 1 / sqrt(2 n_eff).
    width = 2.0 / np.sqrt(2.0 * n_eff + 1.0)
    logy = _log_sigma_f(u0, n_eff, Q, c1, c2, log_upper) + np.log(np.random.random())
    lo = u0 - width * np.random.random()
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
        u = lo + (hi - lo) * np.random.random()
        if _log_sigma_f(u, n_eff, Q, c1, c2, log_upper) > logy:
            return u
        if u < u0:
            lo = u
        else:
            hi = u


@njit(cache=True, nogil=True)
def _log_prior_log_s2(s2, sigma_mode, shape_prior, rate0, c1, c2, log_upper):
    # log prior density of log sigma^2 (Jacobian included), for the Metropolis step on log sigma^2:
    # the (conditionally) inverse-gamma modes IG(shape_prior, rate0) -> -shape_prior log s2 - rate0 / s2;
    # mode SIGMA_SLICE: log p(sigma) + log sigma (d sigma = sigma / 2 d log sigma^2)
    if sigma_mode == SIGMA_SLICE:
        ls = 0.5 * np.log(s2)
        if ls > log_upper:
            return -np.inf
        return -c2 * s2 - c1 * np.sqrt(s2) + ls
    return -shape_prior * np.log(s2) - rate0 / s2


@njit(cache=True, nogil=True)
def _lam2_logf(v, a, S, delta):
    # log density of v = log lambda^2 given beta, sigma (local scales integrated out), up to a constant:
    # lambda^p exp(-lambda S) x Gamma(r, delta) on lambda^2 x Jacobian lambda^2, with a = p/2 + r
    return a * v - S * np.exp(0.5 * v) - delta * np.exp(v)


@njit(cache=True, nogil=True)
def _slice_lam2(v0, a, S, delta):
    # univariate slice sampler (Neal 2003), stepping out then shrinking; the target is log-concave
    width = 1.0
    logy = _lam2_logf(v0, a, S, delta) + np.log(np.random.random())
    lo = v0 - width * np.random.random()
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
        v = lo + (hi - lo) * np.random.random()
        if _lam2_logf(v, a, S, delta) > logy:
            return v
        if v < v0:
            lo = v
        else:
            hi = v


@njit(cache=True, nogil=True)
def run_block(config, data, state, it0, n_iter, tune, trace):
    """Run ``n_iter`` sweeps from global iteration ``it0`` and return the new state.

    ``config`` is a :class:`GibbsConfig`, ``data`` a :class:`GibbsData`, ``state`` a
    :class:`GibbsState` and ``trace`` a :class:`GibbsTrace`: draws of iterations ``>= tune`` are
    stored at row ``iteration - tune`` of its buffers. ``state`` itself is left unchanged.

    ``beta`` is drawn from ``N(A^-1 X^T y, sigma^2 A^-1)``, ``A = X^T X + diag(1/w)`` with
    ``w_j = v_j / sigma^2`` the prior variances relative to ``sigma^2``. For the priors that
    scale with ``sigma`` (Park-Casella, horseshoe) ``w`` does not involve ``sigma``, and
    ``(beta, sigma^2)`` is drawn as one block: ``sigma^2`` from its conditional with ``beta``
    integrated out, IG(a0 + n_eff/2, b0 + (yty - xty^T A^-1 xty)/2), then ``beta | sigma^2``
    (the "fast Bayesian lasso" of Rajaratnam and Sparks, 2015, which mixes far better when
    ``p`` is large). Gaussian and unconditional Laplace priors alternate ``beta | sigma^2`` and
    ``sigma^2 | beta``.
    """
    # The state is immutable, as blackjax's States are: a block returns a new GibbsState and the
    # one passed in stays valid (a caller can keep it, e.g. to restart a block), with no aliasing
    # between the two. The scalars live in locals of _sweeps, the vectors are copied here once per
    # block (O(p), against O(p^3) or O(n^2 p) per sweep). The copy is made here rather than in
    # _sweeps because there the fresh arrays made the horseshoe sweeps ~7% slower; as arguments
    # of _sweeps they compile as the caller-owned arrays of the former in-place kernel did.
    fresh = GibbsState(
        state.beta.copy(),
        state.loc.copy(),
        state.nu.copy(),
        state.sigma2,
        state.tau2,
        state.log_step,
        state.lam2,
        state.a_sig,
        state.log_step_s2,
        state.b0,
    )
    return _sweeps(config, data, fresh, it0, n_iter, tune, trace)


@njit(cache=True, nogil=True)
def _sweeps(config, data, state, it0, n_iter, tune, trace):
    # run_block's sweeps: updates the vectors of `state` in place, returns the state after them
    kind = config.kind
    sigma_mode = config.sigma_mode
    use_bcm = data.use_bcm
    xtx, xty, yty = data.xtx, data.xty, data.yty
    X, XT, y = data.X, data.XT, data.y
    n_eff = data.n_eff
    beta = state.beta
    loc = state.loc
    nu = state.nu
    s2 = state.sigma2
    tau2 = state.tau2
    log_step = state.log_step
    lam2 = state.lam2
    a_sig = state.a_sig
    log_step_s2 = state.log_step_s2
    b0 = state.b0
    b0_prior = config.b0_prior
    n_obs = data.n_obs

    p = xty.shape[0]
    w = np.empty(p)
    w_new = np.empty(p)
    A = np.empty((p, p)) if not use_bcm else np.empty((1, 1))
    B = np.empty((p, p)) if b0_prior and not use_bcm else np.empty((1, 1))
    xty_m = np.empty(p)
    blocked = kind == PARK_CASELLA or kind == HORSESHOE
    n_rows = X.shape[0] if use_bcm else int(n_eff)
    marginal_s2 = (not blocked) and sigma_mode != SIGMA_FIXED and p >= n_rows
    c1, c2 = config.sig_c1, config.sig_c2
    log_upper = np.log(config.sig_upper)
    for it in range(n_iter):
        g = it0 + it
        # ---- the statistics of y - b0 given the intercept when it has a N(mu, s^2) prior:
        # ||y - b0 - X beta||^2 = ||y_c - X_c beta||^2 + n (d - xbar^T beta)^2 with d = ybar - b0, so with
        # xtx = X_c^T X_c + n xbar xbar^T (given), xty = X_c^T y_c + n d xbar and yty = y_c^T y_c + n d^2
        # (d is small once b0 is near ybar: no cancellation in yty); with a flat intercept the statistics
        # are centred and b0 is integrated out
        if b0_prior:
            d = data.ybar - b0
            xty_e = xty + (d * n_obs) * data.xbar
            yty_e = yty + n_obs * d * d
            y_e = y - b0 if use_bcm else y
        else:
            xty_e = xty
            yty_e = yty
            y_e = y
        # shape and rate of the (conditionally) inverse-gamma sigma^2 conditional without the beta/RSS terms
        shape0 = config.a0 + 0.5 * n_eff
        rate0 = config.b0
        if sigma_mode == SIGMA_HALFT:
            shape0 += 0.5 * config.sig_nu
            rate0 += config.sig_nu / a_sig
        # ---- prior variances relative to sigma^2
        if kind == GAUSSIAN:
            for j in range(p):
                w[j] = tau2 / s2
        elif kind == PARK_CASELLA:
            for j in range(p):
                w[j] = loc[j]
        elif kind == LAPLACE:
            for j in range(p):
                w[j] = loc[j] / s2
        else:
            for j in range(p):
                w[j] = tau2 * loc[j]
        # ---- factorisation of the beta conditional
        # (with a normal-prior intercept only the sigma-scaled priors' and the p >= n steps below read it:
        # the draw of (b0, beta) factors its own system)
        if not b0_prior or blocked or marginal_s2:
            L, v, quad, logdet = _factor(use_bcm, xtx, xty_e, yty_e, X, XT, y_e, w, A)
        # ---- horseshoe: tau^2 | local scales by Metropolis on log tau^2, with beta (and sigma^2)
        # integrated out (Johndrow, Orenstein and Bhattacharya, 2020); this global move is what
        # keeps tau and sigma mixing when p > n. Prior: tau ~ C+(0, s), so on u = log tau^2 the
        # density is proportional to sqrt(tau^2) / (1 + tau^2 / s^2).
        if kind == HORSESHOE:
            t2 = tau2
            hs2 = config.hs_s * config.hs_s
            t2_new = t2 * np.exp(np.exp(log_step) * np.random.standard_normal())
            for j in range(p):
                w_new[j] = t2_new * loc[j]
            L2, v2, quad2, logdet2 = _factor(use_bcm, xtx, xty_e, yty_e, X, XT, y_e, w_new, A)
            log_acc = (
                _log_marginal(quad2, logdet2, sigma_mode, s2, shape0, rate0)
                + 0.5 * np.log(t2_new)
                - np.log1p(t2_new / hs2)
                - _log_marginal(quad, logdet, sigma_mode, s2, shape0, rate0)
                - 0.5 * np.log(t2)
                + np.log1p(t2 / hs2)
            )
            accepted = np.log(np.random.random()) < log_acc
            if accepted:
                tau2 = t2_new
                L, v, quad, logdet = L2, v2, quad2, logdet2
                for j in range(p):
                    w[j] = w_new[j]
            if g < tune:
                # Robbins-Monro adaptation of the step towards 35% acceptance, during tuning only
                log_step += ((1.0 if accepted else 0.0) - 0.35) / np.sqrt(g + 1.0)
        # ---- Gaussian and Laplace priors (not scaled by sigma) when p >= n: sigma^2 and beta are
        # strongly coupled (beta can nearly interpolate y), so alternating sigma^2 | beta and
        # beta | sigma^2 crawls. Add a Metropolis step on log sigma^2 with beta integrated out:
        # y ~ N(0, sigma^2 M), M = I + X diag(v / sigma^2) X^T, and sigma's prior (on log sigma^2).
        # Rounding: on the rows (use_bcm) quad = |L^-1 y|^2 has no cancellation. On the Gram form
        # quad = yty - |v|^2 carries an absolute error ~ p eps yty while, as sigma^2 -> 0 with y in
        # the column space, quad -> sigma^2 y^T (X V X^T)^+ y: the step's quad / sigma^2 is then off by
        # a relative ~ p eps tau^2 sxx / sigma^2, i.e. only for sigma below ~1e-7 of the prior's scale
        # of X beta, where sigma's proper prior puts a mass of that order (tests/test_sigma_priors.py
        # checks the step against a cancellation-free quadrature under every OpenBLAS kernel).
        if marginal_s2:
            s2_new = s2 * np.exp(np.exp(log_step_s2) * np.random.standard_normal())
            for j in range(p):
                w_new[j] = w[j] * s2 / s2_new
            L2, v2, quad2, logdet2 = _factor(use_bcm, xtx, xty_e, yty_e, X, XT, y_e, w_new, A)
            sh = shape0 - 0.5 * n_eff  # prior shape (Jacobian of log sigma^2 included)
            log_acc = (
                -0.5 * n_eff * (np.log(s2_new) - np.log(s2))
                - 0.5 * (logdet2 - logdet)
                - 0.5 * quad2 / s2_new
                + 0.5 * quad / s2
                + _log_prior_log_s2(s2_new, sigma_mode, sh, rate0, c1, c2, log_upper)
                - _log_prior_log_s2(s2, sigma_mode, sh, rate0, c1, c2, log_upper)
            )
            accepted = np.log(np.random.random()) < log_acc
            if accepted:
                s2 = s2_new
                L, v, quad, logdet = L2, v2, quad2, logdet2
                for j in range(p):
                    w[j] = w_new[j]
            if g < tune:
                log_step_s2 += ((1.0 if accepted else 0.0) - 0.35) / np.sqrt(g + 1.0)
        # ---- sigma^2 | local scales (beta integrated out), for sigma-scaled priors
        if blocked and sigma_mode == SIGMA_SLICE:
            s2 = np.exp(2.0 * _slice_log_sigma(0.5 * np.log(s2), n_eff, quad, c1, c2, log_upper))
        elif blocked and sigma_mode != SIGMA_FIXED:
            s2 = _inv_gamma(shape0, rate0 + 0.5 * quad)
        # ---- beta | sigma^2, rest
        sd = np.sqrt(s2)
        if b0_prior:
            # (b0, beta) | sigma^2, prior scales as one Gaussian block (module docstring): beta with b0
            # integrated out, then b0 | beta
            rho = s2 / config.b0_s2
            kappa = n_obs * rho / (n_obs + rho) if rho < 1e300 else n_obs
            dm = data.ybar - config.b0_mu
            if use_bcm:
                y_m = y - config.b0_mu
                L, v, quad_m, logdet_m = _factor(use_bcm, xtx, xty, yty, X, XT, y_m, w, A, config.b0_s2 / s2)
                b = _beta_bcm(X, XT, y_m, w, L, sd, config.b0_s2 / s2)
            else:
                xbar = data.xbar
                for i in range(p):
                    for j in range(p):
                        B[i, j] = data.xtx_c[i, j] + kappa * xbar[i] * xbar[j]
                    xty_m[i] = xty[i] + kappa * dm * xbar[i]
                L, v, quad_m, logdet_m = _factor(use_bcm, B, xty_m, yty + kappa * dm * dm, X, XT, y, w, A)
                b = _beta_rue(L, v, sd)
            for j in range(p):
                beta[j] = b[j]
            prec = n_obs / s2 + 1.0 / config.b0_s2
            m0 = (n_obs * (data.ybar - np.dot(data.xbar, beta)) / s2 + config.b0_mu / config.b0_s2) / prec
            b0 = m0 + np.random.standard_normal() / np.sqrt(prec)
        elif use_bcm:
            b = _beta_bcm(X, XT, y_e, w, L, sd, 0.0)
        else:
            b = _beta_rue(L, v, sd)
        if not b0_prior:
            for j in range(p):
                beta[j] = b[j]
        # ---- residual sum of squares (with a normal-prior intercept: at the b0 just drawn)
        if b0_prior and use_bcm:
            r = y - b0 - np.dot(X, beta)
            rss = np.dot(r, r)
        elif b0_prior:
            # the centred form ||y_c - X_c beta||^2 + n (ybar - b0 - xbar^T beta)^2: no cancellation of the
            # raw statistics when the columns are far from centred
            e0 = data.ybar - b0 - np.dot(data.xbar, beta)
            rss = yty - 2.0 * np.dot(beta, xty) + np.dot(beta, np.dot(data.xtx_c, beta)) + n_obs * e0 * e0
        elif use_bcm:
            r = y_e - np.dot(X, beta)
            rss = np.dot(r, r)
        else:
            rss = yty_e - 2.0 * np.dot(beta, xty_e) + np.dot(beta, np.dot(xtx, beta))
        if rss < 0.0:
            rss = 0.0
        # ---- sigma^2 | beta, for the priors that do not scale with sigma
        if not blocked and sigma_mode == SIGMA_SLICE:
            s2 = np.exp(2.0 * _slice_log_sigma(0.5 * np.log(s2), n_eff, rss, c1, c2, log_upper))
        elif not blocked and sigma_mode != SIGMA_FIXED:
            s2 = _inv_gamma(shape0, rate0 + 0.5 * rss)
        if sigma_mode == SIGMA_HALFT:
            # the half-t's auxiliary: a | sigma^2 ~ IG((nu + 1)/2, nu / sigma^2 + 1 / s^2)
            hs = config.sig_scale
            a_sig = _inv_gamma(0.5 * (config.sig_nu + 1.0), config.sig_nu / s2 + 1.0 / (hs * hs))
        # ---- prior scales | rest
        if kind == GAUSSIAN:
            if config.hyper:
                tau2 = _inv_gamma(config.ha + 0.5 * p, config.hb + 0.5 * np.dot(beta, beta))
        elif kind == PARK_CASELLA or kind == LAPLACE:
            if config.hyper:
                # lambda^2 | beta, sigma with the local scales integrated out (then the local scales
                # given the new lambda^2): a blocked update that mixes far better than
                # lambda^2 | local scales when p is large
                S = 0.0
                for j in range(p):
                    S += abs(beta[j])
                S /= np.sqrt(s2)
                lam2 = np.exp(_slice_lam2(np.log(lam2), 0.5 * p + config.r, S, config.delta))
            lam = np.sqrt(lam2)
            c = np.sqrt(s2) if kind == PARK_CASELLA else 1.0
            for j in range(p):
                loc[j] = _latent_scale(c, lam, lam2, abs(beta[j]))
        else:
            t2 = tau2
            for j in range(p):
                loc[j] = _inv_gamma(1.0, 1.0 / nu[j] + 0.5 * beta[j] * beta[j] / (t2 * s2))
                nu[j] = _inv_gamma(1.0, 1.0 + 1.0 / loc[j])
        # ---- intercept | rest and storage
        if g >= tune:
            k = g - tune
            for j in range(p):
                trace.beta[k, j] = beta[j]
            trace.sigma[k] = np.sqrt(s2)
            trace.rss[k] = rss
            if b0_prior:
                trace.intercept[k] = b0
            elif data.fit_intercept:
                trace.intercept[k] = (
                    data.ybar - np.dot(data.xbar, beta) + np.sqrt(s2 / data.n_obs) * np.random.standard_normal()
                )
            if kind == GAUSSIAN or kind == HORSESHOE:
                trace.hyper[k] = np.sqrt(tau2)
            else:
                trace.hyper[k] = np.sqrt(lam2)
            if kind == HORSESHOE:
                for j in range(p):
                    trace.local[k, j] = np.sqrt(loc[j])
    return GibbsState(beta, loc, nu, s2, tau2, log_step, lam2, a_sig, log_step_s2, b0)
