"""Input validation at the public boundary.

Every public function calls these helpers before any expensive work, so that bad input
gives a ValueError or TypeError that names the argument and the problem, never a numba,
PyTensor or LAPACK traceback and never a silent NaN. Nothing passed in is modified.

The array helpers return a new float64 array when they have to convert, but return the
caller's own array (or a view of it) when it is already a float64 ndarray, to avoid copying
large data: code that receives their result must copy before writing into it.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe_dtype(value, arr: np.ndarray) -> str:
    dtypes = getattr(value, "dtypes", None)  # a pandas DataFrame: name the offending columns
    if dtypes is not None and hasattr(dtypes, "items"):
        bad = [str(col) for col, dt in dtypes.items() if getattr(dt, "kind", "O") not in "biuf"]
        if bad:
            return f"dtype {arr.dtype}, non-numeric column(s) {bad[:5]}"
    return f"dtype {arr.dtype}"


def _missing(x) -> bool:
    # None, float NaN and pandas' NA / NaT all mean "missing": they become NaN, reported later
    if x is None:
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):  # pandas.NA: its comparisons are NA, whose truth is ambiguous
        return type(x).__name__ in ("NAType", "NaTType")


def check_numeric_columns(value, name: str = "X") -> None:
    """Refuse text and categorical columns of a table, naming them, before any conversion.

    For a pandas DataFrame: every column whose dtype is not boolean, integer or float (text,
    ``category``, datetimes, mixed objects) is named. For an array of strings or an object array
    holding text: the first column (and row) holding text is named. Numbers stored as objects
    pass (scikit-learn converts them); other odd objects are left to the caller's converter.
    """
    dtypes = getattr(value, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        bad = [(str(col), str(dt)) for col, dt in dtypes.items() if getattr(dt, "kind", "O") not in "biuf"]
        bad = [(c, d) for c, d in bad if not _numbers_only(value[c].to_numpy())]
        if bad:
            cols = ", ".join(f"{c!r} ({d})" for c, d in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            raise TypeError(
                f"{name} has non-numeric column(s) {cols}: the model needs numbers; encode text or categories first "
                "(e.g. sklearn.preprocessing.OneHotEncoder in a ColumnTransformer) or drop them"
            )
        return
    if isinstance(value, np.ndarray) and value.ndim == 2 and (value.dtype.kind in "USO"):
        for j in range(value.shape[1]):
            for i, x in enumerate(value[:, j]):
                if isinstance(x, str | bytes | np.str_ | np.bytes_):
                    raise TypeError(
                        f"{name} column {j} holds text ({x!r:.40} in row {i}): the model needs numbers; encode it "
                        "first (e.g. sklearn.preprocessing.OneHotEncoder) or drop it"
                    )


def _numbers_only(col: np.ndarray) -> bool:
    """Whether an object column holds only real numbers or missing values (nullable pandas columns)."""
    if col.dtype.kind in "biuf":
        return True
    if col.dtype != object:
        return False
    return all(_missing(x) or (isinstance(x, numbers.Real | np.bool_) and not isinstance(x, str)) for x in col)


def _to_float_array(value, name: str) -> np.ndarray:
    """Convert ``value`` to a float64 array; reject text, non-numeric objects and complex numbers.

    Strings are refused even when they spell numbers (``"1.5"``): silently parsing text hides
    data bugs. Object arrays (e.g. from a pandas DataFrame with mixed or nullable columns) are
    accepted only when every element is a real number or a missing value; missing values
    become NaN, which the callers then report.
    """
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be numeric array-like; got a string {value!r:.40}")
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} could not be converted to an array (ragged rows?): {exc}") from exc
    except Exception as exc:  # exotic containers
        raise TypeError(f"{name} could not be converted to a numeric array: {exc}") from exc
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real-valued; got complex dtype {arr.dtype}")
    if arr.dtype == object:
        flat = arr.ravel()
        for x in flat:
            if not _missing(x) and (isinstance(x, str | bytes) or not isinstance(x, numbers.Real | np.bool_)):
                raise TypeError(
                    f"{name} must contain numbers only; found {type(x).__name__} {x!r:.40} "
                    f"({_describe_dtype(value, arr)})"
                )
        vals = (np.nan if _missing(x) else float(x) for x in flat)
        return np.fromiter(vals, dtype=np.float64, count=flat.size).reshape(arr.shape)
    if not (np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)):
        # strings (even "1.5"), bytes, datetimes, structured records
        raise TypeError(f"{name} must contain numbers only; got {_describe_dtype(value, arr)}")
    return np.asarray(arr, dtype=np.float64)


def _all_finite(arr: np.ndarray) -> bool:
    """Whether every entry is finite: one summing pass, no temporary array (scikit-learn's trick).

    A NaN or an infinity makes the sum non-finite, so a finite sum proves the array finite; a sum
    that overflows from finite entries falls back to the element-wise test.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(arr)):
            return True
    return bool(np.all(np.isfinite(arr)))


def check_matrix(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float64 array with at least one row and one column."""
    arr = _to_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); got {arr.ndim}-D")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows (n_samples = 0)")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns (n_features = 0)")
    if not _all_finite(arr):
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
    if not _all_finite(arr):
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
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        kind = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}; got {type(value).__name__} {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if integer:
        if not v.is_integer():
            raise TypeError(f"{name} must be an integer; got {value!r}")
        v = int(value)
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
    """Validate that ``value`` is one of ``choices`` (compared with ``==``, never by identity of arrays)."""
    options = list(choices)
    try:
        ok = any(value == c for c in options if isinstance(c, type(value)) or isinstance(value, type(c)))
    except (TypeError, ValueError):  # arrays and other values without a plain truth value
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of [{', '.join(sorted(map(repr, options)))}]; got {value!r}")
    return value


def check_bool(value, name: str) -> bool:
    """Validate a boolean flag (``True``/``False`` or a NumPy boolean), returning a Python bool."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def check_feature_names(feature_names, p: int) -> list[str]:
    """Return ``feature_names`` as ``p`` unique strings, or raise naming the problem."""
    if isinstance(feature_names, str):
        raise TypeError("feature_names must be a sequence of strings, not one string")
    try:
        names = [str(f) for f in feature_names]
    except TypeError as exc:
        raise TypeError(f"feature_names must be a sequence of strings; got {type(feature_names).__name__}") from exc
    if len(names) != p:
        raise ValueError(f"feature_names has {len(names)} names but X has {p} columns")
    if len(set(names)) != len(names):
        seen, dup = set(), []
        for nm in names:
            if nm in seen and nm not in dup:
                dup.append(nm)
            seen.add(nm)
        raise ValueError(f"feature_names must be unique; duplicated: {dup}")
    return names
