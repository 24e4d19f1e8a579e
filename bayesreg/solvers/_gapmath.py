"""The duality-gap formula, in plain Python: the one home of the certificate's maths.

The numba kernels compile :func:`gap_from_parts` itself (``_kernels._gap_from_parts``), and the
NumPy route and :func:`bayesreg.solvers.duality_gap` call it directly with parts formed by NumPy,
so every route stops on the same formula. Sum scale: ``l1 = n alpha_l1``, ``l2 = n alpha_l2``.
"""

from __future__ import annotations

import numpy as np


def gap_from_parts(xtr_minus_l2w_absmax, xtr_minus_l2w_norm2, r_norm2, r_dot_y, w_l1, w_norm2, l1, l2):
    """Duality gap (sum scale) from the scalar parts of a point ``w``.

    ``xtr_minus_l2w`` is ``X^T r - l2 w`` (``r = y - X w``). For a pure ridge penalty the exact
    gap ``||X^T r - l2 w||^2 / (2 l2)`` (dual point ``r``); otherwise scikit-learn's elastic-net
    gap, the Lasso dual of the augmented design ``[X; sqrt(l2) I]`` with the residual rescaled
    into the dual feasible set.
    """
    if l1 == 0.0 and l2 > 0.0:
        # Pure ridge: sklearn's formula is no bound here. With the dual point theta = R,
        # P(w) - D(R) = ||X^T R - l2 w||^2 / (2 l2) exactly (R = y - X w).
        return 0.5 * xtr_minus_l2w_norm2 / l2
    if l1 > 0.0 and xtr_minus_l2w_absmax > l1:
        const = l1 / xtr_minus_l2w_absmax
        gap = 0.5 * (r_norm2 + r_norm2 * const * const)
    else:
        const = 1.0
        gap = r_norm2
    gap += l1 * w_l1 - const * r_dot_y + 0.5 * l2 * (1.0 + const * const) * w_norm2
    return gap


def gap_gram(q, yy, w, Gw, l1, l2):
    """Duality gap (sum scale) from ``q = X^T y``, ``yy = y^T y`` and ``Gw = X^T X w``, in NumPy."""
    v = np.abs(q - Gw - l2 * w)
    w_q = float(w @ q)
    r_norm2 = max(yy - 2.0 * w_q + float(w @ Gw), 0.0)
    return gap_from_parts(
        float(v.max()) if v.size else 0.0, float(v @ v), r_norm2, yy - w_q, float(np.abs(w).sum()), float(w @ w), l1, l2
    )


def gap_arrays(X, y, R, w, l1, l2):
    """Duality gap (sum scale) from the data and the residual ``R = y - X w``, in NumPy."""
    v = np.abs(X.T @ R - l2 * w)
    return gap_from_parts(
        float(v.max()) if v.size else 0.0, float(v @ v), float(R @ R), float(R @ y), float(np.abs(w).sum()),
        float(w @ w), l1, l2,
    )  # fmt: skip
