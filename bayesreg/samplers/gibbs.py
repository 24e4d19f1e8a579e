"""The linear model's Gibbs sampler on sufficient statistics: validation, its kernel, the posterior container.

The numerical work is in :mod:`bayesreg.samplers._kernels` (and its NumPy port for small
problems); this module checks the input, forms the sufficient statistics once, and hands a
kernel (:class:`_Kernel`: ``init``/``step``) to the one Gibbs driver
(:func:`bayesreg.samplers.driver.run_chains`), which runs the chains in threads (the kernels
release the GIL), seeds them and collects the draws; the draws go to the one posterior builder
(:mod:`bayesreg._posterior`), so the output has the same variables, dims and groups as the NUTS
path. What it needs to know about the prior comes from
:meth:`bayesreg.priors.Prior.gibbs_settings`, and about sigma from the noise model
(:meth:`bayesreg.noise.Noise.gibbs_settings`).
"""

from __future__ import annotations

import math

import numpy as np

from .._posterior import build_posterior
from .._threads import chain_workers
from ..design import prepare_data
from ..intercept import parse_intercept_prior
from ..noise import Noise, interpolation_obstacle, parse_sigma
from ..priors import Prior
from ..solvers import _route
from . import _kernels as K
from .driver import chain_seeds, check_count, run_chains

__all__ = ["sample_gibbs", "run_gibbs", "gibbs_supports", "GIBBS_PRIORS"]

#: Prior classes with a Gibbs sampler (those whose gibbs_settings() is not None).
GIBBS_PRIORS = tuple(cls for cls in Prior.registered() if cls().gibbs_settings() is not None)

_KIND = {"gaussian": K.GAUSSIAN, "park_casella": K.PARK_CASELLA, "laplace": K.LAPLACE, "horseshoe": K.HORSESHOE}


def _gibbs_names() -> str:
    return ", ".join(c.__name__ for c in GIBBS_PRIORS)


_SIGMA_MODE = {"fixed": K.SIGMA_FIXED, "invgamma": K.SIGMA_INVGAMMA, "halft": K.SIGMA_HALFT, "slice": K.SIGMA_SLICE}


def _sigma_settings(noise):
    """The kernel's sigma mode and the noise model's :class:`~bayesreg.noise.SigmaGibbs` (its Gibbs update)."""
    g = noise.gibbs_settings()
    return _SIGMA_MODE[g.mode], g


def gibbs_supports(prior, sigma="default") -> bool:
    """Whether a Gibbs sampler exists for ``prior`` with the noise-scale specification ``sigma``.

    Parameters
    ----------
    prior : Prior
        A coefficient prior from :mod:`bayesreg.priors`.
    sigma : float, "default", "jeffreys", InverseGammaPrior, SigmaPrior, None or Noise
        The noise scale: fixed, or its prior (see :func:`sample_gibbs`), or the resolved noise model.

    Returns
    -------
    bool
        True for :class:`~bayesreg.Gaussian`, :class:`~bayesreg.ParkCasella`,
        :class:`~bayesreg.Laplace` and :class:`~bayesreg.Horseshoe` with a supported ``sigma``.
    """
    if not isinstance(prior, Prior) or prior.gibbs_settings() is None:
        return False
    if isinstance(sigma, Noise):  # resolved already: the kernels have a mode for every noise model
        return True
    try:
        parse_sigma(sigma)
    except (TypeError, ValueError):
        return False
    return True


def sample_gibbs(
    X,
    y=None,
    prior=None,
    *,
    sigma="default",
    fit_intercept: bool = True,
    standardize: bool = False,
    draws: int = 1000,
    tune: int = 500,
    chains: int = 2,
    random_seed=None,
    progressbar: bool = True,
    feature_names=None,
    log_likelihood: bool | None = None,
    posterior_predictive: bool = False,
    cores: int | None = None,
    check: bool = True,
    intercept_prior=None,
):
    r"""Sample the posterior of a Bayesian linear model by Gibbs sampling.

    Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I)`,
    a flat prior on the intercept :math:`b_0`, and ``prior`` on :math:`\beta`:

    - :class:`~bayesreg.Gaussian` (Bayesian ridge): :math:`\beta_j \sim N(0, \tau^2)`,
      :math:`\tau` fixed or with an inverse-gamma hyperprior on :math:`\tau^2` (``tau2_prior``);
    - :class:`~bayesreg.ParkCasella` (Bayesian lasso, Park and Casella 2008):
      :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`, :math:`\lambda` fixed
      or with a Gamma(r, delta) hyperprior on :math:`\lambda^2` (``lam2_prior``);
    - :class:`~bayesreg.Laplace` (unconditional): :math:`\beta_j \sim \mathrm{Laplace}(0, b)`;
    - :class:`~bayesreg.Horseshoe` (Makalic and Schmidt 2016 auxiliary variables):
      :math:`\beta_j \sim N(0, \lambda_j^2\tau^2\sigma^2)`, half-Cauchy :math:`\lambda_j, \tau`.

    The Laplace priors are sampled as scale mixtures of normals (exponential mixing). The
    coefficients are drawn jointly, by Rue's Cholesky algorithm from the sufficient statistics
    when ``n >= p`` (or when only statistics are given), and by the algorithm of Bhattacharya,
    Chakraborty and Mallick (2016) from the rows when ``p > n``. With ``n >= p`` no step touches
    ``X`` after the sufficient statistics are formed. The intercept is integrated out and then
    drawn from its conditional :math:`N(\bar y - \bar x^T\beta, \sigma^2/n)`.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas DataFrame, or SufficientStats
        Design matrix, or its sufficient statistics (then ``y`` is omitted and the groups that
        need rows, ``observed_data``, ``constant_data``, ``log_likelihood`` and
        ``posterior_predictive``, are left out).
    y : array_like of shape (n,), optional
        Target (omit when ``X`` is a :class:`~bayesreg.SufficientStats`).
    prior : Gaussian, ParkCasella, Laplace or Horseshoe
        Prior on the coefficients.
    sigma : float, "estimate", "default", "jeffreys", None, InverseGammaPrior or SigmaPrior, default "default"
        Noise scale, the vocabulary of :mod:`bayesreg.noise`: a positive number (or
        ``"estimate"``, a plug-in value) fixes it (it is then stored in ``constant_data``, not in
        the posterior); ``"jeffreys"`` or ``None`` puts :math:`p(\sigma) \propto 1/\sigma` on it;
        an :class:`~bayesreg.InverseGammaPrior` is a prior on :math:`\sigma^2` (a conjugate
        update); ``"default"`` is :func:`bayesreg.noise.default_sigma_prior`, inverse-gamma(1,
        var(y)/100) on :math:`\sigma^2`. A prior on sigma itself: :class:`~bayesreg.HalfCauchy`
        and :class:`~bayesreg.HalfStudentT` through their inverse-gamma mixture (Wand et al.
        2011; every conditional conjugate), :class:`~bayesreg.HalfNormal`,
        :class:`~bayesreg.Exponential` and :class:`~bayesreg.Uniform` by a slice sampler on
        :math:`\log\sigma` (its conditional is log-concave).
    fit_intercept : bool, default True
        Whether the model has an (unpenalised, flat-prior) intercept.
    standardize : bool, default False
        Put the prior on the coefficients of the standardised columns, as
        :func:`bayesreg.build_model` does; ``beta`` is reported on the original scale.
    draws, tune, chains : int
        Kept draws per chain, discarded burn-in sweeps per chain, number of chains.
    random_seed : int, SeedSequence, Generator or None
        The same seed gives identical draws (whatever ``cores`` is); chains get independent
        streams spawned from it with :class:`numpy.random.SeedSequence`.
    progressbar : bool, default True
        Show a progress bar on stderr for runs longer than a second.
    feature_names : sequence of str, optional
        Names of the columns (default: DataFrame columns, else ``x0, x1, ...``).
    log_likelihood : {"auto", True, False}, optional
        Store the pointwise log-likelihood (needed by ``az.loo``). Default ``"auto"``: when rows
        are given and ``n x chains x draws`` is at most
        :data:`bayesreg._posterior.LOG_LIKELIHOOD_AUTO_MAX` (else :func:`bayesreg.add_log_likelihood`
        adds it later).
    posterior_predictive : bool, default False
        Also draw replicated data ``y`` for the ``posterior_predictive`` group.
    cores : int, optional
        Number of chains run at once in threads (default: one per chain, up to the CPUs this process
        may run on; :func:`bayesreg._threads.chain_workers`).
    check : bool, default True
        Run :func:`bayesreg.diagnostics.check_sampling` on the result, which warns
        (:class:`~bayesreg.SamplingWarning`) about R-hat above 1.01 or a low effective sample size.
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`N(\mu, s^2)` on the intercept instead of the flat one. The
        intercept is then not integrated out but drawn in each sweep from its conditional
        :math:`N(m, 1/P)`, :math:`P = n/\sigma^2 + 1/s^2`,
        :math:`m = (n(\bar y - \bar x^T\beta)/\sigma^2 + \mu/s^2)/P`, and the other blocks
        condition on it (it mixes more slowly than the flat intercept when the column means are
        large against their spread).

    Returns
    -------
    arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
        Groups ``posterior`` (``beta`` [feature], ``intercept``, ``sigma`` and, where sampled,
        ``lam``, ``tau``, ``lam_local`` [feature]), ``sample_stats`` (``rss``: residual sum of
        squares of the centred fit, ``diverging``: always False), and with rows
        ``observed_data``, ``constant_data``, ``log_likelihood`` and on request
        ``posterior_predictive``.

    Raises
    ------
    TypeError, ValueError
        For a prior without a Gibbs sampler, bad ``sigma``, ``draws`` or ``chains`` < 1, and
        malformed data; all raised before any sampling work.
    """
    # ---------------- validation (before any work)
    _check_prior(prior)
    _check_counts(draws, tune, chains, cores)
    sigma_spec = parse_sigma(sigma)
    b0_prior = parse_intercept_prior(intercept_prior, fit_intercept)
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize)
    noise = sigma_spec.resolve(data.y_var, data.X, data.y)
    return run_gibbs(data, prior, noise, draws=draws, tune=tune, chains=chains, random_seed=random_seed,
                     progressbar=progressbar, log_likelihood=log_likelihood, posterior_predictive=posterior_predictive,
                     cores=cores, check=check, intercept_prior=b0_prior)  # fmt: skip


def _check_prior(prior):
    """The prior's Gibbs settings; a clear error for a prior without a Gibbs kernel or with per-coefficient scales."""
    if prior is None:
        raise TypeError(f"prior is required: one of {_gibbs_names()}")
    settings = prior.gibbs_settings() if isinstance(prior, Prior) else None
    if settings is None:
        raise TypeError(
            f"{type(prior).__name__} has no Gibbs sampler; Gibbs samplers exist for {_gibbs_names()}. "
            "Use sampler='nuts' for this prior."
        )
    if prior.per_coefficient:
        raise ValueError(
            f"{type(prior).__name__} has per-coefficient scales: sample it with bayesreg.sample_posterior(..., "
            "sampler='gibbs'), which runs this sampler on the common-scale working model and maps the draws back"
        )
    return settings


def _check_counts(draws, tune, chains, cores):
    """``draws, tune, chains`` as ints and the chains' worker threads (:func:`bayesreg._threads.chain_workers`)."""
    draws = check_count(draws, "draws", 1)
    tune = check_count(tune, "tune", 0)
    chains = check_count(chains, "chains", 1)
    return draws, tune, chains, chain_workers(chains, None if cores is None else check_count(cores, "cores", 1))


def run_gibbs(data, prior, noise, *, draws: int = 1000, tune: int = 500, chains: int = 2, random_seed=None,
              progressbar: bool = True, log_likelihood=None, posterior_predictive: bool = False,
              cores: int | None = None, check: bool = True, intercept_prior=None):  # fmt: skip
    """The Gibbs sampler of :func:`sample_gibbs` on a prepared model and a resolved noise model.

    Parameters
    ----------
    data : ModelData
        The prepared data (:func:`bayesreg.design.prepare_data`), used as it is.
    prior : Prior
        A prior with Gibbs settings and one common scale.
    noise : Noise
        The resolved noise model (:meth:`bayesreg.noise.SigmaSpec.resolve`).
    draws, tune, chains, random_seed, progressbar, log_likelihood, posterior_predictive, cores, check, intercept_prior
        As :func:`sample_gibbs`.

    Returns
    -------
    arviz.InferenceData or xarray.DataTree
        As :func:`sample_gibbs`.
    """
    settings = _check_prior(prior)
    draws, tune, chains, cores = _check_counts(draws, tune, chains, cores)
    b0_prior = parse_intercept_prior(intercept_prior, data.fit_intercept)
    stats, Xa, ya = data.stats, data.X, data.y
    have_rows = Xa is not None
    sig_mode, sg = _sigma_settings(noise)
    sig_fixed, sig_a0, sig_b0 = sg.fixed, sg.a0, sg.b0
    if log_likelihood is None:
        log_likelihood = "auto"  # (stored when small: bayesreg._posterior.resolve_log_likelihood)
    if not have_rows and log_likelihood is True:
        raise ValueError(
            "log_likelihood=True needs the rows (X, y); with a SufficientStats input pass log_likelihood=False"
        )
    if not have_rows and posterior_predictive:
        raise ValueError("posterior_predictive=True needs the rows (X, y); it cannot be drawn from a SufficientStats")
    fit_intercept = data.fit_intercept
    n, p = data.n, data.p
    # a flat intercept is integrated out (one degree of freedom less); a normal-prior one is sampled
    # (columns profiled out of a working model, bayesreg.design.reweight, are counted by data.n_eff too)
    n_eff = data.n_eff if b0_prior is None else data.n - data.n_profiled
    if sig_mode == K.SIGMA_INVGAMMA and n_eff + 2 * sig_a0 <= 0:
        word = "a flat prior, p(sigma) ∝ 1," if noise.kind == "flat" else "a Jeffreys prior"
        raise ValueError(
            f"sigma has {word} but the data leave {n_eff} residual degree(s) of freedom (n = {n}; the posterior "
            f"is proper with at least {noise.residual_dof_needed()}); fix sigma or give it a proper prior"
        )
    kind = _KIND[settings.kind]
    # the one rule for a posterior that collapses at sigma -> 0 when beta can interpolate y (bayesreg.noise)
    obstacle = interpolation_obstacle(noise, prior, n, p, fit_intercept, target="posterior", n_profiled=data.n_profiled)
    if obstacle is not None:
        raise ValueError(obstacle)
    seeds = chain_seeds(random_seed, chains)

    # ---------------- data in the sampler's form
    # standardize=True: the prior is on gamma_j = s_j beta_j, the coefficient of the column x_j / s_j,
    # so the sampler runs on the rescaled statistics and beta = gamma / s afterwards.
    scale = data.x_scale
    xtx, xty, yty = stats.gram(fit_intercept)
    # the joint draw of (b0, beta) under a normal intercept prior works on the centred Gram (no cancellation
    # when the columns are far from centred); a placeholder otherwise
    xtx_c = xtx if b0_prior is not None else np.empty((1, 1))
    if b0_prior is not None:
        # the kernel adds n (ybar - b0) (xbar, ybar - b0) to the centred xty, yty in each sweep; xtx is raw
        xtx = xtx + stats.n * np.outer(stats.x_mean, stats.x_mean)
    xbar = np.asarray(stats.x_mean, dtype=np.float64) if fit_intercept else np.zeros(p)
    if data.standardize:
        xtx = xtx / np.outer(scale, scale)
        xtx_c = xtx_c / np.outer(scale, scale) if b0_prior is not None else xtx_c
        xty = xty / scale
        xbar = xbar / scale
    # fresh writable C arrays: read-only inputs would compile a second specialisation of the kernel
    xtx = np.array(xtx, dtype=np.float64, order="C")
    xtx_c = np.array(xtx_c, dtype=np.float64, order="C")
    xty = np.array(xty, dtype=np.float64, order="C")
    xbar = np.array(xbar, dtype=np.float64, order="C")
    ybar = float(stats.y_mean) if fit_intercept else 0.0
    use_bcm = have_rows and p > n
    if use_bcm:
        centre = fit_intercept and b0_prior is None  # a sampled intercept is subtracted from the raw y
        Xs = Xa - stats.x_mean if centre else Xa.copy()
        ys = ya - stats.y_mean if centre else ya.copy()
        if data.standardize:
            Xs = Xs / scale
        Xs = np.ascontiguousarray(Xs)
        XT = np.ascontiguousarray(Xs.T)
    else:
        Xs = np.empty((1, p))
        XT = np.empty((p, 1))
        ys = np.empty(1)

    st = settings
    # plain int / bool / float fields: other scalar types would compile another specialisation
    config = K.GibbsConfig(
        kind=int(kind), sigma_mode=int(sig_mode), hyper=bool(st.hyper), a0=float(sig_a0), b0=float(sig_b0),
        sig_nu=float(sg.nu), sig_scale=float(sg.scale), sig_c1=float(sg.c1), sig_c2=float(sg.c2),
        sig_upper=float(sg.upper), ha=float(st.ha), hb=float(st.hb), r=float(st.r), delta=float(st.delta),
        hs_s=float(st.hs_s), b0_prior=b0_prior is not None, b0_mu=float(b0_prior.mu) if b0_prior else 0.0,
        b0_s2=float(b0_prior.scale) ** 2 if b0_prior else 1.0,
    )  # fmt: skip
    gdata = K.GibbsData(
        xtx=xtx, xty=xty, yty=float(yty), X=Xs, XT=XT, y=ys, n_eff=float(n_eff), n_obs=float(n),
        fit_intercept=bool(fit_intercept), xbar=xbar, ybar=ybar, use_bcm=bool(use_bcm), xtx_c=xtx_c,
    )  # fmt: skip

    var_y = max(float(yty) / max(n_eff, 1), 1e-12 * (1.0 + float(yty)), 1e-300)

    def initial_state(ss):
        rng = np.random.default_rng(ss)
        # a jittered start so that chains begin apart (burn-in removes it)
        s2 = sig_fixed**2 if sig_mode == K.SIGMA_FIXED else var_y * math.exp(0.5 * rng.standard_normal())
        if s2 > (0.5 * sg.upper) ** 2:  # a bounded prior on sigma: start inside its support
            s2 = (0.5 * sg.upper) ** 2 * math.exp(-abs(0.5 * rng.standard_normal()))
        tau2, lam2 = st.tau2, st.lam2
        loc = np.full(p, 2.0 / lam2) if kind in (K.PARK_CASELLA, K.LAPLACE) else np.ones(p)
        loc *= math.exp(0.5 * rng.standard_normal())
        return K.GibbsState(
            beta=np.zeros(p), loc=loc, nu=np.ones(p), sigma2=float(s2), tau2=float(tau2), log_step=math.log(0.5),
            lam2=float(lam2), a_sig=1.0, log_step_s2=math.log(0.5), b0=float(ybar),
        )  # fmt: skip

    total = tune + draws
    # small problems: the same sweeps in NumPy, no compiler (bayesreg.solvers._route has the rule)
    numpy_route = not use_bcm and _route.use_numpy_sampler(p, chains * total)
    kernel = _Kernel(config, gdata, initial_state, tune, p, kind == K.HORSESHOE, numpy_route)
    compiling = None if numpy_route else (lambda: _route.is_compiling(K.run_block) or _route.is_compiling(K.seed))
    out, elapsed = run_chains(kernel, chains=chains, draws=draws, tune=tune, seeds=seeds, progressbar=progressbar,
                              cores=cores, compiling=compiling)  # fmt: skip

    if data.standardize:
        out["beta"] /= scale
    attrs = {
        "sampler": "gibbs",
        "prior": type(prior).__name__,
        "beta_draw": "bhattacharya-chakraborty-mallick" if use_bcm else "rue-cholesky",
        "kernels": "numpy" if numpy_route else "numba",
        "sampling_time": elapsed,
        "tuning_steps": tune,
        "inference_library": "bayesreg",
    }
    posterior = {"beta": out["beta"]}
    if fit_intercept:
        posterior["intercept"] = out["intercept"]
    if sig_mode != K.SIGMA_FIXED:
        posterior["sigma"] = out["sigma"]
    if st.hyper_name is not None:
        posterior[st.hyper_name] = out["hyper"]
    if st.local_name is not None:
        posterior[st.local_name] = out["local"]
    sample_stats = {"rss": out["rss"], "diverging": np.zeros((chains, draws), dtype=bool)}
    idata = build_posterior(
        posterior, feature_names=data.feature_names, X=Xa, y=ya, fit_intercept=fit_intercept,
        sigma=sig_fixed if sig_mode == K.SIGMA_FIXED else None, sample_stats=sample_stats,
        log_likelihood=log_likelihood, posterior_predictive=posterior_predictive,
        rng=np.random.default_rng(seeds[-1]), attrs=attrs, check=check,
    )  # fmt: skip
    idata.sample_stats.attrs.update(attrs)
    return idata


class _Kernel:
    """The linear model's Gibbs sweep (:mod:`bayesreg.samplers._kernels`) as a kernel of the one driver.

    ``init`` makes the chain's jittered start from its seed and its sweep stream: a NumPy generator
    seeded by the seed's first child on the NumPy route, numba's generator of the chain's thread
    seeded by the seed's first 32-bit word on the compiled route (so ``init`` runs in the chain's
    thread: :func:`bayesreg.samplers.driver.run_chains`). ``step`` runs ``count`` sweeps in one
    kernel call, writing the kept draws into the chain's rows of the driver's arrays.
    """

    def __init__(self, config, gdata, initial_state, tune, p, horseshoe, numpy_route):
        self.config, self.gdata, self.initial_state, self.tune = config, gdata, initial_state, tune
        self.numpy_route = numpy_route
        self.fields = {"beta": (p,), "sigma": (), "intercept": (), "hyper": (), "local": (p if horseshoe else 0,),
                       "rss": ()}  # fmt: skip

    def init(self, chain):
        state = self.initial_state(chain.seed)
        o = chain.out
        trace = K.GibbsTrace(beta=o["beta"], sigma=o["sigma"], intercept=o["intercept"], hyper=o["hyper"],
                             local=o["local"], rss=o["rss"])  # fmt: skip
        if self.numpy_route:
            return state, trace, np.random.default_rng(chain.seed.spawn(1)[0])
        K.seed(int(chain.seed.generate_state(1, dtype=np.uint32)[0]))
        return state, trace, None

    def step(self, st, chain, it, count):
        """Sweeps ``it, ..., it + count - 1`` in one call of the kernel."""
        state, trace, rng = st
        if self.numpy_route:
            from . import _numpy_kernels

            state = _numpy_kernels.run_block(self.config, self.gdata, state, it, count, self.tune, trace, rng)
        else:
            state = K.run_block(self.config, self.gdata, state, it, count, self.tune, trace)
        return state, trace, rng
