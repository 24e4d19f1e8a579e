"""Tests for bayesreg.suffstats: statistics against NumPy, exact merging, readers, solvers, bad input.

References: every statistic is compared with the textbook formula evaluated by NumPy on the whole
in-memory data set (``Xc.T @ Xc`` with ``Xc = X - X.mean(0)``). Tolerances: the two computations
round differently (BLAS syrk on [X, y] with a corrected two-pass mean against gemm on X), so they
agree to a few ulps of the largest entry: 1e-10 relative to the scale of the matrix, with margin.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayesreg.solvers import lasso, lasso_path, ridge
from bayesreg.suffstats import SufficientStats, check_stats_or_arrays, require_rows

RTOL = 1e-10


def _data(n=200, p=5, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ rng.standard_normal((p, p)) + shift
    y = X @ rng.standard_normal(p) + rng.standard_normal(n) + 3.0
    return X, y


def _reference(X, y):
    """The statistics by the textbook formulas, on the whole data set."""
    xm = X.mean(axis=0)
    ym = y.mean()
    Xc = X - xm
    yc = y - ym
    return dict(n=X.shape[0], x_mean=xm, y_mean=ym, xtx=Xc.T @ Xc, xty=Xc.T @ yc, yty=yc @ yc)


def _assert_stats(s, ref, rtol=RTOL):
    assert s.n == ref["n"]
    scale_x = max(1.0, np.abs(ref["x_mean"]).max())
    np.testing.assert_allclose(s.x_mean, ref["x_mean"], rtol=0, atol=rtol * scale_x)
    assert s.y_mean == pytest.approx(ref["y_mean"], rel=rtol, abs=rtol)
    scale = max(np.abs(ref["xtx"]).max(), ref["yty"])
    np.testing.assert_allclose(s.xtx, ref["xtx"], rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(s.xty, ref["xty"], rtol=0, atol=rtol * scale)
    assert s.yty == pytest.approx(ref["yty"], rel=rtol)


# ----------------------------------------------------------------------------- from arrays


def test_from_arrays_equals_numpy():
    X, y = _data()
    s = SufficientStats.from_arrays(X, y)
    _assert_stats(s, _reference(X, y))
    assert s.n_features == 5
    assert s.feature_names is None
    np.testing.assert_array_equal(s.xtx, s.xtx.T)


def test_gram_without_intercept_is_raw():
    X, y = _data(shift=2.0)
    G, q, yy = SufficientStats.from_arrays(X, y).gram(fit_intercept=False)
    scale = np.abs(X.T @ X).max()
    np.testing.assert_allclose(G, X.T @ X, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(q, X.T @ y, rtol=0, atol=1e-12 * scale)
    assert yy == pytest.approx(y @ y, rel=1e-12)


def test_fields_are_read_only_and_input_untouched():
    X, y = _data()
    X0, y0 = X.copy(), y.copy()
    s = SufficientStats.from_arrays(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    for field in (s.xtx, s.xty, s.x_mean):
        with pytest.raises(ValueError):
            field[0] = 1.0
    with pytest.raises(AttributeError):
        s.n = 3


def test_pickle_round_trip_keeps_read_only_fields():
    X, y = _data()
    s = SufficientStats.from_arrays(X, y, feature_names=list("abcde"))
    t = pickle.loads(pickle.dumps(s))
    np.testing.assert_array_equal(t.xtx, s.xtx)
    assert t.feature_names == s.feature_names and t.n == s.n and t.yty == s.yty
    assert not t.xtx.flags.writeable


def test_dataframe_names_are_kept():
    import pandas as pd  # a required dependency: imported, never skipped
    X, y = _data(p=3)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    s = SufficientStats.from_arrays(df, pd.Series(y))
    assert s.feature_names == ("age", "bmi", "bp")
    _assert_stats(s, _reference(X, y))


def test_constructor_validates_shapes():
    with pytest.raises(ValueError, match="n must be a positive integer"):
        SufficientStats(0, np.zeros(2), 0.0, np.eye(2), np.zeros(2), 1.0)
    with pytest.raises(ValueError, match="xtx must have shape"):
        SufficientStats(3, np.zeros(2), 0.0, np.eye(3), np.zeros(2), 1.0)
    with pytest.raises(ValueError, match="xty must have shape"):
        SufficientStats(3, np.zeros(2), 0.0, np.eye(2), np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="feature_names has 1 names"):
        SufficientStats(3, np.zeros(2), 0.0, np.eye(2), np.zeros(2), 1.0, feature_names=["a"])


# ----------------------------------------------------------------------------- merging


def test_merge_of_two_halves_equals_whole():
    X, y = _data(n=301)
    a = SufficientStats.from_arrays(X[:100], y[:100])
    b = SufficientStats.from_arrays(X[100:], y[100:])
    ref = _reference(X, y)
    _assert_stats(a.merge(b), ref)
    _assert_stats(b + a, ref)


@st.composite
def _partitioned(draw):
    n = draw(st.integers(2, 60))
    p = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    shift = draw(st.sampled_from([0.0, 1.0, -50.0, 1e4]))
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=min(6, n - 1))))
    bounds = [0, *cuts, n]
    order = draw(st.permutations(list(range(len(bounds) - 1))))
    tree_seed = draw(st.integers(0, 2**31 - 1))
    return n, p, seed, shift, bounds, order, tree_seed


def _random_tree_merge(parts, rng):
    """Merge a list of statistics along a random binary tree (random grouping)."""
    parts = list(parts)
    while len(parts) > 1:
        i = int(rng.integers(len(parts) - 1))
        parts[i : i + 2] = [parts[i].merge(parts[i + 1])]
    return parts[0]


@given(_partitioned())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_merge_in_any_order_and_grouping_equals_whole(case):
    n, p, seed, shift, bounds, order, tree_seed = case
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p) + shift
    y = rng.standard_normal(n) - shift
    pieces = [(X[bounds[i] : bounds[i + 1]], y[bounds[i] : bounds[i + 1]]) for i in order]
    parts = [SufficientStats.from_arrays(Xi, yi) for Xi, yi in pieces]
    ref = _reference(X, y)
    merged = _random_tree_merge(parts, np.random.default_rng(tree_seed))
    _assert_stats(merged, ref, rtol=1e-9)
    # left fold and right fold (associativity) agree with each other and with the whole
    left = parts[0]
    for part in parts[1:]:
        left = left.merge(part)
    right = parts[-1]
    for part in parts[-2::-1]:
        right = part.merge(right)
    _assert_stats(left, ref, rtol=1e-9)
    _assert_stats(right, ref, rtol=1e-9)
    _assert_stats(SufficientStats.from_chunks(pieces), ref, rtol=1e-9)


def test_merge_rejects_mismatches():
    X, y = _data(p=3)
    a = SufficientStats.from_arrays(X, y, feature_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="3 and 2 features"):
        a.merge(SufficientStats.from_arrays(X[:, :2], y))
    with pytest.raises(ValueError, match="different feature names"):
        a.merge(SufficientStats.from_arrays(X, y, feature_names=["a", "b", "z"]))
    with pytest.raises(TypeError, match="SufficientStats"):
        a.merge((X, y))
    unnamed = SufficientStats.from_arrays(X, y)
    assert a.merge(unnamed).feature_names == ("a", "b", "c")


def test_from_chunks_skips_empty_chunks_and_keeps_dataframe_names():
    import pandas as pd  # a required dependency: imported, never skipped
    X, y = _data(n=50, p=2)
    df = pd.DataFrame(X, columns=["u", "v"])
    chunks = [(df.iloc[:20], y[:20]), (df.iloc[20:20], y[20:20]), (df.iloc[20:], y[20:])]
    s = SufficientStats.from_chunks(chunks)
    assert s.feature_names == ("u", "v")
    _assert_stats(s, _reference(X, y))


def test_from_chunks_is_a_single_pass_over_a_generator():
    X, y = _data(n=1000)
    gen = ((X[i : i + 64], y[i : i + 64]) for i in range(0, 1000, 64))
    _assert_stats(SufficientStats.from_chunks(gen), _reference(X, y))


# ----------------------------------------------------------------------------- numerical stability


def test_means_of_1e8_give_the_map_of_the_centred_data():
    """Columns with means ~1e8: merged chunk statistics give the centred data's MAP to 1e-8.

    X = Xr + c with c ~ 1e8 per column; Xr = X - c is computed exactly (Sterbenz: the operands
    are within a factor of 2), so (Xr, yr) is exactly the same data, shifted. The lasso is
    shift-invariant with an intercept, so its coefficients must agree.
    """
    rng = np.random.default_rng(3)
    n, p = 4000, 6
    c = 1e8 * (1.0 + np.arange(p) / 10)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 3, p) + c
    Xr = X - c
    beta = np.array([2.0, -1.0, 0.0, 0.0, 0.5, 0.0])
    yr = Xr @ beta + rng.standard_normal(n)
    y = yr + 1e8
    yr = y - 1e8  # exact, as above
    chunks = [(X[i : i + 333], y[i : i + 333]) for i in range(0, n, 333)]
    big = SufficientStats.from_chunks(chunks)
    ref = _reference(Xr, yr)
    # the centred statistics of the shifted data equal those of the unshifted data
    scale = np.abs(ref["xtx"]).max()
    np.testing.assert_allclose(big.xtx, ref["xtx"], rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(big.xty, ref["xty"], rtol=0, atol=1e-10 * scale)
    assert big.yty == pytest.approx(ref["yty"], rel=1e-10)
    # the raw-sum formula cancels catastrophically on the same data: the test has teeth
    naive = X.T @ X - n * np.outer(X.mean(0), X.mean(0))
    assert np.abs(naive - ref["xtx"]).max() > 1e-3 * scale
    alpha = 0.05
    fit_big = lasso(big, alpha=alpha, tol=1e-14)
    fit_ref = lasso(Xr, yr, alpha=alpha, tol=1e-14)
    assert np.linalg.norm(fit_big.coef - fit_ref.coef) <= 1e-8 * np.linalg.norm(fit_ref.coef)
    np.testing.assert_array_equal(fit_big.coef != 0, fit_ref.coef != 0)
    # the same predictions on the original scale
    pred_big = fit_big.intercept + X[:5] @ fit_big.coef
    pred_ref = 1e8 + fit_ref.intercept + Xr[:5] @ fit_ref.coef
    np.testing.assert_allclose(pred_big, pred_ref, rtol=1e-8)


def test_jumpy_stream_and_constant_columns_stay_exact():
    """A chunk shifted by a far-off mean (sorted data), and constant columns.

    Each chunk is shifted by the previous chunk's mean. Here the chunk's mean is 1e6 standard
    deviations from that shift, and the one-pass identity would lose every digit (error ~ eps *
    m * 1e12 against G_jj ~ m * 1e-6), so the kernel must re-reduce the chunk about its own mean.
    Reference: the centred Gram of the chunk in long double.
    """
    from bayesreg.suffstats import _centred_moments

    rng = np.random.default_rng(11)
    B = rng.standard_normal((700, 3)) * 1e-3 + 1e6 * np.array([1.0, -1.0, 0.5])
    Bl = B.astype(np.longdouble)
    Bc = Bl - Bl.mean(axis=0)
    ref = np.asarray(Bc.T @ Bc, dtype=np.float64)
    mean, mean_lo, G = _centred_moments([B], 700, shift=np.zeros(3))
    np.testing.assert_allclose(G, ref, rtol=0, atol=1e-10 * np.abs(ref).max())
    np.testing.assert_allclose(mean + mean_lo, np.asarray(Bl.mean(axis=0), dtype=float), rtol=1e-15)
    # and through the public API: a stream whose chunk means jump by 1e6 standard deviations
    parts = [(B - i * 1e6, rng.standard_normal(700)) for i in range(3)]
    s = SufficientStats.from_chunks(parts)
    Xall = np.vstack([Xi for Xi, _ in parts]).astype(np.longdouble)
    Xc = Xall - Xall.mean(axis=0)
    ref_all = np.asarray(Xc.T @ Xc, dtype=np.float64)
    np.testing.assert_allclose(s.xtx, ref_all, rtol=0, atol=1e-14 * np.abs(ref_all).max())
    # a constant column has zero centred variance and covariance, whatever the shift
    X = rng.standard_normal((5000, 3))
    X[:, 1] = 0.1
    y = rng.standard_normal(5000)
    s = SufficientStats.from_chunks([(X[i : i + 700], y[i : i + 700]) for i in range(0, 5000, 700)])
    assert np.abs(s.xtx[1]).max() <= 1e-20 and abs(s.xty[1]) <= 1e-20
    assert s.x_mean[1] == pytest.approx(0.1, rel=1e-15)


# ----------------------------------------------------------------------------- solvers accept statistics


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_and_path_on_stats_equal_arrays(fit_intercept):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 8)) + 1.0
    y = X @ np.array([1.5, 0, 0, -2, 0, 0.5, 0, 0]) + rng.standard_normal(300)
    s = SufficientStats.from_chunks([(X[:120], y[:120]), (X[120:], y[120:])])
    kw = dict(alpha=0.1, tol=1e-12, fit_intercept=fit_intercept)
    a = lasso(X, y, mode="gram", **kw)
    b = lasso(s, **kw)
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-9, atol=1e-12)
    assert b.intercept == pytest.approx(a.intercept, rel=1e-9, abs=1e-12)
    np.testing.assert_array_equal(a.coef != 0, b.coef != 0)
    pa = lasso_path(X, y, n_alphas=10, tol=1e-12, fit_intercept=fit_intercept)
    pb = lasso_path(s, n_alphas=10, tol=1e-12, fit_intercept=fit_intercept)
    np.testing.assert_allclose(pb.alphas, pa.alphas, rtol=1e-12)
    np.testing.assert_allclose(pb.coefs, pa.coefs, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_on_stats_equals_arrays(fit_intercept):
    X, y = _data(n=150, p=6, seed=6)
    s = SufficientStats.from_chunks([(X[:40], y[:40]), (X[40:], y[40:])])
    a = ridge(X, y, alpha=0.3, fit_intercept=fit_intercept)
    b = ridge(s, alpha=0.3, fit_intercept=fit_intercept)
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-10)
    assert b.intercept == pytest.approx(a.intercept, rel=1e-10, abs=1e-12)


def test_check_stats_or_arrays_and_require_rows():
    X, y = _data()
    s = SufficientStats.from_arrays(X, y)
    assert check_stats_or_arrays(s, None)[0] is s
    with pytest.raises(ValueError, match="y must be omitted"):
        check_stats_or_arrays(s, y)
    with pytest.raises(ValueError, match="y is required"):
        check_stats_or_arrays(X, None)
    require_rows(X, "the posterior predictive")
    with pytest.raises(ValueError, match="the posterior predictive needs the individual rows"):
        require_rows(s, "the posterior predictive")


# ----------------------------------------------------------------------------- files


@pytest.fixture
def frame():
    import pandas as pd  # a required dependency: imported, never skipped
    X, y = _data(n=500, p=4, seed=9, shift=10.0)
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    df.insert(2, "target", y)
    df["d"] = np.round(df["d"] * 10).astype(np.int64)  # an integer column
    X = df[["a", "b", "c", "d"]].to_numpy(float)
    return df, X, y


@pytest.mark.parametrize("chunk_rows", [None, 1, 77, 500, 10_000])
def test_from_npy_separate_target(tmp_path, chunk_rows):
    X, y = _data(n=500, p=4, seed=2, shift=5.0)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    s = SufficientStats.from_npy(tmp_path / "X.npy", tmp_path / "y.npy", chunk_rows=chunk_rows)
    _assert_stats(s, _reference(X, y))


@pytest.mark.parametrize("target", [0, 2, -1])
def test_from_npy_target_column_and_layouts(tmp_path, target):
    X, y = _data(n=400, p=3, seed=4)
    A = np.insert(X, target % 4, y, axis=1)
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "F.npy", np.asfortranarray(A))
    np.save(tmp_path / "I.npy", np.round(A * 100).astype(np.int32))
    names = ["p", "q", "r"]
    s = SufficientStats.from_npy(tmp_path / "A.npy", target=target, chunk_rows=64, feature_names=names)
    _assert_stats(s, _reference(X, y))
    assert s.feature_names == tuple(names)
    _assert_stats(SufficientStats.from_npy(str(tmp_path / "F.npy"), target=target, chunk_rows=64), _reference(X, y))
    Ai = np.round(A * 100).astype(np.int32).astype(float)
    Xi, yi = np.delete(Ai, target % 4, axis=1), Ai[:, target % 4]
    _assert_stats(SufficientStats.from_npy(tmp_path / "I.npy", target=target, chunk_rows=64), _reference(Xi, yi))


def test_from_csv(tmp_path, frame):
    df, X, y = frame
    df.to_csv(tmp_path / "d.csv", index=False)
    s = SufficientStats.from_csv(tmp_path / "d.csv", target="target", chunk_rows=64)
    assert s.feature_names == ("a", "b", "c", "d")
    _assert_stats(s, _reference(X, y))
    sub = SufficientStats.from_csv(tmp_path / "d.csv", target="target", features=["c", "a"])
    assert sub.feature_names == ("c", "a")
    _assert_stats(sub, _reference(X[:, [2, 0]], y))
    # several files = their concatenation
    df.iloc[:123].to_csv(tmp_path / "p1.csv", index=False)
    df.iloc[123:].to_csv(tmp_path / "p2.csv", index=False)
    two = SufficientStats.from_csv([tmp_path / "p1.csv", tmp_path / "p2.csv"], target="target", chunk_rows=50)
    _assert_stats(two, _reference(X, y))
    # read_csv options pass through
    df.to_csv(tmp_path / "semi.csv", index=False, sep=";")
    _assert_stats(SufficientStats.from_csv(tmp_path / "semi.csv", target="target", sep=";"), _reference(X, y))


def test_from_parquet(tmp_path, frame):
    pytest.importorskip("pyarrow")
    df, X, y = frame
    df.to_parquet(tmp_path / "d.parquet", row_group_size=100)
    s = SufficientStats.from_parquet(tmp_path / "d.parquet", target="target", chunk_rows=37)
    assert s.feature_names == ("a", "b", "c", "d")
    _assert_stats(s, _reference(X, y))
    # a directory of files
    (tmp_path / "dir").mkdir()
    df.iloc[:250].to_parquet(tmp_path / "dir" / "part0.parquet")
    df.iloc[250:].to_parquet(tmp_path / "dir" / "part1.parquet")
    _assert_stats(SufficientStats.from_parquet(tmp_path / "dir", target="target"), _reference(X, y))
    sub = SufficientStats.from_parquet(tmp_path / "d.parquet", target="target", features=["d"])
    _assert_stats(sub, _reference(X[:, [3]], y))


# ----------------------------------------------------------------------------- bad input


def test_bad_chunks_name_the_chunk():
    X, y = _data(n=90, p=3)
    good = [(X[:30], y[:30]), (X[30:60], y[30:60]), (X[60:], y[60:])]
    with pytest.raises(ValueError, match="chunk 2 has 2 columns but earlier chunks have 3"):
        SufficientStats.from_chunks([*good[:2], (X[60:, :2], y[60:])])
    Xn = X.copy()
    Xn[41, 1] = np.nan
    with pytest.raises(ValueError, match=r"chunk 1 \(rows 30-59\): column 1 of X contains 1 NaN.*row 41"):
        SufficientStats.from_chunks([(Xn[:30], y[:30]), (Xn[30:60], y[30:60]), (Xn[60:], y[60:])])
    yn = y.copy()
    yn[75] = np.inf
    with pytest.raises(ValueError, match=r"chunk 2 .*y \(the target\) contains 1 infinite.*row 75"):
        SufficientStats.from_chunks([(X[:30], yn[:30]), (X[30:60], yn[30:60]), (X[60:], yn[60:])])
    Xo = X.copy()
    Xo[5, 0] = 1e200
    with pytest.raises(ValueError, match="chunk 0 .*column 0 of X overflows"):
        SufficientStats.from_chunks([(Xo[:30], y[:30])])
    with pytest.raises(ValueError, match="chunk 1: y has 29 entries but X has 30 rows"):
        SufficientStats.from_chunks([good[0], (X[30:60], y[30:59])])
    with pytest.raises(ValueError, match="chunks is empty"):
        SufficientStats.from_chunks([])
    with pytest.raises(TypeError, match="chunk 0 must be a pair"):
        SufficientStats.from_chunks([X])
    with pytest.raises(TypeError, match="X of chunk 1 must contain numbers"):
        SufficientStats.from_chunks([good[0], (np.array([["a", "b", "c"]]), y[:1])])
    with pytest.raises(ValueError, match="X of chunk 0 must be 2-D"):
        SufficientStats.from_chunks([(y, y)])


def test_nothing_is_merged_silently_from_a_bad_chunk():
    """The reduction stops at the bad chunk: no partial result is returned."""
    X, y = _data(n=60, p=2)
    Xn = X.copy()
    Xn[59, 0] = np.nan
    seen = []

    def chunks():
        for i in range(0, 60, 20):
            seen.append(i)
            yield Xn[i : i + 20], y[i : i + 20]

    with pytest.raises(ValueError, match="chunk 2"):
        SufficientStats.from_chunks(chunks())
    assert seen == [0, 20, 40]


def test_bad_npy_files(tmp_path):
    X, y = _data(n=100, p=3)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    (tmp_path / "empty.npy").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.npy.*is empty"):
        SufficientStats.from_npy(tmp_path / "empty.npy", tmp_path / "y.npy")
    np.save(tmp_path / "norows.npy", np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"norows\.npy.*holds no data"):
        SufficientStats.from_npy(tmp_path / "norows.npy", tmp_path / "y.npy")
    (tmp_path / "junk.npy").write_bytes(b"not a numpy file at all")
    with pytest.raises(ValueError, match=r"junk\.npy.*could not be read"):
        SufficientStats.from_npy(tmp_path / "junk.npy", tmp_path / "y.npy")
    with pytest.raises(FileNotFoundError, match=r"missing\.npy"):
        SufficientStats.from_npy(tmp_path / "missing.npy", tmp_path / "y.npy")
    np.save(tmp_path / "short.npy", y[:99])
    with pytest.raises(ValueError, match=r"short\.npy.*99 entries.*100 rows"):
        SufficientStats.from_npy(tmp_path / "X.npy", tmp_path / "short.npy")
    with pytest.raises(ValueError, match="exactly one of path_y"):
        SufficientStats.from_npy(tmp_path / "X.npy")
    with pytest.raises(ValueError, match="exactly one of path_y"):
        SufficientStats.from_npy(tmp_path / "X.npy", tmp_path / "y.npy", target=0)
    with pytest.raises(ValueError, match="target must be <= 2"):
        SufficientStats.from_npy(tmp_path / "X.npy", target=3)
    with pytest.raises(ValueError, match="chunk_rows must be >= 1"):
        SufficientStats.from_npy(tmp_path / "X.npy", tmp_path / "y.npy", chunk_rows=0)
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    with pytest.raises(TypeError, match=r"s\.npy.*non-numeric"):
        SufficientStats.from_npy(tmp_path / "s.npy", tmp_path / "y.npy")
    Xn = X.copy()
    Xn[57, 2] = np.nan
    np.save(tmp_path / "nan.npy", Xn)
    with pytest.raises(ValueError, match=r"nan\.npy.*chunk 2 \(rows 50-74\): column 2 of X contains 1 NaN.*row 57"):
        SufficientStats.from_npy(tmp_path / "nan.npy", tmp_path / "y.npy", chunk_rows=25)


def test_bad_csv_files(tmp_path, frame):
    df, X, y = frame
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match=r"empty\.csv' is empty"):
        SufficientStats.from_csv(tmp_path / "empty.csv", target="target")
    (tmp_path / "header.csv").write_text("a,b,target\n")
    with pytest.raises(ValueError, match=r"header\.csv' has a header but no data rows"):
        SufficientStats.from_csv(tmp_path / "header.csv", target="target")
    df.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(ValueError, match=r"target column 'price' is missing from file .*d\.csv"):
        SufficientStats.from_csv(tmp_path / "d.csv", target="price")
    with pytest.raises(ValueError, match=r"feature column\(s\) \['zz'\] missing"):
        SufficientStats.from_csv(tmp_path / "d.csv", target="target", features=["a", "zz"])
    bad = df.copy()
    bad["b"] = bad["b"].astype(object)
    bad.loc[321, "b"] = "oops"
    bad.to_csv(tmp_path / "str.csv", index=False)
    with pytest.raises(TypeError, match=r"str\.csv', chunk 3 \(rows 300-399\): column 'b' is not numeric.*'oops'"):
        SufficientStats.from_csv(tmp_path / "str.csv", target="target", chunk_rows=100)
    miss = df.copy()
    miss.loc[250, "target"] = np.nan
    miss.to_csv(tmp_path / "miss.csv", index=False)
    with pytest.raises(ValueError, match=r"miss\.csv', chunk 2 .*column 'target' contains 1 NaN/missing.*row 250"):
        SufficientStats.from_csv(tmp_path / "miss.csv", target="target", chunk_rows=100)
    df[["a", "b", "target"]].to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(ValueError, match=r"other\.csv' has feature columns \['a', 'b'\] but earlier files"):
        SufficientStats.from_csv([tmp_path / "d.csv", tmp_path / "other.csv"], target="target")
    with pytest.raises(ValueError, match="chunksize"):
        SufficientStats.from_csv(tmp_path / "d.csv", target="target", chunksize=10)


def test_bad_parquet_files(tmp_path, frame):
    pytest.importorskip("pyarrow")
    df, X, y = frame
    (tmp_path / "empty.parquet").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.parquet' is empty"):
        SufficientStats.from_parquet(tmp_path / "empty.parquet", target="target")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 garbage")
    with pytest.raises(ValueError, match=r"junk\.parquet' could not be read as Parquet"):
        SufficientStats.from_parquet(tmp_path / "junk.parquet", target="target")
    df.iloc[:0].to_parquet(tmp_path / "norows.parquet")
    with pytest.raises(ValueError, match=r"norows\.parquet' has no data rows"):
        SufficientStats.from_parquet(tmp_path / "norows.parquet", target="target")
    df.to_parquet(tmp_path / "d.parquet")
    with pytest.raises(ValueError, match=r"target column 'price' is missing from file .*d\.parquet"):
        SufficientStats.from_parquet(tmp_path / "d.parquet", target="price")
    nulls = df.copy()
    nulls["d"] = nulls["d"].astype("Int64")
    nulls.loc[404, "d"] = None
    nulls.to_parquet(tmp_path / "nulls.parquet", row_group_size=100)
    with pytest.raises(ValueError, match=r"nulls\.parquet', batch 4 .*column 'd' contains 1 NaN/missing.*row 404"):
        SufficientStats.from_parquet(tmp_path / "nulls.parquet", target="target", chunk_rows=100)
    text = df.copy()
    text["c"] = text["c"].astype(str)
    text.to_parquet(tmp_path / "text.parquet")
    with pytest.raises(TypeError, match=r"text\.parquet': column 'c' is not numeric"):
        SufficientStats.from_parquet(tmp_path / "text.parquet", target="target")
    (tmp_path / "nodir").mkdir()
    with pytest.raises(ValueError, match="holds no"):
        SufficientStats.from_parquet(tmp_path / "nodir", target="target")
    with pytest.raises(FileNotFoundError, match=r"gone\.parquet"):
        SufficientStats.from_parquet(tmp_path / "gone.parquet", target="target")
