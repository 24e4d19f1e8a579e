"""Regularised horseshoe (Piironen and Vehtari 2017): the prior, its Gibbs sampler, its shrinkage factors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from bayesreg.priors import RegularizedHorseshoe, rhs_global_scale
from bayesreg.samplers.rhs import sample_rhs

# ---------------------------------------------------------------------------- the prior


def test_p0_gives_the_documented_global_scale():
    # tau0 sigma = p0 / (p - p0) * sigma / sqrt(n) (Piironen and Vehtari eq. 3.12); tau is in units of sigma
    n, p, p0 = 100, 8, 3
    r = RegularizedHorseshoe(p0=p0).resolve(n, p)
    assert r.global_scale == pytest.approx(3.0 / 5.0 / 10.0, rel=1e-15)
    assert r.p0 is None and r.slab_scale == 2.0 and r.slab_df == 4.0
    assert rhs_global_scale(2.5, 400, 10) == pytest.approx(2.5 / 7.5 / 20.0, rel=1e-15)
    # a given global scale is kept, whatever the data
    assert RegularizedHorseshoe(global_scale=0.2).resolve(n, p).global_scale == 0.2


def test_p0_sets_the_pymc_models_global_scale():
    # the PyMC form of the resolved prior: tau ~ HalfCauchy(tau0); its median is tau0
    import pymc as pm

    prior = RegularizedHorseshoe(p0=2).resolve(50, 6)
    with pm.Model(coords={"feature": list("abcdef")}):
        prior.to_pymc("beta", dims="feature", sigma=1.3)
        draws = pm.draw(pm.modelcontext(None)["tau"], draws=20000, random_seed=1)
    tau0 = 2.0 / 4.0 / np.sqrt(50)
    se = np.sqrt(0.25 / draws.size)
    assert abs(np.mean(draws < tau0) - 0.5) < 4.5 * se


@pytest.mark.parametrize(
    ("kwargs", "n", "p", "match"),
    [
        ({"p0": 8}, 100, 8, "p0"),
        ({"p0": 9.5}, 100, 8, "p0"),
        ({"p0": 0}, None, None, "p0"),
        ({"p0": -1}, None, None, "p0"),
        ({"p0": 2, "global_scale": 0.1}, None, None, "p0 .* or global_scale"),
        ({"global_scale": 0.0}, None, None, "global_scale"),
        ({"slab_scale": -1.0}, None, None, "slab_scale"),
        ({"slab_df": 0.0}, None, None, "slab_df"),
        ({"slab_scale": np.inf}, None, None, "slab_scale"),
    ],
)
def test_bad_input_names_the_argument(kwargs, n, p, match):
    with pytest.raises(ValueError, match=match):
        prior = RegularizedHorseshoe(**kwargs)
        prior.resolve(n, p)


def test_p0_at_least_p_refused_before_sampling():
    X = np.random.default_rng(0).standard_normal((20, 4))
    with pytest.raises(ValueError, match=r"p0 .*less than the number of coefficients p = 4"):
        sample_rhs(X, X[:, 0], RegularizedHorseshoe(p0=4), draws=10, tune=0, chains=1)


def test_unresolved_p0_is_refused_where_the_size_is_needed():
    with pytest.raises(ValueError, match=r"resolve\(n, p\)"):
        RegularizedHorseshoe(p0=2).sample(5)
    with pytest.raises(NotImplementedError, match="no closed form"):
        RegularizedHorseshoe().logp([0.1])
    assert not RegularizedHorseshoe().has_mode


def test_logp_hierarchy_against_scipy():
    prior = RegularizedHorseshoe(global_scale=0.4, slab_scale=1.5, slab_df=3.0)
    beta, lam = np.array([0.3, -2.0, 0.01]), np.array([0.5, 4.0, 0.1])
    tau, c, sigma = 0.7, 1.2, 0.9
    T = sigma * tau
    v = c**2 * T**2 * lam**2 / (c**2 + T**2 * lam**2)  # Piironen and Vehtari eq. 2.8, written as printed
    ref = stats.norm.logpdf(beta, scale=np.sqrt(v)).sum()
    ref += stats.halfcauchy.logpdf(lam).sum() + stats.halfcauchy.logpdf(tau, scale=0.4)
    # c^2 ~ InvGamma(nu/2, nu s^2/2): density of c = 2c * density of c^2
    ref += stats.invgamma.logpdf(c**2, 1.5, scale=1.5 * 1.5**2) + np.log(2 * c)
    assert prior.logp_hierarchy(beta, tau, lam, c, sigma=sigma) == pytest.approx(ref, rel=1e-13)


def test_prior_draws_against_quadrature():
    # sd of beta_j given tau, lam, c is 1/sqrt(1/(sigma tau lam)^2 + 1/c^2): the draws' conditional form
    prior = RegularizedHorseshoe(global_scale=0.5, slab_scale=1.0, slab_df=4.0)
    d = prior.sample_hierarchy((40000, 3), rng=2, sigma=2.0)
    z = d["beta"] * np.sqrt(1.0 / (2.0 * d["tau"][:, None] * d["lam_local"]) ** 2 + 1.0 / d["c"][:, None] ** 2)
    assert stats.kstest(z.ravel(), "norm").pvalue > 1e-3
    assert stats.kstest(d["tau"], stats.halfcauchy(scale=0.5).cdf).pvalue > 1e-3
    assert stats.kstest(d["c"] ** 2, stats.invgamma(2.0, scale=2.0).cdf).pvalue > 1e-3


# ---------------------------------------------------------------------------- Gibbs sampler


def _ess(a: np.ndarray) -> np.ndarray:
    from bayesreg._upstream import ess

    dims = ("chain", "draw") + tuple(f"d{i}" for i in range(a.ndim - 2))
    return np.asarray(ess(xr.DataArray(a, dims=dims).to_dataset(name="v"))["v"].values)


def test_gibbs_with_a_flat_likelihood_returns_the_prior():
    # X = 0: the data say nothing about beta, so the posterior of (tau, lam, c, beta) is the prior; every
    # conditional of the sweep (the slice steps, the auxiliary variable, the collapsed tau step) is exercised
    n, p = 30, 4
    X = np.zeros((n, p))
    y = np.random.default_rng(0).standard_normal(n)
    prior = RegularizedHorseshoe(global_scale=0.3, slab_scale=1.5, slab_df=4.0)
    post = sample_rhs(X, y, prior, sigma=0.7, draws=3000, tune=300, chains=2, random_seed=5, check=False).posterior
    tau, lam, c, beta = (post[v].values for v in ("tau", "lam_local", "c", "beta"))
    ref_beta = prior.sample_hierarchy((400000, p), rng=1, sigma=0.7)["beta"][:, 0]
    checks = [
        (tau < 0.3, 0.5),  # median of C+(0, 0.3)
        (lam[..., 0] < 1.0, 0.5),
        (lam[..., 1] < 3.0, 2.0 / np.pi * np.arctan(3.0)),
        (c**2 < stats.invgamma(2.0, scale=2.0 * 1.5**2).median(), 0.5),
    ]
    for q in (0.2, 0.5, 0.9):
        checks.append((np.abs(beta[..., 0]) < np.quantile(np.abs(ref_beta), q), q))
    for ind, q in checks:
        ind = ind.astype(float)
        se = np.sqrt(q * (1.0 - q) / _ess(ind))
        assert abs(ind.mean() - q) < 4.5 * se, (ind.mean(), q, se)


def test_gibbs_output_names_and_reproducibility():
    r = np.random.default_rng(1)
    X = r.standard_normal((40, 5))
    y = X[:, 0] + r.standard_normal(40)
    a = sample_rhs(X, y, RegularizedHorseshoe(p0=1), draws=20, tune=5, chains=2, random_seed=3, check=False)
    b = sample_rhs(X, y, RegularizedHorseshoe(p0=1), draws=20, tune=5, chains=2, random_seed=3, check=False)
    assert set(a.posterior.data_vars) == {"beta", "intercept", "sigma", "tau", "lam_local", "c"}
    assert a.posterior["lam_local"].dims == ("chain", "draw", "feature")
    for v in a.posterior.data_vars:
        np.testing.assert_array_equal(a.posterior[v].values, b.posterior[v].values)
    Xc = X.copy()
    sample_rhs(Xc, y, RegularizedHorseshoe(p0=1), draws=5, tune=0, chains=1, random_seed=3, check=False)
    np.testing.assert_array_equal(Xc, X)


def test_gibbs_wide_route_matches_the_flat_likelihood_prior():
    # p > n: the row-based (Bhattacharya) draws; with y = 0 and sigma huge the likelihood is nearly flat,
    # so the median of tau is that of its prior within a tolerance set by the sampling error only
    n, p = 10, 30
    X = np.random.default_rng(2).standard_normal((n, p))
    y = np.zeros(n)
    prior = RegularizedHorseshoe(global_scale=0.5)
    idata = sample_rhs(X, y, prior, sigma=1e6, draws=2000, tune=200, chains=2, random_seed=4, check=False)
    assert idata.posterior.attrs["beta_draw"] == "bhattacharya-chakraborty-mallick"
    ind = (idata.posterior["tau"].values < 0.5).astype(float)
    assert abs(ind.mean() - 0.5) < 4.5 * np.sqrt(0.25 / _ess(ind))


@pytest.mark.slow
def test_gibbs_against_nuts_on_the_same_model():
    # the general case (every variable, n = 100): an O(1/n) error in sigma's conditional moves sigma by
    # a fiftieth of its posterior sd here, below this test's power; tests/test_issue22_rhs.py checks
    # that conditional where the shift is a fifth of a sd (X = 0, n = 8, sigma^2's posterior in closed form)
    from bayesreg.design import prepare_data
    from bayesreg.noise import parse_sigma
    from bayesreg.sampling import NUTSSampler

    r = np.random.default_rng(3)
    n, p = 100, 8
    X = r.standard_normal((n, p))
    y = 0.5 + X @ np.array([2.0, -1.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]) + r.standard_normal(n)
    prior = RegularizedHorseshoe(p0=3)
    data = prepare_data(X, y)
    noise = parse_sigma("default").resolve(data.y_var, data.X, data.y)
    # the PyMC model of build_model (models.build_resolved via the NUTS sampler) on the resolved prior
    nuts = NUTSSampler(tune=800, target_accept=0.95, cores=1).run(
        data, prior.resolve(n, p), noise, draws=800, chains=2, random_seed=2, progressbar=False, check=False
    ).posterior
    gibbs = sample_rhs(X, y, prior, draws=3000, tune=500, chains=2, random_seed=1, check=False).posterior
    # tau, c and lam have Cauchy-like tails (no posterior mean): compare their logs
    for name, f in [("beta", None), ("intercept", None), ("sigma", None), ("tau", np.log), ("c", np.log),
                    ("lam_local", np.log)]:  # fmt: skip
        a, b = gibbs[name].values, nuts[name].values
        if f is not None:
            a, b = f(a), f(b)
        se = np.hypot(a.std(axis=(0, 1)) / np.sqrt(_ess(a)), b.std(axis=(0, 1)) / np.sqrt(_ess(b)))
        z = (a.mean(axis=(0, 1)) - b.mean(axis=(0, 1))) / se
        assert np.all(np.abs(z) < 4.5), (name, z)


# ---------------------------------------------------------------------------- shrinkage factors


def test_kappa_and_effective_size_of_a_regularised_horseshoe_posterior():
    from bayesreg import sparse_summary

    r = np.random.default_rng(6)
    n, p = 80, 6
    X = r.standard_normal((n, p))
    y = X @ np.array([3.0, 0, 0, -2.0, 0, 0]) + r.standard_normal(n)
    idata = sample_rhs(X, y, RegularizedHorseshoe(p0=2), draws=400, tune=200, chains=2, random_seed=7, check=False)
    s = sparse_summary(idata, method="kappa")
    post = idata.posterior
    # by hand from the draws: v_j / sigma^2 = 1/(1/(tau lam_j)^2 + sigma^2/c^2), s_j^2 the centred column variance
    tau, lam, c, sig = (post[v].values.reshape(-1, *post[v].shape[2:]) for v in ("tau", "lam_local", "c", "sigma"))
    w = 1.0 / (1.0 / (tau[:, None] * lam) ** 2 + (sig / c)[:, None] ** 2)
    kappa = 1.0 / (1.0 + n * X.var(axis=0)[None, :] * w)
    np.testing.assert_allclose(s.table["kappa_mean"], kappa.mean(axis=0), rtol=1e-12)
    assert s.effective_size["mean"] == pytest.approx((1.0 - kappa).sum(axis=1).mean(), rel=1e-12)
    assert s.effective_size["low"] <= s.effective_size["mean"] <= s.effective_size["high"]
    assert any("m_eff" in note for note in s.notes)
    # the two strong signals are barely shrunk, every noise variable more than either
    k = s.table["kappa_mean"].to_numpy()
    assert k[[0, 3]].max() < 0.05 < k[[1, 2, 4, 5]].min()
    assert {"x0", "x3"} <= set(s.selected)


# ---------------------------------------------------------------------------- progress


class _RecordingBar:
    """Stands in for the Gibbs samplers' progress bar and records what the sampler tells it."""

    made: list = []

    def __init__(self, total, chains, enabled, delay=1.0, compiling=None):
        self.total, self.enabled, self.calls = total * chains, enabled, []
        _RecordingBar.made.append(self)

    def update(self, done, final=False):
        self.calls.append((done, final))


@pytest.mark.parametrize("progressbar", [True, False])
def test_gibbs_reports_progress_over_chains_and_sweeps(monkeypatch, progressbar):
    import bayesreg.samplers.driver as driver

    monkeypatch.setattr(driver, "Progress", _RecordingBar)
    _RecordingBar.made.clear()
    r = np.random.default_rng(8)
    X = r.standard_normal((30, 3))
    y = X[:, 0] + r.standard_normal(30)
    sample_rhs(X, y, RegularizedHorseshoe(global_scale=0.3), draws=150, tune=50, chains=2, random_seed=1,
               progressbar=progressbar, check=False)  # fmt: skip
    (bar,) = _RecordingBar.made
    assert bar.enabled is progressbar and bar.total == 2 * 200
    done = [d for d, final in bar.calls if not final]
    # every 2nd sweep (1% of 200), counted across the chains, which run one after the other
    assert done == list(range(2, 401, 2))
    assert bar.calls[-1] == (400, True)


def test_gibbs_progressbar_false_prints_nothing(capsys):
    r = np.random.default_rng(9)
    X = r.standard_normal((30, 3))
    y = X[:, 0] + r.standard_normal(30)
    sample_rhs(X, y, RegularizedHorseshoe(global_scale=0.3), draws=20, tune=5, chains=1, random_seed=1,
               progressbar=False, check=False)  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
