"""Immutable results of the solvers, and the bases every certified result shares.

:class:`Result` freezes a result's arrays and writes its repr; :class:`CertifiedResult` is one
certified point solution (``coef``, ``intercept``, ``gap``, ``converged``, ``n_iter``:
:class:`SolverResult`, :class:`bayesreg.solvers.glm.GLMResult`, :class:`bayesreg.inference.MAPResult`),
:class:`CertifiedPath` a path of them (``coefs``, ``intercepts``, ``gaps``, ``n_iters``,
``converged``: :class:`PathResult`, :class:`bayesreg.solvers.glm.GLMPathResult`). The bases are not
dataclasses: each result keeps its own fields in its own order (positional construction,
``dataclasses.fields`` and pickles unchanged); what they share is behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..penalties import Penalty

__all__ = ["Result", "CertifiedResult", "CertifiedPath", "SolverResult", "PathResult", "RidgeResult"]


def _fmt_coef(coef: np.ndarray, k: int = 6) -> str:
    head = ", ".join(f"{c:.4g}" for c in coef[:k])
    return f"[{head}{', ...' if coef.size > k else ''}]"


class Result:
    """Base of every solver and MAP result: immutable arrays and a one-line repr.

    A subclass is a ``@dataclass(frozen=True, eq=False, repr=False)`` naming its array fields in
    ``_arrays`` (frozen after construction; ``None`` entries skipped) and its repr's items in
    :meth:`_repr_items`.
    """

    _arrays: ClassVar[tuple[str, ...]] = ("coef",)

    def __post_init__(self):
        for name in self._arrays:
            a = getattr(self, name)
            if a is not None:
                a.setflags(write=False)

    def _repr_items(self) -> list[str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_items())})"


class CertifiedResult(Result):
    """One certified point solution: the fields every solver and MAP result has.

    Attributes
    ----------
    coef : ndarray of shape (p,)
        Coefficients (exact zeros where an L1 penalty sets them).
    intercept : float
        Unpenalised (or flat/normal-prior) intercept, 0.0 without one.
    gap : float
        Duality gap reached (each subclass states its scale).
    converged : bool
        Whether the gap certifies the tolerance asked for.
    n_iter : int
        Iterations of the solver (each subclass states which).
    """

    coef: np.ndarray
    intercept: float
    gap: float
    converged: bool
    n_iter: int

    @property
    def support(self) -> np.ndarray:
        """Indices of the non-zero coefficients."""
        return np.flatnonzero(self.coef)

    def _items(self, *names: str) -> list[str]:
        """The repr items of the shared fields, in the order named."""
        fmt = {
            "coef": lambda: f"coef={_fmt_coef(self.coef)}",
            "intercept": lambda: f"intercept={self.intercept:.6g}",
            "nonzero": lambda: f"nonzero={self.support.size}/{self.coef.size}",
            "gap": lambda: f"gap={self.gap:.3g}",
            "n_iter": lambda: f"n_iter={self.n_iter}",
            "converged": lambda: f"converged={self.converged}",
        }
        return [fmt[name]() for name in names]


class CertifiedPath(Result):
    """A path of certified solutions over a decreasing penalty grid: one row per grid value.

    Attributes
    ----------
    coefs : ndarray of shape (k, p)
    intercepts, gaps : ndarray of shape (k,)
    n_iters : ndarray of int, shape (k,)
    converged : ndarray of bool, shape (k,)
    """

    coefs: np.ndarray
    intercepts: np.ndarray
    gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray

    def __len__(self) -> int:
        return self.coefs.shape[0]

    def _grid_items(self, size: str, name: str, grid: np.ndarray) -> list[str]:
        """``size=k, name=[first .. last]``: the grid's repr items."""
        return [f"{size}={grid.size}", f"{name}=[{grid[0]:.4g} .. {grid[-1]:.4g}]"]

    def _nonzero_item(self) -> str:
        nnz = np.count_nonzero(self.coefs, axis=1)
        return f"nonzero=[{nnz[0]} .. {nnz[-1]}]"

    def _converged_item(self) -> str:
        return f"all_converged={bool(self.converged.all())}"


@dataclass(frozen=True, eq=False, repr=False)
class SolverResult(CertifiedResult):
    """Solution of a penalised least-squares problem.

    Attributes
    ----------
    coef : ndarray of shape (p,)
        Coefficients.
    intercept : float
        Unpenalised intercept (0.0 when ``fit_intercept=False``).
    gap : float
        Duality gap reached, in the package convention (divided by n): scikit-learn's gap, or
        where that does not certify the tolerance the smaller gap at the dual point anchored at
        the least-squares residual (``solvers._gapmath.anchored_gap``); never below the rounding
        floor of its own computation, so never negative.
    n_iter : int
        Number of coordinate-descent sweeps.
    converged : bool
        ``gap <= max(target, rounding_bound)``: the tolerance asked for is met, or the gap is at
        the level rounding allows to certify on this data (then no sweep could lower it; see
        :attr:`status`).
    penalty : Penalty
        The penalty solved for.
    tol : float
        Relative tolerance asked for.
    target : float
        ``tol * ||y_c||^2 / n``, the gap asked for (package scale; NaN when not recorded).
    rounding_bound : float
        The smallest gap float64 can certify at the solution on the Gram form
        (:func:`bayesreg.solvers._gapmath.rounding_bound`: the rounding floor plus what the
        rounding of ``X^T r`` costs the dual point, about ``4 eps (|X^T y| + |X^T X| |w|)_max
        ||w||_1``), package scale; 0 when not computed (the gap met ``target``, or no Gram form).
    """

    coef: np.ndarray
    intercept: float
    gap: float
    n_iter: int
    converged: bool
    penalty: Penalty
    tol: float
    target: float = float("nan")
    rounding_bound: float = 0.0

    @property
    def status(self) -> str:
        """``"converged"``, ``"rounding level"`` or ``"not converged"``.

        ``"rounding level"``: the target is below what rounding can certify on this data and
        the gap is at that level (``target < gap <= rounding_bound``).
        """
        if not self.converged:
            return "not converged"
        return "rounding level" if self.gap > self.target else "converged"

    def _repr_items(self) -> list[str]:
        items = [f"penalty={self.penalty}", *self._items("coef", "intercept", "nonzero", "gap", "n_iter", "converged")]
        return items + (["gap at rounding level"] if self.status == "rounding level" else [])


@dataclass(frozen=True, eq=False, repr=False)
class PathResult(CertifiedPath):
    """A regularisation path: the one result type of every path (lasso, elastic net, ridge).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Penalty weights (package convention): decreasing for the coordinate-descent paths
        (warm-started from the largest alpha down, as scikit-learn's ``lasso_path``); in the
        given order for the closed-form ridge path.
    coefs : ndarray of shape (n_alphas, p)
        One row of coefficients per alpha (note: scikit-learn's ``lasso_path`` returns the
        transpose).
    intercepts : ndarray of shape (n_alphas,)
    gaps : ndarray of shape (n_alphas,)
        Duality gaps of the coordinate-descent solutions; NaN for the closed-form ridge path,
        whose certificate is ``residuals``.
    n_iters : ndarray of shape (n_alphas,)
        Coordinate-descent sweeps (0 for the closed form).
    converged : ndarray of bool, shape (n_alphas,)
    l1_ratio : float
        0 for ridge, 1 for the lasso.
    method : str
        ``"coordinate descent"``, or the factorisation of the ridge path (``"svd"``, ``"eigh"``).
    residuals : ndarray of shape (n_alphas,) or None
        Ridge: relative residual of the normal equations per alpha.
    rounding_bounds : ndarray of shape (n_alphas,) or None
        Coordinate descent: per alpha, the gap rounding lets the Gram form certify
        (:attr:`SolverResult.rounding_bound`); ``converged`` is ``gaps <= max(tol ||y_c||^2 / n,
        rounding_bounds)``.
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray
    l1_ratio: float
    method: str = "coordinate descent"
    residuals: np.ndarray | None = None
    rounding_bounds: np.ndarray | None = None

    _arrays = ("alphas", "coefs", "intercepts", "gaps", "n_iters", "converged", "residuals", "rounding_bounds")

    # the names the ridge path had before it shared this type (RidgeResult's), kept as aliases
    @property
    def coef(self) -> np.ndarray:
        """Alias of :attr:`coefs`."""
        return self.coefs

    @property
    def intercept(self) -> np.ndarray:
        """Alias of :attr:`intercepts`."""
        return self.intercepts

    @property
    def alpha(self) -> np.ndarray:
        """Alias of :attr:`alphas`."""
        return self.alphas

    @property
    def residual(self) -> np.ndarray | None:
        """Alias of :attr:`residuals`."""
        return self.residuals

    def _repr_items(self) -> list[str]:
        return [*self._grid_items("n_alphas", "alpha", self.alphas), self._nonzero_item(),
                f"l1_ratio={self.l1_ratio}", self._converged_item()]  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class RidgeResult(Result):
    """Closed-form ridge solution.

    Attributes
    ----------
    coef : ndarray of shape (p,) or (n_alphas, p)
        Coefficients (one row per alpha for a grid).
    intercept : float or ndarray of shape (n_alphas,)
    alpha : float or ndarray
        Penalty weight(s), package convention ``alpha/2 ||beta||^2`` with ``1/(2n)`` data fit
        (scikit-learn's ``Ridge`` alpha is ``n`` times this).
    method : str
        ``"cholesky"``, ``"dual"``, ``"svd"`` or ``"eigh"``.
    residual : float or ndarray
        Relative residual of the normal equations ``||(X^T X + n alpha I) b - X^T y|| / ||X^T y||``.
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    alpha: float | np.ndarray
    method: str
    residual: float | np.ndarray

    def _repr_items(self) -> list[str]:
        if self.coef.ndim == 1:
            return [f"alpha={self.alpha:.4g}", f"method={self.method!r}", f"coef={_fmt_coef(self.coef)}",
                    f"intercept={self.intercept:.6g}", f"residual={self.residual:.2g}"]  # fmt: skip
        return [f"n_alphas={self.coef.shape[0]}", f"method={self.method!r}"]
