r"""Sufficient statistics of the linear-Gaussian model, from arrays, chunks, files and Dask.

For :math:`y = b_0 + X\beta + \varepsilon` with Gaussian noise, everything except predictions
and per-observation log-likelihoods depends on the data only through

- ``n``, the number of rows;
- ``x_mean`` and ``y_mean``, the column means;
- ``xtx`` = :math:`X_c^T X_c`, ``xty`` = :math:`X_c^T y_c`, ``yty`` = :math:`y_c^T y_c`, centred.

Centred statistics are stored (not raw sums) because they are what the solvers use, and
because merging centred pieces with the pairwise update of Chan, Golub and LeVeque is
numerically stable even when the columns have means of 1e8: the raw-sum formula
:math:`X^T X - n \bar x \bar x^T` would cancel catastrophically (1e16 * eps = 1).

How one chunk is reduced (the "corrected two-pass" algorithm of Chan, Golub and LeVeque, 1983):
the chunk's target is appended to its columns, ``Z = [X, y] - m`` is formed with ``m`` the
chunk's column means, and one BLAS ``syrk`` (NumPy uses it for ``Z.T @ Z``) gives every centred
cross-product at once. The rounding error ``s = Z.sum(axis=0)`` left in the means is then taken
out exactly: the centred Gram about the corrected mean ``m + s/k`` is ``Z^T Z - s s^T / k``.
Chunks are merged with the pairwise update along a binary tree (like pairwise summation), so
rounding errors grow with the logarithm of the number of chunks.

Readers (``from_npy``, ``from_csv``, ``from_parquet``, ``from_dask``) never hold more than one
chunk in memory (a few tens of MB by default) and import pandas, pyarrow and Dask only when called.
A non-finite value, a chunk with a different number of columns, an empty file or a missing
target column stops the reduction with an error that names the file or chunk: nothing is merged
silently.

Statistics built by hand (the constructor) or unpickled are checked to be the statistics of some
data set, within rounding (finite, ``xtx`` symmetric, ``[[xtx, xty], [xty^T, yty]]`` positive
semi-definite, ``n >= 1``); an :class:`InvalidStatisticsError` names the offending field, so no
solver or sampler ever runs on them.
"""

from __future__ import annotations

import csv
import mmap
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import check_matrix, check_scalar, check_Xy

__all__ = ["InvalidStatisticsError", "SufficientStats", "check_stats_or_arrays", "is_stats", "require_rows"]

# A chunk of this many bytes (of float64 columns) is read at a time by default: large enough for
# BLAS to run at full speed, small enough to keep the resident set far below 1 GiB.
_CHUNK_BYTES = 32 * 2**20
# Rows of a chunk are centred and multiplied this many bytes at a time (fits in a CPU cache).
_SUB_BYTES = 2 * 2**20


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


def _two_sum(a, b):
    """Knuth's TwoSum: ``a + b = s + err`` exactly, with ``s = fl(a + b)``."""
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


# Forming the statistics of k columns holds the (k + 1) x (k + 1) product, its centred copy and
# the rank-one correction at once (_centred_moments), and a merge adds one more: four k^2 arrays.
_GRAM_COPIES = 4


def memory_available() -> int | None:
    """Bytes of memory this process can still allocate, as far as the system says; ``None`` if unknown.

    The smaller of Linux's ``MemAvailable`` (``/proc/meminfo``) and the room left under a cgroup
    (v2 or v1) memory limit; ``None`` where none can be read (then nothing is refused in advance).
    """
    found = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    for limit_file, used_file in (("memory.max", "memory.current"),  # cgroup v2
                                  ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes")):  # v1
        try:
            limit = Path("/sys/fs/cgroup", limit_file).read_text().strip()
            if limit != "max":
                used = int(Path("/sys/fs/cgroup", used_file).read_text().strip())
                found.append(max(int(limit) - used, 0))
        except (OSError, ValueError):
            pass
    return min(found) if found else None


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.3g} GiB" if nbytes >= 2**27 else f"{nbytes / 2**20:.3g} MiB"


def check_gram_memory(p: int, where: str, n: int | None = None) -> None:
    """Refuse, before allocating it, a Gram ``X^T X`` (with ``y``: ``(p + 1)^2`` floats) that does not fit in memory.

    The statistics of ``p`` features are a ``(p + 1) x (p + 1)`` float64 matrix (``8 (p + 1)^2``
    bytes; forming and merging it holds about four of them). When that exceeds the memory the
    system reports as available (:func:`memory_available`), a MemoryError says so, naming the
    shape, the bytes it needs and what to do, instead of NumPy's allocation error after the data
    are read.

    Parameters
    ----------
    p : int
        Number of feature columns.
    where : str
        What is being computed, for the message.
    n : int, optional
        Number of rows, when known (the message then points to the row routes for ``p >= n``).
    """
    k = int(p) + 1
    need = _GRAM_COPIES * 8.0 * k * k
    have = memory_available()
    if have is None or need <= have:
        return
    rows = (
        f"With p >= n (here n = {n}), map_estimate and bayesreg.lasso / elastic_net / ridge solve on the rows "
        "without it: pass X and y (not SufficientStats) with a common or finite per-coefficient prior scale. "
        if n is not None and p >= n
        else ""
    )
    raise MemoryError(
        f"{where}: the sufficient statistics of {p} features are a {k} x {k} float64 matrix (X^T X with y), "
        f"which needs about {_gib(need)} to form ({_gib(8.0 * k * k)} each, {_GRAM_COPIES} held at once) but only "
        f"{_gib(have)} of memory is available. {rows}Otherwise select fewer features (features= for the readers), "
        "or use a machine with more memory"
    )


def _default_chunk_rows(n_columns: int) -> int:
    return max(1024, _CHUNK_BYTES // (8 * max(int(n_columns), 1)))


def _check_chunk_rows(chunk_rows, n_columns: int) -> int:
    if chunk_rows is None:
        return _default_chunk_rows(n_columns)
    return int(check_scalar(chunk_rows, "chunk_rows", lower=1, integer=True))


def _names_tuple(names, p: int | None, what: str = "feature_names") -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise TypeError(f"{what} must be a sequence of strings, not a single string")
    out = tuple(str(nm) for nm in names)
    if p is not None and len(out) != p:
        raise ValueError(f"{what} has {len(out)} names but the data have {p} features")
    if len(set(out)) != len(out):
        raise ValueError(f"{what} contains duplicated names")
    return out


def _is_numeric_dtype(dtype) -> bool:
    dtype = np.dtype(dtype)
    return (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)) and not np.issubdtype(
        dtype, np.complexfloating
    )


# --------------------------------------------------------------------------- validation of the statistics

_EPS = float(np.finfo(np.float64).eps)


class InvalidStatisticsError(ValueError):
    """Statistics that no data set could have produced (NaN, asymmetric, indefinite, ``n < 1``, ...).

    A :class:`ValueError`; ``field`` names the offending field (``"n"``, ``"x_mean"``,
    ``"y_mean"``, ``"xtx"``, ``"xty"``, ``"yty"``, ...), which the message also names.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _field_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - objects numpy cannot view
        raise InvalidStatisticsError(name, f"{name} must be an array of numbers") from exc
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidStatisticsError(name, f"{name} must hold real numbers; got {value!r:.80}") from exc
    if not _is_numeric_dtype(arr.dtype):
        raise InvalidStatisticsError(name, f"{name} must hold real numbers; got dtype {arr.dtype}")
    return arr


def _field_scalar(value, name: str) -> float:
    arr = _field_array(value, name)
    if arr.ndim != 0 and arr.shape != (1,):
        raise InvalidStatisticsError(name, f"{name} must be a number; got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def _require_finite(value, name: str) -> None:
    bad = ~np.isfinite(value)
    if np.any(bad):
        if np.ndim(value) == 0:
            raise InvalidStatisticsError(name, f"{name} must be finite; got {float(value)!r}")
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{name}[{', '.join(map(str, idx))}]"
        raise InvalidStatisticsError(
            name, f"{name} must be finite; {where} = {float(np.asarray(value)[idx])!r} ({int(bad.sum())} such entries)"
        )


def _gram_field(i: int, j: int, p: int) -> str:
    """The field holding entry ``(i, j)`` of the augmented Gram ``[[xtx, xty], [xty^T, yty]]``."""
    if i < p and j < p:
        return "xtx"
    if i == p and j == p:
        return "yty"
    return "xty"


def _gram_entry(i: int, j: int, p: int) -> str:
    field = _gram_field(i, j, p)
    if field == "xtx":
        return f"xtx[{i}, {j}]"
    if field == "yty":
        return "yty"
    return f"xty[{min(i, j)}]"


def _gram_tolerance(n: int, k: int) -> float:
    """Per-entry relative rounding ``delta`` allowed in a ``k x k`` Gram of ``n`` rows (see _check_gram)."""
    return min(4.0 * (n + k) * _EPS, float(np.sqrt(_EPS)))


def _check_gram(n, x_mean, y_mean, xtx, xty, yty, *, factorize: bool = True) -> np.ndarray:
    r"""Check that the statistics are a Gram matrix of some data, within rounding; return ``xtx`` symmetrised.

    The augmented matrix ``A = [[xtx, xty], [xty^T, yty]]`` (order ``k = p + 1``) of centred
    statistics is ``Z^T Z`` for the centred data ``Z = [X, y] - means``, so it is symmetric and
    positive semi-definite (PSD); the ``y`` row says that ``yty >= xty^T xtx^+ xty``. With
    ``n = 1`` it is zero.

    Rounding. A computed Gram entry has error ``|dA_ij| <= gamma_n sum_r |z_ri| |z_rj| <=
    gamma_n sqrt(A_ii A_jj)`` (Higham, *Accuracy and Stability*, 3.5; ``gamma_n ~ n eps`` for
    the plain sum, less for blocked or pairwise sums). In the matrix scaled to unit diagonal,
    ``S = D^{-1/2} A D^{-1/2}``, every entry is then off by at most about ``2 gamma_n`` (its own
    error and its diagonal's) plus a few ``eps`` for the scaling, and the spectrum by at most ``k``
    times that (Gershgorin). So, with ``delta = min(4 (n + k) eps, sqrt(eps))`` (``2 n eps`` for
    the sums, ``k eps`` for the Cholesky test itself and the scaling, a factor 2 of margin; capped
    at 8 digits for n above 3e7):

    - symmetry: ``|A_ij - A_ji| <= 2 delta sqrt(D_i D_j)``; the mean of the two is kept;
    - PSD: ``S + k delta I`` has a Cholesky factor (LAPACK ``potrf``, ``k^3 / 3`` flops), i.e. the
      smallest eigenvalue of ``S`` is at least ``-k delta``; this is scale-free (a column in
      micrometres is checked as one in kilometres), so ``yty < 0``, ``|xtx_ij| >> sqrt(xtx_ii
      xtx_jj)`` or ``yty`` below what ``xty`` implies are refused at any scale.

    ``D_j = max(A_jj, n (eps mean_j)^2)``: a column constant to working precision, whose centred
    sum of squares is the rounding of its mean, ``n (eps mean_j)^2`` at most, gets that floor; a
    column with ``D_j = 0`` must have a zero row.

    Every check but the Cholesky factorisation is ``O(k^2)`` (finite numbers are checked by the
    caller; then the diagonal, symmetry, zero rows and the 2 x 2 principal minors ``|S_ij| <= 1 +
    k delta``, i.e. no correlation beyond 1). ``factorize=False`` skips the ``O(k^3)`` step: for
    the Gram of actual rows and for merges of valid statistics, positive semi-definite by
    construction.
    """
    p = xtx.shape[0]
    k = p + 1
    if n == 1:
        for name, value in (("xtx", xtx), ("xty", xty), ("yty", yty)):
            if np.any(value != 0):
                raise InvalidStatisticsError(
                    name, f"{name} must be zero when n = 1 (the centred statistics of one row are zero)"
                )
        return xtx
    delta = _gram_tolerance(n, k)
    tol = k * delta
    A = np.empty((k, k))
    A[:p, :p] = xtx
    A[:p, p] = xty
    A[p, :p] = xty
    A[p, p] = yty
    means = np.append(x_mean, y_mean)
    floor = n * (_EPS * means) ** 2
    diag = np.diag(A).copy()
    low = diag < -tol * floor
    if np.any(low):
        j = int(np.argmax(low))
        what = "yty" if j == p else f"xtx[{j}, {j}]"
        raise InvalidStatisticsError(
            _gram_field(j, j, p),
            f"{what} = {float(diag[j])!r} is negative; a centred sum of squares is >= 0",
        )
    D = np.maximum(diag, floor)
    root = np.sqrt(D)
    # symmetry of xtx, relative to the scale of each pair of columns
    asym = np.abs(xtx - xtx.T)
    bound = 2.0 * delta * np.outer(root[:p], root[:p])
    if np.any(asym > bound):
        i, j = (int(v) for v in np.argwhere(asym > bound)[0])
        raise InvalidStatisticsError(
            "xtx",
            f"xtx is not symmetric: xtx[{i}, {j}] = {float(xtx[i, j])!r} but xtx[{j}, {i}] = {float(xtx[j, i])!r} "
            f"(allowed difference {bound[i, j]:.3g}, rounding of {n} rows)",
        )
    xtx = xtx + 0.5 * (xtx.T - xtx)  # exact (no change) for a symmetric xtx; no overflow
    A[:p, :p] = xtx
    # a column with D_j = 0 is exactly constant: its row must be zero
    zero = D == 0
    if np.any(zero):
        rows = np.argwhere(zero[:, None] & (A != 0))
        if rows.size:
            i, j = (int(v) for v in rows[0])
            raise InvalidStatisticsError(
                _gram_field(i, j, p),
                f"{_gram_entry(i, j, p)} = {float(A[i, j])!r} is not zero although "
                f"{_gram_entry(i, i, p)} = 0 (a constant column is uncorrelated with every other); "
                "no data set has these statistics",
            )
    # 2 x 2 principal minors (O(k^2)): no correlation beyond 1; this also keeps S below finite
    keep = np.flatnonzero(~zero)
    r = 1.0 / root[keep]
    S = (A if keep.size == k else A[np.ix_(keep, keep)]) * r[:, None] * r[None, :]
    over = ~(np.abs(S) <= 1.0 + tol)
    if np.any(over):
        a, b = (int(keep[v]) for v in np.argwhere(over)[0])
        i, j = min(a, b), max(a, b)
        raise InvalidStatisticsError(
            _gram_field(i, j, p),
            f"{_gram_entry(i, j, p)} = {float(A[i, j])!r} exceeds "
            f"sqrt({_gram_entry(i, i, p)} * {_gram_entry(j, j, p)}) = {np.sqrt(D[i]) * np.sqrt(D[j]):.6g}: "
            "a correlation beyond 1 (Cauchy-Schwarz); "
            "no data set has these statistics",
        )
    if not factorize:
        return xtx
    S[np.diag_indices_from(S)] += tol
    try:
        np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        S[np.diag_indices_from(S)] -= tol
        feats = keep[keep < p]
        m = len(feats)
        lam_x = float(np.linalg.eigvalsh(S[:m, :m])[0]) if m else 0.0
        lam = float(np.linalg.eigvalsh(S)[0])
        if lam_x < -tol or m == len(keep):
            raise InvalidStatisticsError(
                "xtx",
                f"xtx is not positive semi-definite: scaled to unit diagonal its smallest eigenvalue is "
                f"{lam_x:.3g}, below -{tol:.3g} (the rounding allowed for {n} rows and {p} columns); "
                "no data set has this X^T X",
            ) from None
        raise InvalidStatisticsError(
            "yty",
            f"yty = {float(yty)!r} is inconsistent with xty and xtx: yty must be at least xty^T xtx^+ xty (the "
            f"matrix [[xtx, xty], [xty^T, yty]] scaled to unit diagonal has smallest eigenvalue {lam:.3g}, "
            f"below -{tol:.3g}); no data set has these statistics",
        ) from None
    return xtx


# --------------------------------------------------------------------------- the per-chunk kernel


_TINY = float(np.finfo(np.float64).tiny)


def _shifted_gram(blocks: Sequence[np.ndarray], m: int, shift: np.ndarray, rows: int) -> np.ndarray:
    """``[Z, 1]^T [Z, 1]`` with ``Z`` the stacked ``blocks`` minus ``shift``, ``rows`` rows at a time.

    The work matrix holds ``rows`` rows (about 2 MB): the subtraction writes stay in cache and
    BLAS ``syrk`` (NumPy uses it for an array times its own transpose) reads them from there. The
    ones column gives the column sums ``Z^T 1`` in the same call.
    """
    k = shift.shape[0]
    Z = np.empty((min(rows, m), k + 1))
    Z[:, k] = 1.0
    A = np.zeros((k + 1, k + 1))
    for r0 in range(0, m, rows):
        r1 = min(r0 + rows, m)
        zz = Z[: r1 - r0]
        col = 0
        for b in blocks:
            w = b.shape[1]
            np.subtract(b[r0:r1], shift[col : col + w], out=zz[:, col : col + w])
            col += w
        A += zz.T @ zz
    return A


def _centred_moments(
    blocks: Sequence[np.ndarray], m: int, shift: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means and centred cross-products of the columns of ``blocks`` stacked side by side.

    ``blocks`` are 2-D arrays with ``m`` rows each, read once (views of memory maps are fine).
    Returns ``(mean, mean_lo, G)`` with ``G = (Z - mean)^T (Z - mean)``, ``Z`` the stacked columns,
    and the mean as an unevaluated sum ``mean + mean_lo`` (see :class:`SufficientStats`).

    The data are shifted by ``shift`` (the previous chunk's mean; by default the mean of the first
    rows) and the exact identity ``G = Z_c^T Z_c - s s^T / m``, ``s`` the column sums of the
    shifted data, gives the centred matrix in one pass. Its rounding error is about
    ``eps (G_jj + m d_j^2)`` with ``d = s / m`` the distance from the shift to the mean, so when
    ``m d_j^2`` exceeds ``16 G_jj`` for some column (a shift more than 4 standard deviations off,
    e.g. sorted data) the chunk is reduced again about its now known mean: the corrected
    two-pass algorithm of Chan, Golub and LeVeque. Non-finite input gives a non-finite mean for its
    column, which the caller checks.
    """
    k = sum(b.shape[1] for b in blocks)
    check_gram_memory(k - 1, "the statistics of the data")
    # cache-sized blocks, but at least k rows when that fits in a chunk's budget: each block
    # updates the whole k x k product, which would otherwise dominate for wide data
    rows = max(256, _SUB_BYTES // (8 * (k + 1)), min(k, _CHUNK_BYTES // (8 * (k + 1))))
    if shift is None or shift.shape != (k,) or not np.all(np.isfinite(shift)):
        r = min(m, rows)
        shift = np.concatenate([b[:r].mean(axis=0, dtype=np.float64) for b in blocks])
    for attempt in range(2):
        A = _shifted_gram(blocks, m, shift, rows)
        s = A[:k, k]
        d = s / m
        G = A[:k, :k] - np.outer(s, s) / m
        # cheap test of the error bound above; an absolute floor accepts a shift equal to the
        # mean to 12 digits (a constant column has G_jj = 0 and needs no second pass)
        floor = m * (1e-12 * np.maximum(1.0, np.abs(shift))) ** 2
        if attempt == 0 and np.any(m * d * d > 16.0 * np.diag(G) + floor):
            shift = shift + d
            continue
        break
    mean, mean_lo = _two_sum(shift, d)
    return mean, mean_lo, G


@dataclass
class _Chunk:
    """Where a chunk comes from, for error messages."""

    where: str  # e.g. "chunk 3" or "file 'a.csv', rows 100000-199999"
    row0: int | None = None  # absolute index of the chunk's first row, when known
    stream: dict | None = None  # state shared by the chunks of one stream: the last chunk's mean


def _nonfinite_message(chunk: _Chunk, name: str, column: np.ndarray) -> str:
    col = np.asarray(column)
    if np.issubdtype(col.dtype, np.floating):
        bad = ~np.isfinite(col)
    else:
        bad = np.zeros(col.shape, dtype=bool)
    count = int(np.count_nonzero(bad))
    if count == 0:
        return f"{chunk.where}: column {name} overflows float64 (values too large for its sums of squares)"
    first = int(np.argmax(bad))
    row = f"row {chunk.row0 + first}" if chunk.row0 is not None else f"row {first} of the chunk"
    kinds = []
    if np.any(np.isnan(col[bad])):
        kinds.append("NaN/missing")
    if np.any(np.isinf(col[bad])):
        kinds.append("infinite")
    return f"{chunk.where}: column {name} contains {count} {' and '.join(kinds)} value(s) (first at {row})"


def _refuse_underflow(G: np.ndarray, column_names, columns_of, chunk: _Chunk) -> list[int]:
    """Refuse a column whose squares underflow float64, saying so (not "no data set has these statistics").

    A column whose deviations from its mean are below about 1e-154 has squares below float64's
    smallest normal number (2.2e-308): its centred sum of squares is 0 or subnormal (digits lost)
    while its cross-products with other columns need not be, and the checks of the statistics then
    refuse them as impossible. Called when they do: only columns with such a diagonal are looked at
    (one pass over that column). Returns the exactly constant ones among them (their centred
    statistics are exactly 0; the rounding of a tiny mean may have left subnormal entries).
    """
    diag = np.diag(G)
    suspect = np.flatnonzero(diag < _TINY)
    constant = []
    for j in suspect:
        col = np.asarray(columns_of(int(j)), dtype=np.float64)
        spread = float(np.max(col) - np.min(col))
        if spread == 0.0:
            constant.append(int(j))
            continue
        size = float(np.max(np.abs(col - np.median(col))))
        raise ValueError(
            f"{chunk.where}: column {column_names[j]} differs from its median by at most {size:.3g}; the squares of "
            f"such values (about 1e{2 * np.log10(size):.0f}) are below float64's range for squares (smallest normal "
            f"number {_TINY:.3g}), so its sum of squares underflows and the column cannot be used as it is. Multiply "
            "the column by a power of ten that brings its values nearer 1 (its coefficient, and the prior scale of "
            "that coefficient, then change by the inverse factor)"
        )
    return constant


def _stats_of_block(
    blocks: Sequence[np.ndarray],
    column_names: Sequence[str],
    columns_of: callable,
    target: int,
    chunk: _Chunk,
    names: tuple[str, ...] | None,
) -> SufficientStats | None:
    """SufficientStats of one chunk given as stacked column blocks; ``target`` indexes the y column.

    ``columns_of(j)`` returns column ``j`` of the stacked data (used only to locate a bad value).
    Returns None for a chunk with no rows.
    """
    m = blocks[0].shape[0]
    if m == 0:
        return None
    stream = chunk.stream if chunk.stream is not None else {}
    with np.errstate(all="ignore"):  # non-finite input is detected just below, and named
        mean, mean_lo, G = _centred_moments(blocks, m, stream.get("shift"))
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(G))):
        # A non-finite value makes its column's mean non-finite; an overflow shows on the diagonal.
        for bad in (~np.isfinite(mean), ~np.isfinite(np.diag(G)), ~np.all(np.isfinite(G), axis=0)):
            if bad.any():
                j = int(np.argmax(bad))
                break
        raise ValueError(_nonfinite_message(chunk, column_names[j], columns_of(j)))
    stream["shift"] = mean
    k = mean.shape[0]
    f = np.delete(np.arange(k), target)
    if target == k - 1:
        xtx, xty = G[:-1, :-1], G[:-1, -1]
    else:
        xtx, xty = G[np.ix_(f, f)], G[f, target]
    # the Gram of actual rows is positive semi-definite by construction: no O(p^3) test
    try:
        return SufficientStats._trusted(
            m, mean[f], float(mean[target]), xtx, xty, float(G[target, target]), names, mean_lo[f], mean_lo[target]
        )
    except InvalidStatisticsError:
        # actual rows always have valid statistics: a refusal here is squares underflowing. A column
        # that varies is refused with that said; one that is exactly constant has centred statistics
        # exactly 0, whatever the rounding of its (tiny) mean left in G
        constant = _refuse_underflow(G, column_names, columns_of, chunk)
        if not constant:
            raise
        G = G.copy()
        G[constant, :] = 0.0
        G[:, constant] = 0.0
        xtx, xty = G[np.ix_(f, f)], G[f, target]
        return SufficientStats._trusted(
            m, mean[f], float(mean[target]), xtx, xty, float(G[target, target]), names, mean_lo[f], mean_lo[target]
        )


def _display_names(names: tuple[str, ...] | None, p: int, target_name: str = "y") -> list[str]:
    feats = [repr(nm) for nm in names] if names is not None else [f"{j} of X" for j in range(p)]
    return feats + [repr(target_name) if target_name != "y" else "y (the target)"]


def _stats_Xy(X: np.ndarray, y: np.ndarray, chunk: _Chunk, names, target_name: str = "y") -> SufficientStats | None:
    """Statistics of a chunk given as a 2-D ``X`` and a 1-D ``y`` (validated shapes, numeric)."""
    p = X.shape[1]
    cols = _display_names(names, p, target_name)
    return _stats_of_block(
        [X, y.reshape(-1, 1)],
        cols,
        lambda j: X[:, j] if j < p else y,
        p,
        chunk,
        names,
    )


def _stats_columns(columns: Sequence[np.ndarray], chunk: _Chunk, names, target_name: str) -> SufficientStats | None:
    """Statistics of a chunk given column by column (features then target), as Parquet yields it."""
    p = len(columns) - 1
    cols = _display_names(names, p, target_name)
    return _stats_of_block(
        [c.reshape(-1, 1) for c in columns],
        cols,
        lambda j: columns[j],
        p,
        chunk,
        names,
    )


class _TreeMerger:
    """Merge statistics along a binary tree as they arrive (pairwise, like pairwise summation)."""

    def __init__(self):
        self._stack: list[tuple[int, SufficientStats]] = []

    def add(self, part: SufficientStats | None) -> None:
        if part is None:
            return
        level = 0
        while self._stack and self._stack[-1][0] == level:
            _, prev = self._stack.pop()
            part = prev.merge(part)
            level += 1
        self._stack.append((level, part))

    def result(self) -> SufficientStats | None:
        total = None
        for _, part in reversed(self._stack):
            total = part if total is None else part.merge(total)
        return total


# --------------------------------------------------------------------------- the container


@dataclass(frozen=True, eq=False)
class SufficientStats:
    """Sufficient statistics ``(n, means, centred X^T X, X^T y, y^T y)`` of a linear model.

    Build with :meth:`from_arrays`, :meth:`from_chunks`, :meth:`from_npy`, :meth:`from_csv`,
    :meth:`from_parquet`, :meth:`from_dask` or :meth:`merge`; every field is read-only. Gram-mode
    solvers, ridge, the exact MAP and the Gibbs samplers accept an instance in place of ``(X, y)``.

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
    feature_names : tuple of str or None
        Column names, kept from CSV, Parquet and data frames (None when the source has none).

    Raises
    ------
    InvalidStatisticsError
        (a ValueError) when the fields are not the statistics of any data set, naming the field:
        ``n`` not an integer >= 1; a non-finite number anywhere; shapes that disagree; ``xtx`` not
        symmetric; ``[[xtx, xty], [xty^T, yty]]`` not positive semi-definite (``xtx`` indefinite,
        ``yty < 0``, or ``yty`` below ``xty^T xtx^+ xty``); non-zero centred statistics with
        ``n = 1``. "Within rounding" is stated in ``_check_gram``: scaled to unit diagonal, the
        matrix may be off by ``delta = min(4 (n + p + 1) eps, sqrt(eps))`` per entry and its smallest
        eigenvalue may be ``-(p + 1) delta``. A symmetric-within-rounding ``xtx`` is stored as
        ``(xtx + xtx^T) / 2``.

    Notes
    -----
    Where each check runs, and its cost:

    - the constructor and unpickling (how Dask moves statistics): every check, the positive
      semi-definite one included (one Cholesky factorisation of the scaled ``(p+1) x (p+1)``
      matrix, ``(p+1)^3 / 3`` flops; an eigen-decomposition only to word an error);
    - :meth:`merge` and the readers (``from_arrays``, ``from_chunks``, ``from_npy``, ``from_csv``,
      ``from_parquet``, ``from_dask``): the ``O(p^2)`` checks only (shapes, finite numbers, so an
      overflow in a merge is refused, symmetry, non-negative diagonal, correlations within 1,
      zero statistics for one row): everything but the factorisation. A chunk's matrix is the Gram of its rows, positive
      semi-definite by construction, and a merge ``C = C_a + C_b + w d d^T`` of two positive
      semi-definite matrices is one (Weyl), so merging many chunks never pays ``O(p^3)`` per merge.

    Statistics built by this module also carry the rounding error of each mean (``x_mean_lo``,
    ``y_mean_lo``: the mean is the unevaluated sum ``x_mean + x_mean_lo``, as in double-double
    arithmetic). For columns with means of 1e8 a float64 mean is off by up to 1e-8, and the merge
    correction ``(n_a n_b / n) d d^T`` would carry that error into X^T X; with the low parts the
    mean differences ``d`` are exact to working precision. They are zero for instances built by
    calling the constructor directly.
    """

    n: int
    x_mean: np.ndarray
    y_mean: float
    xtx: np.ndarray
    xty: np.ndarray
    yty: float
    feature_names: tuple[str, ...] | None = None
    x_mean_lo: np.ndarray = field(init=False, repr=False)
    y_mean_lo: float = field(init=False, repr=False)

    def __post_init__(self):
        # the public constructor: hand-built statistics get every check, the O(p^3) one included
        self._set_fields(None, None, full=True)

    @classmethod
    def _trusted(cls, n, x_mean, y_mean, xtx, xty, yty, feature_names, x_lo, y_lo) -> SufficientStats:
        """Statistics whose Gram is positive semi-definite by construction (private).

        Used for the Gram of actual rows (the chunk reducer) and for :meth:`merge` of two valid
        statistics. Gets the O(p^2) checks (shapes, finite, symmetric, signs of the diagonal,
        correlations within 1), not the O(p^3) factorisation.
        """
        self = object.__new__(cls)
        for name, value in zip(
            ("n", "x_mean", "y_mean", "xtx", "xty", "yty", "feature_names"),
            (n, x_mean, y_mean, xtx, xty, yty, feature_names),
        ):
            object.__setattr__(self, name, value)
        self._set_fields(x_lo, y_lo, full=False)
        return self

    @classmethod
    def _derived(cls, n, x_mean, y_mean, xtx, xty, yty, feature_names, x_lo, y_lo) -> SufficientStats:
        """Statistics computed from valid ones by the library (private): no data-consistency checks.

        For :func:`bayesreg.design.reweight` (a Schur complement, a diagonal rescaling) and
        ``ModelData.scaled_stats``: their inputs were validated, and the checks written for user
        input (a zero row where the diagonal is zero, correlations within ``1 + k delta``) would
        refuse the rounding of the derivation itself (a column that the profiled ones span has a
        residual diagonal of exactly 0 but off-diagonal entries of 1e-17), or squares that
        underflow after a rescaling, with the false message that no data set has them. Shapes
        and finite numbers are still checked (an overflow is named, not passed on).
        """
        self = object.__new__(cls)
        for name, value in zip(
            ("n", "x_mean", "y_mean", "xtx", "xty", "yty", "feature_names"),
            (n, x_mean, y_mean, xtx, xty, yty, feature_names),
        ):
            object.__setattr__(self, name, value)
        self._set_fields(x_lo, y_lo, full=False, derived=True)
        return self

    def _set_fields(self, x_lo, y_lo, *, full: bool, derived: bool = False) -> None:
        n = self.n
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise InvalidStatisticsError("n", f"n must be a positive integer (the number of rows); got {n!r}")
        n = int(n)
        x_mean = _readonly(_field_array(self.x_mean, "x_mean"))
        if x_mean.ndim != 1 or x_mean.shape[0] == 0:
            raise InvalidStatisticsError("x_mean", f"x_mean must be a non-empty 1-D array; got shape {x_mean.shape}")
        p = x_mean.shape[0]
        xtx = _readonly(_field_array(self.xtx, "xtx"))
        xty = _readonly(_field_array(self.xty, "xty"))
        if xtx.shape != (p, p):
            raise InvalidStatisticsError("xtx", f"xtx must have shape ({p}, {p}); got {xtx.shape}")
        if xty.shape != (p,):
            raise InvalidStatisticsError("xty", f"xty must have shape ({p},); got {xty.shape}")
        y_mean = _field_scalar(self.y_mean, "y_mean")
        yty = _field_scalar(self.yty, "yty")
        for name, value in (("x_mean", x_mean), ("y_mean", y_mean), ("xtx", xtx), ("xty", xty), ("yty", yty)):
            _require_finite(value, name)
        x_lo = _readonly(np.zeros(p) if x_lo is None else _field_array(x_lo, "x_mean_lo"))
        y_lo = 0.0 if y_lo is None else _field_scalar(y_lo, "y_mean_lo")
        if x_lo.shape != (p,):
            raise InvalidStatisticsError("x_mean_lo", f"x_mean_lo must have shape ({p},); got {x_lo.shape}")
        for name, lo, hi in (("x_mean_lo", x_lo, x_mean), ("y_mean_lo", y_lo, y_mean)):
            # the low part of a mean is the rounding error of its high part: at most half an ulp
            # (a rescaled pair may round to just over it: derived statistics check finiteness only)
            if not np.all(np.isfinite(lo)) or (not derived and np.any(np.abs(lo) > np.spacing(np.abs(hi)))):
                raise InvalidStatisticsError(name, f"{name} must be finite and below one ulp of the mean")
        names = _names_tuple(self.feature_names, p)
        if not derived:
            xtx = _check_gram(n, x_mean, y_mean, xtx, xty, yty, factorize=full)
        xtx = _readonly(xtx)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "x_mean", x_mean)
        object.__setattr__(self, "xtx", xtx)
        object.__setattr__(self, "xty", xty)
        object.__setattr__(self, "y_mean", y_mean)
        object.__setattr__(self, "yty", yty)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "x_mean_lo", x_lo)
        object.__setattr__(self, "y_mean_lo", y_lo)

    def __reduce__(self):
        # Rebuild through every check of the constructor (the O(p^3) one included), so that a
        # corrupted or hand-edited pickle is refused and unpickled arrays stay read-only.
        args = (self.n, self.x_mean, self.y_mean, self.xtx, self.xty, self.yty, self.feature_names)
        return (_rebuild, (args, self.x_mean_lo, self.y_mean_lo))

    @property
    def n_features(self) -> int:
        """Number of columns ``p``."""
        return self.x_mean.shape[0]

    # ------------------------------------------------------------------ in memory

    @classmethod
    def from_arrays(cls, X, y, *, feature_names=None) -> SufficientStats:
        """Statistics of one in-memory data set.

        Parameters
        ----------
        X : array_like of shape (n, p)
            Design matrix (a pandas DataFrame keeps its column names).
        y : array_like of shape (n,)
            Target.
        feature_names : sequence of str, optional
            Column names (default: the DataFrame's columns, else none).
        """
        if feature_names is None and hasattr(X, "columns"):
            feature_names = list(X.columns)
        Xa, ya = check_Xy(X, y)
        names = _names_tuple(feature_names, Xa.shape[1])
        return cls._from_valid_arrays(Xa, ya, names)

    @classmethod
    def _from_valid_arrays(cls, X: np.ndarray, y: np.ndarray, feature_names=None) -> SufficientStats:
        return _stats_Xy(X, y, _Chunk("data"), feature_names)

    def merge(self, other: SufficientStats) -> SufficientStats:
        """Statistics of the union of two disjoint data sets (exact, associative, commutative).

        Uses the pairwise update of Chan, Golub and LeVeque: with ``d = mean_b - mean_a``,
        ``C = C_a + C_b + (n_a n_b / n) d d^T`` and ``mean = mean_a + d n_b / n``. The means are
        carried as ``hi + lo`` pairs, so ``d`` is exact to working precision even when the means
        are 1e8 and differ in their 9th digit.

        Both operands were validated when built, and the sum of two positive semi-definite
        matrices and a rank-one ``w d d^T`` is positive semi-definite, so the result gets only the
        ``O(p^2)`` checks (finite, so an overflow is an :class:`InvalidStatisticsError` naming the
        field; symmetric; correlations within 1), not the ``O(p^3)`` factorisation.
        """
        if not isinstance(other, SufficientStats):
            raise TypeError(f"other must be a SufficientStats; got {type(other).__name__}")
        if other.n_features != self.n_features:
            raise ValueError(f"cannot merge statistics with {self.n_features} and {other.n_features} features")
        if (
            self.feature_names is not None
            and other.feature_names is not None
            and self.feature_names != other.feature_names
        ):
            raise ValueError(
                "cannot merge statistics with different feature names: "
                f"{list(self.feature_names)} and {list(other.feature_names)}"
            )
        na, nb = self.n, other.n
        n = na + nb
        # hi parts: close means subtract exactly (Sterbenz); lo parts: the rounding of each mean
        dx = (other.x_mean - self.x_mean) + (other.x_mean_lo - self.x_mean_lo)
        dy = (other.y_mean - self.y_mean) + (other.y_mean_lo - self.y_mean_lo)
        w = na * nb / n
        x_mean, x_lo = _two_sum(self.x_mean, self.x_mean_lo + dx * (nb / n))
        y_mean, y_lo = _two_sum(self.y_mean, self.y_mean_lo + dy * (nb / n))
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported just below
            xtx = self.xtx + other.xtx + w * np.outer(dx, dx)
            xty = self.xty + other.xty + w * dx * dy
            yty = self.yty + other.yty + w * dy * dy
        names = self.feature_names if self.feature_names is not None else other.feature_names
        return SufficientStats._trusted(n, x_mean, y_mean, xtx, xty, yty, names, x_lo, y_lo)

    def __add__(self, other: SufficientStats) -> SufficientStats:
        """Alias of :meth:`merge`."""
        return self.merge(other)

    @classmethod
    def from_chunks(cls, chunks: Iterable, *, feature_names=None) -> SufficientStats:
        """Statistics merged from an iterable of ``(X, y)`` chunks, read once.

        Chunks with no rows are skipped; every other chunk is validated (2-D ``X``, ``y`` of the
        same length, the same number of columns as the first chunk, finite numbers) and an error
        names the chunk (counted from 0) and the problem.

        Parameters
        ----------
        chunks : iterable of (array_like, array_like)
            Chunks with the same number of columns (DataFrames must also have the same column
            names, which become ``feature_names``).
        feature_names : sequence of str, optional
            Column names.
        """
        acc = _TreeMerger()
        stream: dict = {}  # the previous chunk's mean, the next chunk's shift
        p = None
        names = None
        rows = 0
        for i, chunk in enumerate(chunks):
            try:
                Xc, yc = chunk
            except (TypeError, ValueError) as exc:
                raise TypeError(f"chunk {i} must be a pair (X, y)") from exc
            cols = [str(c) for c in Xc.columns] if hasattr(Xc, "columns") else None
            X = _as_numeric(Xc, f"X of chunk {i}")
            y = _as_numeric(yc, f"y of chunk {i}")
            if X.ndim != 2:
                raise ValueError(f"X of chunk {i} must be 2-D (rows, features); got {X.ndim}-D")
            if y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            if y.ndim != 1:
                raise ValueError(f"y of chunk {i} must be 1-D; got shape {y.shape}")
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"chunk {i}: y has {y.shape[0]} entries but X has {X.shape[0]} rows")
            if p is None:
                p = X.shape[1]
                if p == 0:
                    raise ValueError(f"X of chunk {i} has no columns")
                names = _names_tuple(feature_names if feature_names is not None else cols, p)
            elif X.shape[1] != p:
                raise ValueError(f"chunk {i} has {X.shape[1]} columns but earlier chunks have {p}")
            elif cols is not None and names is not None and tuple(cols) != names:
                raise ValueError(f"chunk {i} has columns {cols} but earlier chunks have {list(names)}")
            acc.add(_stats_Xy(X, y, _Chunk(f"chunk {i} (rows {rows}-{rows + X.shape[0] - 1})", rows, stream), names))
            rows += X.shape[0]
        total = acc.result()
        if total is None:
            raise ValueError("chunks is empty: no rows to build statistics from")
        return total

    # ------------------------------------------------------------------ files

    @classmethod
    def from_npy(
        cls,
        path_X,
        path_y=None,
        *,
        target: int | None = None,
        chunk_rows: int | None = None,
        feature_names=None,
    ) -> SufficientStats:
        """Statistics of ``.npy`` files, memory-mapped and read ``chunk_rows`` rows at a time.

        Pages already reduced are released from the process's mapping as the scan goes on
        (``madvise(MADV_DONTNEED)`` where the platform has it), so the resident set stays near
        the size of one chunk however long the file is.

        Parameters
        ----------
        path_X : str or path-like
            A ``.npy`` file holding a 2-D numeric array.
        path_y : str or path-like, optional
            A ``.npy`` file holding the target (shape (n,) or (n, 1)). Give either this or ``target``.
        target : int, optional
            Index of the target column inside ``path_X`` (the other columns are the features).
        chunk_rows : int, optional
            Rows per chunk (default: about 32 MB of data per chunk).
        feature_names : sequence of str, optional
            Names of the feature columns.
        """
        if (path_y is None) == (target is None):
            raise ValueError(
                "give exactly one of path_y (a .npy file holding the target) and target "
                "(the index of the target column in path_X)"
            )
        X_file = _NpyFile(path_X, "path_X")
        y_file = None
        try:
            if X_file.array.ndim != 2:
                raise ValueError(f"file {X_file.name!r} (path_X) must hold a 2-D array; got shape {X_file.array.shape}")
            n, k = X_file.array.shape
            if path_y is not None:
                y_file = _NpyFile(path_y, "path_y")
                ya = y_file.array
                if ya.ndim == 2 and ya.shape[1] == 1:
                    ya = ya[:, 0]
                if ya.ndim != 1:
                    raise ValueError(f"file {y_file.name!r} (path_y) must hold a 1-D array; got shape {ya.shape}")
                if ya.shape[0] != n:
                    raise ValueError(
                        f"file {y_file.name!r} (path_y) has {ya.shape[0]} entries but "
                        f"file {X_file.name!r} (path_X) has {n} rows"
                    )
                p, t = k, None
            else:
                t = int(check_scalar(target, "target", lower=-k, upper=k - 1, integer=True)) % k
                p = k - 1
                if p == 0:
                    raise ValueError(f"file {X_file.name!r} has only the target column: no features")
            names = _names_tuple(feature_names, p)
            step = _check_chunk_rows(chunk_rows, k + 1)
            acc = _TreeMerger()
            stream: dict = {}  # the previous chunk's mean, the next chunk's shift
            where = f"file {X_file.name!r}" + (f" and file {y_file.name!r}" if y_file is not None else "")
            for c, r0 in enumerate(range(0, n, step)):
                r1 = min(r0 + step, n)
                chunk = _Chunk(f"{where}, chunk {c} (rows {r0}-{r1 - 1})", r0, stream)
                Xb = X_file.array[r0:r1]
                if y_file is not None:
                    part = _stats_Xy(Xb, ya[r0:r1], chunk, names)
                else:
                    cols = _target_column_names(names, k, t)
                    part = _stats_of_block([Xb], cols, lambda j, Xb=Xb: Xb[:, j], t, chunk, names)
                acc.add(part)
                X_file.release(r0, r1)
                if y_file is not None:
                    y_file.release(r0, r1)
            return acc.result()
        finally:
            X_file.close()
            if y_file is not None:
                y_file.close()

    @classmethod
    def from_csv(
        cls,
        path,
        target: str,
        *,
        features: Sequence[str] | None = None,
        chunk_rows: int | None = None,
        **read_csv_kwargs,
    ) -> SufficientStats:
        """Statistics of one or more CSV files read in chunks with :func:`pandas.read_csv`.

        Parameters
        ----------
        path : str, path-like, or a sequence of them
            CSV file(s) with a header row; several files must have the same columns.
        target : str
            Name of the target column.
        features : sequence of str, optional
            Feature columns (default: every column but the target). Their names become
            ``feature_names``.
        chunk_rows : int, optional
            Rows per chunk (default: about 32 MB of data per chunk).
        **read_csv_kwargs
            Passed to :func:`pandas.read_csv` (``sep``, ``decimal``, ...); ``usecols``, ``header``,
            ``names``, ``index_col``, ``on_bad_lines``, ``chunksize``, ``iterator`` and ``nrows`` are
            set by this method.

        Raises
        ------
        ValueError
            For a ragged row (more or fewer fields than the header) or a duplicated header name,
            naming the file and the line (1-based, physical lines as a text editor counts them;
            when the options are beyond Python's :mod:`csv` module, pandas' record count); for a
            missing or non-finite value, naming the file, chunk, column and row.
        """
        import pandas as pd

        paths = _paths(path, "path")
        for bad in ("chunksize", "usecols", "iterator", "nrows", "header", "names", "index_col", "on_bad_lines"):
            if bad in read_csv_kwargs:
                raise ValueError(
                    f"read_csv option {bad!r} is set by from_csv itself (a header row, every row as wide "
                    "as the header); use features= or chunk_rows="
                )
        acc = _TreeMerger()
        stream: dict = {}  # the previous chunk's mean, the next chunk's shift
        names = None
        for path_i in paths:
            name = os.fspath(path_i)
            records = _CsvRecords.open(name, read_csv_kwargs)
            if records is not None and records.width > 1:
                # the header's width, read by the csv module (pandas takes minutes over a 1e6-column
                # header): statistics that cannot fit are refused before anything else is parsed
                try:
                    check_gram_memory(records.width - 1 if features is None else len(features), f"file {name!r}")
                except MemoryError:
                    records.close()
                    raise
            try:
                header = _raw_csv_header(path_i, name, read_csv_kwargs)
            except BaseException:
                if records is not None:
                    records.close()
                raise
            try:
                _check_header(name, header, records)
                feats = _select_columns(header, target, features, f"file {name!r}")
                check_gram_memory(len(feats), f"file {name!r}")  # from the header, before any row is read
                if names is None:
                    names = tuple(feats)
                elif tuple(feats) != names:
                    raise ValueError(f"file {name!r} has feature columns {feats} but earlier files have {list(names)}")
                if records is not None:
                    records.check(1)  # pandas would silently drop what a too-long first row adds
                step = _check_chunk_rows(chunk_rows, len(header) + 1)
                rows = 0
                with warnings.catch_warnings():
                    # "Length of header or names does not match length of data": a ragged first row
                    warnings.simplefilter("error", pd.errors.ParserWarning)
                    reader = pd.read_csv(
                        path_i, chunksize=step, index_col=False, on_bad_lines="error", **read_csv_kwargs
                    )
                    with reader:
                        for c, df in enumerate(_csv_chunks(reader, name, records)):
                            m = len(df)
                            if m == 0:
                                continue
                            if len(df.columns) != len(header) or [str(col) for col in df.columns] != header:
                                raise ValueError(f"file {name!r}: pandas read columns {list(df.columns)}, not {header}")
                            if records is not None and df.iloc[:, -1].isna().any():
                                # a row with too few fields reads as missing values at its end: count them
                                records.check(rows + m)
                            chunk = _Chunk(f"file {name!r}, chunk {c} (rows {rows}-{rows + m - 1})", rows, stream)
                            acc.add(_stats_columns(_frame_columns(df, feats, target, chunk), chunk, names, target))
                            rows += m
            finally:
                if records is not None:
                    records.close()
            if rows == 0:
                raise ValueError(f"file {name!r} has a header but no data rows")
        return acc.result()

    @classmethod
    def from_parquet(
        cls,
        path,
        target: str,
        *,
        features: Sequence[str] | None = None,
        chunk_rows: int | None = None,
    ) -> SufficientStats:
        """Statistics of Parquet file(s) read batch by batch with :mod:`pyarrow.parquet`.

        Parameters
        ----------
        path : str, path-like, or a sequence of them
            A Parquet file, a directory of ``*.parquet`` files (read in sorted order), or a list
            of files; all must have the same feature columns.
        target : str
            Name of the target column.
        features : sequence of str, optional
            Feature columns (default: every column but the target).
        chunk_rows : int, optional
            Rows per record batch (default: about 32 MB of data per batch). Missing values (nulls)
            are errors.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = []
        for p_i in _paths(path, "path"):
            if Path(p_i).is_dir():
                found = sorted(Path(p_i).glob("*.parquet"))
                if not found:
                    raise ValueError(f"directory {os.fspath(p_i)!r} holds no *.parquet files")
                files.extend(found)
            else:
                files.append(p_i)
        acc = _TreeMerger()
        stream: dict = {}  # the previous chunk's mean, the next chunk's shift
        names = None
        for file in files:
            name = os.fspath(file)
            if not os.path.exists(name):
                raise FileNotFoundError(f"file {name!r} does not exist")
            if os.path.getsize(name) == 0:
                raise ValueError(f"file {name!r} is empty (0 bytes)")
            try:
                pf = pq.ParquetFile(name)
            except (pa.ArrowException, OSError) as exc:
                raise ValueError(f"file {name!r} could not be read as Parquet: {exc}") from exc
            with pf:
                schema = pf.schema_arrow
                _check_unique_names(name, list(schema.names), "Parquet")
                feats = _select_columns(list(schema.names), target, features, f"file {name!r}")
                check_gram_memory(len(feats), f"file {name!r}")  # from the schema, before any row is read
                for col in [*feats, target]:
                    typ = schema.field(col).type
                    if not (pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_boolean(typ)):
                        raise TypeError(f"file {name!r}: column {col!r} is not numeric (type {typ})")
                if names is None:
                    names = tuple(feats)
                elif tuple(feats) != names:
                    raise ValueError(f"file {name!r} has feature columns {feats} but earlier files have {list(names)}")
                if pf.metadata.num_rows == 0:
                    raise ValueError(f"file {name!r} has no data rows")
                step = _check_chunk_rows(chunk_rows, len(feats) + 1)
                rows = 0
                for c, batch in enumerate(pf.iter_batches(batch_size=step, columns=[*feats, target])):
                    m = batch.num_rows
                    chunk = _Chunk(f"file {name!r}, batch {c} (rows {rows}-{rows + m - 1})", rows, stream)
                    cols = [
                        batch.column(j).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
                        for j in range(batch.num_columns)
                    ]
                    acc.add(_stats_columns(cols, chunk, names, target))
                    rows += m
        return acc.result()

    # ------------------------------------------------------------------ Dask

    @classmethod
    def from_dask(
        cls,
        X,
        y=None,
        *,
        target=None,
        features: Sequence[str] | None = None,
        feature_names=None,
        split_every: int = 8,
        compute: bool = True,
    ):
        """Statistics of a ``dask.array`` or a ``dask.dataframe``, reduced on Dask's scheduler.

        Each block (array) or partition (data frame) is reduced to a SufficientStats where it
        lives; the pieces are merged along a tree (``split_every`` at a time) with the associative
        :meth:`merge`. The graph runs on whatever scheduler is active, so it runs on a
        ``dask.distributed`` cluster as it is: only the ``O(p^2)`` statistics travel.

        Parameters
        ----------
        X : dask.array.Array of shape (n, k) or dask.dataframe.DataFrame
            The data. An array is rechunked to hold all its columns in each block.
        y : dask.array.Array or ndarray of shape (n,), optional
            The target, for an array ``X`` (rechunked to match X's row blocks). Give ``y`` or ``target``.
        target : int or str, optional
            The target column: an index into the array's columns, or the name of a data-frame column.
        features : sequence of str, optional
            Data-frame feature columns (default: every column but the target).
        feature_names : sequence of str, optional
            Names of the feature columns (a data frame's names are kept by default).
        split_every : int, default 8
            How many pieces each merge task combines.
        compute : bool, default True
            Compute now and return a SufficientStats, or return the ``dask.delayed`` object.
        """
        import dask
        import dask.array as da

        split_every = int(check_scalar(split_every, "split_every", lower=2, integer=True))
        if isinstance(X, da.Array):
            parts = _dask_array_parts(X, y, target, feature_names)
        else:
            try:
                import dask.dataframe as dd
            except ImportError:  # pragma: no cover - dask without the dataframe extra
                dd = None
            if dd is None or not isinstance(X, dd.DataFrame):
                raise TypeError(f"X must be a dask.array.Array or a dask.dataframe.DataFrame; got {type(X).__name__}")
            if y is not None:
                raise ValueError("with a dask DataFrame give the target column name as target=, not y")
            if target is None:
                raise ValueError("target (the name of the target column) is required with a dask DataFrame")
            parts = _dask_frame_parts(X, target, features, feature_names)
        delayed = dask.delayed
        while len(parts) > 1:
            parts = [
                delayed(_merge_parts, pure=True)(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)
            ]
        total = delayed(_require_total, pure=True)(parts[0], "the dask collection")
        return total.compute() if compute else total

    # ------------------------------------------------------------------ use

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


def _rebuild(args, x_lo, y_lo) -> SufficientStats:
    """Unpickle: every check of the public constructor, then the low parts of the means."""
    if not isinstance(args, tuple) or len(args) != 7:
        raise InvalidStatisticsError("pickle", "a pickled SufficientStats must hold 7 fields")
    self = object.__new__(SufficientStats)
    for name, value in zip(("n", "x_mean", "y_mean", "xtx", "xty", "yty", "feature_names"), args):
        object.__setattr__(self, name, value)
    self._set_fields(x_lo, y_lo, full=True)
    return self


# --------------------------------------------------------------------------- reader helpers


def _as_numeric(a, what: str) -> np.ndarray:
    arr = np.asarray(a)
    if not _is_numeric_dtype(arr.dtype):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{what} must contain numbers only; got dtype {arr.dtype}") from exc
    return arr


def _paths(path, what: str) -> list:
    if isinstance(path, str | os.PathLike):
        return [path]
    try:
        out = list(path)
    except TypeError as exc:
        raise TypeError(f"{what} must be a path or a sequence of paths; got {type(path).__name__}") from exc
    if not out:
        raise ValueError(f"{what} is an empty list of files")
    for p_i in out:
        if not isinstance(p_i, str | os.PathLike):
            raise TypeError(f"{what} must contain paths; got {type(p_i).__name__}")
    return out


def _select_columns(columns: list[str], target, features, where: str) -> list[str]:
    if not isinstance(target, str):
        raise TypeError(f"target must be a column name (str); got {type(target).__name__}")
    if target not in columns:
        raise ValueError(f"target column {target!r} is missing from {where}; its columns are {columns}")
    if features is None:
        feats = [c for c in columns if c != target]
    else:
        if isinstance(features, str):
            raise TypeError("features must be a sequence of column names, not a single string")
        feats = [str(c) for c in features]
        missing = [c for c in feats if c not in columns]
        if missing:
            raise ValueError(f"feature column(s) {missing} missing from {where}; its columns are {columns}")
        if target in feats:
            raise ValueError(f"target column {target!r} is also listed in features")
    if not feats:
        raise ValueError(f"{where} has no feature columns besides the target {target!r}")
    if len(set(feats)) != len(feats):
        raise ValueError(f"{where}: duplicated feature columns {feats}")
    return feats


def _frame_columns(df, feats: list[str], target: str, chunk: _Chunk) -> list[np.ndarray]:
    """The columns (features, then target) of a pandas chunk as 1-D arrays, views where possible.

    A non-numeric column is a TypeError naming it; missing values of nullable dtypes become NaN
    (and are then reported as such).
    """
    for col in [*feats, target]:
        dtype = df[col].dtype
        if not _pandas_numeric(dtype):
            values = df[col]
            example = ""
            try:
                bad = values[~values.map(_is_number)]
                if len(bad):
                    example = f" (e.g. {bad.iloc[0]!r} at row {bad.index[0]})"
            except Exception:  # pragma: no cover - exotic dtypes
                pass
            raise TypeError(f"{chunk.where}: column {col!r} is not numeric (dtype {dtype}){example}")
    cols = []
    for col in [*feats, target]:
        values = df[col]
        if isinstance(values.dtype, np.dtype):  # a NumPy column: a view, no copy
            cols.append(values.to_numpy())
        else:  # extension dtypes (nullable Int64, Float64, boolean, Arrow): missing values -> NaN
            cols.append(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return cols


def _pandas_numeric(dtype) -> bool:
    from pandas.api.types import is_complex_dtype, is_numeric_dtype

    return bool(is_numeric_dtype(dtype)) and not is_complex_dtype(dtype)


def _target_column_names(names, k: int, t: int) -> list[str]:
    """Display names of the columns of a block whose column ``t`` is the target."""
    out = []
    for j in range(k):
        if j == t:
            out.append(f"{t} (the target)")
        elif names is not None:
            out.append(repr(names[j if j < t else j - 1]))
        else:
            out.append(str(j))
    return out


def _is_number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _check_unique_names(name: str, columns: list[str], what: str, where: str = "") -> None:
    """A duplicated column name is an error (pandas would rename it ``a.1``; Arrow keeps both)."""
    seen: dict[str, int] = {}
    for j, col in enumerate(columns):
        if col in seen:
            raise ValueError(
                f"file {name!r}{where}: the {what} column name {col!r} appears more than once (columns "
                f"{seen[col] + 1} and {j + 1}, counted from 1); rename one: a duplicated name is not renamed "
                "or dropped silently"
            )
        seen[col] = j


def _check_header(name: str, header: list[str], records) -> None:
    line = records.header_line if records is not None else 1
    _check_unique_names(name, header, "CSV", f", line {line} (the header)")


def _raw_csv_header(path, name: str, read_csv_kwargs: dict) -> list[str]:
    """The header row as written in the file (pandas renames a repeated name ``a.1`` when it reads one)."""
    import pandas as pd

    try:
        raw = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False, index_col=False,
                          **read_csv_kwargs)  # fmt: skip
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"file {name!r} is empty (no header, no rows)") from exc
    return [str(c) for c in raw.iloc[0].tolist()] if len(raw) else []


def read_csv_frame(path, **read_csv_kwargs):
    """A whole CSV file as a :class:`pandas.DataFrame`, under the package's CSV rules.

    The one home of how bayesreg reads a CSV file whole (``bayesreg init``, ``check``, ``run``
    and ``equivalence`` read through it; :meth:`SufficientStats.from_csv` reads in chunks under the
    same header rule): a header row is required, and a column name that appears more than once is
    an error naming it and its columns (pandas would rename the second ``a.1`` silently, and
    results would name a feature that is not in the file).

    Parameters
    ----------
    path : str or path-like
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        For an empty file or a duplicated header name.
    """
    import pandas as pd

    name = os.fspath(path)
    header = _raw_csv_header(path, name, read_csv_kwargs)
    records = _CsvRecords.open(name, read_csv_kwargs)
    try:
        _check_header(name, header, records)
    finally:
        if records is not None:
            records.close()
    return pd.read_csv(path, **read_csv_kwargs)


# read_csv options under which Python's csv module splits a file into the same records as pandas
_CSV_SCAN_OPTIONS = frozenset(
    {"sep", "delimiter", "quotechar", "doublequote", "escapechar", "skipinitialspace", "encoding", "decimal",
     "thousands", "dtype", "na_values", "keep_default_na", "na_filter", "true_values", "false_values",
     "float_precision", "low_memory", "memory_map", "converters"}
)  # fmt: skip


class _CsvRecords:
    """The records of a CSV file with the physical line each starts on, counted as a text editor does.

    Used to name the line of a ragged row (more or fewer fields than the header). Read only when
    needed: the header and first row always, further rows only when pandas reports a parser error
    or a chunk ends in missing values, and then never twice (one pass in all).
    """

    def __init__(self, name: str, reader, handle):
        self.name = name
        self._reader = reader
        self._handle = handle
        self.header_line, header = self._next()
        self.width = len(header) if header is not None else 0
        self.rows = 0  # data records checked so far

    @classmethod
    def open(cls, name: str, kwargs: dict):
        """A scanner for ``name``, or None when the read_csv options are beyond the csv module."""
        sep = kwargs.get("sep", kwargs.get("delimiter", ","))
        if not set(kwargs) <= _CSV_SCAN_OPTIONS or not isinstance(sep, str) or len(sep) != 1:
            return None
        handle = open(name, newline="", encoding=kwargs.get("encoding") or "utf-8")  # noqa: SIM115 - closed by close()
        reader = csv.reader(
            handle,
            delimiter=sep,
            quotechar=kwargs.get("quotechar", '"'),
            doublequote=kwargs.get("doublequote", True),
            escapechar=kwargs.get("escapechar"),
            skipinitialspace=kwargs.get("skipinitialspace", False),
        )
        try:
            return cls(name, reader, handle)
        except (csv.Error, UnicodeDecodeError):
            handle.close()
            return None

    def _next(self):
        """``(first line, fields)`` of the next non-blank record, ``(None, None)`` at the end."""
        while True:
            start = self._reader.line_num + 1
            rec = next(self._reader, None)
            if rec is None:
                return None, None
            if rec and not (len(rec) == 1 and not rec[0].strip()):  # pandas skips blank lines
                return start, rec

    def check(self, upto: int | float) -> None:
        """Raise for the first ragged record among the first ``upto`` data records."""
        try:
            while self.rows < upto:
                line, rec = self._next()
                if rec is None:
                    return
                self.rows += 1
                if len(rec) != self.width:
                    raise ValueError(
                        f"file {self.name!r}, line {line}: {len(rec)} fields, but the header (line "
                        f"{self.header_line}) has {self.width}; a ragged row is not padded or cut silently"
                    )
        except (csv.Error, UnicodeDecodeError):  # the csv module reads the file otherwise: no line to name
            self.rows = float("inf")

    def close(self) -> None:
        self._handle.close()


def _csv_chunks(reader, name: str, records):
    """Iterate a pandas chunked reader; a ragged row becomes an error naming the file and its line."""
    import pandas as pd

    while True:
        try:
            df = next(reader)
        except StopIteration:
            return
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            if records is not None:
                records.check(float("inf"))  # raises with the line of the first ragged record
            found = re.search(r"line (\d+), saw (\d+)", str(exc))
            detail = f"line {found.group(1)}: {found.group(2)} fields, more than the header has" if found else exc
            raise ValueError(f"file {name!r}, {detail}; a ragged row is not padded or cut silently") from exc
        yield df


class _NpyFile:
    """A ``.npy`` file memory-mapped read-only, whose reduced pages can be released."""

    def __init__(self, path, what: str):
        self.name = os.fspath(path)
        self._mmap = None
        self.array = None
        if not os.path.exists(self.name):
            raise FileNotFoundError(f"file {self.name!r} ({what}) does not exist")
        if os.path.getsize(self.name) == 0:
            raise ValueError(f"file {self.name!r} ({what}) is empty (0 bytes)")
        try:
            header = np.load(self.name, mmap_mode="r", allow_pickle=False)
        except Exception as exc:
            raise ValueError(f"file {self.name!r} ({what}) could not be read as a .npy array: {exc}") from exc
        if not isinstance(header, np.memmap):
            raise ValueError(f"file {self.name!r} ({what}) is not a .npy array")
        shape, dtype, offset = header.shape, header.dtype, header.offset
        fortran = header.flags.f_contiguous and not header.flags.c_contiguous
        del header
        if not _is_numeric_dtype(dtype):
            raise TypeError(f"file {self.name!r} ({what}) holds non-numeric data (dtype {dtype})")
        if len(shape) == 0 or shape[0] == 0 or 0 in shape:
            raise ValueError(f"file {self.name!r} ({what}) holds no data (shape {shape})")
        with open(self.name, "rb") as f:
            self._mmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.array = np.ndarray(shape, dtype=dtype, buffer=self._mmap, offset=offset, order="F" if fortran else "C")
        self._offset = offset
        self._row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize
        self._fortran = fortran
        self._can_release = hasattr(self._mmap, "madvise") and hasattr(mmap, "MADV_DONTNEED")
        if self._can_release and not fortran and hasattr(mmap, "MADV_SEQUENTIAL"):
            self._mmap.madvise(mmap.MADV_SEQUENTIAL)

    def release(self, r0: int, r1: int) -> None:
        """Drop rows ``r0:r1`` from the resident set (they stay in the OS page cache)."""
        if not self._can_release:
            return
        if self._fortran:  # rows are spread over the whole file: drop everything mapped so far
            start, stop = 0, len(self._mmap)
        else:
            start = self._offset + r0 * self._row_bytes
            stop = self._offset + r1 * self._row_bytes
            start -= start % mmap.PAGESIZE
        if stop > start:
            self._mmap.madvise(mmap.MADV_DONTNEED, start, stop - start)

    def close(self) -> None:
        self.array = None
        if self._mmap is not None:
            try:
                self._mmap.close()
            except BufferError:  # a view is still alive somewhere; the GC will unmap it
                pass
            self._mmap = None


# --------------------------------------------------------------------------- Dask helpers (run on workers)


def _merge_parts(*parts):
    acc = _TreeMerger()
    for part in parts:
        acc.add(part)
    return acc.result()


def _require_total(total, where: str):
    if total is None:
        raise ValueError(f"{where} has no rows: no data to build statistics from")
    return total


def _dask_block_xy(Xb, yb, where: str, row0, names):
    Xb = np.asarray(Xb)
    yb = np.asarray(yb).reshape(-1)
    if yb.shape[0] != Xb.shape[0]:
        raise ValueError(f"{where}: y has {yb.shape[0]} entries but X has {Xb.shape[0]} rows")
    return _stats_Xy(Xb, yb, _Chunk(where, row0), names)


def _dask_block_target(Ab, t: int, where: str, row0, names):
    Ab = np.asarray(Ab)
    cols = _target_column_names(names, Ab.shape[1], t)
    return _stats_of_block([Ab], cols, lambda j: Ab[:, j], t, _Chunk(where, row0), names)


def _dask_block_frame(df, feats, target, where: str, names):
    if len(df) == 0:
        return None
    chunk = _Chunk(where)
    return _stats_columns(_frame_columns(df, feats, target, chunk), chunk, names, target)


def _dask_array_parts(X, y, target, feature_names) -> list:
    import dask
    import dask.array as da

    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D dask array (rows, features); got {X.ndim}-D")
    if not _is_numeric_dtype(X.dtype):
        raise TypeError(f"X must contain numbers only; got dtype {X.dtype}")
    if (y is None) == (target is None):
        raise ValueError("give exactly one of y (the target array) and target (the index of the target column in X)")
    if any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError("X has unknown chunk sizes; call X.compute_chunk_sizes() first")
    k = X.shape[1]
    X = X.rechunk({1: -1})
    row_sizes = X.chunks[0]
    starts = np.concatenate([[0], np.cumsum(row_sizes)[:-1]]).astype(int)
    xblocks = X.to_delayed().ravel()
    wheres = [f"dask block {i} (rows {s}-{s + m - 1})" for i, (s, m) in enumerate(zip(starts, row_sizes))]
    delayed = dask.delayed
    if target is not None:
        if isinstance(target, str):
            raise TypeError("target must be a column index (int) for a dask array")
        t = int(check_scalar(target, "target", lower=-k, upper=k - 1, integer=True)) % k
        if k == 1:
            raise ValueError("X has only the target column: no features")
        names = _names_tuple(feature_names, k - 1)
        return [
            delayed(_dask_block_target, pure=True)(b, t, w, int(s), names) for b, w, s in zip(xblocks, wheres, starts)
        ]
    names = _names_tuple(feature_names, k)
    if not isinstance(y, da.Array):
        y = np.asarray(y)
    if not _is_numeric_dtype(y.dtype):
        raise TypeError(f"y must contain numbers only; got dtype {y.dtype}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D; got shape {y.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} entries but X has {X.shape[0]} rows; lengths must match")
    if not isinstance(y, da.Array):
        y = da.from_array(y, chunks=(row_sizes,))
    yblocks = y.rechunk((row_sizes,)).to_delayed().ravel()
    return [
        delayed(_dask_block_xy, pure=True)(b, yb, w, int(s), names)
        for b, yb, w, s in zip(xblocks, yblocks, wheres, starts)
    ]


def _dask_frame_parts(df, target, features, feature_names) -> list:
    import dask

    columns = [str(c) for c in df.columns]
    if list(df.columns) != columns:
        df = df.rename(columns=str)
    feats = _select_columns(columns, target, features, "the dask DataFrame")
    check_gram_memory(len(feats), "the dask DataFrame")
    for col in [*feats, target]:
        dtype = df.dtypes[col]
        if not _pandas_numeric(dtype):
            raise TypeError(f"column {col!r} of the dask DataFrame is not numeric (dtype {dtype})")
    names = _names_tuple(feature_names if feature_names is not None else feats, len(feats))
    parts = df[[*feats, target]].to_delayed()
    return [
        dask.delayed(_dask_block_frame, pure=True)(part, feats, target, f"dask partition {i}", names)
        for i, part in enumerate(parts)
    ]


# --------------------------------------------------------------------------- for functions that accept either


def is_stats(X) -> bool:
    """Whether ``X`` is a :class:`SufficientStats` (used by functions that accept either)."""
    return isinstance(X, SufficientStats)


def require_rows(X, what: str) -> None:
    """Raise a clear error when ``X`` is a SufficientStats but ``what`` needs individual rows.

    Parameters
    ----------
    X : object
        The data argument a function received.
    what : str
        What needs the rows, e.g. ``"the posterior predictive"``.
    """
    if isinstance(X, SufficientStats):
        raise ValueError(
            f"{what} needs the individual rows (X, y); a SufficientStats holds only n, the means and "
            "the centred cross-products. Pass the arrays instead."
        )


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
