"""Issue 21, inputs answered as a demanding user expects (cases of "Seen 9").

- per-coefficient scales keyed by feature name (a pandas Series, a dict) are refused, never
  applied by position with their labels dropped;
- ``map_estimate`` on rows with ``p >= n`` forms no ``(p + 1) x (p + 1)`` Gram, and statistics
  that would not fit in memory are refused, naming the shape and the memory, before the work
  (the memory the system reports is patched to a small value, so no large file or array is made);
- statistics derived by the library (the Schur complement of unpenalised columns) are not
  re-validated as user input: an unpenalised column duplicated elsewhere gets the right MAP;
  a column whose squares underflow gets a true message;
- ``sparse_summary(method="dss" | "kappa")`` on a GLM posterior says what the method is for.

References are independent of the code under test: scikit-learn's ``Lasso`` on the design with the
unpenalised column and the intercept projected out (Frisch-Waugh-Lovell), the weighted ridge's normal
equations solved by ``numpy.linalg.solve``, and the lasso's optimality (KKT) conditions in NumPy.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from bayesreg import Gaussian, Horseshoe, Laplace, SufficientStats, map_estimate, sample_posterior, sparse_summary
from bayesreg import suffstats as S

# --------------------------------------------------------------------------- labelled scales


@pytest.mark.parametrize(
    "labelled",
    [
        pd.Series({"d": np.inf, "c": 0.01, "b": 0.01, "a": 0.01}),
        {"d": np.inf, "c": 0.01, "b": 0.01, "a": 0.01},
        pd.Series([np.inf, 0.01, 0.01, 0.01], index=["a", "b", "c", "d"]),
    ],
    ids=["series", "dict", "series-in-order"],
)
@pytest.mark.parametrize("cls", [Laplace, Gaussian])
def test_scales_keyed_by_name_are_refused_not_applied_by_position(cls, labelled):
    # today's main applies the Series by position: column 'a' (first) unpenalised, not 'd'
    before = labelled.copy()
    with pytest.raises(TypeError, match=r"with labels .* by position, not by name.*reindex\(X\.columns\)"):
        cls(labelled)
    # the user's object is untouched
    if isinstance(before, pd.Series):
        pd.testing.assert_series_equal(labelled, before)
    else:
        assert labelled == before


def test_positional_containers_are_still_accepted():
    # a Series with the default index carries positions, not names; arrays and lists as before
    for v in (pd.Series([1.0, np.inf]), np.array([1.0, np.inf]), [1.0, np.inf], (1.0, np.inf)):
        assert Laplace(v).scale == (1.0, np.inf)


def test_the_advised_reindex_gives_the_named_column_its_scale():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(40, 4)), columns=list("abcd"))
    y = X.to_numpy() @ [0.1, 0.1, 0.1, 0.1] + rng.normal(size=40)
    s = pd.Series({"d": np.inf, "c": 0.01, "b": 0.01, "a": 0.01})
    res = map_estimate(X, y, Laplace(s.reindex(X.columns).to_numpy()), sigma=1.0)
    # scales of 0.01 at sigma 1, n 40: alpha = 1/(40 * 0.01) = 2.5, far above every |x_j^T r| / n, so
    # a, b, c are exactly 0 and d (flat prior) is its least-squares coefficient given the intercept
    assert res.coef[:3].tolist() == [0.0, 0.0, 0.0]
    xd = X["d"].to_numpy() - X["d"].mean()
    assert res.coef[3] == pytest.approx(xd @ (y - y.mean()) / (xd @ xd), rel=1e-10)


# --------------------------------------------------------------------------- no Gram when p >= n


def _wide(n=6, p=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 3.0  # columns away from 0: centring matters
    y = X[:, :3] @ [2.0, -1.0, 0.5] + 0.1 * rng.normal(size=n)
    return X, y


def _kkt_violation(X, y, coef, intercept, alpha):
    """Largest violation of the lasso's optimality conditions, relative to alpha (NumPy, independent)."""
    n = X.shape[0]
    r = y - intercept - X @ coef
    g = X.T @ r / n  # the gradient of the data term (intercept at its optimum: sum r = 0)
    on = coef != 0
    v_on = np.abs(g[on] - alpha * np.sign(coef[on]))
    v_off = np.maximum(np.abs(g[~on]) - alpha, 0.0)
    return max(float(np.max(v_on, initial=0.0)), float(np.max(v_off, initial=0.0)), abs(float(r.mean()))) / alpha


@pytest.mark.parametrize("scale", ["common", "vector"])
def test_map_estimate_with_p_at_least_n_forms_no_gram(monkeypatch, scale):
    X, y = _wide()
    n, p = X.shape

    def no_gram(*args, **kwargs):
        raise AssertionError("the (p + 1) x (p + 1) statistics were formed")

    # every route to the statistics of rows goes through this constructor (today's main calls it
    # from prepare_data for every (X, y))
    monkeypatch.setattr(SufficientStats, "_from_valid_arrays", classmethod(no_gram))
    b, sigma = 0.5, 1.0
    prior = Laplace(b) if scale == "common" else Laplace(np.full(p, b))
    res = map_estimate(X, y, prior, sigma=sigma)
    assert res.converged
    alpha = sigma**2 / (n * b)
    # the solver stops at a duality gap of 1e-14 ||y_c||^2 / n; at that gap the gradient is within
    # about sqrt(2 gap max_j ||x_j||^2 / n) ~ 1e-6 of its optimum here, so 1e-4 alpha is 100 times that
    assert _kkt_violation(X, y, res.coef, res.intercept, alpha) < 1e-4
    assert 0 < np.count_nonzero(res.coef) <= n


def test_map_estimate_p_at_least_n_matches_scikit_learn():
    from sklearn.linear_model import Lasso

    X, y = _wide(n=8, p=300, seed=1)
    n = X.shape[0]
    b = 0.2
    res = map_estimate(X, y, Laplace(b), sigma=1.0, standardize=True)
    sd = X.std(axis=0)
    sk = Lasso(alpha=1.0 / (n * b), tol=1e-14, max_iter=1_000_000).fit(X / sd, y)
    # scikit-learn's own stopping rule (its gap below tol ||y||^2 / n ~ 1e-13) leaves coefficient
    # errors far below 1e-6 on this problem; both are the unique lasso solution (general position)
    np.testing.assert_allclose(res.coef * sd, sk.coef_, rtol=0, atol=1e-6)
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-6)


def test_statistics_too_large_for_memory_are_refused_before_the_work(monkeypatch):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 400)), rng.normal(size=50)
    # pretend the machine has 1 MB free: the 401 x 401 statistics need 4 x 1.3 MB to form
    monkeypatch.setattr(S, "memory_available", lambda: 2**20)
    with pytest.raises(MemoryError, match=r"401 x 401 float64 matrix .* needs about 4.91 MiB .* 1 MiB of memory"):
        SufficientStats.from_arrays(X, y)
    # p >= n: the hint names the row route that needs no Gram
    from bayesreg.design import prepare_data

    data = prepare_data(X, y)
    with pytest.raises(MemoryError, match=r"With p >= n \(here n = 50\), map_estimate"):
        data.stats  # noqa: B018 (asking for them forms them)
    # and map_estimate on those rows works: it never asks
    assert map_estimate(X, y, Laplace(1.0), sigma=1.0).converged


def test_csv_too_wide_is_refused_from_its_header(tmp_path, monkeypatch):
    p = 300
    path = tmp_path / "wide.csv"
    cols = [f"x{j}" for j in range(p)] + ["y"]
    # the second data row is not numeric: had the reader gone past the header, that would be the error
    path.write_text(",".join(cols) + "\n" + ",".join(["1"] * (p + 1)) + "\n" + ",".join(["oops"] * (p + 1)) + "\n")
    monkeypatch.setattr(S, "memory_available", lambda: 2**20)
    with pytest.raises(MemoryError, match=r"wide\.csv.*301 x 301 float64 matrix"):
        SufficientStats.from_csv(path, "y")
    # the spec / command-line reader too, as a SpecError naming [data] csv
    from bayesreg.spec import DataSpec, SpecError, _load_csv

    with pytest.raises(SpecError, match=r"\[data\] csv: wide\.csv: the sufficient statistics of 300 features"):
        _load_csv(DataSpec(csv=path, target="y"), None)


# --------------------------------------------------------------------------- derived statistics


def _duplicated(factor, seed=2):
    rng = np.random.default_rng(seed)
    n = 60
    X = rng.normal(size=(n, 4)) * [1.0, 2.0, 3.0, 0.5] + [5.0, 0.0, -2.0, 1.0]
    y = X @ [1.0, -2.0, 0.0, 0.5] + 3.0 + rng.normal(size=n)
    return np.column_stack([X, factor * X[:, 0]]), y


@pytest.mark.parametrize("factor", [1.0, 3.0, 0.1])
def test_unpenalised_column_duplicated_elsewhere_lasso(factor):
    from sklearn.linear_model import Lasso

    Xd, y = _duplicated(factor)
    n = Xd.shape[0]
    b, sigma = 0.05, 1.5
    res = map_estimate(Xd, y, Laplace([np.inf, b, b, b, b]), sigma=sigma)
    # Reference: column 4 is a multiple of the flat-prior column 0, so any weight on it moves to column 0
    # at no cost and beta_4 = 0. The rest is the lasso of columns 1..3 with the intercept and column 0
    # projected out (Frisch-Waugh-Lovell), alpha = sigma^2 / (n b), then beta_0 by least squares.
    Z = np.column_stack([np.ones(n), Xd[:, 0]])
    H = Z @ np.linalg.lstsq(Z, np.eye(n), rcond=None)[0]  # projection on [1, x0]
    Xr, yr = Xd[:, 1:4] - H @ Xd[:, 1:4], y - H @ y
    sk = Lasso(alpha=sigma**2 / (n * b), fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(Xr, yr)
    c0, b0 = np.linalg.lstsq(np.column_stack([Xd[:, 0], np.ones(n)]), y - Xd[:, 1:4] @ sk.coef_, rcond=None)[0]
    assert res.coef[4] == 0.0
    # both solvers stop on a duality gap ~1e-14 relative; 1e-7 is far above what that leaves
    np.testing.assert_allclose(res.coef[1:4], sk.coef_, rtol=0, atol=1e-7)
    assert res.coef[0] == pytest.approx(c0, abs=1e-7)
    assert res.intercept == pytest.approx(b0, abs=1e-6)
    assert np.count_nonzero(sk.coef_) < 3  # the penalty bites (a zero among columns 1..3)


@pytest.mark.parametrize("factor", [1.0, 3.0])
def test_unpenalised_column_duplicated_elsewhere_ridge(factor):
    Xd, y = _duplicated(factor)
    tau, sigma = 0.7, 1.2
    res = map_estimate(Xd, y, Gaussian([np.inf, tau, tau, tau, tau]), sigma=sigma)
    # weighted ridge normal equations on the centred design: (Xc^T Xc + sigma^2 D) beta = Xc^T yc,
    # D = diag(0, 1/tau^2, ...): non-singular since the duplicate (column 4) is penalised
    Xc, yc = Xd - Xd.mean(axis=0), y - y.mean()
    D = np.diag([0.0] + [1.0 / tau**2] * 4)
    ref = np.linalg.solve(Xc.T @ Xc + sigma**2 * D, Xc.T @ yc)
    # the exact ridge minimiser of this problem has beta_4 = 0 as well (see the lasso test)
    assert abs(ref[4]) < 1e-10
    np.testing.assert_allclose(res.coef, ref, rtol=0, atol=1e-9 * np.abs(ref).max())


def test_columns_whose_squares_underflow_get_a_true_message():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 3))
    X[:, 1] *= 1e-300
    y = X[:, 0] + rng.normal(size=30)
    # today's main: "xty[1] = ... is not zero although xtx[1, 1] = 0 ...; no data set has these statistics"
    with pytest.raises(ValueError, match=r"column 1 of X .* below float64's range for squares") as err:
        map_estimate(X, y, Laplace(1.0), sigma=1.0)
    assert "no data set has these statistics" not in str(err.value)
    # an exactly constant tiny column is fine (its statistics are exactly 0)
    X[:, 1] = 1e-300
    assert map_estimate(X, y, Laplace(1.0), sigma=1.0).coef[1] == 0.0


# --------------------------------------------------------------------------- sparse summaries of GLMs


@pytest.fixture(scope="module")
def logistic_posteriors():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.logistic(size=80) > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short chains: diagnostics are not the point here
        out = {
            name: sample_posterior(X, y, prior, family="bernoulli", sampler="gibbs", draws=200, tune=100, chains=2,
                                   random_seed=1, progressbar=False)  # fmt: skip
            for name, prior in (("gaussian", Gaussian(1.0)), ("horseshoe", Horseshoe(1.0)))
        }
    return out


@pytest.mark.parametrize("method, prior", [("dss", "gaussian"), ("kappa", "horseshoe")])
def test_dss_and_kappa_on_a_glm_posterior_say_they_are_for_the_linear_model(logistic_posteriors, method, prior):
    idata = logistic_posteriors[prior]
    with pytest.raises(ValueError, match=rf"method='{method}' is for the linear model .* family 'bernoulli'.*"
                                         r"method='interval'"):  # fmt: skip
        sparse_summary(idata, method=method)


def test_interval_selection_works_on_a_glm_posterior(logistic_posteriors):
    idata = logistic_posteriors["gaussian"]
    s = sparse_summary(idata, method="interval")
    beta = idata.posterior["beta"].values.reshape(-1, 3)
    lo, hi = np.quantile(beta, [0.025, 0.975], axis=0)
    assert s.selected == tuple(np.array(["x0", "x1", "x2"])[(lo > 0) | (hi < 0)].tolist())
    assert "x0" in s.selected  # the one real effect (coefficient 1, n = 80)
