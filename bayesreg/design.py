r"""The prepared design: the data of a model, validated once at the public entry point.

scikit-learn's linear models share one ``_preprocess_data``; here every public function that
takes ``(X, y)`` (or a :class:`~bayesreg.SufficientStats`) calls :func:`prepare_data` once and
hands the resulting :class:`ModelData` inward. Inner functions never re-validate: they ask it.
A :class:`ModelData` passed to a public function is used as it is (no second validation).

It holds

- the validated rows ``X, y`` (float64) when given, ``None`` for sufficient statistics;
- the centred sufficient statistics (``stats``) always, and the Gram form the closed-form
  formulas use, :math:`G = X_c^T X_c`, :math:`q = X_c^T y_c`, :math:`y_c^T y_c` (centred with an
  intercept, raw without), with the offsets ``x_offset``, ``y_offset`` (the means, or zeros);
- the feature names, the intercept flag, and the column scaling of ``standardize=True``;
- the likelihood family (:mod:`bayesreg.families`: Gaussian for the linear model, Bernoulli,
  binomial or Poisson for a GLM), which checked ``y``, and the binomial ``trials``. A GLM needs
  the rows: sufficient statistics describe the Gaussian likelihood only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from ._validation import check_feature_names, check_Xy
from .families import Family, Gaussian
from .families import family as parse_family
from .suffstats import SufficientStats

__all__ = ["ModelData", "prepare_data"]


@dataclass(frozen=True, eq=False)
class ModelData:
    """Validated data of a model: arrays (when given), their sufficient statistics, names.

    Attributes
    ----------
    X, y : ndarray or None
        Float64 copies of the data (``None`` when built from a SufficientStats).
    stats : SufficientStats
        Centred sufficient statistics.
    feature_names : list of str
    fit_intercept : bool
    x_scale : ndarray of shape (p,)
        Column standard deviations used by ``standardize=True`` (ones otherwise).
    standardize : bool
    family : Family
        The likelihood family (:class:`bayesreg.families.Gaussian` for the linear model).
    trials : ndarray or None
        Binomial trials per row (``None`` for the other families).
    """

    X: np.ndarray | None
    y: np.ndarray | None
    stats: SufficientStats
    feature_names: list[str]
    fit_intercept: bool
    standardize: bool
    x_scale: np.ndarray = field(repr=False)
    family: Family = field(default_factory=Gaussian)
    trials: np.ndarray | None = field(default=None, repr=False)

    @property
    def is_gaussian(self) -> bool:
        """Whether the likelihood is the linear model's (Gaussian noise)."""
        return isinstance(self.family, Gaussian)

    @property
    def n(self) -> int:
        """Number of observations."""
        return self.stats.n

    @property
    def p(self) -> int:
        """Number of features."""
        return self.stats.n_features

    @property
    def n_eff(self) -> int:
        """Dimension of the data left after the flat intercept is integrated out (``n - 1`` or ``n``)."""
        return self.n - 1 if self.fit_intercept else self.n

    @property
    def y_var(self) -> float:
        """Sample variance of y (centred, ``ddof=1`` when ``n > 1``)."""
        return self.stats.yty / max(self.n - 1, 1)

    @cached_property
    def _gram(self) -> tuple[np.ndarray, np.ndarray, float]:
        G, q, yy = self.stats.gram(self.fit_intercept)
        return np.array(G, dtype=np.float64), np.array(q, dtype=np.float64), float(yy)

    @property
    def G(self) -> np.ndarray:
        """``X_c^T X_c`` (raw ``X^T X`` without an intercept), on the original column scale."""
        return self._gram[0]

    @property
    def q(self) -> np.ndarray:
        """``X_c^T y_c`` (raw ``X^T y`` without an intercept)."""
        return self._gram[1]

    @property
    def yy(self) -> float:
        """``y_c^T y_c`` (raw ``y^T y`` without an intercept)."""
        return self._gram[2]

    @property
    def x_offset(self) -> np.ndarray:
        """Column means with an intercept, zeros without (what centring subtracts)."""
        return np.array(self.stats.x_mean, dtype=np.float64) if self.fit_intercept else np.zeros(self.p)

    @property
    def y_offset(self) -> float:
        """Mean of y with an intercept, 0 without."""
        return float(self.stats.y_mean) if self.fit_intercept else 0.0

    def scaled_stats(self) -> SufficientStats:
        """The statistics of the columns divided by ``x_scale`` (the standardised design)."""
        st, s = self.stats, self.x_scale
        if not self.standardize:
            return st
        # a diagonal rescaling of valid statistics is valid: no second O(p^3) check
        return SufficientStats._trusted(
            st.n, st.x_mean / s, st.y_mean, st.xtx / np.outer(s, s), st.xty / s, st.yty, st.feature_names,
            st.x_mean_lo / s, st.y_mean_lo,
        )  # fmt: skip

    def require_intercept_rows(self) -> None:
        """Raise unless there are at least 2 observations when the intercept is fitted."""
        if self.fit_intercept and self.n < 2:
            raise ValueError(f"n_samples = {self.n}: at least 2 observations are needed with fit_intercept=True")


def _names(X, stats, feature_names, p: int) -> list[str]:
    """Given names, else a DataFrame's (or SufficientStats') columns, else ``x0, x1, ...``; validated."""
    if feature_names is not None:
        return check_feature_names(feature_names, p)
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        return check_feature_names([str(c) for c in X.columns], p)
    if getattr(stats, "feature_names", None) is not None:
        return check_feature_names(stats.feature_names, p)
    return [f"x{j}" for j in range(p)]


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def prepare_data(
    X, y=None, *, fit_intercept=True, feature_names=None, standardize=False, family=None, trials=None
) -> ModelData:
    """Validate ``(X, y)`` (arrays, DataFrame/Series, or a SufficientStats with ``y`` omitted) once.

    Parameters
    ----------
    X : array_like, pandas.DataFrame, SufficientStats or ModelData
        A :class:`ModelData` is used as it is (only the options below are applied to it).
    y : array_like, optional
    fit_intercept : bool, default=True
    feature_names : sequence of str, optional
        Defaults to the DataFrame's columns, else ``x0, x1, ...``.
    standardize : bool, default=False
    family : str or Family, optional
        ``"gaussian"`` (the default: the linear model), ``"bernoulli"``, ``"binomial"`` or
        ``"poisson"`` (:func:`bayesreg.families.family`); it checks ``y`` (and ``trials``).
    trials : int or array_like, optional
        Binomial trials per row.

    Returns
    -------
    ModelData
    """
    fit_intercept = _check_flag(fit_intercept, "fit_intercept")
    standardize = _check_flag(standardize, "standardize")
    fam = None if family is None else parse_family(family)
    if isinstance(X, ModelData):
        if y is not None:
            raise ValueError("y must be omitted (None) when X is a prepared ModelData")
        if fam is not None and fam != X.family:
            raise ValueError(f"family={fam.name!r} differs from the prepared data's family {X.family.name!r}")
        if trials is not None:
            raise ValueError("trials must be omitted when X is a prepared ModelData (its trials are used)")
        data = X
        names = data.feature_names if feature_names is None else check_feature_names(feature_names, data.p)
        if (data.fit_intercept, data.standardize, list(data.feature_names)) == (fit_intercept, standardize, names):
            return data
        return replace(data, fit_intercept=fit_intercept, standardize=standardize, feature_names=names,
                       x_scale=_scale(data.stats, standardize))  # fmt: skip
    fam = Gaussian() if fam is None else fam
    if isinstance(X, SufficientStats):
        if y is not None:
            raise ValueError("y must be omitted (None) when X is a SufficientStats")
        if not isinstance(fam, Gaussian):
            raise ValueError(
                f"family={fam.name!r} needs the rows (X, y): sufficient statistics describe the Gaussian "
                "likelihood (the linear model) only"
            )
        Xa = ya = None
        m = None
        stats = X
    else:
        if y is None:
            raise ValueError("y is required when X is an array (it may be omitted only for a SufficientStats)")
        Xa, ya = check_Xy(X, y)
        ya, m = fam.validate_y(ya, trials, n=Xa.shape[0])
        ya = np.array(ya, dtype=np.float64)
        stats = SufficientStats._from_valid_arrays(Xa, ya)
    p = stats.n_features
    return ModelData(
        X=Xa,
        y=ya,
        stats=stats,
        feature_names=_names(X, stats, feature_names, p),
        fit_intercept=fit_intercept,
        standardize=standardize,
        x_scale=_scale(stats, standardize),
        family=fam,
        trials=m,
    )


def _scale(stats: SufficientStats, standardize: bool) -> np.ndarray:
    if not standardize:
        return np.ones(stats.n_features)
    # population sd (ddof=0), as scikit-learn's StandardScaler; constant columns keep scale 1
    sd = np.sqrt(np.diag(stats.xtx) / stats.n)
    return np.where(sd > 0, sd, 1.0)
