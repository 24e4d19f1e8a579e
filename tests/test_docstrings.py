"""Docstrings name every prior an entry point accepts (help(sample_posterior) is where users look).

The public prior classes are read from ``bayesreg.__all__`` (every exported subclass of Prior), so a new
prior that is exported but missing from these docstrings fails here.
"""

from __future__ import annotations

import inspect
import re

import pytest

import bayesreg
from bayesreg.priors import Prior

PRIORS = sorted(
    n for n in bayesreg.__all__ if isinstance(getattr(bayesreg, n), type) and issubclass(getattr(bayesreg, n), Prior)
)
# entry points that take any coefficient prior (some refuse a prior with no mode, and say so); find_map takes
# the PyMC model that build_model makes, not a prior
TAKE_EVERY_PRIOR = ["sample_posterior", "build_model", "map_estimate", "BayesianRegression"]


def _prior_section(doc: str) -> str:
    m = re.search(r"^prior\b.*?(?=^\w+ :|^[A-Z]\w+\n-{3,}|\Z)", doc, re.S | re.M)
    assert m, "no `prior` parameter in the docstring"
    return m.group(0)


def test_the_prior_list_is_read():
    assert {"Laplace", "Gaussian", "Horseshoe", "RegularizedHorseshoe", "R2D2"} <= set(PRIORS)


@pytest.mark.parametrize("name", TAKE_EVERY_PRIOR)
def test_docstring_names_every_prior(name):
    section = _prior_section(inspect.getdoc(getattr(bayesreg, name)))
    missing = [p for p in PRIORS if not re.search(rf"\b{p}\b", section)]
    assert not missing, f"help({name}) does not name {missing} under `prior`"
