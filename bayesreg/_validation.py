"""Input validation at the public boundary.

Every public function calls these helpers before any expensive work, so that bad input
gives a ValueError or TypeError that names the argument and the problem, never a numba,
PyTensor or LAPACK traceback and never a silent NaN. Nothing passed in is modified:
each helper returns a new float64 array when it has to convert or copy.
"""

from __future__ import annotations

import numbers

import numpy as np


def _to_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic containers
        raise TypeError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must contain numbers only; got dtype {np.asarray(value).dtype}"
            ) from exc
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real-valued; got complex dtype {arr.dtype}")
    return np.asarray(arr, dtype=np.float64)


def check_matrix(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float64 array with at least one row and one column."""
    arr = _to_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); got {arr.ndim}-D")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows (n_samples = 0)")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns (n_features = 0)")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return arr


def check_vector(y, name: str = "y", n: int | None = None, n_name: str = "X") -> np.ndarray:
    """Return ``y`` as a finite 1-D float64 array (length ``n`` when given)."""
    arr = _to_float_array(y, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if n is not None and arr.shape[0] != n:
        raise ValueError(
            f"{name} has {arr.shape[0]} entries but {n_name} has {n} rows; lengths must match"
        )
    if not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return arr


def check_Xy(X, y, x_name: str = "X", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Validate a design matrix and a target together."""
    Xa = check_matrix(X, x_name)
    ya = check_vector(y, y_name, n=Xa.shape[0], n_name=x_name)
    return Xa, ya


def check_scalar(
    value,
    name: str,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_inclusive: bool = True,
    upper_inclusive: bool = True,
    integer: bool = False,
) -> float | int:
    """Validate a real (or integer) scalar against optional bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.number):
        kind = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}; got {type(value).__name__} {value!r}")
    if integer and not float(value).is_integer():
        raise TypeError(f"{name} must be an integer; got {value!r}")
    v = int(value) if integer else float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if lower is not None:
        if (v < lower) if lower_inclusive else (v <= lower):
            op = ">=" if lower_inclusive else ">"
            raise ValueError(f"{name} must be {op} {lower}; got {value!r}")
    if upper is not None:
        if (v > upper) if upper_inclusive else (v >= upper):
            op = "<=" if upper_inclusive else "<"
            raise ValueError(f"{name} must be {op} {upper}; got {value!r}")
    return v


def check_positive(value, name: str) -> float:
    """Validate a strictly positive finite real number."""
    return check_scalar(value, name, lower=0.0, lower_inclusive=False)


def check_nonnegative(value, name: str) -> float:
    """Validate a non-negative finite real number."""
    return check_scalar(value, name, lower=0.0)


def check_choice(value, name: str, choices) -> str:
    """Validate that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}; got {value!r}")
    return value
