"""build_model: named variables and dims, log densities checked against scipy, the suffstats
likelihood equal to the plain one at random points, validation before PyMC, PyTensor's BLAS."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bayesreg as br
from bayesreg.models import build_model
from bayesreg.noise import default_sigma_prior

# Equality checks of log densities do not need C-compiled graphs: FAST_COMPILE (Python linker, few
# rewrites) compiles in under a second instead of several.
FAST = "FAST_COMPILE"


@pytest.fixture(scope="module")
def data():
    r = np.random.default_rng(11)
    n, p = 40, 4
    X = 2.0 + r.standard_normal((n, p))
    y = 1.0 + X @ np.array([1.5, 0.0, -1.0, 0.5]) + 0.8 * r.standard_normal(n)
    return X, y


def _random_point(model, rng):
    """A random point in the unconstrained space (every value variable)."""
    return {k: np.asarray(v + rng.normal(scale=0.7, size=np.shape(v))) for k, v in model.initial_point().items()}


def test_variables_dims_and_coords_from_dataframe(data):
    X, y = data
    df = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    m = build_model(df, pd.Series(y), br.ParkCasella(2.0, lam2_prior=br.GammaPrior(1.0, 1.0)), sigma="jeffreys")
    names = set(m.named_vars)
    assert {"beta", "intercept", "sigma", "lam", "lam2", "y"} <= names
    assert list(m.coords["feature"]) == ["age", "bmi", "bp", "s1"]
    assert len(m.coords["obs"]) == X.shape[0]
    assert m.named_vars_to_dims["beta"] == ("feature",)
    assert m.named_vars_to_dims["y"] == ("obs",)
    # the horseshoe: global tau, local lam_local over features
    hs = build_model(X, y, br.Horseshoe(0.5), sigma=1.0, feature_names=["a", "b", "c", "d"])
    assert {"beta", "tau", "lam_local", "intercept"} <= set(hs.named_vars)
    assert hs.named_vars_to_dims["lam_local"] == ("feature",)
    # Gaussian with a hyperprior exposes tau
    g = build_model(X, y, br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior(2.0, 2.0)), sigma=0.5)
    assert {"tau", "tau2"} <= set(g.named_vars) and "sigma" in g.named_vars


def test_logp_equals_independent_scipy_density(data):
    """Laplace prior, fixed sigma, flat intercept: log posterior = sum of scipy log densities."""
    X, y = data
    sigma, b = 0.9, 0.6
    m = build_model(X, y, br.Laplace(b), sigma=sigma)
    f = m.compile_logp(mode=FAST)
    rng = np.random.default_rng(0)
    xbar = X.mean(0)
    for _ in range(3):
        pt = _random_point(m, rng)
        beta, ic = pt["beta"], float(pt["intercept_c"])
        b0 = ic - xbar @ beta
        ref = stats.laplace.logpdf(beta, scale=b).sum() + stats.norm.logpdf(y, b0 + X @ beta, sigma).sum()
        assert f(pt) == pytest.approx(ref, rel=1e-12, abs=1e-9)


def test_sigma_priors_match_their_definitions(data):
    """Jeffreys: p(sigma) ∝ 1/sigma; inverse-gamma(a, b) on sigma^2, carried to the sigma scale."""
    X, y = data
    rng = np.random.default_rng(1)
    ig = br.InverseGammaPrior(3.0, 2.0)
    m_j = build_model(X, y, br.Gaussian(2.0), sigma="jeffreys")
    m_ig = build_model(X, y, br.Gaussian(2.0), sigma=ig)
    f_j = m_j.compile_logp(jacobian=False, mode=FAST)
    f_ig = m_ig.compile_logp(jacobian=False, mode=FAST)
    pts = [_random_point(m_j, rng) for _ in range(3)]

    def ref(pt):
        # log p_IG(sigma) - log p_Jeffreys(sigma) on the sigma scale, up to a constant:
        # density of sigma when sigma^2 ~ IG(a, b) is IG(sigma^2) * 2 sigma; Jeffreys is 1/sigma
        s = float(np.exp(pt["sigma_log__"]))
        return stats.invgamma.logpdf(s**2, a=ig.shape, scale=ig.scale) + np.log(2 * s) + np.log(s)

    d_model = [f_ig(pt) - f_j(pt) for pt in pts]
    d_ref = [ref(pt) for pt in pts]
    np.testing.assert_allclose(np.diff(d_model), np.diff(d_ref), rtol=1e-10, atol=1e-10)


CASES = [
    (br.Laplace(0.8), "jeffreys", True, False),
    (br.ParkCasella(1.5, lam2_prior=br.GammaPrior(1.0, 0.5)), br.InverseGammaPrior(2.0, 1.0), True, False),
    (br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior(2.0, 2.0)), 0.7, False, False),
    (br.ElasticNetPrior(1.0, 2.0), "default", True, True),
    (br.Horseshoe(1.0), "default", True, False),
]


@pytest.mark.parametrize("prior,sigma,fit_intercept,standardize", CASES)
def test_suffstats_likelihood_equals_plain(data, prior, sigma, fit_intercept, standardize):
    """The O(p^2) likelihood is exactly the same function of the parameters as the O(np) one."""
    X, y = data
    kw = dict(sigma=sigma, fit_intercept=fit_intercept, standardize=standardize)
    m1 = build_model(X, y, prior, likelihood="normal", **kw)
    m2 = build_model(X, y, prior, likelihood="suffstats", **kw)
    assert set(m1.initial_point()) == set(m2.initial_point())
    f1, f2 = m1.compile_logp(mode=FAST), m2.compile_logp(mode=FAST)
    g1, g2 = m1.compile_dlogp(mode=FAST), m2.compile_dlogp(mode=FAST)
    rng = np.random.default_rng(5)
    for _ in range(4):
        pt = _random_point(m1, rng)
        v1, v2 = f1(pt), f2(pt)
        assert v2 == pytest.approx(v1, rel=1e-11, abs=1e-8)
        np.testing.assert_allclose(g2(pt), g1(pt), rtol=1e-9, atol=1e-8)
    # a model built from the statistics alone is the same too
    m3 = build_model(br.SufficientStats.from_arrays(X, y), None, prior, **kw)
    pt = _random_point(m1, rng)
    assert m3.compile_logp(mode=FAST)(pt) == pytest.approx(f1(pt), rel=1e-11, abs=1e-8)


def test_standardize_reports_original_scale(data):
    X, y = data
    m = build_model(X, y, br.Laplace(1.0), sigma=1.0, standardize=True)
    assert "beta_std" in m.named_vars and "beta" in m.named_vars
    sd = X.std(0)
    pt = _random_point(m, np.random.default_rng(2))
    out = m.replace_rvs_by_values([m["beta"]])[0]
    beta = m.compile_fn(out, inputs=m.value_vars, on_unused_input="ignore", mode=FAST)(pt)
    np.testing.assert_allclose(beta, pt["beta_std"] / sd, rtol=1e-12)
    # the prior is Laplace on the standardised coefficients: logp differs from the unstandardised
    # model exactly by the change of prior (likelihood identical at the same original-scale beta)
    f = m.compile_logp(mode=FAST)
    m0 = build_model(X, y, br.Laplace(1.0), sigma=1.0)
    pt0 = {"beta": pt["beta_std"] / sd, "intercept_c": pt["intercept_c"]}
    diff = f(pt) - m0.compile_logp(mode=FAST)(pt0)
    ref = stats.laplace.logpdf(pt["beta_std"]).sum() - stats.laplace.logpdf(pt0["beta"]).sum()
    assert diff == pytest.approx(ref, rel=1e-10)


def test_default_sigma_prior_is_scaled_to_the_data(data):
    X, y = data
    pr = default_sigma_prior(np.var(y, ddof=1))
    assert isinstance(pr, br.InverseGammaPrior) and pr.shape == 1.0
    assert pr.scale == pytest.approx(np.var(y, ddof=1) / 100)
    # P(sigma > sd(y)) = P(sigma^2 > var y) = 1 - exp(-0.01)
    assert stats.invgamma.sf(np.var(y, ddof=1), a=1.0, scale=pr.scale) == pytest.approx(1 - np.exp(-0.01))
    y10 = 10 * y
    assert default_sigma_prior(np.var(y10, ddof=1)).scale == pytest.approx(100 * pr.scale)


BAD = [
    (dict(prior="laplace"), TypeError, "prior must be one of"),
    (dict(prior=br.L1(0.1)), TypeError, "prior must be one of"),
    (dict(sigma=0.0), ValueError, "sigma"),
    (dict(sigma=-1.0), ValueError, "sigma"),
    (dict(sigma="flatt"), ValueError, "sigma"),
    (dict(sigma=[1.0]), TypeError, "sigma"),
    (dict(feature_names=["a", "b"]), ValueError, "feature_names has 2 names"),
    (dict(feature_names=["a", "b", "a", "c"]), ValueError, "unique"),
    (dict(feature_names="abcd"), TypeError, "feature_names"),
    (dict(likelihood="exact"), ValueError, "likelihood"),
    (dict(fit_intercept="yes"), TypeError, "fit_intercept"),
]


@pytest.mark.parametrize("kwargs,exc,match", BAD)
def test_bad_input_raises_clearly(data, kwargs, exc, match):
    X, y = data
    kw = dict(prior=br.Laplace(1.0), sigma=1.0)
    kw.update(kwargs)
    prior = kw.pop("prior")
    with pytest.raises(exc, match=match):
        build_model(X, y, prior, **kw)


def test_bad_data_raises(data):
    X, y = data
    with pytest.raises(ValueError, match="rows"):
        build_model(X, y[:-1], br.Laplace(1.0), sigma=1.0)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        build_model(Xn, y, br.Laplace(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="y is required"):
        build_model(X, None, br.Laplace(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="suffstats"):
        build_model(br.SufficientStats.from_arrays(X, y), None, br.Laplace(1.0), sigma=1.0, likelihood="normal")
    Xc = X.copy()
    build_model(Xc, y, br.Laplace(1.0), sigma=1.0)
    np.testing.assert_array_equal(Xc, X)  # input untouched


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=600)


def test_errors_come_before_pymc_is_imported():
    code = "\n".join([
        "import sys, json, numpy as np, bayesreg as br",
        "X = np.ones((5, 2)); y = np.arange(5.0)",
        "errs = []",
        "for kw in (dict(prior='x', sigma=1.0), dict(prior=br.Laplace(1.0), sigma=-2.0),",
        "           dict(prior=br.Laplace(1.0), sigma=1.0, feature_names=['a'])):",
        "    p = kw.pop('prior')",
        "    try:",
        "        br.build_model(X, y, p, **kw)",
        "    except (TypeError, ValueError) as e:",
        "        errs.append(type(e).__name__)",
        "for f in (br.sample_posterior,):",
        "    try:",
        "        f(X, y, br.Laplace(1.0), sigma=1.0, draws=0)",
        "    except ValueError:",
        "        errs.append('draws')",
        "br.map_estimate(X, y, br.Laplace(1.0), sigma=1.0)",
        "print(json.dumps([errs, [m for m in ('pymc', 'pytensor', 'arviz') if m in sys.modules]]))",
    ])  # fmt: skip
    out = _run(code)
    assert out.returncode == 0, out.stderr
    errs, loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert errs == ["TypeError", "ValueError", "ValueError", "draws"]
    assert loaded == []


def test_pytensor_links_to_an_optimised_blas_without_warnings():
    """Building and compiling a model warns about nothing, and PyTensor has BLAS ldflags."""
    code = "\n".join([
        "import json, numpy as np, bayesreg as br",
        "from bayesreg._upstream import blas_info",
        "X = np.random.default_rng(0).normal(size=(30, 3)); y = X[:, 0]",
        "m = br.build_model(X, y, br.Laplace(1.0), sigma=1.0)",
        "m.compile_dlogp()(m.initial_point())",
        "print(json.dumps(blas_info()))",
    ])  # fmt: skip
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert "BLAS" not in out.stderr and "Warning" not in out.stderr, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["ldflags"], "PyTensor has no BLAS to link to"
    if info["bundled_openblas"] is not None:
        assert "scipy_openblas" in info["ldflags"] and "-Ddgemv_=scipy_dgemv_" in info["ldflags"]
