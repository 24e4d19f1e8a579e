"""Per-feature prior scales in model specs (``[prior.scales]``): the run, the report, the checks.

References: the weighted lasso's optimality conditions (KKT) written out in NumPy, the weighted
ridge's normal equations solved by ``numpy.linalg.solve`` (the Gaussian prior's MAP and exact
posterior mean in closed form), and ``map_estimate`` called directly with the vector prior built
by hand.
"""

import textwrap

import numpy as np
import pytest

from bayesreg import cli, datasets, map_estimate
from bayesreg import spec as S
from bayesreg.priors import Gaussian, Laplace
from bayesreg.report import prepare_run, run_spec, write_report

DIABETES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
SIGMA = 54.0

LAPLACE = """
[data]
dataset = "diabetes"

[prior]
family = "laplace"
scale = 27.0

[prior.scales]
bmi = inf
s5 = "inf"
bp = 100.0

[noise]
sigma = 54.0
"""


def write(tmp_path, text, name="m.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def _hand_vector(common, named):
    return [named.get(f, common) for f in DIABETES]


@pytest.fixture(scope="module")
def diabetes():
    return datasets.get_dataset("diabetes")


def test_feature_names_match_the_hand_built_order(diabetes):
    # the hand-built vectors below follow this order
    assert tuple(diabetes.feature_names) == DIABETES


def test_laplace_scales_run_end_to_end_and_the_map_is_the_weighted_lasso(tmp_path, diabetes):
    spec = S.load_spec(write(tmp_path, LAPLACE))
    assert spec.prior.scales == {"bmi": np.inf, "s5": np.inf, "bp": 100.0}
    res = run_spec(spec, fast=True, quiet=True)
    hand = Laplace(_hand_vector(27.0, {"bmi": np.inf, "s5": np.inf, "bp": 100.0}))
    assert res.prior == hand and res.posterior_prior == hand

    X, y = np.asarray(diabetes.X), np.asarray(diabetes.y)
    ref = map_estimate(X, y, hand, sigma=SIGMA)
    got = res.estimates["exact MAP"].to_numpy()
    scale = np.max(np.abs(ref.coef))
    np.testing.assert_allclose(got[:-1], ref.coef, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(got[-1], ref.intercept, rtol=1e-12)
    # scikit-learn's fit (on rescaled columns) is the same point, as check_equivalence certifies
    assert res.equivalence_report.passed
    np.testing.assert_allclose(res.estimates["sklearn"].to_numpy(), got, rtol=0, atol=1e-6 * scale)

    # independent: the weighted lasso's KKT conditions at the spec's MAP, in NumPy.
    # objective 1/(2n)||y - b0 - X beta||^2 + sum_j a_j |beta_j|, a_j = sigma^2 / (n b_j) (0 for inf)
    beta, b0 = got[:-1], got[-1]
    n = len(y)
    b = np.array(hand.scale)
    a = SIGMA**2 / (n * b)  # 0 where b = inf
    g = X.T @ (y - b0 - X @ beta) / n  # minus the loss gradient
    tol = 1e-8 * np.max(np.abs(X.T @ (y - y.mean()) / n))  # the certificate's gap ~1e-12: far below this
    assert abs(np.mean(y - b0 - X @ beta)) < 1e-8 * np.std(y)  # the intercept's condition
    free = ~np.isfinite(b)
    assert np.all(np.abs(g[free]) < tol) and np.all(beta[free] != 0)  # unpenalised: gradient zero
    on = ~free & (beta != 0)
    np.testing.assert_allclose(g[on], a[on] * np.sign(beta[on]), rtol=0, atol=tol)
    off = ~free & (beta == 0)
    assert off.any() and np.all(np.abs(g[off]) <= a[off] + tol)
    # the unpenalised features are not shrunk: with all ten at b = 27, bmi's MAP is smaller
    plain = map_estimate(X, y, Laplace(27.0), sigma=SIGMA).coef
    assert abs(beta[2]) > abs(plain[2]) and abs(beta[8]) > abs(plain[8])

    # the posterior was sampled under the same vector prior (fast: 2 x 300 draws)
    assert res.idata is not None and res.diagnostics["draws"] == 600

    # the model section of the report and the printed summary state the scales
    line = ("per-feature prior scales ([prior.scales]): unpenalised (flat prior, scale inf): bmi, s5; own scale b: "
            "bp = 100; the other 7 features: the common scale b = 27")  # fmt: skip
    text = write_report(res, tmp_path / "out").read_text()
    model = text.split("## Coefficients")[0]
    assert f"- {line}" in model
    from bayesreg.report import format_table

    assert line in format_table(res)


def test_gaussian_scales_match_the_weighted_ridge_in_closed_form(tmp_path, diabetes):
    spec = S.load_spec(write(tmp_path, """
        [data]
        dataset = "diabetes"
        [prior]
        family = "gaussian"
        scale = 200.0
        [prior.scales]
        s1 = 20.0
        bmi = inf
        [noise]
        sigma = 54.0
        [inference]
        draws = 2000
    """))
    res = run_spec(spec, fast=True, quiet=True)  # fast: 300 draws per chain, exact sampler (closed form)
    tau = np.array(_hand_vector(200.0, {"s1": 20.0, "bmi": np.inf}))
    assert res.prior == Gaussian(tuple(tau))
    X, y = np.asarray(diabetes.X), np.asarray(diabetes.y)
    # the weighted ridge with an unpenalised intercept: centre, then (Xc'Xc + sigma^2 diag(1/tau^2)) beta = Xc'yc
    Xc, yc = X - X.mean(0), y - y.mean()
    A = Xc.T @ Xc + np.diag(SIGMA**2 / tau**2)
    beta = np.linalg.solve(A, Xc.T @ yc)
    b0 = y.mean() - X.mean(0) @ beta
    got = res.estimates["exact MAP"].to_numpy()
    np.testing.assert_allclose(got, np.r_[beta, b0], rtol=1e-8, atol=1e-8 * np.max(np.abs(beta)))
    assert "unpenalised (flat prior, scale inf): bmi; own scale tau: s1 = 20" in res.notes[-1]
    # the exact posterior mean is the MAP; its sd sigma^2 A^-1: 600 independent draws, within 5 MC errors
    sd = SIGMA * np.sqrt(np.diag(np.linalg.inv(A)))
    mean = res.estimates["posterior mean"].to_numpy()[:-1]
    assert np.all(np.abs(mean - beta) < 5 * sd / np.sqrt(600))


def test_glm_scales_map_equals_map_estimate_with_the_hand_built_vector(tmp_path):
    # a small logistic CSV (scikit-learn's saga at tol 1e-12 on breast_cancer takes ~20 s)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    y = (rng.random(200) < 1.0 / (1.0 + np.exp(-(0.3 + X @ [1.5, -1.0, 0.0, 0.2])))).astype(float)
    lines = ["a,b,c,d,y"] + [",".join(f"{v:.17g}" for v in row) for row in np.c_[X, y]]
    (tmp_path / "logit.csv").write_text("\n".join(lines) + "\n")
    spec = S.load_spec(write(tmp_path, """
        [data]
        csv = "logit.csv"
        target = "y"
        [likelihood]
        family = "bernoulli"
        [prior]
        family = "laplace"
        scale = 0.05
        [prior.scales]
        a = 5.0
        d = 0.5
        [inference]
        posterior = false
    """))
    res = run_spec(spec, quiet=True)
    vec = [5.0, 0.05, 0.05, 0.5]
    assert res.prior == Laplace(vec)
    ref = map_estimate(X, y, Laplace(vec), family="bernoulli")
    got = res.estimates["exact MAP"].to_numpy()
    np.testing.assert_allclose(got, np.r_[ref.coef, ref.intercept], rtol=0, atol=1e-10)
    assert res.equivalence_report.passed  # scikit-learn on the rescaled columns: the same point
    # independent: the weighted L1 logistic KKT conditions (mean log-loss + sum_j |beta_j| / (n b_j))
    beta, b0 = got[:-1], got[-1]
    n = len(y)
    g = X.T @ (y - 1.0 / (1.0 + np.exp(-(b0 + X @ beta)))) / n
    a = 1.0 / (n * np.array(vec))
    on = beta != 0
    assert on.any() and (~on).any()  # both conditions are exercised
    np.testing.assert_allclose(g[on], a[on] * np.sign(beta[on]), rtol=0, atol=1e-7 * a.min())
    assert np.all(np.abs(g[~on]) <= a[~on] * (1 + 1e-7))


# ------------------------------------------------------------------------------------------
# bad input: each a SpecError naming the key, before any fitting
# ------------------------------------------------------------------------------------------

BASE = """
[data]
dataset = "diabetes"
[prior]
family = "laplace"
scale = 27.0
{scales}
[noise]
sigma = 54.0
{inference}
"""


def spec_text(scales="[prior.scales]\nbmi = inf\n", inference=""):
    return BASE.format(scales=scales, inference=inference)


@pytest.mark.parametrize("value, problem", [
    ("0.0", "must be > 0"),
    ("-1", "must be > 0"),
    ("-inf", "must be > 0"),
    ("nan", "must be a number > 0, or inf"),
    ('"infinite"', "must be a number > 0, or inf"),
    ('"-inf"', "must be a number > 0, or inf"),
    ("true", "must be a number > 0, or inf"),
    ("[1.0, 2.0]", "must be a number > 0, or inf"),
    ("1e200", r"must lie in \[1e-150, 1e\+150\]"),
])  # fmt: skip
def test_a_bad_value_names_the_feature(tmp_path, value, problem):
    with pytest.raises(S.SpecError, match=problem) as info:
        S.load_spec(write(tmp_path, spec_text(scales=f"[prior.scales]\nbmi = {value}\n")))
    assert info.value.key == "[prior.scales] bmi"


def test_accepted_spellings_of_unpenalised(tmp_path):
    for v in ("inf", "+inf", '"inf"', '"INF"'):
        s = S.load_spec(write(tmp_path, spec_text(scales=f"[prior.scales]\nbmi = {v}\ns5 = 3\n")))
        assert s.prior.scales == {"bmi": np.inf, "s5": 3.0}


@pytest.mark.parametrize("scales, key, problem", [
    ("[prior.scales]\n", "[prior.scales]", "is empty"),
    ("scales = 3.0\n", "[prior.scales]", "must be a table"),
    ("[prior.scales]\ns5.x = 1.0\n", "[prior.scales] s5", "must be quoted"),
])  # fmt: skip
def test_a_bad_table(tmp_path, scales, key, problem):
    text = spec_text(scales="").replace("scale = 27.0\n", "scale = 27.0\n" + scales)
    with pytest.raises(S.SpecError, match=problem) as info:
        S.load_spec(write(tmp_path, text))
    assert info.value.key == key


@pytest.mark.parametrize("prior, problem", [
    ('family = "horseshoe"', "the horseshoe prior learns a local scale"),
    ('family = "park_casella"\nlam = 2.0', "park_casella prior has one scale"),
    ('family = "gaussian"\nscale = "hyperprior"', "the hyperprior is on one common scale"),
    ('family = "laplace"\nscale = "hyperprior"', "the hyperprior is on one common scale"),
])  # fmt: skip
def test_a_prior_without_per_feature_scales_is_refused(tmp_path, prior, problem):
    text = spec_text().replace('family = "laplace"\nscale = 27.0', prior)
    with pytest.raises(S.SpecError, match=problem) as info:
        S.load_spec(write(tmp_path, text))
    assert info.value.key == "[prior.scales]"


def test_the_shrinkage_grid_varies_the_common_scale_and_its_map_is_the_vector_prior_map(tmp_path, diabetes):
    spec = S.load_spec(write(tmp_path, spec_text(
        scales="[prior.scales]\nbmi = inf\nbp = 100.0\n",
        inference="[inference]\nposterior = false\nshrinkage = true\nn_scales = 3\nscale_range = [0.5, 2.0]\n")))
    res = run_spec(spec, fast=True, quiet=True)
    vec = np.array(_hand_vector(27.0, {"bmi": np.inf, "bp": 100.0}))
    base = np.exp(np.mean(np.log(vec[np.isfinite(vec)])))  # the common scale: the finite scales' geometric mean
    table = res.shrinkage
    np.testing.assert_allclose(np.unique(table["scale"]), base * np.array([0.5, 1.0, 2.0]), rtol=1e-12)
    X, y = np.asarray(diabetes.X), np.asarray(diabetes.y)
    for factor in (0.5, 1.0, 2.0):
        rows = table[np.isclose(table["scale"], base * factor, rtol=1e-12)]
        ref = map_estimate(X, y, Laplace(tuple(vec * factor)), sigma=SIGMA)  # the spec's vector times the factor
        np.testing.assert_allclose(rows["map"].to_numpy(), ref.coef, rtol=0, atol=1e-9 * np.max(np.abs(ref.coef)))
    # the grid's middle point is the spec's own prior: the report's exact MAP
    np.testing.assert_allclose(table[np.isclose(table["scale"], base)]["map"].to_numpy(),
                               res.estimates["exact MAP"].to_numpy()[:-1], rtol=0, atol=1e-9 * 1e3)  # fmt: skip


def test_a_glm_shrinkage_grid_with_an_unpenalised_feature_is_refused(tmp_path):
    text = """
        [data]
        dataset = "breast_cancer"
        [likelihood]
        family = "bernoulli"
        [prior]
        family = "laplace"
        scale = 0.2
        [prior.scales]
        "mean radius" = inf
        [inference]
        map = false
        sklearn = false
        shrinkage = true
    """
    with pytest.raises(S.SpecError, match="shrinkage grid's MAP path") as info:
        S.load_spec(write(tmp_path, text))
    assert info.value.key == "[prior.scales] mean radius"


@pytest.mark.parametrize("family", ["gaussian", "laplace"])
def test_empirical_bayes_chooses_the_common_scale_with_the_ratios_fixed(tmp_path, diabetes, family):
    from bayesreg import choose_prior_scale

    spec = S.load_spec(write(tmp_path, f"""
        [data]
        dataset = "diabetes"
        [prior]
        family = "{family}"
        scale = "empirical_bayes"
        [prior.scales]
        bmi = inf
        bp = 4.0
        [noise]
        sigma = 54.0
        [inference]
        posterior = false
    """))
    relative = np.array(_hand_vector(1.0, {"bmi": np.inf, "bp": 4.0}))
    assert spec.make_prior(feature_names=DIABETES).scale == tuple(relative)
    res = run_spec(spec, fast=True, quiet=True)
    X, y = np.asarray(diabetes.X), np.asarray(diabetes.y)
    kind = Gaussian if family == "gaussian" else Laplace
    direct = choose_prior_scale(X, y, kind(tuple(relative)), sigma=SIGMA, random_seed=0, draws=500)
    assert res.scale_choice.factors_fixed
    if family == "gaussian":  # deterministic: the same maximum
        assert res.scale_choice.scale == pytest.approx(direct.scale, rel=1e-10)
    else:  # Monte Carlo EM: within the two runs' Monte Carlo errors (and the 2e-3 stopping tolerance)
        se = np.hypot(res.scale_choice.mc_se / res.scale_choice.lam, direct.mc_se / direct.lam)
        assert res.scale_choice.scale == pytest.approx(direct.scale, rel=4 * se + 4e-3)
    chosen = np.array(res.prior.scale)
    # the ratios are the spec's: bmi unpenalised, bp four times the others
    assert np.isinf(chosen[2]) and chosen[3] == pytest.approx(4 * chosen[0]) and np.all(chosen[[0, 1, 4]] == chosen[0])
    ref = map_estimate(X, y, kind(tuple(chosen)), sigma=SIGMA)
    np.testing.assert_allclose(res.estimates["exact MAP"].to_numpy()[:-1], ref.coef, rtol=0,
                               atol=1e-9 * np.max(np.abs(ref.coef)))  # fmt: skip
    word = "tau" if family == "gaussian" else "b"
    assert (f"ratios to the common scale held fixed while empirical Bayes chose it): unpenalised (flat prior, scale "
            f"inf): bmi; own scale: bp = 4 x {word} = {chosen[3]:.4g}; the other 8 features: the common scale "
            f"{word} = {chosen[0]:.4g}") in res.notes[-1]  # fmt: skip


def test_an_unknown_feature_is_refused_once_the_data_are_loaded_listing_the_features(tmp_path, capsys):
    path = write(tmp_path, spec_text(scales="[prior.scales]\nbmi = inf\nbmii = 2.0\n"))
    spec = S.load_spec(path)  # the names of a bundled data set are known once it is loaded
    with pytest.raises(S.SpecError, match="is not a feature of diabetes; its features are: age, sex, bmi, bp") as info:
        prepare_run(spec)
    assert info.value.key == "[prior.scales] bmii"
    with pytest.raises(S.SpecError, match="bmii"):
        run_spec(spec, quiet=True)  # without prepare_run: the same error, before any fitting
    # the command: exit status 2, the file and the key on stderr, nothing written
    assert cli.main(["check", str(path)]) == 2
    assert "[prior.scales] bmii" in capsys.readouterr().err
    assert cli.main(["run", str(path), "--out", str(tmp_path / "r")]) == 2
    assert "[prior.scales] bmii" in capsys.readouterr().err and not (tmp_path / "r").exists()


def test_every_feature_unpenalised_is_refused(tmp_path):
    scales = "[prior.scales]\n" + "".join(f"{f} = inf\n" for f in DIABETES)
    spec = S.load_spec(write(tmp_path, spec_text(scales=scales)))
    with pytest.raises(S.SpecError, match="every feature unpenalised") as info:
        prepare_run(spec)
    assert info.value.key == "[prior.scales]"
    # nine of ten is a model (the common scale on the tenth): accepted
    spec = S.load_spec(write(tmp_path, spec_text(scales=scales.replace("s6 = inf\n", ""))))
    assert np.isfinite(spec.scale_vector(DIABETES)).sum() == 1


def test_csv_with_listed_features_is_checked_when_the_spec_is_read(tmp_path):
    (tmp_path / "d.csv").write_text("a,b,c,y\n1,2,3,4\n2,1,0,1\n3,3,3,2\n4,0,1,5\n")
    text = """
        [data]
        csv = "d.csv"
        target = "y"
        features = ["a", "b"]
        [prior]
        family = "gaussian"
        scale = 1.0
        [prior.scales]
        {scales}
        [noise]
        sigma = 1.0
    """
    with pytest.raises(S.SpecError, match="is not a feature of d.csv .*; its features are: a, b") as info:
        S.load_spec(write(tmp_path, text.format(scales="c = 2.0")))  # c is a column but not a listed feature
    assert info.value.key == "[prior.scales] c"
    with pytest.raises(S.SpecError, match="every feature unpenalised"):
        S.load_spec(write(tmp_path, text.format(scales="a = inf\n        b = inf")))
    s = S.load_spec(write(tmp_path, text.format(scales="b = inf")))
    assert s.make_prior(feature_names=["a", "b"]) == Gaussian((1.0, np.inf))


def test_glm_with_an_unpenalised_feature(tmp_path):
    text = """
        [data]
        dataset = "breast_cancer"
        [likelihood]
        family = "bernoulli"
        [prior]
        family = "laplace"
        scale = 0.2
        [prior.scales]
        "mean radius" = inf
        [inference]
        {inference}
    """
    with pytest.raises(S.SpecError, match="cannot profile an unpenalised coefficient") as info:
        S.load_spec(write(tmp_path, text.format(inference="")))
    assert info.value.key == "[prior.scales] mean radius" and "map, sklearn" in str(info.value)
    no_map = "map = false\n        sklearn = false\n        "
    with pytest.raises(S.SpecError, match="Polya-Gamma Gibbs sampler needs a finite scale") as info:
        S.load_spec(write(tmp_path, text.format(inference=no_map + 'sampler = "gibbs"')))
    assert info.value.key == "[inference] sampler"
    s = S.load_spec(write(tmp_path, text.format(inference=no_map)))  # NUTS under "auto": accepted
    assert s.inference.sampler == "auto"


def test_make_prior_needs_the_feature_names(tmp_path):
    spec = S.load_spec(write(tmp_path, spec_text()))
    with pytest.raises(ValueError, match="feature_names="):
        spec.make_prior()
    assert spec.make_prior(feature_names=DIABETES) == Laplace(_hand_vector(27.0, {"bmi": np.inf}))
    assert S.load_spec(write(tmp_path, spec_text(scales=""))).scale_vector(DIABETES) is None
