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
    with pytest.warns(DeprecationWarning, match=rf"bayesreg.models.{name} has moved: import it from {home.__name__}"):
        obj = getattr(models, name)
    assert obj is getattr(home, name)
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
