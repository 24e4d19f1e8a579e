"""Bad input at the public boundary: ValueError/TypeError naming the argument, never a silent NaN.

Checked on the helpers in bayesreg._validation and end to end on the public entry points
that take data (solvers, SufficientStats, priors, penalties, mapping).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bayesreg import _validation as v
from bayesreg import mapping
from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.priors import Gaussian, Laplace
from bayesreg.solvers import elastic_net, lasso, lasso_path, ridge
from bayesreg.suffstats import SufficientStats

X_OK = np.arange(12.0).reshape(6, 2) ** 1.5 / 10 + np.array([[0.0, 1.0]])
Y_OK = np.array([1.0, 0.0, 2.0, 1.5, 3.0, 2.0])

# every entry point that takes (X, y); each must validate before any heavy work
ENTRY_POINTS = {
    "check_Xy": lambda X, y: v.check_Xy(X, y),
    "lasso": lambda X, y: lasso(X, y, alpha=0.1),
    "elastic_net": lambda X, y: elastic_net(X, y, alpha=0.1, l1_ratio=0.5),
    "ridge": lambda X, y: ridge(X, y, alpha=0.1),
    "lasso_path": lambda X, y: lasso_path(X, y, n_alphas=3),
    "SufficientStats": lambda X, y: SufficientStats.from_arrays(X, y),
}
entry_points = pytest.mark.parametrize("fit", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))


def _with(arr, idx, value):
    out = np.array(arr, dtype=float)
    out[idx] = value
    return out


# ---------------------------------------------------------------- bad data, end to end


@entry_points
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_X_raises_naming_X(fit, bad):
    with pytest.raises(ValueError, match=r"X contains 1 NaN or infinite"):
        fit(_with(X_OK, (2, 1), bad), Y_OK)


@entry_points
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_y_raises_naming_y(fit, bad):
    with pytest.raises(ValueError, match=r"y contains 1 NaN or infinite"):
        fit(X_OK, _with(Y_OK, 3, bad))


@entry_points
def test_mismatched_lengths_raise(fit):
    with pytest.raises(ValueError, match=r"y has 5 entries but X has 6 rows"):
        fit(X_OK, Y_OK[:5])


@entry_points
@pytest.mark.parametrize("X", [Y_OK, X_OK[None, :, :], 3.0], ids=["1-D", "3-D", "scalar"])
def test_X_not_2d_raises(fit, X):
    with pytest.raises(ValueError, match=r"X must be a 2-D array"):
        fit(X, Y_OK)


@entry_points
def test_y_not_1d_raises(fit):
    with pytest.raises(ValueError, match=r"y must be 1-D"):
        fit(X_OK, np.ones((6, 2)))


@entry_points
@pytest.mark.parametrize(
    "X",
    [
        np.array([["a", "b"]] * 6),
        np.array([["1.0", "2.0"]] * 6),  # text that spells numbers is still text
        np.array([[1.0, "x"]] * 6, dtype=object),
        np.array([[1.0, {}]] * 6, dtype=object),
        np.array([[1 + 2j, 0]] * 6),
        np.array(["2024-01-01"] * 12, dtype="datetime64[D]").reshape(6, 2),
        "not an array",
    ],
    ids=["str", "numeric-str", "object-str", "object-dict", "complex", "datetime", "string"],
)
def test_non_numeric_X_raises_type_error(fit, X):
    with pytest.raises(TypeError, match=r"^X "):
        fit(X, Y_OK)


@entry_points
def test_non_numeric_y_raises_type_error(fit):
    with pytest.raises(TypeError, match=r"^y "):
        fit(X_OK, np.array(["a"] * 6))


@entry_points
def test_no_rows_raises(fit):
    with pytest.raises(ValueError, match=r"X has no rows"):
        fit(np.empty((0, 2)), np.empty(0))


@entry_points
def test_no_columns_raises(fit):
    with pytest.raises(ValueError, match=r"X has no columns"):
        fit(np.empty((6, 0)), Y_OK)


@entry_points
def test_ragged_rows_raise(fit):
    with pytest.raises(ValueError, match=r"X could not be converted"):
        fit([[1.0, 2.0], [3.0]], [1.0, 2.0])


def test_dataframe_with_text_column_names_the_column():
    df = pd.DataFrame({"age": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]})
    with pytest.raises(TypeError, match=r"X must contain numbers only.*'city'"):
        lasso(df, [1.0, 2.0, 3.0], alpha=0.1)


def test_dataframe_with_missing_values_reports_nan():
    df = pd.DataFrame({"a": pd.array([1, None, 3, 4], dtype="Int64"), "b": [1.0, 2.0, 0.5, 4.0]})
    with pytest.raises(ValueError, match=r"X contains 1 NaN"):
        lasso(df, [1.0, 2.0, 3.0, 1.0], alpha=0.1)


# ---------------------------------------------------------------- bad scalars


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: lasso(X_OK, Y_OK, alpha=-0.1), ValueError, "alpha"),
        (lambda: elastic_net(X_OK, Y_OK, alpha=-1.0), ValueError, "alpha"),
        (lambda: ridge(X_OK, Y_OK, alpha=-0.1), ValueError, "alpha"),
        (lambda: lasso(X_OK, Y_OK, alpha=np.nan), ValueError, "alpha"),
        (lambda: lasso(X_OK, Y_OK, alpha="0.1"), TypeError, "alpha"),
        (lambda: lasso(X_OK, Y_OK, alpha=[0.1]), TypeError, "alpha"),
        (lambda: L1(-1.0), ValueError, "alpha"),
        (lambda: L2(-1.0), ValueError, "alpha"),
        (lambda: ElasticNet(1.0, -0.1), ValueError, "l1_ratio"),
        (lambda: Laplace(0.0), ValueError, "scale"),
        (lambda: Laplace(-1.0), ValueError, "scale"),
        (lambda: Gaussian(0.0), ValueError, "scale"),
        (lambda: mapping.lasso_alpha(0.0, sigma=1.0, n_samples=3), ValueError, "scale"),
        (lambda: mapping.lasso_alpha(1.0, sigma=0.0, n_samples=3), ValueError, "sigma"),
    ],
)
def test_bad_scalars_raise_naming_them(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- the helpers


def test_check_scalar():
    assert v.check_scalar(np.float32(0.5), "a") == 0.5
    assert v.check_scalar(np.array(2.5), "a") == 2.5  # 0-d arrays are scalars
    assert v.check_scalar(3, "n", integer=True) == 3 and isinstance(v.check_scalar(3.0, "n", integer=True), int)
    assert v.check_scalar(np.int64(7), "n", integer=True, lower=1) == 7
    for bad, exc in [
        (True, TypeError),
        (np.bool_(True), TypeError),
        (1 + 0j, TypeError),
        (np.complex128(1.0), TypeError),
        ("1", TypeError),
        (None, TypeError),
        (np.array([1.0]), TypeError),
        (np.nan, ValueError),
        (np.inf, ValueError),
    ]:
        with pytest.raises(exc, match="^a "):
            v.check_scalar(bad, "a")
    with pytest.raises(TypeError, match="n must be an integer"):
        v.check_scalar(2.5, "n", integer=True)
    with pytest.raises(ValueError, match=r"a must be > 0"):
        v.check_positive(0.0, "a")
    with pytest.raises(ValueError, match=r"a must be >= 0"):
        v.check_nonnegative(-1e-300, "a")
    with pytest.raises(ValueError, match=r"a must be < 1"):
        v.check_scalar(1.0, "a", upper=1.0, upper_inclusive=False)


def test_check_choice_and_bool():
    assert v.check_choice("gram", "mode", ("auto", "gram")) == "gram"
    with pytest.raises(ValueError, match=r"mode must be one of \['auto', 'gram'\]; got 'fast'"):
        v.check_choice("fast", "mode", {"gram", "auto"})
    with pytest.raises(ValueError, match="mode"):
        v.check_choice(np.array(["auto", "gram"]), "mode", ("auto", "gram"))
    with pytest.raises(ValueError, match="mode"):
        v.check_choice(["auto"], "mode", ("auto",))
    assert v.check_bool(np.bool_(True), "flag") is True
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match="flag"):
            v.check_bool(bad, "flag")


def test_check_vector_accepts_column_and_reports_lengths():
    np.testing.assert_array_equal(v.check_vector(Y_OK[:, None]), Y_OK)
    with pytest.raises(ValueError, match="coef has 3 entries but the features has 2"):
        v.check_vector([1.0, 2.0, 3.0], "coef", n=2, n_name="the features")
    with pytest.raises(ValueError, match="y is empty"):
        v.check_vector([])


def test_object_arrays_of_numbers_are_converted():
    X = np.array([[1, 2.5], [np.float32(3), np.bool_(True)]], dtype=object)
    out = v.check_matrix(X)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 2.5], [3.0, 1.0]])
    # a DataFrame of mixed numeric kinds (bool, float, nullable int, numeric categorical)
    df = pd.DataFrame(
        {"a": [True, False], "b": [1.0, 2.0], "c": pd.array([1, 2], dtype="Int64"), "d": pd.Categorical([1.0, 2.0])}
    )
    np.testing.assert_array_equal(v.check_matrix(df), [[1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 2.0, 2.0]])
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        v.check_matrix(np.array([[1.0, None]], dtype=object))


# ---------------------------------------------------------------- accepted containers


def test_dataframes_series_and_lists_give_the_same_answer():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, 0.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(30)
    ref = lasso(X, y, alpha=0.05, tol=1e-10)
    df = pd.DataFrame(X, columns=list("abcd"))
    for Xi, yi in [
        (df, pd.Series(y)),
        (X.tolist(), y.tolist()),
        (df.astype("float32"), y.astype(np.float32)),
        (np.asfortranarray(X), y),
        (np.repeat(X, 2, axis=1)[:, ::2], y),  # a non-contiguous view
        (pd.DataFrame({c: pd.array(X[:, i], dtype="Float64") for i, c in enumerate("abcd")}), y),
    ]:
        out = lasso(Xi, yi, alpha=0.05, tol=1e-10)
        np.testing.assert_allclose(out.coef, ref.coef, rtol=1e-5 if np.asarray(Xi).dtype == np.float32 else 1e-12)
    r1 = ridge(df, pd.Series(y), alpha=0.1)
    np.testing.assert_allclose(r1.coef, ridge(X, y, alpha=0.1).coef, rtol=1e-12)
    # integer and boolean data are numbers
    Xi = rng.integers(0, 5, size=(30, 3))
    np.testing.assert_array_equal(v.check_matrix(Xi), Xi.astype(float))
    np.testing.assert_array_equal(v.check_matrix(Xi > 2), (Xi > 2).astype(float))


# ---------------------------------------------------------------- inputs never modified


def test_inputs_are_never_modified_in_place():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((25, 6)) * np.array([1, 10, 100, 1, 1, 1]) + 3.0
    y = X[:, 0] - X[:, 2] / 100 + rng.standard_normal(25) + 5.0
    X0, y0 = X.copy(), y.copy()
    # read-only arrays: any attempt to write into them raises instead of silently corrupting
    X.setflags(write=False)
    y.setflags(write=False)
    df = pd.DataFrame(X0.copy())
    df0 = df.copy()
    beta = rng.standard_normal(6)
    beta.setflags(write=False)
    b0 = beta.copy()
    for fit_intercept in (True, False):
        lasso(X, y, alpha=0.1, fit_intercept=fit_intercept)
        lasso(X, y, alpha=0.1, fit_intercept=fit_intercept, mode="gram")
        elastic_net(X, y, alpha=0.1, l1_ratio=0.3, fit_intercept=fit_intercept)
        ridge(X, y, alpha=0.1, fit_intercept=fit_intercept)
        lasso_path(X, y, n_alphas=4, fit_intercept=fit_intercept)
    lasso(X, y, alpha=0.1, coef_init=beta)
    lasso(df, y, alpha=0.1)
    SufficientStats.from_arrays(X, y)
    for pen in (L1(0.3), L2(0.3), ElasticNet(0.3, 0.5)):
        pen.value(beta)
        pen.prox(beta, 0.5)
        pen.subdiff_distance(beta, beta)
    Laplace(1.0).logp(beta)
    Gaussian(1.0).logp(beta)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(beta, b0)
    pd.testing.assert_frame_equal(df, df0)


def test_validated_array_is_a_copy_when_converted():
    X = np.arange(6).reshape(3, 2)  # int: converted, so a new array
    out = v.check_matrix(X)
    out[0, 0] = 99.0
    assert X[0, 0] == 0


# ---------------------------------------------------------------- degenerate but valid


def test_constant_duplicated_columns_and_p_greater_than_n_work():
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(5)
    n = 15
    base = rng.standard_normal((n, 3))
    X = np.column_stack([base, np.full(n, 2.0), base[:, 0], rng.standard_normal((n, 25))])  # p = 30 > n
    y = base[:, 0] + 0.5 * base[:, 1] + 0.1 * rng.standard_normal(n)
    res = lasso(X, y, alpha=0.05, tol=1e-12)
    assert np.all(np.isfinite(res.coef)) and np.isfinite(res.intercept)
    assert res.coef[3] == 0.0  # a constant column is all zero once centred
    sk = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y)
    # duplicated columns make the minimiser non-unique, not the minimum: compare objectives
    obj = lambda b, b0: np.sum((y - b0 - X @ b) ** 2) / (2 * n) + 0.05 * np.abs(b).sum()  # noqa: E731
    assert obj(res.coef, res.intercept) == pytest.approx(obj(sk.coef_, sk.intercept_), rel=1e-9)
    r = ridge(X, y, alpha=0.1)
    assert np.all(np.isfinite(r.coef)) and r.coef[3] == pytest.approx(0.0, abs=1e-12)
    # the duplicated column shares its weight equally under the ridge penalty
    assert r.coef[0] == pytest.approx(r.coef[4], rel=1e-8)


def test_finiteness_fast_path_misses_nothing():
    # the one-pass test sums the array: +inf and -inf together sum to NaN, huge finite values
    # overflow the sum (and must still pass), and a single NaN anywhere is found
    from bayesreg._validation import check_matrix

    X = np.ones((6, 4))
    X[1, 2], X[4, 0] = np.inf, -np.inf
    with pytest.raises(ValueError, match="2 NaN or infinite"):
        check_matrix(X)
    big = np.full((3, 3), 1e308)
    assert check_matrix(big) is not None
    Y = np.asfortranarray(np.ones((5, 5)))
    Y[3, 3] = np.nan
    with pytest.raises(ValueError, match="1 NaN or infinite"):
        check_matrix(Y[:, 1::2])  # a strided view holding the NaN
