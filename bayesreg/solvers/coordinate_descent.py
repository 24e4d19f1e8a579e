r"""Lasso and elastic net by cyclic coordinate descent, and warm-started paths.

Objective (the package's one convention, scikit-learn's ``Lasso``/``ElasticNet``):

.. math::

    \min_{b_0, \beta}\ \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2
        + \alpha\rho\lVert\beta\rVert_1 + \frac{\alpha(1-\rho)}{2}\lVert\beta\rVert^2 .

The intercept is unpenalised (X and y are centred). Each sweep updates one coordinate at a
time by soft-thresholding; the solver stops when scikit-learn's duality gap satisfies
``gap <= tol * ||y_c||^2 / n`` and returns an immutable :class:`SolverResult`.

Two modes: ``"naive"`` keeps the residual (O(n) per coordinate), ``"gram"`` keeps
``X^T X w`` (O(p) per coordinate after forming ``X^T X`` once); ``"auto"`` picks Gram when
``n > p`` or when a :class:`~bayesreg.SufficientStats` is given.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_choice, check_scalar, check_vector
from ..exceptions import ConvergenceWarning
from ..penalties import L1, ElasticNet, Penalty
from . import _kernels
from ._problem import Problem, make_problem
from .results import PathResult, SolverResult

__all__ = ["solve", "lasso", "elastic_net", "alpha_max", "lasso_path", "enet_path"]

_MODES = ("auto", "naive", "gram")


def _check_options(tol, max_iter, mode):
    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    check_choice(mode, "mode", _MODES)
    return tol, max_iter


def _resolve_mode(problem: Problem, mode: str) -> str:
    if problem.X is None:
        if mode == "naive":
            raise ValueError("mode='naive' needs the data arrays; a SufficientStats allows 'gram' only")
        return "gram"
    if mode == "auto":
        return "gram" if problem.n > problem.p else "naive"
    return mode


def _run(problem: Problem, penalty: Penalty, w: np.ndarray, tol, max_iter, mode, check_every=10):
    """Run the kernel on a prepared problem, updating ``w`` in place."""
    n = problem.n
    l1 = n * penalty.alpha_l1
    l2 = n * penalty.alpha_l2
    tol_abs = tol * problem.y_norm2()
    if l1 > 0.0 and l1 >= np.max(np.abs(problem.xty())) and not np.any(w):
        # alpha >= alpha_max: zero is optimal, exactly (no rounding from the sweeps)
        return 0.0, 0, True
    if mode == "gram":
        problem.ensure_gram()
        gap, n_iter, conv = _kernels.cd_gram(
            problem.G, problem.q, problem.yy, w, l1, l2, tol_abs, max_iter, check_every
        )
    else:
        gap, n_iter, conv = _kernels.cd_naive(
            problem.X, problem.y, w, l1, l2, tol_abs, max_iter, check_every
        )
    return gap / n, int(n_iter), bool(conv)


def _warn_not_converged(gap, tol, problem, n_iter, where=""):
    target = tol * problem.y_norm2() / problem.n
    warnings.warn(
        f"coordinate descent did not converge{where} after {n_iter} sweeps: duality gap "
        f"{gap:.3g} > tol * ||y||^2 / n = {target:.3g}. Increase max_iter, loosen tol, or "
        "scale the columns of X.",
        ConvergenceWarning,
        stacklevel=3,
    )


def _check_init(coef_init, p):
    if coef_init is None:
        return np.zeros(p)
    return check_vector(coef_init, "coef_init", n=p, n_name="the number of features").copy()


def solve(
    X,
    y=None,
    penalty: Penalty | None = None,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-4,
    max_iter: int = 10_000,
    mode: str = "auto",
    coef_init=None,
) -> SolverResult:
    """Minimise ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)`` by coordinate descent.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    penalty : L1, L2 or ElasticNet
        The penalty.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (centre X and y).
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * ||y_c||^2 / n`` (scikit-learn's rule).
    max_iter : int, default=10000
        Maximum number of sweeps over the coordinates.
    mode : {"auto", "naive", "gram"}, default="auto"
        Residual updates or Gram updates.
    coef_init : array_like of shape (p,), optional
        Warm start.

    Returns
    -------
    SolverResult
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    tol, max_iter = _check_options(tol, max_iter, mode)
    problem = make_problem(X, y, fit_intercept)
    w = _check_init(coef_init, problem.p)
    gap, n_iter, conv = _run(problem, penalty, w, tol, max_iter, _resolve_mode(problem, mode))
    if not conv:
        _warn_not_converged(gap, tol, problem, n_iter)
    return SolverResult(
        coef=w,
        intercept=problem.intercept(w),
        gap=gap,
        n_iter=n_iter,
        converged=conv,
        penalty=penalty,
        tol=tol,
    )


def lasso(X, y=None, alpha: float = 1.0, **kwargs) -> SolverResult:
    """Lasso: ``1/(2n) ||y - b0 - X beta||^2 + alpha ||beta||_1`` (scikit-learn's ``Lasso``).

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    alpha : float, default=1.0
        Non-negative L1 weight.
    **kwargs
        ``fit_intercept``, ``tol``, ``max_iter``, ``mode``, ``coef_init`` as in :func:`solve`.

    Returns
    -------
    SolverResult
    """
    return solve(X, y, L1(alpha), **kwargs)


def elastic_net(X, y=None, alpha: float = 1.0, l1_ratio: float = 0.5, **kwargs) -> SolverResult:
    """Elastic net: ``1/(2n)||r||^2 + alpha rho ||b||_1 + alpha (1 - rho)/2 ||b||^2``.

    The same objective as scikit-learn's ``ElasticNet`` (``rho`` is ``l1_ratio``).

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    alpha : float, default=1.0
        Non-negative overall weight.
    l1_ratio : float, default=0.5
        Mixing parameter in [0, 1].
    **kwargs
        ``fit_intercept``, ``tol``, ``max_iter``, ``mode``, ``coef_init`` as in :func:`solve`.

    Returns
    -------
    SolverResult
    """
    return solve(X, y, ElasticNet(alpha, l1_ratio), **kwargs)


def _alpha_max(problem: Problem, l1_ratio: float) -> float:
    return float(np.max(np.abs(problem.xty())) / (problem.n * l1_ratio))


def alpha_max(X, y=None, *, l1_ratio: float = 1.0, fit_intercept: bool = True) -> float:
    """Smallest ``alpha`` at which every coefficient is zero: ``max_j |x_j^T y| / (n l1_ratio)``.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    l1_ratio : float, default=1.0
        Elastic-net mixing, in (0, 1].
    fit_intercept : bool, default=True

    Returns
    -------
    float
    """
    l1_ratio = check_scalar(l1_ratio, "l1_ratio", lower=0.0, upper=1.0, lower_inclusive=False)
    return _alpha_max(make_problem(X, y, fit_intercept), l1_ratio)


def enet_path(
    X,
    y=None,
    *,
    l1_ratio: float = 0.5,
    n_alphas: int = 100,
    eps: float = 1e-3,
    alphas=None,
    fit_intercept: bool = True,
    tol: float = 1e-4,
    max_iter: int = 10_000,
    mode: str = "auto",
) -> PathResult:
    """Elastic-net path over a log grid from ``alpha_max`` down to ``eps * alpha_max``, warm-started.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    l1_ratio : float, default=0.5
        Mixing parameter in (0, 1].
    n_alphas : int, default=100
        Grid length when ``alphas`` is not given.
    eps : float, default=1e-3
        ``alpha_min / alpha_max``.
    alphas : array_like, optional
        Explicit grid (sorted decreasing before solving).
    fit_intercept, tol, max_iter, mode
        As in :func:`solve`.

    Returns
    -------
    PathResult
    """
    l1_ratio = check_scalar(l1_ratio, "l1_ratio", lower=0.0, upper=1.0, lower_inclusive=False)
    tol, max_iter = _check_options(tol, max_iter, mode)
    problem = make_problem(X, y, fit_intercept)
    if alphas is None:
        n_alphas = check_scalar(n_alphas, "n_alphas", lower=1, integer=True)
        eps = check_scalar(eps, "eps", lower=0.0, upper=1.0, lower_inclusive=False)
        amax = _alpha_max(problem, l1_ratio)
        grid = amax * np.logspace(0.0, np.log10(eps), n_alphas) if amax > 0 else np.zeros(n_alphas)
    else:
        grid = np.sort(check_vector(alphas, "alphas"))[::-1].copy()
        if np.any(grid < 0):
            raise ValueError("alphas must be non-negative")
    mode = _resolve_mode(problem, mode)
    k = grid.size
    coefs = np.zeros((k, problem.p))
    intercepts = np.zeros(k)
    gaps = np.zeros(k)
    n_iters = np.zeros(k, dtype=np.int64)
    conv = np.zeros(k, dtype=bool)
    w = np.zeros(problem.p)
    for i, a in enumerate(grid):
        pen = ElasticNet(float(a), l1_ratio)
        gaps[i], n_iters[i], conv[i] = _run(problem, pen, w, tol, max_iter, mode)
        coefs[i] = w
        intercepts[i] = problem.intercept(w)
    if not conv.all():
        bad = np.flatnonzero(~conv)
        _warn_not_converged(
            gaps[bad].max(), tol, problem, max_iter, where=f" at {bad.size} of {k} alphas"
        )
    return PathResult(
        alphas=grid,
        coefs=coefs,
        intercepts=intercepts,
        gaps=gaps,
        n_iters=n_iters,
        converged=conv,
        l1_ratio=l1_ratio,
    )


def lasso_path(X, y=None, **kwargs) -> PathResult:
    """Lasso path: :func:`enet_path` with ``l1_ratio=1``.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    **kwargs
        ``n_alphas``, ``eps``, ``alphas``, ``fit_intercept``, ``tol``, ``max_iter``, ``mode``.

    Returns
    -------
    PathResult
    """
    if "l1_ratio" in kwargs:
        raise TypeError("lasso_path has l1_ratio = 1; use enet_path for other values")
    return enet_path(X, y, l1_ratio=1.0, **kwargs)
