r"""Sufficient statistics of the linear-Gaussian model.

For :math:`y = b_0 + X\beta + \varepsilon` with Gaussian noise, everything except predictions
and per-observation log-likelihoods depends on the data only through

- ``n``, the number of rows;
- ``x_mean`` and ``y_mean``, the column means;
- ``xtx`` = :math:`X_c^T X_c`, ``xty`` = :math:`X_c^T y_c`, ``yty`` = :math:`y_c^T y_c`, centred.

Centred statistics are stored (not raw sums) because they are what the solvers use, and
because merging centred pieces with the pairwise update of Chan, Golub and LeVeque is
numerically stable even when the columns have means of 1e8: the raw-sum formula would
cancel catastrophically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ._validation import check_matrix, check_Xy

__all__ = ["SufficientStats"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class SufficientStats:
    """Sufficient statistics ``(n, means, centred X^T X, X^T y, y^T y)`` of a linear model.

    Build with :meth:`from_arrays`, :meth:`from_chunks` or :meth:`merge`; every field is
    read-only. Gram-mode solvers, ridge and the samplers accept an instance in place of
    ``(X, y)``.

    Attributes
    ----------
    n : int
        Number of observations.
    x_mean : ndarray of shape (p,)
        Column means of X.
    y_mean : float
        Mean of y.
    xtx : ndarray of shape (p, p)
        Centred Gram matrix ``(X - x_mean)^T (X - x_mean)``.
    xty : ndarray of shape (p,)
        Centred cross-product ``(X - x_mean)^T (y - y_mean)``.
    yty : float
        Centred sum of squares ``||y - y_mean||^2``.
    """

    n: int
    x_mean: np.ndarray
    y_mean: float
    xtx: np.ndarray
    xty: np.ndarray
    yty: float

    def __post_init__(self):
        object.__setattr__(self, "x_mean", _readonly(self.x_mean))
        object.__setattr__(self, "xtx", _readonly(self.xtx))
        object.__setattr__(self, "xty", _readonly(self.xty))

    @property
    def n_features(self) -> int:
        """Number of columns ``p``."""
        return self.x_mean.shape[0]

    @classmethod
    def from_arrays(cls, X, y) -> SufficientStats:
        """Statistics of one in-memory data set.

        Parameters
        ----------
        X : array_like of shape (n, p)
            Design matrix.
        y : array_like of shape (n,)
            Target.
        """
        X, y = check_Xy(X, y)
        return cls._from_valid_arrays(X, y)

    @classmethod
    def _from_valid_arrays(cls, X: np.ndarray, y: np.ndarray) -> SufficientStats:
        x_mean = X.mean(axis=0)
        y_mean = float(y.mean())
        Xc = X - x_mean
        yc = y - y_mean
        return cls(
            n=int(X.shape[0]),
            x_mean=x_mean,
            y_mean=y_mean,
            xtx=Xc.T @ Xc,
            xty=Xc.T @ yc,
            yty=float(yc @ yc),
        )

    def merge(self, other: SufficientStats) -> SufficientStats:
        """Statistics of the union of two disjoint data sets (exact, associative, commutative).

        Uses the pairwise update: with ``d = mean_b - mean_a``,
        ``C = C_a + C_b + (n_a n_b / n) d d^T``.
        """
        if not isinstance(other, SufficientStats):
            raise TypeError(f"other must be a SufficientStats; got {type(other).__name__}")
        if other.n_features != self.n_features:
            raise ValueError(
                f"cannot merge statistics with {self.n_features} and {other.n_features} features"
            )
        na, nb = self.n, other.n
        n = na + nb
        dx = other.x_mean - self.x_mean
        dy = other.y_mean - self.y_mean
        w = na * nb / n
        return SufficientStats(
            n=n,
            x_mean=self.x_mean + dx * (nb / n),
            y_mean=self.y_mean + dy * (nb / n),
            xtx=self.xtx + other.xtx + w * np.outer(dx, dx),
            xty=self.xty + other.xty + w * dx * dy,
            yty=self.yty + other.yty + w * dy * dy,
        )

    def __add__(self, other: SufficientStats) -> SufficientStats:
        """Alias of :meth:`merge`."""
        return self.merge(other)

    @classmethod
    def from_chunks(cls, chunks: Iterable) -> SufficientStats:
        """Statistics merged from an iterable of ``(X, y)`` chunks, read once.

        Parameters
        ----------
        chunks : iterable of (array_like, array_like)
            Chunks with the same number of columns.
        """
        total = None
        for i, chunk in enumerate(chunks):
            try:
                Xc, yc = chunk
            except (TypeError, ValueError) as exc:
                raise TypeError(f"chunk {i} must be a pair (X, y)") from exc
            X, y = check_Xy(Xc, yc, x_name=f"X of chunk {i}", y_name=f"y of chunk {i}")
            if total is not None and X.shape[1] != total.n_features:
                raise ValueError(
                    f"chunk {i} has {X.shape[1]} columns but earlier chunks have "
                    f"{total.n_features}"
                )
            part = cls._from_valid_arrays(X, y)
            total = part if total is None else total.merge(part)
        if total is None:
            raise ValueError("chunks is empty: no data to build statistics from")
        return total

    def gram(self, fit_intercept: bool = True) -> tuple[np.ndarray, np.ndarray, float]:
        """Return ``(X^T X, X^T y, y^T y)``: centred with an intercept, raw without."""
        if fit_intercept:
            return self.xtx, self.xty, self.yty
        m, my, n = self.x_mean, self.y_mean, self.n
        return (
            self.xtx + n * np.outer(m, m),
            self.xty + n * m * my,
            self.yty + n * my * my,
        )

    def __repr__(self) -> str:
        return f"SufficientStats(n={self.n}, n_features={self.n_features}, y_mean={self.y_mean:.4g})"


def is_stats(X) -> bool:
    """Whether ``X`` is a :class:`SufficientStats` (used by functions that accept either)."""
    return isinstance(X, SufficientStats)


def check_stats_or_arrays(X, y, *, fit_intercept: bool = True):
    """Validate ``(X, y)`` arrays, or a SufficientStats with ``y`` omitted.

    Returns ``(stats_or_None, X_array_or_None, y_array_or_None)``.
    """
    if isinstance(X, SufficientStats):
        if y is not None:
            raise ValueError("y must be omitted (None) when X is a SufficientStats")
        return X, None, None
    if y is None:
        check_matrix(X)
        raise ValueError("y is required when X is an array (it may be omitted only for SufficientStats)")
    Xa, ya = check_Xy(X, y)
    return None, Xa, ya
