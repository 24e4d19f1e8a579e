r"""Model specs: TOML files that say which data, which prior, which noise scale and which inference.

A spec is data, never code: it is parsed with :mod:`tomllib` and checked against a fixed schema.
An unknown key, a missing file, a wrong type or a bad value raises :class:`SpecError`, whose
message names the file and the key (``models/x.toml: [prior] scale: must be > 0; got -1``),
before any fitting starts. The accepted keys are :data:`SCHEMA` (and, for ``[data.params]``,
:func:`data_params`); sizes are bounded by :data:`LIMITS`. The user's page is ``docs/specs.md``
(a test checks that it documents every key of :data:`SCHEMA`).

Layout of a spec (every table and key; defaults in brackets)::

    name = "diabetes_laplace"          # [the file name without .toml]
    description = "one line"           # [""]

    [data]                             # exactly one of dataset / generator / csv
    dataset = "diabetes"               # a bundled data set: "diabetes", "breast_cancer"
    generator = "sparse"               # or a generator: "cosine", "polynomial", "sparse"
    csv = "data/small.csv"             # or a CSV file, relative to the spec's folder
    target = "y"                       # with csv: the target column (required)
    features = ["a", "b"]              # with csv: feature columns [all others]
    [data.params]                      # keyword arguments of the loader or generator
    n_samples = 50

    [prior]
    family = "laplace"                 # "laplace", "park_casella", "gaussian", "horseshoe", "flat" (no scale)
    scale = 50.0                       # laplace b / gaussian tau: a number, "empirical_bayes" or "hyperprior"
    lam = 0.3                          # park_casella lambda: a number, "empirical_bayes" or "hyperprior"
    global_scale = 1.0                 # horseshoe [1.0]
    [prior.hyperprior]                 # with "hyperprior": Gamma(shape, rate) on lambda^2 (laplace,
    shape = 1.0                        #   park_casella) [1, 1.78, Park and Casella's choice];
    rate = 1.78                        #   InverseGamma(shape, scale) on tau^2 (gaussian) [1, 1]
    [prior.scales]                     # laplace / gaussian with a number scale: per-feature scales by
    bmi = inf                          #   column name (inf or "inf": unpenalised, a flat prior); the
    s5 = 2.0                           #   features not named keep the common scale [none]; with
                                       #   "empirical_bayes": multiples of the chosen common scale

    [likelihood]                       # [the linear model: family = "gaussian"]
    family = "bernoulli"               # "gaussian", "bernoulli" (logistic), "binomial", "poisson"
    trials = "n"                       # binomial only: a CSV column of trial counts, or one integer

    [noise]                            # gaussian likelihood only (required there; a GLM has no sigma)
    sigma = 54.0                       # a number (fixed), "estimate" (plug-in, then fixed),
                                       # "jeffreys" (free in the posterior, p(sigma) ~ 1/sigma),
                                       # "flat" (free, p(sigma) ~ 1, Stan's default) or a
                                       # prior on sigma, free in the posterior: "halfnormal(s)",
                                       # "halfcauchy(s)", "halfstudentt(nu, s)", "exponential(rate)",
                                       # "uniform(upper)"

    [inference]
    map = true                         # exact MAP by the package's solvers [true]
    sklearn = true                     # the penalised equivalent fitted by scikit-learn [true]
    find_map = false                   # PyMC's find_MAP (compiles a model; slow) [false]
    posterior = true                   # sample the posterior [true]
    sampler = "auto"                   # "auto", "gibbs", "nuts" ["auto"]
    draws = 1000                       # per chain, 1 to 1e6 [1000]
    tune = 1000                        # 0 to 1e6 [1000]
    chains = 2                         # 1 to 64 [2]
    seed = 0                           # 0 to 2**32 - 1 [0]
    hdi_prob = 0.94                    # [0.94]
    shrinkage = false                  # MAP path and posterior over a grid of prior scales (with
                                       #   [prior.scales]: of the common scale, ratios fixed) [false]
    n_scales = 8                       # grid length, 2 to 200 [8]
    scale_range = [0.1, 10.0]          # grid from lo * scale to hi * scale, within [1e-6, 1e6] [[0.1, 10]]

A GLM (a ``[likelihood] family`` other than ``"gaussian"``) has no noise scale: no ``[noise]``
table, a fixed prior scale (a number, or the horseshoe), no ``park_casella`` prior (it is defined
through sigma) and no ``shrinkage`` grid.

``bayesreg run --fast`` (or ``BAYESREG_FAST=1``, read by the command) shrinks draws, tune and the
grid (:meth:`ModelSpec.effective_inference` with ``fast=True``).
"""

from __future__ import annotations

import inspect
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .families import FAMILY_NAMES
from .noise import SIGMA_WORDS as _NOISE_WORDS
from .noise import SigmaSpec, parse_sigma
from .priors import Flat, Gaussian, Horseshoe, Laplace, ParkCasella, Prior
from .sampling import GRID_SAMPLER_NAMES

__all__ = [
    "SpecError",
    "ModelSpec",
    "DataSpec",
    "PriorSpec",
    "LikelihoodSpec",
    "InferenceSpec",
    "load_spec",
    "parse_spec",
    "find_specs",
    "resolve_spec",
    "models_dirs",
    "fast_mode",
    "DEFAULT_SPEC",
    "SCHEMA",
    "LIMITS",
    "data_params",
]

DEFAULT_SPEC = "diabetes_laplace"
# The vocabularies are the library's (each word defined once, by the module that owns the fact); a
# spec accepts these subsets of them.
#: the priors a spec can name (``[prior] family``): their words (:attr:`bayesreg.priors.Prior.word`)
PRIOR_WORDS = tuple(cls.word for cls in (Laplace, ParkCasella, Gaussian, Horseshoe, Flat))
CHOOSERS = ("empirical_bayes", "hyperprior")
#: the samplers a spec can name (:data:`bayesreg.sampling.GRID_SAMPLER_NAMES`)
SAMPLERS = GRID_SAMPLER_NAMES
#: the words of ``[noise] sigma`` (the noise model's, :data:`bayesreg.noise.SIGMA_WORDS`, but its
#: ``"default"``: a spec says which prior it puts on sigma); priors on sigma are written as text
SIGMA_WORDS = tuple(w for w in _NOISE_WORDS if w != "default")
GENERATORS = ("cosine", "polynomial", "sparse")
BUNDLED = ("diabetes", "breast_cancer")
#: the likelihood families (:data:`bayesreg.families.FAMILY_NAMES`)
LIKELIHOODS = FAMILY_NAMES
#: the priors that take per-feature scales (``[prior.scales]``): one scale per coefficient
SCALED_PRIORS = (Laplace.word, Gaussian.word)
#: the word for an unpenalised feature in ``[prior.scales]`` (TOML's float ``inf`` also works)
UNPENALISED = "inf"

#: Every table of a spec and the keys it accepts (``[data.params]``: see :func:`data_params`;
#: ``[prior.scales]``: the data's feature names, checked once the data are loaded). The
#: checkers below read this table, and the docs test checks that ``docs/specs.md`` documents each key.
SCHEMA = {
    "": ("name", "description", "data", "likelihood", "prior", "noise", "inference"),
    "[data]": ("dataset", "generator", "csv", "target", "features", "params", "standardize"),
    "[likelihood]": ("family", "trials"),
    "[prior]": ("family", "scale", "lam", "global_scale", "hyperprior", "scales"),
    "[prior.hyperprior]": ("shape", "rate", "scale"),
    "[noise]": ("sigma",),
    "[inference]": ("map", "sklearn", "find_map", "posterior", "sampler", "draws", "tune", "chains", "seed",
                    "hdi_prob", "shrinkage", "n_scales", "scale_range"),
}

#: Upper bounds on sizes, checked before any data are generated or anything is fitted. They keep
#: a run within the memory of an ordinary machine and within the integers every sampler accepts:
#: ``n_samples * n_features <= 1e8`` is an 800 MB float64 design; ``chains * draws`` times
#: ``(features + 3)`` stored draws <= 1e8 is the same for the posterior (checked once the data are
#: loaded, :func:`bayesreg.report.prepare_run`); a seed is a 32-bit unsigned integer.
LIMITS = {
    "draws": 1_000_000,
    "tune": 1_000_000,
    "chains": 64,
    "seed": 2**32 - 1,
    "n_scales": 200,
    "n_samples": 10_000_000,
    "n_features": 100_000,
    "n_informative": 100_000,
    "design_values": 100_000_000,
    "posterior_values": 100_000_000,
    "scale_range": (1e-6, 1e6),
}
# characters a spec name (which becomes a folder name) may not contain
_NAME_FORBIDDEN = set('/\\<>:"|?*') | {chr(i) for i in range(32)} | {chr(127)}


class SpecError(ValueError):
    """A model spec that cannot be used: the message names the file and the key."""

    def __init__(self, path, key: str, problem: str):
        self.path = None if path is None else Path(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: " if self.path is not None else ""
        super().__init__(f"{where}{key}: {problem}")


def fast_mode() -> bool:
    """Whether ``BAYESREG_FAST`` is set to a true value (``1``, ``true``, ``yes``, ``on``).

    The one reader of that variable; only the command (:mod:`bayesreg.cli`) asks it, and passes
    the answer on as ``fast=`` (library code reads no environment variable).
    """
    return os.environ.get("BAYESREG_FAST", "").strip().lower() in ("1", "true", "yes", "on")


# --------------------------------------------------------------------------------------------
# the parts of a spec
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSpec:
    """Where the data come from: exactly one of ``dataset``, ``generator``, ``csv``."""

    dataset: str | None = None
    generator: str | None = None
    csv: Path | None = None
    target: str | None = None
    features: tuple[str, ...] | None = None
    params: dict = field(default_factory=dict)
    standardize: bool = False

    @property
    def label(self) -> str:
        """A short description: ``diabetes``, ``sparse(n_samples=50)``, ``file.csv``."""
        if self.csv is not None:
            return f"{self.csv.name} (target {self.target!r})"
        name = self.dataset or self.generator
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{name}({args})" if args else str(name)


@dataclass(frozen=True)
class PriorSpec:
    """The coefficient prior: its word, its scale (a number or how to choose it), hyperprior parameters.

    Attributes
    ----------
    word : str
        The prior's word (the spec's ``[prior] family``; :attr:`bayesreg.priors.Prior.word`).
    scale : float, str or None
        The common scale, or the word that chooses it (``"empirical_bayes"``, ``"hyperprior"``).
    hyperprior : dict
        ``[prior.hyperprior]`` with its defaults filled in.
    scales : dict
        ``[prior.scales]``: feature name -> its own scale (``inf``: unpenalised), in the file's
        order; empty when the spec gives none. The other features keep ``scale``.
    """

    word: str
    scale: float | str | None = None
    hyperprior: dict = field(default_factory=dict)
    scales: dict = field(default_factory=dict)

    @property
    def family(self) -> str:
        """Deprecated name of :attr:`word` ("family" is the likelihood's word)."""
        from ._warnings import warn

        warn("PriorSpec.family is deprecated: use PriorSpec.word (family names the likelihood)", DeprecationWarning)
        return self.word

    @property
    def prior_class(self) -> type:
        """The :class:`~bayesreg.priors.Prior` subclass named by :attr:`word`."""
        return Prior.named(self.word)

    @property
    def chosen(self) -> bool:
        """Whether the scale is chosen from the data (empirical Bayes or hyperprior) rather than given."""
        return isinstance(self.scale, str)

    @property
    def scale_name(self) -> str:
        """The name of the scale parameter in the spec (``scale``, ``lam`` or ``global_scale``)."""
        return self.prior_class.scale_field or "scale"


@dataclass(frozen=True)
class LikelihoodSpec:
    """The likelihood family of ``y`` given the linear predictor (:mod:`bayesreg.families`).

    Attributes
    ----------
    family : str
        ``"gaussian"`` (the linear model, with the noise scale of ``[noise]``), ``"bernoulli"``
        (logistic regression), ``"binomial"`` or ``"poisson"``.
    trials : int, str or None
        Binomial only: one number of trials for every row, or the name of the CSV column that
        holds them.
    """

    family: str = "gaussian"
    trials: int | str | None = None

    @property
    def is_gaussian(self) -> bool:
        """Whether this is the linear model (the only family with a noise scale)."""
        return self.family == "gaussian"


@dataclass(frozen=True)
class InferenceSpec:
    """What to compute."""

    map: bool = True
    sklearn: bool = True
    find_map: bool = False
    posterior: bool = True
    sampler: str = "auto"
    draws: int = 1000
    tune: int = 1000
    chains: int = 2
    seed: int = 0
    hdi_prob: float = 0.94
    shrinkage: bool = False
    n_scales: int = 8
    scale_range: tuple[float, float] = (0.1, 10.0)

    def fast(self) -> InferenceSpec:
        """The same, shrunk for a fast run: at most 300 draws and tune, 4 prior scales."""
        return replace(self, draws=min(self.draws, 300), tune=min(self.tune, 300), n_scales=min(self.n_scales, 4))


@dataclass(frozen=True)
class ModelSpec:
    """A validated model spec (see the module docstring for the file format)."""

    name: str
    description: str
    data: DataSpec
    prior: PriorSpec
    sigma: float | str | None
    inference: InferenceSpec
    path: Path | None = None
    likelihood: LikelihoodSpec = field(default_factory=LikelihoodSpec)
    #: ``sigma`` parsed once by the noise model (:func:`bayesreg.noise.parse_sigma`); ``None`` for a GLM
    noise: SigmaSpec | None = None

    def __post_init__(self):
        if self.noise is None and self.likelihood.is_gaussian:
            object.__setattr__(self, "noise", parse_sigma(self.sigma))

    @property
    def family(self) -> str:
        """The likelihood family's name (``"gaussian"`` for the linear model)."""
        return self.likelihood.family

    def trials(self, data):
        """The binomial trials of ``data`` (None for other families): the spec's number, or its CSV column.

        Parameters
        ----------
        data : bayesreg.datasets.Dataset
            What :meth:`load_data` returned (a CSV's trials column is in ``data.extra["trials"]``).

        Returns
        -------
        int, ndarray or None
        """
        t = self.likelihood.trials
        if isinstance(t, str):
            return data.extra["trials"]
        return t

    def scale_vector(self, feature_names) -> tuple[float, ...] | None:
        """One prior scale per feature: ``[prior.scales]`` where named, the common scale elsewhere.

        Parameters
        ----------
        feature_names : sequence of str
            The loaded data's feature names, in column order.

        Returns
        -------
        tuple of float or None
            None when the spec has no ``[prior.scales]``; ``inf`` marks an unpenalised feature.
            With ``scale = "empirical_bayes"`` the vector is relative: 1 for the features not
            named, the named ones as multiples of the common scale to be chosen.

        Raises
        ------
        SpecError
            Naming ``[prior.scales]`` and the feature: a name that is not a feature (the valid
            ones listed), or every feature unpenalised.
        """
        p = self.prior
        if not p.scales:
            return None
        return _scale_vector(_Checker(self.path), p, [str(f) for f in feature_names], self.data.label)

    def effective_inference(self, fast: bool = False) -> InferenceSpec:
        """The inference settings, shrunk (:meth:`InferenceSpec.fast`) for a fast run."""
        return self.inference.fast() if fast else self.inference

    def load_data(self):
        """Load or generate the data; errors name the spec file and the ``[data]`` key.

        Returns
        -------
        bayesreg.datasets.Dataset
        """
        from . import datasets

        d = self.data
        if d.csv is not None:
            t = self.likelihood.trials
            data = _load_csv(d, self.path, trials_column=t if isinstance(t, str) else None)
        else:
            try:
                data = datasets.get_dataset(d.dataset or d.generator, **d.params)
            except (TypeError, ValueError) as exc:
                raise SpecError(self.path, "[data.params]", str(exc)) from exc
        return _standardized(data) if d.standardize else data

    def make_prior(self, scale: float | None = None, feature_names=None):
        """The :mod:`bayesreg.priors` object, at ``scale`` when the spec's scale is chosen from data.

        With ``scale = "hyperprior"`` the prior carries its hyperprior (``ParkCasella(lam2_prior=...)``
        or ``Gaussian(tau2_prior=...)``) and ``scale`` is only its starting value. With
        ``[prior.scales]`` it is ``Laplace(scale=vector)`` or ``Gaussian(scale=vector)``, one scale
        per feature (:meth:`scale_vector`), which needs ``feature_names``; with
        ``scale = "empirical_bayes"`` the relative vector times ``scale`` (1 when omitted: the
        relative factors that :func:`bayesreg.choose_prior_scale` holds fixed).
        """
        from .priors import GammaPrior, InverseGammaPrior

        p = self.prior
        cls = p.prior_class
        if cls.scale_field is None:  # the flat prior: nothing to set
            return cls()
        if p.scales:
            if feature_names is None:
                raise ValueError("the spec gives per-feature scales ([prior.scales]): pass the data's feature_names=")
            vector = self.scale_vector(feature_names)
            if p.chosen and scale is not None:
                vector = tuple(float(scale) * v for v in vector)
            return cls(vector)
        value = p.scale if not p.chosen else scale
        if p.scale == "hyperprior":
            start = 1.0 if value is None else float(value)
            if cls is Gaussian:
                return Gaussian(start, tau2_prior=InverseGammaPrior(**p.hyperprior))
            # lambda^2 ~ Gamma(r, delta): the Park-Casella form (the scale is sigma / lambda)
            return ParkCasella(start, lam2_prior=GammaPrior(**p.hyperprior))
        if value is None:
            raise ValueError(f"the spec chooses the prior scale by {p.scale!r}: pass the chosen value as scale=")
        return cls(**{cls.scale_field: float(value)})


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _kind(v) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(v), type(v).__name__)


class _Checker:
    def __init__(self, path):
        self.path = path

    def fail(self, key, problem):
        raise SpecError(self.path, key, problem)

    def table(self, doc, key, allowed, required=()):
        if not isinstance(doc, dict):
            self.fail(key, f"must be a table; got {_kind(doc)}")
        unknown = sorted(set(doc) - set(allowed))
        if unknown:
            self.fail(f"{key} {unknown[0]}" if key else unknown[0],
                      f"unknown key; allowed keys here: {', '.join(sorted(allowed))}")
        for r in required:
            if r not in doc:
                self.fail(f"{key} {r}" if key else r, "is required")
        return doc

    def string(self, v, key, choices=None):
        if not isinstance(v, str):
            self.fail(key, f"must be a string; got {_kind(v)} {v!r}")
        if choices is not None and v not in choices:
            self.fail(key, f"must be one of {', '.join(repr(c) for c in choices)}; got {v!r}")
        return v

    def boolean(self, v, key):
        if not isinstance(v, bool):
            self.fail(key, f"must be true or false; got {_kind(v)} {v!r}")
        return v

    def number(self, v, key, *, lower=None, upper=None, strict=True):
        if not _is_number(v):
            self.fail(key, f"must be a number; got {_kind(v)} {v!r}")
        v = float(v)
        if not np.isfinite(v):
            self.fail(key, f"must be finite; got {v!r}")
        if lower is not None and (v <= lower if strict else v < lower):
            self.fail(key, f"must be {'>' if strict else '>='} {lower:g}; got {v:g}")
        if upper is not None and (v >= upper if strict else v > upper):
            self.fail(key, f"must be {'<' if strict else '<='} {upper:g}; got {v:g}")
        return v

    def integer(self, v, key, lower, upper=None):
        if not isinstance(v, int) or isinstance(v, bool):
            self.fail(key, f"must be an integer; got {_kind(v)} {v!r}")
        if v < lower or (upper is not None and v > upper):
            usable = f">= {lower}" + (f" and <= {upper}" if upper is not None else "")
            self.fail(key, f"must be {usable}; got {v}")
        return v


def data_params(name: str) -> dict:
    """The ``[data.params]`` a bundled data set or generator accepts, with their defaults (its signature)."""
    from . import datasets

    sig = inspect.signature(datasets.DATASETS[name])
    return {k: p.default for k, p in sig.parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}


def _check_params(c: _Checker, name: str, params) -> dict:
    """Check ``[data.params]`` against the loader's signature: known names, the defaults' types, size limits."""
    allowed = data_params(name)
    c.table(params, "[data.params]", allowed)
    out = {}
    for k, v in params.items():
        key = f"[data.params] {k}"
        default = allowed[k]
        if isinstance(default, bool):
            out[k] = c.boolean(v, key)
        elif isinstance(default, int) or default is None:  # integers, seeds (None default)
            out[k] = c.integer(v, key, lower=0, upper=LIMITS.get(k, LIMITS["seed"]))
        elif isinstance(default, float):
            out[k] = c.number(v, key, lower=None)
        else:  # pragma: no cover - every loader parameter has one of the above defaults
            out[k] = v
    # the design is generated in memory: n_samples x n_features (or x degree) float64 values
    size = {**allowed, **out}
    n, p = size.get("n_samples"), size.get("n_features", size.get("degree", 1))
    if isinstance(n, int) and isinstance(p, int) and n * p > LIMITS["design_values"]:
        c.fail("[data.params] n_samples", f"n_samples x {'n_features' if 'n_features' in size else 'degree'} = "
               f"{n * p:,} values; the usable range is up to {LIMITS['design_values']:,} (an 800 MB float64 "
               "design)")
    return out


def _standardized(data):
    """``data`` with each feature column divided by its sd (``[data] standardize = true``).

    The coefficients are then per sd of each feature, so one prior scale fits columns whose units
    differ by orders of magnitude. A constant column is left as it is (its sd is 0).
    """
    import dataclasses

    X = np.array(data.X, dtype=np.float64)
    sd = X.std(axis=0)
    X = X / np.where(sd > 0, sd, 1.0)
    X.setflags(write=False)
    return dataclasses.replace(data, X=X, description=f"{data.description}; each feature divided by its sd "
                               "([data] standardize)")


def _check_data(c: _Checker, doc, base: Path | None) -> DataSpec:
    c.table(doc, "[data]", SCHEMA["[data]"])
    standardize = c.boolean(doc.get("standardize", False), "[data] standardize")
    sources = [k for k in ("dataset", "generator", "csv") if k in doc]
    if len(sources) != 1:
        c.fail("[data]", "needs exactly one of dataset, generator, csv; got "
               + (", ".join(sources) if sources else "none"))
    src = sources[0]
    if src != "csv":
        for k in ("target", "features"):
            if k in doc:
                c.fail(f"[data] {k}", "is only for csv data")
        choices = BUNDLED if src == "dataset" else GENERATORS
        name = c.string(doc[src], f"[data] {src}", choices)
        params = _check_params(c, name, doc.get("params", {}))
        return DataSpec(**{src: name}, params=params, standardize=standardize)
    if "params" in doc:
        c.fail("[data] params", "is not used with csv data")
    rel = c.string(doc["csv"], "[data] csv")
    path = Path(rel) if Path(rel).is_absolute() or base is None else base / rel
    if not path.is_file():
        c.fail("[data] csv", f"file not found: {path}")
    if "target" not in doc:
        c.fail("[data] target", "is required with csv (the name of the target column)")
    target = c.string(doc["target"], "[data] target")
    features = None
    if "features" in doc:
        f = doc["features"]
        if not isinstance(f, list) or not f or not all(isinstance(s, str) for s in f):
            c.fail("[data] features", f"must be a non-empty list of column names; got {f!r}")
        if len(set(f)) != len(f):
            c.fail("[data] features", "has duplicated names")
        if target in f:
            c.fail("[data] features", f"contains the target column {target!r}")
        features = tuple(f)
    return DataSpec(csv=path, target=target, features=features, standardize=standardize)


def _check_prior(c: _Checker, doc) -> PriorSpec:
    c.table(doc, "[prior]", SCHEMA["[prior]"], required=("family",))
    family = c.string(doc["family"], "[prior] family", PRIOR_WORDS)
    cls = Prior.named(family)
    if cls.scale_field is None:  # p(beta) ∝ 1: nothing to set
        for k in ("scale", "lam", "global_scale", "hyperprior", "scales"):
            if k in doc:
                c.fail(f"[prior] {k}", "the flat prior has no parameters (p(beta) ∝ 1 on every coefficient): remove it")
        return PriorSpec(word=family)
    scale_key = cls.scale_field
    for k in ("scale", "lam", "global_scale"):
        if k in doc and k != scale_key:
            c.fail(f"[prior] {k}", f"is not a parameter of the {family} prior (it takes {scale_key})")
    key = f"[prior] {scale_key}"
    if cls is Horseshoe:  # the global scale has a default and is not chosen from the data
        scale = c.number(doc.get(scale_key, 1.0), key, lower=0.0)
    else:
        if scale_key not in doc:
            c.fail(key, f"is required: a positive number or one of {', '.join(map(repr, CHOOSERS))}")
        v = doc[scale_key]
        scale = c.string(v, key, CHOOSERS) if isinstance(v, str) else c.number(v, key, lower=0.0)
    hyper = {}
    if "hyperprior" in doc:
        if scale != "hyperprior":
            c.fail("[prior.hyperprior]", f"is only used with {scale_key} = \"hyperprior\"")
        second = "scale" if cls is Gaussian else "rate"
        c.table(doc["hyperprior"], "[prior.hyperprior]", ("shape", second))
        hyper = {k: c.number(v, f"[prior.hyperprior] {k}", lower=0.0) for k, v in doc["hyperprior"].items()}
    if scale == "hyperprior":
        # Park and Casella (2008): lambda^2 ~ Gamma(1, 1.78); an InverseGamma(1, 1) on tau^2
        defaults = {"scale": 1.0} if cls is Gaussian else {"rate": 1.78}
        hyper = {"shape": 1.0, **defaults, **hyper}
    scales = _check_scales(c, doc["scales"], family, scale_key, scale) if "scales" in doc else {}
    return PriorSpec(word=family, scale=scale, hyperprior=hyper, scales=scales)


def _check_scales(c: _Checker, doc, family: str, scale_key: str, scale) -> dict:
    """``[prior.scales]``: feature name -> a scale > 0 or ``inf`` (unpenalised).

    With a number ``scale`` the values are scales in its units; with ``scale = "empirical_bayes"``
    they are multiples of the common scale chosen from the data (a feature not named: 1).

    The names are checked against the data's features once they are loaded
    (:meth:`ModelSpec.scale_vector`); everything else here, before any data are read.
    """
    from .priors import check_scale

    key = "[prior.scales]"
    if family not in SCALED_PRIORS:
        why = {"park_casella": "has one scale sigma / lam for every coefficient (use family = \"laplace\" with scale "
                               "= b, the same prior at b = sigma / lam, to give features their own scales)",
               "horseshoe": "learns a local scale per coefficient itself"}[family]  # fmt: skip
        c.fail(key, f"per-feature scales are for the {' and '.join(SCALED_PRIORS)} priors; the {family} prior "
               f"{why}")  # fmt: skip
    if scale == "hyperprior":
        c.fail(key, f"cannot be combined with [prior] {scale_key} = {scale!r}: the hyperprior is on one common scale "
               "for every coefficient and has no per-feature form; give the common scale as a number, or "
               "\"empirical_bayes\" (the common scale chosen with the per-feature ratios held fixed)")
    if not isinstance(doc, dict):
        c.fail(key, f"must be a table of feature = scale; got {_kind(doc)}")
    if not doc:
        c.fail(key, "is empty: name at least one feature (feature = scale, or inf for unpenalised), or remove it")
    out = {}
    for name, v in doc.items():
        k = f"{key} {name}"
        if isinstance(v, str):
            if v.strip().lower() != UNPENALISED:
                c.fail(k, f"must be a number > 0, or inf (\"{UNPENALISED}\") for an unpenalised feature; got {v!r}")
            out[name] = float("inf")
            continue
        if isinstance(v, dict):
            c.fail(k, f"must be a number > 0 or inf; got a table (a dotted feature name must be quoted: "
                   f"\"{name}.{next(iter(v), '')}\" = ...)")  # fmt: skip
        if not _is_number(v) or np.isnan(float(v)):
            c.fail(k, f"must be a number > 0, or inf (\"{UNPENALISED}\") for an unpenalised feature; got {_kind(v)} "
                   f"{v!r}")  # fmt: skip
        v = float(v)
        if v <= 0:
            c.fail(k, f"must be > 0 (inf for an unpenalised feature); got {v:g}")
        if np.isfinite(v):
            try:
                v = check_scale(v, "the scale")
            except (TypeError, ValueError) as exc:
                c.fail(k, str(exc))
        out[name] = v
    return out


def _scale_vector(c: _Checker, prior: PriorSpec, names: list[str], label: str) -> tuple[float, ...]:
    """The per-feature scales of ``[prior.scales]`` on the features ``names`` (the common scale elsewhere).

    Every name must be a feature (the error lists the valid ones), and at least one feature must
    keep a finite scale.
    """
    known = set(names)
    for k in prior.scales:
        if k not in known:
            shown = ", ".join(names) if len(names) <= 40 else ", ".join(names[:40]) + f", ... ({len(names)} in all)"
            c.fail(f"[prior.scales] {k}", f"is not a feature of {label}; its features are: {shown}")
    # with "empirical_bayes" the named values are relative to the chosen common scale (1 elsewhere)
    common = 1.0 if prior.scale == "empirical_bayes" else float(prior.scale)
    vector = tuple(float(prior.scales.get(f, common)) for f in names)
    if not any(np.isfinite(v) for v in vector):
        c.fail("[prior.scales]", f"leaves every feature unpenalised (all {len(names)} scales inf): that is least "
               "squares, not a regularised model; give at least one feature a finite scale")  # fmt: skip
    return vector


def _check_likelihood(c: _Checker, doc, data: DataSpec) -> LikelihoodSpec:
    c.table(doc, "[likelihood]", SCHEMA["[likelihood]"])
    family = c.string(doc.get("family", "gaussian"), "[likelihood] family", LIKELIHOODS)
    trials = doc.get("trials")
    if family != "binomial":
        if trials is not None:
            c.fail("[likelihood] trials", f"is only for family = \"binomial\"; the {family} likelihood has none")
        return LikelihoodSpec(family)
    if trials is None:
        c.fail("[likelihood] trials", "is required with family = \"binomial\": the name of the CSV column of trial "
               "counts, or one integer >= 1 for every row")
    if isinstance(trials, str):
        if data.csv is None:
            c.fail("[likelihood] trials", f"names a column ({trials!r}), which needs csv data; with a "
                   f"{'dataset' if data.dataset else 'generator'} give one integer >= 1")
        if trials == data.target:
            c.fail("[likelihood] trials", f"is the target column {trials!r}")
        if data.features is not None and trials in data.features:
            c.fail("[likelihood] trials", f"column {trials!r} is also listed in [data] features")
    else:
        trials = c.integer(trials, "[likelihood] trials", lower=1, upper=LIMITS["seed"])
    return LikelihoodSpec(family, trials)


def _check_evidence_sigma(c: _Checker, prior: PriorSpec, sigma) -> None:
    """A Gaussian prior's scale by empirical Bayes has no form with a prior on sigma: refuse it, saying what works.

    Its evidence is maximised over ``(tau, sigma)`` jointly in closed form (type-II maximum likelihood,
    :func:`bayesreg.choose_prior_scale`), which integrates no prior on sigma; run with one, the scale
    would be chosen as if sigma had none while the posterior used it. (The Laplace priors' Monte Carlo
    EM samples sigma under the spec's prior, so they take one.)
    """
    if prior.prior_class is not Gaussian or prior.scale != "empirical_bayes":
        return
    if isinstance(sigma, str) and sigma not in SIGMA_WORDS:
        c.fail("[prior] scale", f"= \"empirical_bayes\" with [noise] sigma = {sigma!r}: the gaussian prior's scale "
               "is chosen by maximising the evidence over tau and sigma together (type-II maximum likelihood), "
               "which has no form with a prior on sigma. Use [noise] sigma = \"jeffreys\" (tau and sigma both by "
               "type-II maximum likelihood), a number or \"estimate\" (sigma fixed), or keep the prior on sigma "
               "with [prior] scale = \"hyperprior\" (an inverse-gamma prior on tau^2, sampled with sigma)")  # fmt: skip


def _check_glm(c: _Checker, doc, lik: LikelihoodSpec, prior: PriorSpec) -> None:
    """What a GLM has not: a noise scale, a prior defined through it, a scale chosen from the data."""
    fam = lik.family
    if "noise" in doc:
        key = "[noise] sigma" if isinstance(doc["noise"], dict) and "sigma" in doc["noise"] else "[noise]"
        c.fail(key, f"the {fam} likelihood has no noise scale sigma (it is the gaussian likelihood's): remove the "
               "[noise] table")
    if prior.prior_class is ParkCasella:
        c.fail("[prior] family", f"park_casella is defined through the noise scale (Laplace(0, sigma/lam)), which the "
               f"{fam} likelihood has not: use family = \"laplace\" with scale = b (b = 1/lam at sigma = 1)")
    if prior.chosen:
        c.fail(f"[prior] {prior.scale_name}", f"{prior.scale!r} is for the gaussian likelihood; with the {fam} "
               "likelihood give a positive number")


def _check_sigma(c: _Checker, doc) -> tuple[float | str, SigmaSpec]:
    """``[noise] sigma``: the spec's spelling and the noise model's parse of it (the one parse)."""
    c.table(doc, "[noise]", SCHEMA["[noise]"], required=("sigma",))
    v = doc["sigma"]
    if isinstance(v, str) and v not in SIGMA_WORDS:
        # a prior on sigma written as text ("halfcauchy(2.5)"): the noise model's parser reads it
        try:
            parsed = parse_sigma(v)
        except (TypeError, ValueError) as exc:
            c.fail("[noise] sigma", f"must be a number, {' or '.join(repr(w) for w in SIGMA_WORDS)}, or a prior on "
                   f"sigma such as \"halfcauchy(2.5)\"; {exc}")  # fmt: skip
        if parsed.word not in ("sigma_prior", "flat"):
            c.fail("[noise] sigma", f"must be a number, {' or '.join(repr(w) for w in SIGMA_WORDS)}, or a prior on "
                   f"sigma such as \"halfcauchy(2.5)\"; got {v!r}")  # fmt: skip
        return v, parsed
    v = c.string(v, "[noise] sigma", SIGMA_WORDS) if isinstance(v, str) else c.number(v, "[noise] sigma", lower=0.0)
    try:  # the noise model's own range checks (a number within SCALE_RANGE)
        return v, parse_sigma(v)
    except (TypeError, ValueError) as exc:
        c.fail("[noise] sigma", str(exc))


def _check_inference(c: _Checker, doc, prior: PriorSpec, lik: LikelihoodSpec | None = None) -> InferenceSpec:
    c.table(doc, "[inference]", SCHEMA["[inference]"])
    kw = {}
    for k, v in doc.items():
        key = f"[inference] {k}"
        if k in ("map", "sklearn", "find_map", "posterior", "shrinkage"):
            kw[k] = c.boolean(v, key)
        elif k == "sampler":
            kw[k] = c.string(v, key, SAMPLERS)
        elif k in ("draws", "chains", "n_scales"):
            kw[k] = c.integer(v, key, lower=2 if k == "n_scales" else 1, upper=LIMITS[k])
        elif k in ("tune", "seed"):
            kw[k] = c.integer(v, key, lower=0, upper=LIMITS[k])
        elif k == "hdi_prob":
            kw[k] = c.number(v, key, lower=0.0, upper=1.0)
        elif k == "scale_range":
            if not isinstance(v, list) or len(v) != 2:
                c.fail(key, f"must be a list of two numbers [lo, hi]; got {v!r}")
            lo_lim, hi_lim = LIMITS["scale_range"]
            lo = c.number(v[0], key, lower=lo_lim, upper=hi_lim, strict=False)
            hi = c.number(v[1], key, lower=lo_lim, upper=hi_lim, strict=False)
            if not lo < hi:
                c.fail(key, f"needs lo < hi; got [{lo:g}, {hi:g}]")
            kw[k] = (lo, hi)
    inf = InferenceSpec(**kw)
    if prior.prior_class is Flat and inf.shrinkage:
        c.fail("[inference] shrinkage", "the flat prior has no scale to run a shrinkage grid over: set it to false")
    if not prior.prior_class().has_mode:  # at its default settings: the horseshoe
        for k in ("map", "sklearn", "find_map", "shrinkage"):
            if doc.get(k, False):
                c.fail(f"[inference] {k}", f"the {prior.word} prior has no penalised equivalent: set it to false")
        inf = replace(inf, map=False, sklearn=False, find_map=False, shrinkage=False)
    if not (inf.map or inf.sklearn or inf.find_map or inf.posterior):
        c.fail("[inference]", "asks for nothing: set at least one of map, sklearn, find_map, posterior to true")
    if inf.shrinkage and prior.chosen:
        c.fail("[inference] shrinkage", f"needs a fixed prior scale, but {prior.scale_name} = {prior.scale!r}")
    if prior.scale == "hyperprior" and not inf.posterior:
        c.fail("[inference] posterior", "must be true when the prior scale is given a hyperprior")
    if lik is not None and not lik.is_gaussian:
        if inf.sampler == "gibbs" and lik.family == "poisson":
            c.fail("[inference] sampler", "the Gibbs samplers of a GLM are Polya-Gamma (bernoulli, binomial); the "
                   "poisson likelihood is sampled by NUTS: use \"auto\" or \"nuts\"")
        free = [k for k, v in prior.scales.items() if not np.isfinite(v)]
        asked = [k for k in ("map", "sklearn", "find_map", "shrinkage") if getattr(inf, k)]
        if free and asked:
            c.fail(f"[prior.scales] {free[0]}", f"= inf (unpenalised) with the {lik.family} likelihood: the exact GLM "
                   "MAP cannot profile an unpenalised coefficient out of the model (no closed form), so the MAP, "
                   "the penalised fit, find_MAP and the shrinkage grid's MAP path are not available ([inference] "
                   f"{', '.join(asked)}). Give it a large finite scale, or set map, sklearn, find_map and shrinkage "
                   "to false (NUTS samples the posterior with it)")  # fmt: skip
        if inf.sampler == "gibbs" and inf.posterior and free:
            c.fail("[inference] sampler", f"\"gibbs\" cannot sample the {lik.family} model with unpenalised features "
                   f"([prior.scales] {', '.join(free)} = inf): the Polya-Gamma Gibbs sampler needs a finite scale "
                   "for every coefficient; use \"auto\" or \"nuts\" (NUTS samples it)")  # fmt: skip
    return inf


def parse_spec(doc: dict, path=None) -> ModelSpec:
    """Validate a parsed TOML document and return the :class:`ModelSpec`.

    Parameters
    ----------
    doc : dict
        The document, as :func:`tomllib.load` returns it.
    path : path-like, optional
        The file it came from: names it in errors and anchors relative CSV paths.

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        Naming the file and the key.
    """
    path = None if path is None else Path(path)
    c = _Checker(path)
    c.table(doc, "", SCHEMA[""], required=("data", "prior"))
    default_name = path.stem if path is not None else "model"
    name = c.string(doc.get("name", default_name), "name")
    if (not name or name.startswith(".") or name != name.strip() or any(ch in _NAME_FORBIDDEN for ch in name)
            or len(name.encode("utf-8", "surrogatepass")) > 200):
        c.fail("name", "must be a plain non-empty name usable as a folder name (at most 200 bytes, not starting "
               "with '.', no control characters or any of / \\ < > : \" | ? *); got " + repr(name))
    description = c.string(doc.get("description", ""), "description")
    data = _check_data(c, doc["data"], path.parent if path is not None else None)
    likelihood = _check_likelihood(c, doc.get("likelihood", {}), data)
    prior = _check_prior(c, doc["prior"])
    if prior.scales and data.features is not None:  # csv with its feature columns listed: known before loading
        _scale_vector(c, prior, list(data.features), data.label)
    if likelihood.is_gaussian:
        if "noise" not in doc:
            c.fail("noise", "is required (the [noise] table with sigma) for the gaussian likelihood")
        sigma, noise = _check_sigma(c, doc["noise"])
        _check_evidence_sigma(c, prior, sigma)
    else:
        _check_glm(c, doc, likelihood, prior)
        sigma, noise = None, None
    inference = _check_inference(c, doc.get("inference", {}), prior, likelihood)
    return ModelSpec(name=name, description=description, data=data, prior=prior, sigma=sigma,
                     inference=inference, path=path, likelihood=likelihood, noise=noise)


def load_spec(path) -> ModelSpec:
    """Read and validate a spec file.

    Parameters
    ----------
    path : path-like
        A ``.toml`` file.

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        For a missing file, invalid TOML, or any schema violation (naming the file and key).
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(path, "file", "not found")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, "TOML", str(exc)) from exc
    return parse_spec(doc, path)


def _load_csv(d: DataSpec, spec_path, trials_column: str | None = None):
    import csv

    from .datasets import Dataset
    from .suffstats import check_gram_memory, read_csv_frame

    try:
        # the header's width by the csv module (pandas takes minutes over a 1e6-column header): a file
        # whose statistics cannot fit in memory is refused before it is parsed
        with open(d.csv, newline="", encoding="utf-8") as fh:
            width = len(next(csv.reader(fh), []))
    except (OSError, UnicodeDecodeError, csv.Error):
        width = 0  # read_csv_frame below says what is wrong with the file
    try:
        if width > 1:
            check_gram_memory(len(d.features) if d.features is not None else width - 1, f"{d.csv.name}")
    except MemoryError as exc:
        raise SpecError(spec_path, "[data] csv", str(exc)) from None
    try:
        df = read_csv_frame(d.csv)  # the package's CSV rules: a duplicated header name is refused
    except Exception as exc:  # parse errors, empty files, permissions, a duplicated header name
        raise SpecError(spec_path, "[data] csv", f"could not read {d.csv}: {exc}") from exc
    if d.target not in df.columns:
        raise SpecError(spec_path, "[data] target", f"column {d.target!r} not in {d.csv.name}; columns: "
                        f"{list(df.columns)}")
    if trials_column is not None and trials_column not in df.columns:
        raise SpecError(spec_path, "[likelihood] trials", f"column {trials_column!r} not in {d.csv.name}; columns: "
                        f"{list(df.columns)}")
    features = (list(d.features) if d.features is not None
                else [c for c in df.columns if c not in (d.target, trials_column)])
    missing = [f for f in features if f not in df.columns]
    if missing:
        raise SpecError(spec_path, "[data] features", f"column(s) {missing} not in {d.csv.name}")
    if not features:
        raise SpecError(spec_path, "[data] csv", f"{d.csv.name} has no feature columns besides the target")
    from ._validation import check_Xy

    try:
        X, y = check_Xy(df[features], df[d.target], x_name=f"{d.csv.name} features", y_name=f"column {d.target!r}")
    except (TypeError, ValueError) as exc:
        raise SpecError(spec_path, "[data] csv", str(exc)) from exc
    extra = {}
    if trials_column is not None:
        try:
            _, trials = check_Xy(df[features], df[trials_column], x_name=f"{d.csv.name} features",
                                 y_name=f"column {trials_column!r}")
        except (TypeError, ValueError) as exc:
            raise SpecError(spec_path, "[likelihood] trials", str(exc)) from exc
        extra["trials"] = np.array(trials)
    return Dataset(X=np.array(X), y=np.array(y), feature_names=tuple(map(str, features)), name=d.csv.stem,
                   description=f"CSV file {d.csv.name}, target {d.target!r}", extra=extra)


# --------------------------------------------------------------------------------------------
# finding specs
# --------------------------------------------------------------------------------------------


def models_dirs() -> list[Path]:
    """Folders searched for specs, in order.

    1. ``$BAYESREG_MODELS`` (one folder, when set);
    2. ``./models`` in the current working directory;
    3. the specs bundled with the package (:func:`bundled_specs_dir`: the project's top-level
       ``models/`` folder, shipped in the wheel as the package ``bayesreg._models``), found from
       any folder.
    """
    out = []
    env = os.environ.get("BAYESREG_MODELS")
    if env:
        out.append(Path(env))
    out.append(Path.cwd() / "models")
    bundled = bundled_specs_dir()
    if bundled is not None:
        out.append(bundled)
    seen, uniq = set(), []
    for p in out:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            uniq.append(p)
    return uniq


#: The package under which the wheel ships the top-level ``models/`` folder (pyproject.toml maps
#: it with ``[tool.setuptools.package-dir]``; the folder itself is the specs' one home).
BUNDLED_PACKAGE = "bayesreg._models"


def bundled_specs_dir() -> Path | None:
    """The folder of the specs (and their data) shipped with the package, or None when there is none.

    The specs live in the project's top-level ``models/`` folder. A wheel (and an editable install
    made from this pyproject.toml) carries it as the package ``bayesreg._models``, found through
    :mod:`importlib`; in a source checkout run without such an install (``PYTHONPATH`` pointing at
    the checkout) that package does not exist, and the ``models/`` folder beside the package
    directory is used instead.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if Path(loc).is_dir():
                return Path(loc)
    checkout = Path(__file__).resolve().parent.parent / "models"
    return checkout if checkout.is_dir() else None


def find_specs() -> list[Path]:
    """All ``*.toml`` specs in the first existing folder of :func:`models_dirs`, sorted by name."""
    for d in models_dirs():
        if d.is_dir():
            return sorted(d.glob("*.toml"))
    return []


def resolve_spec(spec: str | os.PathLike | None) -> Path:
    """The file of a spec given as a path or as a name (``diabetes_laplace``) in :func:`models_dirs`.

    Parameters
    ----------
    spec : str, path-like or None
        None means :data:`DEFAULT_SPEC`.

    Returns
    -------
    Path

    Raises
    ------
    SpecError
        When nothing matches; the message lists where it looked.
    """
    spec = DEFAULT_SPEC if spec is None else spec
    p = Path(spec)
    if p.is_file():
        return p
    stem = p.name[:-5] if p.name.endswith(".toml") else p.name
    if p.parent == Path("."):
        for d in models_dirs():
            cand = d / f"{stem}.toml"
            if cand.is_file():
                return cand
    looked = [str(p)] + [str(d / f"{stem}.toml") for d in models_dirs()]
    raise SpecError(p, "file", "not found; looked in: " + ", ".join(looked))
