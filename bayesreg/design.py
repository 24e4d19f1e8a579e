r"""The prepared design: the data of a model, validated once at the public entry point.

scikit-learn's linear models share one ``_preprocess_data``; here every public function that
takes ``(X, y)`` (or a :class:`~bayesreg.SufficientStats`) calls :func:`prepare_data` once and
hands the resulting :class:`ModelData` inward. Inner functions never re-validate: they ask it.
A :class:`ModelData` passed to a public function is used as it is (no second validation).

It holds

- the validated rows ``X, y`` (float64) when given, ``None`` for sufficient statistics;
- the centred sufficient statistics (``stats``), and the Gram form the closed-form
  formulas use, :math:`G = X_c^T X_c`, :math:`q = X_c^T y_c`, :math:`y_c^T y_c` (centred with an
  intercept, raw without), with the offsets ``x_offset``, ``y_offset`` (the means, or zeros).
  For rows with ``p >= n`` the statistics (a ``(p + 1) x (p + 1)`` matrix, larger than the data)
  are formed only when something asks for them (:attr:`ModelData.stats`), after checking that
  they fit in memory (:func:`bayesreg.suffstats.check_gram_memory`); the MAP of
  :func:`bayesreg.map_estimate` never asks, it solves on the rows (:meth:`ModelData.rss`);
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
from .families import Family, GaussianFamily
from .families import family as parse_family
from .suffstats import SufficientStats

__all__ = ["ModelData", "Reweighting", "prepare_data", "reweight"]


@dataclass(frozen=True, eq=False)
class ModelData:
    """Validated data of a model: arrays (when given), their sufficient statistics, names.

    Attributes
    ----------
    X, y : ndarray or None
        Float64 copies of the data (``None`` when built from a SufficientStats).
    stats : SufficientStats
        Centred sufficient statistics (for rows with ``p >= n`` formed on first use, see
        :attr:`stats_deferred`).
    feature_names : list of str
    fit_intercept : bool
    x_scale : ndarray of shape (p,)
        Column standard deviations used by ``standardize=True`` (ones otherwise).
    standardize : bool
    family : Family
        The likelihood family (:class:`bayesreg.families.GaussianFamily` for the linear model).
    trials : ndarray or None
        Binomial trials per row (``None`` for the other families).
    n_profiled : int
        Flat-prior coefficients already integrated out of the statistics besides the intercept
        (0, except for the working model of :func:`reweight`, which profiles the unpenalised
        columns out as centring profiles the intercept out).
    """

    X: np.ndarray | None
    y: np.ndarray | None
    _stats: SufficientStats | None
    feature_names: list[str]
    fit_intercept: bool
    standardize: bool
    x_scale: np.ndarray = field(repr=False)
    family: Family = field(default_factory=GaussianFamily)
    trials: np.ndarray | None = field(default=None, repr=False)
    n_profiled: int = 0
    _wide: bool = field(default=False, repr=False)  # rows with p >= n: see stats_deferred

    @property
    def is_gaussian(self) -> bool:
        """Whether the likelihood is the linear model's (Gaussian noise)."""
        return isinstance(self.family, GaussianFamily)

    @property
    def stats(self) -> SufficientStats:
        """The centred sufficient statistics (formed now, memory permitting, when they were deferred)."""
        if self._stats is None:
            from .suffstats import check_gram_memory

            check_gram_memory(self.p, f"the data ({self.n} x {self.p})", self.n)
            object.__setattr__(self, "_stats", SufficientStats._from_valid_arrays(self.X, self.y))
        return self._stats

    @property
    def stats_deferred(self) -> bool:
        """Whether these are rows with ``p >= n``, whose statistics (the Gram) are formed only when asked for.

        Then ``n``, ``p``, ``y_var``, the offsets, the standardisation scales and :meth:`rss` always
        come from the rows (the same numbers before and after anything forms the statistics).
        """
        return self._wide

    @property
    def n(self) -> int:
        """Number of observations."""
        return self.X.shape[0] if self._wide else self.stats.n

    @property
    def p(self) -> int:
        """Number of features."""
        return self.X.shape[1] if self._wide else self.stats.n_features

    @property
    def n_eff(self) -> int:
        """Dimension of the data left after the flat intercept (and ``n_profiled`` columns) are integrated out."""
        return self.n - int(self.fit_intercept) - self.n_profiled

    @property
    def y_var(self) -> float:
        """Sample variance of y (centred, ``ddof=1`` when ``n > 1``)."""
        if self._wide:
            yc = self.y - self.y.mean()
            return float(yc @ yc) / max(self.n - 1, 1)
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
        if not self.fit_intercept:
            return np.zeros(self.p)
        return self.X.mean(axis=0) if self._wide else np.array(self.stats.x_mean, dtype=np.float64)

    @property
    def y_offset(self) -> float:
        """Mean of y with an intercept, 0 without."""
        if not self.fit_intercept:
            return 0.0
        return float(self.y.mean()) if self._wide else float(self.stats.y_mean)

    def rss(self, coef) -> float:
        """``||y_c - X_c coef||^2`` for coefficients ``coef`` of the standardised columns (``X / x_scale``).

        From the Gram form (``yy - 2 coef^T q + coef^T G coef``, floored at 0), or for rows with
        ``p >= n`` (:attr:`stats_deferred`) from the rows (one product ``X b``, no copy of ``X``).
        """
        coef = np.asarray(coef, dtype=np.float64)
        if self._wide:
            b = coef / self.x_scale
            r = (self.y - self.y_offset) - (self.X @ b - float(self.x_offset @ b))
            return float(r @ r)
        G, q, yy = self.scaled_stats().gram(self.fit_intercept)
        return max(float(yy - 2.0 * coef @ q + coef @ G @ coef), 0.0)

    def scaled_stats(self) -> SufficientStats:
        """The statistics of the columns divided by ``x_scale`` (the standardised design)."""
        st, s = self.stats, self.x_scale
        if not self.standardize:
            return st
        # a diagonal rescaling of valid statistics is valid: derived, not re-validated
        return SufficientStats._derived(
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
        scale = _row_scale(data.X, standardize) if data.stats_deferred else _scale(data.stats, standardize)
        return replace(data, fit_intercept=fit_intercept, standardize=standardize, feature_names=names,
                       x_scale=scale)  # fmt: skip
    fam = GaussianFamily() if fam is None else fam
    if isinstance(X, SufficientStats):
        if y is not None:
            raise ValueError("y must be omitted (None) when X is a SufficientStats")
        if not isinstance(fam, GaussianFamily):
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
        # p >= n: the (p + 1)^2 statistics are larger than the data; formed only if asked for
        stats = None if Xa.shape[1] >= Xa.shape[0] else SufficientStats._from_valid_arrays(Xa, ya)
    p = Xa.shape[1] if stats is None else stats.n_features
    return ModelData(
        X=Xa,
        y=ya,
        _stats=stats,
        feature_names=_names(X, stats, feature_names, p),
        fit_intercept=fit_intercept,
        standardize=standardize,
        x_scale=_scale(stats, standardize) if stats is not None else _row_scale(Xa, standardize),
        _wide=Xa is not None and stats is None,
        family=fam,
        trials=m,
    )


def _row_scale(X: np.ndarray, standardize: bool) -> np.ndarray:
    # _scale from the rows (deferred statistics): population sd, constant columns keep 1
    if not standardize:
        return np.ones(X.shape[1])
    sd = X.std(axis=0)
    return np.where(sd > 0, sd, 1.0)


def _scale(stats: SufficientStats, standardize: bool) -> np.ndarray:
    if not standardize:
        return np.ones(stats.n_features)
    # population sd (ddof=0), as scikit-learn's StandardScaler; constant columns keep scale 1
    sd = np.sqrt(np.diag(stats.xtx) / stats.n)
    return np.where(sd > 0, sd, 1.0)


@dataclass(frozen=True, eq=False)
class Reweighting:
    r"""A model with per-coefficient prior scales, written as one with a common scale.

    A prior with scales :math:`b_j = b\,c_j` (:meth:`bayesreg.priors.Prior.split`) on the
    coefficients of the columns :math:`x_j` is the common prior :math:`b` on
    :math:`\gamma_j = \beta_j / m_j` with the columns :math:`m_j x_j`, :math:`m_j = c_j / s_j`
    (:math:`s_j` the column scale of ``standardize=True``, else 1). A column with
    :math:`c_j = \infty` (a flat prior, unpenalised) is profiled out as centring profiles out the
    intercept: the working model is on :math:`(I - H)X_P` and :math:`(I - H)y`, :math:`H` the
    projection on the intercept and the unpenalised columns :math:`X_U`, computed on the Gram form
    (its Schur complement), with :math:`|U|` (and the intercept) fewer residual degrees of freedom.
    Given :math:`\beta_P` (and sigma) the unpenalised coefficients are Gaussian,
    :math:`\beta_U \sim N(G_{UU}^{-1}(q_U - G_{UP}\beta_P), \sigma^2 G_{UU}^{-1})`, and the
    intercept :math:`N(\bar y - \bar x^T\beta, \sigma^2/n)`: :meth:`coef` takes their modes,
    :meth:`draws` draws them, which recovers the joint posterior exactly.

    Attributes
    ----------
    full : ModelData
        The data as given.
    working : ModelData
        The common-scale model: rows ``X * m`` when no column is unpenalised, else statistics only.
    multipliers : ndarray of shape (p,)
        ``m_j`` (``inf`` for the unpenalised columns).
    """

    full: ModelData
    working: ModelData
    multipliers: np.ndarray = field(repr=False)
    _cond: tuple | None = field(default=None, repr=False)  # (L, K, a) of unpenalised_conditional

    @property
    def penalised(self) -> np.ndarray:
        """Indices of the penalised (finite-scale) columns."""
        return np.flatnonzero(np.isfinite(self.multipliers))

    @property
    def unpenalised(self) -> np.ndarray:
        """Indices of the unpenalised (infinite-scale) columns."""
        return np.flatnonzero(~np.isfinite(self.multipliers))

    def unpenalised_conditional(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        r"""``(L, K, a)``: given :math:`\beta_P` and sigma, :math:`\beta_U \sim N(a - K\beta_P, \sigma^2 (L L^T)^{-1})`.

        ``L`` is the lower Cholesky factor of :math:`G_{UU}`, ``K`` is :math:`G_{UU}^{-1}G_{UP}` and
        ``a`` is :math:`G_{UU}^{-1}q_U` (centred Gram with an intercept); ``log det G_UU`` is
        ``2 sum log diag L``. ``None`` when no column is profiled out.
        """
        return self._cond

    def _beta_p(self, gamma) -> np.ndarray:
        return np.asarray(gamma, dtype=np.float64) * self.multipliers[self.penalised]

    def _u_mean(self, beta_p: np.ndarray) -> np.ndarray:
        # a - K beta_P, for beta_P with any leading axes
        _, K, a = self._cond
        return a - beta_p @ K.T

    def _full_beta(self, beta_p: np.ndarray, beta_u: np.ndarray | None) -> np.ndarray:
        out = np.empty(beta_p.shape[:-1] + (self.full.p,))
        out[..., self.penalised] = beta_p
        if beta_u is not None:
            out[..., self.unpenalised] = beta_u
        return out

    def _intercept(self, beta: np.ndarray) -> np.ndarray:
        d = self.full
        if not d.fit_intercept:
            return np.zeros(beta.shape[:-1])
        return d.y_offset - beta @ d.x_offset

    def coef(self, gamma, intercept: float | None = None) -> tuple[np.ndarray, float]:
        """``(beta, intercept)`` at the mode given the working coefficients ``gamma``.

        ``intercept`` is the working model's (used as it is when no column is profiled out: the
        rescaling does not change it); otherwise the profiled coefficients and the intercept are
        set to their conditional modes.
        """
        beta_p = self._beta_p(gamma)
        if self._cond is None:
            beta = self._full_beta(beta_p, None)
            return beta, float(self._intercept(beta)) if intercept is None else float(intercept)
        beta = self._full_beta(beta_p, self._u_mean(beta_p))
        return beta, float(self._intercept(beta))

    def draws(self, gamma, sigma, rng, intercept=None) -> tuple[np.ndarray, np.ndarray]:
        """``(beta, intercept)`` draws given working draws ``gamma`` (chain, draw, |P|) and ``sigma``.

        ``sigma`` is a number (fixed) or draws (chain, draw). The profiled coefficients and the
        intercept are drawn from their Gaussian conditionals; without profiled columns the
        working ``intercept`` draws are returned as they are.
        """
        beta_p = self._beta_p(gamma)
        if self._cond is None:
            beta = self._full_beta(beta_p, None)
            return beta, (self._intercept(beta) if intercept is None else np.asarray(intercept))
        from scipy.linalg import solve_triangular

        sig = np.broadcast_to(np.asarray(sigma, dtype=np.float64), beta_p.shape[:-1])
        chol = self._cond[0]  # lower Cholesky factor L of G_UU
        k = self.unpenalised.size
        z = rng.standard_normal(beta_p.shape[:-1] + (k,))
        # L^-T z has covariance (L L^T)^-1 = G_UU^-1
        noise = solve_triangular(chol, z.reshape(-1, k).T, lower=True, trans="T").T.reshape(z.shape)
        beta = self._full_beta(beta_p, self._u_mean(beta_p) + sig[..., None] * noise)
        b0 = self._intercept(beta)
        if self.full.fit_intercept:
            b0 = b0 + sig * rng.standard_normal(b0.shape) / np.sqrt(self.full.n)
        return beta, b0


def _identified_cholesky(guu: np.ndarray):
    """``cho_factor`` of a Gram block whose columns a flat prior identifies, or ``None`` when it does not.

    The pivot-free Cholesky of the form with unit diagonal must keep 8 digits (the columns,
    centred when the model has an intercept, linearly independent with room to spare); a zero
    column or a failed factorisation is ``None``.
    """
    from scipy.linalg import LinAlgError, cho_factor

    d = np.sqrt(np.diag(guu))
    if not np.all(d > 0):
        return None
    try:
        chol = cho_factor(guu, lower=True)
    except LinAlgError:
        return None
    return chol if np.min(np.abs(np.diag(chol[0])) / d) ** 2 > 1e-8 else None


def flat_obstacle(data: ModelData, noise=None) -> str | None:
    r"""Why a flat prior on every coefficient gives no unique MAP or no proper posterior here, or ``None``.

    The one rule for :class:`bayesreg.Flat`. The likelihood identifies every coefficient iff the
    design (centred with an intercept: with the intercept's column) has full column rank, which
    needs ``p + 1 <= n`` (``p <= n`` without an intercept); checked on the Gram form as
    :func:`reweight` checks unpenalised columns. With sigma free the posterior of sigma is, the
    coefficients and the intercept integrated out, :math:`\sigma^{-k} e^{-S/(2\sigma^2)} p(\sigma)`
    with ``k = n - p - 1`` (``n - p`` without an intercept); it is proper iff ``k`` reaches
    :meth:`bayesreg.noise.Noise.residual_dof_needed` (1 for Jeffreys, 2 for the flat prior on sigma).

    Parameters
    ----------
    data : ModelData
    noise : Noise, optional
        The resolved noise model (``None``: sigma fixed, or a GLM).

    Returns
    -------
    str or None
    """
    n, p = data.n, data.p
    k = n - p - int(data.fit_intercept)
    with_b0 = " and the intercept" if data.fit_intercept else ""
    if k < 0:
        return (f"a flat prior on every coefficient with p = {p} coefficients{with_b0} and only n = {n} observations: "
                "the likelihood does not identify them (no unique MAP, an improper posterior); give the "
                "coefficients a proper prior (Gaussian, Laplace, ...)")  # fmt: skip
    if _identified_cholesky(data.G) is None:
        return (f"a flat prior on every coefficient with a rank-deficient design: the columns are linearly dependent"
                f"{' (with the intercept)' if data.fit_intercept else ''} or nearly so (the Gram form loses more "
                "than 8 digits), so the likelihood does not identify the coefficients (no unique MAP, an improper "
                "posterior); drop the dependent columns or give the coefficients a proper prior")  # fmt: skip
    need = 0 if noise is None else noise.residual_dof_needed()
    if k < need:
        return (f"a flat prior on every coefficient with sigma={noise.argument!r} leaves k = n - p"
                f"{' - 1' if with_b0 else ''} = {k} residual degree(s) of freedom; the posterior of sigma is proper "
                f"only with k >= {need}. "
                "Fix sigma, give it a proper prior (an InverseGammaPrior, HalfNormal, ...), or give the coefficients "
                "a proper prior")  # fmt: skip
    return None


def reweight(data: ModelData, factors) -> Reweighting:
    """The common-scale working model of per-coefficient relative scales ``factors`` (see :class:`Reweighting`).

    Parameters
    ----------
    data : ModelData
    factors : array_like of shape (p,)
        Relative prior scales ``c_j > 0``; ``inf`` = unpenalised (flat prior).

    Returns
    -------
    Reweighting

    Raises
    ------
    ValueError
        ``factors`` of the wrong length; unpenalised columns with a non-Gaussian family (they
        cannot be profiled out in closed form); unpenalised columns that are linearly dependent
        (with the intercept), or as many as the observations allow.
    """
    c = np.asarray(factors, dtype=np.float64)
    if c.shape != (data.p,):
        raise ValueError(f"there are {c.size} per-coefficient scales but the data have p = {data.p} features")
    m = c / data.x_scale
    pen = np.flatnonzero(np.isfinite(m))
    unp = np.flatnonzero(~np.isfinite(m))
    names = [data.feature_names[j] for j in pen]
    if unp.size == 0 and np.all(m == 1.0):
        # nothing moves (a common scale, unstandardised columns): the data are the working model
        return Reweighting(full=data, working=replace(data, standardize=False), multipliers=m)
    if unp.size == 0 and data.stats_deferred:
        # rows with p >= n: the rescaled rows, their statistics deferred as the data's are
        work = replace(data, X=data.X * m, _stats=None, feature_names=names, standardize=False,
                       x_scale=np.ones(data.p))  # fmt: skip
        return Reweighting(full=data, working=work, multipliers=m)
    st = data.stats
    if unp.size == 0:
        stats = SufficientStats._derived(
            st.n, st.x_mean * m, st.y_mean, st.xtx * np.outer(m, m), st.xty * m, st.yty, names, st.x_mean_lo * m,
            st.y_mean_lo,
        )  # fmt: skip
        work = replace(data, X=None if data.X is None else data.X * m, _stats=stats, feature_names=names,
                       standardize=False, x_scale=np.ones(data.p))  # fmt: skip
        return Reweighting(full=data, working=work, multipliers=m)
    if not data.is_gaussian:
        raise ValueError(
            f"an infinite (unpenalised) per-coefficient scale with family={data.family.name!r}: it cannot be "
            "profiled out of a GLM in closed form; use sampler='nuts' (the PyMC model takes it), or a large "
            "finite scale"
        )
    k = unp.size + int(data.fit_intercept)
    if k >= data.n:
        raise ValueError(
            f"{unp.size} unpenalised coefficient(s){' and the intercept' if data.fit_intercept else ''} leave no "
            f"residual degree of freedom with n = {data.n} observations"
        )
    G, q, yy = data.G, data.q, data.yy
    chol = _identified_cholesky(G[np.ix_(unp, unp)])
    if chol is None:
        cols = ", ".join(repr(data.feature_names[j]) for j in unp)
        raise ValueError(
            f"the unpenalised columns (infinite scale: {cols}) are linearly dependent"
            f"{' with the intercept' if data.fit_intercept else ''} (or nearly so): their coefficients are not "
            "identified under a flat prior; give one of them a finite scale"
        )
    from scipy.linalg import cho_solve

    g_up = G[np.ix_(unp, pen)]
    K = cho_solve(chol, g_up)  # G_UU^-1 G_UP
    au = cho_solve(chol, q[unp])  # G_UU^-1 q_U
    gw = G[np.ix_(pen, pen)] - g_up.T @ K
    gw = 0.5 * (gw + gw.T) * np.outer(m[pen], m[pen])
    qw = (q[pen] - g_up.T @ au) * m[pen]
    yyw = max(float(yy - q[unp] @ au), 0.0)
    z = np.zeros(pen.size)
    stats = SufficientStats._derived(st.n, z, 0.0, gw, qw, yyw, names, z.copy(), 0.0)
    work = ModelData(X=None, y=None, _stats=stats, feature_names=names, fit_intercept=False, standardize=False,
                     x_scale=np.ones(pen.size), family=data.family, n_profiled=k)  # fmt: skip
    return Reweighting(full=data, working=work, multipliers=m, _cond=(np.tril(chol[0]), K, au))
