import contextlib
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from bayesreg import cli
from bayesreg.exceptions import PriorDominatedWarning


def test_list_and_check(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("diabetes_laplace", "diabetes_gaussian", "diabetes_horseshoe", "polynomial", "sparse_p_gt_n"):
        assert name in out
    assert cli.main(["check", "polynomial", "sparse_p_gt_n"]) == 0
    out = capsys.readouterr().out
    assert "(30 x 15" in out and "(60 x 200" in out


def test_bad_spec_exits_2_naming_file_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(textwrap.dedent("""
        [data]
        dataset = "diabetes"
        [prior]
        family = "laplace"
        scale = 20.0
        [noise]
        sigma = 54.0
        [inference]
        draws = -5
    """))
    assert cli.main(["run", str(bad), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "[inference] draws" in err
    assert not (tmp_path / "r").exists()  # nothing fitted, nothing written
    assert cli.main(["run", "no_such_spec"]) == 2
    assert "looked in" in capsys.readouterr().err


def test_usage_errors():
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["equivalence", "--prior", "cauchy", "--scale", "1"])


def test_run_polynomial_writes_the_report(tmp_path, monkeypatch, capsys):
    from sklearn.linear_model import Ridge

    from bayesreg.datasets import make_polynomial

    monkeypatch.setenv("BAYESREG_FAST", "1")
    out = tmp_path / "report"
    assert cli.main(["run", "polynomial", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "(fast mode)" in captured.err and "[1/" in captured.err  # progress lines
    assert "exact MAP vs Ridge" in captured.out and f"report written to {out}" in captured.out
    for name in ("report.md", "coefficients.csv", "posterior.nc", "estimates.png", "intervals.png", "forest.png",
                 "shrinkage.png", "shrinkage.csv", "spec.toml"):
        assert (out / name).is_file(), name
    assert "![intervals](intervals.png)" in (out / "report.md").read_text()

    # the MAP column is scikit-learn's Ridge at alpha = sigma^2 / tau^2 (an independent fit here)
    d = make_polynomial()
    ref = Ridge(alpha=0.1**2 / 3.0**2, solver="svd").fit(d.X, d.y)
    coefs = pd.read_csv(out / "coefficients.csv", index_col="feature")
    scale = np.max(np.abs(ref.coef_))
    np.testing.assert_allclose(coefs.loc[list(d.feature_names), "exact MAP"], ref.coef_, atol=1e-7 * scale)
    np.testing.assert_allclose(coefs.loc["intercept", "exact MAP"], ref.intercept_, atol=1e-7 * scale)

    # the stored posterior: a Gaussian prior with sigma fixed has posterior mean = ridge; compare within
    # 5 Monte Carlo standard errors (posterior sd / sqrt(bulk ESS)) per coefficient
    import arviz as az

    idata = az.from_netcdf(out / "posterior.nc")
    beta = idata.posterior["beta"]
    assert beta.dims == ("chain", "draw", "feature")
    assert list(beta["feature"].values) == list(d.feature_names)
    mean = beta.mean(("chain", "draw")).values
    mcse = beta.std(("chain", "draw")).values / np.sqrt(az.ess(idata, var_names=["beta"])["beta"].values)
    assert np.all(np.abs(mean - ref.coef_) < 5 * mcse)
    np.testing.assert_allclose(coefs.loc[list(d.feature_names), "posterior mean"], mean, rtol=1e-10)


def test_equivalence_command(capsys):
    # exact MAP against scikit-learn only (find_MAP's accuracy is tested with the equivalence module)
    eq = ["equivalence", "--no-find-map"]
    assert cli.main([*eq, "--data", "diabetes", "--prior", "laplace", "--scale", "20", "--sigma", "54"]) == 0
    out = capsys.readouterr().out
    assert "Lasso(alpha=0.32986" in out and "verdict: PASS" in out and "find_MAP" not in out
    assert cli.main([*eq, "--data", "polynomial", "--prior", "gaussian", "--scale", "3"]) == 0
    out = capsys.readouterr().out
    assert "sigma = " in out and "Ridge(alpha=" in out  # sigma estimated when not given
    assert cli.main(["equivalence", "--data", "iris", "--scale", "1"]) == 2
    assert "name must be one of" in capsys.readouterr().err


def test_console_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "bayesreg.cli", "--help"], capture_output=True, text=True, check=True)
    assert "run" in out.stdout and "equivalence" in out.stdout


def test_every_spec_runs_in_fast_mode(tmp_path, monkeypatch):
    # `make test` runs every ready spec (fast mode) through the same engine as `bayesreg run`
    from bayesreg.report import run_spec, write_report
    from bayesreg.spec import find_specs, load_spec

    monkeypatch.setenv("BAYESREG_FAST", "1")
    specs = find_specs()
    assert len(specs) >= 5
    for path in specs:
        spec = load_spec(path)
        # the breast cancer data are linearly separable: the L1 logistic MAP is finite only because of
        # the prior, and the run says so (bayesreg.solvers.glm.glm_fit's separation check)
        separable = path.stem == "breast_cancer_logistic"
        with pytest.warns(PriorDominatedWarning, match="separable") if separable else contextlib.nullcontext():
            res = run_spec(spec, fast=True, quiet=True)
        est = res.estimates
        assert est.index[-1] == "intercept" and len(est) == res.data.n_features + 1
        for col in ("exact MAP", "sklearn", "posterior mean", "hdi low", "hdi high"):
            if col in est.columns:
                assert np.all(np.isfinite(est[col])), (path.name, col)
        if spec.inference.map and spec.inference.sklearn:
            # the MAP of a fixed-sigma model is the penalised fit (solver tolerance, relative to the largest)
            assert res.equivalence["relative"] < 1e-6 and res.equivalence["same support"], path.name
        if spec.inference.posterior:
            assert res.idata is not None and (est["hdi low"] <= est["hdi high"]).all()
        report = write_report(res, tmp_path / spec.name)
        assert report.is_file() and (tmp_path / spec.name / "coefficients.csv").is_file()


def test_init_writes_a_ready_spec_and_refuses_bad_data(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, 0.0, -1.0] + rng.normal(size=30)
    lines = ["u,v,w,target"] + [",".join(f"{v:.6f}" for v in (*row, t)) for row, t in zip(X, y)]
    (tmp_path / "mine.csv").write_text("\n".join(lines) + "\n")
    assert cli.main(["init", "mine.csv", "--target", "target"]) == 0
    spec_file = tmp_path / "models" / "mine.toml"
    from bayesreg.spec import load_spec

    spec = load_spec(spec_file)
    d = spec.load_data()
    assert list(d.feature_names) == ["u", "v", "w"] and d.n_samples == 30
    np.testing.assert_allclose(np.asarray(d.y), y, atol=1e-6)
    assert cli.main(["check", "mine"]) == 0  # found by name in ./models
    assert cli.main(["init", "mine.csv", "--target", "target"]) == 2  # no silent overwrite
    # bad input: one clear error naming the file and the column, and no spec written
    (tmp_path / "text.csv").write_text("a,b\nx,1\ny,2\n")
    (tmp_path / "empty.csv").write_text("")
    capsys.readouterr()
    for argv, words in ((["nope.csv", "--target", "y"], ("nope.csv", "not found")),
                        (["mine.csv", "--target", "zz", "--out", "other"], ("zz",)),
                        (["text.csv", "--target", "b"], ("text.csv", "'a'")),
                        (["empty.csv", "--target", "y"], ("empty.csv",))):  # fmt: skip
        assert cli.main(["init", *argv]) == 2
        err = capsys.readouterr().err
        assert all(w in err for w in words), err
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["mine.toml"]
    assert not (tmp_path / "other").exists()


# --------------------------------------------------------------------------------------------
# GLM specs and the sparse-summary section of the report
# --------------------------------------------------------------------------------------------


def _has_glm_equivalence() -> bool:
    import inspect

    from bayesreg import check_equivalence

    return "family" in inspect.signature(check_equivalence).parameters


@pytest.mark.skipif(not _has_glm_equivalence(), reason="check_equivalence(family=) has not landed")
def test_run_a_logistic_spec_writes_the_equivalence_and_posterior(tmp_path, capsys):
    # a small logistic spec: the report's MAP column is scikit-learn's L1 LogisticRegression(C=b)
    # with an unpenalised intercept (saga), fitted here independently
    from sklearn.linear_model import LogisticRegression

    from bayesreg.datasets import load_breast_cancer

    spec = tmp_path / "bc.toml"
    spec.write_text(textwrap.dedent("""
        [data]
        dataset = "breast_cancer"
        [likelihood]
        family = "bernoulli"
        [prior]
        family = "laplace"
        scale = 0.2
        [inference]
        find_map = false
        draws = 200
        tune = 200
        chains = 2
        seed = 4
    """))
    out = tmp_path / "r"
    with pytest.warns(PriorDominatedWarning, match="separable"):  # the breast cancer data are separable
        assert cli.main(["run", str(spec), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "likelihood: bernoulli" in printed and "[PASS] exact MAP = scikit-learn" in printed
    d = load_breast_cancer()
    ref = LogisticRegression(C=0.2, l1_ratio=1, solver="saga", tol=1e-12, max_iter=100_000).fit(d.X, d.y)
    coefs = pd.read_csv(out / "coefficients.csv", index_col="feature")
    scale = np.max(np.abs(ref.coef_))
    np.testing.assert_allclose(coefs.loc[list(d.feature_names), "exact MAP"], ref.coef_[0], atol=1e-6 * scale)
    np.testing.assert_allclose(coefs.loc["intercept", "exact MAP"], ref.intercept_[0], atol=1e-6 * scale)
    assert np.array_equal(coefs.loc[list(d.feature_names), "exact MAP"] == 0, ref.coef_[0] == 0)
    # the posterior summary is there, and not sparse where the MAP is
    post = coefs.loc[list(d.feature_names), "posterior mean"]
    assert np.all(np.isfinite(post)) and np.all(post != 0)
    text = (out / "report.md").read_text()
    assert "likelihood: bernoulli" in text and "## Equivalence" in text and "Verdict: **PASS**" in text
    assert "sigma:" not in text and "## Sparse summary" not in text  # a GLM posterior has no DSS section
    assert (out / "posterior.nc").is_file()


def test_run_a_laplace_posterior_adds_the_sparse_summary_section(tmp_path, capsys):
    # the report's sparse summary is bayesreg.sparse_summary of the stored posterior (recomputed
    # here from posterior.nc); a Gaussian-prior run has no such section
    import arviz as az

    import bayesreg
    from bayesreg.datasets import load_diabetes

    spec = tmp_path / "lap.toml"
    base = """
        [data]
        dataset = "diabetes"
        [prior]
        family = "laplace"
        scale = 20.0
        [noise]
        sigma = 54.0
        [inference]
        map = false
        sklearn = false
        draws = 300
        tune = 200
        chains = 2
        seed = 1
    """
    spec.write_text(textwrap.dedent(base))
    out = tmp_path / "r"
    assert cli.main(["run", str(spec), "--out", str(out), "--quiet"]) == 0
    assert "sparse summary (DSS): chosen size" in capsys.readouterr().out
    text = (out / "report.md").read_text()
    assert "## Sparse summary" in text and "![sparse summary](sparse_summary.png)" in text
    assert (out / "sparse_summary.png").is_file()
    table = pd.read_csv(out / "sparse_summary.csv", keep_default_na=False)
    again = bayesreg.sparse_summary(az.from_netcdf(out / "posterior.nc"), load_diabetes().X, "dss")
    np.testing.assert_array_equal(table["size"], again.table["size"])
    np.testing.assert_allclose(table["rho2_mean"], again.table["rho2_mean"], rtol=1e-12)
    assert list(table["support"]) == [" ".join(s) for s in again.table["support"]]
    chosen = f"| {again.chosen_size} **(chosen)** | {', '.join(again.selected)} |"
    assert chosen in text and f"Chosen model: {again.chosen_size} variable(s): {', '.join(again.selected)}." in text
    # bmi and s5 carry most of the diabetes signal (Efron et al. 2004): the summary keeps them
    assert {"bmi", "s5"} <= set(again.selected)
    spec.write_text(textwrap.dedent(base).replace('"laplace"', '"gaussian"').replace("scale = 20.0", "scale = 30.0"))
    assert cli.main(["run", str(spec), "--out", str(out), "--quiet"]) == 0
    assert "## Sparse summary" not in (out / "report.md").read_text()
    assert not (out / "sparse_summary.csv").exists()  # the previous run's file removed


def test_init_with_a_glm_family(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    lab = (X[:, 0] + rng.normal(size=40) > 0).astype(int)
    m = rng.integers(1, 6, 40)
    k = rng.binomial(m, 0.4)
    rows = ["u,v,lab,k,m"] + [f"{a:.5f},{b:.5f},{c},{s},{t}" for (a, b), c, s, t in zip(X, lab, k, m)]
    (tmp_path / "g.csv").write_text("\n".join(rows) + "\n")
    from bayesreg.spec import load_spec

    assert cli.main(["init", "g.csv", "--target", "lab", "--family", "bernoulli"]) == 0
    s = load_spec(tmp_path / "models" / "g.toml")
    assert s.family == "bernoulli" and s.sigma is None and s.prior.scale == 1.0
    assert "sigma" not in (tmp_path / "models" / "g.toml").read_text()
    assert cli.main(["check", "g"]) == 0 and "likelihood bernoulli" in capsys.readouterr().out
    assert cli.main(["init", "g.csv", "--target", "k", "--family", "binomial", "--trials", "m", "--force"]) == 0
    s = load_spec(tmp_path / "models" / "g.toml")
    d = s.load_data()
    assert s.family == "binomial" and "m" not in d.feature_names
    np.testing.assert_array_equal(s.trials(d), m)
    capsys.readouterr()
    # a target the family cannot model, and --trials misused: one line each, nothing written
    for argv, words in ((["--target", "u", "--family", "bernoulli"], ("[likelihood] family", "0 and 1")),
                        (["--target", "k", "--family", "binomial"], ("--trials is required",)),
                        (["--target", "lab", "--trials", "m"], ("--trials is only for --family binomial",))):
        assert cli.main(["init", "g.csv", *argv, "--out", "other"]) == 2
        err = capsys.readouterr().err
        assert all(w in err for w in words), err
    assert not (tmp_path / "other").exists()


def test_a_logistic_spec_with_a_shrinkage_grid(tmp_path):
    # the grid's MAP column is the penalised GLM path: scikit-learn's L1 LogisticRegression(C = b) at each b
    from sklearn.linear_model import LogisticRegression

    from bayesreg.report import run_spec
    from bayesreg.spec import load_spec

    spec = tmp_path / "bcs.toml"
    spec.write_text(textwrap.dedent("""
        [data]
        dataset = "breast_cancer"
        [likelihood]
        family = "bernoulli"
        [prior]
        family = "laplace"
        scale = 0.2
        [inference]
        map = false
        sklearn = false
        shrinkage = true
        n_scales = 2
        scale_range = [0.5, 1.0]
        draws = 200
        tune = 100
        seed = 1
    """))
    res = run_spec(load_spec(spec), fast=True, quiet=True)
    table = res.shrinkage
    assert table.attrs["likelihood"] == "bernoulli"
    X, y = np.asarray(res.data.X), np.asarray(res.data.y)
    scales = np.unique(table["scale"])
    np.testing.assert_allclose(scales, [0.1, 0.2])
    for b in scales:
        ref = LogisticRegression(C=b, l1_ratio=1, solver="saga", tol=1e-12, max_iter=100_000).fit(X, y)
        got = table[table["scale"] == b]["map"].to_numpy()
        np.testing.assert_allclose(got, ref.coef_[0], rtol=0, atol=1e-6 * np.abs(ref.coef_).max())
