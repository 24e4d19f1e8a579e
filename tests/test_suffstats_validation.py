"""Validation of SufficientStats: what no data set can produce is refused, what data produce is kept.

Two directions, both as properties over generated data sets (hypothesis):

- no false refusal: statistics of real rows (built by the readers, merged in any grouping, or
  computed by hand with the textbook NumPy formulas) pass every check, including after pickling,
  on nasty data (collinear and constant columns, more columns than rows, means of 1e8, column
  scales from 1e-6 to 1e6);
- every corruption is refused with an InvalidStatisticsError naming the field: a non-finite entry,
  an asymmetric or indefinite ``xtx``, ``yty < 0`` or below what ``xty`` implies, ``n < 1``.

The reference for merges is the textbook formula on the concatenated rows (``Xc.T @ Xc``); the
tolerance 1e-10 of the matrix's scale is the one of tests/test_suffstats.py (the two computations
round differently, by a few ulps times the condition of the centring, here means <= 1e3 x sd).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayesreg.suffstats import InvalidStatisticsError, SufficientStats

FIELDS = ("n", "x_mean", "y_mean", "xtx", "xty", "yty")
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _make(kind: str, n: int, p: int, seed: int, big_means: bool):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if kind == "collinear" and p >= 2:
        X[:, -1] = 2.0 * X[:, 0] - X[:, 1 % p]
    elif kind == "constant":
        X[:, 0] = 0.1  # not a power of two: its mean carries rounding
    elif kind == "scales":
        X *= 10.0 ** rng.uniform(-6, 6, size=p)
    elif kind == "integers":
        X = rng.integers(-3, 4, size=(n, p)).astype(float)
    shift = 1e8 if big_means else 1e3
    X = X + shift * rng.uniform(-1, 1, size=p)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n) + shift * rng.uniform(-1, 1)
    return X, y


datasets = st.builds(
    _make,
    kind=st.sampled_from(["plain", "collinear", "constant", "scales", "integers"]),
    n=st.integers(2, 40),
    p=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    big_means=st.booleans(),
)


def _fields(s: SufficientStats) -> dict:
    return {f: getattr(s, f) for f in FIELDS}


def _textbook(X, y) -> dict:
    xm, ym = X.mean(axis=0), y.mean()
    Xc, yc = X - xm, y - ym
    return dict(n=X.shape[0], x_mean=xm, y_mean=ym, xtx=Xc.T @ Xc, xty=Xc.T @ yc, yty=float(yc @ yc))


def _roundtrip(s: SufficientStats) -> SufficientStats:
    return pickle.loads(pickle.dumps(s))


def _assert_same(a: SufficientStats, b: SufficientStats) -> None:
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    np.testing.assert_array_equal(a.x_mean_lo, b.x_mean_lo)
    assert a.y_mean_lo == b.y_mean_lo
    assert a.feature_names == b.feature_names


# ----------------------------------------------------------------------------- no false refusal


@PROPS
@given(data=datasets, cuts=st.lists(st.floats(0, 1), max_size=4))
def test_merged_chunks_equal_the_whole_and_pass_every_check(data, cuts):
    X, y = data
    n = X.shape[0]
    edges = sorted({0, n, *(int(c * n) for c in cuts)})
    parts = [SufficientStats.from_arrays(X[a:b], y[a:b]) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    # valid: unpickling runs every check of the constructor, the Cholesky test included
    _assert_same(_roundtrip(merged), merged)
    SufficientStats(**_fields(merged))
    # equal to the statistics of the concatenated rows (only checked where the reference is
    # accurate: means of 1e8 leave the textbook centring 8 digits, see test_suffstats.py for those)
    if np.abs(X.mean(axis=0)).max() < 1e4:
        ref = _textbook(X, y)
        assert merged.n == n
        scale = max(np.abs(ref["xtx"]).max(), ref["yty"])
        np.testing.assert_allclose(merged.x_mean, ref["x_mean"], rtol=1e-12, atol=1e-12 * 1e3)
        np.testing.assert_allclose(merged.xtx, ref["xtx"], rtol=0, atol=1e-10 * scale)
        np.testing.assert_allclose(merged.xty, ref["xty"], rtol=0, atol=1e-10 * scale)
        assert merged.yty == pytest.approx(ref["yty"], rel=1e-10, abs=1e-10 * scale)


@PROPS
@given(data=datasets)
def test_hand_built_textbook_statistics_are_accepted(data):
    """What a user computes with NumPy (gemm, not syrk: xtx symmetric only to rounding) is valid."""
    X, y = data
    ref = _textbook(X, y)
    Xc = X - ref["x_mean"]
    ref["xtx"] = Xc.T @ Xc.copy()  # two buffers: gemm, whose (i, j) and (j, i) may round apart
    s = SufficientStats(**ref)
    np.testing.assert_array_equal(s.xtx, s.xtx.T)  # stored symmetric
    _assert_same(_roundtrip(s), s)


@PROPS
@given(data=datasets, chunk_rows=st.integers(1, 50))
def test_pickle_round_trip_is_exact_and_read_only(data, chunk_rows):
    X, y = data
    s = SufficientStats.from_chunks(
        [(X[i : i + chunk_rows], y[i : i + chunk_rows]) for i in range(0, X.shape[0], chunk_rows)],
        feature_names=[f"c{j}" for j in range(X.shape[1])],
    )
    r = _roundtrip(s)
    _assert_same(r, s)
    assert not r.xtx.flags.writeable and not r.x_mean_lo.flags.writeable


def test_wide_and_one_row_statistics_are_valid():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((5, 40)) + 7.0, rng.standard_normal(5)
    _roundtrip(SufficientStats.from_arrays(X, y))  # rank 4 of 40: positive semi-definite, singular
    one = SufficientStats.from_arrays(X[:1], y[:1])
    assert not np.any(one.xtx) and one.yty == 0.0
    _roundtrip(one)


# ----------------------------------------------------------------------------- corruption


def _valid(seed=0, n=30, p=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * [1.0, 1e3, 1e-3, 5.0][:p] + 50.0
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return SufficientStats.from_arrays(X, y)


def _indefinite_block(s: SufficientStats) -> np.ndarray:
    """xtx with columns 0-2 given correlations 0.9, -0.9, 0.9: every 2 x 2 minor fine, the 3 x 3 not."""
    C = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    d = np.sqrt(np.diag(s.xtx)[:3])
    xtx = s.xtx.copy()
    xtx[:3, :3] = C * np.outer(d, d)
    assert np.linalg.eigvalsh(C)[0] < -0.5
    return xtx


def _explained(s: SufficientStats) -> float:
    return float(s.xty @ np.linalg.lstsq(s.xtx, s.xty, rcond=None)[0])


def _with(a: np.ndarray, index, value) -> np.ndarray:
    a = np.array(a, dtype=float)
    a[index] = value
    return a


def _asymmetric(s):
    return _with(s.xtx, (0, 1), s.xtx[0, 1] + 1e-6 * np.sqrt(s.xtx[0, 0] * s.xtx[1, 1]))


def _corr_101(s):
    xtx = s.xtx.copy()
    xtx[0, 1] = xtx[1, 0] = 1.01 * np.sqrt(xtx[0, 0] * xtx[1, 1])
    return xtx


# each: (the field the error names, the corrupted value, whether merge's O(p^2) checks see it).
# A merge checks its result, not its operands (built valid): a corrupted operand is seen when the
# corruption survives the sum (non-finite, asymmetric, a diagonal pushed far below zero), not when
# the other operand's Gram masks it (a correlation of 1.01, yty slightly below zero).
CORRUPTIONS = {
    "nan in x_mean": ("x_mean", lambda s: _with(s.x_mean, 1, np.nan), True),
    "inf y_mean": ("y_mean", lambda s: np.inf, True),
    "nan in xtx": ("xtx", lambda s: _with(s.xtx, (0, 1), np.nan), True),
    "-inf in xty": ("xty", lambda s: _with(s.xty, 2, -np.inf), True),
    "nan yty": ("yty", lambda s: np.nan, True),
    "asymmetric xtx": ("xtx", _asymmetric, True),
    "correlation 1.01 in xtx": ("xtx", _corr_101, False),
    "negative diagonal of xtx": ("xtx", lambda s: _with(s.xtx, (1, 1), -10.0 * s.xtx[1, 1]), True),
    "indefinite xtx": ("xtx", _indefinite_block, False),
    "yty < 0": ("yty", lambda s: -1e-3 * s.yty, False),
    # both fields are in the message; which one the error blames depends on which check fails first
    "yty below what xty explains": (("yty", "xty"), lambda s: 0.99 * _explained(s), False),
    "n = 0": ("n", lambda s: 0, False),
    "n = -5": ("n", lambda s: -5, False),
    "n = 2.5": ("n", lambda s: 2.5, False),
    "n = True": ("n", lambda s: True, False),
}


def _corrupted_instance(s: SufficientStats, field: str, value) -> SufficientStats:
    """A valid instance whose field is then overwritten in memory (how a bug or a bad transport would)."""
    bad = SufficientStats(**_fields(s))
    object.__setattr__(bad, field, value)
    return bad


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_corruption_is_refused_at_construction_and_unpickling(name):
    field, corrupt, _ = CORRUPTIONS[name]
    s = _valid()
    fields = field if isinstance(field, tuple) else (field,)
    field = fields[0]
    value = corrupt(s)
    with pytest.raises(InvalidStatisticsError) as info:
        SufficientStats(**{**_fields(s), field: value})
    assert info.value.field in fields and isinstance(info.value, ValueError)
    assert all(f in str(info.value) for f in fields)
    payload = pickle.dumps(_corrupted_instance(s, field, value))
    with pytest.raises(InvalidStatisticsError) as info:
        pickle.loads(payload)
    assert info.value.field in fields and all(f in str(info.value) for f in fields)


@pytest.mark.parametrize("name", [k for k, v in CORRUPTIONS.items() if v[2]])
def test_corruption_is_refused_at_merge(name):
    field, corrupt, _ = CORRUPTIONS[name]
    s, other = _valid(0), _valid(1)
    bad = _corrupted_instance(s, field, corrupt(s))
    for a, b in ((bad, other), (other, bad)):
        with pytest.raises(InvalidStatisticsError, match=field) as info:
            a.merge(b)
        assert info.value.field == field


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    name=st.sampled_from(sorted(CORRUPTIONS)),
    n=st.integers(8, 60),
)
def test_any_corruption_of_any_valid_statistics_is_refused(seed, name, n):
    field, corrupt, _ = CORRUPTIONS[name]
    fields = field if isinstance(field, tuple) else (field,)
    s = _valid(seed, n=n)
    with pytest.raises(InvalidStatisticsError) as info:
        SufficientStats(**{**_fields(s), fields[0]: corrupt(s)})
    assert info.value.field in fields


def test_n_equal_one_needs_zero_centred_statistics():
    s = _valid(p=2)
    with pytest.raises(InvalidStatisticsError, match="zero when n = 1") as info:
        SufficientStats(1, s.x_mean, s.y_mean, s.xtx, s.xty, s.yty)
    assert info.value.field == "xtx"
    SufficientStats(1, s.x_mean, s.y_mean, np.zeros((2, 2)), np.zeros(2), 0.0)


def test_a_constant_column_must_be_uncorrelated():
    s = _valid(p=3)
    xtx, xty = s.xtx.copy(), s.xty.copy()
    xtx[0, :] = xtx[:, 0] = 0.0
    xty[0] = 0.0
    SufficientStats(s.n, np.zeros(3), s.y_mean, xtx, xty, s.yty)  # an exactly zero column is fine
    xty[0] = 1e-3
    with pytest.raises(InvalidStatisticsError, match=r"xty\[0\] = 0.001 is not zero") as info:
        SufficientStats(s.n, np.zeros(3), s.y_mean, xtx, xty, s.yty)
    assert info.value.field == "xty"


def test_merge_overflow_is_refused_naming_the_field():
    a = SufficientStats(3, np.zeros(1), 0.0, np.array([[1e308]]), np.zeros(1), 1.0)
    with pytest.raises(InvalidStatisticsError, match="xtx must be finite") as info:
        a.merge(a)
    assert info.value.field == "xtx"


def test_non_numeric_and_misshapen_fields_are_refused():
    s = _valid(p=2)
    with pytest.raises(InvalidStatisticsError, match="yty must be a number") as info:
        SufficientStats(**{**_fields(s), "yty": np.ones(2)})
    assert info.value.field == "yty"
    with pytest.raises(InvalidStatisticsError, match="xtx must hold real numbers"):
        SufficientStats(**{**_fields(s), "xtx": s.xtx.astype(complex)})
    with pytest.raises(InvalidStatisticsError, match="x_mean must hold real numbers"):
        SufficientStats(**{**_fields(s), "x_mean": np.array(["a", "b"])})


def test_inputs_are_not_modified_and_symmetrised_copy_is_stored():
    s = _valid(p=3)
    xtx = s.xtx.copy()
    xtx[0, 1] += 1e-14 * np.sqrt(xtx[0, 0] * xtx[1, 1])  # asymmetric within rounding
    before = xtx.copy()
    t = SufficientStats(**{**_fields(s), "xtx": xtx})
    np.testing.assert_array_equal(xtx, before)
    np.testing.assert_array_equal(t.xtx, t.xtx.T)
    assert t.xtx[0, 1] == pytest.approx(0.5 * (xtx[0, 1] + xtx[1, 0]), rel=1e-15)


# ----------------------------------------------------------------------------- use of valid hand-built stats


def test_solvers_on_hand_built_statistics_match_scikit_learn():
    from sklearn.linear_model import Lasso, Ridge

    from bayesreg.solvers import lasso, ridge

    rng = np.random.default_rng(11)
    X = rng.standard_normal((120, 4)) + [1.0, -2.0, 0.5, 3.0]
    y = X @ [1.0, 0.0, -0.5, 0.2] + rng.standard_normal(120)
    s = SufficientStats(**_textbook(X, y))
    fit = lasso(s, alpha=0.05, tol=1e-12)
    ref = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(fit.coef, ref.coef_, rtol=0, atol=1e-8)
    rfit = ridge(s, alpha=3.0 / 120)  # bayesreg's ridge alpha is scikit-learn's divided by n
    rref = Ridge(alpha=3.0, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(rfit.coef, rref.coef_, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- readers: ragged rows, duplicated names

RAGGED = {
    # name: (file text, the 1-based line a text editor shows for the bad row, its field count)
    "a long row in the middle": ("a,b,y\n1,2,3\n4,5,6\n7,8,9,10\n1,1,2\n", 4, 4),
    "a long first row": ("a,b,y\n1,2,3,4\n4,5,6\n7,8,9\n", 2, 4),
    "a short row": ("a,b,y\n1,2,3\n4,5\n7,8,9\n", 3, 2),
    "a short row missing only an unused column": ("a,y,note\n1,2,x\n4,5\n7,8,z\n", 3, 2),
    "after a quoted field spanning two lines": ('a,note,y\n1,"x\ny",3\n4,z,6,7\n', 4, 4),
    "after a blank line": ("a,b,y\n1,2,3\n\n4,5,6,7\n", 4, 4),
}


@pytest.mark.parametrize("case", list(RAGGED))
@pytest.mark.parametrize("chunk_rows", [1, 2, 100])
def test_csv_ragged_rows_are_refused_with_file_and_line(tmp_path, case, chunk_rows):
    text, line, fields = RAGGED[case]
    path = tmp_path / "ragged.csv"
    path.write_text(text)
    msg = rf"ragged\.csv', line {line}: {fields} fields, but the header \(line 1\) has 3"
    with pytest.raises(ValueError, match=msg):
        SufficientStats.from_csv(path, target="y", features=["a"], chunk_rows=chunk_rows)


def test_csv_empty_fields_are_not_ragged(tmp_path):
    """An empty last field is a field: in an unused column it is fine, in a used one it is a missing value."""
    path = tmp_path / "empty_field.csv"
    path.write_text("a,y,note\n1,2,x\n4,5,\n7,9,z\n")
    s = SufficientStats.from_csv(path, target="y", features=["a"], chunk_rows=2)
    ref = _textbook(np.array([[1.0], [4.0], [7.0]]), np.array([2.0, 5.0, 9.0]))
    np.testing.assert_allclose(s.xtx, ref["xtx"], rtol=1e-14)
    assert s.yty == pytest.approx(ref["yty"], rel=1e-14)
    path.write_text("a,y\n1,2\n4,\n7,9\n")
    with pytest.raises(ValueError, match=r"column y \(the target\) contains 1 NaN/missing.*first at row 1"):
        SufficientStats.from_csv(path, target="y")


def test_csv_duplicated_header_names_are_refused(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("a,b,a,y\n1,2,3,4\n5,6,7,8\n9,1,2,3\n")
    msg = r"dup\.csv', line 1 \(the header\): the CSV column name 'a' appears more than once \(columns 1 and 3"
    with pytest.raises(ValueError, match=msg):
        SufficientStats.from_csv(path, target="y")
    with pytest.raises(ValueError, match=msg):  # even when the duplicated column is not used
        SufficientStats.from_csv(path, target="y", features=["b"])
    path.write_text("x;y;y\n1;2;3\n4;5;6\n")
    with pytest.raises(ValueError, match=r"the CSV column name 'y' appears more than once \(columns 2 and 3"):
        SufficientStats.from_csv(path, target="y", sep=";")


def test_csv_options_that_would_hide_ragged_rows_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,2\n3,5\n")
    for option, value in (("usecols", ["a", "y"]), ("index_col", False), ("on_bad_lines", "skip"), ("names", None)):
        with pytest.raises(ValueError, match=rf"read_csv option '{option}' is set by from_csv itself"):
            SufficientStats.from_csv(path, target="y", **{option: value})


def test_parquet_duplicated_column_names_are_refused(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table([pa.array([1.0, 2.0, 4.0]), pa.array([3.0, 1.0, 0.0]), pa.array([1.0, 5.0, 2.0])],
                     names=["a", "y", "a"])  # fmt: skip
    pq.write_table(table, tmp_path / "dup.parquet")
    msg = r"dup\.parquet': the Parquet column name 'a' appears more than once \(columns 1 and 3"
    with pytest.raises(ValueError, match=msg):
        SufficientStats.from_parquet(tmp_path / "dup.parquet", target="y")
    with pytest.raises(ValueError, match=msg):
        SufficientStats.from_parquet(tmp_path / "dup.parquet", target="y", features=[])
