"""Shared fixtures. Keep this small and additive: several test files use it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# A quick hypothesis profile: property tests here check algebra, not rare corners of huge spaces.
settings.register_profile(
    "bayesreg",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("bayesreg")


@pytest.fixture
def rng():
    """A seeded NumPy generator (a fresh one per test)."""
    return np.random.default_rng(20240531)


@pytest.fixture
def regression_data():
    """A small dense regression problem: ``(X, y)`` with n=60, p=8, a sparse truth and noise sd 0.5."""
    r = np.random.default_rng(7)
    n, p = 60, 8
    X = r.standard_normal((n, p))
    beta = np.array([2.0, -1.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.5])
    y = 1.0 + X @ beta + 0.5 * r.standard_normal(n)
    return X, y
