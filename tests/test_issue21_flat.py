"""Issue 21 (Seen 10, Deliver 7): flat priors as posteriordb's Stan programs write them.

``Flat()`` on every coefficient: its MAP is the unpenalised fit, checked against numpy's ``lstsq``
(an SVD, not the package's normal equations) and scikit-learn's ``LinearRegression``,
``LogisticRegression(C=inf)`` and ``PoissonRegressor(alpha=0)``; its exact posterior with sigma fixed
against ``N(beta_ols, sigma^2 (Z^T Z)^-1)`` from a QR factorisation of ``Z = [1, X]``; refused with the
reason where the design does not identify the coefficients. ``sigma="flat"``, p(sigma) ∝ 1: the joint
mode ``sigma^2 = RSS/n`` and, with flat coefficients, the marginal posterior
``p(sigma | y) ∝ sigma^-k exp(-S / (2 sigma^2))``, ``k = n - p - 1``, ``S`` the least-squares RSS,
integrated by quadrature (scipy) and compared with the Gibbs draws.

Tolerances: the designs below have cond(X_c^T X_c) < 20, so the normal equations and the QR/SVD
references agree to ~20 eps relative; 1e-10 leaves five decades. Against the GLM solvers the bound is
their tolerance (1e-12 on the gradient): 1e-7 relative on the coefficients.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from _stack import ess_array
from scipy import integrate
from sklearn.linear_model import LinearRegression, LogisticRegression, PoissonRegressor

import bayesreg as br
from bayesreg import mapping
from bayesreg.penalties import L2
from bayesreg.solvers import _route


def _data(n=40, p=3, seed=0, shift=5.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + shift  # uncentred columns: the intercept is not trivially ybar
    y = 1.0 + X @ np.linspace(1.0, -0.5, p) + 0.7 * rng.standard_normal(n)
    return X, y


def _ols(X, y):
    Z = np.column_stack([np.ones(X.shape[0]), X])
    theta, *_ = np.linalg.lstsq(Z, y, rcond=None)
    r = y - Z @ theta
    return theta, float(r @ r), Z


# ---------------------------------------------------------------- MAP


def test_map_is_least_squares_with_sigma_fixed_and_free():
    X, y = _data()
    theta, rss, _ = _ols(X, y)
    n = X.shape[0]
    fit = br.map_estimate(X, y, br.Flat(), sigma=2.0)
    np.testing.assert_allclose(np.r_[fit.intercept, fit.coef], theta, rtol=1e-10)
    assert fit.penalty == L2(alpha=0.0) and fit.converged
    sk = LinearRegression().fit(X, y)
    np.testing.assert_allclose(fit.coef, sk.coef_, rtol=1e-10)
    # the joint mode in (b0, beta, sigma): sigma^2 = RSS / (n + 2a + 1) with a = -1/2 (flat), 0 (Jeffreys)
    for sigma, m in (("flat", n), ("jeffreys", n + 1)):
        fit = br.map_estimate(X, y, br.Flat(), sigma=sigma)
        np.testing.assert_allclose(np.r_[fit.intercept, fit.coef], theta, rtol=1e-10)
        assert fit.sigma == pytest.approx(math.sqrt(rss / m), rel=1e-10)


def _newton_mle(Z, y, mean_and_weight):
    # the maximum-likelihood fit by plain Newton-Raphson (canonical links: gradient Z^T (mu - y), Hessian
    # Z^T W Z), iterated until the step stops shrinking: converged to rounding, independent of both solvers
    theta = np.zeros(Z.shape[1])
    for _ in range(100):
        mu, w = mean_and_weight(Z @ theta)
        step = np.linalg.solve(Z.T @ (w[:, None] * Z), Z.T @ (y - mu))
        theta = theta + step
        if np.max(np.abs(step)) < 1e-15 * max(1.0, np.max(np.abs(theta))):
            break
    return theta


def _logistic(eta):
    mu = 1.0 / (1.0 + np.exp(-eta))
    return mu, mu * (1.0 - mu)


def _poisson(eta):
    mu = np.exp(eta)
    return mu, mu


def _certified_bound(Z, y, fit, mean_and_weight):
    # the MAP's duality gap g (mean scale) bounds the excess of the summed loss by n g; near the optimum the
    # loss is quadratic with Hessian H = Z^T W Z, so |theta_j - theta*_j| <= sqrt(2 n g (H^-1)_jj); doubled
    # for the quadratic approximation, plus rounding (1e-12 relative)
    _, w = mean_and_weight(Z @ np.r_[fit.intercept, fit.coef])
    Hinv = np.linalg.inv(Z.T @ (w[:, None] * Z))
    theta = np.r_[fit.intercept, fit.coef]
    return 2.0 * np.sqrt(2.0 * Z.shape[0] * max(fit.gap, 0.0) * np.diag(Hinv)) + 1e-12 * np.abs(theta)


def test_glm_maps_are_the_unpenalised_fits_of_scikit_learn():
    # against a plain Newton iteration within the bound the MAP's duality-gap certificate gives (a gap at
    # tol 1e-14 of the loss leaves ~1e-7 on the coefficients), and against scikit-learn's unpenalised fits
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 3))
    Z = np.column_stack([np.ones(200), X])
    eta = 0.3 + X @ np.array([0.8, -0.5, 0.3])
    yb = (rng.random(200) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    fit = br.map_estimate(X, yb, br.Flat(), family="bernoulli")
    assert fit.converged
    got = np.r_[fit.intercept, fit.coef]
    ref = _newton_mle(Z, yb, _logistic)
    assert np.all(np.abs(got - ref) <= _certified_bound(Z, yb, fit, _logistic))
    est = mapping.to_sklearn_glm(br.Flat(), family="bernoulli", n_samples=200, tol=1e-12, max_iter=1000)
    assert type(est) is LogisticRegression and est.C == np.inf
    est.fit(X, yb)
    np.testing.assert_allclose(np.r_[est.intercept_, est.coef_.ravel()], ref, rtol=1e-9)
    sk = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-12, max_iter=10000).fit(X, yb)
    np.testing.assert_allclose(np.r_[sk.intercept_, sk.coef_.ravel()], ref, rtol=1e-5)  # lbfgs stops earlier
    yc = rng.poisson(np.exp(0.2 + X @ np.array([0.3, -0.2, 0.1]))).astype(float)
    fit = br.map_estimate(X, yc, br.Flat(), family="poisson")
    got = np.r_[fit.intercept, fit.coef]
    assert np.all(np.abs(got - _newton_mle(Z, yc, _poisson)) <= _certified_bound(Z, yc, fit, _poisson))
    sk = PoissonRegressor(alpha=0.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, yc)
    np.testing.assert_allclose(np.r_[sk.intercept_, sk.coef_], _newton_mle(Z, yc, _poisson), rtol=1e-9)


def test_separable_labels_have_no_flat_map():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="separable.*proper prior"):
        br.map_estimate(X, np.array([0.0, 0.0, 1.0, 1.0]), br.Flat(), family="bernoulli")


@pytest.mark.parametrize("family", ["gaussian", "bernoulli"])
def test_designs_that_do_not_identify_the_coefficients_are_refused(family):
    X, y = _data()
    if family == "bernoulli":
        y = (y > np.median(y)).astype(float)
    kw = {"sigma": 1.0} if family == "gaussian" else {"family": family}
    dup = np.column_stack([X, X[:, 0] + X[:, 1]])
    with pytest.raises(ValueError, match="rank-deficient"):
        br.map_estimate(dup, y, br.Flat(), **kw)
    y3 = np.array([0.0, 1.0, 0.0]) if family == "bernoulli" else y[:3]
    with pytest.raises(ValueError, match="p = 3 coefficients and the intercept and only n = 3"):
        br.map_estimate(X[:3], y3, br.Flat(), **kw)


def test_check_equivalence_maps_flat_to_linear_regression():
    X, y = _data()
    rep = br.check_equivalence(X, y, br.Flat(), sigma=1.0, find_map=False)
    assert rep.sklearn_estimator == "LinearRegression()"
    assert all(ok for ok, _ in rep.checks.values())


def test_mapping_round_trip():
    assert mapping.prior_to_penalty(br.Flat(), sigma=3.0, n_samples=10) == L2(alpha=0.0)
    assert type(mapping.to_sklearn(br.Flat(), sigma=1.0, n_samples=10)) is LinearRegression
    assert mapping.from_sklearn(LinearRegression(), sigma=1.0, n_samples=10) == br.Flat()
    assert mapping.penalty_to_prior(L2(alpha=0.0), sigma=1.0, n_samples=10) == br.Flat()


def test_every_infinite_scale_points_at_flat():
    for cls in (br.Laplace, br.Gaussian):
        with pytest.raises(ValueError, match=r"bayesreg\.Flat\(\)"):
            cls([np.inf, np.inf])


# ---------------------------------------------------------------- posterior


def test_exact_posterior_is_ols_with_the_least_squares_covariance():
    X, y = _data()
    theta, _, Z = _ols(X, y)
    sigma = 0.9
    post = br.exact_posterior(X, y, br.Flat(), sigma=sigma)
    _, R = np.linalg.qr(Z)
    Rinv = np.linalg.solve(R, np.eye(R.shape[0]))
    cov = sigma**2 * Rinv @ Rinv.T  # sigma^2 (Z^T Z)^-1 without forming Z^T Z
    np.testing.assert_allclose(post.joint_mean, theta, rtol=1e-10)
    np.testing.assert_allclose(post.joint_cov, cov, rtol=1e-9, atol=1e-12 * np.max(np.abs(cov)))
    idata = br.sample_posterior(X, y, br.Flat(), sigma=sigma, sampler="exact", draws=200, chains=2, random_seed=0,
                                progressbar=False, check=False)  # fmt: skip
    assert idata.posterior["beta"].shape == (2, 200, 3)


def test_improper_posteriors_are_refused_with_the_reason():
    X, y = _data(n=6, p=4)  # k = n - p - 1 = 1 residual degree of freedom
    with pytest.raises(ValueError, match="k = n - p - 1 = 1 .* k >= 2"):
        br.sample_posterior(X, y, br.Flat(), sigma="flat", draws=10, chains=1, progressbar=False)
    X, y = _data(n=5, p=4)  # k = 0
    with pytest.raises(ValueError, match="k = n - p - 1 = 0 .* k >= 1"):
        br.sample_posterior(X, y, br.Flat(), sigma="jeffreys", draws=10, chains=1, progressbar=False)
    X, y = _data(n=10, p=4)
    with pytest.raises(ValueError, match="rank-deficient"):
        br.exact_posterior(np.column_stack([X, X[:, :1]]), y, br.Flat(), sigma=1.0)
    # a proper posterior at the edge: k = 2 with the flat prior on sigma
    X, y = _data(n=7, p=4)
    br.sample_posterior(X, y, br.Flat(), sigma="flat", draws=20, chains=1, tune=20, progressbar=False, check=False)


def _sigma_reference(k, S):
    # p(sigma | y) ∝ sigma^-k exp(-S / (2 sigma^2)) on (0, inf) (flat beta and intercept integrated out,
    # flat prior on sigma); mean and sd by quadrature in log sigma (u), density e^u times the above
    def dens(u, power):
        return math.exp((power + 1 - k) * u - S / 2.0 * math.exp(-2.0 * u) - c)

    c = 0.0
    u0 = 0.5 * math.log(S / k)
    c = (1 - k) * u0 - S / 2.0 * math.exp(-2.0 * u0)  # scale near the peak: no overflow
    m = [integrate.quad(dens, u0 - 15, u0 + 15, args=(j,), epsabs=0, epsrel=1e-12, limit=200)[0] for j in range(3)]
    mean = m[1] / m[0]
    return mean, math.sqrt(m[2] / m[0] - mean**2)


@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_gibbs_under_flat_coefficients_and_flat_sigma_matches_quadrature(route):
    # the sigma^2 update under p(sigma) ∝ 1 is IG((n_eff - 1)/2, RSS/2); Jeffreys' shape n_eff/2 would put
    # E[sigma] about 1/(2k) = 2.8% lower, ~10 MCSE at these draws: the test has the power to see it
    X, y = _data(n=22, p=3, seed=5)
    theta, S, _ = _ols(X, y)
    k = X.shape[0] - X.shape[1] - 1
    mean, sd = _sigma_reference(k, S)
    with _route.force_route(route):
        idata = br.sample_posterior(X, y, br.Flat(), sigma="flat", sampler="gibbs", draws=2000, tune=300, chains=4,
                                    random_seed=3, progressbar=False)  # fmt: skip
    s = idata.posterior["sigma"].values
    se = sd / math.sqrt(ess_array(s))
    err = abs(float(s.mean()) - mean)
    assert err < 4 * se, f"sigma mean {s.mean():.5g} vs {mean:.5g} ({err / se:.1f} MCSE)"
    # beta's marginal is a t around the OLS fit: its mean is beta_ols
    b = idata.posterior["beta"].values
    for j in range(3):
        d = b[..., j]
        assert abs(float(d.mean()) - theta[j + 1]) < 4 * float(d.std()) / math.sqrt(ess_array(d))


def test_pymc_model_has_the_flat_densities():
    # log p(beta, b0, sigma | y) with flat priors is the log-likelihood itself (no Jacobian, density on sigma)
    X, y = _data(n=12, p=2)
    model = br.build_model(X, y, br.Flat(), sigma="flat", likelihood="normal")
    import pytensor

    point = model.initial_point()
    point["beta"] = np.array([0.7, -0.2])
    point["sigma_log__"] = np.array(math.log(0.8))
    names = [k for k in point if k.startswith("intercept")]
    assert len(names) == 1  # the model's intercept parameter (flat, possibly centred at xbar^T beta)
    point[names[0]] = np.array(1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logp = model.compile_logp(jacobian=False)(point)
        intercept = model.replace_rvs_by_values([model["intercept"]])[0]
        b0 = float(pytensor.function(model.value_vars, intercept, on_unused_input="ignore")(**point))
    r = y - b0 - X @ np.array([0.7, -0.2])
    want = -y.size * (0.5 * math.log(2 * math.pi) + math.log(0.8)) - 0.5 * float(r @ r) / 0.8**2
    assert float(logp) == pytest.approx(want, rel=1e-12)


def test_spec_flat_family_and_flat_sigma():
    from bayesreg.report import run_spec
    from bayesreg.spec import SpecError, parse_spec

    doc = {"name": "flat", "data": {"dataset": "diabetes"}, "prior": {"family": "flat"}, "noise": {"sigma": "flat"},
           "inference": {"map": True, "sklearn": True, "find_map": False, "posterior": False}}  # fmt: skip
    assert parse_spec(doc).sigma == "flat"
    # (sigma free with posterior = false stops in run_spec on main too, for "jeffreys": not this part;
    # the flat prior's MAP does not depend on sigma, so it runs at a fixed one)
    res = run_spec(parse_spec({**doc, "noise": {"sigma": 54.0}}), quiet=True)
    from bayesreg import datasets

    d = datasets.load_diabetes()
    theta, _, _ = _ols(np.asarray(d.features), np.asarray(d.y))
    assert res.prior == br.Flat()
    est = res.estimates
    np.testing.assert_allclose(est["exact MAP"].to_numpy(), np.r_[theta[1:], theta[0]], rtol=1e-10)
    np.testing.assert_allclose(est["sklearn"].to_numpy(), np.r_[theta[1:], theta[0]], rtol=1e-10)
    bad = {**doc, "prior": {"family": "flat", "scale": 1.0}}
    with pytest.raises(SpecError, match=r"\[prior\] scale"):
        parse_spec(bad)
