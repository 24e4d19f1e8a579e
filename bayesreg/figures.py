r"""Figure data: what the figures of :mod:`bayesreg.plotting` show, computed and returned as plain results.

:mod:`bayesreg.plotting` draws only; the fits, grids and curves behind its pictures are computed
here, by the modules that own each fact (the solvers, :mod:`bayesreg.mapping`, the priors and
penalties), and returned as NamedTuples of arrays. Each plotting function accepts the matching
result in place of its raw inputs, so a figure can be computed once (and tested, or saved)
apart from drawing it::

    from bayesreg import figures, plotting
    picture = figures.coordinate_descent_path(n_sweeps=4)
    plotting.plot_coordinate_descent_path(picture)

- :func:`overfitting` -> :class:`OverfittingFits` (:func:`bayesreg.plotting.plot_overfitting`)
- :func:`constraint_region` -> :class:`ConstraintRegion`
  (:func:`bayesreg.plotting.plot_constraint_region`)
- :func:`coordinate_descent_path` -> :class:`CoordinateDescentPath`
  (:func:`bayesreg.plotting.plot_coordinate_descent_path`)
- :func:`soft_threshold_curves` -> :class:`SoftThresholdCurves`
  (:func:`bayesreg.plotting.plot_soft_threshold`)
- :func:`prior_densities` -> :class:`PriorDensities` (:func:`bayesreg.plotting.plot_prior_densities`)
- :func:`posterior_where_map_is_zero`: the rows of a shrinkage table where the MAP is exactly zero
  (the third panel of :func:`bayesreg.plotting.plot_shrinkage` with ``zeros=True``)
- :func:`sparse_summary_data`: the DSS figure of a sparse summary
  (:func:`bayesreg.selection.dss_figure_data`; :func:`bayesreg.plotting.plot_sparse_summary`)
- :func:`calibration_bins` -> :class:`CalibrationBins`: binned predicted probabilities against
  observed frequencies (:func:`bayesreg.plotting.plot_calibration`)
- :func:`two_feature_example`: the seeded two-feature data of the two-parameter pictures.

Nothing here imports matplotlib.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_nonnegative, check_positive, check_scalar, check_Xy

__all__ = [
    "PosteriorDensities",
    "PosteriorIntervals",
    "posterior_densities",
    "posterior_intervals",
    "OverfittingFits",
    "ConstraintRegion",
    "CoordinateDescentPath",
    "SoftThresholdCurves",
    "PriorDensities",
    "overfitting",
    "constraint_region",
    "coordinate_descent_path",
    "soft_threshold_curves",
    "prior_densities",
    "two_feature_example",
    "posterior_where_map_is_zero",
    "sparse_summary_data",
    "CalibrationBins",
    "calibration_bins",
]


# --------------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------------


class OverfittingFits(NamedTuple):
    r"""Polynomial fits with a flat and with a Gaussian prior, evaluated on a grid.

    Attributes
    ----------
    x, y : ndarray of shape (n,)
        The one-feature data.
    degree : int
        Polynomial degree.
    prior_scale : float
        Gaussian prior standard deviation ``tau``.
    grid : ndarray of shape (m,)
        Points of [0, 1] where the curves are evaluated.
    truth : ndarray of shape (m,)
        The noiseless curve :math:`\cos(1.5\pi x)` on the grid.
    flat_curve, gaussian_curve : ndarray of shape (m,)
        The two fits on the grid.
    flat_coef, gaussian_coef : ndarray of shape (degree,)
        Their coefficients of :math:`x, x^2, \ldots, x^{degree}`.
    """

    x: np.ndarray
    y: np.ndarray
    degree: int
    prior_scale: float
    grid: np.ndarray
    truth: np.ndarray
    flat_curve: np.ndarray
    gaussian_curve: np.ndarray
    flat_coef: np.ndarray
    gaussian_coef: np.ndarray


class ConstraintRegion(NamedTuple):
    """The constraint view of a two-parameter penalised least-squares problem (no intercept).

    Attributes
    ----------
    penalty : {"l1", "l2"}
    alpha : float
        Penalty weight (package convention).
    ols : ndarray of shape (2,)
        Least-squares solution.
    solution : ndarray of shape (2,)
        Penalised solution.
    budget : float
        Penalty size of the solution: ``|b1| + |b2|`` for L1, ``sqrt(b1^2 + b2^2)`` for L2.
    region : ndarray of shape (k, 2)
        Closed boundary of the region ``pen(beta) <= budget``.
    B0, B1 : ndarray of shape (m, m)
        Grid of coefficients (``numpy.meshgrid``).
    loss : ndarray of shape (m, m)
        ``1/(2n) ||y - X beta||^2`` on the grid.
    levels : ndarray
        Contour levels of ``loss``, one of them through the solution.
    solution_level : float
        ``loss`` at the solution (the contour that touches the region).
    """

    penalty: str
    alpha: float
    ols: np.ndarray
    solution: np.ndarray
    budget: float
    region: np.ndarray
    B0: np.ndarray
    B1: np.ndarray
    loss: np.ndarray
    levels: np.ndarray
    solution_level: float


class CoordinateDescentPath(NamedTuple):
    """Coordinate-descent iterates over the contours of a two-parameter lasso objective.

    Attributes
    ----------
    alpha : float
        L1 weight (no intercept).
    path : ndarray of shape (k, 2)
        Iterates, the start first.
    solution : ndarray of shape (2,)
        The solver's answer (least squares when ``alpha == 0``).
    B0, B1 : ndarray of shape (m, m)
        Grid of coefficients.
    objective : ndarray of shape (m, m)
        ``1/(2n) ||y - X beta||^2 + alpha ||beta||_1`` on the grid.
    levels : ndarray
        Contour levels of ``objective``.
    """

    alpha: float
    path: np.ndarray
    solution: np.ndarray
    B0: np.ndarray
    B1: np.ndarray
    objective: np.ndarray
    levels: np.ndarray


class SoftThresholdCurves(NamedTuple):
    r"""The soft-thresholding operator with the ridge shrinkage, on a range of inputs.

    Attributes
    ----------
    threshold : float
        :math:`\lambda`.
    z : ndarray of shape (m,)
        Inputs.
    soft : ndarray of shape (m,)
        :math:`S(z, \lambda)`.
    ridge : ndarray of shape (m,)
        :math:`z / (1 + \lambda)`.
    """

    threshold: float
    z: np.ndarray
    soft: np.ndarray
    ridge: np.ndarray


class PriorDensities(NamedTuple):
    """Laplace(0, b) and Gaussian N(0, tau^2) log densities on a grid.

    Attributes
    ----------
    laplace_scale, gaussian_scale : float
        ``b`` and ``tau``.
    x : ndarray of shape (m,)
        Points.
    laplace_logp, gaussian_logp : ndarray of shape (m,)
        Log densities at ``x``.
    laplace_logp0, gaussian_logp0 : float
        Log densities at 0.
    """

    laplace_scale: float
    gaussian_scale: float
    x: np.ndarray
    laplace_logp: np.ndarray
    gaussian_logp: np.ndarray
    laplace_logp0: float
    gaussian_logp0: float

    @property
    def laplace_density(self) -> np.ndarray:
        """Laplace density at ``x``."""
        return np.exp(self.laplace_logp)

    @property
    def gaussian_density(self) -> np.ndarray:
        """Gaussian density at ``x``."""
        return np.exp(self.gaussian_logp)

    @property
    def laplace_penalty(self) -> np.ndarray:
        """``-log p(x) + log p(0)`` of the Laplace prior: ``|x| / b`` (the L1 penalty)."""
        return self.laplace_logp0 - self.laplace_logp

    @property
    def gaussian_penalty(self) -> np.ndarray:
        """``-log p(x) + log p(0)`` of the Gaussian prior: ``x^2 / (2 tau^2)`` (the L2 penalty)."""
        return self.gaussian_logp0 - self.gaussian_logp


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _xy2(X, y, name="X"):
    Xa, ya = check_Xy(X, y)
    if Xa.shape[1] != 2:
        raise ValueError(f"{name} must have exactly 2 columns for a two-parameter picture; got {Xa.shape[1]}")
    return Xa, ya


def _objective_grid(X, y, alpha, B0, B1, kind="l1"):
    # (1/(2n)) ||y - X b||^2 + penalty, on a grid, via the Gram matrix (no loop over grid points)
    n = X.shape[0]
    G = X.T @ X / n
    q = X.T @ y / n
    yy = y @ y / (2 * n)
    quad = 0.5 * (G[0, 0] * B0**2 + 2 * G[0, 1] * B0 * B1 + G[1, 1] * B1**2) - (q[0] * B0 + q[1] * B1) + yy
    if kind == "l1":
        return quad + alpha * (np.abs(B0) + np.abs(B1))
    if kind == "l2":
        return quad + 0.5 * alpha * (B0**2 + B1**2)
    return quad


def _grid_around(points, pad=0.35, num=241):
    pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 0.5)
    lo, hi = lo - pad * span, hi + pad * span
    b0 = np.linspace(lo[0], hi[0], num)
    b1 = np.linspace(lo[1], hi[1], num)
    return np.meshgrid(b0, b1)


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def two_feature_example(n_samples: int = 60, *, coef=(2.0, 0.6), correlation: float = 0.5, noise: float = 0.5,
                        random_state: int = 0):
    """A seeded two-feature problem (no intercept) for the constraint and coordinate-descent pictures.

    Parameters
    ----------
    n_samples : int, default=60
        Number of rows (at least 3).
    coef : pair of float, default=(2.0, 0.6)
        True coefficients.
    correlation : float, default=0.5
        Correlation of the two standard-normal features, in (-1, 1).
    noise : float, default=0.5
        Noise standard deviation.
    random_state : int, default=0
        Seed.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,)
    """
    n = check_scalar(n_samples, "n_samples", lower=3, integer=True)
    rho = check_scalar(correlation, "correlation", lower=-1.0, upper=1.0, lower_inclusive=False,
                       upper_inclusive=False)
    beta = np.asarray(coef, dtype=np.float64)
    if beta.shape != (2,):
        raise ValueError(f"coef must have 2 entries; got shape {beta.shape}")
    rng = np.random.default_rng(random_state)
    L = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
    X = rng.standard_normal((n, 2)) @ L.T
    y = X @ beta + noise * rng.standard_normal(n)
    return X, y


# --------------------------------------------------------------------------------------------
# figure data
# --------------------------------------------------------------------------------------------


def overfitting(data=None, *, degree: int = 15, prior_scale: float = 3.0, sigma: float = 0.1,
                n_grid: int = 300) -> OverfittingFits:
    r"""Degree-``degree`` polynomial fits with a flat and with a Gaussian prior.

    The flat prior gives least squares (the minimum-norm solution from the SVD); the Gaussian
    prior :math:`\beta_j \sim N(0, \tau^2)` at noise ``sigma`` gives its MAP, ridge with
    ``alpha = sigma^2 / tau^2`` (:mod:`bayesreg.mapping`). Both have an unpenalised intercept.

    Parameters
    ----------
    data : Dataset, optional
        One-feature data (``X`` of shape (n, 1)); default :func:`bayesreg.datasets.make_cosine`.
    degree : int, default=15
        Polynomial degree.
    prior_scale : float, default=3.0
        Gaussian prior standard deviation ``tau``.
    sigma : float, default=0.1
        Noise standard deviation.
    n_grid : int, default=300
        Number of points of [0, 1] where the fits are evaluated.

    Returns
    -------
    OverfittingFits
    """
    from . import mapping
    from .datasets import cosine_function, make_cosine, polynomial_features
    from .priors import Gaussian
    from .solvers import ridge

    data = make_cosine() if data is None else data
    X = np.asarray(data.X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(f"data must have one feature (X of shape (n, 1)); got shape {X.shape}")
    n_grid = check_scalar(n_grid, "n_grid", lower=2, integer=True)
    x, y = X[:, 0], np.asarray(data.y, dtype=np.float64)
    P = polynomial_features(x, degree)
    penalty = mapping.prior_to_penalty(Gaussian(prior_scale), sigma=sigma, n_samples=x.size)
    flat = ridge(P, y, 0.0, method="svd")
    gauss = ridge(P, y, penalty.alpha)
    grid = np.linspace(0.0, 1.0, n_grid)
    Pg = polynomial_features(grid, degree)
    return OverfittingFits(
        x=x, y=y, degree=int(degree), prior_scale=float(prior_scale), grid=grid, truth=cosine_function(grid),
        flat_curve=Pg @ flat.coef + flat.intercept, gaussian_curve=Pg @ gauss.coef + gauss.intercept,
        flat_coef=np.asarray(flat.coef), gaussian_coef=np.asarray(gauss.coef),
    )  # fmt: skip


def constraint_region(X=None, y=None, *, penalty: str = "l1", alpha: float | None = None) -> ConstraintRegion:
    r"""The constraint view of a two-parameter penalised least-squares problem (no intercept).

    The penalised problem :math:`\min \frac{1}{2n}\lVert y - X\beta\rVert^2 + \alpha\,\mathrm{pen}(\beta)`
    equals the constrained one :math:`\min \lVert y - X\beta\rVert^2` subject to
    :math:`\mathrm{pen}(\beta) \le t` with :math:`t` the penalty of the solution (Lagrange
    duality). This returns the solution, the region of that size, and the least-squares loss
    on a grid around them with contour levels evenly spaced in the square root of the excess
    loss, one through the solution.

    Parameters
    ----------
    X : array_like of shape (n, 2), optional
        Default :func:`two_feature_example`.
    y : array_like of shape (n,), optional
        Target.
    penalty : {"l1", "l2"}, default="l1"
        ``L1(alpha)`` (lasso) or ``L2(alpha)`` (ridge).
    alpha : float, optional
        Penalty weight in the package convention; default: half of ``alpha_max`` for L1, 1.0
        for L2.

    Returns
    -------
    ConstraintRegion
    """
    from .solvers import alpha_max, lasso, ridge

    check_choice(penalty, "penalty", ("l1", "l2"))
    if X is None and y is None:
        X, y = two_feature_example()
    X, y = _xy2(X, y)
    if alpha is None:
        alpha = 0.5 * alpha_max(X, y, fit_intercept=False) if penalty == "l1" else 1.0
    alpha = check_positive(alpha, "alpha")
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    if penalty == "l1":
        sol = np.array(lasso(X, y, alpha, fit_intercept=False, tol=1e-12).coef)
        t = np.abs(sol).sum()
        region = np.array([[t, 0], [0, t], [-t, 0], [0, -t], [t, 0]])
    else:
        sol = np.array(ridge(X, y, alpha, fit_intercept=False).coef)
        t = np.hypot(*sol)
        th = np.linspace(0, 2 * np.pi, 200)
        region = np.c_[t * np.cos(th), t * np.sin(th)]
    B0, B1 = _grid_around(np.vstack([ols, sol, region]), pad=0.15)
    loss = _objective_grid(X, y, 0.0, B0, B1, kind="none")
    at_sol = float(_objective_grid(X, y, 0.0, sol[0], sol[1], kind="none"))
    at_ols = float(_objective_grid(X, y, 0.0, ols[0], ols[1], kind="none"))
    # contour levels spaced in sqrt(excess loss) so they look evenly spaced, one through the solution
    excess = at_sol - at_ols
    levels = at_ols + excess * np.array([0.1, 0.3, 0.6, 1.0, 1.6, 2.5, 3.6]) ** 2 / 1.0
    levels = np.unique(np.sort(np.r_[levels, at_sol]))
    return ConstraintRegion(penalty=penalty, alpha=alpha, ols=ols, solution=sol, budget=float(t), region=region,
                            B0=B0, B1=B1, loss=loss, levels=levels, solution_level=at_sol)


def coordinate_descent_path(X=None, y=None, alpha: float | None = None, *, path=None, beta0=(0.0, 0.0),
                            n_sweeps: int = 12) -> CoordinateDescentPath:
    r"""Coordinate-descent iterates on a two-parameter lasso objective (no intercept), with its contours.

    The iterates come from :func:`bayesreg.solvers.coordinate_descent_trace` (each update the
    exact one-coordinate minimiser, :math:`S(x_j^T r_j / n, \alpha) / (x_j^T x_j / n)`); the
    solver's answer is :func:`bayesreg.solvers.lasso` at ``tol=1e-12``.

    Parameters
    ----------
    X : array_like of shape (n, 2), optional
        Default :func:`two_feature_example`.
    y : array_like of shape (n,), optional
        Target.
    alpha : float, optional
        L1 weight (scikit-learn ``Lasso`` convention, no intercept); default ``alpha_max / 4``.
    path : array_like of shape (k, 2), optional
        Iterates to show (e.g. from your own implementation); computed when omitted.
    beta0 : pair of float, default=(0, 0)
        Starting point when ``path`` is omitted.
    n_sweeps : int, default=12
        Sweeps when ``path`` is omitted.

    Returns
    -------
    CoordinateDescentPath
    """
    from .penalties import L1
    from .solvers import alpha_max, coordinate_descent_trace, lasso

    if X is None and y is None:
        X, y = two_feature_example()
    X, y = _xy2(X, y)
    alpha = 0.25 * alpha_max(X, y, fit_intercept=False) if alpha is None else check_nonnegative(alpha, "alpha")
    if path is None:
        path = coordinate_descent_trace(X, y, L1(alpha), coef_init=beta0, n_sweeps=n_sweeps, fit_intercept=False)
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] < 1:
        raise ValueError(f"path must have shape (k, 2); got {path.shape}")
    if alpha > 0:
        sol = np.array(lasso(X, y, alpha, fit_intercept=False, tol=1e-12).coef)
    else:
        sol = np.linalg.lstsq(X, y, rcond=None)[0]
    B0, B1 = _grid_around(np.vstack([path, sol]), pad=0.25)
    F = _objective_grid(X, y, alpha, B0, B1, kind="l1")
    fmin = float(_objective_grid(X, y, alpha, sol[0], sol[1], kind="l1"))
    levels = fmin + (F.max() - fmin) * np.linspace(0.0, 1.0, 16)[1:] ** 2
    return CoordinateDescentPath(alpha=alpha, path=path, solution=sol, B0=B0, B1=B1, objective=F, levels=levels)


def soft_threshold_curves(threshold: float = 1.0, *, zmax: float | None = None, n_points: int = 401
                          ) -> SoftThresholdCurves:
    r"""The soft-thresholding operator :math:`S(z, \lambda)` and the ridge shrinkage :math:`z / (1 + \lambda)`.

    Parameters
    ----------
    threshold : float, default=1.0
        :math:`\lambda \geq 0`.
    zmax : float, optional
        Half-width of the z range; default ``3 * threshold`` (or 3).
    n_points : int, default=401
        Number of inputs.

    Returns
    -------
    SoftThresholdCurves
    """
    from .penalties import soft_threshold

    lam = check_nonnegative(threshold, "threshold")
    zmax = check_positive(zmax, "zmax") if zmax is not None else 3.0 * (lam if lam > 0 else 1.0)
    n_points = check_scalar(n_points, "n_points", lower=2, integer=True)
    z = np.linspace(-zmax, zmax, n_points)
    return SoftThresholdCurves(threshold=lam, z=z, soft=soft_threshold(z, lam), ridge=z / (1.0 + lam))


def prior_densities(laplace_scale: float = 1.0, gaussian_scale: float | None = None, *, xmax: float | None = None,
                    n_points: int = 801) -> PriorDensities:
    r"""Laplace(0, b) and Gaussian N(0, tau^2) log densities on ``[-xmax, xmax]``.

    Parameters
    ----------
    laplace_scale : float, default=1.0
        ``b``.
    gaussian_scale : float, optional
        ``tau``; default :math:`\sqrt{2} b`, the Laplace's variance.
    xmax : float, optional
        Half-width of the range; default ``4 b``.
    n_points : int, default=801
        Number of points.

    Returns
    -------
    PriorDensities
    """
    from .priors import Gaussian, Laplace

    b = check_positive(laplace_scale, "laplace_scale")
    tau = np.sqrt(2.0) * b if gaussian_scale is None else check_positive(gaussian_scale, "gaussian_scale")
    xmax = 4.0 * b if xmax is None else check_positive(xmax, "xmax")
    n_points = check_scalar(n_points, "n_points", lower=2, integer=True)
    lap, gau = Laplace(b), Gaussian(tau)
    x = np.linspace(-xmax, xmax, n_points)
    return PriorDensities(
        laplace_scale=b, gaussian_scale=float(tau), x=x,
        laplace_logp=np.array([lap.logp(v) for v in x[:, None]]),
        gaussian_logp=np.array([gau.logp(v) for v in x[:, None]]),
        laplace_logp0=lap.logp([0.0]), gaussian_logp0=gau.logp([0.0]),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# posteriors: intervals and densities (computed here, the same on every ArviZ version)
# --------------------------------------------------------------------------------------------


class PosteriorIntervals(NamedTuple):
    """Median and HDI of every scalar of some posterior variables, for several models.

    ``labels`` are the scalar names (``beta[age]``, ``sigma``); ``median``, ``low``, ``high``
    have shape ``(n_models, n_labels)`` (NaN where a model lacks the variable).
    """

    models: list
    labels: list
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    hdi_prob: float


class PosteriorDensities(NamedTuple):
    """Gaussian-kernel density of every scalar, per model: ``x[m][k]``, ``density[m][k]`` (None where absent)."""

    models: list
    labels: list
    x: list
    density: list
    low: np.ndarray
    high: np.ndarray
    hdi_prob: float


def _scalar_draws(idata, var_names) -> dict:
    """``{label: 1-D draws}`` of every scalar of ``var_names`` (chains pooled)."""
    from ._upstream import group_dataset

    post = group_dataset(idata, "posterior")
    out = {}
    for v in var_names:
        if v not in post:
            continue
        da = post[v]
        extra = [d for d in da.dims if d not in ("chain", "draw")]
        arr = np.asarray(da.transpose("chain", "draw", *extra).values, dtype=np.float64)
        arr = arr.reshape(arr.shape[0] * arr.shape[1], -1)
        if not extra:
            out[v] = arr[:, 0]
            continue
        names = [str(c) for c in da[extra[0]].values] if len(extra) == 1 else [str(j) for j in range(arr.shape[1])]
        for j, nm in enumerate(names):
            out[f"{v}[{nm}]"] = arr[:, j]
    return out


def posterior_intervals(models: dict, var_names=("beta",), hdi_prob: float = 0.94) -> PosteriorIntervals:
    """Medians and HDIs (:func:`bayesreg._posterior.hdi_from_draws`) of several posteriors.

    Parameters
    ----------
    models : dict of str -> posterior container
    var_names : sequence of str
    hdi_prob : float

    Returns
    -------
    PosteriorIntervals
    """
    from ._posterior import hdi_from_draws

    draws = {m: _scalar_draws(d, var_names) for m, d in models.items()}
    labels = list(dict.fromkeys(k for dd in draws.values() for k in dd))
    shape = (len(models), len(labels))
    med, low, high = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for i, dd in enumerate(draws.values()):
        for j, lab in enumerate(labels):
            if lab in dd:
                med[i, j] = np.median(dd[lab])
                low[i, j], high[i, j] = hdi_from_draws(dd[lab][:, None], hdi_prob)[0]
    return PosteriorIntervals(list(models), labels, med, low, high, float(hdi_prob))


def posterior_densities(models: dict, var_names=("beta",), hdi_prob: float = 0.94,
                        n_points: int = 256) -> PosteriorDensities:  # fmt: skip
    """Kernel density estimates (scipy's ``gaussian_kde``, Scott's bandwidth) and HDIs of several posteriors.

    Parameters
    ----------
    models : dict of str -> posterior container
    var_names : sequence of str
    hdi_prob : float
    n_points : int, default=256

    Returns
    -------
    PosteriorDensities
    """
    from scipy import stats

    iv = posterior_intervals(models, var_names, hdi_prob)
    draws = [_scalar_draws(d, var_names) for d in models.values()]
    xs, ds = [], []
    for dd in draws:
        xm, dm = [], []
        for lab in iv.labels:
            v = dd.get(lab)
            if v is None:
                xm.append(None)
                dm.append(None)
                continue
            lo, hi = np.quantile(v, [0.001, 0.999])
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            x = np.linspace(lo - pad, hi + pad, n_points)
            if np.ptp(v) > 0:
                dens = stats.gaussian_kde(v)(x)
            else:  # a constant: a spike
                dens = np.where(np.isclose(x, v[0]), 1.0, 0.0)
            xm.append(x)
            dm.append(dens)
        xs.append(xm)
        ds.append(dm)
    return PosteriorDensities(iv.models, iv.labels, xs, ds, iv.low, iv.high, iv.hdi_prob)


# --------------------------------------------------------------------------------------------
# shrinkage: the posterior where the mode is sparse
# --------------------------------------------------------------------------------------------


def posterior_where_map_is_zero(table, center: str = "mean"):
    """The rows of a shrinkage table where the MAP is exactly zero, with the posterior centre there.

    For a Laplace prior the MAP (the lasso) has exact zeros while the posterior mean and median
    never are zero; on a linear axis the two look alike near zero. These rows, drawn on a log
    scale of ``|centre|``, show the difference.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`bayesreg.shrinkage_table` (columns ``scale``, ``feature``, ``map`` and
        ``center``).
    center : {"mean", "median"}, default="mean"
        The posterior centre to report.

    Returns
    -------
    DataFrame
        Columns ``scale``, ``feature``, ``map`` (all exactly 0), ``center`` (the posterior
        centre), ``abs_center`` and ``run`` (0, 1, ... numbering, per feature, the stretches of
        consecutive grid scales where the MAP stays at 0, so a drawing does not join a zero at a
        small scale to one at a large scale across the scales where it is not zero), sorted by
        feature (in the table's order) then scale; empty when the MAP has no exact zero (e.g. a
        Gaussian prior).
    """
    import pandas as pd

    check_choice(center, "center", ("mean", "median"))
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame (from shrinkage_table); got {type(table).__name__}")
    missing = [c for c in ("scale", "feature", "map", center) if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing column(s) {missing}; it has {list(table.columns)}")
    order = {f: i for i, f in enumerate(dict.fromkeys(table["feature"].astype(str)))}
    rows = table[table["map"].to_numpy(dtype=np.float64) == 0.0]
    out = pd.DataFrame({
        "scale": rows["scale"].to_numpy(dtype=np.float64),
        "feature": rows["feature"].astype(str).to_numpy(),
        "map": rows["map"].to_numpy(dtype=np.float64),
        "center": rows[center].to_numpy(dtype=np.float64),
    })
    out["abs_center"] = np.abs(out["center"].to_numpy())
    out["_order"] = out["feature"].map(order)
    out = out.sort_values(["_order", "scale"], kind="stable").drop(columns="_order").reset_index(drop=True)
    # position of each scale in the feature's own grid; a jump of more than one starts a new run
    grid = {f: np.unique(sub["scale"].to_numpy(dtype=np.float64))
            for f, sub in table.assign(feature=table["feature"].astype(str)).groupby("feature", sort=False)}
    pos = np.array([np.searchsorted(grid[f], s) for f, s in zip(out["feature"], out["scale"])], dtype=np.int64)
    new_run = np.ones(len(out), dtype=bool)
    if len(out):
        new_run[1:] = (out["feature"].to_numpy()[1:] != out["feature"].to_numpy()[:-1]) | (np.diff(pos) != 1)
    runs = np.cumsum(new_run) - 1
    first = {f: runs[i] for i, f in reversed(list(enumerate(out["feature"])))}
    out["run"] = runs - np.array([first[f] for f in out["feature"]], dtype=np.int64)
    return out


# --------------------------------------------------------------------------------------------
# sparse summaries and calibration
# --------------------------------------------------------------------------------------------

_DSS_KEYS = ("size", "rho2_mean", "rho2_low", "rho2_high", "full_mean", "full_low", "full_high", "chosen_size",
             "support", "level", "interval", "ylabel")


def sparse_summary_data(summary) -> dict:
    """What the DSS figure shows: :func:`bayesreg.selection.dss_figure_data` of a sparse summary.

    Parameters
    ----------
    summary : SparseSummary or dict
        A ``method="dss"`` summary (:func:`bayesreg.sparse_summary`), or the dict that
        :func:`bayesreg.selection.dss_figure_data` returned for one (checked and returned as is).

    Returns
    -------
    dict
        ``size``, ``rho2_mean``, ``rho2_low``, ``rho2_high`` (a point and a band per model size),
        ``full_mean``, ``full_low``, ``full_high`` (the full model's line and band),
        ``chosen_size``, ``support`` (the variables at each size), ``level``, ``interval``, ``ylabel``.

    Raises
    ------
    ValueError
        A summary of another method, or a dict without those keys.
    """
    if isinstance(summary, dict):
        missing = [k for k in _DSS_KEYS if k not in summary]
        if missing:
            raise ValueError(f"summary is a dict without the DSS figure keys {missing}; pass the SparseSummary or "
                             "bayesreg.selection.dss_figure_data(summary)")
        return summary
    from .selection import dss_figure_data

    return dss_figure_data(summary)


class CalibrationBins(NamedTuple):
    """Predicted probabilities against observed frequencies, bin by bin.

    Attributes
    ----------
    predicted : ndarray of shape (k,)
        Mean predicted probability in each non-empty bin.
    observed : ndarray of shape (k,)
        Fraction of ones in the bin.
    count : ndarray of shape (k,)
        Rows in the bin.
    low, high : ndarray of shape (k,)
        A ``level`` Wilson score interval of the observed fraction (what binomial noise alone
        allows around a perfectly calibrated prediction's frequency).
    edges : ndarray of shape (n_bins + 1,)
        The bin edges (on [0, 1]).
    level : float
    """

    predicted: np.ndarray
    observed: np.ndarray
    count: np.ndarray
    low: np.ndarray
    high: np.ndarray
    edges: np.ndarray
    level: float


def calibration_bins(prob, y, *, n_bins: int = 10, strategy: str = "uniform", level: float = 0.95) -> CalibrationBins:
    """Bin predicted probabilities and compare each bin's mean prediction with its observed frequency.

    A calibrated model's points lie on the diagonal: among the rows given probability about 0.8,
    about 80% are ones. The bins are those of :func:`sklearn.calibration.calibration_curve` (the
    same edges, and a row on an inner edge goes to the bin on its left); empty bins are dropped.

    Parameters
    ----------
    prob : array_like of shape (n,)
        Predicted probabilities of ``y = 1`` (for a posterior, the posterior mean of the
        probability per row), in [0, 1].
    y : array_like of shape (n,)
        Observed labels 0 or 1.
    n_bins : int, default=10
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins on [0, 1], or bins holding equal numbers of rows.
    level : float in (0, 1), default=0.95
        Probability of the Wilson intervals of the observed fractions.

    Returns
    -------
    CalibrationBins
    """
    from scipy.special import ndtri

    p = _check_vector_01(prob, "prob")
    yy = _check_vector_01(y, "y")
    if p.size != yy.size:
        raise ValueError(f"prob and y must have the same length; got {p.size} and {yy.size}")
    if not np.all((yy == 0.0) | (yy == 1.0)):
        raise ValueError("y must hold labels 0 and 1 only")
    n_bins = check_scalar(n_bins, "n_bins", lower=1, integer=True)
    strategy = check_choice(strategy, "strategy", ("uniform", "quantile"))
    level = check_scalar(level, "level", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0.0, 100.0, n_bins + 1))
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.searchsorted(edges[1:-1], p)  # a row on an inner edge joins the bin on its left
    count = np.bincount(idx, minlength=len(edges) - 1).astype(np.float64)
    sum_p = np.bincount(idx, weights=p, minlength=len(edges) - 1)
    sum_y = np.bincount(idx, weights=yy, minlength=len(edges) - 1)
    keep = count > 0
    m, k = count[keep], sum_y[keep]
    frac = k / m
    # Wilson score interval: centre (k + z^2/2) / (m + z^2), half-width z sqrt(k(m-k)/m + z^2/4) / (m + z^2)
    z = float(ndtri(0.5 + level / 2.0))
    centre = (k + z**2 / 2.0) / (m + z**2)
    half = z * np.sqrt(k * (m - k) / m + z**2 / 4.0) / (m + z**2)
    return CalibrationBins(predicted=sum_p[keep] / m, observed=frac, count=m.astype(np.int64),
                           low=np.clip(centre - half, 0.0, 1.0), high=np.clip(centre + half, 0.0, 1.0), edges=edges,
                           level=level)  # fmt: skip


def _check_vector_01(v, name: str) -> np.ndarray:
    """A finite 1-D float64 vector with values in [0, 1] (probabilities or 0/1 labels)."""
    from ._validation import check_vector

    out = check_vector(v, name)
    if out.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(out)) or np.any(out < 0.0) or np.any(out > 1.0):
        raise ValueError(f"{name} must hold finite values in [0, 1]")
    return out
