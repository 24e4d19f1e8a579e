"""Turn validated input into the centred problem the kernels solve.

Centring X and y is what an unpenalised intercept (a flat prior on it) amounts to: the
intercept is recovered afterwards as ``y_mean - x_mean @ coef``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..suffstats import SufficientStats, check_stats_or_arrays

# below this many entries of X, the Gram form is built by a plain centred copy
_SMALL = 200_000


@dataclass
class Problem:
    """A centred least-squares problem, as arrays or as its Gram form."""

    n: int
    p: int
    x_mean: np.ndarray
    y_mean: float
    X: np.ndarray | None = None  # centred, Fortran-ordered copy
    X_raw: np.ndarray | None = None  # the validated input, neither copied nor centred (covariance form)
    fit_intercept: bool = True
    y: np.ndarray | None = None  # centred copy
    G: np.ndarray | None = None  # X^T X
    q: np.ndarray | None = None  # X^T y
    yy: float | None = None  # y^T y
    _xty: np.ndarray | None = None
    _col_sq: np.ndarray | None = None
    _ls: dict | None = None  # l2 -> _gapmath.LeastSquaresDual (the certificate's eigendecomposition)

    def col_sq(self) -> np.ndarray:
        """Squared norms of the centred columns (cached)."""
        if self._col_sq is None:
            self._col_sq = np.diag(self.G).copy() if self.G is not None else np.einsum("ij,ij->j", self.X, self.X)
        return self._col_sq

    def xty(self) -> np.ndarray:
        """``X^T y`` of the centred problem (cached)."""
        if self._xty is None:
            self._xty = self.q if self.q is not None else self.X.T @ self.y
        return self._xty

    def intercept(self, coef: np.ndarray) -> float:
        """Intercept for these coefficients (0 when the problem was not centred)."""
        return float(self.y_mean - self.x_mean @ coef)

    def ensure_gram(self) -> Problem:
        """Fill in the Gram form from the arrays (once)."""
        if self.G is None and self.X_raw is not None:
            # the raw X: the Gram route of build_problem (yc is centred already, so centring it
            # again changes nothing)
            gram = build_problem((None, self.X_raw, self.y), self.fit_intercept, "gram")
            self.G, self.q, self.yy = gram.G, gram.q, gram.yy
        elif self.G is None:
            self.G = np.ascontiguousarray(self.X.T @ self.X)
            self.q = self.X.T @ self.y
            self.yy = float(self.y @ self.y)
        return self

    def least_squares_dual(self, l2: float):
        """The :class:`._gapmath.LeastSquaresDual` of this Gram form and ``l2`` (decomposed once, lazily)."""
        from ._gapmath import LeastSquaresDual

        if self._ls is None:
            self._ls = {}
        if l2 not in self._ls:
            self._ls = {l2: LeastSquaresDual(self.G, l2)}  # (one l2 kept: a path moves on)
        return self._ls[l2]

    def y_norm2(self) -> float:
        """``||y||^2`` of the centred target."""
        return float(self.y @ self.y) if self.y is not None else float(self.yy)


def make_problem(X, y, fit_intercept: bool, form="arrays") -> Problem:
    """Validate and centre ``(X, y)``, or unpack a SufficientStats (Gram form only).

    ``form`` is ``"arrays"`` (a centred Fortran-ordered copy of X), ``"gram"`` (only the Gram
    form, built in one cache-blocked pass without copying X), ``"covariance"`` (X as given, with
    its means, centred column norms and ``X_c^T y_c`` from one pass: the working-set route of
    :mod:`.covariance` when n >> p), or a callable ``(n, p) -> form`` deciding once the shape is
    known.
    """
    return build_problem(check_stats_or_arrays(X, y, fit_intercept=fit_intercept), fit_intercept, form)


def build_problem(checked, fit_intercept: bool, form="arrays") -> Problem:
    """:func:`make_problem` from the output of ``check_stats_or_arrays`` (validated once)."""
    stats, Xa, ya = checked
    if stats is not None:
        return problem_from_stats(stats, fit_intercept)
    n, p = Xa.shape
    if callable(form):
        form = form(n, p)
    if form == "covariance":
        problem = _covariance_form(Xa, ya, fit_intercept)
        if problem is not None:
            return problem
        # columns far from zero: a route that centres exactly (the Gram only where it is small)
        form = "gram" if n >= p else "arrays"
    if form == "gram":
        if not fit_intercept:
            # nothing to centre: one BLAS product (NumPy runs X^T X as a syrk), no copy of X
            return Problem(n=n, p=p, x_mean=np.zeros(p), y_mean=0.0, G=np.ascontiguousarray(Xa.T @ Xa),
                           q=Xa.T @ ya, yy=float(ya @ ya))  # fmt: skip
        if n * p > _SMALL:
            # one cache-blocked pass over X, no copy of it (SufficientStats' kernel)
            return problem_from_stats(SufficientStats._from_valid_arrays(Xa, ya), fit_intercept)
        # small data: a centred copy is cheap, and this route has less Python overhead
        x_mean = Xa.mean(axis=0)
        y_mean = float(ya.mean())
        Xc = Xa - x_mean
        yc = ya - y_mean
        return Problem(
            n=n, p=p, x_mean=x_mean, y_mean=y_mean, G=np.ascontiguousarray(Xc.T @ Xc), q=Xc.T @ yc, yy=float(yc @ yc)
        )
    Xc = np.empty((n, p), order="F")
    if fit_intercept:
        x_mean = Xa.mean(axis=0)
        y_mean = float(ya.mean())
        np.subtract(Xa, x_mean, out=Xc)  # centre and change layout in one pass
        yc = ya - y_mean
    else:
        x_mean = np.zeros(p)
        y_mean = 0.0
        Xc[:] = Xa
        yc = ya.copy()
    return Problem(n=n, p=p, x_mean=x_mean, y_mean=y_mean, X=Xc, y=yc)


def _covariance_form(Xa: np.ndarray, ya: np.ndarray, fit_intercept: bool) -> Problem | None:
    """The covariance form (one pass over X, no copy), or None when a column mean is too far out."""
    from . import _kernels  # (numba: only large problems come this way)
    from .covariance import MAX_CANCEL

    n, p = Xa.shape
    if fit_intercept:
        x_mean, y_mean, col_sq, xty, yy, cancel = _kernels.moments(Xa, ya)
        if cancel > MAX_CANCEL:
            return None
        yc = ya - y_mean
    else:
        x_mean, y_mean = np.zeros(p), 0.0
        col_sq = np.einsum("ij,ij->j", Xa, Xa)
        xty = Xa.T @ ya
        yc = ya.copy()
        yy = float(yc @ yc)
    return Problem(
        n=n, p=p, x_mean=x_mean, y_mean=float(y_mean), X_raw=Xa, fit_intercept=fit_intercept,
        y=yc, q=xty, yy=float(yy), _col_sq=col_sq,
    )  # fmt: skip


def problem_from_stats(stats: SufficientStats, fit_intercept: bool) -> Problem:
    """The Gram form of a SufficientStats (centred with an intercept, raw without)."""
    G, q, yy = stats.gram(fit_intercept)
    p = stats.n_features
    return Problem(
        n=stats.n,
        p=p,
        x_mean=np.array(stats.x_mean) if fit_intercept else np.zeros(p),
        y_mean=stats.y_mean if fit_intercept else 0.0,
        G=np.ascontiguousarray(G),
        q=np.array(q),
        yy=float(yy),
    )
