"""Issue 21: `bayesreg init` chooses or suggests the family and offers standardize, checks what it
writes as `bayesreg check` does and escapes names; `equivalence --family`; duplicated CSV headers
refused everywhere; the bundled specs in the top-level models/ folder."""

import os
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayesreg.cli import main
from bayesreg.spec import bundled_specs_dir, load_spec

REPO = Path(__file__).resolve().parent.parent


def _csv(path, **cols):
    pd.DataFrame(cols).to_csv(path, index=False)
    return path


def _binary(tmp_path, n=80, seed=0, name="grades.csv", big=1.0):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n) * big
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 + x1 - x2 / big)))).astype(int)
    return _csv(tmp_path / name, x1=x1, x2=x2, GRADE=y)


def test_init_picks_bernoulli_for_a_0_1_target_and_says_so(tmp_path, capsys):
    # main: a Gaussian spec, no hint that --family bernoulli exists
    csv = _binary(tmp_path)
    assert main(["init", str(csv), "--target", "GRADE", "--out", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert "family bernoulli (logistic regression) chosen" in out
    text = (tmp_path / "m" / "grades.toml").read_text()
    assert "# family bernoulli (logistic regression) chosen" in text
    doc = tomllib.loads(text)
    assert doc["likelihood"]["family"] == "bernoulli" and "noise" not in doc
    assert main(["check", str(tmp_path / "m" / "grades.toml")]) == 0


def test_init_with_family_gaussian_on_0_1_labels_keeps_it_and_says_what_fits(tmp_path, capsys):
    csv = _binary(tmp_path)
    assert main(["init", str(csv), "--target", "GRADE", "--family", "gaussian", "--out", str(tmp_path / "m")]) == 0
    assert "--family bernoulli fits logistic regression" in capsys.readouterr().out
    doc = tomllib.loads((tmp_path / "m" / "grades.toml").read_text())
    assert "likelihood" not in doc and doc["noise"]["sigma"] == "estimate"


def test_init_suggests_poisson_for_a_count_target(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    csv = _csv(tmp_path / "counts.csv", x=x, z=rng.normal(size=60), n_events=rng.poisson(np.exp(1 + 0.5 * x)))
    assert main(["init", str(csv), "--target", "n_events", "--out", str(tmp_path / "m")]) == 0
    assert "--family poisson" in capsys.readouterr().out
    text = (tmp_path / "m" / "counts.toml").read_text()
    assert "--family poisson" in text
    assert "likelihood" not in tomllib.loads(text)  # suggested, not picked: a count-valued measurement may be linear


def test_init_offers_standardize_and_writes_it_when_scales_differ_by_orders_of_magnitude(tmp_path, capsys):
    csv = _binary(tmp_path, big=1e4, name="wide.csv")
    assert main(["init", str(csv), "--target", "GRADE", "--out", str(tmp_path / "m")]) == 0
    assert "standardize = true" in capsys.readouterr().out
    spec_file = tmp_path / "m" / "wide.toml"
    assert tomllib.loads(spec_file.read_text())["data"]["standardize"] is True
    # the loaded features are the columns divided by their sd (computed here from the file)
    df = pd.read_csv(csv)
    X = df[["x1", "x2"]].to_numpy()
    np.testing.assert_allclose(load_spec(spec_file).load_data().X, X / X.std(axis=0), rtol=1e-15)
    # similar scales: offered as a commented-out line
    csv = _binary(tmp_path, name="narrow.csv")
    assert main(["init", str(csv), "--target", "GRADE", "--out", str(tmp_path / "m")]) == 0
    text = (tmp_path / "m" / "narrow.toml").read_text()
    assert "\n# standardize = true\n" in text and "standardize" not in tomllib.loads(text)["data"]


@pytest.mark.parametrize(
    ("cols", "message"),
    [
        ({"a": [1.0], "b": [2.0], "y": [3.0]}, "has 1 row; a model needs at least 2 rows"),
        ({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 5, 1, 4, 0], "y": [3.0] * 5}, "is constant (3 in every row)"),
        ({"a": [1.0, 2, 3], "b": [2.0, 5, 1], "y": [3.0, 1, 2]}, '"estimate" needs more rows than features + 1'),
    ],
)
def test_init_refuses_what_check_would_reject_and_writes_nothing(tmp_path, capsys, cols, message):
    # main: init wrote these specs, then `bayesreg check` rejected them (scikit-learn's CV message)
    csv = _csv(tmp_path / "d.csv", **cols)
    assert main(["init", str(csv), "--target", "y", "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bayesreg: error:") and message in err and "n_splits" not in err
    assert not (tmp_path / "m").exists()


def test_init_escapes_names_that_toml_would_misread(tmp_path):
    # main pasted names into TOML unescaped: a quote or backslash broke or changed the spec
    target, feature = 'gr"ade\\x', 'we"ird \\ name'
    rng = np.random.default_rng(2)
    x = rng.normal(size=40)
    csv = _csv(tmp_path / "q.csv", **{feature: x, "other": rng.normal(size=40), target: x + rng.normal(size=40)})
    assert main(["init", str(csv), "--target", target, "--out", str(tmp_path / "m")]) == 0
    spec_file = tmp_path / "m" / "q.toml"
    doc = tomllib.loads(spec_file.read_text())
    assert doc["data"]["target"] == target
    assert target in doc["description"]
    data = load_spec(spec_file).load_data()
    assert list(data.feature_names) == [feature, "other"]
    assert main(["check", str(spec_file)]) == 0


def test_duplicated_header_refused_by_init_check_run_and_equivalence(tmp_path, capsys):
    # main: pandas renamed the second "a" to "a.1" in init, check and run (results named a feature
    # not in the file); SufficientStats.from_csv refused it
    rng = np.random.default_rng(3)
    rows = "\n".join(f"{a:.6f},{b:.6f},{a + b + c:.6f}" for a, b, c in rng.normal(size=(30, 3)))
    csv = tmp_path / "dup.csv"
    csv.write_text("a,a,y\n" + rows + "\n")
    expected = "the CSV column name 'a' appears more than once (columns 1 and 2"
    assert main(["init", str(csv), "--target", "y", "--out", str(tmp_path / "m")]) == 2
    assert expected in capsys.readouterr().err
    spec = tmp_path / "dup.toml"
    spec.write_text('[data]\ncsv = "dup.csv"\ntarget = "y"\n[prior]\nfamily = "laplace"\nscale = 1.0\n'
                    '[noise]\nsigma = 1.0\n')
    for argv in (["check", str(spec)], ["run", str(spec), "--no-report", "-q"],
                 ["equivalence", "--data", str(csv), "--target", "y", "--scale", "1", "--no-find-map"]):
        assert main(argv) == 2
        assert expected in capsys.readouterr().err


def test_equivalence_family_bernoulli_maps_to_logistic_regression(tmp_path, capsys):
    # main: no --family; the labels were fitted by a Lasso
    csv = _binary(tmp_path, n=120)
    assert main(["equivalence", "--data", str(csv), "--target", "GRADE", "--family", "bernoulli",
                 "--prior", "gaussian", "--scale", "1.5", "--no-find-map"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "bernoulli likelihood" in out and "LogisticRegression" in out and "verdict: PASS" in out


def test_equivalence_gaussian_on_0_1_labels_warns(tmp_path, capsys):
    csv = _binary(tmp_path, n=120)
    assert main(["equivalence", "--data", str(csv), "--target", "GRADE", "--scale", "1", "--no-find-map"]) == 0
    err = capsys.readouterr().err
    assert "holds only 0 and 1" in err and "--family bernoulli" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--family", "poisson", "--sigma", "2"], "--sigma is only for --family gaussian"),
        (["--family", "bernoulli", "--prior", "park_casella"], "--prior park_casella is scaled by sigma"),
        (["--family", "binomial"], "--family binomial needs a CSV file"),
        (["--family", "poisson"], "--family poisson: the target of --data"),  # cosine: a real-valued target
    ],
)
def test_equivalence_family_refusals_name_the_option(capsys, argv, message):
    data = ["--data", "breast_cancer"] if "poisson" not in argv else ["--data", "cosine"]
    assert main(["equivalence", *data, "--scale", "1", "--no-find-map", *argv]) == 2
    assert message in capsys.readouterr().err


def test_bundled_specs_live_in_the_top_level_models_folder_and_are_found_from_any_folder(tmp_path, capsys):
    # main: the specs were in bayesreg/specs; the project's layout has models/ beside bayesreg/
    assert not (REPO / "bayesreg" / "specs").exists()
    assert bundled_specs_dir().resolve() == (REPO / "models").resolve()
    assert (REPO / "models" / "diabetes_laplace.toml").is_file()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["list"]) == 0
        assert "diabetes_laplace" in capsys.readouterr().out
        assert main(["check", "small_csv"]) == 0
    finally:
        os.chdir(cwd)
