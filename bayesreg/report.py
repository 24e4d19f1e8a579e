"""Run a model spec and write its report folder (the engine behind ``bayesreg run``).

:func:`run_spec` fits what a :class:`~bayesreg.spec.ModelSpec` asks for, in this order:

1. the data (:meth:`ModelSpec.load_data`);
2. the noise scale: the spec's number, or a plug-in estimate (``"estimate"``: the least-squares
   residual sd when ``n > p + 1``, else that of a cross-validated lasso), or free in the
   posterior (``"jeffreys"`` or a prior on sigma such as ``"halfcauchy(2.5)"``);
3. the prior scale: the spec's number, or chosen by :func:`bayesreg.choose_prior_scale`
   (``"empirical_bayes"``: marginal likelihood for a Gaussian prior, with sigma fixed or
   jointly by type-II maximum likelihood, a spec with a prior on sigma being refused by the
   spec check; Monte Carlo EM for a Laplace prior, whose Gibbs runs sample sigma under the
   spec's own prior on it), or sampled under its hyperprior (``"hyperprior"``); with
   ``[prior.scales]`` the prior has one scale per feature (``Laplace(scale=vector)``, ``inf``
   unpenalised) and the report's model section says which (:func:`scales_note`); with
   ``"empirical_bayes"`` their ratios are held fixed and the common scale is chosen;
4. the posterior (:func:`bayesreg.sample_posterior`), when asked for; where sigma or the scale
   is sampled, the MAP below is taken at their posterior means;
5. the exact MAP (:func:`bayesreg.map_estimate`), scikit-learn's penalised fit at the mapped
   alpha (:func:`bayesreg.mapping.to_sklearn`) and PyMC's find_MAP (:func:`bayesreg.find_map`);
6. the shrinkage table over a grid of prior scales (:func:`bayesreg.shrinkage_table`; with
   ``[prior.scales]`` a grid of the common scale, the ratios fixed);
7. for a linear-model posterior under a Laplace (or Park-Casella) or horseshoe prior, its sparse
   summary by decoupled shrinkage and selection (:func:`bayesreg.sparse_summary`, ``method="dss"``):
   the variance explained per model size, the chosen size and its variables.

A GLM spec (``[likelihood] family = "bernoulli"``, ``"binomial"`` or ``"poisson"``) has no
noise scale: the MAP is the penalised GLM (the prior's penalty at sigma = 1), compared with
scikit-learn's ``LogisticRegression`` / ``PoissonRegressor`` and find_MAP by
:func:`bayesreg.check_equivalence` with ``family=``, and the posterior is sampled with
``family=`` (Polya-Gamma Gibbs for logistic and binomial regression, NUTS for Poisson).

:func:`prepare_run` does every check that needs the data but fits nothing (the data load, the
plug-in sigma, the prior and its mapped penalty, the size of the stored posterior), so that a bad
spec fails before any work; ``bayesreg run`` and ``bayesreg check`` call it first.

:func:`write_report` writes ``report.md`` with PNG figures, ``coefficients.csv``,
``posterior.nc`` (the InferenceData as NetCDF), ``shrinkage.csv``, ``sparse_summary.csv`` and
``spec.toml`` (a copy),
through :class:`bayesreg._outdir.ReportFolder`: each file under a temporary name then renamed,
a lock against a second run, an ``INCOMPLETE`` marker while writing, and a manifest so that a
re-run removes its own stale files only.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._outdir import ReportFolder
from .exceptions import SamplingWarning
from .spec import LIMITS, ModelSpec, SpecError

__all__ = ["RunResult", "Prepared", "prepare_run", "run_spec", "write_report", "estimate_sigma", "format_table",
           "scales_note"]


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare_run` checked and computed before any fitting.

    Attributes
    ----------
    data : bayesreg.datasets.Dataset
    sigma : float or None
        The spec's fixed sigma or the plug-in estimate; None when sigma is free (``"jeffreys"``)
        and for a GLM (which has no noise scale).
    sigma_note : str
        Where it came from.
    """

    data: object
    sigma: float | None
    sigma_note: str


@dataclass
class RunResult:
    """What :func:`run_spec` computed.

    Attributes
    ----------
    spec : ModelSpec
    data : bayesreg.datasets.Dataset
    sigma : float or None
        The noise sd the MAP and the penalised fit used (None for a GLM: it has none).
    sigma_note : str
        Where it came from.
    prior : Prior
        The prior the MAP used (at a fixed scale).
    posterior_prior : Prior or None
        The prior the posterior used (possibly with a hyperprior).
    estimates : pandas.DataFrame
        One row per feature (and ``intercept`` last); columns among ``sklearn``, ``exact MAP``,
        ``find_MAP``, ``posterior mean``, ``posterior median``, ``hdi low``, ``hdi high``, ``truth``.
    idata : arviz.InferenceData or None
    shrinkage : pandas.DataFrame or None
    equivalence : dict
        ``max |exact MAP - sklearn|`` and friends.
    equivalence_report : EquivalenceReport or None
        The full comparison (:func:`bayesreg.check_equivalence`) with its checks.
    sparse_summary : SparseSummary or None
        The DSS summary of the posterior (:func:`bayesreg.sparse_summary`), for a linear-model
        posterior under a Laplace, Park-Casella or horseshoe prior.
    diagnostics : dict
        Sampler diagnostics (largest R-hat, smallest bulk ESS, divergences).
    timings : dict
        Seconds per step.
    notes : list of str
        Choices made on the way (chosen scale, plug-in sigma, ...).
    warnings : list of str
        Sampling diagnostics that did not pass (R-hat, ESS, divergences).
    """

    spec: ModelSpec
    data: object
    sigma: float | None = None
    sigma_note: str = ""
    prior: object = None
    posterior_prior: object = None
    estimates: object = None
    idata: object = None
    shrinkage: object = None
    scale_choice: object = None
    equivalence: dict = field(default_factory=dict)
    equivalence_report: object = None
    sparse_summary: object = None
    diagnostics: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


class _Steps:
    """Progress lines on a stream: ``[2/5] sampling the posterior ... 3.1 s``."""

    def __init__(self, total: int, stream=None, quiet: bool = False):
        self.total, self.i = total, 0
        self.stream = sys.stderr if stream is None else stream
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []

    def run(self, label: str, fn, *args, **kwargs):
        """Run ``fn``, timing it; sampling diagnostics it warns about are collected in :attr:`warnings`."""
        self.i += 1
        if not self.quiet:
            print(f"[{self.i}/{self.total}] {label} ...", file=self.stream, flush=True)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SamplingWarning)
            out = fn(*args, **kwargs)
        dt = time.perf_counter() - t0
        for w in caught:
            if issubclass(w.category, SamplingWarning):
                self.warnings.append(f"{label}: {w.message}")
            else:  # anything else is passed on untouched
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        self.timings[label] = dt
        if not self.quiet:
            print(f"      done in {dt:.1f} s", file=self.stream, flush=True)
        return out


def estimate_sigma(X, y) -> tuple[float, str]:
    """The ``sigma="estimate"`` plug-in noise sd of :func:`bayesreg.noise.plug_in_sigma`, after validating ``X, y``.

    Returns
    -------
    sigma : float
    note : str
        How it was obtained.
    """
    from ._validation import check_Xy
    from .noise import plug_in_sigma

    return plug_in_sigma(*check_Xy(X, y))


def prepare_run(spec: ModelSpec, *, fast: bool = False) -> Prepared:
    """Every check of ``spec`` that needs its data, before anything is fitted.

    Loads the data; computes the plug-in sigma (``sigma = "estimate"``); builds the prior at a
    fixed scale (the prior's own range checks) and, where the MAP or the penalised fit is asked
    for at a known sigma, the mapped penalty (which must be a finite number; a huge ``sigma`` with
    a tiny scale overflows); and bounds the size of the stored posterior draws.

    Parameters
    ----------
    spec : ModelSpec
    fast : bool, default=False
        Check the shrunk inference settings of a fast run.

    Returns
    -------
    Prepared

    Raises
    ------
    SpecError
        Naming the spec file and the key.
    """
    from .mapping import prior_to_penalty

    data = spec.load_data()
    X, y = np.asarray(data.X), np.asarray(data.y)
    n, p = X.shape
    inf = spec.effective_inference(fast)
    if inf.posterior or inf.shrinkage:
        stored = inf.chains * inf.draws * (p + 3)  # beta, intercept, sigma and a hyperparameter per draw
        if stored > LIMITS["posterior_values"]:
            raise SpecError(spec.path, "[inference] draws",
                            f"chains x draws x (features + 3) = {inf.chains} x {inf.draws} x {p + 3} = {stored} "
                            f"posterior values; the usable range is up to {LIMITS['posterior_values']} (800 MB of "
                            "float64): lower draws or chains")  # fmt: skip
    _check_rows(spec, X, y)
    if not spec.likelihood.is_gaussian:
        sigma, note = None, f"none: the {spec.family} likelihood has no noise scale"
        _check_target(spec, data)
    elif spec.noise.fixed:  # the spec parsed sigma once (bayesreg.noise.parse_sigma): its range is checked
        sigma, note = spec.noise.value, "fixed by the spec"
    elif spec.noise.needs_rows:  # "estimate"
        if n <= p + 1 and n < 5:
            raise SpecError(spec.path, "[noise] sigma", f'"estimate" needs more rows than features + 1 (least '
                            f"squares) or at least 5 rows (a 5-fold cross-validated lasso); {spec.data.label} has "
                            f"{n} rows and {p} features: give more rows or fix sigma (a number)")  # fmt: skip
        try:
            sigma, note = estimate_sigma(X, y)
        except (ValueError, FloatingPointError, OverflowError) as exc:
            raise SpecError(spec.path, "[noise] sigma", f"\"estimate\" cannot be used with these data: {exc}") from exc
    else:
        sigma, note = None, _free_sigma_note(spec)
        from .noise import interpolation_obstacle

        # sigma free: the posterior is sampled first; refused here (bayesreg check too) when it is improper
        noise = spec.noise.resolve(float(np.var(y)))
        obstacle = interpolation_obstacle(noise, spec.make_prior(1.0, feature_names=data.feature_names), n, p, True,
                                          target="posterior")  # fmt: skip
        if obstacle is not None:
            raise SpecError(spec.path, "[noise] sigma", obstacle)
    pr = spec.prior
    key = f"[prior] {pr.scale_name}"
    spec.scale_vector(data.feature_names)  # [prior.scales]: its names against the data's features
    if not pr.chosen or pr.scale == "hyperprior":
        try:
            prior = spec.make_prior(feature_names=data.feature_names)
        except SpecError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise SpecError(spec.path, key, str(exc)) from exc
        # a GLM's MAP is the prior's penalty at sigma = 1 (its loss is the negative log-likelihood)
        pen_sigma = sigma if spec.likelihood.is_gaussian else 1.0
        if (inf.map or inf.sklearn or inf.find_map or inf.shrinkage) and pen_sigma is not None and not pr.chosen:
            scales = [None]
            if inf.shrinkage:
                scales = [inf.scale_range[0], inf.scale_range[1]]
            for factor in scales:
                try:
                    at = prior if factor is None else _scaled(spec, prior, factor)
                    pen = prior_to_penalty(at, sigma=pen_sigma, n_samples=n)
                    ok = all(np.isfinite(v) and v > 0 for v in (pen.alpha_l1, pen.alpha_l2) if v != 0)
                    problem = "" if ok else f"is not a finite positive number ({pen})"
                except (ValueError, OverflowError, ZeroDivisionError) as exc:
                    problem = f"cannot be computed ({exc})"
                if problem:
                    what = "" if factor is None else f" at scale_range end {factor:g}"
                    raise SpecError(spec.path, key, f"with sigma = {pen_sigma:g} and n = {n}, the penalty of the MAP"
                                    f"{what} {problem}; use a prior scale and sigma whose ratio is within the "
                                    "float64 range")  # fmt: skip
    return Prepared(data=data, sigma=sigma, sigma_note=note)


def _check_rows(spec: ModelSpec, X, y) -> None:
    """Data a model can be fitted to: at least 2 rows, and (linear model) a target that varies."""
    key = "[data] csv" if spec.data.csv is not None else "[data]"
    if X.shape[0] < 2:
        raise SpecError(spec.path, key, f"{spec.data.label} has {X.shape[0]} row; a model needs at least 2 rows")
    if spec.likelihood.is_gaussian and np.all(y == y[0]):
        raise SpecError(spec.path, "[data] target" if spec.data.csv is not None else key,
                        f"the target of {spec.data.label} is constant ({y[0]:g} in every row): there is nothing to "
                        "fit")  # fmt: skip


def target_kind(y) -> str:
    """What a target looks like, for choosing a likelihood family (``bayesreg init``, ``equivalence``).

    Returns
    -------
    str
        ``"binary"``: only the values 0 and 1 (both present): the Bernoulli family (logistic
        regression); ``"count"``: non-negative integers, more than two distinct values: the Poisson
        family may fit; ``"other"``: anything else (the linear model).
    """
    ya = np.asarray(y, dtype=np.float64)
    values = np.unique(ya)
    if values.size == 2 and values[0] == 0.0 and values[1] == 1.0:
        return "binary"
    if values.size > 2 and np.all(np.isfinite(values)) and values[0] >= 0.0 and np.all(values == np.round(values)):
        return "count"
    return "other"


def _check_target(spec: ModelSpec, data) -> None:
    """The target (and binomial trials) as the likelihood family needs them, naming the spec's key."""
    from .families import family

    key = "[likelihood] trials" if spec.family == "binomial" else "[likelihood] family"
    try:
        family(spec.family).validate_y(np.asarray(data.y), spec.trials(data), n=len(np.asarray(data.y)))
    except (ValueError, TypeError) as exc:
        raise SpecError(spec.path, key, f"the {spec.family} likelihood cannot model the target of "
                        f"{spec.data.label}: {exc}") from exc


def _glm_kwargs(spec: ModelSpec, data) -> dict:
    """``family=`` and ``trials=`` for the library calls (nothing for the linear model)."""
    if spec.likelihood.is_gaussian:
        return {}
    return {"family": spec.family, "trials": spec.trials(data)}


def _scaled(spec: ModelSpec, prior, factor: float):
    from .priors import Gaussian, Laplace, ParkCasella

    if isinstance(prior, ParkCasella):
        return ParkCasella(prior.lam / factor)
    # per-feature scales: the common scale moves, the ratios stay (shrinkage_table's grid)
    scale = tuple(v * factor for v in prior.scale) if prior.per_coefficient else prior.scale * factor
    if isinstance(prior, Laplace):
        return Laplace(scale)
    return Gaussian(scale)


def _sigma_free(spec: ModelSpec) -> bool:
    """Whether the spec leaves sigma free in the posterior ("jeffreys" or a prior on sigma)."""
    return spec.noise is not None and spec.noise.free


def _free_sigma_note(spec: ModelSpec) -> str:
    prior = "Jeffreys prior" if spec.noise.jeffreys else f"prior {spec.sigma}"
    return f"free in the posterior ({prior})"


def _posterior_sigma_arg(spec: ModelSpec, sigma_value):
    # the noise model's parse of the spec's sigma (the library reads it as it is, never the spelling again)
    return spec.noise if _sigma_free(spec) else sigma_value


def _summarise_posterior(idata, names, hdi_prob):
    from ._posterior import hdi_from_draws
    from ._upstream import diagnostics_table, group_dataset, has_group

    post = group_dataset(idata, "posterior")
    beta = post["beta"].stack(sample=("chain", "draw")).transpose("feature", "sample").values
    b0 = post["intercept"].values.reshape(-1)
    draws = np.vstack([beta, b0[None, :]])
    hdi = hdi_from_draws(draws.T, hdi_prob)
    out = {
        "posterior mean": draws.mean(axis=1),
        "posterior median": np.median(draws, axis=1),
        "hdi low": hdi[:, 0],
        "hdi high": hdi[:, 1],
    }
    from .diagnostics import constant_vars

    # a variable stored for reference (a fixed sigma) has no R-hat or ESS
    fixed = constant_vars(post)
    names_present = [v for v in ("beta", "intercept", "sigma", "lam", "tau") if v in post and v not in fixed]
    summ = diagnostics_table(idata, names_present)
    stats = group_dataset(idata, "sample_stats") if has_group(idata, "sample_stats") else None
    div = stats.get("diverging") if stats is not None else None
    diagnostics = {
        "max r_hat": float(summ["r_hat"].max()),
        "min ess_bulk": float(summ["ess_bulk"].min()),
        "min ess_tail": float(summ["ess_tail"].min()),
        "divergences": int(div.values.sum()) if div is not None else 0,
        "draws": int(post.sizes["chain"] * post.sizes["draw"]),
    }
    return out, diagnostics


def run_spec(
    spec: ModelSpec, *, fast: bool = False, quiet: bool = False, stream=None, progressbar: bool | None = None,
    prepared: Prepared | None = None,
) -> RunResult:
    """Fit what ``spec`` asks for.

    Parameters
    ----------
    spec : ModelSpec
        A validated spec (:func:`bayesreg.spec.load_spec`).
    fast : bool, default=False
        Shrunk inference settings (:meth:`ModelSpec.effective_inference`).
    prepared : Prepared, optional
        The result of :func:`prepare_run` for this spec: its data and sigma are used as they are
        (not loaded or estimated again).
    quiet : bool, default=False
        No progress lines.
    stream : file-like, optional
        Where progress goes (default ``sys.stderr``).
    progressbar : bool, optional
        Samplers' progress bars (default: when the stream is a terminal and not quiet).

    Returns
    -------
    RunResult
    """
    import pandas as pd

    import bayesreg


    inf = spec.effective_inference(fast)
    p_spec = spec.prior
    stream = sys.stderr if stream is None else stream
    if progressbar is None:
        progressbar = (not quiet) and hasattr(stream, "isatty") and stream.isatty()
    sample_first = _sigma_free(spec) or p_spec.scale == "hyperprior"
    estimate = spec.noise is not None and spec.noise.needs_rows  # sigma = "estimate"
    n_steps = (prepared is None) * (1 + estimate) + (p_spec.scale == "empirical_bayes")
    # a sparsity prior's posterior mean is shrunk but never sparse: the report adds its DSS summary
    want_dss = inf.posterior and spec.likelihood.is_gaussian and p_spec.prior_class.sparsity_inducing
    n_steps += inf.posterior + want_dss
    n_steps += (inf.map or inf.sklearn or inf.find_map) + inf.shrinkage
    steps = _Steps(n_steps, stream, quiet)
    res = RunResult(spec=spec, data=None)

    if prepared is not None:
        data = prepared.data
    else:
        data = steps.run(f"loading data: {spec.data.label}", spec.load_data)
    res.data = data
    X, y, names = np.asarray(data.X), np.asarray(data.y), list(data.feature_names)
    glm = _glm_kwargs(spec, data)

    # -- noise scale
    if glm:
        if prepared is None:
            _check_target(spec, data)
        sigma, res.sigma_note = None, f"none: the {spec.family} likelihood has no noise scale"
    elif prepared is not None:
        sigma, res.sigma_note = prepared.sigma, prepared.sigma_note
    elif spec.noise.fixed:
        sigma, res.sigma_note = spec.noise.value, "fixed by the spec"
    elif estimate:
        sigma, res.sigma_note = steps.run("estimating sigma (plug-in)", estimate_sigma, X, y)
    else:
        sigma, res.sigma_note = None, _free_sigma_note(spec)

    # -- prior scale
    prior = None
    if p_spec.scale == "empirical_bayes":
        from .hyperparameters import default_method

        # [prior.scales]: the relative vector, whose ratios choose_prior_scale holds fixed
        tuned = spec.make_prior(feature_names=names) if p_spec.scales else p_spec.prior_class
        method = default_method(tuned)
        # MCEM samples sigma under the spec's own prior on it (the lambda update does not involve
        # it); the closed-form evidence has none (the spec check refuses a sigma prior there)
        eb_sigma = sigma if method == "marginal_likelihood" else _posterior_sigma_arg(spec, sigma)
        choice = steps.run(
            f"choosing the prior scale ({method})", bayesreg.choose_prior_scale, X, y, tuned, sigma=eb_sigma,
            method=method, random_seed=inf.seed, draws=500 if fast else 2000,  # Gibbs draws per MCEM iteration
        )  # fmt: skip
        res.scale_choice = choice
        under = ""
        if _sigma_free(spec) and method == "mcem":
            prior_word = "Jeffreys' prior" if spec.noise.jeffreys else f"the prior {spec.sigma}"
            under = f", sigma sampled under {prior_word}"
        res.notes.append(f"prior scale chosen by {method}{under}: {choice!r}")
        if sigma is None:
            sigma = float(choice.sigma)
        prior = choice.prior_as(p_spec.prior_class)  # the spec's prior class at the chosen scale
    elif not p_spec.chosen:
        prior = spec.make_prior(feature_names=names)
    if p_spec.scales:
        res.notes.append(scales_note(spec, names, prior))
    posterior_prior = spec.make_prior() if p_spec.scale == "hyperprior" else prior
    res.posterior_prior = posterior_prior

    def sample():
        noise = {"family": spec.family, **glm} if glm else {"sigma": _posterior_sigma_arg(spec, sigma)}
        return bayesreg.sample_posterior(
            X, y, posterior_prior, sampler=inf.sampler, draws=inf.draws, tune=inf.tune, chains=inf.chains,
            random_seed=inf.seed, feature_names=names, progressbar=progressbar,
            log_likelihood=False,  # the report uses none: posterior.nc stays small
            **noise,
        )

    columns: dict[str, np.ndarray] = {}
    if inf.posterior and sample_first:
        res.idata = steps.run(f"sampling the posterior ({inf.chains} x {inf.draws} draws)", sample)
        post = res.idata.posterior
        if sigma is None:
            sigma = float(post["sigma"].mean())
            prior_word = "a Jeffreys prior" if spec.noise.jeffreys else f"the prior {spec.sigma}"
            res.sigma_note = f"posterior mean (sigma sampled with {prior_word})"
        if p_spec.scale == "hyperprior":
            # the fixed-scale prior at the posterior mean of the sampled scale (tau, or lam: Laplace(sigma/lam))
            hyper = float(post[posterior_prior.gibbs_settings().hyper_name].mean())
            prior = posterior_prior.fixed_at(hyper, sigma)
            res.notes.append(f"MAP and penalised fit at the posterior mean of the prior scale: {prior}")
    res.sigma = sigma
    res.prior = prior

    # -- MAP, the penalised equivalent and find_MAP: the one comparison, bayesreg.check_equivalence
    if inf.map or inf.sklearn or inf.find_map:
        what = "exact MAP, scikit-learn" + (" and PyMC find_MAP (compiles the model)" if inf.find_map else "")
        at = f"{spec.family} likelihood" if glm else f"sigma={sigma:.4g}"
        noise = glm if glm else {"sigma": sigma}
        rep = steps.run(f"{what} at {prior}, {at}", bayesreg.check_equivalence, X, y, prior,
                        feature_names=names, find_map=inf.find_map, **noise)  # fmt: skip
        res.equivalence_report = rep
        shown = {"sklearn": inf.sklearn, "exact": inf.map, "find_map": inf.find_map}
        label = {"sklearn": "sklearn", "exact": "exact MAP", "find_map": "find_MAP"}
        for key, row in rep.rows.items():
            if shown[key]:
                columns[label[key]] = np.r_[row.coef, row.intercept] + 0.0  # + 0.0: no -0 in the table
        if "sklearn" in rep.rows:
            a, b = rep.rows["sklearn"].coef, rep.rows["exact"].coef
            res.equivalence = {
                "max |exact MAP - sklearn|": float(np.max(np.abs(a - b))),
                "relative": float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-300)),
                "same support": bool(np.array_equal(a != 0, b != 0)),
                "sklearn estimator": rep.sklearn_estimator,
            }

    if inf.posterior and not sample_first:
        res.idata = steps.run(f"sampling the posterior ({inf.chains} x {inf.draws} draws)", sample)
    if res.idata is not None:
        summ, res.diagnostics = _summarise_posterior(res.idata, names, inf.hdi_prob)
        columns.update(summ)
    if want_dss and res.idata is not None:
        res.sparse_summary = steps.run("sparse summary of the posterior (DSS)", bayesreg.sparse_summary,
                                       res.idata, X, "dss")

    if inf.shrinkage:
        res.shrinkage = steps.run(f"shrinkage over {inf.n_scales} prior scales", _shrinkage, spec, X, y, names,
                                  prior, sigma, inf, glm)

    if data.coef is not None:
        columns["truth"] = np.r_[data.coef, data.intercept if data.intercept is not None else np.nan]
    res.estimates = pd.DataFrame(columns, index=[*names, "intercept"])
    res.timings = steps.timings
    res.warnings = steps.warnings
    return res


def scales_note(spec: ModelSpec, feature_names, prior=None) -> str:
    """One sentence on ``[prior.scales]``: the unpenalised features, those with their own scale, the rest.

    Parameters
    ----------
    spec : ModelSpec
        A spec with ``[prior.scales]``.
    feature_names : sequence of str
        The data's features, in column order.
    prior : Laplace or Gaussian, optional
        The prior used, with its per-feature scales: with ``scale = "empirical_bayes"`` the
        scales at the chosen common scale (without it the note gives the ratios only).

    Returns
    -------
    str
    """
    names = [str(f) for f in feature_names]
    vector = spec.scale_vector(names)
    word = spec.prior.prior_class.scale_symbol
    if spec.prior.scale == "empirical_bayes":
        return _chosen_scales_note(spec, names, vector, word, prior)
    free = [f for f, v in zip(names, vector, strict=True) if f in spec.prior.scales and not np.isfinite(v)]
    own = [f"{f} = {v:g}" for f, v in zip(names, vector, strict=True) if f in spec.prior.scales and np.isfinite(v)]
    rest = len(names) - len(free) - len(own)
    parts = []
    if free:
        parts.append(f"unpenalised (flat prior, scale inf): {', '.join(free)}")
    if own:
        parts.append(f"own scale {word}: {', '.join(own)}")
    if rest:
        parts.append(f"the other {rest} feature{'s' if rest != 1 else ''}: the common scale {word} = "
                     f"{spec.prior.scale:g}")
    return "per-feature prior scales ([prior.scales]): " + "; ".join(parts)


def _chosen_scales_note(spec: ModelSpec, names, ratios, word: str, prior) -> str:
    """:func:`scales_note` with ``scale = "empirical_bayes"``: the ratios held fixed, the chosen scales."""
    chosen = prior.scale if prior is not None and getattr(prior, "per_coefficient", False) else None
    free = [f for f, v in zip(names, ratios, strict=True) if not np.isfinite(v)]
    own, rest = [], []
    for j, (f, v) in enumerate(zip(names, ratios, strict=True)):
        if not np.isfinite(v):
            continue
        if f in spec.prior.scales:
            at = "" if chosen is None else f" = {chosen[j]:.4g}"
            own.append(f"{f} = {v:g} x {word}{at}")
        else:
            rest.append(j)
    parts = []
    if free:
        parts.append(f"unpenalised (flat prior, scale inf): {', '.join(free)}")
    if own:
        parts.append(f"own scale: {', '.join(own)}")
    if rest:
        at = "" if chosen is None else f" = {chosen[rest[0]]:.4g}"
        parts.append(f"the other {len(rest)} feature{'s' if len(rest) != 1 else ''}: the common scale {word}{at}")
    return ("per-feature prior scales ([prior.scales], ratios to the common scale held fixed while empirical Bayes "
            "chose it): " + "; ".join(parts))  # fmt: skip


def _shrinkage(spec, X, y, names, prior, sigma, inf, glm):
    """The shrinkage table over the spec's grid of scales (a GLM: its family, no sigma)."""
    import bayesreg

    vector = getattr(prior, "per_coefficient", False)
    # per-feature scales: the grid is over the common scale (the geometric mean), the ratios fixed
    base = prior.split()[0].scale if vector else prior.scale if hasattr(prior, "scale") else sigma / prior.lam
    lo, hi = inf.scale_range
    scales = base * np.logspace(np.log10(lo), np.log10(hi), inf.n_scales)
    noise = glm if glm else {"sigma": sigma}
    # the prior itself with per-feature scales (their ratios held fixed), else its class (ParkCasella: Laplace)
    prior_family = prior if vector else type(prior)
    return bayesreg.shrinkage_table(
        X, y, prior_family,
        scales=scales, draws=inf.draws, tune=inf.tune, chains=inf.chains, random_seed=inf.seed,
        hdi_prob=inf.hdi_prob, feature_names=names, **noise,
    )


# --------------------------------------------------------------------------------------------
# printing and writing
# --------------------------------------------------------------------------------------------


def format_table(res: RunResult) -> str:
    """The summary as plain text: estimates per feature, then the equivalence and diagnostics lines."""
    import pandas as pd

    spec = res.spec
    lines = [f"{spec.name}: {spec.description}".rstrip(": "), f"data: {res.data!r}"]
    if not spec.likelihood.is_gaussian:
        lines.append(f"likelihood: {spec.family} (no noise scale)")
    lines.append(f"posterior prior: {res.posterior_prior}" if res.posterior_prior is not None else "")
    if res.prior is not None:
        lines.append(f"MAP prior: {res.prior}")
    if res.sigma is not None:
        lines.append(f"sigma = {res.sigma:.6g} ({res.sigma_note})")
    lines.extend(res.notes)
    with pd.option_context("display.float_format", "{:.5g}".format, "display.width", 160,
                           "display.max_rows", 60, "display.max_columns", 20):
        est = res.estimates
        if len(est) > 41:  # p > 40: show the largest posterior means / MAP values only
            key = est.columns[0]
            keep = est.drop(index="intercept")[key].abs().sort_values(ascending=False).index[:20]
            est = est.loc[[*sorted(keep, key=list(est.index).index), "intercept"]]
            lines.append(f"(showing the 20 largest of {len(res.estimates) - 1} coefficients by {key})")
        lines.append(est.to_string())
    if "hdi low" in res.estimates.columns:
        lines.append(_interval_note(res))
    if res.equivalence:
        e = res.equivalence
        lines.append(
            f"exact MAP vs {e['sklearn estimator']}: max |diff| = {e['max |exact MAP - sklearn|']:.3g} "
            f"(relative {e['relative']:.2g}), same support: {e['same support']}"
        )
    if res.equivalence_report is not None:
        rep = res.equivalence_report
        lines += [f"  [{'PASS' if ok else 'FAIL'}] {key}: {msg}" for key, (ok, msg) in rep.checks.items()]
    if res.diagnostics:
        d = res.diagnostics
        lines.append(
            f"posterior: {d['draws']} draws, max R-hat {d['max r_hat']:.3f}, min bulk ESS {d['min ess_bulk']:.0f}, "
            f"min tail ESS {d['min ess_tail']:.0f}, divergences {d['divergences']}"
        )
    if res.sparse_summary is not None:
        lines.append(_sparse_sentence(res.sparse_summary))
    lines.extend(f"sampling warning: {w}" for w in res.warnings)
    return "\n".join(line for line in lines if line)


def _interval_note(res: RunResult) -> str:
    # ArviZ 1's summary defaults to 89% equal-tailed intervals, 0.x's to 94% HDIs: the table says
    # which it shows, and it is computed here (hdi_from_draws), the same on every stack
    prob = res.spec.effective_inference().hdi_prob
    return f"hdi low / hdi high: the {100 * prob:g}% highest-density interval of the posterior draws"


def _sparse_sentence(summary) -> str:
    """One line: the chosen size, its variables and the variance explained against the full model's."""
    t = summary.table
    row = t[t["size"] == summary.chosen_size].iloc[0]
    band = f"{100 * summary.level:g}% {summary.interval}"
    full = summary.full
    return (f"sparse summary (DSS): chosen size {summary.chosen_size} of {len(summary.coef)}: "
            f"{', '.join(summary.selected) or 'none'}; rho2 {row['rho2_mean']:.4g} [{row['rho2_low']:.4g}, "
            f"{row['rho2_high']:.4g}] against the full model's {full['rho2_mean']:.4g} "
            f"[{full['rho2_low']:.4g}, {full['rho2_high']:.4g}] ({band})")


def _equivalence_section(rep) -> list[str]:
    """Markdown: the solutions' objectives and supports, and each check with its verdict."""
    md = ["## Equivalence: exact MAP vs scikit-learn vs find_MAP", ""]
    if getattr(rep, "family", "gaussian") == "gaussian":
        md.append(f"{rep.prior} with sigma = {rep.sigma:g}, the penalty `{rep.penalty}`; scikit-learn "
                  f"`{rep.sklearn_estimator}`. Objective: 1/(2n) ||y - b0 - X beta||^2 + penalty(beta), the "
                  "negative log posterior times sigma^2/n up to a constant.")
    else:
        md.append(f"{rep.family} likelihood, {rep.prior}, the penalty `{rep.penalty}`; scikit-learn "
                  f"`{rep.sklearn_estimator}`. Objective: the mean loss (half the mean deviance) + penalty(beta), "
                  "the negative log posterior over n up to a constant.")
    md += ["", "| solution | objective | non-zero | seconds | note |", "|---|---|---|---|---|"]
    for row in rep.rows.values():
        md.append(f"| {row.name} | {row.objective:.12g} | {row.support.size} | {row.seconds:.3g} | {row.note} |")
    md += ["", "The coefficients are the columns of the table above."]
    md += [""] + [f"- **{'PASS' if ok else 'FAIL'}** {key}: {msg}" for key, (ok, msg) in rep.checks.items()]
    md += ["", f"Verdict: **{'PASS' if rep.passed else 'FAIL'}**.", ""]
    return md


def _sparse_section(summary, figure: str | None) -> list[str]:
    """Markdown: what DSS does, the table of model sizes, the chosen model and its figure."""
    band = f"{100 * summary.level:g}% {summary.interval}"
    md = [
        "## Sparse summary",
        "",
        "The posterior mean of a Laplace or horseshoe model is never sparse. Decoupled shrinkage and selection "
        "(Hahn and Carvalho 2015) summarises it by the adaptive lasso fitted to the posterior mean's fit, along "
        "its whole path (`bayesreg.sparse_summary`), and judges each model size by the posterior of its "
        "variance explained (rho^2: the model's, with the summary's distance to the model's fit counted as "
        "noise). The chosen size is the smallest whose band reaches the full "
        f"model's posterior mean; bands are {band}.",
        "",
        "| size | variables | rho^2 mean | low | high |",
        "|---|---|---|---|---|",
    ]
    for _, r in summary.table.iterrows():
        mark = " **(chosen)**" if int(r["size"]) == summary.chosen_size else ""
        md.append(f"| {int(r['size'])}{mark} | {', '.join(r['support']) or '(none)'} | {r['rho2_mean']:.4g} | "
                  f"{r['rho2_low']:.4g} | {r['rho2_high']:.4g} |")
    full = summary.full
    md.append(f"| full model | all | {full['rho2_mean']:.4g} | {full['rho2_low']:.4g} | {full['rho2_high']:.4g} |")
    md += ["", f"Chosen model: {summary.chosen_size} variable(s): {', '.join(summary.selected) or 'none'}.", ""]
    md += [f"- note: {n}" for n in summary.notes]
    if figure is not None:
        md += [f"![sparse summary]({figure})", ""]
    return md


def _markdown_table(df) -> str:
    cols = ["", *map(str, df.columns)]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        out.append("| " + " | ".join([str(idx), *(f"{v:.5g}" if np.isfinite(v) else "" for v in row)]) + " |")
    return "\n".join(out)


def write_report(res: RunResult, out_dir, *, force: bool = False) -> Path:
    """Write the report folder: ``report.md``, PNG figures, ``coefficients.csv``, ``posterior.nc``.

    Every file goes to a temporary name in the folder and is then renamed over its final name; a
    link in the folder is never written through; an ``INCOMPLETE`` marker exists while writing; the
    manifest ``.bayesreg-manifest.json`` lists what was written, and the previous run's files that
    this one did not write again are removed (files no manifest lists are never removed).

    Parameters
    ----------
    res : RunResult
    out_dir : path-like or ReportFolder
        The folder (created if missing, checked and locked here), or a
        :class:`~bayesreg._outdir.ReportFolder` already opened (``bayesreg run`` opens it before fitting).
    force : bool, default=False
        Write into a non-empty folder this package did not write (ignored for an opened folder).

    Returns
    -------
    Path
        The ``report.md`` file.

    Raises
    ------
    bayesreg._outdir.OutputFolderError
        The folder cannot be used (a file, not writable, foreign files, another run writing).
    """
    if isinstance(out_dir, ReportFolder):
        return _write_report(res, out_dir)
    with ReportFolder(out_dir, force=force, spec_name=res.spec.name) as folder:
        return _write_report(res, folder)


def _write_report(res: RunResult, folder: ReportFolder) -> Path:
    import matplotlib.pyplot as plt

    from . import plotting

    out = folder.path
    spec = res.spec
    folder.start()
    folder.write_text("coefficients.csv", res.estimates.to_csv(index_label="feature"))
    if spec.path is not None:
        folder.write_bytes("spec.toml", Path(spec.path).read_bytes())
    figures = []

    def save(fig_or_ax, name, caption, listed=True):
        fig = fig_or_ax if hasattr(fig_or_ax, "savefig") else fig_or_ax.figure
        try:
            with folder.temporary(name) as tmp:
                fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
        finally:
            plt.close(fig)
        if listed:
            figures.append((name, caption))

    est = res.estimates.drop(index="intercept")
    p = len(est)
    top = est.index
    if p > 30:  # keep figures readable: the 30 largest by the first column
        top = est[est.columns[0]].abs().sort_values(ascending=False).index[:30]
    points = [c for c in ("sklearn", "exact MAP", "find_MAP", "posterior mean", "truth") if c in est.columns]
    if points:
        save(plotting.plot_map_vs_sklearn(est.loc[top, points]), "estimates.png",
             "Point estimates side by side: the penalised fit (scikit-learn), the exact MAP, find_MAP, "
             "the posterior mean (and the truth for simulated data).")
    if res.idata is not None:
        idata = res.idata
        if p > 30:
            idata = idata.sel(feature=list(top))
        marks = {c: est.loc[top, c].to_numpy() for c in ("exact MAP", "truth") if c in est.columns}
        save(plotting.plot_credible_intervals(idata, point_estimates=marks or None,
                                              hdi_prob=spec.inference.hdi_prob),
             "intervals.png", "Posterior medians and HDIs, with the MAP as markers.")
        save(plotting.plot_posterior_forest({spec.prior.word: idata}), "forest.png", "ArviZ forest plot.")
        with folder.temporary("posterior.nc") as tmp:
            idata.to_netcdf(str(tmp))
    sparse_png = None
    if res.sparse_summary is not None:
        table = res.sparse_summary.table.copy()
        table["support"] = [" ".join(s) for s in table["support"]]
        folder.write_text("sparse_summary.csv", table.to_csv(index=False))
        sparse_png = "sparse_summary.png"
        save(plotting.plot_sparse_summary(res.sparse_summary), sparse_png, "", listed=False)
    if res.shrinkage is not None:
        folder.write_text("shrinkage.csv", res.shrinkage.to_csv(index=False))
        save(plotting.plot_shrinkage(res.shrinkage, features=[str(f) for f in top][:12]), "shrinkage.png",
             "The MAP path beside the posterior mean and HDI band over the prior scale.")

    md = [f"# {spec.name}", "", spec.description, ""]
    md += [f"- data: {res.data.description} ({res.data.n_samples} x {res.data.n_features})"]
    if not spec.likelihood.is_gaussian:
        md.append(f"- likelihood: {spec.family} (a GLM: no noise scale; the MAP is the penalised {spec.family} "
                  "regression)")
    if res.posterior_prior is not None:
        md.append(f"- prior (posterior): `{res.posterior_prior}`")
    if res.prior is not None:
        md.append(f"- prior (MAP): `{res.prior}`")
    if res.sigma is not None:
        md.append(f"- sigma: {res.sigma:.6g} ({res.sigma_note})")
    md += [f"- {note}" for note in res.notes]
    if res.equivalence:
        e = res.equivalence
        md.append(f"- exact MAP against `{e['sklearn estimator']}`: max abs difference "
                  f"{e['max |exact MAP - sklearn|']:.3g}, same support: {e['same support']}")
    if res.diagnostics:
        d = res.diagnostics
        md.append(f"- posterior: {d['draws']} draws; max R-hat {d['max r_hat']:.3f}; min bulk ESS "
                  f"{d['min ess_bulk']:.0f}; divergences {d['divergences']}")
    md += [f"- sampling warning: {w}" for w in res.warnings]
    md += ["", "## Coefficients", "", _markdown_table(res.estimates), ""]
    if "hdi low" in res.estimates.columns:
        md += [_interval_note(res) + ".", ""]
    if res.equivalence_report is not None:
        md += _equivalence_section(res.equivalence_report)
    if res.sparse_summary is not None:
        md += _sparse_section(res.sparse_summary, sparse_png)
    for name, caption in figures:
        md += [f"## {Path(name).stem}", "", caption, "", f"![{Path(name).stem}]({name})", ""]
    md += ["## Files", "", "- `coefficients.csv`: the table above"]
    if res.idata is not None:
        md.append("- `posterior.nc`: the InferenceData (`arviz.from_netcdf`)")
    if res.shrinkage is not None:
        md.append("- `shrinkage.csv`: the shrinkage table")
    if res.sparse_summary is not None:
        md.append("- `sparse_summary.csv`: the sparse summary per model size")
    md.append("- timings: " + ", ".join(f"{k}: {v:.1f} s" for k, v in res.timings.items()))
    folder.write_text("report.md", "\n".join(md) + "\n")
    folder.finish()
    return out / "report.md"
