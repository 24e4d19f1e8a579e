"""SufficientStats.from_dask on a dask.distributed LocalCluster (loopback, two workers).

Reference: the textbook formulas evaluated by NumPy on the same data held in memory. The reduction
on the cluster merges per-block statistics along a tree, so it rounds differently: agreement to
1e-10 relative to the scale of each matrix.
"""

from __future__ import annotations

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from bayesreg.solvers import lasso  # noqa: E402
from bayesreg.suffstats import SufficientStats  # noqa: E402

RTOL = 1e-10


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _data(n=1000, p=4, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.arange(1, p + 1) + shift
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def _assert_matches_numpy(s, X, y):
    xm, ym = X.mean(0), y.mean()
    Xc, yc = X - xm, y - ym
    assert s.n == X.shape[0]
    np.testing.assert_allclose(s.x_mean, xm, rtol=0, atol=RTOL * max(1.0, np.abs(xm).max()))
    assert s.y_mean == pytest.approx(ym, rel=RTOL, abs=RTOL)
    scale = np.abs(Xc.T @ Xc).max()
    np.testing.assert_allclose(s.xtx, Xc.T @ Xc, rtol=0, atol=RTOL * scale)
    np.testing.assert_allclose(s.xty, Xc.T @ yc, rtol=0, atol=RTOL * scale)
    assert s.yty == pytest.approx(yc @ yc, rel=RTOL)


def test_dask_array_on_cluster_equals_numpy(client):
    X, y = _data(shift=1e6)
    # blocks split along the columns too, and y chunked differently from X: both are rechunked
    Xd = da.from_array(X, chunks=(97, 3))
    yd = da.from_array(y, chunks=250)
    with distributed.get_task_stream(client) as stream:
        s = SufficientStats.from_dask(Xd, yd, feature_names=["a", "b", "c", "d"], split_every=3)
    _assert_matches_numpy(s, X, y)
    assert s.feature_names == ("a", "b", "c", "d")
    # the per-block reductions and the merges ran as tasks on the cluster's workers
    keys = [str(t["key"]) for t in stream.data]
    assert sum("_dask_block_xy" in k for k in keys) == len(Xd.chunks[0])
    assert any("_merge_parts" in k for k in keys)
    assert {t["worker"] for t in stream.data} <= set(client.scheduler_info()["workers"])
    # a NumPy y is accepted too, and the MAP from the statistics equals the MAP from the arrays
    s2 = SufficientStats.from_dask(Xd, y)
    _assert_matches_numpy(s2, X, y)
    a = lasso(X, y, alpha=0.1, tol=1e-12, mode="gram")
    b = lasso(s2, alpha=0.1, tol=1e-12)
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-8, atol=1e-12)


def test_dask_array_with_target_column(client):
    X, y = _data(seed=1)
    A = np.column_stack([X[:, :1], y, X[:, 1:]])
    s = SufficientStats.from_dask(da.from_array(A, chunks=(128, 5)), target=1)
    _assert_matches_numpy(s, X, y)


def test_dask_dataframe_keeps_names(client):
    X, y = _data(seed=2)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    df["target"] = y
    ddf = dd.from_pandas(df, npartitions=7)
    s = SufficientStats.from_dask(ddf, target="target")
    assert s.feature_names == ("age", "bmi", "bp", "s1")
    _assert_matches_numpy(s, X, y)
    sub = SufficientStats.from_dask(ddf, target="target", features=["bp", "age"])
    assert sub.feature_names == ("bp", "age")
    _assert_matches_numpy(sub, X[:, [2, 0]], y)


def test_dask_errors_name_the_block(client):
    X, y = _data(n=300)
    Xn = X.copy()
    Xn[210, 3] = np.nan
    with pytest.raises(ValueError, match=r"dask block 2 \(rows 200-299\): column 3 of X contains 1 NaN.*row 210"):
        SufficientStats.from_dask(da.from_array(Xn, chunks=(100, 4)), y)
    df = pd.DataFrame(X, columns=list("abcd"))
    df["t"] = y
    df.loc[150, "t"] = np.nan
    with pytest.raises(ValueError, match=r"dask partition 1: column 't' contains 1 NaN"):
        SufficientStats.from_dask(dd.from_pandas(df, npartitions=3, sort=False), target="t")


def test_dask_bad_arguments_fail_before_computing():
    X, y = _data(n=50)
    Xd = da.from_array(X, chunks=(10, 4))
    ddf = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=2)
    with pytest.raises(ValueError, match="target column 'zz' is missing from the dask DataFrame"):
        SufficientStats.from_dask(ddf, target="zz")
    with pytest.raises(ValueError, match="target .* is required"):
        SufficientStats.from_dask(ddf)
    with pytest.raises(ValueError, match="exactly one of y"):
        SufficientStats.from_dask(Xd)
    with pytest.raises(ValueError, match="y has 49 entries but X has 50 rows"):
        SufficientStats.from_dask(Xd, y[:49])
    with pytest.raises(ValueError, match="2-D"):
        SufficientStats.from_dask(da.from_array(y, chunks=10), y)
    with pytest.raises(TypeError, match="dask.array.Array or a dask.dataframe.DataFrame"):
        SufficientStats.from_dask(X, y)
    text = pd.DataFrame({"a": ["x", "y"], "t": [1.0, 2.0]})
    with pytest.raises(TypeError, match="column 'a' of the dask DataFrame is not numeric"):
        SufficientStats.from_dask(dd.from_pandas(text, npartitions=1), target="t")


def test_compute_false_returns_a_lazy_result():
    X, y = _data(n=200)
    lazy = SufficientStats.from_dask(da.from_array(X, chunks=(64, 4)), da.from_array(y, chunks=64), compute=False)
    s = lazy.compute(scheduler="sync")
    _assert_matches_numpy(s, X, y)
