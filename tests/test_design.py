"""The prepared design: validated once, its Gram form against numpy, passed through unvalidated."""

import numpy as np
import pytest

import bayesreg as br
from bayesreg import design
from bayesreg.design import ModelData, prepare_data


def data(n=40, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 3.0
    y = 1.0 + X @ rng.normal(size=p) + rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_form_matches_numpy(fit_intercept):
    X, y = data()
    d = prepare_data(X, y, fit_intercept=fit_intercept)
    Xc, yc = (X - X.mean(0), y - y.mean()) if fit_intercept else (X, y)
    np.testing.assert_allclose(d.G, Xc.T @ Xc, rtol=1e-12)
    np.testing.assert_allclose(d.q, Xc.T @ yc, rtol=1e-12)
    assert d.yy == pytest.approx(yc @ yc, rel=1e-12)
    np.testing.assert_allclose(d.x_offset, X.mean(0) if fit_intercept else 0.0, rtol=1e-14)
    assert d.n_eff == (39 if fit_intercept else 40)


def test_a_prepared_design_passes_through_without_revalidation(monkeypatch):
    X, y = data()
    d = prepare_data(X, y, feature_names=list("abcde"))
    assert prepare_data(d) is d
    calls = []
    real = design.check_Xy
    monkeypatch.setattr(design, "check_Xy", lambda *a, **k: calls.append(1) or real(*a, **k))
    a = br.map_estimate(d, None, br.Laplace(0.5), sigma=1.3)
    assert calls == []  # nothing validated the rows again
    b = br.map_estimate(X, y, br.Laplace(0.5), sigma=1.3, feature_names=list("abcde"))
    assert calls == [1]
    np.testing.assert_array_equal(a.coef, b.coef)
    assert a.feature_names == list("abcde")
    # options applied to a prepared design rebuild the flags, not the validation
    e = prepare_data(d, fit_intercept=False)
    assert isinstance(e, ModelData) and not e.fit_intercept and e.stats is d.stats and calls == [1]


def test_estimator_validates_the_rows_once(monkeypatch):
    X, y = data()
    calls = []
    real = design.check_Xy
    monkeypatch.setattr(design, "check_Xy", lambda *a, **k: calls.append(1) or real(*a, **k))
    br.BayesianRegression(prior=br.Laplace(0.5), sigma=1.0).fit(X, y)
    assert calls == [1]


def test_bad_input_names_the_argument():
    X, y = data()
    with pytest.raises(ValueError, match="y is required"):
        prepare_data(X)
    with pytest.raises(TypeError, match="fit_intercept"):
        prepare_data(X, y, fit_intercept="yes")
    with pytest.raises(ValueError, match="omitted"):
        prepare_data(prepare_data(X, y), y)
