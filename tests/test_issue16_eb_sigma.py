"""Empirical Bayes in specs with a prior on sigma (issue 16).

The Laplace priors' Monte Carlo EM samples sigma under the spec's own prior on it; the Gaussian
prior's closed-form evidence has no form with a prior on sigma, so the spec check refuses that
combination, naming both keys.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import bayesreg
from bayesreg import spec as S
from bayesreg.report import run_spec


def _csv(tmp_path, n=60, seed=0):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, 4))
    y = X @ np.array([2.0, 0.0, -1.0, 0.0]) + r.standard_normal(n)
    lines = ["a,b,c,d,y"] + [",".join(f"{v:.17g}" for v in (*row, t)) for row, t in zip(X, y, strict=True)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    return X, y


def _spec(tmp_path, family, sigma, scale_key="scale"):
    text = f"""
    [data]
    csv = "d.csv"
    target = "y"

    [prior]
    family = "{family}"
    {scale_key} = "empirical_bayes"

    [noise]
    sigma = {sigma}

    [inference]
    map = true
    sklearn = false
    posterior = false
    """
    path = tmp_path / "m.toml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("sigma", ['"halfcauchy(2.5)"', '"halfnormal(1)"', '"uniform(10)"', '"exponential(1)"'])
def test_gaussian_evidence_with_a_sigma_prior_is_refused_naming_both_keys(tmp_path, sigma):
    _csv(tmp_path)
    path = _spec(tmp_path, "gaussian", sigma)
    with pytest.raises(S.SpecError) as info:
        S.load_spec(path)
    msg = str(info.value)
    assert info.value.key == "[prior] scale"
    assert str(path) in msg and "[prior] scale:" in msg and "[noise] sigma" in msg, msg
    # and it says what to use instead
    assert '"jeffreys"' in msg and '"hyperprior"' in msg and '"estimate"' in msg, msg


@pytest.mark.parametrize(
    ("family", "sigma", "key"),
    [
        ("gaussian", '"jeffreys"', "scale"),
        ("gaussian", '"estimate"', "scale"),
        ("gaussian", "1.5", "scale"),
        ("laplace", '"halfcauchy(2.5)"', "scale"),
        ("park_casella", '"halfnormal(1)"', "lam"),
    ],
)
def test_the_combinations_that_have_an_evidence_are_accepted(tmp_path, family, sigma, key):
    _csv(tmp_path)
    s = S.load_spec(_spec(tmp_path, family, sigma, key))
    assert s.prior.scale == "empirical_bayes"


def test_mcem_in_a_spec_samples_sigma_under_the_specs_prior(tmp_path):
    # the reference: choose_prior_scale called directly with the spec's prior on sigma, the same
    # seed and the fast draws; Jeffreys' prior (what the spec step used before) lands elsewhere
    X, y = _csv(tmp_path)
    spec = S.load_spec(_spec(tmp_path, "laplace", '"halfnormal(0.3)"'))
    res = run_spec(spec, fast=True, quiet=True)
    ref = bayesreg.choose_prior_scale(X, y, "laplace", sigma="halfnormal(0.3)", method="mcem",
                                      random_seed=spec.inference.seed, draws=500)  # fmt: skip
    jef = bayesreg.choose_prior_scale(X, y, "laplace", sigma=None, method="mcem",
                                      random_seed=spec.inference.seed, draws=500)  # fmt: skip
    got = res.scale_choice
    assert got.lam == pytest.approx(ref.lam, rel=1e-12) and got.sigma == pytest.approx(ref.sigma, rel=1e-12)
    assert not got.sigma_fixed
    # HalfNormal(0.3) holds sigma well below the residual sd (about 1): both sigma and lambda move
    # by far more than their Monte Carlo error (mc_se of lambda ~ 0.3 %)
    assert got.sigma < 0.95 * jef.sigma
    assert abs(got.lam / jef.lam - 1.0) > 10 * ref.mc_se / ref.lam
    assert any("sampled under the prior halfnormal(0.3)" in note for note in res.notes), res.notes
