import textwrap
from pathlib import Path

import numpy as np
import pytest

from bayesreg import spec as S
from bayesreg.priors import GammaPrior, Gaussian, Horseshoe, InverseGammaPrior, Laplace, ParkCasella

REPO_MODELS = Path(__file__).resolve().parent.parent / "models"

BASE = """
[data]
dataset = "diabetes"

[prior]
family = "laplace"
scale = 20.0

[noise]
sigma = 54.0
"""


def write(tmp_path, text, name="m.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def test_every_bundled_spec_is_valid_and_loads_its_data():
    files = sorted(REPO_MODELS.glob("*.toml"))
    names = {f.stem for f in files}
    assert {"diabetes_laplace", "diabetes_gaussian", "diabetes_horseshoe", "polynomial", "sparse_p_gt_n"} <= names
    for f in files:
        s = S.load_spec(f)
        assert s.name == f.stem and s.description
        d = s.load_data()
        assert d.X.shape[0] == d.y.shape[0] > 0
    sparse = S.load_spec(REPO_MODELS / "sparse_p_gt_n.toml").load_data()
    assert sparse.n_features > sparse.n_samples


def test_defaults_and_prior_objects(tmp_path):
    s = S.load_spec(write(tmp_path, BASE))
    assert s.name == "m" and s.sigma == 54.0
    assert s.inference == S.InferenceSpec()
    assert s.make_prior() == Laplace(20.0)
    s = S.load_spec(write(tmp_path, BASE.replace('family = "laplace"\nscale = 20.0',
                                                 'family = "park_casella"\nlam = "hyperprior"')))
    assert s.prior.chosen and s.make_prior(0.5) == ParkCasella(0.5, lam2_prior=GammaPrior(1.0, 1.78))
    s = S.load_spec(write(tmp_path, BASE.replace('scale = 20.0', 'scale = "hyperprior"')
                          .replace('"laplace"', '"gaussian"') + "[prior.hyperprior]\nshape = 2.0\n"))
    assert s.make_prior() == Gaussian(1.0, tau2_prior=InverseGammaPrior(2.0, 1.0))
    s = S.load_spec(write(tmp_path, BASE.replace('scale = 20.0', 'scale = "empirical_bayes"')))
    assert s.make_prior(7.0) == Laplace(7.0)
    with pytest.raises(ValueError, match="scale="):
        s.make_prior()
    s = S.load_spec(write(tmp_path, BASE.replace('family = "laplace"\nscale = 20.0', 'family = "horseshoe"')
                          .replace("54.0", '"jeffreys"') + "[inference]\nmap = false\nsklearn = false\n"))
    assert s.make_prior() == Horseshoe(1.0) and not s.inference.map and s.sigma == "jeffreys"


@pytest.mark.parametrize(
    "edit, key, words",
    [
        (lambda t: t + "\nbogus = 1\n", "bogus", "unknown key"),
        (lambda t: t.replace('dataset = "diabetes"', 'dataset = "diabetes"\ncolour = "red"'), "[data] colour",
         "unknown key"),
        (lambda t: t.replace("scale = 20.0", "scale = -1.0"), "[prior] scale", "> 0"),
        (lambda t: t.replace("scale = 20.0", 'scale = "big"'), "[prior] scale", "empirical_bayes"),
        (lambda t: t.replace("scale = 20.0", "lam = 2.0"), "[prior] lam", "not a parameter"),
        (lambda t: t.replace("scale = 20.0", ""), "[prior] scale", "required"),
        (lambda t: t.replace('"laplace"', '"cauchy"'), "[prior] family", "must be one of"),
        (lambda t: t.replace("sigma = 54.0", "sigma = 0"), "[noise] sigma", "> 0"),
        (lambda t: t.replace("sigma = 54.0", "sigma = true"), "[noise] sigma", "must be a number"),
        (lambda t: t.replace("sigma = 54.0", 'sigma = "guess"'), "[noise] sigma", "estimate"),
        (lambda t: t.replace('dataset = "diabetes"', 'dataset = "iris"'), "[data] dataset", "must be one of"),
        (lambda t: t.replace('dataset = "diabetes"', 'dataset = "diabetes"\ngenerator = "sparse"'), "[data]",
         "exactly one"),
        (lambda t: t.replace('dataset = "diabetes"', 'csv = "nope.csv"\ntarget = "y"'), "[data] csv",
         "file not found"),
        (lambda t: t.replace('dataset = "diabetes"', 'generator = "sparse"\nparams = { n_samples = 2.5 }'),
         "[data.params] n_samples", "integer"),
        (lambda t: t.replace('dataset = "diabetes"', 'generator = "sparse"\nparams = { spice = 1 }'),
         "[data.params] spice", "unknown key"),
        (lambda t: t.replace('dataset = "diabetes"', 'dataset = "diabetes"\ntarget = "y"'), "[data] target",
         "only for csv"),
        (lambda t: t + "[inference]\ndraws = 0\n", "[inference] draws", ">= 1"),
        (lambda t: t + "[inference]\ndraws = 100.0\n", "[inference] draws", "integer"),
        (lambda t: t + "[inference]\nsampler = 'metropolis'\n", "[inference] sampler", "must be one of"),
        (lambda t: t + "[inference]\nhdi_prob = 1.0\n", "[inference] hdi_prob", "< 1"),
        (lambda t: t + "[inference]\nposterior = 'yes'\n", "[inference] posterior", "true or false"),
        (lambda t: t + "[inference]\nscale_range = [10.0, 1.0]\n", "[inference] scale_range", "lo < hi"),
        (lambda t: t + "[inference]\nmap = false\nsklearn = false\nposterior = false\n", "[inference]",
         "asks for nothing"),
        (lambda t: t.replace("scale = 20.0", 'scale = "empirical_bayes"') + "[inference]\nshrinkage = true\n",
         "[inference] shrinkage", "fixed prior scale"),
        (lambda t: t.replace("scale = 20.0", 'scale = "hyperprior"') + "[inference]\nposterior = false\n",
         "[inference] posterior", "hyperprior"),
        (lambda t: t + "[prior.hyperprior]\nshape = 1.0\n", "[prior.hyperprior]", "only used"),
        (lambda t: t.replace('family = "laplace"\nscale = 20.0', 'family = "horseshoe"') + "[inference]\nmap = true\n",
         "[inference] map", "no penalised equivalent"),
        (lambda t: t.replace("[noise]\nsigma = 54.0", ""), "noise", "required"),
        (lambda t: 'name = "../x"\n' + t, "name", "folder name"),
        (lambda t: t.replace("[prior]", "prior = 3\n[priors]"), "priors", "unknown key"),
    ],
)
def test_bad_specs_name_file_and_key(tmp_path, edit, key, words):
    path = write(tmp_path, edit(BASE))
    with pytest.raises(S.SpecError) as info:
        S.load_spec(path)
    msg = str(info.value)
    assert str(path) in msg and key in msg and words in msg, msg
    assert isinstance(info.value, ValueError)


def test_invalid_toml_and_missing_file(tmp_path):
    bad = write(tmp_path, "[data\n")
    with pytest.raises(S.SpecError, match="TOML"):
        S.load_spec(bad)
    with pytest.raises(S.SpecError, match="not found"):
        S.load_spec(tmp_path / "absent.toml")


def test_bad_generator_value_is_reported_when_loading(tmp_path):
    path = write(tmp_path, BASE.replace('dataset = "diabetes"', 'generator = "sparse"\n'
                                        'params = { n_features = 5, n_informative = 9 }'))
    s = S.load_spec(path)  # types are right; the value is checked by the generator
    with pytest.raises(S.SpecError, match=r"\[data.params\].*n_informative"):
        s.load_data()


def test_csv_data(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.csv").write_text("a,b,c,y\n1,2,3,4\n2,1,0,1\n3,3,3,2\n")
    text = BASE.replace('dataset = "diabetes"', 'csv = "d/t.csv"\ntarget = "y"')
    d = S.load_spec(write(tmp_path, text)).load_data()
    assert d.feature_names == ("a", "b", "c")
    np.testing.assert_array_equal(d.y, [4, 1, 2])
    d = S.load_spec(write(tmp_path, text.replace('target = "y"', 'target = "y"\nfeatures = ["c", "a"]'))).load_data()
    np.testing.assert_array_equal(d.X[:, 0], [3, 0, 3])
    s = S.load_spec(write(tmp_path, text.replace('target = "y"', 'target = "z"')))
    with pytest.raises(S.SpecError, match=r"\[data\] target.*'z'"):
        s.load_data()
    with pytest.raises(S.SpecError, match=r"\[data\] target.*required"):
        S.load_spec(write(tmp_path, text.replace('target = "y"', "")))
    with pytest.raises(S.SpecError, match=r"\[data\] features.*target"):
        S.load_spec(write(tmp_path, text.replace('target = "y"', 'target = "y"\nfeatures = ["a", "y"]')))
    (tmp_path / "d" / "t.csv").write_text("a,b,y\n1,x,4\n2,1,1\n")
    with pytest.raises(S.SpecError, match=r"\[data\] csv.*numbers"):
        S.load_spec(write(tmp_path, text)).load_data()


def test_fast_mode(monkeypatch, tmp_path):
    s = S.load_spec(write(tmp_path, BASE + "[inference]\ndraws = 2000\nn_scales = 10\n"))
    monkeypatch.setenv("BAYESREG_FAST", "1")
    assert s.effective_inference().draws == 2000  # nothing but the command reads the environment
    inf = s.effective_inference(fast=True)
    assert inf.draws == 300 and inf.tune == 300 and inf.n_scales == 4
    assert S.fast_mode()  # what the command asks
    monkeypatch.delenv("BAYESREG_FAST")
    assert not S.fast_mode()


def test_resolve_spec(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no ./models here: falls back to the repository's folder
    assert S.resolve_spec(None) == REPO_MODELS / "diabetes_laplace.toml"
    assert S.resolve_spec("polynomial").name == "polynomial.toml"
    assert S.resolve_spec("polynomial.toml").name == "polynomial.toml"
    own = tmp_path / "mine"
    own.mkdir()
    write(own, BASE, "polynomial.toml")
    monkeypatch.setenv("BAYESREG_MODELS", str(own))
    assert S.resolve_spec("polynomial") == own / "polynomial.toml"
    assert [p.name for p in S.find_specs()] == ["polynomial.toml"]
    with pytest.raises(S.SpecError, match="looked in"):
        S.resolve_spec("nothing_here")
    assert S.resolve_spec(str(own / "polynomial.toml")) == own / "polynomial.toml"


DOCS = Path(__file__).resolve().parent.parent / "docs" / "specs.md"


def _doc_sections() -> dict[str, str]:
    """docs/specs.md split at its ``###`` headings: heading -> text."""
    out, head = {}, None
    for line in DOCS.read_text().splitlines():
        if line.startswith("#"):
            head = line.lstrip("#").strip()
            out[head] = ""
        elif head is not None:
            out[head] += line + "\n"
    return out


def test_every_key_the_schema_accepts_is_documented():
    # the key lists come from spec.py's own schema (SCHEMA, the loaders' signatures), so a key
    # added to the parser and not to docs/specs.md fails here
    from bayesreg.datasets import DATASETS

    sections = _doc_sections()

    def section(table):
        title = "Top level" if table == "" else f"`{table}`"
        found = [text for head, text in sections.items() if head.startswith(title)]
        assert found, f"docs/specs.md has no section for {table or 'the top level'}"
        return found[0]

    for table, keys in S.SCHEMA.items():
        text = section(table)
        for key in keys:
            assert f"`{key}`" in text, f"docs/specs.md does not document {table} {key}"
    params = section("[data.params]")
    for name in DATASETS:
        assert f'"{name}"' in params, name
        for key in S.data_params(name):
            assert f"`{key}`" in params, f"docs/specs.md does not document [data.params] {key} of {name}"
    for words, table in ((S.PRIOR_WORDS, "[prior]"), (S.CHOOSERS, "[prior]"), (S.SIGMA_WORDS, "[noise]"),
                         (S.LIKELIHOODS, "[likelihood]"),
                         (S.SAMPLERS, "[inference]"), (S.GENERATORS, "[data]"), (S.BUNDLED, "[data]")):
        for w in words:
            assert f'"{w}"' in section(table), (table, w)
    # the limits, as the docs print them
    for key in ("draws", "tune", "n_samples", "n_features", "design_values", "posterior_values"):
        assert f"{S.LIMITS[key]:,}" in DOCS.read_text(), key
    assert str(S.LIMITS["chains"]) in section("[inference]") and str(S.LIMITS["n_scales"]) in section("[inference]")


def test_the_documented_examples_are_valid_specs(tmp_path):
    # every TOML block of the docs that is a whole spec (has [data], [prior], [noise]) parses
    import re
    import tomllib

    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(), flags=re.S)
    whole = [b for b in blocks if all(f"[{t}]" in b for t in ("data", "prior", "noise"))]
    assert len(whole) >= 2
    (tmp_path / "mine.csv").write_text("a,b,y\n1,2,3\n2,1,1\n3,3,2\n4,0,5\n")
    models = tmp_path / "models"
    models.mkdir()
    for b in whole:
        s = S.parse_spec(tomllib.loads(b), path=models / "mine.toml")
        assert s.data is not None
    # each data-source example completes the minimal spec into a valid one
    tail = '[prior]\nfamily = "laplace"\nscale = 1.0\n[noise]\nsigma = 1.0\n'
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "small.csv").write_text("dose,age,weight,response\n1,2,3,4\n2,1,0,1\n3,3,3,2\n")
    data_blocks = [b for b in blocks if b.startswith("[data]") and "[prior]" not in b]
    assert len(data_blocks) == 3  # bundled set, generator, CSV
    for b in data_blocks:
        S.parse_spec(tomllib.loads(b + tail), path=tmp_path / "x.toml").load_data()


def test_the_documented_glm_example_is_a_valid_spec():
    import re
    import tomllib

    blocks = [b for b in re.findall(r"```toml\n(.*?)```", DOCS.read_text(), flags=re.S) if "[likelihood]" in b
              and "[data]" in b]  # fmt: skip
    assert blocks
    for b in blocks:
        s = S.parse_spec(tomllib.loads(b))
        assert s.family == "bernoulli" and s.sigma is None and s.load_data().n_features == 30


def test_help_summarises_the_format_and_points_to_the_docs():
    from bayesreg import cli

    parser = cli.build_parser()
    subs = parser._subparsers._group_actions[0].choices
    for text in (parser.format_help(), subs["run"].format_help(), subs["check"].format_help()):
        assert "docs/specs.md" in text
        for table in ("[data]", "[likelihood]", "[prior]", "[noise]", "[inference]"):
            assert table in text
        for word in ("empirical_bayes", "hyperprior", "estimate", "jeffreys", "csv", "generator", "dataset",
                     "bernoulli", "binomial", "poisson", "trials", "breast_cancer"):
            assert word in text, word
    assert "--force" in subs["run"].format_help() and ".bayesreg-manifest.json" in subs["run"].format_help()


# --------------------------------------------------------------------------------------------
# GLM specs: [likelihood] family and trials
# --------------------------------------------------------------------------------------------

GLM = """
[data]
dataset = "breast_cancer"

[likelihood]
family = "bernoulli"

[prior]
family = "laplace"
scale = 0.2
"""


def test_glm_spec_defaults_and_bundled_breast_cancer(tmp_path):
    s = S.load_spec(write(tmp_path, GLM))
    assert s.likelihood == S.LikelihoodSpec("bernoulli") and s.family == "bernoulli" and s.sigma is None
    assert s.make_prior() == Laplace(0.2) and s.trials(s.load_data()) is None
    # the linear model is the default: no [likelihood] table means gaussian, with its [noise]
    g = S.load_spec(write(tmp_path, BASE))
    assert g.likelihood == S.LikelihoodSpec() and g.family == "gaussian" and g.likelihood.is_gaussian
    bundled = S.load_spec(REPO_MODELS / "breast_cancer_logistic.toml")
    assert bundled.family == "bernoulli" and bundled.data.dataset == "breast_cancer"
    assert bundled.inference.map and bundled.inference.sklearn and bundled.inference.find_map
    d = bundled.load_data()
    assert d.X.shape == (569, 30) and set(np.unique(d.y)) == {0.0, 1.0}
    # horseshoe and gaussian priors are fine for a GLM
    S.load_spec(write(tmp_path, GLM.replace('family = "laplace"\nscale = 0.2', 'family = "horseshoe"')
                      + "[inference]\nmap = false\nsklearn = false\n"))
    S.load_spec(write(tmp_path, GLM.replace('"laplace"', '"gaussian"').replace('"bernoulli"', '"poisson"')))


@pytest.mark.parametrize(
    "edit, key, words",
    [
        (lambda t: t.replace('"bernoulli"', '"logistic"'), "[likelihood] family", "must be one of"),
        (lambda t: t.replace('"bernoulli"', "1"), "[likelihood] family", "must be a string"),
        (lambda t: t.replace('family = "bernoulli"', 'family = "bernoulli"\nlink = "probit"'),
         "[likelihood] link", "unknown key"),
        (lambda t: t.replace('"bernoulli"', '"binomial"'), "[likelihood] trials", "is required"),
        (lambda t: t.replace('"bernoulli"', '"binomial"\ntrials = 0'), "[likelihood] trials", ">= 1"),
        (lambda t: t.replace('"bernoulli"', '"binomial"\ntrials = 2.5'), "[likelihood] trials", "integer"),
        (lambda t: t.replace('"bernoulli"', '"binomial"\ntrials = "n"'), "[likelihood] trials", "needs csv data"),
        (lambda t: t.replace('"bernoulli"', '"bernoulli"\ntrials = 3'), "[likelihood] trials",
         "only for family = \"binomial\""),
        (lambda t: t + "[noise]\nsigma = 1.0\n", "[noise] sigma", "no noise scale"),
        (lambda t: t + "[noise]\n", "[noise]", "no noise scale"),
        (lambda t: t.replace('family = "laplace"\nscale = 0.2', 'family = "park_casella"\nlam = 2.0'),
         "[prior] family", "park_casella"),
        (lambda t: t.replace("scale = 0.2", 'scale = "empirical_bayes"'), "[prior] scale", "gaussian likelihood"),
        (lambda t: t.replace("scale = 0.2", 'scale = "hyperprior"'), "[prior] scale", "gaussian likelihood"),
        (lambda t: t.replace('"bernoulli"', '"poisson"') + "[inference]\nsampler = \"gibbs\"\n",
         "[inference] sampler", "NUTS"),
        (lambda t: t.replace('[likelihood]\nfamily = "bernoulli"', ""), "noise", "required"),
    ],
)
def test_bad_glm_specs_name_file_and_key(tmp_path, edit, key, words):
    path = write(tmp_path, edit(GLM))
    with pytest.raises(S.SpecError) as info:
        S.load_spec(path)
    msg = str(info.value)
    assert str(path) in msg and f"{key}:" in msg and words in msg, msg


def test_binomial_trials_from_a_csv_column_or_a_number(tmp_path):
    from bayesreg.report import prepare_run

    (tmp_path / "b.csv").write_text("a,b,k,m\n0.1,1,2,5\n0.5,-1,0,3\n-0.3,2,3,3\n0.8,0,1,4\n")
    text = GLM.replace('dataset = "breast_cancer"', 'csv = "b.csv"\ntarget = "k"').replace(
        '"bernoulli"', '"binomial"\ntrials = "m"')
    s = S.load_spec(write(tmp_path, text))
    d = s.load_data()
    assert d.feature_names == ("a", "b")  # the trials column is not a feature
    np.testing.assert_array_equal(s.trials(d), [5, 3, 3, 4])
    assert prepare_run(s).sigma is None
    # one number for every row; and successes above the trials are refused once the data are loaded
    s = S.load_spec(write(tmp_path, text.replace('trials = "m"', "trials = 2")))
    assert s.trials(s.load_data()) == 2 and s.load_data().feature_names == ("a", "b", "m")
    with pytest.raises(S.SpecError, match=r"\[likelihood\] trials: the binomial likelihood cannot model"):
        prepare_run(s)
    with pytest.raises(S.SpecError, match=r"\[likelihood\] trials.*'zz' not in b.csv"):
        S.load_spec(write(tmp_path, text.replace('trials = "m"', 'trials = "zz"'))).load_data()
    with pytest.raises(S.SpecError, match=r"\[likelihood\] trials.*target"):
        S.load_spec(write(tmp_path, text.replace('trials = "m"', 'trials = "k"')))
    with pytest.raises(S.SpecError, match=r"\[likelihood\] trials.*features"):
        S.load_spec(write(tmp_path, text.replace('target = "k"', 'target = "k"\nfeatures = ["a", "m"]')))


def test_a_target_the_family_cannot_model_is_refused_before_fitting(tmp_path):
    from bayesreg.report import prepare_run

    s = S.load_spec(write(tmp_path, GLM.replace('"breast_cancer"', '"diabetes"')))
    with pytest.raises(S.SpecError, match=r"\[likelihood\] family: the bernoulli likelihood cannot model the "
                                          r"target of diabetes.*0 and 1"):
        prepare_run(s)


def test_a_prior_on_sigma_written_in_a_spec(tmp_path, monkeypatch):
    # sigma = "halfcauchy(60)": free in the posterior under that prior (the noise model's parser
    # reads the text); the posterior has sigma draws and the report says which prior
    from bayesreg.report import run_spec

    monkeypatch.setenv("BAYESREG_FAST", "1")
    text = BASE.replace("54.0", '"halfcauchy(60)"') + "[inference]\nmap = false\nsklearn = false\nshrinkage = false\n"
    s = S.load_spec(write(tmp_path, text))
    assert s.sigma == "halfcauchy(60)"
    res = run_spec(s, fast=True, quiet=True)
    assert "sigma" in res.idata.posterior and "halfcauchy(60)" in res.sigma_note
    assert 40 < float(res.idata.posterior["sigma"].mean()) < 70  # diabetes residual sd is about 54
    for bad, words in (('"halfcauchy(-1)"', "scale"), ('"lognormal(1)"', "prior on sigma"), ('"fixed"', "sigma")):
        with pytest.raises(S.SpecError, match=r"\[noise\] sigma.*" + words):
            S.load_spec(write(tmp_path, BASE.replace("54.0", bad)))
