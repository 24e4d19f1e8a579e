"""Issue 23: each fact asked from its home (the prior registry on Prior, the intercept prior, the GLM argument
checks), and the old ``bayesreg.models`` names still importable with a DeprecationWarning."""

from __future__ import annotations

import numpy as np
import pytest

import bayesreg
import bayesreg.models as models
from bayesreg import design, families, intercept, noise, priors
from bayesreg.priors import PRIOR_WORDS, Prior, check_prior

EXPORTED_PRIORS = {getattr(bayesreg, n) for n in bayesreg.__all__
                   if isinstance(getattr(bayesreg, n), type) and issubclass(getattr(bayesreg, n), Prior)}  # fmt: skip


def test_the_registry_is_every_exported_prior():
    # what the registry holds is read from the classes; compared with what the package exports
    assert set(Prior.registered()) == EXPORTED_PRIORS
    assert PRIOR_WORDS == tuple(cls.word for cls in Prior.registered())
    assert len(set(PRIOR_WORDS)) == len(PRIOR_WORDS)
    for cls in Prior.registered():
        assert Prior.named(cls.word) is cls


def test_named_refuses_an_unknown_word_listing_the_known():
    with pytest.raises(ValueError, match="prior must be one of 'laplace'.*got 'lasso'"):
        Prior.named("lasso")
    with pytest.raises(ValueError, match="got None"):
        Prior.named(None)


def test_check_prior_accepts_registered_and_refuses_the_rest():
    assert check_prior(bayesreg.Laplace(1.0)) == bayesreg.Laplace(1.0)
    with pytest.raises(TypeError, match="prior must be one of Laplace, ParkCasella, Gaussian, Flat"):
        check_prior(Prior())  # the base is not a prior
    with pytest.raises(TypeError, match="got str 'laplace'"):
        check_prior("laplace")


def test_the_registry_is_not_kept_in_models():
    assert not hasattr(models, "PRIORS")
    assert not hasattr(models, "check_sigma")


@pytest.mark.parametrize("name, home", [
    ("prepare_data", design), ("ModelData", design), ("default_sigma_prior", noise), ("check_prior", priors),
    ("check_glm_arguments", families), ("NormalIntercept", intercept), ("parse_intercept_prior", intercept),
])  # fmt: skip
def test_moved_names_warn_and_are_the_homes_objects(name, home):
    moved = rf"bayesreg.models.{name} has moved: import it from {home.__name__}"
    with pytest.warns(DeprecationWarning, match=moved) as w:
        obj = getattr(models, name)
    assert obj is getattr(home, name)
    assert w[0].filename == __file__  # at the user's line, as every bayesreg warning (bayesreg._warnings.warn)
    with pytest.warns(DeprecationWarning):
        ns = {}
        exec(f"from bayesreg.models import {name}", ns)
    assert ns[name] is obj


def test_public_intercept_prior_is_its_homes():
    assert bayesreg.NormalIntercept is intercept.NormalIntercept
    assert intercept.parse_intercept_prior((1.0, 2.0)) == intercept.NormalIntercept(1.0, 2.0)
    with pytest.raises(ValueError, match="fit_intercept=False"):
        intercept.parse_intercept_prior((1.0, 2.0), fit_intercept=False)


def test_glm_argument_checks_at_their_home():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = (rng.random(20) < 0.5).astype(float)
    data = design.prepare_data(X, y, family="bernoulli")
    families.check_glm_arguments(data, bayesreg.Laplace(1.0))  # nothing to refuse
    with pytest.raises(ValueError, match="family='bernoulli' has none"):
        families.check_glm_arguments(data, bayesreg.Laplace(1.0), sigma=2.0)
    with pytest.raises(ValueError, match="ParkCasella is defined through the noise scale"):
        families.check_glm_arguments(data, bayesreg.ParkCasella(1.0))


def test_no_module_on_the_map_and_gibbs_paths_imports_models():
    # the MAP path, the samplers and the studies ask the homes, never the PyMC builder's module
    import ast
    import pathlib

    root = pathlib.Path(bayesreg.__file__).parent
    users = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1] == "models":
                users.append((path.relative_to(root).as_posix(), tuple(a.name for a in node.names)))
    # only the NUTS sampler (the builder's public entry point) and check_equivalence's find_MAP build a PyMC model
    assert sorted(set(users)) == [("equivalence.py", ("build_model",)),
                                  ("sampling.py", ("BuiltModel", "build_resolved"))]  # fmt: skip


@pytest.mark.parametrize("name", ["bayesreg.intercept", "bayesreg.families", "bayesreg.priors", "bayesreg.models",
                                  "bayesreg.cli", "bayesreg.report"])  # fmt: skip
def test_each_home_imports_first_in_a_fresh_interpreter(name):
    # an import cycle shows as an ImportError when the module is the first one imported
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", f"import {name}"], check=True)


# ---- issue 23, item 3: the CLI asks the library ------------------------------------------------------------------

SPEC = """
name = "s"
[data]
dataset = "diabetes"
[prior]
family = "{prior}"
{scale}
[noise]
sigma = {sigma}
[inference]
posterior = {posterior}
"""


def _spec(prior="laplace", scale="scale = 20.0", sigma="54.0"):
    import tomllib

    from bayesreg.spec import parse_spec

    posterior = "true" if prior == "horseshoe" else "false"  # the horseshoe has no MAP: its spec samples
    return parse_spec(tomllib.loads(SPEC.format(prior=prior, scale=scale, sigma=sigma, posterior=posterior)))


def test_one_vocabulary_per_kind_from_the_library():
    from bayesreg import cli, sampling, spec

    assert spec.LIKELIHOODS is families.FAMILY_NAMES
    assert families.FAMILY_NAMES == tuple(families._FAMILIES) == tuple(c.name for c in families._FAMILIES.values())
    assert spec.SAMPLERS is sampling.GRID_SAMPLER_NAMES and set(spec.SAMPLERS) <= set(sampling.SAMPLER_NAMES)
    assert sampling.SAMPLER_NAMES == ("auto", *(c.name for c in sampling._CLASSES.values()))
    assert set(spec.SIGMA_WORDS) == set(noise.SIGMA_WORDS) - {"default"}
    assert set(spec.PRIOR_WORDS) <= set(PRIOR_WORDS)
    # the command's choices are those words
    sub = next(a for a in cli.build_parser()._actions if a.choices and "init" in a.choices).choices
    for cmd, prior_words in (("init", ("laplace", "gaussian", "horseshoe")),
                             ("equivalence", ("laplace", "gaussian", "park_casella"))):  # fmt: skip
        acts = {a.dest: a for a in sub[cmd]._actions}
        assert tuple(acts["family"].choices) == families.FAMILY_NAMES
        assert tuple(acts["prior"].choices) == prior_words and set(prior_words) <= set(PRIOR_WORDS)


@pytest.mark.parametrize("sigma, word, value", [
    ("54.0", "fixed", 54.0), ('"estimate"', "estimate", None), ('"jeffreys"', "jeffreys", None),
    ('"flat"', "flat", None), ('"halfcauchy(2.5)"', "sigma_prior", None),
])  # fmt: skip
def test_the_spec_parses_sigma_once_into_the_noise_models_object(sigma, word, value):
    s = _spec(sigma=sigma)
    assert isinstance(s.noise, noise.SigmaSpec) and s.noise.word == word and s.noise.value == value
    assert s.noise.free == (word not in ("fixed", "estimate"))


def test_a_sigma_out_of_the_noise_models_range_is_refused_when_the_spec_is_read():
    from bayesreg.spec import SpecError

    with pytest.raises(SpecError, match=r"\[noise\] sigma"):
        _spec(sigma="1e300")


def test_prepare_run_does_not_read_the_sigma_spelling_again(monkeypatch):
    # on main, prepare_run re-parsed a fixed sigma with noise.parse_sigma; now it asks spec.noise
    from bayesreg import report

    s = _spec(sigma="54.0")

    def refuse(*args, **kwargs):
        raise AssertionError("the sigma spelling was parsed again")

    monkeypatch.setattr(noise, "parse_sigma", refuse)
    prepared = report.prepare_run(s)
    assert prepared.sigma == 54.0 and prepared.sigma_note == "fixed by the spec"


def test_prior_spec_word_and_its_deprecated_family_name():
    s = _spec(prior="park_casella", scale="lam = 0.3")
    assert s.prior.word == "park_casella" and s.prior.prior_class is bayesreg.ParkCasella
    assert s.prior.scale_name == "lam"
    with pytest.warns(DeprecationWarning, match="PriorSpec.word") as w:
        assert s.prior.family == "park_casella"
    assert w[0].filename == __file__
    assert s.family == "gaussian"  # ModelSpec.family is the likelihood's


@pytest.mark.parametrize("prior, scale, expected", [
    ("laplace", "scale = 20.0", bayesreg.Laplace(20.0)), ("gaussian", "scale = 3.0", bayesreg.Gaussian(3.0)),
    ("park_casella", "lam = 0.3", bayesreg.ParkCasella(0.3)), ("horseshoe", "", bayesreg.Horseshoe(1.0)),
    ("horseshoe", "global_scale = 0.2", bayesreg.Horseshoe(0.2)), ("flat", "", bayesreg.Flat()),
])  # fmt: skip
def test_make_prior_builds_the_class_its_word_names(prior, scale, expected):
    assert _spec(prior=prior, scale=scale).make_prior() == expected


def test_fixed_at_is_the_prior_at_the_sampled_scale():
    beta = np.array([0.7, -1.3, 0.0, 2.1])
    # Park-Casella: Laplace(0, sigma / lam); its density at sigma = 2, lam = 4 is Laplace(0.5)'s
    pc = bayesreg.ParkCasella(1.0, lam2_prior=bayesreg.GammaPrior(1.0, 1.78))
    fixed = pc.fixed_at(4.0, 2.0)
    assert fixed == bayesreg.Laplace(0.5)
    assert fixed.logp(beta) == pytest.approx(bayesreg.ParkCasella(4.0).logp(beta, sigma=2.0), rel=1e-13)
    g = bayesreg.Gaussian(1.0, tau2_prior=bayesreg.InverseGammaPrior(1.0, 1.0))
    assert g.fixed_at(0.25, 2.0) == bayesreg.Gaussian(0.25)
    assert pc.gibbs_settings().hyper_name == "lam" and g.gibbs_settings().hyper_name == "tau"
    with pytest.raises(TypeError, match="Horseshoe has no sampled scale"):
        bayesreg.Horseshoe(1.0).fixed_at(1.0, 1.0)


def test_the_likelihood_class_is_not_named_gaussian():
    assert families.family("gaussian").__class__.__name__ == "GaussianFamily"
    with pytest.warns(DeprecationWarning, match="GaussianFamily") as w:
        assert families.Gaussian is families.GaussianFamily
    assert w[0].filename == __file__


def test_default_method_is_what_auto_runs():
    from bayesreg.hyperparameters import default_method

    assert default_method("gaussian") == default_method(bayesreg.Gaussian) == "marginal_likelihood"
    assert default_method(bayesreg.ParkCasella) == default_method(bayesreg.Laplace(1.0)) == "mcem"
