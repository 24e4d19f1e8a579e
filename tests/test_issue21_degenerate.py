"""Issue 21 (Seen 2, Seen 9): degenerate fits refused the same way from every entry point.

- A joint MAP of (beta, sigma) does not exist when beta can interpolate y (p >= n - 1 with an
  intercept) and neither the coefficient prior (not scaled by sigma) nor the prior on sigma
  (Jeffreys, or any prior on sigma that is positive at 0) keeps sigma from 0: one ValueError,
  from map_estimate, find_map, the estimator and a spec, naming sigma, the prior, n and p.
- Where a proper prior alone holds the mode away from 0 (an inverse-gamma prior with a positive
  scale, or ParkCasella), the mode is returned with a PriorDominatedWarning.
- A mode that still falls to rounding level (noise-free data, p < n) is refused as collapsed.
- An improper posterior (Jeffreys + the same designs) is refused by every sampler.
- Separable logistic labels under a wide proper prior: a PriorDominatedWarning (the flat-prior
  error is unchanged).
"""

import math
import textwrap
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar

import bayesreg as br
from bayesreg import ElasticNetPrior, Gaussian, Laplace, ParkCasella, PriorDominatedWarning, map_estimate
from bayesreg.noise import COLLAPSE_RTOL, Exponential, HalfCauchy, HalfNormal, Uniform


def _seen2():
    # the example: 100 x 500, 5 true non-zeros, noise sd 1
    rng = np.random.default_rng(0)
    n, p = 100, 500
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:5] = [3.0, -2.0, 1.5, 1.0, -1.0]
    return X, X @ beta + rng.standard_normal(n)


def _small(n, p, seed=1, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, : min(p, 3)] @ np.array([1.5, -1.0, 0.5])[: min(p, 3)] + 0.3 + noise * rng.standard_normal(n)
    return X, y


UNSCALED = [Laplace(0.1), Gaussian(1.0), ElasticNetPrior(0.1, 1.0)]
NO_MODE_SIGMAS = ["jeffreys", None, HalfNormal(1.0), HalfCauchy(1.0), Exponential(1.0), Uniform(50.0)]


# ------------------------------------------------------------------------------------------------
# map_estimate
# ------------------------------------------------------------------------------------------------
def test_seen2_laplace_jeffreys_is_refused_naming_sigma_prior_n_p():
    X, y = _seen2()
    with pytest.raises(ValueError) as info:
        map_estimate(X, y, Laplace(0.1), sigma="jeffreys")
    msg = str(info.value)
    for word in ("sigma='jeffreys'", "Laplace", "p = 500", "n = 100", "does not exist", "Fix sigma",
                 "sample_posterior"):  # fmt: skip
        assert word in msg, word


@pytest.mark.parametrize("prior", UNSCALED, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("sigma", NO_MODE_SIGMAS, ids=repr)
def test_no_joint_mode_when_beta_can_interpolate_y(prior, sigma):
    # p = n - 1 with an intercept: [1, X] is square and generically invertible, y is fitted exactly
    X, y = _small(12, 11)
    with pytest.raises(ValueError, match=r"does not exist .* p = 11, n = 12"):
        map_estimate(X, y, prior, sigma=sigma)


def test_the_rule_counts_the_intercept():
    X, y = _small(12, 11)
    # without an intercept 11 columns cannot fit 12 rows: the mode exists (sigma above 0)
    res = map_estimate(X, y, Gaussian(1.0), sigma="jeffreys", fit_intercept=False)
    assert res.converged and res.sigma > 0.05
    # a normal prior on the intercept is a free parameter all the same: still no mode
    with pytest.raises(ValueError, match="does not exist"):
        map_estimate(X, y, Gaussian(1.0), sigma="jeffreys", intercept_prior=(0.0, 1.0))
    # p = n - 2: not interpolating; the mode exists and is a plain converged result
    X2, y2 = _small(12, 10)
    res = map_estimate(X2, y2, Laplace(1.0), sigma="jeffreys")
    assert res.converged and res.sigma > 0.01


@pytest.mark.parametrize("prior", [*UNSCALED, ParkCasella(1.0)], ids=lambda p: type(p).__name__)
def test_mode_held_by_a_proper_prior_is_returned_with_a_warning(prior):
    # IG(1, var(y)/100) on sigma^2 (sigma="default") vanishes like exp(-b/sigma^2) at 0 and ParkCasella's
    # -lam ||beta||_1 / sigma term too: the mode exists, but only that prior keeps its sigma above 0
    X, y = _seen2()
    # (tol: the default 1e-14 sits at the rounding floor of this elastic net, a matter of issue 21's item 6)
    with pytest.warns(PriorDominatedWarning, match=r"can interpolate y .* p = 500, n = 100") as rec:
        res = map_estimate(X, y, prior, sigma="default", tol=1e-10)
    ours = [w for w in rec if issubclass(w.category, PriorDominatedWarning)]
    assert len(ours) == 1 and ours[0].filename == __file__  # one warning, pointing at the caller's line
    b = math.sqrt(np.var(y) / 100.0)  # sqrt of the prior's scale b: the mode's sigma is of that order, not ~1
    assert 0.01 * b < res.sigma < b


def test_parkcasella_jeffreys_mode_exists_and_is_flagged():
    X, y = _seen2()
    with pytest.warns(PriorDominatedWarning, match="ParkCasella"):
        res = map_estimate(X, y, ParkCasella(1.0), sigma="jeffreys")
    assert res.sigma > 1e-3


@pytest.mark.parametrize("sigma", ["jeffreys", HalfNormal(1.0)], ids=repr)
def test_noise_free_data_with_p_below_n_collapse_numerically_and_are_refused(sigma):
    # y = X beta exactly with p < n - 1: the exact rule does not apply, but y is interpolated all the same
    # and sigma falls to the rounding level of the residuals (main: sigma 5e-7, converged=True)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((50, 5))
    y = 2.0 + X @ np.arange(1.0, 6.0)
    with pytest.raises(ValueError, match=rf"collapses .* below {COLLAPSE_RTOL:g} sd\(y\)"):
        map_estimate(X, y, Laplace(1.0), sigma=sigma)


# ------------------------------------------------------------------------------------------------
# a non-degenerate joint mode against independent references
# ------------------------------------------------------------------------------------------------
def _neg_log_post_gaussian(z, X, y, tau, sigma_prior):
    # written out: flat b0, beta ~ N(0, tau^2), y ~ N(b0 + X beta, s^2), z = (b0, beta, log s); the
    # density is on s itself (no Jacobian of log s: a mode in sigma)
    b0, beta, s = z[0], z[1:-1], math.exp(z[-1])
    r = y - b0 - X @ beta
    out = len(y) * math.log(s) + (r @ r) / (2 * s * s) + (beta @ beta) / (2 * tau * tau)
    if sigma_prior == "jeffreys":
        out += math.log(s)
    else:  # HalfNormal(scale)
        out += s * s / (2 * sigma_prior * sigma_prior)
    return out


@pytest.mark.parametrize("sigma_prior", ["jeffreys", 0.5], ids=["jeffreys", "halfnormal"])
def test_gaussian_prior_joint_mode_matches_scipy(sigma_prior):
    X, y = _small(40, 6, seed=5)
    tau = 0.4  # the prior shrinks visibly (alpha = sigma^2 / tau^2 ~ 6)
    sigma = "jeffreys" if sigma_prior == "jeffreys" else HalfNormal(sigma_prior)
    res = map_estimate(X, y, Gaussian(tau), sigma=sigma)
    z0 = np.concatenate([[y.mean()], np.zeros(X.shape[1]), [math.log(y.std())]])
    ref = minimize(_neg_log_post_gaussian, z0, args=(X, y, tau, sigma_prior), method="BFGS",
                   options={"gtol": 1e-10})  # fmt: skip
    # the objective is smooth and strongly convex near the mode: BFGS to gtol 1e-10 is within ~1e-8
    assert res.converged
    np.testing.assert_allclose(res.coef, ref.x[1:-1], rtol=0, atol=1e-6)
    assert abs(res.intercept - ref.x[0]) < 1e-6
    assert abs(res.sigma - math.exp(ref.x[-1])) < 1e-6 * math.exp(ref.x[-1])


def test_laplace_joint_mode_matches_profile_over_sklearn_lasso():
    # the joint mode profiled over sigma: h(s) = -(n + 1) log s - min_beta [RSS/(2 s^2) + ||beta||_1 / b]
    # (Jeffreys), the inner minimum by scikit-learn's Lasso at alpha = s^2/(n b), maximised by scipy
    from sklearn.linear_model import Lasso

    X, y = _small(60, 8, seed=7)
    n, b = X.shape[0], 0.5  # above b_min ~0.055: a MAP with non-zero coefficients (b = 0.05 gave the empty MAP)

    def fit(s):
        m = Lasso(alpha=s * s / (n * b), tol=1e-14, max_iter=1_000_000).fit(X, y)
        r = y - m.predict(X)
        return m, (r @ r) / (2 * s * s) + np.abs(m.coef_).sum() / b

    def neg_h(log_s):
        s = math.exp(log_s)
        return (n + 1) * log_s + fit(s)[1]

    opt = minimize_scalar(neg_h, bracket=(math.log(0.3), math.log(3.0)), tol=1e-12)
    s_ref = math.exp(opt.x)
    m_ref, _ = fit(s_ref)
    res = map_estimate(X, y, Laplace(b), sigma="jeffreys")
    assert res.converged
    # Brent's tolerance 1e-12 on log s leaves |ds|/s ~ 1e-6 (a flat maximum: sqrt of the relative tolerance)
    assert abs(res.sigma - s_ref) < 1e-5 * s_ref
    np.testing.assert_allclose(res.coef, m_ref.coef_, rtol=0, atol=1e-4)
    assert np.array_equal(res.coef != 0, m_ref.coef_ != 0) and np.any(res.coef != 0)


# ------------------------------------------------------------------------------------------------
# the other entry points
# ------------------------------------------------------------------------------------------------
def test_estimator_refuses_the_seen2_fit():
    X, y = _seen2()
    est = br.BayesianRegression(prior=Laplace(0.1), sigma="jeffreys")
    with pytest.raises(ValueError, match=r"does not exist .* p = 500, n = 100"):
        est.fit(X, y)
    assert not hasattr(est, "coef_")


@pytest.mark.parametrize("sampler", ["nuts", "auto"])
def test_every_sampler_refuses_the_improper_posterior(monkeypatch, sampler):
    # main: the Gibbs sampler ("auto") refused it, NUTS sampled it
    from bayesreg import sampling

    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("NUTS started")

    monkeypatch.setattr(sampling.NUTSSampler, "_run", boom)
    X, y = _small(12, 11)
    with pytest.raises(ValueError, match=r"improper posterior .* p = 11, n = 12"):
        br.sample_posterior(X, y, Laplace(1.0), sigma="jeffreys", sampler=sampler, draws=10, tune=10, chains=1)
    est = br.BayesianRegression(prior=Gaussian(1.0), sigma="jeffreys", inference="posterior", sampler=sampler)
    with pytest.raises(ValueError, match="improper posterior"):
        est.fit(X, y)
    # a proper prior on sigma makes it proper: accepted (it reaches the sampler)
    with pytest.raises(AssertionError, match="NUTS started"):
        br.sample_posterior(X, y, Laplace(1.0), sigma=HalfNormal(1.0), sampler="nuts", draws=10, tune=10, chains=1)


def test_gibbs_counts_a_normal_intercept_too(monkeypatch):
    # p = n - 1 with N(mu, s^2) on b0: [1, X] is square, the posterior under Jeffreys is improper (main sampled it)
    from bayesreg.samplers import sample_gibbs

    X, y = _small(12, 11)
    with pytest.raises(ValueError, match="improper posterior"):
        sample_gibbs(X, y, Gaussian(1.0), sigma="jeffreys", intercept_prior=(0.0, 1.0), draws=5, tune=5, chains=1,
                     progressbar=False)  # fmt: skip


def test_find_map_refuses_before_compiling(monkeypatch):
    from bayesreg import _upstream

    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("find_MAP ran")

    monkeypatch.setattr(_upstream, "run_find_map", boom)
    X, y = _small(12, 11)
    model = br.build_model(X, y, Laplace(1.0), sigma="jeffreys")
    with pytest.raises(ValueError, match=r"does not exist .* p = 11, n = 12"):
        br.find_map(model)


def test_spec_with_an_improper_posterior_is_refused_by_check_and_run(tmp_path, capsys):
    from bayesreg import cli

    spec = tmp_path / "collapse.toml"
    spec.write_text(textwrap.dedent("""
        [data]
        generator = "sparse"
        [data.params]
        n_samples = 30
        n_features = 40
        n_informative = 3
        random_state = 0
        [prior]
        family = "laplace"
        scale = 0.5
        [noise]
        sigma = "jeffreys"
        [inference]
        map = true
        posterior = true
        draws = 50
        tune = 50
        chains = 1
    """))
    assert cli.main(["check", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "[noise] sigma" in err and "improper posterior" in err and "p = 40, n = 30" in err
    assert cli.main(["run", str(spec), "--out", str(tmp_path / "r")]) == 2
    assert "improper posterior" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------------------------------------
# separation under a wide proper prior (GLM MAP)
# ------------------------------------------------------------------------------------------------
def _separable(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)  # completely separated by a plane through 0
    return X, y


@pytest.mark.parametrize("prior", [Gaussian(1e3), Laplace(1e3)], ids=["gaussian", "laplace"])
def test_separable_labels_under_a_wide_prior_warn(prior):
    X, y = _separable()
    with pytest.warns(PriorDominatedWarning, match=r"\(quasi-\)separable.*set by the prior scale") as rec:
        res = map_estimate(X, y, prior, family="bernoulli")
    ours = [w for w in rec if issubclass(w.category, PriorDominatedWarning)]
    assert len(ours) == 1 and ours[0].filename == __file__
    assert res.converged  # the MAP exists: the warning is about what sets its size
    with pytest.warns(PriorDominatedWarning, match="separable"):
        br.BayesianLogisticRegression(prior=prior).fit(X, y)


def _quasi(seed=5, n=120):
    # quasi-complete separation: an indicator whose 15 rows are all 1 (or all zero counts); the rest overlaps
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal(n)
    ind = np.zeros(n)
    ind[:15] = 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-x1))).astype(float)
    y[:15] = 1.0
    counts = rng.poisson(np.exp(0.5 + 0.3 * x1)).astype(float)
    counts[:15] = 0.0
    return np.column_stack([x1, ind]), y, counts


def test_quasi_separation_and_poisson_zero_groups_warn_through_the_linear_program():
    X, y, counts = _quasi()
    with pytest.warns(PriorDominatedWarning, match=r"\(quasi-\)separable"):
        res = map_estimate(X, y, Gaussian(1e3), family="bernoulli")
    assert res.coef[1] > 10  # the indicator's coefficient, driven by the prior's width alone
    with pytest.warns(PriorDominatedWarning, match="zero counts"):
        res = map_estimate(X, counts, Gaussian(1e3), family="poisson")
    assert res.coef[1] < -10


def test_non_separable_labels_do_not_warn():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 3))
    y = (rng.random(200) < 1 / (1 + np.exp(-(X @ [2.0, -1.0, 0.0])))).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        map_estimate(X, y, Gaussian(1e3), family="bernoulli")
        map_estimate(X, y, Laplace(1e3), family="bernoulli")
        # separable labels under a moderate prior: no row is fitted near its boundary, nothing is said
        Xs, ys = _separable()
        map_estimate(Xs, ys, Gaussian(1.0), family="bernoulli")


def test_flat_prior_separation_error_is_unchanged():
    from bayesreg.solvers.glm import glm_fit

    X, y = _separable()
    with pytest.raises(ValueError, match=r"does not exist with l1 = l2 = 0 \(flat priors\): the data are"):
        glm_fit(X, y, "bernoulli")
