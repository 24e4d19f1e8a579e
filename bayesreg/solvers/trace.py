r"""Every iterate of plain cyclic coordinate descent, for pictures and teaching.

The solvers of :mod:`bayesreg.solvers.coordinate_descent` return only the answer (certified by
the duality gap, after working sets, screening and extrapolation). This module runs the
textbook algorithm on the same objective and the same centred problem,

.. math::

    \min_\beta\ \frac{1}{2n}\lVert y - X\beta\rVert^2 + \mathrm{pen}(\beta),

and records the coefficients after every one-coordinate update. Each update is the exact
minimiser over :math:`\beta_j` with the others fixed, asked of the penalty's own proximal
operator: with :math:`z_j = x_j^T r_j / n` (:math:`r_j` the residual without coordinate
:math:`j`) and :math:`c_j = x_j^T x_j / n`,

.. math::

    \beta_j \leftarrow \operatorname{prox}_{\mathrm{pen}/c_j}(z_j / c_j),

which for the Lasso penalty ``L1(alpha)`` is :math:`S(z_j, \alpha) / c_j`. It is a reference
and a picture, not a solver: it has no stopping rule and loops in Python.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_bool, check_scalar, check_vector
from ..penalties import Penalty
from ._problem import make_problem

__all__ = ["coordinate_descent_trace"]


def coordinate_descent_trace(X, y, penalty: Penalty, *, coef_init=None, n_sweeps: int = 10,
                             fit_intercept: bool = True) -> np.ndarray:
    r"""Coefficients after every coordinate update of cyclic coordinate descent.

    Sweeps ``j = 0, 1, ..., p - 1`` ``n_sweeps`` times over
    ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)`` (the objective of :func:`solve`), each
    update replacing :math:`\beta_j` by its exact minimiser with the others fixed,
    ``penalty.prox(z_j / c_j, step=1 / c_j)`` with :math:`z_j = x_j^T r_j / n` and
    :math:`c_j = x_j^T x_j / n`. For ``L1(alpha)`` (the Lasso) that is the soft-thresholding
    step :math:`S(z_j, \alpha) / c_j`.

    Parameters
    ----------
    X : array_like of shape (n, p)
        Design matrix (the data arrays; a SufficientStats is not accepted).
    y : array_like of shape (n,)
        Target.
    penalty : L1, L2 or ElasticNet
        The penalty; ``L1(alpha)`` for the Lasso.
    coef_init : array_like of shape (p,), optional
        Starting point (default zeros): the first row of the trace.
    n_sweeps : int, default=10
        Number of sweeps over the coordinates.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept, i.e. centre X and y (as :func:`solve` does). The trace
        holds the coefficients only; the intercept of a row ``b`` is ``mean(y) - mean(X) @ b``.

    Returns
    -------
    ndarray of shape (1 + n_sweeps * p, p)
        Row 0 is the start; row ``k >= 1`` is the point after the ``k``-th update, which
        changed coordinate ``(k - 1) % p`` only.
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    n_sweeps = check_scalar(n_sweeps, "n_sweeps", lower=1, integer=True)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    problem = make_problem(X, y, fit_intercept, "arrays")
    if problem.X is None:
        raise TypeError("coordinate_descent_trace needs the data arrays X and y; got a SufficientStats")
    Xc, yc, n, p = problem.X, problem.y, problem.n, problem.p
    b = np.zeros(p) if coef_init is None else np.array(check_vector(coef_init, "coef_init"), dtype=np.float64)
    if b.shape != (p,):
        raise ValueError(f"coef_init has {b.size} entries but X has {p} columns; lengths must match")
    col2 = (Xc**2).sum(axis=0) / n
    trace = np.empty((1 + n_sweeps * p, p))
    trace[0] = b
    k = 1
    for _ in range(n_sweeps):
        for j in range(p):
            if col2[j] > 0.0:
                r_j = yc - Xc @ b + Xc[:, j] * b[j]  # the residual without coordinate j
                z = Xc[:, j] @ r_j / n
                b[j] = float(penalty.prox(z / col2[j], step=1.0 / col2[j]))
            else:  # a zero column: only the penalty depends on beta_j, and it is smallest at 0
                b[j] = 0.0
            trace[k] = b
            k += 1
    return trace
