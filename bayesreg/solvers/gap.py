"""The duality gap, computed in one place for every solver (ours and the peers').

scikit-learn's definition (``sklearn/linear_model/_cd_fast.pyx``), divided by n so that it is
on the package's ``1/(2n)`` scale: a solution is accurate to relative tolerance ``tol`` when
``gap <= tol * ||y_c||^2 / n``. Benchmarks measure every library's output with this function
rather than each library's own report. For a pure ridge penalty (no L1 part) scikit-learn's
formula is not a bound, and the exact ridge gap ``||X^T r - n alpha w||^2 / (2 n^2 alpha)`` is
used instead.

The solvers' own certificate (:func:`._gapmath.certified_gap`) may report less than this: where
scikit-learn's gap does not meet the tolerance, they also try the dual point anchored at the
least-squares residual, which certifies penalties below the rounding of ``X^T r`` (and least
squares), and they never report a gap below its rounding floor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import check_matrix
from ..penalties import Penalty
from ._gapmath import gap_arrays, gap_gram
from ._problem import Problem, make_problem

__all__ = ["duality_gap", "relative_gap"]


def _check_penalties(penalty, k: int | None) -> list[Penalty]:
    if isinstance(penalty, Penalty):
        return [penalty] * (k or 1)
    if k is not None and isinstance(penalty, Sequence) and all(isinstance(p, Penalty) for p in penalty):
        if len(penalty) != k:
            raise ValueError(f"penalty has {len(penalty)} entries but coef has {k} rows; lengths must match")
        return list(penalty)
    raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")


def _gaps(problem: Problem, W: np.ndarray, penalties: list[Penalty]) -> np.ndarray:
    n = problem.n
    out = np.empty(W.shape[0])
    if problem.X is not None:
        for i, (w, pen) in enumerate(zip(W, penalties)):
            R = problem.y - problem.X @ w
            out[i] = gap_arrays(problem.X, problem.y, R, w, n * pen.alpha_l1, n * pen.alpha_l2)
    else:
        for i, (w, pen) in enumerate(zip(W, penalties)):
            Gw = problem.G @ w
            out[i] = gap_gram(problem.q, problem.yy, w, Gw, n * pen.alpha_l1, n * pen.alpha_l2)
    return out / n


def _prepare(X, y, coef, penalty, fit_intercept):
    problem = make_problem(X, y, fit_intercept)
    W = check_matrix(np.atleast_2d(coef) if np.ndim(coef) == 1 else coef, "coef")
    if W.shape[1] != problem.p:
        raise ValueError(f"coef has {W.shape[1]} entries but the number of features is {problem.p}; lengths must match")
    penalties = _check_penalties(penalty, W.shape[0] if np.ndim(coef) == 2 else None)
    return problem, np.ascontiguousarray(W), penalties


def duality_gap(X, y=None, coef=None, penalty: Penalty | None = None, *, fit_intercept=True):
    """Duality gap of ``coef`` for ``1/(2n)||y - b0 - X coef||^2 + penalty(coef)``.

    The intercept is profiled out (X and y centred), as every solver here does.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    coef : array_like of shape (p,) or (k, p)
        Coefficients, or one row per point of a path.
    penalty : Penalty, or a sequence of k penalties for a 2-D ``coef``
    fit_intercept : bool, default=True

    Returns
    -------
    float or ndarray of shape (k,)
        The gap, non-negative up to rounding, zero exactly at the optimum.
    """
    if not isinstance(penalty, Penalty | Sequence):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    problem, W, penalties = _prepare(X, y, coef, penalty, fit_intercept)
    gaps = _gaps(problem, W, penalties)
    return float(gaps[0]) if np.ndim(coef) == 1 else gaps


def relative_gap(X, y=None, coef=None, penalty: Penalty | None = None, *, fit_intercept=True):
    """:func:`duality_gap` divided by ``||y_c||^2 / n``: the quantity compared with ``tol``.

    Parameters and returns as in :func:`duality_gap`.
    """
    if not isinstance(penalty, Penalty | Sequence):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    problem, W, penalties = _prepare(X, y, coef, penalty, fit_intercept)
    gaps = _gaps(problem, W, penalties)
    scale = problem.y_norm2() / problem.n
    rel = gaps / scale if scale > 0 else gaps
    return float(rel[0]) if np.ndim(coef) == 1 else rel
