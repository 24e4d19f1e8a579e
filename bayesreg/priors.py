r"""Priors on the regression coefficients, twins of the penalties in :mod:`bayesreg.penalties`.

Each prior is a small frozen dataclass with

- ``logp(beta)``: the joint log density of independent coordinates (normalised);
- ``sample(size, rng)``: draws;
- ``to_pymc(name, dims, sigma=None)``: the PyMC distribution (PyMC imported lazily), the only
  PyMC form of the prior (:func:`bayesreg.build_model` calls it);
- ``map_obstacle()``: why the exact MAP (:func:`bayesreg.map_estimate`) does not exist for this
  prior, or ``None`` (the horseshoe has no finite mode; a hyperprior on the scale has no
  closed-form joint mode);
- ``sigma_terms(beta)``: how the prior's density depends on ``sigma`` (for the modal-sigma step
  of the joint MAP);
- ``gibbs_settings()``: what the Gibbs samplers need (kind, hyperparameters, initial scales,
  output names), or ``None`` when there is no Gibbs sampler for the prior;
- ``word``: the prior's name in specs, the command line and reports (``"laplace"``, ...). The
  :class:`Prior` base keeps the registry of the coefficient priors (every subclass that sets a
  ``word``): :meth:`Prior.registered`, :meth:`Prior.named`, :data:`PRIOR_WORDS` and
  :func:`check_prior` ask it, so a new prior is known everywhere once its class exists;

The exact relations to the penalties (``alpha = sigma^2 / (n b)`` and friends) live in
:mod:`bayesreg.mapping` and nowhere else.

Hyperpriors on the prior scale are given as :class:`GammaPrior` (on ``lambda^2`` of the
Park-Casella Laplace prior) and :class:`InverseGammaPrior` (on ``tau^2`` of the Gaussian
prior, or on ``sigma^2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple

import numpy as np
from scipy import special

from ._validation import check_positive, check_scalar

__all__ = [
    "Prior",
    "PRIOR_WORDS",
    "check_prior",
    "Laplace",
    "ParkCasella",
    "Gaussian",
    "Flat",
    "ElasticNetPrior",
    "Horseshoe",
    "RegularizedHorseshoe",
    "R2D2",
    "rhs_global_scale",
    "GammaPrior",
    "InverseGammaPrior",
    "SCALE_RANGE",
    "check_scale",
    "check_scales",
    "split_scales",
]

_LOG2 = float(np.log(2.0))
_LOG2PI = float(np.log(2.0 * np.pi))

#: The usable range of a scale: a noise sd ``sigma``, a prior scale (``b``, ``tau``, the horseshoe's
#: ``s``) or a rate ``lam``. Every one of them is squared somewhere (the precision ``1/sigma^2``,
#: ``tau^2``, ``lam^2 = 1/b^2`` of the Gibbs samplers, ``alpha = sigma^2/(n b)``), and float64
#: represents squares as normal numbers only between 2.2e-308 and 1.8e308. Bounding the scale by
#: 1e-150 and 1e150 keeps every square (and reciprocal square) within 1e-300 .. 1e300, which leaves
#: more than seven decades for the factors (n, p, 2 pi, ratios of two scales) the formulas multiply them by.
SCALE_RANGE = (1e-150, 1e150)


def check_scale(value, name: str) -> float:
    """A positive finite scale within :data:`SCALE_RANGE`, or a ValueError naming ``name`` and the range.

    Parameters
    ----------
    value : float
        The scale.
    name : str
        Its argument name, for the message.

    Returns
    -------
    float
    """
    v = check_positive(value, name)
    lo, hi = SCALE_RANGE
    if not lo <= v <= hi:
        raise ValueError(
            f"{name} must lie in [{lo:g}, {hi:g}]; got {value!r}. The model squares it (and its reciprocal), "
            "and float64 holds squares only between 1e-308 and 1e308; measure y in units that bring the scales "
            "nearer 1 (dividing y, sigma and the prior scales by the same factor leaves the fit unchanged)"
        )
    return v


def check_scales(value, name: str):
    """A scale, or one scale per coefficient: a float, or a tuple of floats (``inf`` = no penalty).

    A scalar goes through :func:`check_scale`. A 1-D sequence is per-coefficient scales: each entry
    positive, a finite one within :data:`SCALE_RANGE`, ``inf`` meaning a flat prior on that
    coefficient (it is unpenalised, as the intercept is); at least one entry must be finite. The
    vector is stored as a tuple (priors stay immutable and hashable).

    The vector is positional: entry ``j`` is the scale of column ``j`` of ``X``. A container keyed
    by feature name (a dict, a pandas Series with a non-default index, an xarray DataArray with
    coordinates) is refused with a TypeError saying how to order it, never applied with its labels
    dropped.

    Parameters
    ----------
    value : float or sequence of float
    name : str
        The argument's name, for the messages.

    Returns
    -------
    float or tuple of float
    """
    _refuse_labels(value, name)
    if np.ndim(value) == 0:
        return check_scale(value, name)
    try:
        v = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a 1-D sequence of numbers; got {value!r}") from None
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D sequence (one scale per coefficient); "
                         f"got shape {v.shape}")  # fmt: skip
    bad = np.flatnonzero(np.isnan(v) | (v <= 0))
    if bad.size:
        j = int(bad[0])
        raise ValueError(f"{name}[{j}] = {float(v[j])!r}: every per-coefficient scale must be positive (inf for an "
                         "unpenalised coefficient)")  # fmt: skip
    finite = np.isfinite(v)
    if not finite.any():
        raise ValueError(f"{name}: every scale is infinite, which is a flat prior on every coefficient: write it "
                         "bayesreg.Flat() (its MAP is least squares / the unpenalised GLM fit), or give at least one "
                         "finite scale")  # fmt: skip
    for j in np.flatnonzero(finite):
        check_scale(v[j], f"{name}[{j}]")
    out = tuple(float(x) for x in v)
    # a valid tuple is kept as it is (scikit-learn's clone checks that parameters come back identical)
    return value if isinstance(value, tuple) and all(type(x) is float for x in value) and value == out else out


def _labels_of(value):
    """The labels of a labelled container (a mapping, a pandas Series, an xarray DataArray), else ``None``.

    A pandas Series whose index is its positions ``0 .. k-1`` (``pd.Series([...])``) carries no names.
    """
    if isinstance(value, Mapping):
        return list(value.keys())
    coords = getattr(value, "coords", None)
    if coords is not None and hasattr(value, "dims") and len(coords):
        return [str(c) for c in coords]
    index = getattr(value, "index", None)
    if index is not None and not callable(index) and hasattr(value, "to_numpy"):
        labels = list(index)
        return None if labels == list(range(len(labels))) else labels
    return None


def _refuse_labels(value, name: str) -> None:
    """Per-coefficient scales are positional: refuse a container keyed by feature name.

    A prior is built before it meets the data, and it reaches many consumers (solvers, samplers,
    PyMC models, empirical Bayes) that know columns by position only. Rather than drop the labels
    (a Series ``{"d": inf, "c": .01, ...}`` applied in its own order would leave the wrong column
    unpenalised), a labelled vector is refused with the one-line way to align it. A model spec's
    ``[prior.scales]`` table is aligned by name (the spec knows the data's columns).
    """
    labels = _labels_of(value)
    if labels is None:
        return
    shown = ", ".join(repr(x) for x in labels[:4]) + (", ..." if len(labels) > 4 else "")
    raise TypeError(
        f"{name} was given with labels ({type(value).__name__} keyed by {shown}), but per-coefficient scales are "
        "matched to the columns of X by position, not by name. Give them in the column order of X, e.g. "
        f"{name}=s.reindex(X.columns).to_numpy() for a pandas Series s, or {name}=[d[c] for c in X.columns] for a "
        "dict d (reindex leaves NaN, refused, for a column the labels miss)"
    )


def _scales_array(scale) -> np.ndarray:
    return np.asarray(scale, dtype=np.float64)


def split_scales(scale) -> tuple[float, np.ndarray | None]:
    """``(base, factors)``: a scalar scale is ``(scale, None)``; a vector is ``base * factors``.

    ``base`` is the geometric mean of the finite scales, so the factors are near 1 and a prior
    with per-coefficient scales is the common-scale prior ``base`` on ``beta_j / factors_j``
    (``inf`` factors: flat). :mod:`bayesreg.design` (``reweight``) writes the model that way.
    """
    if np.ndim(scale) == 0:
        return float(scale), None
    v = _scales_array(scale)
    base = float(np.exp(np.mean(np.log(v[np.isfinite(v)]))))
    return base, v / base


def _as_beta(beta) -> np.ndarray:
    b = np.asarray(beta, dtype=np.float64)
    return b.reshape(1) if b.ndim == 0 else b


def _f64(x):
    """A Python number as a NumPy float64, other values (PyMC variables) unchanged.

    PyTensor turns a Python float that float32 represents exactly (0.75, 2.0, ...) into a
    float32 constant, and a log density built on it is then computed partly in float32
    (relative error ~1e-7); a NumPy float64 keeps its dtype.
    """
    return np.float64(x) if isinstance(x, int | float | np.number) else x


def _sumsq(b: np.ndarray) -> float:
    # np.sum(b * b), not b @ b: beta may carry extra axes (draws), all summed over
    return float(np.sum(b * b))


def _check_last_axis(b: np.ndarray, p: int) -> None:
    if b.shape[-1] != p:
        raise ValueError(f"beta's last axis has {b.shape[-1]} entries but the prior has {p} per-coefficient scales")


def _draw_scales(prior, size):
    """The scale(s) to draw with: the scalar, or the per-coefficient vector (size's last axis = p)."""
    if not prior.per_coefficient:
        return prior.scale
    s = _scales_array(prior.scale)
    if not np.isfinite(s).all():
        raise ValueError(f"{type(prior).__name__} has infinite (flat, improper) scales: it cannot be drawn from")
    shape = (int(size),) if np.ndim(size) == 0 else tuple(int(k) for k in (size or ()))
    if not shape or shape[-1] != s.size:
        raise ValueError(f"size must end with the number of per-coefficient scales, {s.size}; got {size!r}")
    return s


def _positive_support_logp(x, log_density) -> float:
    """Sum of ``log_density(x)`` over ``x``; ``-inf`` if any ``x <= 0`` (outside the support), no warnings."""
    x = np.asarray(x, dtype=np.float64)
    if np.any(np.isnan(x)):
        return float("nan")
    if np.any(x <= 0.0):
        return float("-inf")
    return float(np.sum(log_density(x)))


@dataclass(frozen=True)
class GammaPrior:
    """Gamma(shape, rate) hyperprior, e.g. Park and Casella's prior on ``lambda^2``.

    Parameters
    ----------
    shape : float
        Shape ``r`` > 0.
    rate : float
        Rate ``delta`` > 0 (the mean is ``shape / rate``).
    """

    shape: float = 1.0
    rate: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "shape", check_positive(self.shape, "shape"))
        object.__setattr__(self, "rate", check_positive(self.rate, "rate"))

    def logp(self, x) -> float:
        """Log density summed over ``x`` (``-inf`` when any ``x <= 0``)."""
        a, r = self.shape, self.rate
        return _positive_support_logp(x, lambda v: a * np.log(r) - special.gammaln(a) + (a - 1) * np.log(v) - r * v)

    def sample(self, size=None, rng=None) -> np.ndarray:
        """Draws from Gamma(shape, rate) (NumPy's ``gamma`` takes the scale ``1 / rate``)."""
        return np.random.default_rng(rng).gamma(self.shape, 1.0 / self.rate, size=size)

    def to_pymc(self, name: str, **kwargs):
        """``pm.Gamma(name, alpha=shape, beta=rate)`` (inside a model context)."""
        from ._upstream import import_pymc

        pm = import_pymc()

        return pm.Gamma(name, alpha=_f64(self.shape), beta=_f64(self.rate), **kwargs)


@dataclass(frozen=True)
class InverseGammaPrior:
    """Inverse-gamma(shape, scale) hyperprior, e.g. on ``tau^2`` or ``sigma^2``.

    Parameters
    ----------
    shape : float
        Shape ``a`` > 0.
    scale : float
        Scale ``b`` > 0 (the density is proportional to ``x^(-a-1) exp(-b / x)``).
    """

    shape: float = 1.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "shape", check_positive(self.shape, "shape"))
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))

    def logp(self, x) -> float:
        """Log density summed over ``x`` (``-inf`` when any ``x <= 0``)."""
        a, b = self.shape, self.scale
        return _positive_support_logp(x, lambda v: a * np.log(b) - special.gammaln(a) - (a + 1) * np.log(v) - b / v)

    def sample(self, size=None, rng=None) -> np.ndarray:
        """Draws: ``scale / G`` with ``G ~ Gamma(shape, 1)``."""
        return self.scale / np.random.default_rng(rng).gamma(self.shape, 1.0, size=size)

    def to_pymc(self, name: str, **kwargs):
        """``pm.InverseGamma(name, alpha=shape, beta=scale)`` (inside a model context)."""
        from ._upstream import import_pymc

        pm = import_pymc()

        return pm.InverseGamma(name, alpha=_f64(self.shape), beta=_f64(self.scale), **kwargs)


class GibbsSettings(NamedTuple):
    """What a prior tells the Gibbs samplers (:mod:`bayesreg.samplers`).

    Attributes
    ----------
    kind : {"gaussian", "park_casella", "laplace", "horseshoe"}
        The scale-mixture form the kernel updates.
    hyper : bool
        Whether the prior scale has a hyperprior (sampled).
    ha, hb : float
        Inverse-gamma shape and scale of ``tau^2`` (Gaussian with a hyperprior).
    r, delta : float
        Gamma shape and rate of ``lambda^2`` (Park-Casella with a hyperprior).
    hs_s : float
        Horseshoe global scale.
    tau2, lam2 : float
        Initial (or fixed) ``tau^2`` and ``lambda^2``.
    hyper_name, local_name : str or None
        Posterior names of the sampled global scale and of the local scales.
    """

    kind: str
    hyper: bool = False
    ha: float = 0.0
    hb: float = 0.0
    r: float = 0.0
    delta: float = 0.0
    hs_s: float = 0.0
    tau2: float = 1.0
    lam2: float = 1.0
    hyper_name: str | None = None
    local_name: str | None = None


@dataclass(frozen=True)
class Prior:
    """Base class of the coefficient priors, and their registry.

    A subclass that sets the class attribute ``word`` (its name in specs, the command line and
    reports) is registered when it is defined: :meth:`registered` lists the registered classes in
    the order of definition, :meth:`named` finds one by its word.
    """

    #: The prior's name in specs, the command line and reports; ``None``: not a usable prior (the base).
    word: ClassVar[str | None] = None
    #: The constructor's parameter that holds the prior's one scale (``None``: none, or several).
    scale_field: ClassVar[str | None] = None
    #: The symbol of that scale in formulas and notes (``b`` of Laplace(0, b), ``tau`` of N(0, tau^2)).
    scale_symbol: ClassVar[str | None] = None
    #: Whether the prior is a sparsity prior (a sparse mode, or mass piled near 0 with heavy tails) whose
    #: posterior mean is shrunk but never sparse: its posterior is worth a sparse summary (DSS,
    #: :func:`bayesreg.sparse_summary`).
    sparsity_inducing: ClassVar[bool] = False
    _registry: ClassVar[dict[str, type]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        word = cls.__dict__.get("word")
        if word is not None:
            Prior._registry[word] = cls

    @classmethod
    def registered(cls) -> tuple[type, ...]:
        """The coefficient prior classes (every subclass with a ``word``), in the order of definition."""
        return tuple(Prior._registry.values())

    @classmethod
    def named(cls, word: str) -> type:
        """The prior class whose ``word`` is ``word``; a ValueError naming the known words otherwise.

        Parameters
        ----------
        word : str
            E.g. ``"laplace"``, ``"park_casella"``, ``"gaussian"``, ``"horseshoe"``, ``"flat"``.

        Returns
        -------
        type
        """
        if not isinstance(word, str) or word not in Prior._registry:
            raise ValueError(f"prior must be one of {', '.join(map(repr, Prior._registry))}; got {word!r}")
        return Prior._registry[word]

    def logp(self, beta) -> float:  # pragma: no cover - overridden
        """Joint log density of independent coordinates ``beta``."""
        raise NotImplementedError

    def sample(self, size, rng=None) -> np.ndarray:  # pragma: no cover - overridden
        """Draw ``size`` coefficients."""
        raise NotImplementedError

    def to_pymc(self, name: str, dims=None, sigma=None):  # pragma: no cover - overridden
        """Return the PyMC random variable (inside a model context)."""
        raise NotImplementedError

    def map_obstacle(self) -> tuple[type, str] | None:
        """``(exception type, reason)`` when the exact MAP does not exist for this prior, else ``None``."""
        return None

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters (scikit-learn's protocol: ``clone`` and grid searches see them).

        Priors are immutable: :meth:`bayesreg.BayesianRegression.set_params` replaces the prior
        with a new one (``prior__scale=...``), it never changes one in place.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def set_params(self, **params):
        """Refused: priors are immutable; use ``dataclasses.replace(prior, ...)`` or the estimator's ``prior__...``."""
        raise TypeError(
            f"{type(self).__name__} is immutable: build a new one (dataclasses.replace(prior, **{params!r})), or set "
            "it through the estimator, e.g. BayesianRegression.set_params(prior__scale=...), which replaces it"
        )

    #: The field holding per-coefficient scales where the prior allows a vector (Laplace, Gaussian).
    _vector_field: ClassVar[str | None] = None

    #: Whether the prior's scale is proportional to sigma (Park-Casella, the horseshoes, R2D2): its
    #: density then vanishes as sigma -> 0 away from beta = 0, which keeps a joint mode (and the
    #: posterior) away from sigma = 0 when beta can interpolate y (:func:`bayesreg.noise.interpolation_obstacle`).
    scaled_by_sigma: ClassVar[bool] = False

    @property
    def per_coefficient(self) -> bool:
        """Whether the prior has one scale per coefficient (a vector ``scale``)."""
        f = self._vector_field
        return f is not None and np.ndim(getattr(self, f)) == 1

    @property
    def n_coefficients(self) -> int | None:
        """The number of per-coefficient scales (``None`` for a common scale)."""
        return len(getattr(self, self._vector_field)) if self.per_coefficient else None

    def split(self) -> tuple[Prior, np.ndarray | None]:
        """``(common-scale prior, factors)``: this prior on ``beta`` is the common one on ``beta / factors``.

        ``(self, None)`` for a prior with one scale. For per-coefficient scales ``b_j`` the common
        prior has the geometric mean ``b`` of the finite ones and ``factors = b_j / b`` (``inf``:
        an unpenalised coefficient). See :func:`split_scales` and :func:`bayesreg.design.reweight`.
        """
        if not self.per_coefficient:
            return self, None
        base, factors = split_scales(getattr(self, self._vector_field))
        from dataclasses import replace

        return replace(self, **{self._vector_field: base}), factors

    def check_size(self, p: int) -> None:
        """Raise a ValueError naming the scale unless a per-coefficient scale vector has ``p`` entries."""
        k = self.n_coefficients
        if k is not None and k != p:
            raise ValueError(
                f"{type(self).__name__}.{self._vector_field} has {k} per-coefficient scales but the data have "
                f"p = {p} features; give one scale per column (inf for an unpenalised one)"
            )

    def resolve(self, n: int, p: int) -> Prior:
        """The prior with every setting that depends on the data's size fixed (itself for most priors).

        :class:`RegularizedHorseshoe` given ``p0`` returns the prior with the global scale
        ``p0 / ((p - p0) sqrt(n))``. Model builders and samplers call it once the data are known.
        A prior with per-coefficient scales checks that there are ``p`` of them.

        Parameters
        ----------
        n : int
            Number of observations.
        p : int
            Number of coefficients.

        Returns
        -------
        Prior
        """
        self.check_size(p)
        return self

    def data_obstacle(self, data, noise=None) -> str | None:
        """Why these data give no unique MAP or no proper posterior under this prior, or ``None``.

        ``None`` for every proper prior; :class:`Flat` asks :func:`bayesreg.design.flat_obstacle`.
        ``data`` is the prepared design, ``noise`` the resolved noise model (``None``: sigma fixed
        or a GLM).
        """
        return None

    @property
    def has_mode(self) -> bool:
        """Whether the posterior under this prior has a finite mode to compute exactly."""
        return self.map_obstacle() is None

    def coefficient_sd(self, p: int) -> np.ndarray | None:
        """Each coefficient's prior standard deviation, where it is fixed; ``None`` where it is not.

        ``None`` for priors scaled by sigma, with a hyperprior, or with no finite variance (the
        horseshoes); ``inf`` for an unpenalised coefficient. What the posterior is compared with
        when it may be the prior (:func:`bayesreg.sample_posterior`).
        """
        return None

    def gibbs_settings(self) -> GibbsSettings | None:
        """What the Gibbs samplers need for this prior, or ``None`` when there is no Gibbs sampler."""
        return None

    def fixed_at(self, hyper: float, sigma: float) -> Prior:
        """The fixed-scale prior at a value of this prior's sampled scale (its posterior mean, say).

        Only for a prior with a hyperprior on its scale (the sampled scale is the posterior variable
        ``gibbs_settings().hyper_name``); a TypeError for the others.

        Parameters
        ----------
        hyper : float
            The value of the sampled scale (``tau`` of the Gaussian prior, ``lam`` of Park-Casella).
        sigma : float
            The noise scale at which the prior is fixed (a prior scaled by sigma needs it).

        Returns
        -------
        Prior
        """
        raise TypeError(f"{type(self).__name__} has no sampled scale to fix")

    def sigma_terms(self, beta) -> tuple[float, float]:
        r"""``(count, linear)``: the prior's log density depends on sigma as ``-count log sigma - linear / sigma``.

        Zero for priors that do not involve sigma; the Park-Casella prior
        :math:`\prod_j \frac{\lambda}{2\sigma} e^{-\lambda|\beta_j|/\sigma}` gives
        ``(p, lam ||beta||_1)``. Used by :meth:`bayesreg.noise.Noise.modal_sigma`.
        """
        return 0.0, 0.0


@dataclass(frozen=True)
class Laplace(Prior):
    r"""Laplace prior, :math:`p(\beta_j) = \frac{1}{2b} e^{-|\beta_j| / b}`, independent coordinates.

    Its MAP with a Gaussian likelihood of fixed ``sigma`` is the Lasso with
    ``alpha = sigma^2 / (n b)`` (see :func:`bayesreg.mapping.lasso_alpha`).

    Parameters
    ----------
    scale : float or sequence of float
        Scale ``b`` > 0 (standard deviation ``sqrt(2) b``), or one scale per coefficient
        (``b_j``; ``inf`` leaves that coefficient unpenalised: a flat prior). Per-coefficient
        scales are the weighted lasso ``sigma^2/n sum_j |beta_j| / b_j``.
    """

    word: ClassVar[str] = "laplace"
    scale_field: ClassVar[str] = "scale"
    scale_symbol: ClassVar[str] = "b"
    sparsity_inducing: ClassVar[bool] = True

    scale: float | tuple = 1.0
    _vector_field: ClassVar[str] = "scale"

    def __post_init__(self):
        object.__setattr__(self, "scale", check_scales(self.scale, "scale"))

    def gibbs_settings(self) -> GibbsSettings:  # noqa: D102
        return GibbsSettings("laplace", lam2=1.0 / self.split()[0].scale ** 2)

    def coefficient_sd(self, p: int) -> np.ndarray:  # noqa: D102
        return np.broadcast_to(np.sqrt(2.0) * np.asarray(self.scale, dtype=np.float64), (p,)).copy()

    def logp(self, beta) -> float:  # noqa: D102
        b = _as_beta(beta)
        if not self.per_coefficient:
            return float(-b.size * (_LOG2 + np.log(self.scale)) - np.abs(b).sum() / self.scale)
        s = _scales_array(self.scale)
        _check_last_axis(b, s.size)
        on = np.isfinite(s)  # a flat (improper) prior on the others: density 1
        reps = b.size // s.size
        return float(-reps * np.sum(_LOG2 + np.log(s[on])) - np.sum(np.abs(b[..., on]) / s[on]))

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        return np.random.default_rng(rng).laplace(0.0, _draw_scales(self, size), size=size)

    def to_pymc(self, name: str, dims=None, sigma=None):  # noqa: D102
        from ._upstream import import_pymc

        pm = import_pymc()
        if not self.per_coefficient:
            return pm.Laplace(name, mu=_f64(0.0), b=_f64(self.scale), dims=dims)
        s = _scales_array(self.scale)
        if np.isfinite(s).all():
            return pm.Laplace(name, mu=_f64(0.0), b=s, dims=dims)
        # a flat prior on the unpenalised coefficients, the Laplace density on the others
        on = np.flatnonzero(np.isfinite(s))
        beta = pm.Flat(name, dims=dims)
        pm.Potential(f"{name}_prior", pm.logp(pm.Laplace.dist(mu=_f64(0.0), b=s[on]), beta[on]).sum())
        return beta


@dataclass(frozen=True)
class ParkCasella(Prior):
    r"""Park-Casella Bayesian-lasso prior, :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`.

    Conditioning the scale on ``sigma`` keeps the posterior unimodal (Park and Casella, 2008).
    For a fixed ``sigma`` it is :class:`Laplace` with ``b = sigma / lam``, whose MAP is the
    Lasso with ``alpha = sigma * lam / n``.

    Parameters
    ----------
    lam : float
        Rate ``lambda`` > 0 (ignored as a fixed value when ``lam2_prior`` is given, where it is
        the starting value).
    lam2_prior : GammaPrior, optional
        Gamma(r, delta) hyperprior on ``lambda^2``; ``None`` keeps ``lambda`` fixed.
    """

    word: ClassVar[str] = "park_casella"
    scale_field: ClassVar[str] = "lam"
    scale_symbol: ClassVar[str] = "lam"
    sparsity_inducing: ClassVar[bool] = True

    scaled_by_sigma: ClassVar[bool] = True

    lam: float = 1.0
    lam2_prior: GammaPrior | None = None

    def __post_init__(self):
        object.__setattr__(self, "lam", check_scale(self.lam, "lam"))
        if self.lam2_prior is not None and not isinstance(self.lam2_prior, GammaPrior):
            raise TypeError(
                f"lam2_prior must be a GammaPrior or None; got {type(self.lam2_prior).__name__}"
            )

    def map_obstacle(self):  # noqa: D102
        if self.lam2_prior is not None:
            return ValueError, (
                "map_estimate needs a fixed lam: ParkCasella has a lam2_prior. Use ParkCasella(lam) or "
                "find_map(build_model(...)) / sample_posterior for the hierarchical model"
            )
        return None

    def gibbs_settings(self) -> GibbsSettings:  # noqa: D102
        if self.lam2_prior is None:
            return GibbsSettings("park_casella", lam2=self.lam**2)
        return GibbsSettings("park_casella", hyper=True, r=self.lam2_prior.shape, delta=self.lam2_prior.rate,
                             lam2=self.lam**2, hyper_name="lam")  # fmt: skip

    def fixed_at(self, hyper: float, sigma: float) -> Laplace:  # noqa: D102
        # Laplace(0, sigma / lam): at a fixed sigma the Park-Casella prior is a Laplace prior
        return Laplace(float(sigma) / float(hyper))

    def sigma_terms(self, beta) -> tuple[float, float]:  # noqa: D102
        b = _as_beta(beta)
        return float(b.size), self.lam * float(np.abs(b).sum())

    def scale_given(self, sigma: float) -> float:
        """The Laplace scale ``b = sigma / lam`` for a given noise scale."""
        return check_scale(sigma, "sigma") / self.lam

    def logp(self, beta, sigma: float = 1.0) -> float:
        """Joint log density of ``beta`` given ``sigma`` at the fixed ``lam``: Laplace(sigma / lam)."""
        return Laplace(self.scale_given(sigma)).logp(beta)

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:
        """Draws from Laplace(0, sigma / lam) at the fixed ``lam``."""
        return Laplace(self.scale_given(sigma)).sample(size, rng)

    def to_pymc(self, name: str, dims=None, sigma=None, lam=None):
        """``beta ~ Laplace(0, sigma / lam)`` (inside a model context).

        ``sigma`` is the noise scale (a number or a PyMC variable; 1 when omitted). ``lam`` is
        taken from the argument when given, else, when ``lam2_prior`` is set, built as
        ``lam2 ~ Gamma(r, delta)`` with the deterministic ``lam = sqrt(lam2)`` (the names the
        InferenceData convention uses), else the fixed ``self.lam``.
        """
        from ._upstream import import_pymc

        pm = import_pymc()

        if lam is None and self.lam2_prior is not None:
            lam2 = self.lam2_prior.to_pymc("lam2", initval=self.lam**2)
            lam = pm.Deterministic("lam", pm.math.sqrt(lam2))
        elif lam is None:
            lam = self.lam
        sigma = _f64(1.0 if sigma is None else sigma)
        return pm.Laplace(name, mu=_f64(0.0), b=sigma / _f64(lam), dims=dims)


@dataclass(frozen=True)
class Gaussian(Prior):
    r"""Gaussian prior :math:`\beta_j \sim N(0, \tau^2)`, independent coordinates.

    Its MAP with a Gaussian likelihood of fixed ``sigma`` is Ridge with
    ``alpha = sigma^2 / tau^2`` in scikit-learn's ``Ridge`` convention.

    Parameters
    ----------
    scale : float or sequence of float
        Standard deviation ``tau`` > 0 (the starting value when ``tau2_prior`` is given), or one
        per coefficient (``tau_j``; ``inf`` leaves that coefficient unpenalised: a flat prior).
        Per-coefficient scales are the weighted ridge ``sigma^2/(2n) sum_j beta_j^2 / tau_j^2``.
        With ``tau2_prior`` the hyperprior is on the common factor: ``tau_j = tau c_j`` with the
        ratios ``c_j`` of the given scales fixed (``tau`` starts at their geometric mean).
    tau2_prior : InverseGammaPrior, optional
        Inverse-gamma hyperprior on ``tau^2``; ``None`` keeps ``tau`` fixed.
    """

    word: ClassVar[str] = "gaussian"
    scale_field: ClassVar[str] = "scale"
    scale_symbol: ClassVar[str] = "tau"

    scale: float | tuple = 1.0
    tau2_prior: InverseGammaPrior | None = None
    _vector_field: ClassVar[str] = "scale"

    def __post_init__(self):
        object.__setattr__(self, "scale", check_scales(self.scale, "scale"))
        if self.tau2_prior is not None and not isinstance(self.tau2_prior, InverseGammaPrior):
            raise TypeError(
                "tau2_prior must be an InverseGammaPrior or None; "
                f"got {type(self.tau2_prior).__name__}"
            )

    def coefficient_sd(self, p: int) -> np.ndarray | None:  # noqa: D102
        if self.tau2_prior is not None:
            return None
        return np.broadcast_to(np.asarray(self.scale, dtype=np.float64), (p,)).copy()

    def gibbs_settings(self) -> GibbsSettings:  # noqa: D102
        t = self.split()[0].scale
        if self.tau2_prior is None:
            return GibbsSettings("gaussian", tau2=t**2)
        return GibbsSettings("gaussian", hyper=True, ha=self.tau2_prior.shape, hb=self.tau2_prior.scale,
                             tau2=t**2, hyper_name="tau")  # fmt: skip

    def fixed_at(self, hyper: float, sigma: float) -> Gaussian:  # noqa: D102
        return Gaussian(float(hyper))

    def map_obstacle(self):  # noqa: D102
        if self.tau2_prior is not None:
            return ValueError, (
                "map_estimate needs a fixed tau: Gaussian has a tau2_prior (whose joint mode is degenerate at "
                "tau -> 0). Use Gaussian(scale) or sample_posterior for the hierarchical model"
            )
        return None

    def logp(self, beta) -> float:  # noqa: D102
        b = _as_beta(beta)
        if not self.per_coefficient:
            t = self.scale
            return float(-0.5 * b.size * (_LOG2PI + 2 * np.log(t)) - 0.5 * _sumsq(b) / t**2)
        s = _scales_array(self.scale)
        _check_last_axis(b, s.size)
        on = np.isfinite(s)
        reps = b.size // s.size
        return float(-0.5 * reps * np.sum(_LOG2PI + 2 * np.log(s[on])) - 0.5 * np.sum((b[..., on] / s[on]) ** 2))

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        return np.random.default_rng(rng).normal(0.0, _draw_scales(self, size), size=size)

    def to_pymc(self, name: str, dims=None, sigma=None, tau=None):
        """``beta ~ N(0, tau^2)`` (inside a model context); ``sigma`` is not used.

        ``tau`` is taken from the argument when given, else, when ``tau2_prior`` is set, built as
        ``tau2 ~ InverseGamma(a, b)`` with the deterministic ``tau = sqrt(tau2)`` (the
        InferenceData convention's name), else the fixed ``self.scale``.
        """
        from ._upstream import import_pymc

        pm = import_pymc()

        common, factors = self.split()
        if tau is None and self.tau2_prior is not None:
            tau2 = self.tau2_prior.to_pymc("tau2", initval=common.scale**2)
            tau = pm.Deterministic("tau", pm.math.sqrt(tau2))
        elif tau is None:
            tau = common.scale
        if factors is None:
            return pm.Normal(name, mu=_f64(0.0), sigma=_f64(tau), dims=dims)
        if np.isfinite(factors).all():
            return pm.Normal(name, mu=_f64(0.0), sigma=_f64(tau) * factors, dims=dims)
        # a flat prior on the unpenalised coefficients, the normal density on the others
        on = np.flatnonzero(np.isfinite(factors))
        beta = pm.Flat(name, dims=dims)
        pm.Potential(f"{name}_prior", pm.logp(pm.Normal.dist(mu=_f64(0.0), sigma=_f64(tau) * factors[on]),
                                              beta[on]).sum())  # fmt: skip
        return beta


@dataclass(frozen=True)
class Flat(Prior):
    r"""The flat (improper) prior :math:`p(\beta) \propto 1` on every coefficient.

    Stan's default when a program states no prior on its coefficients (posteriordb's earnings,
    kidiq, wells, ... regressions). Its density is 1, the convention of the flat intercept. The
    MAP is the unpenalised fit: least squares for the linear model (with sigma fixed or free), the
    maximum-likelihood logistic / binomial / Poisson regression for a GLM (which does not exist
    when the data are separable: refused). Its penalty twin is ``L2(alpha=0)``; scikit-learn's
    twins are ``LinearRegression``, ``LogisticRegression(C=inf)`` and ``PoissonRegressor(alpha=0)``
    (:mod:`bayesreg.mapping`).

    The posterior is proper only where the data identify every coefficient: the centred design
    (uncentred without an intercept) of full column rank, hence ``p + 1 <= n`` with an intercept;
    with sigma free, the residual degrees of freedom ``n - p - 1`` must be at least 1 under
    Jeffreys' prior and 2 under the flat prior on sigma
    (:meth:`bayesreg.noise.Noise.residual_dof_needed`). Where they do not, the MAP, the exact
    posterior and the samplers refuse with the reason (:func:`bayesreg.design.flat_obstacle`).
    With sigma fixed the posterior is Gaussian, ``beta ~ N(beta_ols, sigma^2 (X_c^T X_c)^-1)``
    (:func:`bayesreg.exact_posterior`).
    """

    word: ClassVar[str] = "flat"

    def logp(self, beta) -> float:
        """0: the (improper) density 1 at every ``beta``."""
        _as_beta(beta)
        return 0.0

    def sample(self, size, rng=None) -> np.ndarray:
        """Refused: an improper prior has no draws."""
        raise ValueError("Flat is an improper prior (density 1 on the whole line): it cannot be drawn from")

    def to_pymc(self, name: str, dims=None, sigma=None):
        """``pm.Flat`` (inside a model context); ``sigma`` is not used."""
        from ._upstream import import_pymc

        return import_pymc().Flat(name, dims=dims)

    def data_obstacle(self, data, noise=None) -> str | None:  # noqa: D102
        from .design import flat_obstacle

        return flat_obstacle(data, noise)

    def gibbs_settings(self) -> GibbsSettings:  # noqa: D102
        # the Gaussian kernel with an infinite prior variance: the beta conditional's precision is X^T X / sigma^2
        return GibbsSettings("gaussian", tau2=float("inf"))


def _elastic_net_log_norm(b: float, tau: float) -> float:
    # Z = int exp(-|x|/b - x^2/(2 tau^2)) dx = 2 int_0^inf ...
    #   = sqrt(2 pi) tau * exp(tau^2 / (2 b^2)) * erfc(tau / (sqrt(2) b))
    # written with erfcx for stability: erfc(z) exp(z^2) = erfcx(z), z = tau / (sqrt(2) b).
    z = tau / (np.sqrt(2.0) * b)
    return float(0.5 * _LOG2PI + np.log(tau) + np.log(special.erfcx(z)))


def _elastic_net_draws(b: float, tau: float, size, rng) -> np.ndarray:
    # The density is symmetric, so draw |x| and a fair sign. |x| has density proportional to
    # exp(-x/b) exp(-x^2/(2 tau^2)) on x > 0; exact rejection sampling from whichever factor is
    # the wider one (an exponential of mean b, or a half-normal of scale tau), accepting with
    # the other factor, which is at most 1. The acceptance rate is at least ~0.52 for every
    # b and tau (its minimum is at tau = b), so a few vectorised rounds suffice; unlike the
    # truncated-normal form, this stays exact when tau / b is huge.
    rng = np.random.default_rng(rng)
    shape = () if size is None else ((int(size),) if np.ndim(size) == 0 else tuple(int(k) for k in size))
    m = int(np.prod(shape, dtype=np.int64))
    out = np.empty(m)
    filled = 0
    while filled < m:
        k = m - filled
        if tau >= b:
            x = rng.exponential(b, size=k)
            keep = rng.random(k) < np.exp(-0.5 * (x / tau) ** 2)
        else:
            x = np.abs(rng.normal(0.0, tau, size=k))
            keep = rng.random(k) < np.exp(-x / b)
        x = x[keep]
        out[filled : filled + x.size] = x
        filled += x.size
    out *= np.where(rng.random(m) < 0.5, -1.0, 1.0)
    return out.reshape(shape) if shape else float(out[0])


@dataclass(frozen=True)
class ElasticNetPrior(Prior):
    r"""Product of a Laplace(b) and a Gaussian N(0, tau^2) density, normalised per coordinate.

    :math:`p(\beta_j) \propto \exp(-|\beta_j|/b - \beta_j^2/(2\tau^2))`; its MAP is scikit-learn's
    ``ElasticNet`` with ``alpha l1_ratio = sigma^2/(n b)`` and
    ``alpha (1 - l1_ratio) = sigma^2/(n tau^2)``.

    Parameters
    ----------
    l1_scale : float
        Laplace scale ``b`` > 0.
    l2_scale : float
        Gaussian standard deviation ``tau`` > 0.
    """

    word: ClassVar[str] = "elastic_net"
    sparsity_inducing: ClassVar[bool] = True

    l1_scale: float = 1.0
    l2_scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "l1_scale", check_scale(self.l1_scale, "l1_scale"))
        object.__setattr__(self, "l2_scale", check_scale(self.l2_scale, "l2_scale"))

    def logp(self, beta) -> float:  # noqa: D102
        x = _as_beta(beta)
        b, t = self.l1_scale, self.l2_scale
        return float(-np.abs(x).sum() / b - 0.5 * _sumsq(x) / t**2 - x.size * _elastic_net_log_norm(b, t))

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        return _elastic_net_draws(self.l1_scale, self.l2_scale, size, rng)

    def to_pymc(self, name: str, dims=None, sigma=None):
        """A ``pm.CustomDist`` with this log density and a random generator (``sigma`` not used)."""
        from ._upstream import import_pymc, import_pytensor_tensor

        pm = import_pymc()
        pt = import_pytensor_tensor()

        b, t = self.l1_scale, self.l2_scale
        log_norm = _elastic_net_log_norm(b, t)
        b, t, log_norm = _f64(b), _f64(t), _f64(log_norm)

        def logp(value, *_):
            return -pt.abs(value) / b - 0.5 * value**2 / t**2 - log_norm

        def random(*_, rng=None, size=None):
            return _elastic_net_draws(b, t, size, rng)

        def support_point(rv, size, *_):
            return pt.zeros(size) if size is not None else pt.zeros(())

        return pm.CustomDist(name, logp=logp, random=random, support_point=support_point, dims=dims)


@dataclass(frozen=True)
class Horseshoe(Prior):
    r"""Horseshoe prior: :math:`\beta_j \sim N(0, \lambda_j^2 \tau^2 \sigma^2)`, half-Cauchy scales.

    :math:`\lambda_j \sim C^+(0, 1)` local scales and :math:`\tau \sim C^+(0, s)` global scale
    (Carvalho, Polson and Scott, 2010), with ``sigma`` the noise scale. It has no penalty twin
    with a closed form; it is sampled, not solved.

    Parameters
    ----------
    global_scale : float
        Scale ``s`` of the half-Cauchy prior on the global scale ``tau``.
    """

    word: ClassVar[str] = "horseshoe"
    scale_field: ClassVar[str] = "global_scale"
    scale_symbol: ClassVar[str] = "s"
    sparsity_inducing: ClassVar[bool] = True

    scaled_by_sigma: ClassVar[bool] = True

    global_scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "global_scale", check_scale(self.global_scale, "global_scale"))

    def sample_hierarchy(self, size, rng=None, sigma: float = 1.0) -> dict[str, np.ndarray]:
        """Draws of the whole hierarchy: ``beta``, the global ``tau`` and the local ``lam_local``.

        Parameters
        ----------
        size : int or tuple of int
            Shape of ``beta``; its last axis is the feature axis. One ``tau`` is drawn per
            vector of features, so ``tau`` has shape ``size[:-1]`` (a scalar for an int size).
        rng : int or numpy.random.Generator, optional
            Seed or generator.
        sigma : float, default=1.0
            Noise scale multiplying every coefficient.

        Returns
        -------
        dict
            ``{"beta": ..., "tau": ..., "lam_local": ...}`` with
            ``beta = z * lam_local * tau * sigma`` and ``z`` standard normal.
        """
        sigma = check_scale(sigma, "sigma")
        shape = (int(size),) if np.ndim(size) == 0 else tuple(int(k) for k in size)
        if len(shape) == 0 or min(shape) < 0:
            raise ValueError(f"size must be a non-negative int or a non-empty tuple; got {size!r}")
        rng = np.random.default_rng(rng)
        tau = np.abs(self.global_scale * rng.standard_cauchy(size=shape[:-1]))
        lam_local = np.abs(rng.standard_cauchy(size=shape))
        beta = rng.standard_normal(size=shape) * lam_local * tau[..., None] * sigma
        return {"beta": beta, "tau": tau[()] if tau.ndim == 0 else tau, "lam_local": lam_local}

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:
        """Draws of ``beta`` (see :meth:`sample_hierarchy`, which also returns the scales)."""
        return self.sample_hierarchy(size, rng, sigma)["beta"]

    def gibbs_settings(self) -> GibbsSettings:  # noqa: D102
        return GibbsSettings("horseshoe", hs_s=self.global_scale, tau2=self.global_scale**2, hyper_name="tau",
                             local_name="lam_local")  # fmt: skip

    def map_obstacle(self):  # noqa: D102
        return TypeError, (
            "the horseshoe prior has no penalty twin with a closed form (its marginal density has no closed "
            "form and no finite mode); use sample_posterior, or find_map on build_model(...)"
        )

    def logp(self, beta) -> float:  # noqa: D102
        raise NotImplementedError(
            "the horseshoe marginal density of beta has no closed form; "
            "use the hierarchical model (to_pymc) instead"
        )

    def to_pymc(self, name: str, dims=None, sigma=None):
        """The non-centred hierarchy (inside a model context).

        ``tau ~ HalfCauchy(global_scale)``, ``lam_local ~ HalfCauchy(1)`` (dims ``dims``),
        ``{name}_z ~ N(0, 1)`` and the deterministic ``name = {name}_z * lam_local * tau * sigma``;
        ``sigma`` is the noise scale (a number or a PyMC variable; 1 when omitted).
        """
        from ._upstream import import_pymc

        pm = import_pymc()

        sigma = _f64(1.0 if sigma is None else sigma)
        tau = pm.HalfCauchy("tau", beta=_f64(self.global_scale))
        lam_local = pm.HalfCauchy("lam_local", beta=_f64(1.0), dims=dims)
        z = pm.Normal(f"{name}_z", _f64(0.0), _f64(1.0), dims=dims)
        return pm.Deterministic(name, z * lam_local * tau * sigma, dims=dims)


def rhs_global_scale(p0, n, p) -> float:
    r"""Piironen and Vehtari's global scale for a prior guess of ``p0`` non-zero coefficients.

    :math:`\tau_0 = \frac{p_0}{p - p_0}\,\frac{1}{\sqrt n}` (their eq. 3.12, in units of the
    noise scale: the global scale of the coefficients is :math:`\tau_0\sigma`). It sets the
    prior of the effective number of non-zero coefficients :math:`m_{\rm eff}` to have its mass
    around ``p0`` (their section 3.3).

    Parameters
    ----------
    p0 : float
        Prior guess of the number of non-zero coefficients, ``0 < p0 < p``.
    n : int
        Number of observations (>= 1).
    p : int
        Number of coefficients (>= 2).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        ``p0 <= 0``, ``p0 >= p``, ``n < 1``; the message names the argument.
    """
    n = check_scalar(n, "n", lower=1, integer=True)
    p = check_scalar(p, "p", lower=1, integer=True)
    p0 = check_scalar(p0, "p0", lower=0.0, lower_inclusive=False)
    if p0 >= p:
        raise ValueError(
            f"p0 (the prior guess of the number of non-zero coefficients) must be less than the number of "
            f"coefficients p = {p}; got p0 = {p0:g}. The global scale p0 / ((p - p0) sqrt(n)) is defined only for "
            "p0 < p; for a prior without sparsity use Gaussian"
        )
    return check_scale(p0 / ((p - p0) * np.sqrt(n)), "global_scale (from p0)")


def _rhs_draws(global_scale, slab_scale, slab_df, shape, rng, sigma):
    """``beta, tau, lam_local, c`` of the regularised horseshoe (``tau`` drawn per vector of features)."""
    tau = np.abs(global_scale * rng.standard_cauchy(size=shape[:-1]))
    lam = np.abs(rng.standard_cauchy(size=shape))
    # c^2 ~ Inv-Gamma(nu/2, nu s^2/2) = (nu s^2/2) / Gamma(nu/2, 1)
    c = np.sqrt(0.5 * slab_df * slab_scale**2 / rng.gamma(0.5 * slab_df, 1.0, size=shape[:-1]))
    T = tau * sigma
    sd = _rhs_sd(T[..., None], lam, c[..., None])
    beta = rng.standard_normal(size=shape) * sd
    return beta, tau, lam, c


def _rhs_sd(T, lam, c):
    # tau * lambda_tilde = 1 / sqrt(1/(T lam)^2 + 1/c^2), T = sigma tau: hypot neither overflows when
    # T lam -> 0 (sd -> T lam) nor cancels when T lam -> inf (the slab: sd -> c)
    return 1.0 / np.hypot(1.0 / (T * lam), 1.0 / c)


@dataclass(frozen=True)
class RegularizedHorseshoe(Prior):
    r"""Regularised ("Finnish") horseshoe of Piironen and Vehtari (2017).

    .. math::

        \beta_j \mid \lambda_j, \tau, c \sim N(0, \sigma^2\tau^2\tilde\lambda_j^2), \qquad
        \sigma^2\tau^2\tilde\lambda_j^2 = \frac{c^2\,\sigma^2\tau^2\lambda_j^2}{c^2 + \sigma^2\tau^2\lambda_j^2},

    :math:`\lambda_j \sim C^+(0, 1)`, :math:`\tau \sim C^+(0, \tau_0)` and
    :math:`c^2 \sim \mathrm{Inv\text{-}Gamma}(\nu/2, \nu s^2/2)` (their eqs. 2.8 and 2.11). The
    prior precision of :math:`\beta_j` is the sum :math:`1/(\sigma^2\tau^2\lambda_j^2) + 1/c^2`:
    small coefficients are shrunk as by the horseshoe, large ones at most as by a
    :math:`N(0, c^2)` slab, so the posterior stays proper and well behaved for separable or
    weakly identified data. ``tau`` is in units of the noise scale, as in :class:`Horseshoe`
    (the global scale of the coefficients is :math:`\sigma\tau`, Piironen and Vehtari's
    :math:`\tau`); the slab scale :math:`c` is in the units of the coefficients. With
    :math:`c \to \infty` it is :class:`Horseshoe` with the same ``global_scale``.

    Parameters
    ----------
    p0 : float, optional
        Prior guess of the number of non-zero coefficients; sets
        :math:`\tau_0 = p_0 / ((p - p_0)\sqrt n)` (:func:`rhs_global_scale`, their eq. 3.12) once
        the data are known (:meth:`resolve`). Give ``p0`` or ``global_scale``, not both.
    global_scale : float, optional
        :math:`\tau_0` directly. When neither is given, 1 (as :class:`Horseshoe`; Piironen and
        Vehtari show it puts far too much mass on dense models: prefer ``p0``).
    slab_scale : float, default=2.0
        :math:`s`, the scale of the slab (the prior sd of the largest coefficients, in the units of
        ``beta``).
    slab_df : float, default=4.0
        :math:`\nu`, the degrees of freedom of the slab's Student-t marginal.

    Notes
    -----
    The marginal density of ``beta`` has no closed form (:meth:`logp` refuses);
    :meth:`logp_hierarchy` is the joint log density of the hierarchy, and the PyMC form
    (:meth:`to_pymc`) is non-centred. There is no finite mode (no MAP): use
    :func:`bayesreg.sample_posterior` (NUTS, or the Gibbs sampler
    :func:`bayesreg.samplers.rhs.sample_rhs`). For a GLM (no noise scale) :math:`\sigma = 1`;
    Piironen and Vehtari suggest a pseudo-noise scale instead (2 for the logit), i.e. ``p0`` gives
    a global scale half theirs there.

    References
    ----------
    Piironen, J. and Vehtari, A. (2017). Sparsity information and regularization in the horseshoe
    and other shrinkage priors. Electronic Journal of Statistics 11(2), 5018-5051.
    """

    word: ClassVar[str] = "regularized_horseshoe"
    sparsity_inducing: ClassVar[bool] = True

    scaled_by_sigma: ClassVar[bool] = True

    p0: float | None = None
    global_scale: float | None = None
    slab_scale: float = 2.0
    slab_df: float = 4.0

    def __post_init__(self):
        if self.p0 is not None and self.global_scale is not None:
            raise ValueError(
                f"give p0 (the prior guess of the number of non-zero coefficients) or global_scale, not both; got "
                f"p0={self.p0!r}, global_scale={self.global_scale!r}"
            )
        if self.p0 is not None:
            object.__setattr__(self, "p0", check_scalar(self.p0, "p0", lower=0.0, lower_inclusive=False))
        elif self.global_scale is None:
            object.__setattr__(self, "global_scale", 1.0)
        if self.global_scale is not None:
            object.__setattr__(self, "global_scale", check_scale(self.global_scale, "global_scale"))
        object.__setattr__(self, "slab_scale", check_scale(self.slab_scale, "slab_scale"))
        object.__setattr__(self, "slab_df", check_scale(self.slab_df, "slab_df"))

    def resolve(self, n: int, p: int) -> RegularizedHorseshoe:
        """The prior with ``global_scale = p0 / ((p - p0) sqrt(n))`` (itself when ``p0`` is not set).

        Raises ValueError naming ``p0`` when ``p0 >= p``.
        """
        if self.p0 is None:
            return self
        return RegularizedHorseshoe(global_scale=rhs_global_scale(self.p0, n, p), slab_scale=self.slab_scale,
                                    slab_df=self.slab_df)  # fmt: skip

    def _scale(self) -> float:
        if self.global_scale is None:
            raise ValueError(
                f"RegularizedHorseshoe(p0={self.p0:g}) needs the data's size for its global scale p0/((p - p0) "
                "sqrt(n)): use prior.resolve(n, p) first (the model builders and samplers do), or give global_scale"
            )
        return self.global_scale

    def sample_hierarchy(self, size, rng=None, sigma: float = 1.0) -> dict[str, np.ndarray]:
        """Draws of the whole hierarchy: ``beta``, ``tau``, ``lam_local`` and ``c``.

        Parameters
        ----------
        size : int or tuple of int
            Shape of ``beta``; its last axis is the feature axis (one ``tau`` and ``c`` per vector).
        rng : int or numpy.random.Generator, optional
            Seed or generator.
        sigma : float, default=1.0
            Noise scale (the global scale of the coefficients is ``sigma * tau``).

        Returns
        -------
        dict
            ``{"beta", "tau", "lam_local", "c"}``.
        """
        s = self._scale()
        sigma = check_scale(sigma, "sigma")
        shape = (int(size),) if np.ndim(size) == 0 else tuple(int(k) for k in size)
        if len(shape) == 0 or min(shape) < 0:
            raise ValueError(f"size must be a non-negative int or a non-empty tuple; got {size!r}")
        beta, tau, lam, c = _rhs_draws(s, self.slab_scale, self.slab_df, shape, np.random.default_rng(rng), sigma)
        scalar = tau.ndim == 0
        return {"beta": beta, "tau": tau[()] if scalar else tau, "lam_local": lam, "c": c[()] if scalar else c}

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:
        """Draws of ``beta`` (see :meth:`sample_hierarchy`)."""
        return self.sample_hierarchy(size, rng, sigma)["beta"]

    def map_obstacle(self):  # noqa: D102
        return TypeError, (
            "the regularised horseshoe prior has no penalty twin with a closed form (its marginal density has no "
            "closed form, and the joint density of the hierarchy no finite mode); use sample_posterior"
        )

    def logp(self, beta) -> float:  # noqa: D102
        raise NotImplementedError(
            "the regularised horseshoe's marginal density of beta has no closed form (an integral over the "
            "local, global and slab scales); use logp_hierarchy or the hierarchical model (to_pymc)"
        )

    def logp_hierarchy(self, beta, tau, lam_local, c, sigma: float = 1.0) -> float:
        """Joint log density of ``(beta, tau, lam_local, c)`` (normalised; densities of ``tau``, ``lam_local``, ``c``).

        Parameters
        ----------
        beta, lam_local : array_like of shape (p,)
        tau, c : float
        sigma : float, default=1.0

        Returns
        -------
        float
            ``-inf`` outside the support.
        """
        s = self._scale()
        b, lam = _as_beta(beta), _as_beta(lam_local)
        tau, c = float(tau), float(c)
        if tau <= 0 or c <= 0 or np.any(lam <= 0):
            return float("-inf")
        nu, ss = self.slab_df, self.slab_scale
        sd = _rhs_sd(tau * sigma, lam, c)
        lp = float(np.sum(-0.5 * _LOG2PI - np.log(sd) - 0.5 * (b / sd) ** 2))
        lp += float(np.sum(np.log(2.0 / np.pi) - np.log1p(lam**2)))
        lp += float(np.log(2.0 / np.pi) - np.log(s) - np.log1p((tau / s) ** 2))
        # c = sqrt(c^2), c^2 ~ IG(nu/2, nu s^2/2): density of c is 2c times that of c^2
        a, bb = 0.5 * nu, 0.5 * nu * ss**2
        lp += float(a * np.log(bb) - special.gammaln(a) - (a + 1) * np.log(c * c) - bb / (c * c) + np.log(2.0 * c))
        return lp

    def to_pymc(self, name: str, dims=None, sigma=None):
        """The non-centred hierarchy (inside a model context).

        ``tau ~ HalfCauchy(global_scale)``, ``lam_local ~ HalfCauchy(1)`` (dims ``dims``),
        ``c2_aux ~ InverseGamma(nu/2, nu/2)`` with the deterministic ``c = slab_scale * sqrt(c2_aux)``,
        ``{name}_z ~ N(0, 1)`` and the deterministic
        ``name = {name}_z / sqrt(1/(sigma tau lam_local)^2 + 1/c^2)``; ``sigma`` is the noise scale
        (a number or a PyMC variable; 1 when omitted). ``p0`` must have been resolved
        (:meth:`resolve`).
        """
        from ._upstream import import_pymc

        pm = import_pymc()

        s = self._scale()
        sigma = _f64(1.0 if sigma is None else sigma)
        half_nu = _f64(0.5 * self.slab_df)
        tau = pm.HalfCauchy("tau", beta=_f64(s))
        lam_local = pm.HalfCauchy("lam_local", beta=_f64(1.0), dims=dims)
        c2_aux = pm.InverseGamma("c2_aux", alpha=half_nu, beta=half_nu)
        c = pm.Deterministic("c", _f64(self.slab_scale) * pm.math.sqrt(c2_aux))
        z = pm.Normal(f"{name}_z", _f64(0.0), _f64(1.0), dims=dims)
        prec = 1.0 / (tau * sigma * lam_local) ** 2 + 1.0 / c**2
        return pm.Deterministic(name, z / pm.math.sqrt(prec), dims=dims)


@dataclass(frozen=True)
class R2D2(Prior):
    r"""R2-D2 prior (Zhang, Reich and Bondell, 2022), with the normal kernel of Aguilar and Bürkner (2023).

    A prior on the share of variance the regression explains, decomposed over the coefficients:

    .. math::

        R^2 \sim \mathrm{Beta}(a, b), \qquad \omega = \frac{R^2}{1 - R^2}, \qquad
        \phi \sim \mathrm{Dirichlet}(\xi, \dots, \xi), \qquad
        \beta_j \mid \omega, \phi \sim N(0, \sigma^2\,\omega\,\phi_j).

    With standardised columns (unit variance) the prior variance of the fit is
    :math:`\sigma^2 \omega \sum_j \phi_j = \sigma^2\omega`, so :math:`R^2 = \omega/(1+\omega)`
    is the coefficient of determination ``var(X beta) / (var(X beta) + sigma^2)``: the prior
    says how much of the variance of ``y`` the model explains, ``mean_r2`` on average, and the
    Dirichlet shares it out (a small ``concentration`` puts most of it on few coefficients). Use
    it with standardised columns (``standardize=True`` or a scaled ``X``) for that reading.

    Parameters
    ----------
    mean_r2 : float, default=0.5
        Prior mean of :math:`R^2`, in (0, 1): ``a = mean_r2 * precision``,
        ``b = (1 - mean_r2) * precision``.
    precision : float, default=2.0
        :math:`a + b` (2 with ``mean_r2 = 0.5`` is the uniform prior on :math:`R^2`).
    concentration : float, default=0.5
        :math:`\xi`, the Dirichlet concentration of each share.

    Notes
    -----
    The marginal density of ``beta`` has no closed form and no finite mode (no MAP); the PyMC
    form is non-centred (``{name}_z ~ N(0, 1)``); for a GLM :math:`\sigma = 1`. Sampled by NUTS.
    """

    word: ClassVar[str] = "r2d2"
    sparsity_inducing: ClassVar[bool] = True

    scaled_by_sigma: ClassVar[bool] = True

    mean_r2: float = 0.5
    precision: float = 2.0
    concentration: float = 0.5

    def __post_init__(self):
        m = check_scalar(self.mean_r2, "mean_r2", lower=0.0, upper=1.0, lower_inclusive=False,
                         upper_inclusive=False)  # fmt: skip
        object.__setattr__(self, "mean_r2", float(m))
        object.__setattr__(self, "precision", check_scale(self.precision, "precision"))
        object.__setattr__(self, "concentration", check_scale(self.concentration, "concentration"))

    @property
    def beta_params(self) -> tuple[float, float]:
        """``(a, b)`` of the Beta prior on :math:`R^2`."""
        return self.mean_r2 * self.precision, (1.0 - self.mean_r2) * self.precision

    def sample_hierarchy(self, size, rng=None, sigma: float = 1.0) -> dict[str, np.ndarray]:
        """Draws of ``beta``, ``r2`` and the shares ``phi`` (one ``r2`` and ``phi`` per vector of features).

        Parameters
        ----------
        size : int or tuple of int
            Shape of ``beta``; its last axis is the feature axis.
        rng : int or numpy.random.Generator, optional
        sigma : float, default=1.0

        Returns
        -------
        dict
            ``{"beta", "r2", "phi"}``.
        """
        sigma = check_scale(sigma, "sigma")
        shape = (int(size),) if np.ndim(size) == 0 else tuple(int(k) for k in size)
        if len(shape) == 0 or min(shape) < 1:
            raise ValueError(f"size must be a positive int or a non-empty tuple of positive ints; got {size!r}")
        rng = np.random.default_rng(rng)
        a, b = self.beta_params
        r2 = rng.beta(a, b, size=shape[:-1])
        phi = rng.dirichlet(np.full(shape[-1], self.concentration), size=shape[:-1])
        omega = r2 / (1.0 - r2)
        beta = rng.standard_normal(shape) * sigma * np.sqrt(omega[..., None] * phi)
        return {"beta": beta, "r2": r2[()] if r2.ndim == 0 else r2, "phi": phi}

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:
        """Draws of ``beta`` (see :meth:`sample_hierarchy`)."""
        return self.sample_hierarchy(size, rng, sigma)["beta"]

    def map_obstacle(self):  # noqa: D102
        return TypeError, (
            "the R2-D2 prior has no penalty twin with a closed form (its marginal density has no closed form and "
            "no finite mode); use sample_posterior"
        )

    def logp(self, beta) -> float:  # noqa: D102
        raise NotImplementedError(
            "the R2-D2 marginal density of beta has no closed form (an integral over R^2 and the shares); use the "
            "hierarchical model (to_pymc)"
        )

    def to_pymc(self, name: str, dims=None, sigma=None):
        """The non-centred hierarchy: ``r2 ~ Beta(a, b)``, ``phi ~ Dirichlet``, ``name = z sigma sqrt(omega phi)``."""
        from ._upstream import import_pymc

        pm = import_pymc()
        model = pm.modelcontext(None)
        if dims is None or dims not in model.coords:
            raise ValueError("R2D2.to_pymc needs the feature dims of the model (its length is the Dirichlet's)")
        p = len(model.coords[dims])
        a, b = self.beta_params
        sigma = _f64(1.0 if sigma is None else sigma)
        r2 = pm.Beta("r2", alpha=_f64(a), beta=_f64(b))
        phi = pm.Dirichlet("phi", a=np.full(p, self.concentration, dtype=np.float64), dims=dims)
        z = pm.Normal(f"{name}_z", _f64(0.0), _f64(1.0), dims=dims)
        omega = r2 / (1.0 - r2)
        return pm.Deterministic(name, z * sigma * pm.math.sqrt(omega * phi), dims=dims)


#: Every coefficient prior's word, in the order of definition (the registry of :class:`Prior`).
PRIOR_WORDS = tuple(Prior._registry)


def check_prior(prior):
    """Return ``prior`` if it is a coefficient prior (an instance of a registered class), else raise a TypeError.

    Parameters
    ----------
    prior : object

    Returns
    -------
    Prior
    """
    classes = Prior.registered()
    if not isinstance(prior, classes):
        names = ", ".join(p.__name__ for p in classes)
        raise TypeError(f"prior must be one of {names} (from bayesreg); got {type(prior).__name__} {prior!r}")
    return prior
