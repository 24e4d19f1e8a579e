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

**Which form is stable** (the one rule, shared with :mod:`bayesreg.conjugate`). A Cholesky factor
of the regularised Gram ``X_c^T X_c + s I`` (or of ``X_c X_c^T + s I``) is used when it keeps at
least 8 of the 16 digits (:func:`stable_cholesky`: its condition estimate is below 1e8);
otherwise the singular-value form (:func:`spectrum`: the SVD of the centred X when the rows are
at hand, which never squares the condition number, or the eigendecomposition of the Gram from
sufficient statistics). The normal matrix is hopeless when ``p > n`` and ``s`` is tiny (its
``p - n + 1`` zero eigenvalues are computed at the rounding level of ``X_c^T X_c``, far above
``s``), while the singular-value form gives every quantity in closed form, for any ``s >= 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .._validation import check_choice, check_nonnegative, check_vector
from ..suffstats import check_stats_or_arrays
from ._problem import Problem, build_problem, make_problem
from .results import PathResult, RidgeResult

__all__ = ["ridge", "ridge_path", "Spectrum", "spectrum", "stable_cholesky"]

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


def stable_cholesky(A: np.ndarray, shift: float = 0.0) -> np.ndarray | None:
    """Lower Cholesky factor of ``A + shift I`` when that form keeps 8 digits, else ``None``.

    ``None`` (use :func:`spectrum` instead) when ``A + shift I`` is not numerically positive
    definite or its condition estimate exceeds 1e8. The estimate: ``L_ii^2 / M_ii`` is the
    fraction of column ``i`` of ``M = A + shift I`` not explained by the earlier ones; its inverse
    bounds the condition number of the diagonally scaled ``M`` from below (scaling-invariant, so
    badly scaled but well-posed columns keep the fast form). ``A`` is not modified.
    """
    M = np.array(A, dtype=np.float64)
    M[np.diag_indices_from(M)] += shift
    try:
        L = linalg.cholesky(M, lower=True, check_finite=False)
    except linalg.LinAlgError:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.diag(L) ** 2 / np.diag(M)
    if not frac.min() > 1.0 / _COND_LIMIT:  # NaN (a zero column without shift) fails too
        return None
    return L


def _cholesky_solve(A: np.ndarray, b: np.ndarray, what: str, *, check_cond: bool = False) -> np.ndarray:
    """Solve ``A x = b`` (A symmetric positive definite) with one step of iterative refinement."""
    if check_cond:
        c = stable_cholesky(A)
        if c is None:
            raise _Singular
    else:
        try:
            c = linalg.cholesky(A, lower=True, check_finite=False)
        except linalg.LinAlgError as exc:
            raise ValueError(
                f"the {what} matrix is singular (not positive definite): use alpha > 0, "
                "or method='svd' for the minimum-norm solution"
            ) from exc
    x = linalg.cho_solve((c, True), b, check_finite=False)
    # one step of iterative refinement: the residual of A x = b in working precision, solved again
    r = b - A @ x
    x += linalg.cho_solve((c, True), r, check_finite=False)
    return x


@dataclass(frozen=True, eq=False)
class Spectrum:
    r"""The centred design in its singular basis: :math:`X_c = U\,\mathrm{diag}(\sqrt{e})\,V^T`.

    Only the ``k`` directions with a singular value above the rounding level are kept (the others
    are exact zeros of a rank-deficient design, e.g. ``p >= n``).

    Attributes
    ----------
    e : ndarray of shape (k,)
        Positive eigenvalues of ``X_c^T X_c`` (squared singular values), ascending.
    V : ndarray of shape (p, k)
        Their orthonormal eigenvectors.
    c : ndarray of shape (k,)
        ``U^T y_c``: the coordinates of ``y_c`` along the left singular vectors.
    rest : float
        ``||y_c||^2 - ||c||^2 >= 0``, the part of ``y_c`` outside the column space: computed
        from the rows as ``||y_c - U c||^2`` (no cancellation), and exactly 0 when the column
        space fills the ``n_eff`` dimensions the data have.
    source : {"svd", "eigh"}
        The SVD of the centred rows, or the eigendecomposition of the Gram (statistics only).
    """

    e: np.ndarray
    V: np.ndarray
    c: np.ndarray
    rest: float
    source: str

    @property
    def rank(self) -> int:
        """Number ``k`` of directions kept."""
        return int(self.e.size)

    def null_basis(self) -> np.ndarray:
        """An orthonormal basis (p, p - k) of the directions that the data do not see."""
        p, k = self.V.shape
        if k == p:
            return np.empty((p, 0))
        if k == 0:
            return np.eye(p)
        Q, _ = linalg.qr(self.V, mode="full", check_finite=False)
        return Q[:, k:]

    def ridge_coefs(self, shifts: np.ndarray) -> np.ndarray:
        """``(X_c^T X_c + s I)^+ X_c^T y_c = V diag(sqrt(e) / (e + s)) c`` for each shift ``s >= 0``, (m, p)."""
        shifts = np.asarray(shifts, dtype=np.float64)
        with np.errstate(over="ignore"):
            d = np.sqrt(self.e)[None, :] / (self.e[None, :] + shifts[:, None])
        return (d * self.c[None, :]) @ self.V.T


def spectrum(Xc=None, yc=None, *, G=None, q=None, yy=None, n_eff: int | None = None) -> Spectrum:
    """The singular basis of a centred design: from the rows ``(Xc, yc)`` when given, else from ``(G, q, yy)``.

    Parameters
    ----------
    Xc, yc : ndarray, optional
        Centred rows (not modified). Preferred: the SVD of ``Xc`` has errors at the rounding
        level of ``Xc`` (``eps * s_max``), while the eigenvalues of ``G = Xc^T Xc`` carry errors
        at the rounding level of ``G`` (``eps * s_max^2``), which squares the condition number.
    G, q, yy : ndarray, ndarray, float, optional
        ``Xc^T Xc``, ``Xc^T yc``, ``yc^T yc`` (sufficient statistics).
    n_eff : int, optional
        Dimension of the data space (``n - 1`` with an intercept): ``rest`` is 0 when ``k``
        reaches it.
    """
    if Xc is not None:
        n, p = Xc.shape
        rho2 = 0.0
        if n > p:
            # tall: Householder QR of [Xc | yc] = Q [[R, z], [0, rho]] (backward stable, about the cost of
            # forming the Gram), then the SVD of the p x p R; |rho| is the distance of yc from the
            # column space, computed without cancellation
            Raug = linalg.qr(np.column_stack([Xc, yc]), mode="r", check_finite=False)[0]
            A, b, rho2 = Raug[:p, :p], Raug[:p, p], float(Raug[p, p]) ** 2
        else:
            A, b = Xc, yc
        try:
            U, s, Vt = linalg.svd(A, full_matrices=False, check_finite=False)
        except linalg.LinAlgError:  # pragma: no cover - the divide-and-conquer driver rarely fails
            U, s, Vt = linalg.svd(A, full_matrices=False, check_finite=False, lapack_driver="gesvd")
        # singular values below the rounding level of X are zero (as in numpy's pinv/lstsq)
        keep = s > s[0] * max(n, p) * np.finfo(float).eps if s.size and s[0] > 0 else np.zeros(s.size, dtype=bool)
        keep = np.flatnonzero(keep)[::-1]  # ascending order of the eigenvalues
        Uk = U[:, keep]
        c = Uk.T @ b
        e, V = s[keep] ** 2, Vt[keep].T
        k = e.size
        rest = 0.0 if n_eff is not None and k >= n_eff else rho2 + float(np.sum((b - Uk @ c) ** 2))
        return Spectrum(e=e, V=np.ascontiguousarray(V), c=c, rest=rest, source="svd")
    e, V = linalg.eigh(G, check_finite=False)
    # eigenvalues at the rounding level of G (eps * e_max) are exact zeros of a rank-deficient Gram
    cut = max(float(e[-1]), 0.0) * e.size * np.finfo(np.float64).eps * 10.0 if e.size else 0.0
    pos = e > cut
    e, V = e[pos], V[:, pos]
    c = (V.T @ q) / np.sqrt(e)
    rest = 0.0 if n_eff is not None and e.size >= n_eff else max(float(yy) - float(c @ c), 0.0)
    return Spectrum(e=e, V=V, c=c, rest=rest, source="eigh")


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
    _check_shift(alpha, n)
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
        if problem.X is None:
            problem = build_problem(checked, fit_intercept, "arrays")
        method = "svd" if problem.X is not None else "eigh"
    if method in ("svd", "eigh"):
        coef = _svd_path(problem, np.array([alpha]))[0]
    return RidgeResult(
        coef=coef,
        intercept=problem.intercept(coef),
        alpha=alpha,
        method=method,
        residual=_normal_residual(problem, coef, alpha),
    )


def _check_shift(alpha, n: int) -> None:
    """``n * alpha`` is the shift added to the Gram matrix: it must be a finite float64."""
    if not np.isfinite(n * alpha):
        raise ValueError(
            f"alpha = {alpha!r} is too large for n = {n} rows: n * alpha (the shift of the normal equations) "
            f"overflows float64; alpha must be at most {np.finfo(np.float64).max / n:.3g} (the solution is 0 to "
            "every digit long before that)"
        )


def _svd_path(problem: Problem, alphas: np.ndarray) -> np.ndarray:
    # beta(alpha) = V diag(s / (s^2 + n alpha)) U^T y; s = 0 directions give 0 (minimum norm)
    if problem.X is not None:
        spec = spectrum(problem.X, problem.y)
    else:
        problem.ensure_gram()
        spec = spectrum(G=problem.G, q=problem.q, yy=problem.yy)
    return spec.ridge_coefs(problem.n * alphas)


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
    _check_shift(float(grid.max()), problem.n)
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
