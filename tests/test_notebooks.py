"""Execute every notebook top to bottom (fast mode) and check the committed ones match their sources.

The notebooks are built from ``notebooks/src/*.py`` by ``notebooks/build.py``; here each source is
built afresh and executed with nbclient under ``BAYESREG_FAST=1`` (fewer draws, smaller grids) in
the ``python3`` kernel of the running interpreter's environment. A cell that raises fails the test.

Executing is not checking: for the notebooks that compute a number with a closed form, a cell is
appended (in the test only) that recomputes it from the notebook's own data with an independent
reference (numpy, scikit-learn at an alpha written out by hand, or a published value) and asserts
agreement, so a notebook that runs but shows a wrong number fails.
"""

import importlib.util
import textwrap
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

_spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = build.sources()


def test_there_are_eight_notebooks():
    assert [s.stem[:2] for s in SOURCES] == ["01", "02", "03", "04", "05", "06", "07", "08"]


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_committed_notebook_matches_source_and_has_outputs(src):
    committed = NOTEBOOKS / f"{src.stem}.ipynb"
    assert committed.is_file(), f"{committed.name} is missing: run notebooks/build.py"
    nb = nbformat.read(committed, as_version=4)
    fresh = build.build_notebook(src)
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in fresh.cells], (
        f"{committed.name} differs from {src.name}: rebuild it with notebooks/build.py"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{committed.name} was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{committed.name} has stored errors"


# Checks run in the notebook's namespace after its last cell. Tolerances: the closed forms and the
# solvers agree to rounding on these well-conditioned problems (1e-8 relative), except the degree-15
# polynomial of notebook 01, whose columns span 15 orders of magnitude (1e-6 of the largest coefficient).
CHECKS = {
    "02": """
        import numpy as np
        from sklearn.linear_model import Lasso as _Lasso

        # the article's objective (1/2)||y - X b||^2 + lam ||b||_1, no intercept, is sklearn's at
        # alpha = lam / n without an intercept: written out here, solved by scikit-learn
        _n = len(y_two)
        _ref = _Lasso(alpha=lam / _n, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X_two, y_two)
        assert lam == 1.0, "02: the article's lambda is 1"
        assert np.max(np.abs(b_article - _ref.coef_)) <= 1e-8 * np.max(np.abs(_ref.coef_)), "02: same objective"
        # and the notebook shows a real gap against sklearn's default Lasso(alpha=1)
        _default = _Lasso(alpha=1.0).fit(X_two, y_two).coef_
        assert np.max(np.abs(b_article - _default)) > 0.1, "02: no difference shown"
        np.testing.assert_allclose(compare.loc["sklearn alpha=1, intercept (default)", ["beta_1", "beta_2"]],
                                   _default, rtol=1e-6, atol=1e-6)
    """,
    "01": """
        import numpy as np
        from sklearn.linear_model import Ridge as _Ridge

        # Gaussian-prior MAP = Ridge(alpha = sigma^2 / tau^2), alpha written out here
        _ref = _Ridge(alpha=sigma**2 / tau**2, solver="svd").fit(X15, y)
        assert np.max(np.abs(gauss.coef - _ref.coef_)) <= 1e-6 * np.max(np.abs(_ref.coef_)), "01: ridge MAP"
        # the flat prior gives coefficients orders of magnitude larger than the Gaussian prior (the point)
        assert np.max(np.abs(flat.coef)) > 1e3 * np.max(np.abs(gauss.coef)), "01: overfitting not shown"
    """,
    "03": """
        import numpy as np
        from sklearn.linear_model import Lasso as _Lasso

        # Laplace(b) MAP at fixed sigma = Lasso(alpha = sigma^2 / (n b)), alpha written out here
        _ref = _Lasso(alpha=sigma**2 / (n * b), tol=1e-14, max_iter=1_000_000).fit(X, y)
        assert np.max(np.abs(map_.coef - _ref.coef_)) <= 1e-7 * np.max(np.abs(_ref.coef_)), "03: lasso MAP"
        assert np.array_equal(map_.coef == 0, _ref.coef_ == 0), "03: supports"
        assert np.allclose(mle[1:], np.linalg.lstsq(X - X.mean(0), y - y.mean(), rcond=None)[0], rtol=1e-8)

        # per-coefficient scales: the weighted lasso's KKT conditions on the full problem, written out.
        # With g = -X^T r / n (r the residual), its optimum has g_j = 0 where b_j = inf (a flat prior),
        # g_j = -sign(beta_j) sigma^2/(n b_j) where beta_j != 0 and |g_j| <= sigma^2/(n b_j) where
        # beta_j = 0, and sum(r) = 0 (the flat intercept). Tolerance: a duality gap G (objective / n)
        # bounds ||X (beta - beta*)||^2 / (2n) <= G, so |g_j - g*_j| <= ||x_j|| sqrt(2 G / n); with
        # G <= 1e-10, unit-norm columns and n = 442 that is 6.7e-7 < 1e-6 (the thresholds here are
        # 0.066 to 1.3; the common-scale MAP, or bmi penalised at b = 20, misses them by 0.33).
        _X = np.asarray(X, dtype=np.float64)
        _bj = np.array([own[v] for v in names])
        assert weighted.scale == tuple(_bj), "03: the scales in the order of the columns"
        assert weighted_map.gap <= 1e-10, "03: certified"
        assert np.max(np.linalg.norm(_X - _X.mean(0), axis=0)) <= 1.0 + 1e-12
        _r = y - weighted_map.intercept - _X @ weighted_map.coef
        _g = -(_X - _X.mean(0)).T @ _r / n
        _thr = sigma**2 / (n * _bj)  # 0 where the scale is infinite
        _free, _nz = ~np.isfinite(_bj), weighted_map.coef != 0
        assert _free.sum() == 1 and np.all(_nz[_free]), "03: bmi unpenalised and non-zero"
        assert np.all(np.abs(_g[_free]) <= 1e-6), "03: zero gradient at the unpenalised coefficient"
        _on = _nz & ~_free
        assert np.all(np.abs(_g[_on] + np.sign(weighted_map.coef[_on]) * _thr[_on]) <= 1e-6), "03: active set"
        assert np.all(np.abs(_g[~_nz]) <= _thr[~_nz] + 1e-6), "03: zeros"
        assert abs(_r.mean()) <= 1.5e-5, "03: intercept"  # the ones column has norm sqrt(n): sqrt(2 G)
        assert 0 < _nz.sum() < len(names) and _on.any(), "03: a sparse answer with penalised non-zeros"
        # the report's scikit-learn column (Lasso on rescaled columns) is that same point
        _sk = weighted_report.rows["sklearn"].coef
        assert np.max(np.abs(_sk - weighted_map.coef)) <= 1e-7 * np.max(np.abs(weighted_map.coef)), "03: sklearn"
        assert weighted_report.passed and "find_map" not in weighted_report.rows
    """,
    "04": """
        import numpy as np

        # conjugate posterior written out: N(M^-1 X_c^T y_c, sigma^2 M^-1), M = X_c^T X_c + sigma^2/tau^2 I
        _X = np.asarray(X, dtype=np.float64)  # the notebook's X is a DataFrame (d.features)
        _Xc, _yc = _X - _X.mean(0), y - y.mean()
        _M = _Xc.T @ _Xc + (sigma / tau) ** 2 * np.eye(_X.shape[1])
        _m = np.linalg.solve(_M, _Xc.T @ _yc)
        assert np.allclose(post.mean, _m, rtol=1e-8, atol=1e-8 * np.abs(_m).max()), "04: posterior mean"
        assert np.allclose(post.sd, sigma * np.sqrt(np.diag(np.linalg.inv(_M))), rtol=1e-8), "04: posterior sd"
        assert list(idata.posterior["beta"]["feature"].values) == names, "04: feature names in the last figure"
        _ex = report.rows["exact"].coef
        assert np.max(np.abs(_ex - _m)) <= 1e-7 * np.abs(_m).max(), "04: exact MAP is the posterior mean"
    """,
    "06": """
        # Park and Casella (2008, section 3.1): lambda = 0.237 by MCEM on these data (to 3 digits, with
        # their own Monte Carlo error; fast mode runs shorter E-steps, mc_se about 1e-3)
        assert abs(eb.lam - 0.237) < 0.01, f"06: MCEM lambda {eb.lam}"
        # the lambda interval quoted is the narrowest LEVEL window of the draws (written out here),
        # at the level the density is shaded at
        import numpy as np

        assert LEVEL == 0.95 and lam_iv.hdi_prob == LEVEL
        _d = np.sort(idata_hyper.posterior["lam"].values.ravel())
        _k = int(np.floor(LEVEL * _d.size))
        _i = int(np.argmin(_d[_k:] - _d[:-_k]))
        assert (lam_iv.low[0, 0], lam_iv.high[0, 0]) == (_d[_i], _d[_i + _k]), "06: lambda HDI"
        assert np.array_equal(np.asarray(names), np.asarray(idata_eb.posterior["beta"]["feature"].values)), "06: names"
    """,
    "07": """
        import numpy as np
        from scipy.special import expit as _expit
        from sklearn.calibration import calibration_curve
        from sklearn.linear_model import LogisticRegression as _LR

        _X = np.asarray(X, dtype=np.float64)
        # Laplace(b) MAP = L1 logistic regression at C = b with an unpenalised intercept (saga), by hand
        _ref = _LR(C=b, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=100_000).fit(_X, y)
        _s = np.max(np.abs(_ref.coef_))
        assert np.max(np.abs(exact.coef - _ref.coef_[0])) <= 1e-7 * _s, "07: L1 MAP vs LogisticRegression"
        assert abs(exact.intercept - _ref.intercept_[0]) <= 1e-7 * _s, "07: L1 intercept"
        assert np.array_equal(exact.coef == 0, _ref.coef_[0] == 0), "07: L1 zeros"
        assert 0 < exact.support.size < p, "07: the L1 MAP is sparse"
        # find_MAP within check_equivalence's documented tolerance (5e-3 of the largest coefficient)
        assert np.max(np.abs(fm.coef - exact.coef)) <= 5e-3 * _s, "07: find_MAP"
        # Gaussian(tau) MAP = L2 logistic regression at C = tau^2 (Newton-Cholesky converges to rounding)
        _ref2 = _LR(C=tau**2, l1_ratio=0.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(_X, y)
        assert np.max(np.abs(l2_map.coef - _ref2.coef_[0])) <= 1e-8 * np.max(np.abs(_ref2.coef_)), "07: L2 MAP"
        # the posterior mean probability per row, draw by draw in a loop, and the bins as sklearn makes them
        _b = idata.posterior["beta"].values.reshape(-1, p)
        _c = idata.posterior["intercept"].values.reshape(-1)
        _prob = sum(_expit(_c[k] + _X @ _b[k]) for k in range(_c.size)) / _c.size
        assert np.allclose(prob, _prob, rtol=1e-10, atol=1e-12), "07: posterior mean probabilities"
        _obs, _pred = calibration_curve(y, _prob, n_bins=10)
        assert np.allclose(bins.observed, _obs) and np.allclose(bins.predicted, _pred), "07: calibration bins"
    """,
    "08": """
        import numpy as np

        # rho^2 of the chosen summary, draw by draw from the formula (centred design), against the table
        _X = np.asarray(X, dtype=np.float64)
        _Xc = _X - _X.mean(0)
        _B = idata.posterior["beta"].values.reshape(-1, p)
        _sig = idata.posterior["sigma"].values.reshape(-1)
        _fit = _Xc @ summary.coef.to_numpy()
        _S = np.sum((_B @ _Xc.T) ** 2, axis=1)
        _r = _S / (_S + n * _sig**2 + np.sum((_B @ _Xc.T - _fit) ** 2, axis=1))
        _row = summary.table[summary.table["size"] == summary.chosen_size].iloc[0]
        assert abs(_r.mean() - _row["rho2_mean"]) <= 1e-10, "08: rho2 of the chosen summary"
        assert set(_row["support"]) == set(summary.selected) == {names[j] for j in np.flatnonzero(summary.coef)}
        # the rule: the smallest size whose band's upper end reaches the full model's posterior mean
        _t = summary.table
        assert summary.chosen_size == int(_t["size"][_t["rho2_high"] >= summary.full["rho2_mean"]].min()), "08: rule"
        # credible-interval selection: central 95% intervals by numpy quantiles
        _lo, _hi = np.quantile(_B, [0.025, 0.975], axis=0)
        assert set(by_interval.selected) == {names[j] for j in np.flatnonzero((_lo > 0) | (_hi < 0))}, "08: intervals"
        assert {"bmi", "s5"} <= set(summary.selected), "08: bmi and s5 carry the diabetes signal"
    """,
}


def test_every_check_names_a_notebook():
    assert set(CHECKS) <= {s.stem[:2] for s in SOURCES}


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebook_executes(src, monkeypatch):
    monkeypatch.setenv("BAYESREG_FAST", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = build.build_notebook(src)
    check = CHECKS.get(src.stem[:2])
    if check is not None:
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(check)))
    build.execute(nb, NOTEBOOKS, timeout=600)  # raises CellExecutionError, naming the cell, on failure
