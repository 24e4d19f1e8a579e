r"""Ridge regression in closed form.

Objective, in the package's convention:

.. math::

    \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \frac{\alpha}{2}\lVert\beta\rVert^2,

whose minimiser solves :math:`(X_c^T X_c + n\alpha I)\beta = X_c^T y_c` (X, y centred).
scikit-learn's ``Ridge(alpha=a)`` is this with :math:`\alpha = a / n`; convert with
:func:`bayesreg.mapping.sklearn_ridge_alpha`.

Methods: ``"cholesky"`` of the p x p normal matrix (n >= p); ``"dual"``, the n x n system
:math:`(X_c X_c^T + n\alpha I) a = y_c`, :math:`\beta = X_c^T a` (p > n); ``"svd"``, one SVD
:math:`X_c = U S V^T` giving :math:`\beta = V\,\mathrm{diag}(s/(s^2 + n\alpha))\,U^T y_c`, reused
for a whole grid of alphas (``"eigh"`` of the Gram matrix when only sufficient statistics are
known). No explicit inverse is ever formed.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .._validation import check_choice, check_nonnegative, check_vector
from ..suffstats import check_stats_or_arrays
from ._problem import Problem, build_problem, make_problem
from .results import PathResult, RidgeResult

__all__ = ["ridge", "ridge_path"]

_METHODS = ("auto", "cholesky", "dual", "svd")


def _normal_residual(problem: Problem, coef: np.ndarray, alpha: float) -> float:
    """``||(X^T X + n alpha I) b - X^T y|| / ||X^T y||``, without forming X^T X when X is at hand."""
    if problem.G is not None:
        lhs = problem.G @ coef
    else:
        lhs = problem.X.T @ (problem.X @ coef)
    lhs = lhs + problem.n * alpha * coef
    q = problem.xty()
    denom = np.linalg.norm(q)
    return float(np.linalg.norm(lhs - q) / denom) if denom > 0 else float(np.linalg.norm(lhs))


# Normal equations lose about log10(cond) digits of the 16 available: past this estimate of the
# condition number of the regularised system, "auto" switches to the SVD of X (backward stable,
# it never squares the condition number).
_COND_LIMIT = 1e8


class _Singular(Exception):
    pass


def _cholesky_solve(A: np.ndarray, b: np.ndarray, what: str, *, check_cond: bool = False) -> np.ndarray:
    """Solve ``A x = b`` (A symmetric positive definite) with one step of iterative refinement."""
    try:
        c, lower = linalg.cho_factor(A, lower=True, check_finite=False)
    except linalg.LinAlgError as exc:
        if check_cond:
            raise _Singular from exc
        raise ValueError(
            f"the {what} matrix is singular (not positive definite): use alpha > 0, "
            "or method='svd' for the minimum-norm solution"
        ) from exc
    if check_cond:
        # L_ii^2 / A_ii is the fraction of column i not explained by the earlier ones; its inverse
        # bounds the condition number of the diagonally scaled A from below (scaling-invariant,
        # so badly scaled but well-posed columns do not trigger the fallback)
        frac = np.diag(c) ** 2 / np.diag(A)
        if not frac.min() > 1.0 / _COND_LIMIT:
            raise _Singular
    x = linalg.cho_solve((c, lower), b, check_finite=False)
    # one step of iterative refinement: the residual of A x = b in working precision, solved again
    r = b - A @ x
    x += linalg.cho_solve((c, lower), r, check_finite=False)
    return x


def ridge(
    X, y=None, alpha: float = 1.0, *, fit_intercept: bool = True, method: str = "auto"
) -> RidgeResult:
    """Closed-form ridge: ``1/(2n) ||y - b0 - X beta||^2 + alpha/2 ||beta||^2``.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    alpha : float, default=1.0
        Non-negative weight (scikit-learn's ``Ridge`` alpha divided by n).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    method : {"auto", "cholesky", "dual", "svd"}, default="auto"
        ``"auto"``: Cholesky of ``X^T X + n alpha I`` when n >= p (or statistics are given), of
        ``X X^T + n alpha I`` when p > n; when that system is ill-conditioned (condition number
        estimated above 1e8) and X is available, the SVD of X instead, which is backward stable.
        Explicit methods are used as asked.

    Returns
    -------
    RidgeResult
    """
    alpha = check_nonnegative(alpha, "alpha")
    check_choice(method, "method", _METHODS)
    checked = check_stats_or_arrays(X, y, fit_intercept=fit_intercept)
    stats, Xa, _ = checked
    if stats is not None:
        if method == "dual":
            raise ValueError("method='dual' needs the data arrays; a SufficientStats allows 'cholesky' or 'svd'")
        method = "eigh" if method == "svd" else "cholesky" if method == "auto" else method
        n, p = stats.n, stats.n_features
    else:
        n, p = Xa.shape
    auto = method == "auto"
    if auto:
        method = "cholesky" if n >= p else "dual"
    # the normal equations need only the Gram form, built in one pass without copying X
    problem = build_problem(checked, fit_intercept, "gram" if method in ("cholesky", "eigh") else "arrays")
    try:
        if method == "cholesky":
            A = problem.G.copy()
            A[np.diag_indices_from(A)] += n * alpha
            coef = _cholesky_solve(A, problem.q, "normal-equation", check_cond=auto)
        elif method == "dual":
            K = problem.X @ problem.X.T
            K[np.diag_indices_from(K)] += n * alpha
            coef = problem.X.T @ _cholesky_solve(K, problem.y, "dual (kernel)", check_cond=auto)
    except _Singular:
        method = "svd"
        if problem.X is None:
            problem = build_problem(checked, fit_intercept, "arrays")
    if method in ("svd", "eigh"):
        coef = _svd_path(problem, np.array([alpha]))[0]
    return RidgeResult(
        coef=coef,
        intercept=problem.intercept(coef),
        alpha=alpha,
        method=method,
        residual=_normal_residual(problem, coef, alpha),
    )


def _svd_path(problem: Problem, alphas: np.ndarray) -> np.ndarray:
    n = problem.n
    if problem.X is not None:
        U, s, Vt = linalg.svd(problem.X, full_matrices=False, check_finite=False)
        uty = U.T @ problem.y
        # beta(alpha) = V diag(s / (s^2 + n alpha)) U^T y; s = 0 directions give 0 (minimum norm)
        # singular values below the rounding level of X are zero (as in numpy's pinv/lstsq)
        keep = s > s[0] * max(problem.X.shape) * np.finfo(float).eps if s.size else s > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            d = s[None, :] / (s[None, :] ** 2 + n * alphas[:, None])
        d[:, ~keep] = 0.0
        d[~np.isfinite(d)] = 0.0
        return (d * uty[None, :]) @ Vt
    problem.ensure_gram()
    e, V = linalg.eigh(problem.G, check_finite=False)
    e = np.clip(e, 0.0, None)
    keep = e > e.max() * e.size * np.finfo(float).eps
    vtq = V.T @ problem.q
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 1.0 / (e[None, :] + n * alphas[:, None])
    d[:, ~keep] = 0.0
    d[~np.isfinite(d)] = 0.0
    return (d * vtq[None, :]) @ V.T


def ridge_path(X, y=None, alphas=None, *, fit_intercept: bool = True) -> PathResult:
    """Ridge solutions over a grid of alphas from one SVD (or one eigendecomposition of the Gram).

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    alphas : array_like of shape (n_alphas,)
        Non-negative weights, package convention.
    fit_intercept : bool, default=True

    Returns
    -------
    PathResult
        The path type of :func:`lasso_path` and :func:`enet_path`: ``coefs`` of shape
        (n_alphas, p) in the order of ``alphas``, ``intercepts``, and ``residuals`` (relative
        residual of the normal equations) as the certificate; ``gaps`` are NaN (no iterations).
    """
    if alphas is None:
        raise ValueError("alphas is required: a 1-D array of non-negative penalty weights")
    grid = check_vector(alphas, "alphas")
    if np.any(grid < 0):
        raise ValueError("alphas must be non-negative")
    problem = make_problem(X, y, fit_intercept)
    coefs = _svd_path(problem, grid)
    residuals = np.array([_normal_residual(problem, c, a) for c, a in zip(coefs, grid)])
    k = grid.size
    return PathResult(
        alphas=grid.copy(),
        coefs=coefs,
        intercepts=np.array([problem.intercept(c) for c in coefs]),
        gaps=np.full(k, np.nan),
        n_iters=np.zeros(k, dtype=np.int64),
        # the closed form is exact up to rounding: the normal equations hold to ~1e-10 relative or better
        converged=residuals <= 1e-8,
        l1_ratio=0.0,
        method="svd" if problem.X is not None else "eigh",
        residuals=residuals,
    )
