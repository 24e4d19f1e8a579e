"""map_estimate, find_map and sample_posterior.

References: scikit-learn (on standardised columns for ``standardize=True``), an independent 1-D
optimiser for the modal sigma, the closed-form conjugate posterior of the Gaussian prior with a
fixed sigma computed here with numpy/scipy Cholesky (not with bayesreg), scipy.stats for the
pointwise log-likelihood.
"""

from __future__ import annotations

import numpy as np
import pytest
from _stack import ess_array, group_names, loo_elpd_p
from scipy import linalg, optimize, stats
from sklearn.linear_model import Lasso
from sklearn.preprocessing import StandardScaler

import bayesreg as br
from bayesreg import mapping
from bayesreg.inference import find_map, map_estimate, pointwise_log_likelihood, sample_posterior
from bayesreg.models import build_model

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def data():
    r = np.random.default_rng(3)
    n, p = 80, 5
    X = 1.0 + r.standard_normal((n, p))
    y = 2.0 + X @ np.array([1.0, -0.7, 0.0, 0.0, 0.4]) + 0.6 * r.standard_normal(n)
    return X, y


# ------------------------------------------------------------------ exact MAP


def test_map_estimate_standardize_is_lasso_on_standardised_columns(data):
    X, y = data
    sigma, b = 0.6, 0.02
    res = map_estimate(X, y, br.Laplace(b), sigma=sigma, standardize=True)
    Z = StandardScaler().fit_transform(X)
    alpha = mapping.lasso_alpha(b, sigma=sigma, n_samples=len(y))
    sk = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(Z, y)
    sd = X.std(0)
    scale = np.abs(sk.coef_ / sd).max()
    np.testing.assert_allclose(res.coef, sk.coef_ / sd, rtol=0, atol=1e-8 * scale)
    assert res.intercept == pytest.approx(y.mean() - X.mean(0) @ (sk.coef_ / sd), rel=1e-9)
    assert np.array_equal(res.support, np.flatnonzero(sk.coef_))


@pytest.mark.parametrize(
    "prior", [br.ParkCasella(3.0), br.Laplace(0.05), br.Gaussian(0.5), br.ElasticNetPrior(0.1, 1.0)]
)
@pytest.mark.parametrize("sigma_prior", ["jeffreys", br.InverseGammaPrior(2.0, 0.5)])
def test_joint_mode_with_free_sigma_is_stationary(data, prior, sigma_prior):
    """At the returned (beta, sigma): beta is the penalised fit at that sigma (scikit-learn), and
    sigma maximises the log posterior over sigma at that beta (scipy's bounded scalar optimiser)."""
    X, y = data
    n, p = X.shape
    res = map_estimate(X, y, prior, sigma=sigma_prior)
    assert res.converged and res.n_alternations >= 1
    s = res.sigma
    sk = mapping.to_sklearn(prior, sigma=s, n_samples=n, **({} if isinstance(prior, br.Gaussian) else
                                                           {"tol": 1e-14, "max_iter": 10**6})).fit(X, y)  # fmt: skip
    scale = np.abs(sk.coef_).max()
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=0, atol=1e-7 * scale)
    rss = np.sum((y - res.intercept - X @ res.coef) ** 2)

    def neg_log_post(sig):
        out = -n * np.log(sig) - rss / (2 * sig**2)
        if sigma_prior == "jeffreys":
            out += -np.log(sig)
        else:  # IG on sigma^2, carried to sigma (Jacobian 2 sigma)
            out += stats.invgamma.logpdf(sig**2, a=sigma_prior.shape, scale=sigma_prior.scale) + np.log(2 * sig)
        if isinstance(prior, br.ParkCasella):
            out += stats.laplace.logpdf(res.coef, scale=sig / prior.lam).sum()
        return -out

    opt = optimize.minimize_scalar(neg_log_post, bounds=(s / 3, 3 * s), method="bounded",
                                   options={"xatol": 1e-12 * s})  # fmt: skip
    assert s == pytest.approx(opt.x, rel=1e-6)


def test_map_estimate_from_statistics_and_default_sigma(data):
    X, y = data
    a = map_estimate(X, y, br.Laplace(0.05), sigma="default")
    b = map_estimate(br.SufficientStats.from_arrays(X, y), None, br.Laplace(0.05), sigma="default")
    assert a.sigma == pytest.approx(b.sigma, rel=1e-9)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-8 * np.abs(a.coef).max())
    assert "MAPResult(" in repr(a) and set(a.as_dict()) == {"beta", "intercept", "sigma"}


def test_map_estimate_bad_input(data):
    X, y = data
    with pytest.raises(TypeError, match="horseshoe"):
        map_estimate(X, y, br.Horseshoe(), sigma=1.0)
    with pytest.raises(ValueError, match="lam2_prior"):
        map_estimate(X, y, br.ParkCasella(1.0, lam2_prior=br.GammaPrior()), sigma=1.0)
    with pytest.raises(ValueError, match="tau2_prior"):
        map_estimate(X, y, br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior()), sigma=1.0)
    with pytest.raises(ValueError, match="sigma"):
        map_estimate(X, y, br.Laplace(1.0), sigma=0.0)
    with pytest.raises(TypeError, match="prior"):
        map_estimate(X, y, None, sigma=1.0)
    with pytest.raises(TypeError):
        map_estimate(X, y, br.Laplace(1.0))  # sigma is required


# ------------------------------------------------------------------ find_map


def test_find_map_joint_mode_matches_map_estimate(data):
    """Gaussian prior, Jeffreys sigma: find_MAP (mode in sigma) = the alternating exact joint mode."""
    X, y = data
    prior = br.Gaussian(0.5)
    exact = map_estimate(X, y, prior, sigma="jeffreys")
    fm = find_map(build_model(X, y, prior, sigma="jeffreys"))
    assert fm.sigma == pytest.approx(exact.sigma, rel=1e-6)
    np.testing.assert_allclose(fm.coef, exact.coef, rtol=0, atol=1e-6 * np.abs(exact.coef).max())
    assert fm.intercept == pytest.approx(exact.intercept, rel=1e-6)
    assert "FindMAPResult(" in repr(fm) and fm.method == "L-BFGS-B+Powell" and np.isfinite(fm.logp)
    assert set(fm.values) >= {"beta", "intercept", "sigma"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(method="newton-raphson"), "method must be one of"),
        (dict(method=3), "method must be one of"),
        (dict(options=[("maxiter", 10)]), "options must be a dict"),
        (dict(start=[0.0, 0.0]), "start must be a dict"),
        (dict(start={"beta": np.zeros(5)}), r"start\['beta'\] has shape \(5,\); the variable 'beta' has shape \(3,\)"),
        (dict(start={"gamma": 1.0}), "'gamma', which is not a free variable"),
        (dict(start={"beta": [0.0, np.nan, 0.0]}), r"start\['beta'\] must be finite"),
        (dict(start={"beta": ["a", "b", "c"]}), r"start\['beta'\] must be numeric"),
    ],
)
def test_find_map_bad_arguments_are_named_before_any_compilation(kwargs, match, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    model = build_model(X, X[:, 0] + rng.standard_normal(20), br.Laplace(1.0), sigma=1.0)
    import bayesreg._upstream as up

    def no_optimiser(*a, **k):  # the checks must come first: reaching the optimiser is a failure
        raise AssertionError("pm.find_MAP was called")

    monkeypatch.setattr(up, "run_find_map", no_optimiser)
    with pytest.raises(ValueError, match=match):
        find_map(model, **kwargs)


def test_find_map_refuses_a_non_model():
    with pytest.raises(ValueError, match="model must be a pymc.Model .*got dict"):
        find_map({"beta": 1.0})


def test_find_map_method_case_and_a_valid_start():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 2))
    y = X @ [1.0, -1.0] + 0.5 * rng.standard_normal(30)
    prior = br.Gaussian(2.0)
    exact = map_estimate(X, y, prior, sigma=0.5)
    fm = find_map(build_model(X, y, prior, sigma=0.5), method="bfgs", start={"beta": [0.5, -0.5]})
    assert fm.method == "BFGS+Powell"
    np.testing.assert_allclose(fm.coef, exact.coef, rtol=0, atol=1e-6 * np.abs(exact.coef).max())


# ------------------------------------------------------------------ sampling


def _conjugate(X, y, tau, sigma):
    """Exact posterior of (beta, intercept) for a N(0, tau^2) prior, flat intercept, fixed sigma.

    Centred: beta ~ N(m, S), S = (Xc'Xc / s^2 + I / tau^2)^-1, m = S Xc'yc / s^2; intercept_c =
    b0 + xbar'beta ~ N(ybar, s^2 / n) independently, so b0 = intercept_c - xbar'beta.
    """
    n, p = X.shape
    xbar = X.mean(0)
    Xc, yc = X - xbar, y - y.mean()
    A = Xc.T @ Xc / sigma**2 + np.eye(p) / tau**2
    c = linalg.cho_factor(A, lower=True)
    m = linalg.cho_solve(c, Xc.T @ yc / sigma**2)
    S = linalg.cho_solve(c, np.eye(p))
    b0_mean = y.mean() - xbar @ m
    b0_var = sigma**2 / n + xbar @ S @ xbar
    return m, np.sqrt(np.diag(S)), b0_mean, np.sqrt(b0_var)


@pytest.fixture(scope="module", params=["normal", "suffstats"])
def nuts_gaussian(request, data):
    X, y = data
    tau, sigma = 0.8, 0.6
    idata = sample_posterior(
        X, y, br.Gaussian(tau), sigma=sigma, sampler="nuts", likelihood=request.param, draws=1000, tune=500,
        chains=2, cores=1, random_seed=123, progressbar=False, posterior_predictive=True,
    )  # fmt: skip
    return request.param, idata, _conjugate(X, y, tau, sigma)


@pytest.mark.slow
def test_nuts_matches_the_conjugate_posterior(nuts_gaussian):
    """Means and sds within 4 Monte Carlo standard errors of the closed form (both likelihoods)."""
    likelihood, idata, (m, sd, b0_mean, b0_sd) = nuts_gaussian
    assert idata.posterior.attrs["likelihood"] == likelihood
    post = idata.posterior

    def mcse(draws):
        """MCSE of the mean and of the sd of (chain, draw) draws (the latter by the delta method on
        the squared deviations, as Vehtari et al. 2021; ArviZ 0.23's own mcse(method='sd') breaks
        under numpy 2.4 when numba is installed)."""
        ess = ess_array(draws, method="mean")
        z = (draws - draws.mean()) ** 2
        ess_z = ess_array(z, method="mean")
        var_var = (np.mean(z**2) - np.mean(z) ** 2) / ess_z
        return np.sqrt(draws.var() / ess), np.sqrt(var_var / np.mean(z) / 4)

    beta = post["beta"].values
    for j in range(m.size):
        se_mean, se_sd = mcse(beta[:, :, j])
        assert abs(beta[:, :, j].mean() - m[j]) <= 4 * se_mean, j
        assert abs(beta[:, :, j].std(ddof=1) - sd[j]) <= 4 * se_sd, j
    b0 = post["intercept"].values
    se_mean, se_sd = mcse(b0)
    assert abs(b0.mean() - b0_mean) <= 4 * se_mean
    assert abs(b0.std(ddof=1) - b0_sd) <= 4 * se_sd


@pytest.mark.slow
def test_idata_groups_and_log_likelihood(nuts_gaussian, data):
    X, y = data
    likelihood, idata, _ = nuts_gaussian
    groups = group_names(idata)
    assert {"posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood",
            "posterior_predictive"} <= groups  # fmt: skip
    post = idata.posterior
    assert post["beta"].dims == ("chain", "draw", "feature")
    assert list(post.coords["feature"].values) == [f"x{j}" for j in range(X.shape[1])]
    assert post["intercept"].dims == ("chain", "draw")
    assert "sigma" not in post  # fixed
    np.testing.assert_array_equal(idata.observed_data["y"].values, y)
    np.testing.assert_array_equal(idata.constant_data["X"].values, X)
    assert idata.constant_data["X"].dims == ("obs", "feature")
    ll = idata.log_likelihood["y"]
    assert ll.dims == ("chain", "draw", "obs")
    c, d = 1, 17
    beta, b0 = post["beta"].values[c, d], float(post["intercept"].values[c, d])
    np.testing.assert_allclose(ll.values[c, d], stats.norm.logpdf(y, b0 + X @ beta, 0.6), rtol=1e-12)
    assert idata.posterior_predictive["y"].shape == (2, 1000, X.shape[0])
    assert idata.sample_stats["diverging"].values.sum() == 0


@pytest.mark.slow
def test_loo_and_compare_work(nuts_gaussian):
    from bayesreg._upstream import import_arviz

    az = import_arviz()
    _, idata, _ = nuts_gaussian
    elpd, p_loo = loo_elpd_p(idata)
    assert np.isfinite(elpd) and p_loo > 0
    # the pointwise log-likelihood is what compare needs; a perturbed copy is a second "model"
    other = idata.copy()
    other.log_likelihood["y"] = other.log_likelihood["y"] - 0.01
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside ArviZ 0.23
        table = az.compare({"a": idata, "b": other})
    assert list(table.index)[0] == "a"


def test_pointwise_log_likelihood_matches_scipy(data):
    X, y = data
    r = np.random.default_rng(0)
    beta = r.normal(size=(2, 3, X.shape[1]))
    b0 = r.normal(size=(2, 3))
    sig = np.exp(r.normal(size=(2, 3)))
    ll = pointwise_log_likelihood(X, y, beta, b0, sig, chunk=2)
    ref = stats.norm.logpdf(y[None, None, :], b0[..., None] + beta @ X.T, sig[..., None])
    np.testing.assert_allclose(ll, ref, rtol=1e-12)


def test_sampling_bad_input_before_compilation(data):
    X, y = data
    bad = [
        (dict(draws=0), "draws"),
        (dict(chains=0), "chains"),
        (dict(draws=-5), "draws"),
        (dict(tune=-1), "tune"),
        (dict(sampler="hmc"), "sampler"),
        (dict(chains=1.5), "chains"),
    ]
    for kw, match in bad:
        with pytest.raises((ValueError, TypeError), match=match):
            sample_posterior(X, y, br.Laplace(1.0), sigma=1.0, **kw)
    with pytest.raises(TypeError, match="prior"):
        sample_posterior(X, y, "laplace", sigma=1.0)
    with pytest.raises(ValueError, match="sigma"):
        sample_posterior(X, y, br.Laplace(1.0), sigma=-1.0)


def test_gibbs_dispatch_and_its_errors(data, monkeypatch):
    import bayesreg.samplers as samplers  # our own module: a plain import, never a skip

    X, y = data
    assert samplers.gibbs_supports(br.Gaussian(1.0), 1.0)
    idata = sample_posterior(X, y, br.Gaussian(0.8), sigma="default", sampler="gibbs", draws=200, tune=100,
                             chains=2, random_seed=1, progressbar=False)  # fmt: skip
    assert idata.posterior["beta"].shape == (2, 200, X.shape[1]) and "sigma" in idata.posterior
    auto = sample_posterior(X, y, br.Gaussian(0.8), sigma="default", sampler="auto", draws=200, tune=100,
                            chains=2, random_seed=1, progressbar=False)  # fmt: skip
    np.testing.assert_array_equal(auto.posterior["beta"].values, idata.posterior["beta"].values)
    with pytest.raises(ValueError, match="nuts"):
        sample_posterior(X, y, br.ElasticNetPrior(1.0, 1.0), sigma=1.0, sampler="gibbs")
    with pytest.raises(ValueError, match="standardize"):
        sample_posterior(X, y, br.Gaussian(1.0), sigma=1.0, sampler="gibbs", standardize=True)


def test_nutpie_missing_gives_a_clear_error(data, monkeypatch):
    import sys

    X, y = data
    monkeypatch.setitem(sys.modules, "nutpie", None)  # import nutpie -> ImportError
    with pytest.raises(ImportError, match="pip install nutpie"):
        sample_posterior(X, y, br.Laplace(1.0), sigma=1.0, sampler="nutpie")


@pytest.mark.slow
def test_nutpie_matches_the_closed_form_posterior():
    # Gaussian prior, fixed sigma (1.3, not 1), flat intercept: the posterior of beta is
    # N(M^-1 X_c^T y_c, sigma^2 M^-1), M = X_c^T X_c + (sigma^2 / tau^2) I, written out here with numpy.
    # Means within 4 MCSE (sd / sqrt(ESS)), sds within 4 se of an sd estimate (sd / sqrt(2 ESS)).
    import arviz as az  # (nutpie is in the dev extra: no skip when it is missing, the test fails)

    r = np.random.default_rng(11)
    n, p = 40, 3
    X = r.standard_normal((n, p)) + 1.0
    sigma, tau = 1.3, 0.6
    y = 2.0 + X @ np.array([1.0, -0.5, 0.0]) + sigma * r.standard_normal(n)
    Xc, yc = X - X.mean(0), y - y.mean()
    M = Xc.T @ Xc + (sigma / tau) ** 2 * np.eye(p)
    mean = linalg.solve(M, Xc.T @ yc, assume_a="pos")
    sd = sigma * np.sqrt(np.diag(linalg.inv(M)))
    idata = sample_posterior(X, y, br.Gaussian(tau), sigma=sigma, sampler="nutpie", draws=1000, tune=500, chains=2,
                             random_seed=4, progressbar=False)  # fmt: skip
    assert idata.posterior.attrs["sampler"] == "nutpie"
    draws = idata.posterior["beta"].values
    ess = az.ess(idata, var_names=["beta"])["beta"].values
    m_hat, s_hat = draws.mean((0, 1)), draws.std((0, 1), ddof=1)
    np.testing.assert_array_less(np.abs(m_hat - mean), 4 * sd / np.sqrt(ess))
    np.testing.assert_array_less(np.abs(s_hat - sd), 4 * sd / np.sqrt(2 * ess))


@pytest.mark.slow
def test_horseshoe_and_laplace_run_on_nuts(data):
    """The NUTS path accepts the horseshoe (a smoke test of the sampler plumbing; short chains)."""
    X, y = data
    idata = sample_posterior(X, y, br.Horseshoe(1.0), sigma="jeffreys", sampler="nuts", draws=100, tune=100,
                             chains=1, cores=1, random_seed=2, progressbar=False, check=False)  # fmt: skip
    assert {"beta", "tau", "lam_local", "sigma", "intercept"} <= set(idata.posterior.data_vars)
    assert idata.posterior["lam_local"].dims == ("chain", "draw", "feature")
    assert np.all(idata.posterior["sigma"].values > 0)
