r"""Polya-Gamma Gibbs sampler for logistic and binomial regression (Polson, Scott and Windle, 2013).

Model: :math:`y_i \mid \beta \sim \mathrm{Binomial}(m_i, \mathrm{logit}^{-1}(\eta_i))`,
:math:`\eta_i = b_0 + x_i^\top\beta` (``m_i = 1``: Bernoulli), a flat prior on the intercept
:math:`b_0` and a Gaussian, Laplace or horseshoe prior on :math:`\beta`. With
:math:`\kappa_i = y_i - m_i/2` the likelihood is, by the Polya-Gamma identity,

.. math::

    \frac{(e^{\eta})^{y}}{(1 + e^{\eta})^{m}}
    = 2^{-m} e^{\kappa\eta} \int_0^\infty e^{-\omega\eta^2/2}\, p_{PG}(\omega \mid m, 0)\, d\omega,

so that given :math:`\omega_i \sim PG(m_i, \eta_i)` the coefficients are Gaussian:
:math:`(b_0, \beta) \mid \omega \sim N(V \tilde X^\top\kappa, V)`,
:math:`V = (\tilde X^\top\Omega\tilde X + D^{-1})^{-1}`, :math:`\tilde X = [1, X]`, with
:math:`D` the prior variances (infinite for the flat intercept). Each prior is a scale mixture of
normals, updated in closed form:

- ``Gaussian(tau)``: :math:`D = \tau^2 I`;
- ``Laplace(b)``: :math:`\beta_j \mid d_j \sim N(0, d_j)`, :math:`d_j \sim \mathrm{Exp}(1/(2b^2))`,
  so :math:`1/d_j \mid \beta_j \sim \mathrm{InvGaussian}(1/(b\lvert\beta_j\rvert), 1/b^2)`
  (Park and Casella, 2008, without sigma);
- ``Horseshoe(s)``: :math:`\beta_j \sim N(0, \lambda_j^2\tau^2)`, :math:`\lambda_j \sim C^+(0, 1)`,
  :math:`\tau \sim C^+(0, s)`, by Makalic and Schmidt's (2016) inverse-gamma auxiliaries
  :math:`\nu_j, \xi`.

The coefficient block is drawn jointly with the intercept from the ``(p+1) x (p+1)`` precision by a
Cholesky factor when ``p < n``; when ``p >= n``, ``beta`` is drawn by Bhattacharya, Chakraborty and
Mallick's (2016) algorithm (an ``n x n`` solve) and the intercept from its own Gaussian conditional.
Polya-Gamma draws come from the ``polyagamma`` package (Nguyen's implementation of the
Devroye / saddle-approximation samplers).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["sample_pg_gibbs", "PG_PRIORS"]

#: Prior classes with a Polya-Gamma Gibbs sampler.
PG_PRIORS = ("Gaussian", "Laplace", "Horseshoe")


def _random_pg(h, z, rng):
    from polyagamma import random_polyagamma

    return random_polyagamma(h, z, random_state=rng)


def _prior_state(prior, p: int, rng):
    """The prior's mixture kind and initial auxiliary state (variances ``d``)."""
    kind = type(prior).__name__
    if kind not in PG_PRIORS:
        raise ValueError(
            f"no Polya-Gamma Gibbs sampler for the prior {kind}; it has one for {', '.join(PG_PRIORS)} "
            "(use sampler='nuts' for others)"
        )
    if kind == "Gaussian":
        if getattr(prior, "tau2_prior", None) is not None:
            raise ValueError("the Polya-Gamma sampler takes a Gaussian prior with a fixed scale (no tau2_prior)")
        return {"kind": kind, "d": np.full(p, float(prior.scale) ** 2)}
    if kind == "Laplace":
        b = float(prior.scale)
        return {"kind": kind, "b": b, "d": np.full(p, 2.0 * b * b)}
    s = float(prior.global_scale)
    return {"kind": kind, "s2": s * s, "lam2": np.ones(p), "nu": np.ones(p), "tau2": s * s, "xi": 1.0,
            "d": np.full(p, s * s)}  # fmt: skip


def _update_prior(st, beta, rng):
    """Draw the prior's auxiliary variables given ``beta``; update the variances ``d``."""
    kind = st["kind"]
    if kind == "Gaussian":
        return
    p = beta.size
    b2 = np.maximum(beta * beta, 1e-300)
    if kind == "Laplace":
        lam = 1.0 / st["b"]
        inv_d = rng.wald(lam / np.sqrt(b2), lam * lam)
        st["d"] = 1.0 / np.maximum(inv_d, 1e-300)
        return
    # horseshoe, Makalic & Schmidt (2016): IG(a, b) = b / Gamma(a, 1)
    tau2 = st["tau2"]
    lam2 = (1.0 / st["nu"] + b2 / (2.0 * tau2)) / rng.standard_gamma(1.0, p)
    nu = (1.0 + 1.0 / lam2) / rng.standard_gamma(1.0, p)
    tau2 = (1.0 / st["xi"] + np.sum(b2 / lam2) / 2.0) / rng.standard_gamma((p + 1) / 2.0)
    xi = (1.0 / st["s2"] + 1.0 / tau2) / rng.standard_gamma(1.0)
    st.update(lam2=lam2, nu=nu, tau2=tau2, xi=xi, d=lam2 * tau2)


def _draw_coefficients(X, Xt1, kappa, omega, d, b0, fit_intercept, rng, block):
    """``(b0, beta) | omega, d``: jointly by Cholesky or by Bhattacharya's algorithm (``block``)."""
    n, p = X.shape
    if block == "cholesky":
        # precision of (b0, beta) with a flat intercept (zero prior precision)
        A = Xt1.T @ (omega[:, None] * Xt1) if fit_intercept else X.T @ (omega[:, None] * X)
        k = 1 if fit_intercept else 0
        A[np.arange(k, k + p), np.arange(k, k + p)] += 1.0 / d
        rhs = (Xt1 if fit_intercept else X).T @ kappa
        L = linalg.cholesky(A, lower=True, check_finite=False)
        mean = linalg.cho_solve((L, True), rhs, check_finite=False)
        z = rng.standard_normal(mean.size)
        theta = mean + linalg.solve_triangular(L, z, lower=True, trans="T", check_finite=False)
        return (float(theta[0]), theta[1:]) if fit_intercept else (0.0, theta)
    # Bhattacharya et al. (2016): beta | b0, omega ~ N(S Phi' alpha, S), S = (Phi' Phi + D^-1)^-1
    sw = np.sqrt(omega)
    Phi = sw[:, None] * X
    alpha = (kappa - omega * b0) / sw
    u = np.sqrt(d) * rng.standard_normal(p)
    v = Phi @ u + rng.standard_normal(n)
    PD = Phi * d[None, :]
    M = PD @ Phi.T
    M[np.diag_indices(n)] += 1.0
    w = linalg.cho_solve(linalg.cho_factor(M, lower=True, check_finite=False), alpha - v, check_finite=False)
    beta = u + PD.T @ w
    if not fit_intercept:
        return 0.0, beta
    prec = float(omega.sum())
    mean = float(np.sum(kappa - omega * (X @ beta))) / prec
    return mean + rng.standard_normal() / np.sqrt(prec), beta


def sample_pg_gibbs(
    X,
    y,
    prior,
    *,
    trials=None,
    fit_intercept: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    random_seed=None,
    progressbar: bool = False,
    block: str = "auto",
):
    """Polya-Gamma Gibbs draws of a logistic (``trials=None``) or binomial regression.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Validated float64 design.
    y : ndarray of shape (n,)
        Successes: 0/1 for the Bernoulli case, ``0 <= y_i <= trials_i`` for the binomial.
    prior : Gaussian, Laplace or Horseshoe
    trials : ndarray of shape (n,), optional
        Binomial trials per row (positive integers); ``None`` means one (Bernoulli).
    fit_intercept : bool, default=True
        Flat prior on an intercept.
    draws, tune, chains : int
        Kept draws and burn-in sweeps per chain, number of chains.
    random_seed : int or numpy.random.SeedSequence, optional
    progressbar : bool, default=False
        The rich progress bar shared with the linear Gibbs samplers.
    block : {"auto", "cholesky", "bhattacharya"}
        How the coefficients are drawn given the Polya-Gamma variables: ``"auto"`` is the
        Cholesky of the ``(p+1) x (p+1)`` precision when ``p < n``, else Bhattacharya's
        ``n x n`` algorithm. (The two are exact draws of the same conditional.)

    Returns
    -------
    posterior : dict of ndarray
        ``beta`` ``(chains, draws, p)``, ``intercept`` ``(chains, draws)`` when fitted, and for the
        horseshoe ``tau`` and ``lam_local`` (the names of the linear horseshoe sampler).
    """
    from .gibbs import _chain_seeds, _Progress

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    if block not in ("auto", "cholesky", "bhattacharya"):
        raise ValueError(f"block must be 'auto', 'cholesky' or 'bhattacharya', got {block!r}")
    if block == "auto":
        block = "cholesky" if p < n else "bhattacharya"
    m = np.ones(n) if trials is None else np.asarray(trials, dtype=np.float64)
    kappa = y - m / 2.0
    Xt1 = np.column_stack([np.ones(n), X]) if fit_intercept else X
    seeds = _chain_seeds(random_seed, chains)
    total = tune + draws
    out = {"beta": np.empty((chains, draws, p))}
    if fit_intercept:
        out["intercept"] = np.empty((chains, draws))
    hs = type(prior).__name__ == "Horseshoe"
    if hs:
        out["tau"] = np.empty((chains, draws))
        out["lam_local"] = np.empty((chains, draws, p))
    bar = _Progress(total, chains, progressbar)
    done = 0
    for c in range(chains):
        rng = np.random.default_rng(seeds[c])
        st = _prior_state(prior, p, rng)
        beta = np.zeros(p)
        b0 = 0.0
        if fit_intercept:  # start at the intercept-only MLE: the empirical log-odds
            frac = np.clip(y.sum() / m.sum(), 1e-3, 1 - 1e-3)
            b0 = float(np.log(frac / (1 - frac)))
        for it in range(total):
            eta = X @ beta + b0
            omega = np.maximum(_random_pg(m, eta, rng), 1e-12)
            b0, beta = _draw_coefficients(X, Xt1, kappa, omega, st["d"], b0, fit_intercept, rng, block)
            _update_prior(st, beta, rng)
            if it >= tune:
                k = it - tune
                out["beta"][c, k] = beta
                if fit_intercept:
                    out["intercept"][c, k] = b0
                if hs:
                    out["tau"][c, k] = np.sqrt(st["tau2"])
                    out["lam_local"][c, k] = np.sqrt(st["lam2"])
            done += 1
            if done % 50 == 0:
                bar.update(done)
    bar.update(done, final=True)
    return out


def pg_obstacle(prior, data) -> str | None:
    """Why the Polya-Gamma Gibbs sampler does not apply to a GLM, or ``None`` when it does."""
    if data.family.name not in ("bernoulli", "binomial"):
        return (
            f"no Gibbs sampler for the {data.family.name} likelihood (the Polya-Gamma sampler is for logistic and "
            "binomial regression); sampler='nuts' or 'nutpie' applies"
        )
    kind = type(prior).__name__
    if kind not in PG_PRIORS:
        return f"no Polya-Gamma Gibbs sampler for the prior {kind}; it has one for {', '.join(PG_PRIORS)}"
    if kind == "Gaussian" and getattr(prior, "tau2_prior", None) is not None:
        return "the Polya-Gamma sampler takes a Gaussian prior with a fixed scale (no tau2_prior)"
    if data.standardize:
        return "standardize=True is available with NUTS only"
    return None


def run_pg_gibbs(data, prior, *, draws, tune, chains, random_seed=None, progressbar=True, log_likelihood=False,
                 posterior_predictive=False, check=True):  # fmt: skip
    """Polya-Gamma Gibbs draws of a prepared GLM, as the package's posterior container.

    Parameters
    ----------
    data : ModelData
        A Bernoulli or binomial model (:func:`bayesreg.design.prepare_data`).
    prior : Gaussian, Laplace or Horseshoe
    draws, tune, chains, random_seed, progressbar
        As :func:`sample_pg_gibbs`.
    log_likelihood, posterior_predictive, check
        As :func:`bayesreg._posterior.build_posterior`.
    """
    from .._posterior import build_posterior

    ss = np.random.SeedSequence(random_seed) if not isinstance(random_seed, np.random.SeedSequence) else random_seed
    run_seed, pp_seed = ss.spawn(2)
    draws_ = sample_pg_gibbs(data.X, data.y, prior, trials=data.trials if data.family.name == "binomial" else None,
                             fit_intercept=data.fit_intercept, draws=draws, tune=tune, chains=chains,
                             random_seed=run_seed, progressbar=progressbar)  # fmt: skip
    return build_posterior(
        draws_, feature_names=data.feature_names, X=data.X, y=data.y, fit_intercept=data.fit_intercept,
        log_likelihood=log_likelihood, posterior_predictive=posterior_predictive, rng=np.random.default_rng(pp_seed),
        family=data.family, trials=data.trials,
        attrs={"sampler": "gibbs", "inference": "Polya-Gamma Gibbs", "prior": type(prior).__name__,
               "family": data.family.name},
        check=check, stacklevel=5,
    )  # fmt: skip
