r"""Figures of the L1/L2 story: the only module that imports matplotlib.

ArviZ's plots come through :mod:`bayesreg._upstream`, never imported here directly.
This module draws only: the fits, grids and curves its pictures show are computed by
:mod:`bayesreg.figures` (from the solvers, the mapping, the priors and penalties), and every
function that draws such a picture also takes that module's result in place of its raw inputs.
Every function takes ``ax=None`` (an Axes, or for the multi-panel figures a sequence of Axes)
and returns what it drew on: an Axes for single-panel plots, a Figure for multi-panel ones. None
calls ``plt.show()``. Nothing else in the package imports this module; import it yourself::

    from bayesreg import plotting
    plotting.plot_soft_threshold(1.0)

The figures:

- :func:`plot_overfitting`: a degree-15 polynomial fitted to noisy :math:`\cos(1.5\pi x)` with a
  flat prior (least squares) and with a Gaussian prior (ridge), and the coefficient magnitudes.
- :func:`plot_constraint_region`: the L1 diamond or L2 disc, the least-squares contours and the
  point where the smallest contour touches the region (the penalised solution).
- :func:`plot_coordinate_descent_path`: coordinate descent on a two-parameter lasso objective.
- :func:`plot_soft_threshold`: the soft-thresholding operator.
- :func:`plot_prior_densities`: Laplace against Gaussian densities (or their negative logs, the
  L1 and L2 penalties).
- :func:`plot_map_vs_sklearn`: coefficient estimates of several methods per feature.
- :func:`plot_shrinkage`: the MAP path beside the posterior mean and HDI band over the prior scale.
- :func:`plot_posterior_forest`, :func:`plot_posterior_density`: ArviZ forest and density plots of
  several models side by side; :func:`plot_credible_intervals`: intervals with point estimates;
  :func:`plot_loo_compare`: ArviZ's LOO comparison.
- :func:`plot_sparse_summary`: the DSS figure of a sparse summary (variance explained per model
  size against the full model's band, the chosen size marked).
- :func:`plot_calibration`: binned predicted probabilities against observed frequencies.

:func:`two_feature_example` (the data of the two-parameter pictures) is
:func:`bayesreg.figures.two_feature_example`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import figures
from .figures import two_feature_example

__all__ = [
    "plot_overfitting",
    "plot_constraint_region",
    "plot_coordinate_descent_path",
    "plot_soft_threshold",
    "plot_prior_densities",
    "plot_map_vs_sklearn",
    "plot_shrinkage",
    "plot_posterior_forest",
    "plot_posterior_density",
    "plot_credible_intervals",
    "plot_loo_compare",
    "plot_sparse_summary",
    "plot_calibration",
    "two_feature_example",
]


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _axes(ax, n: int = 1, *, figsize=None, ncols=None):
    """Return (figure, list of n Axes): new ones when ``ax`` is None, else the given ones, checked."""
    if ax is None:
        plt = _plt()
        ncols = n if ncols is None else ncols
        nrows = int(np.ceil(n / ncols))
        fig, axs = plt.subplots(nrows, ncols, figsize=figsize or (4.2 * ncols, 3.4 * nrows), squeeze=False)
        axs = list(axs.ravel())
        for extra in axs[n:]:
            extra.remove()
        return fig, axs[:n]
    from matplotlib.axes import Axes

    if n == 1:
        if isinstance(ax, Axes):
            return ax.figure, [ax]
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    seq = list(np.ravel(np.asarray(ax, dtype=object))) if not isinstance(ax, Axes) else [ax]
    if len(seq) != n or not all(isinstance(a, Axes) for a in seq):
        raise ValueError(f"ax must be None or a sequence of {n} matplotlib Axes; got {ax!r}")
    return seq[0].figure, seq


def _legend_outside(a, where: str = "right", **kwargs):
    """A legend outside the Axes (right of it or below it), so that it never covers what is drawn."""
    if where == "right":
        place = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    else:  # below the tick labels and the x label: 34 points under the Axes, whatever its height
        from matplotlib.transforms import offset_copy

        below = offset_copy(a.transAxes, fig=a.figure, y=-34, units="points")
        place = dict(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, borderaxespad=0.0)
    return a.legend(**{"fontsize": 7, **place, **kwargs})


def _only(result, **unused):
    """Check that no raw input comes with a precomputed figure result (it would be ignored)."""
    given = [name for name, value in unused.items() if value is not None]
    if given:
        raise ValueError(
            f"{', '.join(given)} must be omitted when the first argument is a precomputed "
            f"{type(result).__name__} (it already holds what they would compute)"
        )


# --------------------------------------------------------------------------------------------
# 1. why regularise
# --------------------------------------------------------------------------------------------


def plot_overfitting(data=None, *, degree: int = 15, prior_scale: float = 3.0, sigma: float = 0.1, ax=None):
    r"""Degree-``degree`` polynomial fits to the cosine data, with a flat and with a Gaussian prior.

    Left: the least-squares fit (flat prior; minimum-norm solution from the SVD), which threads
    through the noise. Middle: the MAP under :math:`\beta_j \sim N(0, \tau^2)` at noise ``sigma``,
    i.e. ridge with ``alpha = sigma^2 / tau^2`` (:mod:`bayesreg.mapping`). Right: the coefficient
    magnitudes of both fits on a log scale. The fits are :func:`bayesreg.figures.overfitting`.

    Parameters
    ----------
    data : Dataset or OverfittingFits, optional
        One-feature data (``X`` of shape (n, 1)); default :func:`bayesreg.datasets.make_cosine`.
        Or the fits already computed by :func:`bayesreg.figures.overfitting` (then ``degree``,
        ``prior_scale`` and ``sigma`` are those it was computed with).
    degree : int, default=15
        Polynomial degree.
    prior_scale : float, default=3.0
        Gaussian prior standard deviation ``tau``.
    sigma : float, default=0.1
        Noise standard deviation (the true one of the default data).
    ax : sequence of 3 Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fits = data if isinstance(data, figures.OverfittingFits) else figures.overfitting(
        data, degree=degree, prior_scale=prior_scale, sigma=sigma)

    fig, (a0, a1, a2) = _axes(ax, 3, figsize=(13, 3.6))
    for a, curve, title in (
        (a0, fits.flat_curve, "flat prior (least squares)"),
        (a1, fits.gaussian_curve, rf"Gaussian prior, $\tau$={fits.prior_scale:g} (ridge)"),
    ):
        a.plot(fits.grid, fits.truth, color="0.5", lw=1.5, label=r"$\cos(1.5\pi x)$")
        a.plot(fits.grid, curve, color="C0", lw=2, label="fit")
        a.scatter(fits.x, fits.y, s=18, color="k", zorder=3, label="data")
        a.set_ylim(-2, 2)
        a.set_xlim(0, 1)
        a.set_xlabel("x")
        a.set_title(f"degree {fits.degree}, {title}", fontsize=10)
    a0.set_ylabel("y")
    _legend_outside(a0, "below", ncol=3, fontsize=8)
    k = np.arange(1, fits.degree + 1)
    # magnitudes floored at 1e-12 for the log axis
    a2.semilogy(k, np.maximum(np.abs(fits.flat_coef), 1e-12), "o-", color="C3", label="flat prior")
    a2.semilogy(k, np.maximum(np.abs(fits.gaussian_coef), 1e-12), "s-", color="C0", label="Gaussian prior")
    a2.set_xlabel("power k of $x^k$")
    a2.set_ylabel(r"$|\beta_k|$")
    a2.set_title("coefficient magnitudes", fontsize=10)
    _legend_outside(a2, fontsize=8)
    if ax is None:
        fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# 2. the analytical view of L1
# --------------------------------------------------------------------------------------------


def plot_constraint_region(X=None, y=None, *, penalty: str = "l1", alpha: float | None = None, ax=None):
    r"""The constraint view of a two-parameter penalised least-squares problem (no intercept).

    The penalised problem :math:`\min \frac{1}{2n}\lVert y - X\beta\rVert^2 + \alpha\,\mathrm{pen}(\beta)`
    equals the constrained one :math:`\min \lVert y - X\beta\rVert^2` subject to
    :math:`\mathrm{pen}(\beta) \le t` with :math:`t` the penalty of the solution (Lagrange duality).
    The region (an L1 diamond or an L2 disc of that size) is drawn with the least-squares
    contours; the contour through the solution touches the region there. An L1 solution often
    sits on a corner, where a coordinate is exactly zero. The geometry is
    :func:`bayesreg.figures.constraint_region`.

    Parameters
    ----------
    X : array_like of shape (n, 2) or ConstraintRegion, optional
        Default :func:`two_feature_example`. Or the geometry already computed by
        :func:`bayesreg.figures.constraint_region` (then ``y`` and ``alpha`` are omitted and
        ``penalty`` is the result's).
    y : array_like of shape (n,), optional
    penalty : {"l1", "l2"}, default="l1"
    alpha : float, optional
        Penalty weight in the package convention (``L1(alpha)`` or ``L2(alpha)``); default: half
        of ``alpha_max`` for L1, 1.0 for L2.
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(X, figures.ConstraintRegion):
        _only(X, y=y, alpha=alpha)
        geo = X
    else:
        geo = figures.constraint_region(X, y, penalty=penalty, alpha=alpha)
    sol, region, t, name = geo.solution, geo.region, geo.budget, geo.penalty.upper()
    if geo.penalty == "l1":
        label = rf"$|\beta_1| + |\beta_2| \leq {t:.2f}$"
    else:
        label = rf"$\beta_1^2 + \beta_2^2 \leq {t:.2f}^2$"

    fig, (a,) = _axes(ax, 1, figsize=(4.6, 4.2))
    a.contour(geo.B0, geo.B1, geo.loss, levels=geo.levels, colors="C0", linewidths=0.8, alpha=0.7)
    a.contour(geo.B0, geo.B1, geo.loss, levels=[geo.solution_level], colors="C0", linewidths=2.0)
    a.fill(region[:, 0], region[:, 1], color="C1", alpha=0.25, label=label)
    a.plot(region[:, 0], region[:, 1], color="C1", lw=1.5)
    a.plot(*geo.ols, "o", color="C0", label="least squares")
    a.plot(*sol, "*", color="C3", ms=14, label=f"{name} solution ({sol[0]:.2f}, {sol[1]:.2f})")
    a.axhline(0, color="0.6", lw=0.6)
    a.axvline(0, color="0.6", lw=0.6)
    a.set_aspect("equal")
    a.set_xlabel(r"$\beta_1$")
    a.set_ylabel(r"$\beta_2$")
    a.set_title(f"{name} constraint and least-squares contours", fontsize=10)
    _legend_outside(a, "below")
    return a


def plot_coordinate_descent_path(X=None, y=None, alpha: float | None = None, *, path=None, beta0=(0.0, 0.0),
                                 n_sweeps: int = 12, ax=None):
    r"""Coordinate descent on a two-parameter lasso objective, drawn over its contours.

    Each update minimises :math:`\frac{1}{2n}\lVert y - X\beta\rVert^2 + \alpha\lVert\beta\rVert_1`
    over one coordinate with the other fixed,
    :math:`\beta_j \leftarrow S(x_j^T r_j / n, \alpha) / (x_j^T x_j / n)`, so the path moves
    parallel to the axes. The package's solver's answer is marked for comparison. The iterates
    are :func:`bayesreg.solvers.coordinate_descent_trace`, the contours
    :func:`bayesreg.figures.coordinate_descent_path`.

    Parameters
    ----------
    X : array_like of shape (n, 2) or CoordinateDescentPath, optional
        Default :func:`two_feature_example`. Or the picture already computed by
        :func:`bayesreg.figures.coordinate_descent_path` (then ``y``, ``alpha`` and ``path``
        are omitted, and ``beta0`` and ``n_sweeps`` are not used).
    y : array_like of shape (n,), optional
    alpha : float, optional
        L1 weight (scikit-learn ``Lasso`` convention, no intercept); default ``alpha_max / 4``.
    path : array_like of shape (k, 2), optional
        Iterates to draw (e.g. from your own implementation); computed when omitted.
    beta0 : pair of float, default=(0, 0)
        Starting point when ``path`` is omitted.
    n_sweeps : int, default=12
        Sweeps when ``path`` is omitted.
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(X, figures.CoordinateDescentPath):
        _only(X, y=y, alpha=alpha, path=path)
        pic = X
    else:
        pic = figures.coordinate_descent_path(X, y, alpha, path=path, beta0=beta0, n_sweeps=n_sweeps)
    path, sol = pic.path, pic.solution

    fig, (a,) = _axes(ax, 1, figsize=(4.8, 4.2))
    a.contour(pic.B0, pic.B1, pic.objective, levels=pic.levels, colors="0.55", linewidths=0.7)
    a.plot(path[:, 0], path[:, 1], "-o", color="C0", ms=3.5, lw=1.3,
           label=f"coordinate descent ({len(path) - 1} updates)")
    a.plot(*path[0], "s", color="C2", ms=7, label="start")
    a.plot(*sol, "*", color="C3", ms=14, label=f"solver ({sol[0]:.3f}, {sol[1]:.3f})")
    a.axhline(0, color="0.7", lw=0.6)
    a.axvline(0, color="0.7", lw=0.6)
    a.set_xlabel(r"$\beta_1$")
    a.set_ylabel(r"$\beta_2$")
    a.set_title(rf"lasso objective, $\alpha$ = {pic.alpha:.3g}", fontsize=10)
    _legend_outside(a, "below")
    return a


def plot_soft_threshold(threshold: float = 1.0, *, zmax: float | None = None, ax=None):
    r"""The soft-thresholding operator :math:`S(z, \lambda) = \mathrm{sign}(z)\max(|z| - \lambda, 0)`.

    It is the one-coordinate lasso solution (the proximal operator of :math:`\lambda|\cdot|`):
    inputs inside :math:`[-\lambda, \lambda]` become exactly zero, the others move towards zero
    by :math:`\lambda`. The identity (least squares) and the ridge shrinkage
    :math:`z / (1 + \lambda)` are drawn for comparison. The curves are
    :func:`bayesreg.figures.soft_threshold_curves`.

    Parameters
    ----------
    threshold : float or SoftThresholdCurves, default=1.0
        :math:`\lambda \geq 0`, or the curves already computed by
        :func:`bayesreg.figures.soft_threshold_curves` (then ``zmax`` is omitted).
    zmax : float, optional
        Half-width of the z range; default ``3 * threshold`` (or 3).
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(threshold, figures.SoftThresholdCurves):
        _only(threshold, zmax=zmax)
        curves = threshold
    else:
        curves = figures.soft_threshold_curves(threshold, zmax=zmax)
    lam, z = curves.threshold, curves.z
    fig, (a,) = _axes(ax, 1, figsize=(4.4, 3.8))
    a.axvspan(-lam, lam, color="C1", alpha=0.15, label=r"set to exactly 0")
    a.plot(z, z, "--", color="0.5", lw=1, label="identity (least squares)")
    a.plot(z, curves.ridge, ":", color="C0", lw=1.5, label=r"ridge $z/(1+\lambda)$")
    a.plot(z, curves.soft, color="C3", lw=2.2, label=rf"$S(z, \lambda={lam:g})$")
    a.axhline(0, color="0.7", lw=0.6)
    a.axvline(0, color="0.7", lw=0.6)
    a.set_xlabel("z")
    a.set_ylabel("output")
    a.set_title("soft-thresholding", fontsize=10)
    a.legend(fontsize=7, loc="upper left")
    return a


def plot_prior_densities(laplace_scale: float = 1.0, gaussian_scale: float | None = None, *, penalty: bool = False,
                         xmax: float | None = None, ax=None):
    r"""Laplace(0, b) against Gaussian N(0, tau^2) densities, or their negative logs.

    The Laplace density has a cusp at 0 (its negative log is :math:`|\beta|/b`, the L1 penalty),
    the Gaussian is smooth there (:math:`\beta^2/(2\tau^2)`, the L2 penalty). By default the
    Gaussian has the Laplace's variance, :math:`\tau = \sqrt{2} b`. The densities are
    :func:`bayesreg.figures.prior_densities`.

    Parameters
    ----------
    laplace_scale : float or PriorDensities, default=1.0
        ``b``, or the densities already computed by :func:`bayesreg.figures.prior_densities`
        (then ``gaussian_scale`` and ``xmax`` are omitted).
    gaussian_scale : float, optional
    penalty : bool, default=False
        Plot :math:`-\log p(\beta) + \log p(0)` (the penalties) instead of the densities.
    xmax : float, optional
        Half-width of the range; default ``4 b``.
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(laplace_scale, figures.PriorDensities):
        _only(laplace_scale, gaussian_scale=gaussian_scale, xmax=xmax)
        dens = laplace_scale
    else:
        dens = figures.prior_densities(laplace_scale, gaussian_scale, xmax=xmax)
    b, tau, x = dens.laplace_scale, dens.gaussian_scale, dens.x
    fig, (a,) = _axes(ax, 1, figsize=(4.6, 3.6))
    if penalty:
        a.plot(x, dens.laplace_penalty, color="C3", lw=2, label=rf"Laplace: $|\beta|/{b:g}$ (L1)")
        a.plot(x, dens.gaussian_penalty, color="C0", lw=2, label=rf"Gaussian: $\beta^2/(2 \cdot {tau:.3g}^2)$ (L2)")
        a.set_ylabel(r"$-\log p(\beta) + \log p(0)$")
        a.set_title("negative log prior = penalty", fontsize=10)
    else:
        a.plot(x, dens.laplace_density, color="C3", lw=2, label=f"Laplace(0, b={b:g})")
        a.plot(x, dens.gaussian_density, color="C0", lw=2, label=rf"Normal(0, $\tau$={tau:.3g})")
        a.set_ylabel(r"$p(\beta)$")
        a.set_title("prior densities", fontsize=10)
    a.set_xlabel(r"$\beta$")
    a.legend(fontsize=8)
    return a


# --------------------------------------------------------------------------------------------
# 3. MAP against the penalised fit
# --------------------------------------------------------------------------------------------


def _estimates_frame(estimates, feature_names=None):
    """Coefficient estimates as a DataFrame, index = features, one column per method."""
    import pandas as pd

    if isinstance(estimates, pd.DataFrame):
        df = estimates.copy()
    elif hasattr(estimates, "coef_table"):  # an equivalence report: its table, without the intercept row
        df = estimates.coef_table().drop(index="intercept", errors="ignore")
    elif hasattr(estimates, "to_frame"):
        df = estimates.to_frame()
    elif isinstance(estimates, Mapping):
        if not estimates:
            raise ValueError("estimates is empty")
        cols = {str(k): np.asarray(v, dtype=np.float64).ravel() for k, v in estimates.items()}
        sizes = {v.size for v in cols.values()}
        if len(sizes) != 1:
            raise ValueError(f"every estimate must have the same length; got lengths {sorted(sizes)}")
        df = pd.DataFrame(cols)
    else:
        raise TypeError(
            "estimates must be a mapping {label: coefficients}, a DataFrame (features x methods) or an "
            f"equivalence report; got {type(estimates).__name__}"
        )
    if feature_names is not None:
        names = [str(f) for f in feature_names]
        if len(names) != len(df):
            raise ValueError(f"feature_names has {len(names)} names but there are {len(df)} coefficients")
        df.index = names
    elif isinstance(df.index, pd.RangeIndex):
        df.index = [f"x{j}" for j in range(len(df))]
    return df


def plot_map_vs_sklearn(estimates, feature_names=None, *, ax=None):
    """Coefficient estimates of several methods, feature by feature (e.g. find_MAP, exact MAP, sklearn).

    Markers of decreasing size are drawn on top of each other, so estimates that agree show as
    concentric markers and a disagreement shows as separated ones.

    Parameters
    ----------
    estimates : mapping {label: array of shape (p,)}, DataFrame or equivalence report
        A DataFrame has one row per feature and one column per method.
    feature_names : sequence of str, optional
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    df = _estimates_frame(estimates, feature_names)
    p = len(df)
    fig, (a,) = _axes(ax, 1, figsize=(5.4, 0.32 * p + 1.6))
    markers = ["o", "s", "D", "^", "v", "P", "X"]
    pos = np.arange(p)[::-1]
    for i, col in enumerate(df.columns):
        size = max(11 - 3 * i, 3)
        a.plot(df[col].to_numpy(dtype=np.float64), pos, markers[i % len(markers)], ms=size, mfc="none" if i == 0 else
               None, mew=1.5, color=f"C{i}", label=str(col), alpha=0.9)
    a.axvline(0, color="0.6", lw=0.7)
    a.set_yticks(pos)
    a.set_yticklabels([str(f) for f in df.index])
    a.set_xlabel("coefficient")
    a.set_title("estimates side by side", fontsize=10)
    _legend_outside(a, fontsize=8)
    a.grid(axis="x", alpha=0.3)
    return a


# --------------------------------------------------------------------------------------------
# 4. shrinkage over the prior scale
# --------------------------------------------------------------------------------------------

_SHRINKAGE_COLUMNS = ("scale", "feature", "map", "mean")


def plot_shrinkage(table, *, features=None, center: str = "mean", logx: bool = True, title: str | None = None,
                   xlabel: str = "prior scale", zeros: bool = False, ax=None):
    """The MAP path beside the posterior centre and HDI band, over the prior scale.

    Left: the MAP (the penalised solution: a lasso path for a Laplace prior, with exact zeros).
    Middle: the posterior mean (or median) with its HDI band; for a Laplace prior the mean is
    never exactly zero. With ``zeros=True`` a third panel shows, on a log scale, the size of the
    posterior centre at every scale and feature where the MAP is exactly zero
    (:func:`bayesreg.figures.posterior_where_map_is_zero`): on the linear axes both look like 0,
    here one is 0 and the other is not. One colour per feature in every panel.

    Parameters
    ----------
    table : DataFrame
        Tidy output of :func:`bayesreg.shrinkage_table`: columns ``scale``, ``feature``, ``map``,
        ``mean`` and optionally ``median``, ``hdi_low``, ``hdi_high``.
    features : sequence of str, optional
        Features to draw (default all).
    center : {"mean", "median"}, default="mean"
    logx : bool, default=True
        Logarithmic prior-scale axis.
    title : str, optional
        Figure title.
    xlabel : str, default="prior scale"
        Label of the scale axis (e.g. ``"Laplace scale b"``).
    zeros : bool, default=False
        Add the third panel: ``|posterior centre|`` where the MAP is exactly zero.
    ax : sequence of 2 Axes (3 with ``zeros=True``), optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import pandas as pd

    from ._validation import check_choice

    check_choice(center, "center", ("mean", "median"))
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame (from shrinkage_table); got {type(table).__name__}")
    missing = [c for c in (*_SHRINKAGE_COLUMNS, center) if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing column(s) {missing}; it has {list(table.columns)}")
    names = list(dict.fromkeys(table["feature"].astype(str)))
    if features is not None:
        unknown = [f for f in features if str(f) not in names]
        if unknown:
            raise ValueError(f"features {unknown} are not in the table's features {names}")
        names = [str(f) for f in features]
    if not isinstance(zeros, bool | np.bool_):
        raise TypeError(f"zeros must be True or False; got {type(zeros).__name__} {zeros!r}")
    n_panels = 3 if zeros else 2
    fig, axs = _axes(ax, n_panels, figsize=(5.0 * n_panels + 1.0, 4.0))
    a0, a1 = axs[:2]
    has_band = "hdi_low" in table.columns and "hdi_high" in table.columns
    for i, name in enumerate(names):
        sub = table[table["feature"].astype(str) == name].sort_values("scale")
        s = sub["scale"].to_numpy(dtype=np.float64)
        color = f"C{i % 10}"
        a0.plot(s, sub["map"].to_numpy(dtype=np.float64), color=color, lw=1.8, label=name)
        a1.plot(s, sub[center].to_numpy(dtype=np.float64), color=color, lw=1.8, label=name)
        if has_band:
            a1.fill_between(s, sub["hdi_low"].to_numpy(dtype=np.float64), sub["hdi_high"].to_numpy(dtype=np.float64),
                            color=color, alpha=0.1, lw=0)
    for a, what in ((a0, "MAP (penalised fit)"), (a1, f"posterior {center}" + (" and HDI" if has_band else ""))):
        a.axhline(0, color="0.5", lw=0.7)
        if logx:
            a.set_xscale("log")
        a.set_xlabel(xlabel)
        a.set_ylabel("coefficient")
        a.set_title(what, fontsize=10)
    ylo = min(a0.get_ylim()[0], a1.get_ylim()[0])
    yhi = max(a0.get_ylim()[1], a1.get_ylim()[1])
    a0.set_ylim(ylo, yhi)
    a1.set_ylim(ylo, yhi)
    if zeros:
        a2 = axs[2]
        off = figures.posterior_where_map_is_zero(table, center)
        for i, name in enumerate(names):
            sub = off[off["feature"] == name]
            for run, seg in sub.groupby("run"):  # stretches of consecutive scales, each drawn apart
                a2.plot(seg["scale"].to_numpy(), seg["abs_center"].to_numpy(), "o-", color=f"C{i % 10}", ms=3.5,
                        lw=1.2, label=name if run == 0 else "_nolegend_")
        a2.set_yscale("log")
        if logx:
            a2.set_xscale("log")
        a2.set_xlim(a0.get_xlim())
        a2.set_xlabel(xlabel)
        a2.set_ylabel(f"|posterior {center}|  (log scale)")
        a2.set_title(f"where the MAP is exactly 0 ({len(off)} points):\nthe posterior {center} is not",
                     fontsize=10)
        if not len(off):
            a2.text(0.5, 0.5, "the MAP has no exact zero", transform=a2.transAxes, ha="center", va="center",
                    fontsize=9, color="0.4")
    handles, labels = a0.get_legend_handles_labels()
    axs[-1].legend(handles, labels, fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5), borderaxespad=0.0)
    if title:
        fig.suptitle(title, fontsize=11)
    if ax is None:
        fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# 5. posteriors through ArviZ (the one ArviZ plotting adapter)
# --------------------------------------------------------------------------------------------


def _models(idatas):
    """``{label: InferenceData}`` from a mapping, a sequence or a single InferenceData."""
    from ._upstream import is_posterior_data

    if is_posterior_data(idatas):
        return {"model": idatas}
    if isinstance(idatas, Mapping):
        items = dict(idatas)
    elif isinstance(idatas, Sequence) and not isinstance(idatas, str):
        items = {f"model {i}": d for i, d in enumerate(idatas)}
    else:
        raise TypeError(f"idatas must be an InferenceData or a mapping {{label: InferenceData}}; got {type(idatas)}")
    if not items:
        raise ValueError("idatas is empty")
    for k, v in items.items():
        if not is_posterior_data(v):
            raise TypeError(f"idatas[{k!r}] must be an InferenceData with a posterior group; got {type(v).__name__}")
    return {str(k): v for k, v in items.items()}


def plot_posterior_forest(idatas, *, var_names=("beta",), hdi_prob: float = 0.94, ax=None):
    """Forest plot of several models together (e.g. Laplace and Gaussian priors): median and HDI per scalar.

    Drawn by this package from :func:`bayesreg.figures.posterior_intervals`, so it is the same on
    every ArviZ version.

    Parameters
    ----------
    idatas : mapping {label: posterior container} or a posterior container
        ``InferenceData`` (ArviZ 0.x) or ``DataTree`` (ArviZ >= 1), as the samplers return.
    var_names : sequence of str, default=("beta",)
    hdi_prob : float, default=0.94
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from . import figures
    from ._validation import check_scalar

    hdi_prob = check_scalar(hdi_prob, "hdi_prob", lower=0.0, upper=1.0, lower_inclusive=False,
                            upper_inclusive=False)
    iv = figures.posterior_intervals(_models(idatas), var_names, hdi_prob)
    k, m = len(iv.labels), len(iv.models)
    fig, (a,) = _axes(ax, 1, figsize=(5.5, 0.35 * k * m + 1.5))
    step = 0.8 / max(m, 1)
    base = np.arange(k)[::-1].astype(float)
    for i, name in enumerate(iv.models):
        pos = base + 0.4 - step * (i + 0.5)
        a.hlines(pos, iv.low[i], iv.high[i], color=f"C{i}", lw=2.2, alpha=0.8, label=name)
        a.plot(iv.median[i], pos, "o", color=f"C{i}", ms=4)
    a.set_yticks(base)
    a.set_yticklabels(iv.labels)
    a.axvline(0, color="0.5", lw=0.7, ls="--")
    a.set_title(f"posterior median and {int(round(100 * hdi_prob))}% HDI", fontsize=10)
    if m > 1:
        _legend_outside(a)
    a.grid(axis="x", alpha=0.3)
    return a


def plot_posterior_density(idatas, *, var_names=("beta",), hdi_prob: float = 0.94, ncols: int = 5, ax=None):
    """Posterior densities of several models overlaid, one panel per scalar, HDI shaded.

    Drawn by this package from :func:`bayesreg.figures.posterior_densities` (Gaussian kernel
    density estimates), the same on every ArviZ version.

    Parameters
    ----------
    idatas : mapping {label: posterior container} or a posterior container
    var_names : sequence of str, default=("beta",)
    hdi_prob : float, default=0.94
    ncols : int, default=5
        Panels per row when ``ax`` is None.
    ax : sequence of Axes, optional
        One Axes per scalar variable.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from . import figures

    dens = figures.posterior_densities(_models(idatas), var_names, hdi_prob)
    n_panels = len(dens.labels)
    cols = min(ncols, n_panels)
    fig, axs = _axes(ax, n_panels, ncols=cols, figsize=(2.6 * cols, 2.2 * int(np.ceil(n_panels / ncols))))
    for j, (a, lab) in enumerate(zip(axs, dens.labels)):
        for i, name in enumerate(dens.models):
            x, d = dens.x[i][j], dens.density[i][j]
            if x is None:
                continue
            a.plot(x, d, color=f"C{i}", lw=1.3, label=name)
            inside = (x >= dens.low[i, j]) & (x <= dens.high[i, j])
            a.fill_between(x, 0.0, d, where=inside, color=f"C{i}", alpha=0.12, lw=0)
        lo, hi = a.get_xlim()
        if lo < 0.0 < hi:  # a zero reference only where zero is in view (not for sigma, lambda, ...)
            a.axvline(0, color="0.5", lw=0.6, ls="--")
        a.set_title(lab, fontsize=9)
        a.set_yticks([])
    if len(dens.models) > 1 and n_panels:
        # one legend for all panels, above them: it covers no density
        handles, labels = axs[0].get_legend_handles_labels()
        if ax is None:
            fig.tight_layout(rect=(0.0, 0.0, 1.0, 1.0 - 0.35 / fig.get_figheight()))
            fig.legend(handles, labels, loc="upper center", ncol=len(labels), fontsize=8, frameon=False)
        else:
            axs[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.15), ncol=len(labels),
                          fontsize=7, frameon=False, borderaxespad=0.0)
    elif ax is None:
        fig.tight_layout()
    return fig


def plot_credible_intervals(idata, *, point_estimates=None, var_name: str = "beta", hdi_prob: float = 0.95, ax=None):
    """Posterior median and HDI of each coefficient, with other point estimates as markers.

    The figure of Park and Casella (2008, Fig. 2): Bayesian-lasso intervals beside the lasso and
    least-squares estimates.

    Parameters
    ----------
    idata : InferenceData
        With ``var_name`` of dims (chain, draw, feature).
    point_estimates : mapping {label: array of shape (p,)}, optional
    var_name : str, default="beta"
    hdi_prob : float, default=0.95
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from ._posterior import hdi_from_draws

    idata = _models(idata)
    idata = next(iter(idata.values()))
    post = idata.posterior[var_name]
    draws = post.stack(sample=("chain", "draw")).transpose(..., "sample").values
    draws = draws.reshape(-1, draws.shape[-1])
    feat_dim = [d for d in post.dims if d not in ("chain", "draw")]
    names = [str(f) for f in post[feat_dim[0]].values] if feat_dim else [var_name]
    p = draws.shape[0]
    hdi = hdi_from_draws(draws.T, hdi_prob)
    med = np.median(draws, axis=1)
    fig, (a,) = _axes(ax, 1, figsize=(5.4, 0.35 * p + 1.5))
    pos = np.arange(p)[::-1]
    a.hlines(pos, hdi[:, 0], hdi[:, 1], color="C0", lw=2.5, alpha=0.6, label=f"{int(round(100 * hdi_prob))}% HDI")
    a.plot(med, pos, "o", color="C0", label="posterior median")
    if point_estimates:
        df = _estimates_frame(point_estimates, names)
        for i, col in enumerate(df.columns):
            a.plot(df[col].to_numpy(dtype=np.float64), pos, ["x", "^", "s", "D", "v"][i % 5], color=f"C{i + 1}",
                   ms=7, mfc="none", mew=1.5, label=str(col))
    a.axvline(0, color="0.6", lw=0.7)
    a.set_yticks(pos)
    a.set_yticklabels(names)
    a.set_xlabel("coefficient")
    _legend_outside(a)
    a.grid(axis="x", alpha=0.3)
    return a


def plot_loo_compare(comparison, *, ax=None):
    """Expected log predictive density (PSIS-LOO) of each model, from an ``arviz.compare`` table.

    Each model's ELPD with its standard error, and its difference to the best with the standard
    error of the difference; drawn by this package from the table (ArviZ 0.x or >= 1 columns).

    Parameters
    ----------
    comparison : DataFrame
        Output of ``arviz.compare``.
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from ._upstream import compare_summary

    table = compare_summary(comparison)
    fig, (a,) = _axes(ax, 1, figsize=(5.5, 0.6 * len(table) + 1.5))
    pos = np.arange(len(table))[::-1].astype(float)
    a.errorbar(table["elpd"], pos, xerr=table["se"], fmt="o", color="C0", mfc="none", capsize=3,
               label="ELPD (LOO) +- se")  # fmt: skip
    best = float(table["elpd"].iloc[0])
    diff_pos = pos[1:] + 0.25
    if len(table) > 1:
        a.errorbar(best + table["elpd_diff"].to_numpy()[1:], diff_pos, xerr=table["dse"].to_numpy()[1:], fmt="^",
                   color="C1", capsize=3, label="difference to the best +- se")  # fmt: skip
    a.axvline(best, color="0.6", lw=0.8, ls="--")
    a.set_yticks(pos)
    a.set_yticklabels([str(i) for i in table.index])
    a.set_xlabel("expected log pointwise predictive density")
    _legend_outside(a)
    a.grid(axis="x", alpha=0.3)
    return a


# --------------------------------------------------------------------------------------------
# sparse summaries and calibration
# --------------------------------------------------------------------------------------------


def _entering(support) -> list[str]:
    """Per model size, the variables that enter (``+name``) and leave (``-name``) from the size before."""
    out, prev = [], ()
    for sup in support:
        added = [f"+{v}" for v in sup if v not in prev]
        dropped = [f"-{v}" for v in prev if v not in sup]
        out.append(" ".join(added + dropped))
        prev = sup
    return out


def plot_sparse_summary(summary, *, ax=None, names: bool | None = None):
    r"""The DSS figure: how much of the full model's fit each sparse summary explains, per model size.

    One point and error bar per model size (the posterior mean of the summary's variance explained
    :math:`\rho^2` and its band), the full model's posterior mean as a dashed line with its band
    shaded across the plot, and the chosen size (the smallest whose band reaches the full model's
    mean) marked by a ring and a dotted vertical line. Hahn and Carvalho (2015), Figure 2.

    Parameters
    ----------
    summary : SparseSummary or dict
        A ``method="dss"`` result of :func:`bayesreg.sparse_summary`, or its figure data
        (:func:`bayesreg.figures.sparse_summary_data`).
    ax : Axes, optional
    names : bool, optional
        Label each size's tick with the variables entering (``+bmi``) and leaving (``-age``)
        there. Default: when there are at most 16 sizes.

    Returns
    -------
    matplotlib.axes.Axes
    """
    d = figures.sparse_summary_data(summary)
    size = np.asarray(d["size"], dtype=np.float64)
    mean = np.asarray(d["rho2_mean"], dtype=np.float64)
    low, high = np.asarray(d["rho2_low"], dtype=np.float64), np.asarray(d["rho2_high"], dtype=np.float64)
    names = len(size) <= 16 if names is None else bool(names)
    fig, (a,) = _axes(ax, 1, figsize=(max(5.0, 0.42 * len(size) + 2.5), 3.6))
    band = f"{100 * d['level']:g}% {d['interval']}"
    a.axhspan(d["full_low"], d["full_high"], color="0.5", alpha=0.2, lw=0, label=f"full model: {band}")
    a.axhline(d["full_mean"], color="0.3", ls="--", lw=1.0, label="full model: posterior mean")
    a.errorbar(size, mean, yerr=np.vstack([mean - low, high - mean]), fmt="o", color="C0", ms=4, capsize=2.5,
               label=f"summary of each size: posterior mean, {band}")  # fmt: skip
    k = d["chosen_size"]
    if k is not None:
        i = int(np.flatnonzero(size == k)[0])
        chosen = ", ".join(d["support"][i]) or "none"
        a.axvline(k, color="C3", ls=":", lw=1.2)
        a.plot([k], [mean[i]], "o", ms=11, mfc="none", mec="C3", mew=1.6, label=f"chosen size {k}: {chosen}")
    a.set_xticks(size)
    if names:
        a.set_xticklabels([f"{int(s)}\n{lab}" if lab else f"{int(s)}" for s, lab in zip(size, _entering(d["support"]))],
                          rotation=90, fontsize=7)
    a.set_xlabel("model size (variables in the summary)")
    a.set_ylabel(d["ylabel"])
    a.grid(axis="y", alpha=0.3)
    _legend_outside(a)
    return a


def plot_calibration(bins, y=None, *, n_bins: int = 10, strategy: str = "uniform", level: float = 0.95, ax=None,
                     label: str = "model"):  # fmt: skip
    """Reliability diagram: mean predicted probability per bin against the observed frequency.

    Parameters
    ----------
    bins : CalibrationBins or array_like of shape (n,)
        What :func:`bayesreg.figures.calibration_bins` returned, or the predicted probabilities
        (then ``y`` is required and the bins are computed with ``n_bins``, ``strategy``, ``level``).
    y : array_like of shape (n,), optional
        Observed labels 0/1 (with probabilities only).
    n_bins, strategy, level
        As in :func:`bayesreg.figures.calibration_bins`.
    ax : Axes, optional
    label : str, default="model"
        Legend label of the points.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(bins, figures.CalibrationBins):
        _only(bins, y=y)
        cb = bins
    else:
        if y is None:
            raise ValueError("y (the observed 0/1 labels) is required with predicted probabilities")
        cb = figures.calibration_bins(bins, y, n_bins=n_bins, strategy=strategy, level=level)
    fig, (a,) = _axes(ax, 1, figsize=(4.6, 4.0))
    a.plot([0.0, 1.0], [0.0, 1.0], color="0.5", ls="--", lw=1.0, label="perfect calibration")
    a.errorbar(cb.predicted, cb.observed, yerr=np.vstack([cb.observed - cb.low, cb.high - cb.observed]), fmt="o-",
               color="C0", ms=4, capsize=2.5, label=f"{label} ({100 * cb.level:g}% Wilson interval)")  # fmt: skip
    a.set_xlim(-0.02, 1.02)
    a.set_ylim(-0.02, 1.02)
    a.set_xlabel("predicted probability (bin mean)")
    a.set_ylabel("observed frequency")
    a.set_aspect("equal")
    a.grid(alpha=0.3)
    _legend_outside(a, "below")
    return a
