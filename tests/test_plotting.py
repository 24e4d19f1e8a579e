import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from _stack import arviz_hdi, posterior_data  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bayesreg import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _line(ax, label_start):
    for line in ax.get_lines():
        if str(line.get_label()).startswith(label_start):
            return line
    raise AssertionError(f"no line labelled {label_start!r} in {[ln.get_label() for ln in ax.get_lines()]}")


def _idata(seed, shift=0.0, p=3, chains=2, draws=50):
    r = np.random.default_rng(seed)
    names = [f"f{j}" for j in range(p)]
    return posterior_data(
        posterior={
            "beta": r.normal(shift, 1.0, (chains, draws, p)),
            "intercept": r.normal(0, 1, (chains, draws)),
            "sigma": np.abs(r.normal(1, 0.1, (chains, draws))),
        },
        log_likelihood={"y": r.normal(-1.0, 0.1, (chains, draws, 20))},
        coords={"feature": names},
        dims={"beta": ["feature"], "y": ["obs"]},
    )


def test_plotting_not_imported_by_package():
    import subprocess
    import sys

    code = "import bayesreg, sys; bayesreg.lasso; print('matplotlib' in sys.modules, 'arviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_plotting_draws_only():
    # plotting computes nothing itself: the fits and grids come from bayesreg.figures, and ArviZ
    # only through the upstream adapter
    import ast
    import inspect

    internal, external = set(), set()
    for node in ast.walk(ast.parse(inspect.getsource(plotting))):
        if isinstance(node, ast.ImportFrom) and node.level:
            internal.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom):
            external.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            external.update(a.name.split(".")[0] for a in node.names)
    assert internal <= {"figures", "_validation", "_posterior", "_upstream"}, internal
    assert not external & {"bayesreg", "arviz", "pymc", "pytensor", "scipy", "sklearn"}, external


def _drawn(obj):
    axes = obj.axes if isinstance(obj, Figure) else [obj]
    out = []
    for a in axes:
        out += [line.get_xydata() for line in a.get_lines()]
        out += [p.vertices for c in a.collections for p in c.get_paths()]
        out += [p.get_path().vertices for p in a.patches]
    return out


@pytest.mark.parametrize(
    "plot, compute, args, kwargs, draw_kwargs",
    [
        (plotting.plot_overfitting, "overfitting", (), dict(degree=9, prior_scale=1.0, sigma=0.2), {}),
        (plotting.plot_constraint_region, "constraint_region", (), dict(penalty="l2", alpha=0.5), {}),
        (plotting.plot_constraint_region, "constraint_region", (), {}, {}),
        (plotting.plot_coordinate_descent_path, "coordinate_descent_path", (), dict(n_sweeps=3, beta0=(1.0, 1.0)), {}),
        (plotting.plot_soft_threshold, "soft_threshold_curves", (0.7,), dict(zmax=2.0), {}),
        (plotting.plot_prior_densities, "prior_densities", (2.0, 1.0), {}, dict(penalty=True)),
    ],
)
def test_plots_take_precomputed_figure_data(plot, compute, args, kwargs, draw_kwargs):
    from bayesreg import figures

    raw = plot(*args, **kwargs, **draw_kwargs)
    result = getattr(figures, compute)(*args, **kwargs)
    pre = plot(result, **draw_kwargs)
    a, b = _drawn(raw), _drawn(pre)
    assert len(a) == len(b) > 0
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_precomputed_figure_data_refuses_raw_inputs():
    from bayesreg import figures

    with pytest.raises(ValueError, match="alpha must be omitted"):
        plotting.plot_constraint_region(figures.constraint_region(), alpha=0.3)
    with pytest.raises(ValueError, match="path must be omitted"):
        plotting.plot_coordinate_descent_path(figures.coordinate_descent_path(), path=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="zmax must be omitted"):
        plotting.plot_soft_threshold(figures.soft_threshold_curves(), zmax=3.0)


def test_figure_data_comes_from_the_solvers():
    from bayesreg import figures
    from bayesreg.penalties import L1
    from bayesreg.solvers import coordinate_descent_trace, lasso

    X, y = figures.two_feature_example()
    pic = figures.coordinate_descent_path(X, y, 0.2, n_sweeps=5)
    np.testing.assert_array_equal(pic.path, coordinate_descent_trace(X, y, L1(0.2), n_sweeps=5, fit_intercept=False))
    np.testing.assert_array_equal(pic.solution, lasso(X, y, 0.2, fit_intercept=False, tol=1e-12).coef)
    assert pic.objective.shape == pic.B0.shape == pic.B1.shape
    geo = figures.constraint_region(X, y, penalty="l1", alpha=0.2)
    assert geo.solution_level in geo.levels and geo.budget == pytest.approx(np.abs(geo.solution).sum())
    assert plotting.two_feature_example is figures.two_feature_example


def test_overfitting_fits_match_sklearn():
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import PolynomialFeatures

    from bayesreg.datasets import make_cosine

    fig = plotting.plot_overfitting(prior_scale=3.0, sigma=0.1)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    a0, a1, a2 = fig.axes
    assert len(a0.collections) == 1 and len(a0.collections[0].get_offsets()) == 30  # the data points
    # Gaussian prior tau=3, sigma=0.1 is sklearn Ridge(alpha = sigma^2 / tau^2) on the polynomial features
    d = make_cosine()
    P = PolynomialFeatures(15, include_bias=False).fit_transform(d.X)
    sk = Ridge(alpha=0.1**2 / 3.0**2, solver="svd").fit(P, d.y)
    grid = _line(a1, "fit").get_xdata()
    pred = sk.predict(PolynomialFeatures(15, include_bias=False).fit_transform(grid[:, None]))
    np.testing.assert_allclose(_line(a1, "fit").get_ydata(), pred, atol=1e-6)
    np.testing.assert_allclose(_line(a2, "Gaussian").get_ydata(), np.abs(sk.coef_), rtol=1e-5)
    # the flat-prior fit has far larger coefficients than the Gaussian-prior one
    assert _line(a2, "flat").get_ydata().max() > 1e3 * _line(a2, "Gaussian").get_ydata().max()


def test_overfitting_honours_ax_and_validates():
    fig, axs = plt.subplots(1, 3)
    assert plotting.plot_overfitting(ax=axs) is fig
    with pytest.raises(ValueError, match="3 matplotlib Axes"):
        plotting.plot_overfitting(ax=axs[:2])
    from bayesreg.datasets import make_polynomial

    with pytest.raises(ValueError, match="one feature"):
        plotting.plot_overfitting(make_polynomial(degree=2))


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_constraint_region_solution_is_sklearn(penalty):
    from sklearn.linear_model import Lasso, Ridge

    X, y = plotting.two_feature_example()
    alpha = 0.4
    ax = plotting.plot_constraint_region(X, y, penalty=penalty, alpha=alpha)
    assert isinstance(ax, Axes)
    assert len(ax.collections) >= 2 and len(ax.patches) >= 1  # contours and the filled region
    star = _line(ax, f"{penalty.upper()} solution").get_xydata()[0]
    if penalty == "l1":
        ref = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    else:  # package L2(alpha) = sklearn Ridge(n alpha)
        ref = Ridge(alpha=X.shape[0] * alpha, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(star, ref, atol=1e-8)
    # the region's boundary passes through the solution: the penalty of the star equals the budget
    region = ax.patches[0].get_xy()
    norm = np.abs(region).sum(axis=1) if penalty == "l1" else np.hypot(region[:, 0], region[:, 1])
    budget = np.abs(ref).sum() if penalty == "l1" else np.hypot(*ref)
    np.testing.assert_allclose(norm.max(), budget, rtol=1e-6)


def test_constraint_region_sparse_corner_and_errors():
    X, y = plotting.two_feature_example()
    ax = plotting.plot_constraint_region(X, y, penalty="l1")  # default alpha: half of alpha_max
    star = _line(ax, "L1 solution").get_xydata()[0]
    assert star[1] == 0.0 and star[0] > 0  # the corner of the diamond
    fig, given = plt.subplots()
    assert plotting.plot_constraint_region(penalty="l2", ax=given) is given
    with pytest.raises(ValueError, match="penalty"):
        plotting.plot_constraint_region(penalty="l3")
    with pytest.raises(ValueError, match="2 columns"):
        plotting.plot_constraint_region(np.ones((5, 3)), np.ones(5))
    with pytest.raises(TypeError, match="ax"):
        plotting.plot_constraint_region(ax="axes")


def test_coordinate_descent_path_converges_to_sklearn():
    from sklearn.linear_model import Lasso

    X, y = plotting.two_feature_example()
    ax = plotting.plot_coordinate_descent_path(X, y, 0.3, n_sweeps=60)
    path = _line(ax, "coordinate descent").get_xydata()
    assert path.shape == (1 + 2 * 60, 2)
    # each update moves one coordinate only
    steps = np.diff(path, axis=0)
    assert np.all((steps[:, 0] == 0) | (steps[:, 1] == 0))
    ref = Lasso(alpha=0.3, fit_intercept=False, tol=1e-12).fit(X, y).coef_
    np.testing.assert_allclose(path[-1], ref, atol=1e-6)
    custom = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    ax = plotting.plot_coordinate_descent_path(X, y, 0.3, path=custom)
    np.testing.assert_array_equal(_line(ax, "coordinate descent").get_xydata(), custom)
    with pytest.raises(ValueError, match="path"):
        plotting.plot_coordinate_descent_path(X, y, 0.3, path=np.ones((3, 3)))


def test_soft_threshold_curve():
    fig, given = plt.subplots()
    ax = plotting.plot_soft_threshold(1.5, ax=given)
    assert ax is given
    line = _line(ax, "$S(z")
    z, s = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(s, np.where(np.abs(z) > 1.5, z - 1.5 * np.sign(z), 0.0), atol=1e-12)
    with pytest.raises(ValueError, match="threshold"):
        plotting.plot_soft_threshold(-1.0)


def test_prior_densities():
    from scipy import stats

    ax = plotting.plot_prior_densities(2.0)
    lap, gau = _line(ax, "Laplace"), _line(ax, "Normal")
    x = lap.get_xdata()
    np.testing.assert_allclose(lap.get_ydata(), stats.laplace(scale=2.0).pdf(x), rtol=1e-10)
    np.testing.assert_allclose(gau.get_ydata(), stats.norm(scale=2.0 * np.sqrt(2)).pdf(x), rtol=1e-10)
    ax = plotting.plot_prior_densities(2.0, 1.0, penalty=True)
    np.testing.assert_allclose(_line(ax, "Laplace").get_ydata(), np.abs(x) / 2.0, atol=1e-10)
    np.testing.assert_allclose(_line(ax, "Gaussian").get_ydata(), x**2 / 2.0, atol=1e-10)
    with pytest.raises(ValueError, match="laplace_scale"):
        plotting.plot_prior_densities(0.0)


def test_map_vs_sklearn_inputs():
    est = {"exact MAP": [1.0, 0.0, -2.0], "sklearn": [1.0, 0.0, -2.0], "find_MAP": [0.99, 0.01, -2.0]}
    ax = plotting.plot_map_vs_sklearn(est, ["a", "b", "c"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    np.testing.assert_array_equal(_line(ax, "sklearn").get_xdata(), [1.0, 0.0, -2.0])
    df = pd.DataFrame(est, index=["a", "b", "c"])
    fig, given = plt.subplots()
    assert plotting.plot_map_vs_sklearn(df, ax=given) is given
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_map_vs_sklearn({"a": [1, 2], "b": [1]})
    with pytest.raises(ValueError, match="feature_names"):
        plotting.plot_map_vs_sklearn(est, ["a"])
    with pytest.raises(TypeError, match="estimates"):
        plotting.plot_map_vs_sklearn([1, 2, 3])


def _shrinkage_table():
    rows = []
    for s in np.logspace(-2, 1, 6):
        for j, f in enumerate(["a", "b"]):
            m = (j + 1) * s / (1 + s)
            rows.append(dict(scale=s, alpha=1 / s, feature=f, map=max(m - 0.1, 0), mean=m, median=m,
                             hdi_low=m - 0.2, hdi_high=m + 0.2))
    return pd.DataFrame(rows)


def test_shrinkage_plot():
    table = _shrinkage_table()
    fig = plotting.plot_shrinkage(table, title="t")
    a0, a1 = fig.axes
    assert a0.get_xscale() == "log"
    m = _line(a1, "b")
    np.testing.assert_allclose(m.get_ydata(), table[table.feature == "b"].sort_values("scale")["mean"])
    assert len(a1.collections) == 2  # one HDI band per feature
    np.testing.assert_allclose(_line(a0, "a").get_ydata(), table[table.feature == "a"]["map"])
    fig2, axs = plt.subplots(1, 2)
    assert plotting.plot_shrinkage(table, features=["a"], center="median", ax=axs) is fig2
    assert len(axs[0].get_lines()) == 2  # one path + the zero line
    with pytest.raises(ValueError, match="missing column"):
        plotting.plot_shrinkage(table.drop(columns="map"))
    with pytest.raises(ValueError, match="features"):
        plotting.plot_shrinkage(table, features=["zz"])
    with pytest.raises(TypeError, match="DataFrame"):
        plotting.plot_shrinkage(table.to_dict())


def test_posterior_forest_and_density():
    models = {"Laplace": _idata(0), "Gaussian": _idata(1, shift=1.0)}
    ax = plotting.plot_posterior_forest(models)
    assert isinstance(ax, Axes)
    labels = " ".join(t.get_text() for t in ax.get_yticklabels())
    assert "f0" in labels and "f2" in labels
    # an interval per coefficient and model: the narrowest 94% window of each model's draws
    from bayesreg._upstream import group_dataset

    for coll, model in zip(ax.collections, models.values()):
        draws = np.sort(group_dataset(model)["beta"].values.reshape(-1, 3), axis=0)
        k = int(np.floor(0.94 * draws.shape[0]))
        i = np.argmin(draws[k:] - draws[:-k], axis=0)
        want = np.c_[draws[i, range(3)], draws[i + k, range(3)]]
        got = np.array([seg[:, 0] for seg in coll.get_segments()])
        np.testing.assert_allclose(got, want, rtol=1e-12)
    fig = plotting.plot_posterior_density(models)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert all(len(a.get_lines()) >= 2 for a in fig.axes)  # both models in every panel
    fig2, axs = plt.subplots(1, 3)
    assert plotting.plot_posterior_density(models, ax=axs) is fig2
    with pytest.raises(TypeError, match="idatas"):
        plotting.plot_posterior_forest(42)
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_posterior_forest({})


def test_credible_intervals():
    idata = _idata(2, p=4, draws=200)
    ax = plotting.plot_credible_intervals(idata, point_estimates={"lasso": [0.1, 0.0, 0.2, 0.3]}, hdi_prob=0.9)
    med = _line(ax, "posterior median").get_xdata()
    draws = idata.posterior["beta"].values.reshape(-1, 4)
    np.testing.assert_allclose(med, np.median(draws, axis=0))
    segs = ax.collections[0].get_segments()
    hdi = np.array([arviz_hdi(draws[:, j], 0.9) for j in range(4)])  # ArviZ's HDI over chains and draws
    np.testing.assert_allclose([s[:, 0] for s in segs], hdi, rtol=1e-10)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["f0", "f1", "f2", "f3"]


def test_loo_compare():
    import warnings

    import arviz as az

    with warnings.catch_warnings():  # ArviZ 0.x sorts in place, which pandas >= 3 deprecates
        warnings.filterwarnings("ignore", message=".*inplace.*")
        cmp = az.compare({"Laplace": _idata(0), "Gaussian": _idata(1)})
    fig, given = plt.subplots()
    assert plotting.plot_loo_compare(cmp, ax=given) is given
    with pytest.raises(TypeError, match="arviz.compare"):
        plotting.plot_loo_compare(pd.DataFrame({"a": [1]}))


def test_map_vs_sklearn_takes_an_equivalence_report():
    import bayesreg
    from bayesreg.datasets import load_diabetes

    d = load_diabetes()
    report = bayesreg.check_equivalence(d.X, d.y, bayesreg.Laplace(20.0), sigma=54.0, find_map=False,
                                        feature_names=list(d.feature_names))
    ax = plotting.plot_map_vs_sklearn(report)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(d.feature_names)  # no intercept row
    assert len(ax.get_lines()) == 3  # two methods and the zero line


# --------------------------------------------------------------------------------------------
# legends never cover what is drawn
# --------------------------------------------------------------------------------------------


def _data_points_under_legends(fig):
    """How many drawn data points (in display coordinates) fall inside a legend's box.

    Lines are sampled densely along their segments (markers-only lines at their markers), scatter
    points at their centres, collections (contours, bands, interval bars) and patches at their
    path vertices.
    """
    fig.canvas.draw()
    boxes = [a.get_legend().get_window_extent() for a in fig.axes if a.get_legend() is not None]
    boxes += [lg.get_window_extent() for lg in fig.legends]
    assert boxes, "the figure has no legend"
    from matplotlib.collections import PathCollection

    pts = []
    for a in fig.axes:
        for line in a.get_lines():
            xy = line.get_transform().transform(line.get_xydata())
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            if line.get_linestyle() not in ("None", "", " ") and len(xy) > 1:
                t = np.linspace(0.0, 1.0, 12)[:, None, None]
                xy = (xy[:-1][None] * (1 - t) + xy[1:][None] * t).reshape(-1, 2)
            pts.append(xy)
        for c in a.collections:
            if isinstance(c, PathCollection):  # scatter: the marker centres
                pts.append(c.get_offset_transform().transform(c.get_offsets()))
            else:
                pts += [c.get_transform().transform(p.vertices) for p in c.get_paths() if len(p.vertices)]
        pts += [p.get_transform().transform(p.get_path().vertices) for p in a.patches]
    xy = np.vstack([p for p in pts if len(p)])
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    inside = np.zeros(len(xy), dtype=bool)
    for b in boxes:
        inside |= (xy[:, 0] > b.x0) & (xy[:, 0] < b.x1) & (xy[:, 1] > b.y0) & (xy[:, 1] < b.y1)
    return int(inside.sum())


def _figure(obj):
    return obj if isinstance(obj, Figure) else obj.figure


def test_legend_overlap_check_sees_a_covered_point():
    # the check itself can fail: a legend put on top of the data is caught
    fig, ax = plt.subplots()
    ax.plot(np.linspace(0, 1, 50), np.full(50, 0.5), label="flat line through the middle")
    ax.legend(loc="center")
    assert _data_points_under_legends(fig) > 0


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plotting.plot_overfitting(),
        lambda: plotting.plot_constraint_region(penalty="l1"),
        lambda: plotting.plot_constraint_region(penalty="l2"),
        lambda: plotting.plot_coordinate_descent_path(),
        lambda: plotting.plot_soft_threshold(1.0),
        lambda: plotting.plot_prior_densities(1.0),
        lambda: plotting.plot_prior_densities(1.0, penalty=True),
        lambda: plotting.plot_map_vs_sklearn({"exact MAP": [1.0, 0.0, -2.0, 3.0], "sklearn": [1.0, 0.0, -2.0, 3.0]},
                                             ["age", "sex", "bmi", "bp"]),
        lambda: plotting.plot_shrinkage(_shrinkage_table()),
        lambda: plotting.plot_shrinkage(_shrinkage_table(), zeros=True),
        lambda: plotting.plot_posterior_forest({"Laplace": _idata(0), "Gaussian": _idata(1, shift=1.0)}),
        lambda: plotting.plot_posterior_density({"Laplace": _idata(0), "Gaussian": _idata(1, shift=1.0)}),
        lambda: plotting.plot_credible_intervals(_idata(2, p=4, draws=200),
                                                 point_estimates={"lasso": [0.1, 0.0, 0.2, 0.3]}),
    ],
    ids=["overfitting", "constraint-l1", "constraint-l2", "cd-path", "soft-threshold", "prior-densities",
         "prior-penalties", "map-vs-sklearn", "shrinkage", "shrinkage-zeros", "forest", "density",
         "credible-intervals"],
)
def test_legends_cover_no_data(draw):
    assert _data_points_under_legends(_figure(draw())) == 0


def test_posterior_density_legend_on_given_axes_covers_no_data():
    fig, axs = plt.subplots(1, 3, figsize=(9, 3))
    plotting.plot_posterior_density({"Laplace": _idata(0), "Gaussian": _idata(1, shift=1.0)}, ax=axs)
    assert _data_points_under_legends(fig) == 0


def test_loo_compare_legend_covers_no_data():
    import warnings

    import arviz as az

    with warnings.catch_warnings():  # ArviZ 0.x sorts in place, which pandas >= 3 deprecates
        warnings.filterwarnings("ignore", message=".*inplace.*")
        cmp = az.compare({"Laplace": _idata(0), "Gaussian": _idata(1)})
    assert _data_points_under_legends(plotting.plot_loo_compare(cmp).figure) == 0


# --------------------------------------------------------------------------------------------
# shrinkage: where the MAP is exactly zero, the posterior mean is not
# --------------------------------------------------------------------------------------------


def test_shrinkage_zeros_panel_shows_the_posterior_where_the_map_is_zero():
    table = _shrinkage_table()
    fig = plotting.plot_shrinkage(table, zeros=True)
    assert len(fig.axes) == 3
    a2 = fig.axes[2]
    assert a2.get_yscale() == "log" and a2.get_xscale() == "log"
    for f in ("a", "b"):
        # reference: the table's own rows with an exactly-zero MAP, filtered here by hand
        rows = table[(table.feature == f) & (table["map"] == 0.0)].sort_values("scale")
        assert len(rows) > 0 and (rows["mean"] != 0).all()  # the fixture has the pattern to show
        line = _line(a2, f)
        np.testing.assert_array_equal(line.get_xdata(), rows["scale"])
        np.testing.assert_array_equal(line.get_ydata(), np.abs(rows["mean"]))
    med = plotting.plot_shrinkage(table, zeros=True, center="median").axes[2]
    rows = table[(table.feature == "a") & (table["map"] == 0.0)].sort_values("scale")
    np.testing.assert_array_equal(_line(med, "a").get_ydata(), np.abs(rows["median"]))
    # the legend names every feature
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()] == ["a", "b"]


def test_shrinkage_zeros_panel_without_zeros_and_errors():
    table = _shrinkage_table()
    ridge_like = table.assign(map=table["mean"])  # a MAP with no exact zero (as for a Gaussian prior)
    fig = plotting.plot_shrinkage(ridge_like, zeros=True)
    a2 = fig.axes[2]
    assert not a2.get_lines()
    assert any("no exact zero" in t.get_text() for t in a2.texts)
    fig2, axs = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="3 matplotlib Axes"):
        plotting.plot_shrinkage(table, zeros=True, ax=axs)
    with pytest.raises(TypeError, match="zeros"):
        plotting.plot_shrinkage(table, zeros="yes")


def test_posterior_where_map_is_zero_takes_exact_zeros_only():
    from bayesreg import figures

    table = pd.DataFrame({"scale": [1.0, 1.0, 2.0, 2.0, 3.0], "feature": ["u", "v", "u", "v", "u"],
                          "map": [0.0, 1e-300, 0.0, -0.0, 0.5], "mean": [0.2, -0.3, -0.4, 0.1, 0.6],
                          "median": [0.1, -0.2, -0.3, 0.05, 0.5]})
    before = table.copy()
    out = figures.posterior_where_map_is_zero(table)
    assert list(out["feature"]) == ["u", "u", "v"] and list(out["scale"]) == [1.0, 2.0, 2.0]
    np.testing.assert_array_equal(out["center"], [0.2, -0.4, 0.1])
    np.testing.assert_array_equal(out["abs_center"], [0.2, 0.4, 0.1])
    np.testing.assert_array_equal(figures.posterior_where_map_is_zero(table, "median")["center"], [0.1, -0.3, 0.05])
    pd.testing.assert_frame_equal(table, before)  # the input is not modified
    with pytest.raises(ValueError, match="center"):
        figures.posterior_where_map_is_zero(table, "mode")
    with pytest.raises(ValueError, match="missing column"):
        figures.posterior_where_map_is_zero(table.drop(columns="map"))
    with pytest.raises(TypeError, match="DataFrame"):
        figures.posterior_where_map_is_zero(table.to_dict())


def test_zero_map_runs_are_not_joined_across_nonzero_scales():
    from bayesreg import figures

    # feature "u" is exactly 0 at scales 1, 2, then non-zero at 3, then 0 again at 4 and 5
    scales = [1.0, 2.0, 3.0, 4.0, 5.0]
    table = pd.DataFrame({"scale": scales * 2, "feature": ["u"] * 5 + ["v"] * 5,
                          "map": [0.0, 0.0, 0.7, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
                          "mean": [0.1, 0.2, 0.8, 0.3, 0.4, 0.05, 1.1, 1.2, 1.3, 1.4]})
    out = figures.posterior_where_map_is_zero(table)
    assert list(out["run"]) == [0, 0, 1, 1, 0]
    fig = plotting.plot_shrinkage(table, zeros=True)
    u_lines = [ln for ln in fig.axes[2].get_lines() if ln.get_color() == "C0"]
    assert [list(ln.get_xdata()) for ln in u_lines] == [[1.0, 2.0], [4.0, 5.0]]  # two pieces, not one
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()] == ["u", "v"]


# --------------------------------------------------------------------------------------------
# sparse summaries (DSS) and calibration
# --------------------------------------------------------------------------------------------


def _dss_summary(seed=0):
    """A DSS summary of a synthetic posterior: two strong variables, one weak, three null."""
    import bayesreg

    r = np.random.default_rng(seed)
    n, p, chains, draws = 80, 6, 2, 200
    X = r.normal(size=(n, p))
    centre = np.array([2.0, -1.5, 0.3, 0.0, 0.0, 0.0])
    post = posterior_data(
        posterior={"beta": centre + 0.1 * r.normal(size=(chains, draws, p)),
                   "intercept": r.normal(0.0, 0.1, (chains, draws)),
                   "sigma": np.abs(r.normal(1.0, 0.05, (chains, draws)))},
        coords={"feature": [f"v{j}" for j in range(p)]}, dims={"beta": ["feature"]},
    )
    return bayesreg.sparse_summary(post, X, "dss")


def test_sparse_summary_plot_draws_the_figure_data():
    from bayesreg.selection import dss_figure_data

    s = _dss_summary()
    d = dss_figure_data(s)
    a = plotting.plot_sparse_summary(s)
    assert isinstance(a, Axes)
    # the points and their error bars are the summary's rho^2 means and bands, one per size
    (bars,) = a.containers
    np.testing.assert_array_equal(bars.lines[0].get_xydata(), np.c_[d["size"], d["rho2_mean"]])
    segs = np.array([seg for seg in bars.lines[2][0].get_segments()])
    np.testing.assert_allclose(segs[:, 0, 1], d["rho2_low"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(segs[:, 1, 1], d["rho2_high"], rtol=0, atol=1e-15)
    # the full model: a dashed line at its mean and a band from its low to its high end
    full = _line(a, "full model: posterior mean")
    np.testing.assert_array_equal(full.get_ydata(), [d["full_mean"]] * 2)
    (span,) = a.patches
    ys = span.get_transform().transform(span.get_path().vertices)[:, 1]
    lo_hi = a.transData.transform([[0, d["full_low"]], [0, d["full_high"]]])[:, 1]
    np.testing.assert_allclose([ys.min(), ys.max()], lo_hi, atol=1e-6)
    # the chosen size is ringed and named, with its variables
    k = d["chosen_size"]
    i = int(np.flatnonzero(d["size"] == k)[0])
    ring = _line(a, f"chosen size {k}:")
    np.testing.assert_array_equal(ring.get_xydata(), [[k, d["rho2_mean"][i]]])
    assert ", ".join(d["support"][i]) in ring.get_label()
    assert s.selected == d["support"][i]
    # the two strong variables are what the summary keeps (a check that the figure can fail)
    assert {"v0", "v1"} <= set(s.selected) and "v5" not in s.selected
    assert _data_points_under_legends(a.figure) == 0
    # the figure data itself is accepted, and the ticks name the variable entering at each size
    b = plotting.plot_sparse_summary(d)
    labels = [t.get_text() for t in b.get_xticklabels()]
    assert labels[0] == "0" and labels[1].startswith("1\n+")


def test_sparse_summary_plot_refuses_other_summaries():
    import bayesreg

    s = _dss_summary()
    post_interval = bayesreg.sparse_summary(
        posterior_data(posterior={"beta": np.random.default_rng(1).normal(size=(2, 50, 3))},
                       coords={"feature": ["a", "b", "c"]}, dims={"beta": ["feature"]}),
        np.random.default_rng(2).normal(size=(20, 3)), method="interval")
    with pytest.raises(ValueError, match="method='dss'"):
        plotting.plot_sparse_summary(post_interval)
    with pytest.raises(ValueError, match="without the DSS figure keys"):
        plotting.plot_sparse_summary({"size": [0, 1]})
    with pytest.raises(TypeError, match="ax"):
        plotting.plot_sparse_summary(s, ax="here")


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_calibration_bins_are_sklearns(strategy):
    from scipy.stats import binomtest
    from sklearn.calibration import calibration_curve

    from bayesreg import figures

    r = np.random.default_rng(3)
    p = r.beta(0.8, 0.8, size=700)
    p[:5] = [0.0, 0.1, 0.5, 0.9, 1.0]  # values on bin edges
    y = (r.uniform(size=p.size) < p ** 1.3).astype(float)
    cb = figures.calibration_bins(p, y, n_bins=8, strategy=strategy, level=0.9)
    obs, pred = calibration_curve(y, p, n_bins=8, strategy=strategy)
    np.testing.assert_allclose(cb.predicted, pred, rtol=1e-12)
    np.testing.assert_allclose(cb.observed, obs, rtol=1e-12)
    assert cb.count.sum() == p.size
    for k, m, lo, hi in zip(np.rint(cb.observed * cb.count).astype(int), cb.count, cb.low, cb.high):
        ci = binomtest(int(k), int(m)).proportion_ci(confidence_level=0.9, method="wilson")
        np.testing.assert_allclose([lo, hi], [ci.low, ci.high], rtol=1e-10, atol=1e-12)
    a = plotting.plot_calibration(cb)
    (bars,) = a.containers
    assert bars.get_label().startswith("model")
    np.testing.assert_array_equal(bars.lines[0].get_xydata(), np.c_[cb.predicted, cb.observed])
    assert _data_points_under_legends(a.figure) == 0


def test_calibration_validates():
    from bayesreg import figures

    with pytest.raises(ValueError, match="prob"):
        figures.calibration_bins([0.2, 1.5], [0, 1])
    with pytest.raises(ValueError, match="labels 0 and 1"):
        figures.calibration_bins([0.2, 0.5], [0, 0.5])
    with pytest.raises(ValueError, match="same length"):
        figures.calibration_bins([0.2, 0.5, 0.1], [0, 1])
    with pytest.raises(ValueError, match="y .*required"):
        plotting.plot_calibration([0.2, 0.5])
    cb = figures.calibration_bins([0.2, 0.5], [0, 1])
    with pytest.raises(ValueError, match="y must be omitted"):
        plotting.plot_calibration(cb, [0, 1])
