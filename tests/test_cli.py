import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from bayesreg import cli


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
