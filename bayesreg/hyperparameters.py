r"""Choosing the prior scale from the data (empirical Bayes, or a hyperprior).

**Gaussian prior** :math:`\beta_j \sim N(0, \tau^2)`: type-II maximum likelihood. The evidence
:math:`p(y \mid \tau, \sigma)` is in closed form (:func:`bayesreg.log_marginal_likelihood`); it is
maximised over :math:`\log\tau` (``sigma`` fixed: the best point of a wide log-grid, polished by
Brent's method; the evidence is evaluated in the singular basis of the centred design, the SVD of
the rows or the Gram's eigendecomposition, so it stays exact as ``sigma -> 0`` on ``p > n`` data)
or jointly over :math:`(\tau, \sigma)` (``sigma=None``: the overall scale is
profiled out in closed form, :math:`\sigma^2 = Q(g)/n'` at the ratio :math:`g = \tau^2/\sigma^2`,
and :math:`\log g` is searched on a fine grid spanning every eigenvalue of the Gram matrix, then
polished on the root of the profile's slope; deterministic, and a shallow interior maximum
cannot be missed). This is what scikit-learn's ``BayesianRidge`` does by MacKay's
fixed-point updates, with its precisions ``lambda_ = 1/tau^2`` and ``alpha_ = 1/sigma^2``
(``BayesianRidge`` also puts Gamma(1e-6, 1e-6) hyperpriors on them, and with an intercept it
counts ``n`` rather than ``n - 1`` residual degrees of freedom; here the intercept is integrated
out, so ``n - 1``).

**Laplace prior** (Park-Casella form :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`;
with ``sigma`` fixed this is :class:`~bayesreg.Laplace` with ``b = sigma / lambda``):

- ``method="mcem"``: Monte Carlo EM of Park and Casella (2008, section 3.1). With the latent
  :math:`\tau_j^2 \sim \mathrm{Exp}(\lambda^2/2)` of the normal scale mixture, the M-step is
  :math:`\lambda^{(k+1)} = \sqrt{2p / \sum_j \mathrm{E}_{\lambda^{(k)}}[\tau_j^2 \mid y]}`, the
  expectations taken from a Gibbs run at :math:`\lambda^{(k)}`. They are Rao-Blackwellised: given
  :math:`\beta_j, \sigma` the latent :math:`\tau_j^2` is GIG(1/2, :math:`\lambda^2`,
  :math:`\beta_j^2/\sigma^2`), whose mean is :math:`|\beta_j|/(\sigma\lambda) + 1/\lambda^2`, so
  :math:`\mathrm{E}[\tau_j^2 \mid y] = \mathrm{E}[|\beta_j|/\sigma \mid y]/\lambda + 1/\lambda^2`
  (less Monte Carlo noise than averaging the sampled :math:`\tau_j^2`). The fixed point solves
  :math:`\lambda = p / \mathrm{E}_\lambda[\sum_j |\beta_j|/\sigma \mid y]`, which is also where the
  score :math:`\partial_\lambda \log p(y \mid \lambda) = p/\lambda - \mathrm{E}[\sum_j|\beta_j|/\sigma]`
  (Fisher's identity) vanishes: the marginal-likelihood estimate of :math:`\lambda`.
  ``update="direct"`` iterates that fixed-point form instead (EM with :math:`\beta` as the
  missing data), and ``update="newton"`` takes Newton steps on the score with Louis' observed
  information :math:`p/\lambda^2 - \mathrm{Var}[\sum_j|\beta_j|/\sigma \mid y]`: same fixed point,
  faster convergence.
- ``method="hyperprior"``: a Gamma(r, delta) prior on :math:`\lambda^2` (``lam2_prior``), sampled
  with the other parameters by the Gibbs sampler; the estimate is the posterior mean of
  :math:`\lambda`, reported with its HDI and the draws.

**Per-coefficient scales** (``Gaussian([tau_j])`` or ``Laplace([b_j])``, ``inf`` = unpenalised):
the relative factors :math:`c_j` of :meth:`bayesreg.priors.Prior.split` are held fixed and only
the common scale is chosen. The model is written with that one common scale by
:func:`bayesreg.design.reweight` (columns :math:`m_j x_j`, unpenalised columns profiled out), and
the methods above run on that working model unchanged: its evidence as a function of the common
scale is the full model's (:func:`bayesreg.log_marginal_likelihood`), and its Park-Casella
:math:`\lambda` gives the full model's :math:`b_j = c_j\,\sigma/\lambda`. The result's prior has the
scales ``scale * factors``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import optimize

from ._validation import check_choice, check_positive, check_scalar
from ._warnings import warn
from .conjugate import _Evidence, _flat_log_offset, _gram, _working
from .design import reweight
from .exceptions import ConvergenceWarning, NoSignalWarning, SamplingWarning
from .mapping import park_casella_alpha, ridge_alpha
from .noise import parse_sigma
from .priors import SCALE_RANGE, GammaPrior, Gaussian, Laplace, ParkCasella

__all__ = ["PriorScaleResult", "choose_prior_scale", "default_method"]

_FAMILIES = {
    "gaussian": "gaussian",
    "normal": "gaussian",
    "ridge": "gaussian",
    "laplace": "laplace",
    "lasso": "laplace",
    "park_casella": "laplace",
    "park-casella": "laplace",
    "parkcasella": "laplace",
}
_METHODS = {
    "gaussian": ("auto", "marginal_likelihood", "evidence"),
    "laplace": ("auto", "mcem", "hyperprior"),
}


@dataclass(frozen=True, eq=False)
class PriorScaleResult:
    """The prior scale chosen from the data.

    Attributes
    ----------
    prior : Gaussian, Laplace or ParkCasella
        The prior at the chosen scale: ``Gaussian(tau)``; ``Laplace(b = sigma / lam)`` when
        ``sigma`` was fixed; ``ParkCasella(lam)`` when ``sigma`` was sampled.
    family : str
        ``"gaussian"`` or ``"laplace"``.
    method : str
        ``"marginal_likelihood"``, ``"mcem"`` or ``"hyperprior"``.
    scale : float
        ``tau`` for the Gaussian prior; the Laplace scale ``b = sigma / lam`` for the Laplace
        prior (with ``sigma`` the fixed value, or the posterior mean when sampled).
    lam : float or None
        Park-Casella ``lambda`` (Laplace family only).
    sigma : float
        The noise sd: the fixed value, the type-II ML estimate (Gaussian, ``sigma=None``), or
        the posterior mean at the chosen ``lambda`` (Laplace, ``sigma`` sampled).
    sigma_fixed : bool
        Whether ``sigma`` was given.
    alpha : float
        scikit-learn ``alpha`` of the MAP at this scale and ``sigma``: ``Ridge`` alpha
        ``sigma^2 / tau^2``, or ``Lasso`` alpha ``sigma lam / n``.
    log_marginal_likelihood : float or None
        The maximised evidence (Gaussian family; the improper-intercept convention of
        :func:`bayesreg.log_marginal_likelihood`).
    converged : bool
    n_iter : int
        Optimiser iterations, or MCEM iterations.
    mc_se : float or None
        Monte Carlo standard error of ``lam`` (MCEM: spread of the averaged iterates;
        hyperprior: of the posterior mean).
    history : pandas.DataFrame or None
        MCEM iterations: ``lam``, ``e_abs_beta_over_sigma`` (``E[sum|beta_j|/sigma]``),
        ``e_tau2`` (``sum E[tau_j^2]``), ``draws``.
    idata : arviz.InferenceData or None
        The posterior draws with the hyperprior (``method="hyperprior"``).
    hdi : tuple of float or None
        HDI of ``lam`` at ``hdi_prob`` (hyperprior).
    factors : tuple of float or None
        With per-coefficient scales: the relative factors ``c_j`` (``inf``: unpenalised), held
        fixed while the common scale ``scale`` was chosen; ``prior`` has the scales
        ``scale * c_j``, and ``alpha`` is the common scale's (on the columns ``c_j x_j``). None
        for one common scale.
    """

    prior: object
    family: str
    method: str
    scale: float
    sigma: float
    sigma_fixed: bool
    alpha: float
    n_samples: int
    lam: float | None = None
    log_marginal_likelihood: float | None = None
    converged: bool = True
    n_iter: int = 0
    mc_se: float | None = None
    history: object = field(default=None, repr=False)
    idata: object = field(default=None, repr=False)
    hdi: tuple | None = None
    factors: tuple | None = None

    @property
    def factors_fixed(self) -> bool:
        """Whether per-coefficient relative factors were held fixed (only the common scale was chosen)."""
        return self.factors is not None

    def prior_as(self, prior_class: type):
        """The chosen scale as a prior of ``prior_class`` (the class the user tuned), at a fixed scale.

        ``Laplace(b)`` for :class:`~bayesreg.Laplace` (also when sigma was sampled, where
        :attr:`prior` is ``ParkCasella(lam)``), ``ParkCasella(lam)`` for
        :class:`~bayesreg.ParkCasella`; :attr:`prior` otherwise (the Gaussian prior, and
        per-coefficient scales).

        Parameters
        ----------
        prior_class : type
            A :class:`~bayesreg.priors.Prior` subclass.

        Returns
        -------
        Prior
        """
        if self.factors is not None:
            return self.prior
        if issubclass(prior_class, ParkCasella):
            return ParkCasella(float(self.lam)) if self.lam is not None else self.prior
        if issubclass(prior_class, Laplace):
            return Laplace(float(self.scale))
        return self.prior

    def __repr__(self) -> str:
        if self.family == "gaussian":
            what = f"tau={self.scale:.6g}"
        else:
            what = f"lam={self.lam:.6g}, b={self.scale:.6g}"
        extra = f", mc_se={self.mc_se:.3g}" if self.mc_se is not None else ""
        if self.factors is not None:
            extra += f", common scale of {len(self.factors)} per-coefficient scales (relative factors held fixed)"
        return (
            f"PriorScaleResult({self.method}: {what}, sigma={self.sigma:.6g}"
            f"{' (fixed)' if self.sigma_fixed else ''}, sklearn alpha={self.alpha:.6g}{extra}, "
            f"converged={self.converged})"
        )


def _family(prior_family) -> tuple[str, object]:
    """``(family, prior instance or None)`` from a string, a prior class or a prior instance."""
    if isinstance(prior_family, str):
        key = prior_family.lower()
        if key not in _FAMILIES:
            raise ValueError(
                f"prior_family must be 'gaussian' or 'laplace' (or a Gaussian, Laplace, ParkCasella "
                f"prior or class); got {prior_family!r}"
            )
        return _FAMILIES[key], None
    if isinstance(prior_family, type):
        if issubclass(prior_family, Gaussian):
            return "gaussian", None
        if issubclass(prior_family, Laplace | ParkCasella):
            return "laplace", None
    if isinstance(prior_family, Gaussian):
        return "gaussian", prior_family
    if isinstance(prior_family, Laplace | ParkCasella):
        return "laplace", prior_family
    raise TypeError(
        "prior_family must be 'gaussian', 'laplace', or a Gaussian, Laplace or ParkCasella prior (or class); "
        f"got {type(prior_family).__name__}"
    )


def default_method(prior_family) -> str:
    """The method ``choose_prior_scale(prior_family, method="auto")`` runs.

    ``"marginal_likelihood"`` (closed-form evidence) for the Gaussian prior, ``"mcem"`` (Monte
    Carlo EM) for the Laplace and Park-Casella priors.

    Parameters
    ----------
    prior_family : str, prior class or prior instance
        As for :func:`choose_prior_scale`.

    Returns
    -------
    str
    """
    return _METHODS[_family(prior_family)[0]][1]


def choose_prior_scale(
    X,
    y=None,
    prior_family="gaussian",
    *,
    sigma=None,
    method: str = "auto",
    fit_intercept: bool = True,
    update: str = "park_casella",
    lam_init: float | None = None,
    lam2_prior: GammaPrior | None = None,
    draws: int = 2000,
    tune: int = 200,
    max_iter: int = 100,
    tol: float = 2e-3,
    n_average: int = 10,
    chains: int = 2,
    random_seed=None,
    progressbar: bool = True,
    hdi_prob: float = 0.94,
) -> PriorScaleResult:
    r"""Choose the prior scale by empirical Bayes (or a hyperprior) from the data.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas.DataFrame or SufficientStats
        Design matrix, or its sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    prior_family : {"gaussian", "laplace"}, or a Gaussian, Laplace or ParkCasella prior or class
        The prior family. An instance gives the starting value (``tau``, ``b`` or ``lam``). An
        instance with per-coefficient scales (``Gaussian([tau_j])``, ``Laplace([b_j])``, ``inf`` =
        unpenalised) gives the relative factors, which are held fixed while the common scale is
        chosen (module docstring); its scale is not a starting value (``lam_init`` sets one).
    sigma : float, "estimate", None, "jeffreys", "default" or InverseGammaPrior
        The vocabulary of :mod:`bayesreg.noise`. A positive number fixes the noise sd, and so does
        ``"estimate"`` (a plug-in value from the rows). ``None`` (= ``"jeffreys"``) leaves it
        unknown: estimated jointly with ``tau`` by type-II ML (Gaussian family, where
        ``"default"`` and inverse-gamma priors do not apply), or sampled by the Gibbs sampler
        (Laplace: Jeffreys ``p(sigma) ∝ 1/sigma``, which is Park and Casella's ``1/sigma^2``
        prior on ``sigma^2``; ``"default"`` is :func:`bayesreg.noise.default_sigma_prior`; or an
        inverse-gamma prior on ``sigma^2``).
    method : {"auto", "marginal_likelihood", "mcem", "hyperprior"}, default="auto"
        Gaussian: ``"marginal_likelihood"`` (closed form). Laplace: ``"mcem"`` (default) or
        ``"hyperprior"``.
    fit_intercept : bool, default=True
        Intercept with a flat prior (integrated out).
    update : {"park_casella", "direct", "newton"}, default="park_casella"
        MCEM M-step: Park and Casella's ``lam^2 = 2p / sum E[tau_j^2]``; the direct fixed
        point ``lam = p / E[sum |beta_j| / sigma]``; or a Newton step on the marginal likelihood
        with Louis' information ``p / lam^2 - Var[sum |beta_j| / sigma]``. All three share the
        fixed point; their linear rates are ``3/4 + r/4``, ``r`` and 0, with
        ``r = lam^2 Var[sum|beta_j|/sigma] / p`` in [0, 1).
    lam_init : float, optional
        MCEM starting value (default: the prior instance's ``lam``, else Park and Casella's
        ``p sigma_hat / sum |beta_hat_j|`` from least squares, or a light ridge when p >= n).
    lam2_prior : GammaPrior, optional
        Hyperprior on ``lam^2`` for ``method="hyperprior"`` (default: Gamma(1, 1/lam_init^2), a
        broad prior with mean ``lam_init^2``); a ParkCasella instance's ``lam2_prior`` is used
        when given.
    draws, tune : int
        Gibbs draws and burn-in per MCEM iteration (and per chain for the hyperprior).
    max_iter : int, default=100
        Maximum MCEM iterations before averaging.
    tol : float, default=2e-3
        MCEM stops iterating when a step changes ``lam`` by less than ``tol`` relative (or by
        less than twice its Monte Carlo error), then averages ``n_average`` more iterates.
    n_average : int, default=10
        MCEM iterates averaged into the estimate (their spread gives ``mc_se``).
    chains : int, default=2
        Chains for ``method="hyperprior"``.
    random_seed : int or numpy SeedSequence, optional
        Seed of the Gibbs runs.
    progressbar : bool, default=True
        Show progress once a step has lasted a second: MCEM, one line with the round and the
        current ``lam``; the hyperprior, the Gibbs sampler's bar.
    hdi_prob : float, default=0.94
        Probability of the HDI of ``lam`` reported with ``method="hyperprior"``.

    Returns
    -------
    PriorScaleResult
    """
    hdi_prob = check_scalar(hdi_prob, "hdi_prob", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    family, start = _family(prior_family)
    methods = _METHODS[family]
    check_choice(method, "method", methods)
    if method == "auto":
        method = default_method(family)
    if method == "evidence":
        method = "marginal_likelihood"
    sigma_spec = parse_sigma(sigma)
    if family == "gaussian":
        if sigma_spec.word in ("default", "invgamma", "sigma_prior", "flat"):
            raise ValueError(
                "for the Gaussian family sigma is a positive number or 'estimate' (fixed), or None / 'jeffreys' "
                f"(estimated jointly with tau by type-II maximum likelihood); got {sigma!r}"
            )
        g = _gram(X, y, fit_intercept)
        noise = sigma_spec.resolve(None, g.X, g.y) if sigma_spec.word != "jeffreys" else None
        if start is None or not start.per_coefficient:
            return _gaussian_evidence(g, None if noise is None else noise.value, start)
        # the factors fixed: the common scale's evidence is the working model's (plus a constant)
        _, rw = _working(g, start)
        res = _gaussian_evidence(rw.working, None if noise is None else noise.value, None)
        factors = start.split()[1]
        return replace(res, prior=Gaussian(_times(res.scale, factors)), n_samples=g.n, factors=_tuple(factors),
                       log_marginal_likelihood=res.log_marginal_likelihood + _flat_log_offset(rw))  # fmt: skip
    if method == "hyperprior" and start is not None and start.per_coefficient:
        raise ValueError(
            "method='hyperprior' with per-coefficient scales: the Park-Casella hyperprior has one common scale "
            "and no per-coefficient form; use method='mcem' (the common scale chosen with the relative factors "
            "fixed), or sample the hierarchical model with Gaussian(scales, tau2_prior=...)"
        )
    check_choice(update, "update", ("park_casella", "direct", "newton"))
    draws = check_scalar(draws, "draws", lower=1, integer=True)
    tune = check_scalar(tune, "tune", lower=0, integer=True)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    n_average = check_scalar(n_average, "n_average", lower=1, integer=True)
    chains = check_scalar(chains, "chains", lower=1, integer=True)
    tol = check_positive(tol, "tol")
    if lam_init is not None:
        lam_init = check_positive(lam_init, "lam_init")
    if lam2_prior is not None and not isinstance(lam2_prior, GammaPrior):
        raise TypeError(f"lam2_prior must be a GammaPrior or None; got {type(lam2_prior).__name__}")
    g = _gram(X, y, fit_intercept)
    noise = sigma_spec.resolve(g.yy / max(g.n - 1, 1), g.X, g.y)
    sigma_fixed = noise.fixed
    sigma = noise.argument
    factors = None
    if start is not None and start.per_coefficient:
        # the factors fixed: EM on the common-scale working model (its lambda is the full model's);
        # the vector gives no starting value
        start.check_size(g.p)
        factors = start.split()[1]
        g, start = reweight(g, factors).working, None
    if lam_init is None:
        lam_init = _start_lam(start, g, sigma if sigma_fixed else None)
    from .sampling import GibbsSampler

    ss = random_seed if isinstance(random_seed, np.random.SeedSequence) else np.random.SeedSequence(random_seed)
    gibbs = GibbsSampler(tune=tune)

    def sample(prior, n_chains, seed, bar=progressbar):
        # the one run contract of the sampler objects, on the design prepared above
        return gibbs.run(g, prior, noise, draws=draws, chains=n_chains, random_seed=seed, progressbar=bar,
                         log_likelihood=False)  # fmt: skip

    if method == "mcem":
        res = _mcem(sample, g, sigma, sigma_fixed, lam_init, update, draws, max_iter, tol, n_average, ss,
                    progressbar=progressbar)  # fmt: skip
        if factors is None:
            return res
        # Laplace(b c_j) at b = sigma / lam (sigma's posterior mean when sampled: the Park-Casella form,
        # Laplace(sigma c_j / lam), has no per-coefficient version)
        return replace(res, prior=Laplace(_times(res.scale, factors)), factors=_tuple(factors))
    if lam2_prior is None:
        lam2_prior = getattr(start, "lam2_prior", None) or GammaPrior(1.0, 1.0 / lam_init**2)
    return _hyperprior(sample, g, sigma, sigma_fixed, lam_init, lam2_prior, draws, chains, ss, hdi_prob)


def _times(scale: float, factors) -> tuple:
    """The per-coefficient scales ``scale * factors`` (``inf`` stays ``inf``)."""
    return tuple(float(scale * c) for c in np.asarray(factors, dtype=np.float64))


def _tuple(factors) -> tuple:
    return tuple(float(c) for c in np.asarray(factors, dtype=np.float64))


# --------------------------------------------------------------------------------------------
# Gaussian: type-II maximum likelihood
# --------------------------------------------------------------------------------------------


def _gaussian_evidence(g, sigma, start) -> PriorScaleResult:
    ev = _Evidence(g)
    if g.yy <= 0.0:
        raise ValueError("y is constant (after removing the intercept): there is nothing to fit")
    s0 = g.yy / max(g.n_eff, 1)  # variance of y: the natural scale of sigma^2
    if ev.k == 0:
        raise ValueError("X has no variation (every column is constant after centring): there is nothing to fit")
    span = 12.0 * np.log(10.0)  # 12 decades each side of the scale where the data speak
    if sigma is not None:
        emean = float(np.sum(ev.e)) / g.p
        lt0 = np.log(s0 / emean)  # tau^2 at which the prior explains var(y) through an average column
        lt_lo, lt_hi = lt0 - span, lt0 + span
        ls = np.log(sigma**2)
        grid = np.linspace(lt_lo, lt_hi, 481)
        vals = np.array([ev.neg_log_ml(t, ls) for t in grid])
        i = int(np.argmin(vals))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        res = optimize.minimize_scalar(
            lambda t: ev.neg_log_ml(t, ls), bounds=(lo, hi), method="bounded", options={"xatol": 1e-10}
        )
        lt, n_iter, conv = float(res.x), int(res.nfev), bool(res.success)
        tau_to_zero = i == 0 and lt <= lt_lo + 1.0
        s2 = sigma**2
    else:
        # sigma free: profile the overall scale out in closed form (_Evidence.profile) and search
        # the one remaining direction, log g with g = tau^2 / sigma^2, on a fine grid that spans
        # every eigenvalue's transition (g e_i from 1e-12 to 1e12), then polish the best grid
        # point's bracket. The profile is a sum of terms that each vary on a scale of one unit of
        # log g, so a grid step of 0.05 cannot step over an interior maximum, however shallow,
        # and nothing depends on an optimiser's path.
        lg_lo = -np.log(ev.e[-1]) - span
        lg_hi = -np.log(ev.e[0]) + span
        grid = np.arange(lg_lo, lg_hi + 0.05, 0.05)
        vals, _ = ev.profile(grid)
        i = int(np.argmin(vals))
        lg, n_iter, conv = float(grid[i]), 0, True
        if 0 < i < grid.size - 1:
            lo, hi = grid[i - 1], grid[i + 1]
            if ev.profile_slope(lo) < 0.0 < ev.profile_slope(hi):
                # polish on the slope's sign change: its root is located to rounding
                lg, info = optimize.brentq(ev.profile_slope, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps,
                                           full_output=True)
                n_iter, conv = int(info.function_calls), bool(info.converged)
            # else: flat to rounding across the bracket, and the best grid point is as good as any
        ls = float(ev.profile(lg)[1][0])
        lt = lg + ls
        s2 = float(np.exp(ls))
        if i == grid.size - 1:
            warn(
                "the marginal likelihood increases as sigma -> 0: the design fits y (almost) exactly "
                f"(n = {g.n}, p = {g.p}), so sigma is not identified; fix sigma instead",
                ConvergenceWarning,
            )
            conv = False
        tau_to_zero = i == 0
    tau = float(np.exp(0.5 * lt))
    if tau_to_zero:
        warn(
            "the marginal likelihood increases as tau -> 0: the data show no linear signal, and "
            f"the returned tau = {tau:.3g} is the edge of the search range",
            NoSignalWarning,
        )
        conv = False
    s = float(np.sqrt(s2))
    lo, hi = SCALE_RANGE
    for name, v in (("tau", tau), ("sigma", s)):
        if not lo <= v <= hi:
            raise ValueError(
                f"the type-II maximum-likelihood {name} = {v:.3g} is outside the usable range [{lo:g}, {hi:g}] "
                "of a scale (it is squared); measure y (and X) in units that bring it nearer 1"
            )
    return PriorScaleResult(
        prior=Gaussian(tau),
        family="gaussian",
        method="marginal_likelihood",
        scale=tau,
        sigma=s,
        sigma_fixed=sigma is not None,
        alpha=ridge_alpha(tau, sigma=s),
        n_samples=g.n,
        log_marginal_likelihood=-ev.neg_log_ml(lt, float(np.log(s2))),
        converged=conv,
        n_iter=n_iter,
    )


# --------------------------------------------------------------------------------------------
# Laplace: Monte Carlo EM and hyperprior
# --------------------------------------------------------------------------------------------


def _start_lam(start, g, sigma) -> float:
    if isinstance(start, ParkCasella):
        return start.lam
    if isinstance(start, Laplace) and sigma is not None:
        return sigma / start.scale
    # Park and Casella (2008): lam0 = p sigma_LS / sum |beta_LS|; a light ridge keeps it defined for p >= n
    p = g.p
    ridge = 1e-6 * max(float(np.trace(g.G)) / p, 1e-300)
    M = g.G + ridge * np.eye(p)
    beta = np.linalg.solve(M, g.q)
    if sigma is None:
        rss = max(g.yy - float(beta @ g.q), 1e-12 * g.yy)
        df = g.n_eff - p
        sigma = np.sqrt(rss / df) if df > 0 else np.sqrt(g.yy / max(g.n_eff, 1))
    s1 = float(np.sum(np.abs(beta)))
    return float(p * sigma / s1) if s1 > 0 else 1.0


def _abs_over_sigma(idata, sigma_fixed: float | None):
    """Per-draw ``|beta_j| / sigma``, shape (draws_total, p)."""
    beta = idata.posterior["beta"].values
    p = beta.shape[-1]
    beta = beta.reshape(-1, p)
    if "sigma" in idata.posterior:
        s = idata.posterior["sigma"].values.reshape(-1)
    else:
        s = np.full(beta.shape[0], float(sigma_fixed))
    return np.abs(beta) / s[:, None], s


def _mcem(sample, g, sigma, sigma_fixed, lam, update, draws, max_iter, tol, n_average, ss, progressbar=True):
    import pandas as pd

    from ._progress import Progress

    # one line for the whole EM (rounds, current lambda), not a sampler's bar per round
    bar = Progress("MCEM", max_iter + n_average, progressbar, unit="rounds")
    try:
        return _mcem_rounds(sample, g, sigma, sigma_fixed, lam, update, draws, max_iter, tol, n_average, ss, bar, pd)
    finally:
        bar.close()


def _mcem_rounds(sample, g, sigma, sigma_fixed, lam, update, draws, max_iter, tol, n_average, ss, bar, pd):
    p = g.p
    rows = []
    converged = False
    averaged: list[float] = []
    ses: list[float] = []
    rates: list[float] = []
    sigmas: list[float] = []
    k = 0
    while True:
        # the E-step's Monte Carlo error is measured (batch means) and carried into mc_se, so the
        # per-run sampling diagnostics of these inner runs are recorded, not raised
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            idata = sample(ParkCasella(lam), 1, ss.spawn(1)[0], False)
        flagged = 0
        for w in caught:
            if issubclass(w.category, SamplingWarning):
                flagged += 1
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        a, s = _abs_over_sigma(idata, sigma if sigma_fixed else None)
        T = a.sum(axis=1)  # sum_j |beta_j| / sigma, per draw
        S, V = float(T.mean()), float(T.var(ddof=1))
        se_S = _batch_se(T)
        # r = lam^2 Var(T) / p in [0, 1) at an interior maximum: the observed information is
        # p / lam^2 - Var(T) (Louis), and the linear rates of the maps below follow from
        # dE[T]/dlam = -Var(T): Park-Casella 3/4 + r/4, direct r, Newton 0.
        r = min(lam**2 * V / p, 0.99)
        e_tau2 = S / lam + p / lam**2  # Rao-Blackwellised sum_j E[tau_j^2 | y]
        if update == "park_casella":
            new = float(np.sqrt(2.0 * p / e_tau2))
            se_new = new * 0.5 * (se_S / lam) / e_tau2  # delta method
            rate = 0.75 + 0.25 * r
        elif update == "direct" or lam**2 * V >= p:  # Newton needs positive information
            new = p / S
            se_new = new * se_S / S
            rate = r
        else:
            info = p / lam**2 - V
            new = lam + (p / lam - S) / info
            se_new = se_S / info
            rate = 0.0
        new = float(np.clip(new, lam / 10.0, lam * 10.0))
        rows.append(
            {"lam": lam, "e_abs_beta_over_sigma": S, "var_abs_beta_over_sigma": V, "e_tau2": e_tau2,
             "lam_next": new, "mc_se_next": se_new, "rate": rate, "draws": draws, "sampling_warnings": flagged}
        )  # fmt: skip
        k += 1
        stage = f"averaging {len(averaged) + 1}/{n_average}" if converged else f"round {k}"
        bar.update(k, f"MCEM {stage}: lam = {new:.4g} (Laplace scale b = sigma/lam)")
        if converged:
            # lam_next - lam* = rate (lam - lam*) + noise, so (lam_next - rate lam) / (1 - rate)
            # estimates lam* without the lag of iterates still drifting towards it
            averaged.append((new - rate * lam) / (1.0 - rate))
            ses.append(se_new)
            rates.append(rate)
            sigmas.append(float(s.mean()))
            if len(averaged) >= n_average:
                lam = new
                break
        # the distance to the fixed point is about |step| / (1 - rate); stop when it is below
        # tol, or below twice the Monte Carlo error of one step
        elif abs(new - lam) <= (1.0 - rate) * max(tol * lam, 2.0 * se_new):
            converged = True
        lam = new
        if not converged and k >= max_iter:
            break
    history = pd.DataFrame(rows)
    if converged:
        lam_hat = float(np.mean(averaged))
        # each extrapolated value has noise se / (1 - rate); m of them (independent runs) average
        # to a standard error of about se / ((1 - rate) sqrt(m))
        mc_se = float(np.mean(ses) / ((1.0 - np.mean(rates)) * np.sqrt(len(averaged))))
        sig = float(sigma) if sigma_fixed else float(np.mean(sigmas))
    else:
        last = rows[-1]
        warn(
            f"MCEM did not settle within max_iter={max_iter} iterations (last relative step "
            f"{abs(last['lam_next'] - last['lam']) / last['lam']:.2g}); increase max_iter or draws, "
            "or use update='newton'",
            ConvergenceWarning,
        )
        lam_hat, mc_se = lam, None
        sig = float(sigma) if sigma_fixed else float(s.mean())
    return _laplace_result("mcem", lam_hat, sig, sigma_fixed, g.n, converged, k, mc_se, history=history)


def _batch_se(x: np.ndarray, n_batches: int = 20) -> float:
    """Monte Carlo standard error of the mean of an autocorrelated series by batch means."""
    m = x.size // n_batches
    if m < 2:
        return float(np.std(x, ddof=1) / np.sqrt(max(x.size, 1))) if x.size > 1 else 0.0
    means = x[: m * n_batches].reshape(n_batches, m).mean(axis=1)
    return float(np.std(means, ddof=1) / np.sqrt(n_batches))


def _hyperprior(sample, g, sigma, sigma_fixed, lam, lam2_prior, draws, chains, ss, hdi_prob=0.94):
    from ._posterior import hdi_from_draws
    from ._upstream import ess, group_dataset

    idata = sample(ParkCasella(lam, lam2_prior=lam2_prior), chains, ss)
    lam_draws = idata.posterior["lam"].values
    lam_hat = float(lam_draws.mean())
    n_eff = float(ess(group_dataset(idata)[["lam"]], method="bulk")["lam"].values)
    mc_se = float(lam_draws.std(ddof=1) / np.sqrt(max(n_eff, 1.0)))
    h = hdi_from_draws(lam_draws.reshape(-1, 1), hdi_prob)[0]
    hdi = (float(h[0]), float(h[1]))
    sig = float(sigma) if sigma_fixed else float(idata.posterior["sigma"].values.mean())
    return _laplace_result(
        "hyperprior", lam_hat, sig, sigma_fixed, g.n, True, draws, mc_se, idata=idata, hdi=hdi
    )


def _laplace_result(method, lam, sigma, sigma_fixed, n, converged, n_iter, mc_se, **extra) -> PriorScaleResult:
    b = sigma / lam
    prior = Laplace(b) if sigma_fixed else ParkCasella(lam)
    return PriorScaleResult(
        prior=prior,
        family="laplace",
        method=method,
        scale=b,
        lam=lam,
        sigma=sigma,
        sigma_fixed=sigma_fixed,
        alpha=park_casella_alpha(lam, sigma=sigma, n_samples=n),
        n_samples=n,
        converged=converged,
        n_iter=n_iter,
        mc_se=mc_se,
        **extra,
    )
