"""Sampler objects: each posterior algorithm behind one run contract, and one place that resolves "auto".

A sampler's constructor takes its **algorithm settings** only (burn-in, step-size target, cores,
likelihood form); :meth:`Sampler.run` takes the **run contract**, the same for every sampler: the
prepared data (:class:`bayesreg.design.ModelData`), the prior, the resolved noise model
(:class:`bayesreg.noise.Noise`), ``draws``, ``chains``, ``random_seed``, ``progressbar``,
``log_likelihood``, ``posterior_predictive`` and ``check``. Every sampler's draws go through the
one posterior builder (:mod:`bayesreg._posterior`), so the output has the same variables, dims,
groups and stored diagnostics whichever ran.

=================  ===========================================================================
``ExactSampler``   independent draws from the closed-form posterior: Gaussian prior with fixed
                   ``tau`` and fixed ``sigma`` (:func:`bayesreg.exact_posterior`)
``GibbsSampler``   the conditionally conjugate samplers on sufficient statistics
                   (:func:`bayesreg.samplers.sample_gibbs`): Gaussian, Park-Casella, Laplace and
                   horseshoe priors; for logistic / binomial regression the Polya-Gamma Gibbs
                   sampler (:mod:`bayesreg.samplers.pg`): Gaussian, Laplace and horseshoe
``NUTSSampler``    PyMC's own NUTS on the model of :func:`bayesreg.build_model`
``NutpieSampler``  nutpie's NUTS on the same PyMC model
=================  ===========================================================================

:func:`resolve_sampler` turns ``"auto"`` (or a name, or a sampler object) into a sampler:
``"auto"`` is the exact posterior where it exists, else Gibbs where it applies, else NUTS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ._validation import check_choice, check_scalar
from .priors import Flat, RegularizedHorseshoe

__all__ = ["ExactSampler", "GibbsSampler", "NUTSSampler", "NutpieSampler", "Sampler", "SAMPLER_NAMES",
           "GRID_SAMPLER_NAMES", "resolve_sampler"]  # fmt: skip



@dataclass(frozen=True)
class Sampler:
    """Base class: algorithm settings in the constructor, the run contract in :meth:`run`."""

    name: ClassVar[str] = ""

    def why_not(self, prior, noise, data) -> str | None:  # pragma: no cover - overridden
        """Why this sampler does not apply to the model, or ``None`` when it does."""
        raise NotImplementedError

    #: Whether the sampler takes per-coefficient prior scales as they are (NUTS on the PyMC model);
    #: the others sample the common-scale working model of :func:`bayesreg.design.reweight`.
    takes_vector_scales: ClassVar[bool] = False

    def run(self, data, prior, noise, *, draws: int, chains: int, random_seed=None, progressbar: bool = True,
            log_likelihood: bool = False, posterior_predictive: bool = False, check: bool = True,
            intercept_prior=None):  # fmt: skip
        """Sample the posterior; return the package's posterior container (see the module docstring).

        ``intercept_prior`` (a :class:`~bayesreg.NormalIntercept` or None: flat) is part of
        the model; every sampler takes it. A prior with per-coefficient scales is sampled, by the
        samplers that need one common scale, on the working model of
        :func:`bayesreg.design.reweight` (rescaled columns, unpenalised ones profiled out), and
        the draws are mapped back (:func:`_run_reweighted`).
        """
        self.check_memory(data, draws=draws, chains=chains, log_likelihood=log_likelihood,
                          posterior_predictive=posterior_predictive)  # fmt: skip
        kw = dict(draws=draws, chains=chains, random_seed=random_seed, progressbar=progressbar,
                  log_likelihood=log_likelihood, posterior_predictive=posterior_predictive, check=check,
                  intercept_prior=intercept_prior)  # fmt: skip
        if prior.per_coefficient and not self.takes_vector_scales:
            return _run_reweighted(self, data, prior, noise, **kw)
        return self._run(data, prior, noise, **kw)

    def _run(self, data, prior, noise, **kw):  # pragma: no cover - overridden
        raise NotImplementedError

    #: Whether the sampler holds its tuning iterations in memory while it runs (PyMC's NUTS does).
    keeps_tuning: ClassVar[bool] = False

    def check_memory(self, data, *, draws, chains, log_likelihood="auto", posterior_predictive=False) -> None:
        """Refuse, before any sampling, draws that would not fit this machine's memory (naming ``draws``).

        Per draw and chain: the per-feature variables (coefficients and their local scales), a few
        scalars, and ``n`` values for each of the pointwise log-likelihood and the replicated
        ``y`` when they are stored (:func:`bayesreg._posterior.check_draws_memory`).
        """
        from ._posterior import check_draws_memory, resolve_log_likelihood

        n = data.n if data.X is not None else None
        rows = 0
        if n is not None:
            rows = n * (int(resolve_log_likelihood(log_likelihood, n=n, chains=chains, draws=draws))
                        + int(bool(posterior_predictive)))  # fmt: skip
        tune = int(getattr(self, "tune", 0)) if self.keeps_tuning else 0
        check_draws_memory(draws=draws, chains=chains, per_draw=2 * data.p + 8 + rows, tune_kept=tune)


@dataclass(frozen=True)
class ExactSampler(Sampler):
    """Independent draws from the closed-form posterior (Gaussian prior, fixed ``tau`` and ``sigma``)."""

    name: ClassVar[str] = "exact"
    takes_vector_scales: ClassVar[bool] = True  # exact_posterior maps the working posterior back itself

    def why_not(self, prior, noise, data) -> str | None:  # noqa: D102
        from .conjugate import closed_form_obstacle

        if not data.is_gaussian:
            return f"the {data.family.name} likelihood has no closed-form posterior"
        obstacle = closed_form_obstacle(prior)
        if obstacle is not None:
            return obstacle[1]
        if not noise.fixed:
            return "the exact posterior needs a fixed sigma"
        if data.standardize:
            return "standardize=True is available with NUTS only"
        return None

    def _run(self, data, prior, noise, *, draws, chains, random_seed=None, progressbar=True, log_likelihood=False,
            posterior_predictive=False, check=True, intercept_prior=None):  # fmt: skip
        """Exact draws (``tune`` does not apply)."""
        from .conjugate import exact_posterior

        post = exact_posterior(data, None, prior, sigma=noise.value, fit_intercept=data.fit_intercept,
                               intercept_prior=intercept_prior)  # fmt: skip
        return post.sample(draws=draws, chains=chains, random_seed=random_seed, log_likelihood=log_likelihood,
                           posterior_predictive=posterior_predictive, check=check)  # fmt: skip


@dataclass(frozen=True)
class GibbsSampler(Sampler):
    """The conditionally conjugate Gibbs samplers (see :func:`bayesreg.samplers.sample_gibbs`).

    Parameters
    ----------
    tune : int, default=1000
        Burn-in sweeps per chain.
    cores : int, optional
        Chains run in parallel threads (default: one per chain, up to the CPU count).
    """

    name: ClassVar[str] = "gibbs"
    tune: int = 1000
    cores: int | None = None

    def why_not(self, prior, noise, data) -> str | None:  # noqa: D102
        from .samplers import gibbs_supports

        if not data.is_gaussian:
            from .samplers.pg import pg_obstacle

            if prior.per_coefficient and not np.isfinite(prior.split()[1]).all():
                return (f"an unpenalised coefficient (infinite scale) cannot be profiled out of the {data.family.name} "
                        "model; NUTS samples it")  # fmt: skip
            return pg_obstacle(prior.split()[0], data)
        if isinstance(prior, RegularizedHorseshoe):
            if noise.gibbs_settings()[0] not in ("fixed", "invgamma"):
                return (f"the regularised horseshoe's Gibbs sampler needs sigma fixed, inverse-gamma or Jeffreys; "
                        f"got {noise.argument!r}")  # fmt: skip
            return "standardize=True is available with NUTS only" if data.standardize else None
        if not gibbs_supports(prior, noise):
            return f"no Gibbs sampler for the prior {type(prior).__name__} with sigma={noise.argument!r}"
        if isinstance(prior, Flat) and not noise.fixed and data.p >= data.n_eff:
            # the kernels' p >= n step of log sigma^2 needs log|prior variances|, infinite under a flat prior
            return "the flat prior with sigma free and p >= n - 1 (no residual degree of freedom) is sampled by NUTS"
        if data.standardize:
            return "standardize=True is available with NUTS only"
        return None

    def _run(self, data, prior, noise, *, draws, chains, random_seed=None, progressbar=True, log_likelihood=False,
            posterior_predictive=False, check=True, intercept_prior=None):  # fmt: skip
        """Gibbs draws after ``tune`` burn-in sweeps per chain (Polya-Gamma Gibbs for logistic / binomial)."""
        from .samplers.gibbs import run_gibbs

        if not data.is_gaussian:
            from .samplers.pg import run_pg_gibbs

            return run_pg_gibbs(data, prior, draws=draws, tune=self.tune, chains=chains, random_seed=random_seed,
                                progressbar=progressbar, log_likelihood=log_likelihood,
                                posterior_predictive=posterior_predictive, check=check, cores=self.cores,
                                intercept_prior=intercept_prior)  # fmt: skip
        if isinstance(prior, RegularizedHorseshoe):
            from .samplers.rhs import run_rhs

            if intercept_prior is not None:
                raise ValueError("the regularised horseshoe's Gibbs sampler has a flat intercept only; with "
                                 "intercept_prior use sampler='nuts'")  # fmt: skip
            return run_rhs(data, prior, noise, draws=draws, tune=self.tune, chains=chains, random_seed=random_seed,
                           progressbar=progressbar, log_likelihood=log_likelihood,
                           posterior_predictive=posterior_predictive, check=check)  # fmt: skip

        return run_gibbs(
            data, prior, noise, draws=draws, tune=self.tune, chains=chains, random_seed=random_seed,
            progressbar=progressbar, log_likelihood=log_likelihood, posterior_predictive=posterior_predictive,
            cores=self.cores, check=check, intercept_prior=intercept_prior,
        )  # fmt: skip


@dataclass(frozen=True)
class NUTSSampler(Sampler):
    """PyMC's NUTS on the model of :func:`bayesreg.build_model`.

    Parameters
    ----------
    tune : int, default=1000
        Tuning iterations per chain.
    target_accept : float, default=0.9
        Step-size adaptation target (higher for fewer divergences).
    cores : int, optional
        Chains run in parallel.
    likelihood : {"normal", "suffstats"}, optional
        Default: ``"suffstats"`` (O(p^2) per gradient) when ``n > p`` or only statistics are
        given, else ``"normal"``.
    options : dict, optional
        Further keywords of ``pm.sample``.
    """

    name: ClassVar[str] = "nuts"
    takes_vector_scales: ClassVar[bool] = True
    keeps_tuning: ClassVar[bool] = True
    tune: int = 1000
    target_accept: float = 0.9
    cores: int | None = None
    likelihood: str | None = None
    options: dict = field(default_factory=dict)

    def why_not(self, prior, noise, data) -> str | None:  # noqa: D102
        if self.likelihood == "normal" and data.X is None:
            return "likelihood='normal' needs the rows (X, y); a SufficientStats allows 'suffstats' only"
        if self.likelihood == "suffstats" and not data.is_gaussian:
            return f"likelihood='suffstats' is the Gaussian likelihood's; the {data.family.name} model uses the rows"
        return None

    def _run(self, data, prior, noise, *, draws, chains, random_seed=None, progressbar=True, log_likelihood=False,
            posterior_predictive=False, check=True, intercept_prior=None):  # fmt: skip
        """NUTS draws on the PyMC model, built here."""
        from .models import BuiltModel, build_resolved

        likelihood = self.likelihood
        if likelihood is None:
            likelihood = "suffstats" if data.is_gaussian and (data.X is None or data.n > data.p) else "normal"
        from .intercept import parse_intercept_prior

        b0_prior = parse_intercept_prior(intercept_prior, data.fit_intercept)
        model = build_resolved(BuiltModel(data=data, prior=prior, noise=noise, likelihood=likelihood,
                                  intercept_prior=b0_prior))  # fmt: skip
        return _sample_nuts(
            model, sampler=self.name, draws=draws, tune=self.tune, chains=chains, cores=self.cores,
            random_seed=random_seed, progressbar=progressbar, log_likelihood=log_likelihood,
            posterior_predictive=posterior_predictive, target_accept=self.target_accept, check=check,
            **self.options,
        )  # fmt: skip


@dataclass(frozen=True)
class NutpieSampler(NUTSSampler):
    """nutpie's NUTS on the same PyMC model as :class:`NUTSSampler` (needs ``pip install nutpie``)."""

    name: ClassVar[str] = "nutpie"

    def why_not(self, prior, noise, data) -> str | None:  # noqa: D102
        import importlib.util

        if importlib.util.find_spec("nutpie") is None:
            return "nutpie is not installed: `pip install nutpie` (or use sampler='nuts' or 'gibbs')"
        return super().why_not(prior, noise, data)


_CLASSES = {cls.name: cls for cls in (ExactSampler, GibbsSampler, NUTSSampler, NutpieSampler)}
#: Every sampler name :func:`resolve_sampler` takes: ``"auto"`` and each sampler class's ``name``.
SAMPLER_NAMES = ("auto", *_CLASSES)
#: The names a spec's ``[inference] sampler`` and :func:`bayesreg.shrinkage_table` take: ``"auto"``
#: (the exact posterior where it exists) or a choice between Gibbs and NUTS.
GRID_SAMPLER_NAMES = ("auto", GibbsSampler.name, NUTSSampler.name)


def resolve_sampler(
    sampler,
    prior,
    noise,
    data,
    *,
    tune: int = 1000,
    target_accept: float = 0.9,
    cores: int | None = None,
    likelihood: str | None = None,
    options: dict | None = None,
) -> Sampler:
    """The sampler that will run: the one place where ``"auto"`` is decided.

    Parameters
    ----------
    sampler : {"auto", "exact", "gibbs", "nuts", "nutpie"} or Sampler
        ``"auto"``: :class:`ExactSampler` where the posterior is in closed form, else
        :class:`GibbsSampler` where it applies, else :class:`NUTSSampler`. A name builds that
        sampler with the settings below; a :class:`Sampler` object is used as it is.
    prior, noise, data
        The model (a coefficient prior, a resolved :class:`~bayesreg.noise.Noise`, a
        :class:`~bayesreg.design.ModelData`).
    tune, target_accept, cores, likelihood, options
        Settings for the sampler built from a name (each sampler takes those it has).

    Returns
    -------
    Sampler

    Raises
    ------
    ValueError
        When the named sampler does not apply to the model (saying why and what does), when
        ``likelihood`` is given to a sampler other than NUTS, or when the posterior is improper
        (sigma with Jeffreys' prior, a prior on beta not scaled by sigma and a design that can
        interpolate y: :func:`bayesreg.noise.interpolation_obstacle`).
    """
    from .noise import interpolation_obstacle

    # every sampler, not only Gibbs: an improper posterior (sigma -> 0 when beta interpolates y) is refused
    obstacle = interpolation_obstacle(noise, prior, data.n, data.p, data.fit_intercept, target="posterior",
                                      n_profiled=data.n_profiled)  # fmt: skip
    if obstacle is not None:
        raise ValueError(obstacle)
    if isinstance(sampler, Sampler):
        reason = sampler.why_not(prior, noise, data)
        if reason:
            raise ValueError(f"sampler {sampler!r} does not apply: {reason}")
        return sampler
    check_choice(sampler, "sampler", SAMPLER_NAMES)
    tune = check_scalar(tune, "tune", lower=0, integer=True)
    if cores is not None:
        cores = check_scalar(cores, "cores", lower=1, integer=True)
    target_accept = check_scalar(target_accept, "target_accept", lower=0.0, upper=1.0, lower_inclusive=False,
                                 upper_inclusive=False)  # fmt: skip
    if likelihood is not None:
        check_choice(likelihood, "likelihood", ("normal", "suffstats"))
    nuts = dict(tune=tune, target_accept=target_accept, cores=cores, likelihood=likelihood, options=dict(options or {}))
    if sampler == "auto":
        if likelihood is None and not options:
            for candidate in (ExactSampler(), GibbsSampler(tune=tune, cores=cores)):
                if candidate.why_not(prior, noise, data) is None:
                    return candidate
        chosen = NUTSSampler(**nuts)
    elif sampler in ("nuts", "nutpie"):
        chosen = _CLASSES[sampler](**nuts)
    else:
        if likelihood is not None:
            raise ValueError(f"likelihood= applies to NUTS only, not to sampler={sampler!r}")
        if options:
            raise ValueError(f"keyword arguments of pm.sample ({', '.join(options)}) apply to NUTS only")
        chosen = ExactSampler() if sampler == "exact" else GibbsSampler(tune=tune, cores=cores)
    reason = chosen.why_not(prior, noise, data)
    if reason:
        exc = ImportError if isinstance(chosen, NutpieSampler) and "not installed" in reason else ValueError
        hint = "" if isinstance(chosen, NUTSSampler) else (
            "; Gibbs samplers exist for Gaussian, ParkCasella, Laplace and Horseshoe priors with sigma fixed, "
            "'jeffreys', 'default', an InverseGammaPrior or a prior on sigma (HalfNormal, HalfCauchy, HalfStudentT, "
            "Exponential, Uniform); sampler='nuts' (or 'nutpie') applies to every prior, and sampler='auto' picks "
            "what applies"
        )  # fmt: skip
        raise exc(f"sampler={sampler!r} does not apply: {reason}{hint}")
    return chosen


def _sample_nuts(model, *, sampler, draws, tune, chains, cores, random_seed, progressbar, log_likelihood,
                 posterior_predictive, target_accept=0.9, check=True, **sample_kwargs):  # fmt: skip
    """pm.sample on a built model, then the groups every bayesreg posterior has (one builder)."""
    from ._posterior import build_posterior
    from ._upstream import pymc_sample

    spec = model.bayesreg_spec
    data = spec.data
    kwargs = dict(
        draws=draws, tune=tune, chains=chains, random_seed=random_seed, progressbar=progressbar,
        compute_convergence_checks=False, return_inferencedata=True, target_accept=target_accept,
    )  # fmt: skip
    # PyMC 6 picks nutpie by default when it is installed: "nuts" means PyMC's own NUTS on every stack
    kwargs["nuts_sampler"] = "nutpie" if sampler == "nutpie" else "pymc"
    if cores is not None:
        kwargs["cores"] = cores  # (the upstream adapter hands it to nutpie as this PyMC wants)
    kwargs.update(sample_kwargs)
    raw = pymc_sample(model, **kwargs)
    rng = None
    if posterior_predictive:
        rng = np.random.default_rng(None if random_seed is None else np.random.SeedSequence(random_seed).spawn(1)[0])
    return build_posterior(
        raw.posterior, feature_names=data.feature_names, X=data.X, y=data.y, fit_intercept=data.fit_intercept,
        sigma=spec.noise.value if spec.noise is not None else None, sample_stats=raw.sample_stats,
        log_likelihood=log_likelihood, posterior_predictive=posterior_predictive, rng=rng,
        family=data.family, trials=data.trials,
        attrs={"sampler": "nutpie" if sampler == "nutpie" else "nuts", "likelihood": spec.likelihood,
               "prior": type(spec.prior).__name__, "family": data.family.name},
        check=check,
    )  # fmt: skip


def _aux_rng(seed) -> np.random.Generator:
    """A generator for the draws made after a sampler's run, independent of the sampler's own streams."""
    if isinstance(seed, np.random.Generator):
        return seed
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 2**31 - 1)))


def _run_reweighted(sampler: Sampler, data, prior, noise, *, draws, chains, random_seed, progressbar,
                    log_likelihood, posterior_predictive, check, intercept_prior):  # fmt: skip
    """Sample a per-coefficient-scale prior on the common-scale working model; map the draws back.

    The working model (:func:`bayesreg.design.reweight`) has the columns ``m_j x_j`` and the common
    prior; its draws ``gamma`` give ``beta_j = m_j gamma_j``. Unpenalised columns were profiled
    out: given ``beta_P`` and sigma their coefficients and the intercept are Gaussian and are drawn
    here, so the draws are from the joint posterior. The posterior is then built on the data as
    given (log-likelihood, predictive draws and diagnostics of the full model).
    """
    from ._posterior import build_posterior
    from ._upstream import group_dataset, has_group
    from .design import reweight

    common, factors = prior.split()
    rw = reweight(data, factors)
    if intercept_prior is not None and rw.unpenalised.size:
        raise ValueError("intercept_prior with unpenalised coefficients (infinite scales) is not supported: the "
                         "flat-prior columns are profiled out with a flat intercept; use sampler='nuts'")  # fmt: skip
    post = sampler._run(rw.working, common, noise, draws=draws, chains=chains, random_seed=random_seed,
                        progressbar=progressbar, log_likelihood=False, posterior_predictive=False, check=False,
                        intercept_prior=intercept_prior)  # fmt: skip
    ds = group_dataset(post, "posterior")
    gamma = np.asarray(ds["beta"].values, dtype=np.float64)
    fixed = noise is not None and noise.fixed
    sigma = float(noise.value) if fixed else (np.asarray(ds["sigma"].values) if "sigma" in ds else 1.0)
    b0_work = np.asarray(ds["intercept"].values) if "intercept" in ds else None
    rng = _aux_rng(random_seed)
    beta, b0 = rw.draws(gamma, sigma, rng, b0_work)
    posterior = {}
    for name in ds.data_vars:
        if name in ("beta", "intercept") or "feature" in ds[name].dims:
            continue
        posterior[name] = np.asarray(ds[name].values)
    posterior["beta"] = beta
    if data.fit_intercept:
        posterior["intercept"] = np.asarray(b0)
    sample_stats = None
    if has_group(post, "sample_stats"):
        ss = group_dataset(post, "sample_stats")
        sample_stats = {k: np.asarray(ss[k].values) for k in ss.data_vars if "feature" not in ss[k].dims}
        if "rss" in sample_stats and data.is_gaussian:
            G, q = data.G, data.q
            sample_stats["rss"] = np.maximum(data.yy - 2.0 * beta @ q + np.einsum("cdi,ij,cdj->cd", beta, G, beta), 0.0)
    attrs = {k: v for k, v in ds.attrs.items() if isinstance(v, str | int | float)}
    attrs["per_coefficient_scales"] = f"{rw.penalised.size} penalised, {rw.unpenalised.size} unpenalised (flat)"
    return build_posterior(
        posterior, feature_names=data.feature_names, X=data.X, y=data.y, fit_intercept=data.fit_intercept,
        sigma=noise.value if fixed else None, sample_stats=sample_stats, log_likelihood=log_likelihood,
        posterior_predictive=posterior_predictive, rng=rng, attrs=attrs, check=check, family=data.family,
        trials=data.trials,
    )  # fmt: skip
