r"""Polya-Gamma Gibbs sampler for logistic and binomial regression (Polson, Scott and Windle, 2013).

Model: :math:`y_i \mid \beta \sim \mathrm{Binomial}(m_i, \mathrm{logit}^{-1}(\eta_i))`,
:math:`\eta_i = b_0 + x_i^\top\beta` (``m_i = 1``: Bernoulli), a flat prior on the intercept
:math:`b_0` (or a normal one, :math:`N(\mu_0, s_0^2)`: its precision and mean join the intercept's
row of the Gaussian conditional below) and a Gaussian, Laplace or horseshoe prior on :math:`\beta`. With
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

from ..priors import Prior

__all__ = ["sample_pg_gibbs", "PG_PRIORS"]

#: The scale-mixture kinds (:attr:`bayesreg.priors.GibbsSettings.kind`) the Polya-Gamma sweep updates.
PG_KINDS = ("gaussian", "laplace", "horseshoe")


def _pg_settings(prior):
    """The prior's :class:`~bayesreg.priors.GibbsSettings` when the Polya-Gamma sweep has its kind, else None.

    A Gaussian kind with an infinite variance (the flat prior) has none: the Bhattacharya draw needs
    finite prior variances.
    """
    settings = prior.gibbs_settings() if isinstance(prior, Prior) else None
    if settings is None or settings.kind not in PG_KINDS:
        return None
    if settings.kind == "gaussian" and not np.isfinite(settings.tau2):
        return None
    return settings


#: Names of the prior classes with a Polya-Gamma Gibbs sampler (read from the registry, for messages).
PG_PRIORS = tuple(cls.__name__ for cls in Prior.registered() if _pg_settings(cls()) is not None)


def _random_pg(h, z, rng):
    from polyagamma import random_polyagamma

    return random_polyagamma(h, z, random_state=rng)


def _pg_obstacle_of_prior(prior) -> str | None:
    """Why the Polya-Gamma sweep cannot take ``prior``, or None."""
    settings = _pg_settings(prior)
    if settings is None:
        return (f"no Polya-Gamma Gibbs sampler for the prior {type(prior).__name__}; it has one for "
                f"{', '.join(PG_PRIORS)}")  # fmt: skip
    if settings.hyper:
        return "the Polya-Gamma sampler takes a Gaussian prior with a fixed scale (no tau2_prior)"
    return None


def _prior_state(prior, p: int):
    """The prior's mixture kind and initial auxiliary state (variances ``d``), from its Gibbs settings."""
    why = _pg_obstacle_of_prior(prior)
    if why is not None:
        raise ValueError(f"{why} (sampler='nuts' samples it)")
    settings = prior.gibbs_settings()
    kind = settings.kind
    if kind == "gaussian":
        return {"kind": kind, "d": np.full(p, float(getattr(prior, prior.scale_field)) ** 2)}
    if kind == "laplace":
        b = float(getattr(prior, prior.scale_field))
        return {"kind": kind, "b": b, "d": np.full(p, 2.0 * b * b)}
    s = float(settings.hs_s)
    return {"kind": kind, "s2": s * s, "lam2": np.ones(p), "nu": np.ones(p), "tau2": s * s, "xi": 1.0,
            "d": np.full(p, s * s)}  # fmt: skip


def _update_prior(st, beta, rng, collapsed_tau=False):
    """Draw the prior's auxiliary variables given ``beta``; update the variances ``d``.

    ``collapsed_tau``: the horseshoe's ``tau`` was already drawn with ``beta`` integrated out
    (:meth:`_Block.tau_step`), so only the local scales are updated here.
    """
    kind = st["kind"]
    if kind == "gaussian":
        return
    p = beta.size
    b2 = np.maximum(beta * beta, 1e-300)
    if kind == "laplace":
        lam = 1.0 / st["b"]
        inv_d = rng.wald(lam / np.sqrt(b2), lam * lam)
        st["d"] = 1.0 / np.maximum(inv_d, 1e-300)
        return
    # horseshoe, Makalic & Schmidt (2016): IG(a, b) = b / Gamma(a, 1)
    tau2 = st["tau2"]
    lam2 = (1.0 / st["nu"] + b2 / (2.0 * tau2)) / rng.standard_gamma(1.0, p)
    nu = (1.0 + 1.0 / lam2) / rng.standard_gamma(1.0, p)
    if collapsed_tau:
        st.update(lam2=lam2, nu=nu, d=lam2 * tau2)
        return
    tau2 = (1.0 / st["xi"] + np.sum(b2 / lam2) / 2.0) / rng.standard_gamma((p + 1) / 2.0)
    xi = (1.0 / st["s2"] + 1.0 / tau2) / rng.standard_gamma(1.0)
    st.update(lam2=lam2, nu=nu, tau2=tau2, xi=xi, d=lam2 * tau2)


#: The scale move refuses factors beyond e^(+-30): such a proposal comes only from a nearly flat ray
#: (curvature ~ 0, e.g. coefficients near zero under a weak likelihood), where it would overflow.
_MAX_LOG_SCALE = 30.0


def _orbit_terms(u, y, m, q, k, t):
    """Log target, its derivative and a positive curvature along the orbit ``e^t theta`` (:func:`_scale_move`).

    ``u = e^t eta``; ``q = beta' D^-1 beta`` at ``t = 0``; ``k`` the number of scaled coordinates.
    The log-likelihood is written with ``exp(-|u|)`` (one exponential, no overflow).
    """
    e = np.exp(-np.abs(u))
    s = np.where(u >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))  # logistic(u)
    c2q = np.exp(2.0 * t) * q
    logp = float(y @ u - m @ (np.maximum(u, 0.0) + np.log1p(e))) - 0.5 * c2q + k * t
    grad = float((y - m * s) @ u) - c2q + k
    # Fisher information of the likelihood plus the prior's exact curvature: positive unless theta = 0
    curv = float((m * s * (1.0 - s)) @ (u * u)) + 2.0 * c2q
    return logp, grad, curv


def _scale_move(eta, beta, d, y, m, k, rng):
    r"""A Metropolis-Hastings move of ``(b0, beta)`` along its ray: ``(b0, beta) -> e^t (b0, beta)``.

    Returns the factor ``e^t`` (1.0 when rejected). The target is the posterior of the coefficients
    given the prior variances ``d`` with the Polya-Gamma variables integrated out (the logistic
    likelihood itself). The move is the involution ``(theta, t) -> (e^t theta, -t)`` of Liu and Sabatti's
    (2000) group moves, whose Jacobian is ``e^{k t}`` (``k`` scaled coordinates: ``p``, plus the
    intercept when it is fitted; its prior is flat), with ``t`` drawn from one Fisher-scoring step on
    the ray: ``N(g / h, 1 / h)``, ``g`` and ``h`` the derivative and the (positive) curvature of
    ``log pi(e^t theta) + k t`` at ``t = 0``. The reverse proposal is the same rule at the new point,
    so the acceptance ratio is :math:`\pi(e^t\theta) e^{kt} q_{\theta'}(-t) / (\pi(\theta) q_\theta(t))`
    and the move leaves that posterior invariant; ``d`` is redrawn from its conditional afterwards, so
    the joint posterior is kept. Why: with strong signals most ``|eta_i|`` are large, where
    ``E[omega_i] = tanh(eta_i/2) / (2 eta_i)`` is several times the Fisher weight ``sigma (1 - sigma)``,
    so the coefficients' Gaussian conditional given ``omega`` is much narrower than their posterior
    along the direction that scales every ``eta_i`` together, and plain Polya-Gamma Gibbs crawls there.
    The move costs two passes over ``eta`` (O(n)), no product with the design.
    """
    q = float(np.sum(beta * beta / d))
    lp0, g0, h0 = _orbit_terms(eta, y, m, q, k, 0.0)
    if not (h0 > 0.0 and np.isfinite(h0)):  # theta = 0: the ray is one point
        return 1.0
    t = g0 / h0 + rng.standard_normal() / np.sqrt(h0)
    if abs(t) > _MAX_LOG_SCALE:  # a flat ray (tiny curvature): refused, symmetric in t and -t, so still exact
        return 1.0
    lp1, g1, h1 = _orbit_terms(np.exp(t) * eta, y, m, q, k, t)
    if not (h1 > 0.0 and np.isfinite(h1) and np.isfinite(lp1)):
        return 1.0
    # log q(t | theta) and log q(-t | theta'): at theta' = e^t theta the rule's derivative and curvature at its
    # own origin are those of the same ray at t (g1, h1)
    log_fwd = 0.5 * np.log(h0) - 0.5 * h0 * (t - g0 / h0) ** 2
    log_rev = 0.5 * np.log(h1) - 0.5 * h1 * (-t - g1 / h1) ** 2
    if np.log(rng.random()) < lp1 - lp0 + log_rev - log_fwd:
        return float(np.exp(t))
    return 1.0


class _Block:
    """Workspace of one chain's coefficient draws: the design in column order and a buffer of its shape.

    ``X^T Omega X`` (Cholesky block) and ``Phi D Phi^T`` (Bhattacharya) are each one BLAS ``syrk``
    on the buffer ``sqrt(omega) * X`` (times ``sqrt(d)``), written in place: half the flops of a
    general product and no temporary of the design's size per sweep.
    """

    def __init__(self, X, fit_intercept, block, b0_mu=0.0, b0_prec=0.0):
        n, p = X.shape
        self.X = X
        self.b0_mu, self.b0_prec = float(b0_mu), float(b0_prec)  # N(b0_mu, 1/b0_prec) on b0; 0: flat
        self.block = block
        self.fit_intercept = fit_intercept
        # the Cholesky block works on [1, X] (flat intercept drawn jointly), Bhattacharya's on X
        A = np.column_stack([np.ones(n), X]) if (fit_intercept and block == "cholesky") else X
        self.A = np.asfortranarray(A)
        self.buf = np.empty_like(self.A, order="F")
        self.k = 1 if (fit_intercept and block == "cholesky") else 0

    def tau_step(self, st, kappa, omega, b0, rng, adapt):
        """Horseshoe, ``p >= n``: a Metropolis step on ``log tau`` with ``beta`` integrated out.

        Given omega, the local scales and ``b0``, ``a = Omega^(-1/2) (kappa - omega b0)`` is
        ``N(0, I + tau^2 G)`` with ``G = Phi Lambda^2 Phi'`` (Johndrow, Orenstein and Bhattacharya,
        2020), so ``tau`` moves without waiting for ``beta`` (with which it is strongly coupled
        when ``p`` is large). The target adds the half-Cauchy(0, s) prior and the Jacobian of
        ``log tau``; the random-walk scale is adapted during tuning (``adapt``) towards an acceptance
        rate of 0.35. Leaves the factor of ``I + tau^2 G`` at the new ``tau`` for :meth:`draw`.
        """
        from scipy.linalg.blas import dsyrk

        n = self.X.shape[0]
        sw = np.sqrt(omega)
        a = (kappa - omega * b0) / sw
        np.multiply(self.A, sw[:, None], out=self.buf)
        self.buf *= np.sqrt(st["lam2"])[None, :]  # Phi Lambda
        G = dsyrk(1.0, self.buf, trans=0, lower=1)
        idx = np.diag_indices(n)

        def logp(log_tau):
            t2 = np.exp(2.0 * log_tau)
            M = G * t2
            M[idx] += 1.0
            try:
                c = linalg.cho_factor(M, lower=True, check_finite=False)
            except linalg.LinAlgError:
                return -np.inf, None
            z = linalg.solve_triangular(c[0], a, lower=True, check_finite=False)
            val = -np.sum(np.log(np.diag(c[0]))) - 0.5 * (z @ z) - np.log1p(t2 / st["s2"]) + log_tau
            return val, c

        cur = 0.5 * np.log(st["tau2"])
        lp_cur, fac = logp(cur)
        prop = cur + st["tau_step"] * rng.standard_normal()
        lp_prop, fac_prop = logp(prop)
        acc = np.log(rng.random()) < lp_prop - lp_cur
        if acc:
            cur, fac = prop, fac_prop
        if adapt:  # Robbins-Monro on the log scale of the step, towards 35 % acceptance
            st["tau_n"] += 1
            st["tau_step"] *= np.exp((float(acc) - 0.35) / np.sqrt(st["tau_n"]))
        st["tau2"] = float(np.exp(2.0 * cur))
        st["d"] = st["lam2"] * st["tau2"]
        self._factor = (fac, G)

    def draw(self, kappa, omega, d, b0, rng):
        """``(b0, beta) | omega, d``: jointly by Cholesky or by Bhattacharya's algorithm."""
        from scipy.linalg.blas import dsyrk

        X, A, buf = self.X, self.A, self.buf
        n, p = X.shape
        sw = np.sqrt(omega)
        if self.block == "cholesky":
            # precision of (b0, beta) with the intercept's prior precision (0: flat); lower triangle only
            np.multiply(A, sw[:, None], out=buf)
            P = dsyrk(1.0, buf, trans=1, lower=1)
            k = self.k
            P[np.arange(k, k + p), np.arange(k, k + p)] += 1.0 / d
            rhs = A.T @ kappa
            if k:
                P[0, 0] += self.b0_prec
                rhs[0] += self.b0_prec * self.b0_mu
            L = linalg.cholesky(P, lower=True, check_finite=False)
            mean = linalg.cho_solve((L, True), rhs, check_finite=False)
            z = rng.standard_normal(mean.size)
            theta = mean + linalg.solve_triangular(L, z, lower=True, trans="T", check_finite=False)
            return (float(theta[0]), theta[1:]) if k else (0.0, theta)
        # Bhattacharya et al. (2016): beta | b0, omega ~ N(S Phi' alpha, S), S = (Phi' Phi + D^-1)^-1,
        # Phi = Omega^(1/2) X; M = Phi D Phi' + I = B B' + I with B = Phi D^(1/2)
        alpha = (kappa - omega * b0) / sw
        sd = np.sqrt(d)
        u = sd * rng.standard_normal(p)
        np.multiply(A, sw[:, None], out=buf)  # Phi
        v = buf @ u + rng.standard_normal(n)
        buf *= sd[None, :]  # B
        fac = getattr(self, "_factor", None)
        self._factor = None
        if fac is not None:  # M = I + tau^2 Phi Lambda^2 Phi' factored by tau_step at this d
            c = fac[0]
        else:
            M = dsyrk(1.0, buf, trans=0, lower=1)
            M[np.diag_indices(n)] += 1.0
            c = linalg.cho_factor(M, lower=True, check_finite=False)
        w = linalg.cho_solve(c, alpha - v, check_finite=False)
        beta = u + sd * (buf.T @ w)  # u + D Phi' w
        if not self.fit_intercept:
            return 0.0, beta
        prec = float(omega.sum()) + self.b0_prec
        mean = (float(np.sum(kappa - omega * (X @ beta))) + self.b0_prec * self.b0_mu) / prec
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
    cores: int | None = None,
    scale_move: bool | None = None,
    intercept_prior=None,
):
    r"""Polya-Gamma Gibbs draws of a logistic (``trials=None``) or binomial regression.

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
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`N(\mu, s^2)` on the intercept instead of the flat one (drawn with the
        coefficients, its precision ``1/s^2`` and ``mu/s^2`` added to the intercept's row; the
        scale move, which assumes a flat intercept, is then off).
    draws, tune, chains : int
        Kept draws and burn-in sweeps per chain, number of chains.
    random_seed : int or numpy.random.SeedSequence, optional
        The same seed gives identical draws whatever ``cores`` is.
    progressbar : bool, default=False
        The rich progress bar shared with the linear Gibbs samplers.
    block : {"auto", "cholesky", "bhattacharya"}
        How the coefficients are drawn given the Polya-Gamma variables: ``"auto"`` is the
        Cholesky of the ``(p+1) x (p+1)`` precision when ``p < n``, else Bhattacharya's
        ``n x n`` algorithm. (The two are exact draws of the same conditional.)
    cores : int, optional
        Chains run at once in threads (default: one per chain, up to the CPU count). The
        Polya-Gamma draws and BLAS release the GIL; BLAS gets the available CPUs divided among
        the chains (never more than a limit the user set; :func:`bayesreg._threads.blas_threads`),
        so the chains do not oversubscribe the cores.
    scale_move : bool, optional
        After each coefficient draw, a Metropolis-Hastings move of ``(b0, beta)`` along its ray
        (:func:`_scale_move`): exact, O(n), and the direction plain Polya-Gamma Gibbs is slowest in
        when the signal is strong. ``None`` (default): on for the Gaussian and Laplace priors, off for
        the horseshoe (on the 5000 x 50 benchmark it did not help there: min bulk ESS 122 / tau 76
        against 183 / 115 without, one run each). ``False`` gives the plain Gibbs sweep.

    Returns
    -------
    posterior : dict of ndarray
        ``beta`` ``(chains, draws, p)``, ``intercept`` ``(chains, draws)`` when fitted, and for the
        horseshoe ``tau`` and ``lam_local`` (the names of the linear horseshoe sampler).
    """
    from .._threads import chain_workers
    from ..intercept import parse_intercept_prior
    from .driver import chain_seeds, check_count, run_chains

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    if scale_move is not None and not isinstance(scale_move, (bool, np.bool_)):
        raise ValueError(f"scale_move must be True, False or None, got {scale_move!r}")
    if block not in ("auto", "cholesky", "bhattacharya"):
        raise ValueError(f"block must be 'auto', 'cholesky' or 'bhattacharya', got {block!r}")
    cores = chain_workers(chains, None if cores is None else check_count(cores, "cores", 1))
    if block == "auto":
        block = "cholesky" if p < n else "bhattacharya"
    b0_prior = parse_intercept_prior(intercept_prior, fit_intercept)
    if b0_prior is not None and scale_move:
        raise ValueError("scale_move=True needs a flat intercept (it scales b0 along the ray); with intercept_prior "
                         "leave scale_move at None")  # fmt: skip
    m = np.ones(n) if trials is None else np.asarray(trials, dtype=np.float64)
    _prior_state(prior, p)  # an unsupported prior is named before any work
    seeds = chain_seeds(random_seed, chains)
    kernel = _Kernel(X, y, m, prior, fit_intercept, block, b0_prior, scale_move, tune)
    return run_chains(kernel, chains=chains, draws=draws, tune=tune, seeds=seeds, progressbar=progressbar,
                      cores=cores).draws  # fmt: skip


class _Kernel:
    """The Polya-Gamma sweep as a kernel of :func:`bayesreg.samplers.driver.run_chains`.

    One sweep: ``omega | eta``; for the horseshoe with ``p >= n``, ``tau`` with ``beta`` integrated
    out (:meth:`_Block.tau_step`); ``(b0, beta) | omega, d`` (:meth:`_Block.draw`); the scale move
    (:func:`_scale_move`); the prior's auxiliary variables (:func:`_update_prior`). One generator per
    chain, seeded by the chain's seed, draws them all in that order.
    """

    def __init__(self, X, y, m, prior, fit_intercept, block, b0_prior, scale_move, tune):
        n, p = X.shape
        self.X, self.y, self.m, self.prior, self.block, self.tune = X, y, m, prior, block, tune
        self.fit_intercept = fit_intercept
        self.kappa = y - m / 2.0
        self.b0_mu, self.b0_prec = (0.0, 0.0) if b0_prior is None else (b0_prior.mu, 1.0 / b0_prior.scale**2)
        self.hs = prior.gibbs_settings().kind == "horseshoe"
        self.b0_start = 0.0
        if fit_intercept:  # start at the intercept-only MLE: the empirical log-odds
            frac = np.clip(y.sum() / m.sum(), 1e-3, 1 - 1e-3)
            self.b0_start = float(np.log(frac / (1 - frac)))
        # p >= n horseshoe: tau drawn with beta integrated out (Johndrow et al.), see _Block.tau_step
        self.collapse = self.hs and block == "bhattacharya"
        self.k_scaled = p + (1 if fit_intercept else 0)
        self.scale_move = (not self.hs and b0_prior is None) if scale_move is None else scale_move
        self.fields = {"beta": (p,)}
        if fit_intercept:
            self.fields["intercept"] = ()
        if self.hs:
            self.fields.update(tau=(), lam_local=(p,))

    def init(self, chain):
        n, p = self.X.shape
        st = _prior_state(self.prior, p)
        st.update(tau_step=0.5, tau_n=0, rng=np.random.default_rng(chain.seed), beta=np.zeros(p), b0=self.b0_start,
                  eta=np.full(n, self.b0_start),
                  work=_Block(self.X, self.fit_intercept, self.block, self.b0_mu, self.b0_prec))  # fmt: skip
        return st

    def step(self, st, chain, it0, count):
        """Sweeps ``it0, ..., it0 + count - 1``."""
        X, y, m, kappa, tune, out = self.X, self.y, self.m, self.kappa, self.tune, chain.out
        rng, work, beta, b0, eta = st["rng"], st["work"], st["beta"], st["b0"], st["eta"]
        for it in range(it0, it0 + count):
            omega = np.maximum(_random_pg(m, eta, rng), 1e-12)
            if self.collapse:
                work.tau_step(st, kappa, omega, b0, rng, adapt=it < tune)
            b0, beta = work.draw(kappa, omega, st["d"], b0, rng)
            eta = X @ beta + b0
            if self.scale_move:
                f = _scale_move(eta, beta, st["d"], y, m, self.k_scaled, rng)
                if f != 1.0:
                    beta, b0, eta = f * beta, f * b0, f * eta
            _update_prior(st, beta, rng, collapsed_tau=self.collapse)
            if it >= tune:
                k = it - tune
                out["beta"][k] = beta
                if self.fit_intercept:
                    out["intercept"][k] = b0
                if self.hs:
                    out["tau"][k] = np.sqrt(st["tau2"])
                    out["lam_local"][k] = np.sqrt(st["lam2"])
        st.update(beta=beta, b0=b0, eta=eta)
        return st


def pg_obstacle(prior, data) -> str | None:
    """Why the Polya-Gamma Gibbs sampler does not apply to a GLM, or ``None`` when it does."""
    if data.family.name not in ("bernoulli", "binomial"):
        return (
            f"no Gibbs sampler for the {data.family.name} likelihood (the Polya-Gamma sampler is for logistic and "
            "binomial regression); sampler='nuts' or 'nutpie' applies"
        )
    why = _pg_obstacle_of_prior(prior)
    if why is not None:
        return why
    if data.standardize:
        return "standardize=True is available with NUTS only"
    return None


def run_pg_gibbs(data, prior, *, draws, tune, chains, random_seed=None, progressbar=True, log_likelihood=False,
                 posterior_predictive=False, check=True, cores=None, intercept_prior=None):  # fmt: skip
    """Polya-Gamma Gibbs draws of a prepared GLM, as the package's posterior container.

    Parameters
    ----------
    data : ModelData
        A Bernoulli or binomial model (:func:`bayesreg.design.prepare_data`).
    prior : Gaussian, Laplace or Horseshoe
    draws, tune, chains, random_seed, progressbar, cores, intercept_prior
        As :func:`sample_pg_gibbs`.
    log_likelihood, posterior_predictive, check
        As :func:`bayesreg._posterior.build_posterior`.
    """
    from .._posterior import build_posterior

    ss = np.random.SeedSequence(random_seed) if not isinstance(random_seed, np.random.SeedSequence) else random_seed
    run_seed, pp_seed = ss.spawn(2)
    draws_ = sample_pg_gibbs(data.X, data.y, prior, trials=data.trials if data.family.name == "binomial" else None,
                             fit_intercept=data.fit_intercept, draws=draws, tune=tune, chains=chains,
                             random_seed=run_seed, progressbar=progressbar, cores=cores,
                             intercept_prior=intercept_prior)  # fmt: skip
    return build_posterior(
        draws_, feature_names=data.feature_names, X=data.X, y=data.y, fit_intercept=data.fit_intercept,
        log_likelihood=log_likelihood, posterior_predictive=posterior_predictive, rng=np.random.default_rng(pp_seed),
        family=data.family, trials=data.trials,
        attrs={"sampler": "gibbs", "inference": "Polya-Gamma Gibbs", "prior": type(prior).__name__,
               "family": data.family.name},
        check=check,
    )  # fmt: skip
