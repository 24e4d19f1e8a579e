r"""Gibbs sampler for the regularised horseshoe (:class:`bayesreg.priors.RegularizedHorseshoe`), in NumPy.

Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I)`, a flat
prior on :math:`b_0`, and

.. math::

    \beta_j \sim N(0, v_j), \qquad \frac{1}{v_j} = \frac{1}{T^2\lambda_j^2} + \frac{1}{c^2},
    \qquad T = \sigma\tau,

:math:`\lambda_j \sim C^+(0, 1)`, :math:`\tau \sim C^+(0, \tau_0)` (so :math:`T \mid \sigma \sim
C^+(0, \tau_0\sigma)`), :math:`c^2 \sim \mathrm{Inv\text{-}Gamma}(\nu/2, \nu s^2/2)`; ``sigma``
fixed or with an inverse-gamma prior on :math:`\sigma^2` (Jeffreys: IG(0, 0)).

The chain runs on :math:`T` (the coefficients' global scale) rather than :math:`\tau`: given
:math:`T` the prior of :math:`\beta` does not involve :math:`\sigma`. With the auxiliary variable
of Makalic and Schmidt (2016), :math:`T^2 \mid \xi \sim \mathrm{IG}(1/2, 1/\xi)`,
:math:`\xi \sim \mathrm{IG}(1/2, 1/(\tau_0^2\sigma^2))`, whose marginal is the half-Cauchy, the
conditional of :math:`\sigma^2` is conjugate. One sweep:

1. :math:`\xi \mid T, \sigma \sim \mathrm{IG}(1, 1/T^2 + 1/(\tau_0^2\sigma^2))`;
2. :math:`\log T^2` by slice sampling (Neal 2003, stepping out and shrinkage) from its
   conditional with :math:`\beta` **integrated out**: :math:`y_c \sim N(0, \sigma^2 I + X_c V X_c^T)`
   (the horseshoe's global scale mixes slowly when it is drawn given :math:`\beta`);
3. :math:`\beta \mid \cdot` Gaussian with precision :math:`X_c^TX_c/\sigma^2 + V^{-1}`: Rue's Cholesky
   draw on the sufficient statistics when :math:`p \le n`, Bhattacharya, Chakraborty and Mallick's
   (2016) draw from the rows when :math:`p > n`; the intercept is integrated out here;
4. :math:`\log\lambda_j^2`, all :math:`j` at once, by slice sampling (the slab makes the local
   conditionals non-conjugate: :math:`p(\lambda_j^2 \mid \cdot) \propto
   \lambda_j^{-1}(1+\lambda_j^2)^{-1} v_j^{-1/2} e^{-\beta_j^2/(2v_j)}`);
5. :math:`\log c^2` by slice sampling;
6. :math:`\sigma^2 \mid \beta, \xi \sim \mathrm{IG}(a_0 + n_e/2 + 1/2, b_0 + \mathrm{RSS}/2 +
   1/(\tau_0^2\xi))` (:math:`n_e = n - 1` with an intercept), unless sigma is fixed;
7. :math:`b_0 \mid \beta, \sigma \sim N(\bar y - \bar x^T\beta, \sigma^2/n)`.

The posterior has ``beta``, ``intercept``, ``sigma`` (when sampled), ``tau`` (:math:`T/\sigma`, in
units of the noise scale as in :class:`bayesreg.Horseshoe` and the PyMC form), ``lam_local``
[feature] and ``c``: the names of :meth:`bayesreg.priors.RegularizedHorseshoe.to_pymc`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg.blas import dtrsv
from scipy.linalg.lapack import dpotrf, dpotrs

from .._posterior import build_posterior
from ..design import prepare_data
from ..noise import parse_sigma
from ..priors import RegularizedHorseshoe
from .driver import chain_seeds, check_count, run_chains

__all__ = ["sample_rhs", "run_rhs"]

_WIDTH = 2.0  # slice width on the log scale (an e-fold of 7 in a variance): stepping out adapts it
_MAX_STEPS = 60


def _slice(logf, x0, rng, width=_WIDTH):
    """One slice-sampling update of independent coordinates ``x0`` (1-d array) under ``logf`` (elementwise).

    Stepping out (at most ``_MAX_STEPS`` widths each side) then shrinkage, vectorised over the
    coordinates: ``logf`` maps an array of the shape of ``x0`` to the log densities, coordinate by
    coordinate (coordinate ``j`` of the result depends only on coordinate ``j`` of the input).
    """
    logy = logf(x0) + np.log(rng.random(x0.shape))
    lo = x0 - width * rng.random(x0.shape)
    hi = lo + width
    for _ in range(_MAX_STEPS):
        out = logf(lo) > logy
        if not out.any():
            break
        lo = np.where(out, lo - width, lo)
    for _ in range(_MAX_STEPS):
        out = logf(hi) > logy
        if not out.any():
            break
        hi = np.where(out, hi + width, hi)
    x = x0.copy()
    todo = np.ones(x0.shape, dtype=bool)
    while todo.any():
        cand = lo + (hi - lo) * rng.random(x0.shape)
        ok = todo & (logf(np.where(todo, cand, x0)) > logy)
        x = np.where(ok, cand, x)
        todo &= ~ok
        shrink_lo = todo & (cand < x0)
        lo = np.where(shrink_lo, cand, lo)
        hi = np.where(todo & ~shrink_lo, cand, hi)
        # the interval always contains x0, where logf > logy: shrinkage ends with probability one
    return x


def _slice1(logf, x0: float, rng, width=_WIDTH) -> float:
    """:func:`_slice` for one coordinate, in plain floats (no array work per evaluation)."""
    logy = logf(x0) + math.log(rng.random())
    lo = x0 - width * rng.random()
    hi = lo + width
    for _ in range(_MAX_STEPS):
        if logf(lo) <= logy:
            break
        lo -= width
    for _ in range(_MAX_STEPS):
        if logf(hi) <= logy:
            break
        hi += width
    while True:
        x = lo + (hi - lo) * rng.random()
        if logf(x) > logy:
            return x
        if x < x0:
            lo = x
        else:
            hi = x


def _cholesky(A):
    """Lower Cholesky factor of the symmetric positive definite ``A`` (overwritten), Fortran-ordered.

    LAPACK's ``dpotrf`` called directly: the same factorisation as :func:`numpy.linalg.cholesky`
    without its per-call overhead, which dominated the small factorisations of this sampler. The
    strict upper triangle is left as it was (only the lower one is read by the solves below).
    """
    # A is symmetric, so its transpose (a Fortran-ordered view of the same memory) is A itself
    L, info = dpotrf(A.T, lower=1, clean=0, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"matrix not positive definite (LAPACK dpotrf info = {info})")
    return L


class _Factor:
    """The Cholesky factor of the collapsed model at one ``(v, s2)``, shared by the marginal and the draw.

    ``p <= n``: ``A = X^T X + s2 V^-1 = L L^T``; ``p > n``: ``M = I + X V X^T / s2 = L L^T``.
    """

    __slots__ = ("v", "s2", "L")

    def __init__(self, v, s2, L):
        self.v, self.s2, self.L = v, s2, L


class _Problem:
    """The data in the sampler's form (centred when there is an intercept), and the marginal likelihood."""

    def __init__(self, xtx, xty, yty, Xs, ys, n_eff, use_rows):
        self.xtx, self.xty, self.yty = xtx, xty, yty
        self.Xs, self.ys = Xs, ys
        self.n_eff = n_eff
        self.use_rows = use_rows
        self.p = xty.shape[0]
        self._diag = np.arange(self.p) * (self.p + 1)
        if use_rows:
            self._diag_n = np.arange(Xs.shape[0]) * (Xs.shape[0] + 1)

    def factor(self, v, s2):
        """The :class:`_Factor` at prior variances ``v`` of ``beta`` and noise variance ``s2``."""
        if self.use_rows:
            M = (self.Xs * (v / s2)) @ self.Xs.T
            M.flat[self._diag_n] += 1.0
        else:
            M = self.xtx.copy()
            M.flat[self._diag] += s2 / v
        return _Factor(v, s2, _cholesky(M))

    def log_marginal(self, f):
        """``log N(y_c; 0, s2 I + X_c V X_c^T)`` up to a constant, at the factor ``f`` of :meth:`factor`."""
        L, v, s2 = f.L, f.v, f.s2
        if self.use_rows:
            # n x n: M = I + X W X^T with W = V / s2
            u = dtrsv(L, self.ys, lower=1)
            logdet = 2.0 * np.log(L.diagonal()).sum()
            quad = float(u @ u)
        else:
            # p x p: |I + X W X^T| = |W| |X^T X + W^-1|, y^T (I + X W X^T)^-1 y = y^T y - q^T (X^T X + W^-1)^-1 q
            u = dtrsv(L, self.xty, lower=1)
            logdet = 2.0 * np.log(L.diagonal()).sum() + np.log(v / s2).sum()
            quad = max(self.yty - float(u @ u), 0.0)
        return -0.5 * logdet - 0.5 * quad / s2

    def draw_beta(self, f, rng):
        """``beta ~ N(Q^-1 X^T y / s2, Q^-1)``, ``Q = X^T X / s2 + V^-1`` (intercept integrated out)."""
        L, v, s2 = f.L, f.v, f.s2
        if self.use_rows:
            # Bhattacharya, Chakraborty and Mallick (2016) with Phi = X / sigma, alpha = y / sigma:
            # M = I + Phi V Phi^T is the matrix factored for the marginal
            s = math.sqrt(s2)
            u = rng.standard_normal(self.p) * np.sqrt(v)
            d = rng.standard_normal(self.Xs.shape[0])
            Phi = self.Xs / s
            w = dpotrs(L, self.ys / s - Phi @ u - d, lower=1)[0]
            return u + v * (Phi.T @ w)
        # Rue (2001): A = X^T X + s2 V^-1 = L L^T, Q = A / s2; mean A^-1 X^T y, noise sqrt(s2) L^-T z
        m = dpotrs(L, self.xty, lower=1)[0]
        return m + math.sqrt(s2) * dtrsv(L, rng.standard_normal(self.p), lower=1, trans=1)

    def rss(self, beta):
        if self.use_rows:
            r = self.ys - self.Xs @ beta
            return float(r @ r)
        return max(self.yty - 2.0 * float(beta @ self.xty) + float(beta @ self.xtx @ beta), 0.0)


def _variances(T2, lam2, c2):
    # v = 1 / (1/(T^2 lam^2) + 1/c^2), as in RegularizedHorseshoe
    return 1.0 / (1.0 / (T2 * lam2) + 1.0 / c2)


def _log_beta_prior(beta2, log_prec_scale, log_inv_c2):
    """The terms of ``log N(beta_j; 0, v_j)`` varying with ``T, lam_j``: ``0.5 log(1/v_j) - beta_j^2/(2T^2 lam_j^2)``.

    ``log_prec_scale = -log(T^2 lam_j^2)``; the ``-beta_j^2 / (2 c^2)`` part is added by the caller
    where ``c`` varies. (An overflow of the exponential, far out in a slice's stepping out, gives
    ``-inf``: the caller runs under ``np.errstate(over="ignore")``.)
    """
    quad = np.where(beta2 > 0.0, 0.5 * beta2 * np.exp(log_prec_scale), 0.0)
    return 0.5 * np.logaddexp(log_prec_scale, log_inv_c2) - quad


class _Kernel:
    """The regularised horseshoe's sweep as a kernel of :func:`bayesreg.samplers.driver.run_chains`.

    One generator per chain, seeded by the chain's seed, draws the jittered start and then every
    update of the sweep (module docstring) in order; a kept sweep records ``beta``, ``sigma``,
    ``tau``, ``lam_local``, ``c``, ``rss`` and ``intercept``.
    """

    def __init__(self, prob, prior, sig, var_y, tune, xbar, ybar, n_obs, fit_intercept):
        self.prob, self.prior, self.sig, self.var_y, self.tune = prob, prior, sig, var_y, tune
        self.xbar, self.ybar, self.n_obs, self.fit_intercept = xbar, ybar, n_obs, fit_intercept
        p = prob.p
        self.fields = {"beta": (p,), "sigma": (), "tau": (), "lam_local": (p,), "c": (), "rss": (), "intercept": ()}

    def init(self, chain):
        rng = np.random.default_rng(chain.seed)
        fixed = self.sig[0]
        s2 = fixed**2 if fixed is not None else self.var_y * math.exp(0.5 * rng.standard_normal())
        # a jittered start near the prior's centre (burn-in removes it)
        T2 = (self.prior.global_scale**2) * s2 * math.exp(rng.standard_normal())
        return {"rng": rng, "beta": np.zeros(self.prob.p), "lam2": np.exp(rng.standard_normal(self.prob.p)), "T2": T2,
                "xi": 1.0, "c2": self.prior.slab_scale**2, "s2": s2}  # fmt: skip

    def step(self, st, chain, it0, count):
        """Sweeps ``it0, ..., it0 + count - 1`` (module docstring, steps 1-7)."""
        prob, rng, out, tune = self.prob, st["rng"], chain.out, self.tune
        xbar, ybar, n_obs, fit_intercept = self.xbar, self.ybar, self.n_obs, self.fit_intercept
        hs2 = self.prior.global_scale**2
        nu, slab2 = self.prior.slab_df, self.prior.slab_scale**2
        sig_fixed, a0, b0 = self.sig
        beta, lam2, T2, xi, c2, s2 = st["beta"], st["lam2"], st["T2"], st["xi"], st["c2"], st["s2"]
        shape_s2 = a0 + 0.5 * prob.n_eff + 0.5
        last = {}  # the factor of the last log T^2 evaluated: the slice's accepted point is evaluated last
        # an exponential overflowing far out in a slice's stepping out is a log density of -inf there
        with np.errstate(over="ignore"):
            for it in range(it0, it0 + count):
                # 1. xi | T, sigma
                xi = (1.0 / T2 + 1.0 / (hs2 * s2)) / rng.gamma(1.0)

                # 2. log T^2 | lam, c, sigma, xi, y (beta integrated out)
                def logf_T(x, lam2=lam2, c2=c2, s2=s2, xi=xi):
                    f = prob.factor(_variances(math.exp(x), lam2, c2), s2)
                    last["x"], last["f"] = x, f
                    return -0.5 * x - math.exp(-x) / xi + prob.log_marginal(f)

                x = _slice1(logf_T, math.log(T2), rng)
                T2 = math.exp(x)
                # 3. beta | everything, from the factor at the accepted T (the same matrix, factored once)
                f = last["f"] if last.get("x") == x else prob.factor(_variances(T2, lam2, c2), s2)
                last.clear()
                beta = prob.draw_beta(f, rng)
                beta2 = beta * beta
                log_inv_c2 = -math.log(c2)
                # 4. log lam_j^2 | beta_j, T, c (half-Cauchy lam_j: density of lam^2 in u = log lam^2 is
                # e^{u/2}/(1+e^u))
                logT2 = math.log(T2)

                def logf_lam(u, beta2=beta2, logT2=logT2, log_inv_c2=log_inv_c2):
                    return 0.5 * u - np.logaddexp(0.0, u) + _log_beta_prior(beta2, -u - logT2, log_inv_c2)

                lam2 = np.exp(_slice(logf_lam, np.log(lam2), rng))
                # 5. log c^2 | beta, T, lam (IG(nu/2, nu s^2/2) on c^2: in r = log c^2,
                # e^{-r nu/2} exp(-nu s^2 e^{-r}/2))
                log_a = -np.log(T2 * lam2)
                sb2 = float(beta2.sum())

                def logf_c(r, log_a=log_a, sb2=sb2):
                    return (-0.5 * nu * r - 0.5 * (nu * slab2 + sb2) * math.exp(-r)
                            + 0.5 * float(np.logaddexp(log_a, -r).sum()))  # fmt: skip

                c2 = math.exp(_slice1(logf_c, math.log(c2), rng))
                rss = prob.rss(beta)
                # 6. sigma^2 | beta, xi (the xi term: the half-Cauchy prior of T has scale tau0 sigma)
                if sig_fixed is None:
                    s2 = (b0 + 0.5 * rss + 1.0 / (hs2 * xi)) / rng.gamma(shape_s2)
                # 7. intercept | beta, sigma
                if it >= tune:
                    k = it - tune
                    sd = math.sqrt(s2)
                    out["beta"][k] = beta
                    out["sigma"][k] = sd
                    out["tau"][k] = math.sqrt(T2) / sd
                    out["lam_local"][k] = np.sqrt(lam2)
                    out["c"][k] = math.sqrt(c2)
                    out["rss"][k] = rss
                    if fit_intercept:
                        out["intercept"][k] = ybar - float(xbar @ beta) + sd / math.sqrt(n_obs) * rng.standard_normal()
        st.update(beta=beta, lam2=lam2, T2=T2, xi=xi, c2=c2, s2=s2)
        return st


def sample_rhs(
    X,
    y=None,
    prior=None,
    *,
    sigma="default",
    fit_intercept: bool = True,
    standardize: bool = False,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    random_seed=None,
    progressbar: bool = True,
    feature_names=None,
    log_likelihood: bool | None = None,
    posterior_predictive: bool = False,
    check: bool = True,
):
    r"""Sample the posterior of a linear model with a regularised horseshoe prior by Gibbs sampling.

    The model and the sweep are in the module docstring (:mod:`bayesreg.samplers.rhs`).

    Parameters
    ----------
    X : array_like of shape (n, p), pandas DataFrame, SufficientStats or ModelData
        Design matrix (or its statistics with ``y`` omitted; then ``p <= n`` is needed).
    y : array_like of shape (n,), optional
        Target.
    prior : RegularizedHorseshoe
        The prior; a ``p0`` is resolved here to the global scale ``p0 / ((p - p0) sqrt(n))``.
    sigma : float, "estimate", "default", "jeffreys", None or InverseGammaPrior, default "default"
        Noise scale, the vocabulary of :mod:`bayesreg.noise` (fixed, or an inverse-gamma /
        Jeffreys prior on :math:`\sigma^2`).
    fit_intercept : bool, default True
        Whether the model has an (unpenalised, flat-prior) intercept.
    standardize : bool, default False
        Put the prior on the coefficients of the standardised columns; ``beta`` is reported on
        the original scale.
    draws, tune, chains : int
        Kept draws per chain, discarded burn-in sweeps per chain, number of chains (run one after
        the other).
    random_seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        The same seed gives identical draws; chains get independent streams spawned from it.
    progressbar : bool, default True
        Show a progress bar (chains times sweeps, the Gibbs samplers' bar of
        :func:`bayesreg.samplers.sample_gibbs`) for runs longer than a second.
    feature_names : sequence of str, optional
        Names of the columns.
    log_likelihood : bool, optional
        Store the pointwise log-likelihood (default: when rows are given).
    posterior_predictive : bool, default False
        Also draw replicated ``y``.
    check : bool, default True
        Check R-hat and effective sample sizes (:func:`bayesreg.diagnostics.check_sampling`).

    Returns
    -------
    arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
        ``posterior``: ``beta`` [feature], ``intercept``, ``sigma`` (when sampled), ``tau``,
        ``lam_local`` [feature], ``c``; ``sample_stats``: ``rss``, ``diverging`` (always False).

    Raises
    ------
    TypeError, ValueError
        A prior that is not a RegularizedHorseshoe, ``p0 >= p``, a sigma prior other than fixed /
        inverse-gamma / Jeffreys, bad counts or data; all before any sampling.
    """
    _check_prior(prior)
    for value, name, lower in ((draws, "draws", 1), (tune, "tune", 0), (chains, "chains", 1)):
        check_count(value, name, lower)  # before the data are prepared
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize)
    noise = parse_sigma(sigma).resolve(data.y_var, data.X, data.y)
    return run_rhs(data, prior, noise, draws=draws, tune=tune, chains=chains, random_seed=random_seed,
                   progressbar=progressbar, log_likelihood=log_likelihood, posterior_predictive=posterior_predictive,
                   check=check)  # fmt: skip


def _check_prior(prior):
    if not isinstance(prior, RegularizedHorseshoe):
        raise TypeError(f"prior must be a RegularizedHorseshoe; got {type(prior).__name__} {prior!r}")


def run_rhs(data, prior, noise, *, draws: int = 1000, tune: int = 1000, chains: int = 2, random_seed=None,
            progressbar: bool = True, log_likelihood=None, posterior_predictive: bool = False,
            check: bool = True):  # fmt: skip
    r"""The sampler of :func:`sample_rhs` on a prepared model and a resolved noise model.

    Parameters
    ----------
    data : ModelData
        The prepared data (:func:`bayesreg.design.prepare_data`), used as it is.
    prior : RegularizedHorseshoe
        The prior (a ``p0`` is resolved here).
    noise : Noise
        The resolved noise model: fixed, inverse-gamma or Jeffreys on :math:`\sigma^2`.
    draws, tune, chains, random_seed, progressbar, log_likelihood, posterior_predictive, check
        As :func:`sample_rhs`.

    Returns
    -------
    arviz.InferenceData or xarray.DataTree
        As :func:`sample_rhs`.
    """
    _check_prior(prior)
    draws = check_count(draws, "draws", 1)
    tune = check_count(tune, "tune", 0)
    chains = check_count(chains, "chains", 1)
    seeds = chain_seeds(random_seed, chains)
    if not data.is_gaussian:
        raise ValueError(f"sample_rhs samples the Gaussian linear model; family={data.family.name!r} is not")
    prior = prior.resolve(data.n, data.p)
    # (mode, fixed value, a0, b0) lead the noise model's Gibbs settings
    settings = noise.gibbs_settings()
    mode, fixed, a0, b0 = settings[0], settings[1], settings[2], settings[3]
    if mode not in ("fixed", "invgamma"):
        raise ValueError(
            "sample_rhs supports sigma fixed or with an inverse-gamma / Jeffreys prior on sigma^2; "
            f"got sigma={noise.argument!r}"
        )
    stats, Xa, ya = data.stats, data.X, data.y
    have_rows = Xa is not None
    if log_likelihood is None:
        log_likelihood = "auto"  # (stored when small: bayesreg._posterior.resolve_log_likelihood)
    if not have_rows and (log_likelihood is True or posterior_predictive):
        raise ValueError("log_likelihood and posterior_predictive need the rows (X, y), not a SufficientStats")
    fit_intercept = data.fit_intercept
    n, p = data.n, data.p
    n_eff = n - 1 if fit_intercept else n
    use_rows = have_rows and p > n_eff
    if not have_rows and p > n_eff:
        raise ValueError(f"p = {p} > n{' - 1' if fit_intercept else ''} needs the rows (X, y), not a SufficientStats")
    if mode != "fixed" and n_eff + 2 * a0 + 1 <= 0:
        raise ValueError(f"sigma has a Jeffreys prior but there are no observations to inform it (n = {n})")

    scale = data.x_scale
    xtx, xty, yty = stats.gram(fit_intercept)
    xbar = np.asarray(stats.x_mean, dtype=np.float64) if fit_intercept else np.zeros(p)
    if data.standardize:
        xtx = xtx / np.outer(scale, scale)
        xty = xty / scale
        xbar = xbar / scale
    xtx, xty = np.array(xtx, dtype=np.float64), np.array(xty, dtype=np.float64)
    Xs = ys = None
    if use_rows:
        Xs = Xa - stats.x_mean if fit_intercept else np.array(Xa, dtype=np.float64)
        ys = ya - stats.y_mean if fit_intercept else np.array(ya, dtype=np.float64)
        if data.standardize:
            Xs = Xs / scale
    prob = _Problem(xtx, xty, float(yty), Xs, ys, float(n_eff), use_rows)
    ybar = float(stats.y_mean) if fit_intercept else 0.0
    sig = (float(fixed) if mode == "fixed" else None, float(a0), float(b0))
    var_y = max(float(yty) / max(n_eff, 1), 1e-300)
    kernel = _Kernel(prob, prior, sig, var_y, tune, xbar, ybar, n, fit_intercept)
    total = tune + draws
    # the chains one after the other (their BLAS calls multi-threaded), the bar moved every 1 % of a chain
    out, elapsed = run_chains(kernel, chains=chains, draws=draws, tune=tune, seeds=seeds, progressbar=progressbar,
                              threads=False, block=max(1, total // 100))  # fmt: skip

    if data.standardize:
        out["beta"] /= scale
    attrs = {
        "sampler": "gibbs", "prior": "RegularizedHorseshoe",
        "beta_draw": "bhattacharya-chakraborty-mallick" if use_rows else "rue-cholesky", "kernels": "numpy",
        "sampling_time": elapsed, "tuning_steps": tune, "inference_library": "bayesreg",
    }  # fmt: skip
    posterior = {"beta": out["beta"], "tau": out["tau"], "lam_local": out["lam_local"], "c": out["c"]}
    if fit_intercept:
        posterior["intercept"] = out["intercept"]
    if mode != "fixed":
        posterior["sigma"] = out["sigma"]
    sample_stats = {"rss": out["rss"], "diverging": np.zeros((chains, draws), dtype=bool)}
    idata = build_posterior(
        posterior, feature_names=data.feature_names, X=Xa, y=ya, fit_intercept=fit_intercept,
        sigma=float(fixed) if mode == "fixed" else None, sample_stats=sample_stats, log_likelihood=log_likelihood,
        posterior_predictive=posterior_predictive, rng=np.random.default_rng(seeds[-1]), attrs=attrs, check=check,
    )  # fmt: skip
    idata.sample_stats.attrs.update(attrs)
    return idata
