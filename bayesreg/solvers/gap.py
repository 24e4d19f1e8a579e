"""The duality gap, computed in one place for every solver (ours and the peers').

scikit-learn's definition (``sklearn/linear_model/_cd_fast.pyx``), divided by n so that it is
on the package's ``1/(2n)`` scale: a solution is accurate to relative tolerance ``tol`` when
``gap <= tol * ||y_c||^2 / n``. Benchmarks measure every library's output with this function
rather than each library's own report.
"""

from __future__ import annotations

from .._validation import check_vector
from ..penalties import Penalty
from . import _kernels
from ._problem import make_problem

__all__ = ["duality_gap", "relative_gap"]


def duality_gap(X, y=None, coef=None, penalty: Penalty | None = None, *, fit_intercept=True) -> float:
    """Duality gap of ``coef`` for ``1/(2n)||y - b0 - X coef||^2 + penalty(coef)``.

    The intercept is profiled out (X and y centred), as every solver here does.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    coef : array_like of shape (p,)
    penalty : Penalty
    fit_intercept : bool, default=True

    Returns
    -------
    float
        The gap, non-negative up to rounding, zero exactly at the optimum.
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    problem = make_problem(X, y, fit_intercept)
    w = check_vector(coef, "coef", n=problem.p, n_name="the number of features")
    n = problem.n
    l1, l2 = n * penalty.alpha_l1, n * penalty.alpha_l2
    if problem.X is not None:
        R = problem.y - problem.X @ w
        return float(_kernels.gap_naive(problem.X, problem.y, R, w, l1, l2)) / n
    Gw = problem.G @ w
    return float(_kernels.gap_gram(problem.G, problem.q, problem.yy, w, Gw, l1, l2)) / n


def relative_gap(X, y=None, coef=None, penalty: Penalty | None = None, *, fit_intercept=True) -> float:
    """:func:`duality_gap` divided by ``||y_c||^2 / n``: the quantity compared with ``tol``."""
    problem = make_problem(X, y, fit_intercept)
    gap = duality_gap(X, y, coef, penalty, fit_intercept=fit_intercept)
    scale = problem.y_norm2() / problem.n
    return gap / scale if scale > 0 else gap
