import numpy as np
import pytest

from bayesreg import datasets
from bayesreg.datasets import (
    get_dataset,
    load_diabetes,
    make_cosine,
    make_polynomial,
    make_sparse_regression,
    polynomial_features,
)


def test_load_diabetes_matches_sklearn():
    from sklearn.datasets import load_diabetes as sk

    d = load_diabetes()
    raw = sk()
    assert d.X.shape == (442, 10)
    np.testing.assert_array_equal(d.X, raw.data)
    np.testing.assert_array_equal(d.y, raw.target)
    assert d.feature_names == tuple(raw.feature_names)
    assert d.X.dtype == np.float64 and not d.X.flags.writeable
    # scikit-learn's scaling: centred columns of unit norm
    np.testing.assert_allclose(d.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(d.X, axis=0), 1.0, rtol=1e-6)
    raw_units = load_diabetes(scaled=False)
    assert raw_units.X[:, 0].max() > 10  # age in years
    with pytest.raises(TypeError, match="scaled"):
        load_diabetes(scaled="yes")


def test_load_breast_cancer_is_sklearns_data_standardised():
    from sklearn.datasets import load_breast_cancer as sk
    from sklearn.preprocessing import StandardScaler

    raw = sk()
    d = datasets.load_breast_cancer()
    assert d.X.shape == (569, 30) and d.name == "breast_cancer"
    # standardised as scikit-learn's StandardScaler does it (an independent implementation)
    np.testing.assert_allclose(d.X, StandardScaler().fit_transform(raw.data), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(d.y, raw.target.astype(np.float64))
    assert set(np.unique(d.y)) == {0.0, 1.0} and int(d.y.sum()) == 357  # 357 benign, 212 malignant
    assert d.feature_names == tuple(raw.feature_names) and d.feature_names[0] == "mean radius"
    assert list(d.features.columns) == list(raw.feature_names)
    assert d.extra["target_names"] == ("malignant", "benign")
    assert d.X.dtype == np.float64 and not d.X.flags.writeable and not d.y.flags.writeable
    raw_units = datasets.load_breast_cancer(scaled=False)
    np.testing.assert_array_equal(raw_units.X, raw.data)
    # the round trip, to rounding of the largest raw value (areas of about 4e3)
    back = d.X * d.extra["scale"] + d.extra["mean"]
    np.testing.assert_allclose(raw_units.X, back, rtol=0, atol=1e-14 * raw.data.max())
    assert get_dataset("breast_cancer").X.shape == (569, 30)
    with pytest.raises(TypeError, match="scaled"):
        datasets.load_breast_cancer(scaled=1)


def test_make_cosine_is_the_sklearn_example():
    # the stream of scikit-learn's "Underfitting vs. Overfitting" example, written out independently
    rs = np.random.RandomState(0)
    x = np.sort(rs.rand(30))
    y = np.cos(1.5 * np.pi * x) + rs.randn(30) * 0.1
    d = make_cosine()
    np.testing.assert_array_equal(d.X[:, 0], x)
    np.testing.assert_array_equal(d.y, y)
    X, yy = d  # unpacks as (X, y)
    assert X.shape == (30, 1) and yy is d.y
    assert np.all(np.diff(d.X[:, 0]) >= 0)
    noiseless = make_cosine(50, noise=0.0, random_state=3)
    np.testing.assert_allclose(noiseless.y, np.cos(1.5 * np.pi * noiseless.X[:, 0]))


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"n_samples": 1}, ValueError, "n_samples"),
        ({"n_samples": 2.5}, TypeError, "n_samples"),
        ({"noise": -1.0}, ValueError, "noise"),
        ({"random_state": "a"}, TypeError, "random_state"),
    ],
)
def test_make_cosine_validates(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        make_cosine(**kwargs)


def test_polynomial_features_match_sklearn():
    from sklearn.preprocessing import PolynomialFeatures

    x = np.linspace(-1.0, 2.0, 7)
    P = polynomial_features(x, 15)
    ref = PolynomialFeatures(15, include_bias=False).fit_transform(x[:, None])
    np.testing.assert_allclose(P, ref, rtol=1e-14)
    np.testing.assert_allclose(polynomial_features(x[:, None], 3), ref[:, :3])
    with pytest.raises(ValueError, match="degree"):
        polynomial_features(x, 0)
    with pytest.raises(ValueError, match="x"):
        polynomial_features(np.ones((3, 2)), 2)
    d = make_polynomial(degree=4)
    assert d.feature_names == ("x^1", "x^2", "x^3", "x^4")
    np.testing.assert_array_equal(d.X[:, 1], d.extra["x"] ** 2)


def test_sparse_regression_structure():
    d = make_sparse_regression(40, 100, 6, noise=0.0, intercept=1.5, random_state=1)
    assert d.X.shape == (40, 100) and d.n_features == 100
    assert np.count_nonzero(d.coef) == 6
    np.testing.assert_array_equal(np.flatnonzero(d.coef), d.extra["support"])
    assert np.all((np.abs(d.coef[d.coef != 0]) >= 2.0) & (np.abs(d.coef[d.coef != 0]) <= 4.0))
    np.testing.assert_allclose(d.y, 1.5 + d.X @ d.coef)
    # seeded: same seed same data, different seed different data
    np.testing.assert_array_equal(make_sparse_regression(random_state=5).X, make_sparse_regression(random_state=5).X)
    assert not np.allclose(make_sparse_regression(random_state=5).X, make_sparse_regression(random_state=6).X)


def test_sparse_regression_correlation():
    # AR(1): neighbouring columns correlate at rho, lag two at rho^2; 20000 rows give sd ~ 0.007
    d = make_sparse_regression(20000, 4, 1, correlation=0.6, random_state=0)
    C = np.corrcoef(d.X, rowvar=False)
    assert abs(C[0, 1] - 0.6) < 0.03 and abs(C[1, 2] - 0.6) < 0.03
    assert abs(C[0, 2] - 0.36) < 0.03
    np.testing.assert_allclose(d.X.std(axis=0), 1.0, atol=0.03)


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"n_informative": 300}, ValueError, "n_informative"),
        ({"correlation": 1.0}, ValueError, "correlation"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"n_features": 0}, ValueError, "n_features"),
        ({"coef_scale": 0.0}, ValueError, "coef_scale"),
        ({"random_state": 1.5}, TypeError, "random_state"),
    ],
)
def test_sparse_regression_validates(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        make_sparse_regression(**kwargs)


def test_get_dataset_by_name():
    assert set(datasets.DATASETS) == {"diabetes", "breast_cancer", "cosine", "polynomial", "sparse"}
    assert get_dataset("sparse", n_samples=10, n_features=20, n_informative=2).X.shape == (10, 20)
    assert get_dataset("diabetes").name == "diabetes"
    with pytest.raises(ValueError, match="name must be one of"):
        get_dataset("iris")
    with pytest.raises(TypeError):
        get_dataset("cosine", bogus=1)


def test_as_frame():
    df = make_cosine().as_frame()
    assert list(df.columns) == ["x", "y"] and len(df) == 30


def test_features_frame_carries_the_names_into_results():
    import bayesreg as br
    from bayesreg.datasets import load_diabetes

    d = load_diabetes()
    X, y = d.features, d.y
    assert list(X.columns) == list(d.feature_names)
    np.testing.assert_array_equal(X.to_numpy(), d.X)
    fit = br.map_estimate(X, y, br.Laplace(20.0), sigma=54.0)
    assert fit.feature_names == list(d.feature_names)
