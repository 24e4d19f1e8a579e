r"""The closed-form Lasso for an orthogonal design.

When the centred columns are orthogonal (:math:`X_c^T X_c = \mathrm{diag}(d)`) the Lasso
objective separates by coordinate, and each coordinate is solved by soft-thresholding the
least-squares estimate:

.. math::

    \hat\beta_j = \frac{S(x_j^T y / n,\ \alpha)}{d_j / n}.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_nonnegative, check_scalar
from ..penalties import L1, soft_threshold
from ._problem import make_problem
from .results import SolverResult

__all__ = ["orthogonal_lasso"]


def orthogonal_lasso(
    X, y=None, alpha: float = 1.0, *, fit_intercept: bool = True, rtol: float = 1e-8
) -> SolverResult:
    """Exact Lasso solution for a design with orthogonal (centred) columns.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    alpha : float, default=1.0
        L1 weight, scikit-learn ``Lasso`` convention.
    fit_intercept : bool, default=True
    rtol : float, default=1e-8
        Largest off-diagonal of the normalised Gram matrix accepted as orthogonal.

    Returns
    -------
    SolverResult
        With ``gap=0`` and ``n_iter=0``: the solution is exact.

    Raises
    ------
    ValueError
        If the columns are not orthogonal.
    """
    alpha = check_nonnegative(alpha, "alpha")
    rtol = check_scalar(rtol, "rtol", lower=0.0)
    problem = make_problem(X, y, fit_intercept).ensure_gram()
    G, n = problem.G, problem.n
    d = np.diag(G).copy()
    scale = np.sqrt(np.outer(d, d))
    off = np.abs(G - np.diag(d))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, off / scale, 0.0)
    if rel.max() > rtol:
        raise ValueError(
            f"X does not have orthogonal columns (largest normalised off-diagonal of X^T X is "
            f"{rel.max():.3g} > rtol = {rtol:g}); use bayesreg.solvers.lasso instead"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        coef = np.where(d > 0, soft_threshold(problem.q / n, alpha) / (d / n), 0.0)
    return SolverResult(
        coef=coef,
        intercept=problem.intercept(coef),
        gap=0.0,
        n_iter=0,
        converged=True,
        penalty=L1(alpha),
        tol=0.0,
    )
