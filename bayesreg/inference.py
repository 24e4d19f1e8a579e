r"""Inference for the Bayesian linear model: the exact MAP, PyMC's find_MAP, posterior sampling.

- :func:`map_estimate`: the exact MAP through the package's solvers (exact zeros, a duality-gap
  certificate). With sigma fixed it *is* the penalised fit (:mod:`bayesreg.mapping`); with a prior
  on sigma, the joint mode of ``(beta, intercept, sigma)`` is found by alternating the solver for
  beta and the closed form for sigma.
- :func:`find_map`: ``pm.find_MAP`` on a model from :func:`bayesreg.build_model`, behind the one
  adapter :mod:`bayesreg._upstream`, with options that reach the mode of an L1 posterior well.
- :func:`sample_posterior`: NUTS (PyMC or nutpie) or the Gibbs samplers of
  :mod:`bayesreg.samplers`, chosen by :func:`bayesreg.sampling.resolve_sampler`; returns the
  posterior container of the installed ArviZ (``InferenceData`` for 0.x, ``xarray.DataTree`` for
  >= 1) with the same variables, dims and groups from every sampler.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._posterior import pointwise_log_likelihood, resolve_log_likelihood
from ._validation import check_scalar
from .design import ModelData, prepare_data, reweight
from .families import GaussianFamily
from .families import family as parse_family
from .noise import COLLAPSE_RTOL, Noise, collapse_message, held_by_prior_note, interpolation_obstacle, parse_sigma
from .priors import check_prior
from .solvers.results import CertifiedResult, _fmt_coef
from .suffstats import require_rows

__all__ = ["map_estimate", "MAPResult", "find_map", "FindMAPResult", "sample_posterior", "pointwise_log_likelihood"]


# --------------------------------------------------------------------------------------------
# exact MAP
# --------------------------------------------------------------------------------------------

_REQUIRED = object()  # sigma's default: required for the linear model, absent from a GLM


@dataclass(frozen=True, eq=False, repr=False)
class MAPResult(CertifiedResult):
    """The exact MAP of a Bayesian linear model.

    Attributes
    ----------
    coef : ndarray of shape (p,)
        Modal coefficients (exact zeros where the L1 penalty sets them).
    intercept : float
        Modal intercept (0.0 without one).
    sigma : float
        The fixed sigma, or the modal sigma when it has a prior.
    penalty : Penalty
        The penalty solved for at that sigma (:func:`bayesreg.mapping.prior_to_penalty`).
    objective : float
        ``1/(2n) ||y - b0 - X coef||^2 + penalty(coef)`` (the solver's scale; with ``standardize``
        the columns are the standardised ones).
    gap : float
        Duality gap of the final solve (0 for the closed-form ridge).
    converged : bool
        Whether the solver (and, with sigma free, the alternation) converged.
    n_iter : int
        Solver sweeps (summed over alternations).
    n_alternations : int
        Beta/sigma alternations (0 with sigma fixed).
    feature_names : list of str
    family : str
        The likelihood family (``"gaussian"``: the linear model). For a GLM ``sigma`` is NaN (it
        has none), ``objective`` is the mean loss (half the mean deviance) plus the penalty, and
        ``gap`` the duality gap of :func:`bayesreg.solvers.glm_gap` on that mean scale.
    """

    coef: np.ndarray
    intercept: float
    sigma: float
    penalty: object
    objective: float
    gap: float
    converged: bool
    n_iter: int
    n_alternations: int
    feature_names: list = field(repr=False)
    family: str = "gaussian"

    def as_dict(self) -> dict:
        """``{"beta": coef, "intercept": ..., "sigma": ...}``, named as in the PyMC model."""
        return {"beta": np.array(self.coef), "intercept": self.intercept, "sigma": self.sigma}

    def _repr_items(self) -> list[str]:
        linear = self.family == "gaussian"
        return [*([] if linear else [f"family={self.family!r}"]), f"penalty={self.penalty}",
                *self._items("coef", "intercept"), *([f"sigma={self.sigma:.6g}"] if linear else []),
                *self._items("nonzero", "gap", "converged")]  # fmt: skip


def _solve_beta(source, prior, sigma, n, fit_intercept, tol, max_iter, coef_init):
    """MAP of beta at a fixed sigma: (coef, gap, n_iter, converged, penalty)."""
    from .mapping import prior_to_penalty
    from .penalties import L2
    from .solvers import ridge, solve

    pen = prior_to_penalty(prior, sigma=sigma, n_samples=n)
    X, y = source
    if isinstance(pen, L2) and pen.weights is None:
        res = ridge(X, y, pen.alpha, fit_intercept=fit_intercept)
        return np.array(res.coef), 0.0, 0, True, pen
    res = solve(X, y, pen, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter, coef_init=coef_init)
    return np.array(res.coef), res.gap, res.n_iter, res.converged, pen


def map_estimate(
    X,
    y=None,
    prior=None,
    *,
    sigma=_REQUIRED,
    fit_intercept: bool = True,
    standardize: bool = False,
    feature_names=None,
    tol: float = 1e-14,
    max_iter: int = 100_000,
    sigma_tol: float = 1e-10,
    max_alternations: int = 500,
    family=None,
    trials=None,
    intercept_prior=None,
) -> MAPResult:
    r"""Exact MAP of the linear-Gaussian model under a Laplace, Gaussian or elastic-net prior.

    With ``sigma`` fixed the negative log posterior is, times ``sigma^2/n`` and up to a constant,
    ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)`` with the penalty of
    :func:`bayesreg.mapping.prior_to_penalty`: the MAP is the Lasso / Ridge / elastic-net solution,
    computed by coordinate descent to a duality gap of ``tol * ||y_c||^2 / n`` (exact zeros) or by
    Cholesky for ridge.

    With a prior on sigma the joint mode of ``(beta, intercept, sigma)`` (mode in sigma, as
    :func:`bayesreg.build_model` parametrises it) is found by alternating: beta by the solver at the
    current sigma (warm-started), then sigma in closed form given beta,
    ``sigma = (B + sqrt(B^2 + 8 m A)) / (2m)`` with ``A = RSS/2 + b``, ``m = n + 2a + 1`` for an
    inverse-gamma(a, b) prior on sigma^2 (``m = n + 1``, ``b = 0`` for Jeffreys), plus ``p`` in m and
    ``B = lam ||beta||_1`` for the Park-Casella prior; for a prior on sigma itself
    (:class:`~bayesreg.HalfNormal`, :class:`~bayesreg.HalfCauchy`, :class:`~bayesreg.HalfStudentT`,
    :class:`~bayesreg.Exponential`, :class:`~bayesreg.Uniform`) sigma given beta is a 1-D
    maximisation in log sigma, where the objective is concave (:meth:`bayesreg.noise.Noise.modal_sigma`);
    until sigma changes by less than ``sigma_tol`` relative. Each step cannot decrease the
    posterior, so the alternation settles.

    Parameters
    ----------
    X : array_like of shape (n, p), DataFrame, or SufficientStats
        Design matrix, or sufficient statistics with ``y`` omitted.
    y : array_like of shape (n,), optional
    prior : Laplace, ParkCasella, Gaussian, ElasticNetPrior or Flat
        Fixed prior scale (a hyperprior has no closed-form joint mode here: use
        :func:`find_map` or :func:`sample_posterior`). Horseshoe, RegularizedHorseshoe and R2D2
        have no penalty twin and no finite mode: a TypeError that names what to use instead.
    sigma : float, "estimate", "default", "jeffreys", "flat", None, InverseGammaPrior or SigmaPrior
        Fixed noise scale (a number, or ``"estimate"``: a plug-in value), or its prior (the joint
        mode is then returned); the vocabulary of :mod:`bayesreg.noise`.
    fit_intercept : bool, default=True
    standardize : bool, default=False
        The prior is on the coefficients of standardised columns (see :func:`bayesreg.build_model`);
        the result is reported on the original scale.
    feature_names : sequence of str, optional
    tol : float, default=1e-14
        Relative duality-gap tolerance of the coordinate descent (``gap <= tol * ||y_c||^2 / n``);
        1e-14 is what makes the coefficients agree with an independent solver to 1e-7 relative
        (1e-12 leaves errors of a few 1e-7).
    max_iter : int, default=100000
        Coordinate-descent sweeps per solve.
    sigma_tol : float, default=1e-10
        Relative change of sigma at which the alternation stops.
    max_alternations : int, default=500
    family : {"gaussian", "bernoulli", "binomial", "poisson"}, optional
        The likelihood (default Gaussian, or a prepared ModelData's). For the GLMs the MAP
        minimises ``sum_i loss_i + (-log prior)``: the
        L1/L2/elastic-net penalised logistic or Poisson regression with the prior's penalty at
        ``sigma = 1`` (``Laplace(b)``: ``||beta||_1 / b``, scikit-learn's
        ``LogisticRegression(C=b)``), solved by :func:`bayesreg.solvers.glm_fit` to a duality
        gap of ``tol`` times the intercept-only model's loss. ``sigma`` must be left out.
    trials : int or array_like, optional
        Binomial trials per row (``family="binomial"``).
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`b_0 \sim N(\mu, s^2)` on the intercept. GLMs: the term
        :math:`(b_0 - \mu)^2/(2s^2)` joins the solver's objective and its certificate
        (:func:`bayesreg.solvers.glm.glm_fit`), any ``standardize``. Linear model (rows given,
        ``standardize=False``): given ``beta`` the intercept's mode is in closed form, and
        profiling it out leaves the centred least squares plus one pseudo-row
        :math:`\sqrt\kappa\,(\bar x^T\beta - (\bar y - \mu))`, :math:`\kappa = n\rho/(n + \rho)`,
        :math:`\rho = \sigma^2/s^2` (the intercept's term at its mode); the solver runs on those
        ``n + 1`` rows without an intercept, so ``objective`` and ``gap`` are those of that problem
        (its ``1/(2(n + 1))`` normalisation) and the penalty is at ``n_samples = n + 1``.

    Returns
    -------
    MAPResult

    Raises
    ------
    ValueError
        When the joint mode does not exist (:func:`bayesreg.noise.interpolation_obstacle`): the
        columns and the intercept can interpolate ``y`` (``p >= n - 1``; ``p >= n`` without an
        intercept), the prior on beta is not scaled by sigma (Laplace, Gaussian, elastic net)
        and sigma has Jeffreys' prior or a prior on sigma itself, so the joint density grows
        without bound as sigma -> 0; raised before any solve. Also when the alternation's sigma
        falls below :data:`bayesreg.noise.COLLAPSE_RTOL` times sd(y) (``y`` fitted to rounding,
        e.g. noise-free data with ``p < n``). An inverse-gamma prior with a positive scale
        (``sigma="default"``) or ParkCasella keeps the mode above 0 on such designs: it is
        returned with a :class:`~bayesreg.PriorDominatedWarning` (its sigma is set by that prior).
        GLMs of (quasi-)separable data under a proper prior warn the same way
        (:func:`bayesreg.solvers.glm.glm_fit`).
    """
    from .intercept import parse_intercept_prior

    check_prior(prior)
    obstacle = prior.map_obstacle()
    if obstacle is not None:
        raise obstacle[0](obstacle[1])
    # checked before any work, for every family (a wrong type is a TypeError naming intercept_prior)
    b0_prior = parse_intercept_prior(intercept_prior, fit_intercept)
    fam = parse_family(family) if family is not None else getattr(X, "family", GaussianFamily())
    if not isinstance(fam, GaussianFamily):
        return _glm_map(X, y, prior, sigma, fam, trials, fit_intercept, standardize, feature_names, tol, max_iter,
                        b0_prior)  # fmt: skip
    if sigma is _REQUIRED:
        raise TypeError("map_estimate() needs sigma= for the linear model (a number, 'estimate', 'jeffreys', ...)")
    sigma_spec = parse_sigma(sigma)
    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    sigma_tol = check_scalar(sigma_tol, "sigma_tol", lower=0.0, lower_inclusive=False)
    max_alternations = check_scalar(max_alternations, "max_alternations", lower=1, integer=True)
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize)
    prior.check_size(data.p)
    why = prior.data_obstacle(data)  # sigma free or not, the mode needs identified coefficients
    if why is not None:
        raise ValueError(why)
    if b0_prior is not None and (data.X is None or data.standardize):
        raise ValueError("map_estimate with intercept_prior needs the rows (X, y) and standardize=False")
    noise = sigma_spec.resolve(data.y_var, data.X, data.y)
    # a joint mode that does not exist (sigma -> 0 when beta can interpolate y): refused before any solve
    obstacle = interpolation_obstacle(noise, prior, data.n, data.p, data.fit_intercept, target="mode")
    if obstacle is not None:
        raise ValueError(obstacle)
    if b0_prior is not None:
        res = _map_with_intercept_prior(data, prior, noise, b0_prior, tol, max_iter, sigma_tol, max_alternations)
    else:
        res = _map_estimate(data, prior, noise, tol, max_iter, sigma_tol, max_alternations)
        if res.coef.size and not np.any(res.coef) and res.penalty.alpha_l1 > 0:
            # the gradient of the centred least squares at beta = 0, in the solver's (scaled) units
            _, q, _ = data.scaled_stats().gram(data.fit_intercept)
            warn_empty_map(prior, res.penalty, np.asarray(q) / data.n, glm=False)
    note = held_by_prior_note(noise, prior, res.sigma, _y_sd(data), data.n, data.p, data.fit_intercept)
    if note is not None:
        from ._warnings import warn
        from .exceptions import PriorDominatedWarning

        warn(note, PriorDominatedWarning)
    return res


def _y_sd(data) -> float:
    """sd(y), the scale a modal sigma is compared with (:data:`bayesreg.noise.COLLAPSE_RTOL`)."""
    return math.sqrt(data.y_var) if data.y_var > 0 else 0.0


def _check_not_collapsed(new_sigma: float, data, noise, prior) -> None:
    """Refuse a joint mode whose sigma fell to the rounding level of the residuals (y fitted exactly)."""
    y_sd = _y_sd(data)
    if new_sigma <= COLLAPSE_RTOL * y_sd or new_sigma <= 0.0:
        raise ValueError(collapse_message(noise, prior, new_sigma, y_sd, data.n, data.p))


def _intercept_given_beta(n, ybar, xbar, sigma, b0_prior):
    """``(a, k, kappa)``: the intercept's mode given beta is ``a - k xbar^T beta``; ``kappa`` weights the pseudo-row."""
    with np.errstate(over="ignore", under="ignore"):
        rho = float(np.float64(sigma / b0_prior.scale) ** 2)
    if not math.isfinite(rho):
        return b0_prior.mu, 0.0, float(n)
    return (n * ybar + rho * b0_prior.mu) / (n + rho), n / (n + rho), n * rho / (n + rho)


def _map_with_intercept_prior(data, prior, noise, b0_prior, tol, max_iter, sigma_tol, max_alternations) -> MAPResult:
    # -log p = ||y - b0 - X beta||^2 / (2 sigma^2) + (b0 - mu)^2 / (2 s^2) + pen(beta) [+ sigma terms]. With
    # d = ybar - xbar^T beta the b0 part is n (d - b0)^2 / (2 sigma^2) + (b0 - mu)^2 / (2 s^2), minimised at
    # b0 = (n d + rho mu) / (n + rho) with value kappa (d - mu)^2 / (2 sigma^2): the pseudo-row of the docstring.
    X, y = data.X, data.y
    n = data.n
    xbar, ybar = X.mean(axis=0), float(y.mean())
    Xc, yc = X - xbar, y - ybar

    def solve_at(sig, coef_init):
        a, k, kappa = _intercept_given_beta(n, ybar, xbar, sig, b0_prior)
        r = math.sqrt(kappa)
        Xa = np.vstack([Xc, r * xbar])
        ya = np.append(yc, r * (ybar - b0_prior.mu))
        coef, gap, it, ok, pen = _solve_beta((Xa, ya), prior, sig, n + 1, False, tol, max_iter, coef_init)
        b0 = a - k * float(xbar @ coef)
        res = y - b0 - X @ coef
        objective = float(np.sum((ya - Xa @ coef) ** 2)) / (2.0 * (n + 1)) + pen.value(coef)
        return coef, b0, float(res @ res), gap, it, ok, pen, objective

    if noise.fixed:
        sig, n_alt = float(noise.value), 0
        coef, b0, rss, gap, n_iter, conv, pen, objective = solve_at(sig, None)
    else:
        sig = math.sqrt(data.y_var) if data.y_var > 0 else 1.0
        coef, n_iter, conv = None, 0, False
        for n_alt in range(1, max_alternations + 1):
            coef, b0, rss, gap, it, ok, pen, objective = solve_at(sig, coef)
            n_iter += it
            new = noise.modal_sigma(rss, n, *prior.sigma_terms(coef))
            _check_not_collapsed(new, data, noise, prior)
            done = abs(new - sig) <= sigma_tol * sig
            sig = new
            if done:
                conv = ok
                break
        coef, b0, rss, gap, it, ok, pen, objective = solve_at(sig, coef)
        n_iter += it
        conv = conv and ok
    from .penalties import L2

    return MAPResult(
        coef=np.array(coef), intercept=float(b0), sigma=float(sig), penalty=pen, objective=float(objective),
        gap=float(gap) if not isinstance(pen, L2) else 0.0, converged=bool(conv), n_iter=int(n_iter),
        n_alternations=int(n_alt), feature_names=list(data.feature_names),
    )  # fmt: skip


def warn_empty_map(prior, penalty, grad0, *, glm: bool) -> None:
    """Warn that a MAP is empty (every coefficient exactly 0), with the threshold of the prior scale.

    The one home of this warning (:func:`map_estimate` calls it for the linear model and the GLMs;
    the estimators and specs reach it through there). ``grad0`` is the gradient of the data-fit
    term at ``beta = 0`` in the units of ``penalty`` (per-coefficient weights included); zero is
    the MAP exactly when ``|grad0_j| <= alpha_l1 w_j`` for every ``j`` (the L2 part has no
    gradient at 0), so ``alpha_max / alpha = max_j |grad0_j| / (alpha_l1 w_j) = r <= 1`` and every
    scale of a Laplace prior (``alpha_l1`` proportional to ``1/b``) must grow by more than ``1/r``
    for a coefficient to leave 0. When ``r = 0`` (no penalised column moves the fit at 0: constant
    columns, or none correlated with the target) the MAP is 0 at every scale and nothing is said.
    """
    from ._warnings import warn
    from .exceptions import EmptyMAPWarning

    w = penalty.weight_vector
    w = np.ones(len(grad0)) if w is None else np.asarray(w)
    a1 = penalty.alpha_l1
    pen = w > 0
    r = float(np.max(np.abs(grad0[pen]) / (a1 * w[pen]))) if pen.any() else 0.0
    n_coef = len(grad0)
    if not r > 0:
        # no penalised column moves the fit at beta = 0 (constant columns, or none correlated with the
        # target): the MAP is 0 at every prior scale, which is the data's answer, not the prior's
        return
    scale = getattr(prior, "scale", None)
    if type(prior).__name__ == "Laplace" and np.ndim(scale) == 0:
        what = f"the prior scale b={float(scale):.6g} is at or below b_min={float(scale) / r:.6g}"
    elif type(prior).__name__ == "ParkCasella":
        what = f"the prior's lam={prior.lam:.6g} is at or above lam_max={prior.lam * r:.6g}"
    else:
        what = f"every scale of {type(prior).__name__} would have to grow by more than a factor {1 / r:.6g}"
    why = (f"{what} (the penalty alpha={a1:.6g} is at or above alpha_max={a1 * r:.6g}, where every coefficient "
           "becomes 0)")
    fix = ("a larger prior scale, or the estimator's default prior (BayesianLogisticRegression() / "
           "BayesianPoissonRegressor() with prior=None: a scale set from the data)") if glm else (
        "a larger prior scale, one chosen from the data by bayesreg.choose_prior_scale(X, y, 'laplace') (or "
        "'gaussian'), or BayesianRegression() with prior=None (a scale set from the data)")
    warn(f"the MAP is empty (all {n_coef} coefficients exactly 0): {why}; for a non-empty model use {fix}",
                EmptyMAPWarning)


def _glm_map(X, y, prior, sigma, fam, trials, fit_intercept, standardize, feature_names, tol, max_iter,
             b0_prior=None) -> MAPResult:  # fmt: skip
    """The exact MAP of a GLM: the prior's penalty at sigma = 1, by the penalised GLM solver.

    A normal intercept prior is the solver's own (``glm_fit(intercept_prior=...)``): the working
    model only rescales columns (:func:`bayesreg.design.reweight`; no centring), so its intercept
    is ``b0`` itself.
    """
    from .families import check_glm_arguments
    from .mapping import prior_to_penalty
    from .solvers.glm import glm_fit

    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize,
                        family=fam, trials=trials)  # fmt: skip
    check_glm_arguments(data, prior, "default" if sigma is _REQUIRED else sigma)
    n = data.n
    prior.check_size(data.p)
    why = prior.data_obstacle(data)
    if why is not None:
        raise ValueError(why)
    # the negative log prior divided by n is the penalty of the mean loss: prior_to_penalty at sigma = 1
    pen = prior_to_penalty(prior, sigma=1.0, n_samples=n)
    # per-coefficient scales: the common-scale prior on rescaled columns (design.reweight; standardize too)
    common, factors = prior.split()
    rw = reweight(data, np.ones(data.p) if factors is None else factors)
    inner = prior_to_penalty(common, sigma=1.0, n_samples=n)
    ip = None if b0_prior is None else (b0_prior.mu, b0_prior.scale)
    try:
        res = glm_fit(rw.working.X, data.y, data.family, n * inner.alpha_l1, n * inner.alpha_l2,
                      fit_intercept=data.fit_intercept, trials=data.trials, tol=tol, max_iter=max_iter,
                      intercept_prior=ip)  # fmt: skip
    except ValueError as e:
        if inner.alpha_l1 == 0.0 and inner.alpha_l2 == 0.0:  # Flat(): the maximum-likelihood fit does not exist
            raise ValueError(f"prior={prior!r}: {e}".replace("Give a proper prior (l1 > 0 or l2 > 0)",
                             "Give the coefficients a proper prior (Gaussian(tau), Laplace(b))")) from None
        raise
    coef, intercept = rw.coef(res.coef, res.intercept)
    if coef.size and not np.any(coef) and inner.alpha_l1 > 0:
        # the gradient of the mean loss at the null model (intercept only, or eta = 0), on the working columns
        fam = data.family
        eta0 = np.full(n, fam.null_eta(data.y, data.trials) if data.fit_intercept else 0.0)
        g = np.asarray(rw.working.X).T @ fam.gradient(data.y, eta0, data.trials) / n
        warn_empty_map(prior, inner, g, glm=True)
    return MAPResult(
        coef=coef,
        intercept=float(intercept),
        sigma=float("nan"),
        penalty=pen,
        objective=float(res.objective) / n,
        gap=float(res.gap) / n,
        converged=bool(res.converged),
        n_iter=int(res.n_iter),
        n_alternations=0,
        feature_names=list(data.feature_names),
        family=data.family.name,
    )


def _map_estimate(data: ModelData, prior, noise: Noise, tol, max_iter, sigma_tol, max_alternations) -> MAPResult:
    from .penalties import L2

    n = data.n
    s = data.x_scale
    if data.X is not None and not data.standardize:
        source = (data.X, data.y)
    elif data.X is not None and data.stats_deferred:
        # p >= n: the solvers work on the (standardised) rows; no (p + 1)^2 Gram is formed
        source = (data.X / s, data.y)
    else:
        source = (data.scaled_stats(), None)
    fi = data.fit_intercept

    if noise.fixed:
        coef, gap, n_iter, conv, pen = _solve_beta(source, prior, noise.value, n, fi, tol, max_iter, None)
        sig, n_alt = noise.value, 0
    else:
        sig = math.sqrt(data.y_var) if data.y_var > 0 else 1.0
        coef = None
        n_iter, conv = 0, False
        for n_alt in range(1, max_alternations + 1):
            coef, gap, it, ok, pen = _solve_beta(source, prior, sig, n, fi, tol, max_iter, coef)
            n_iter += it
            new = noise.modal_sigma(data.rss(coef), n, *prior.sigma_terms(coef / s))
            _check_not_collapsed(new, data, noise, prior)
            done = abs(new - sig) <= sigma_tol * sig
            sig = new
            if done:
                conv = ok
                break
        # one last solve at the settled sigma, so coef is the exact MAP at the reported sigma
        coef, gap, it, ok, pen = _solve_beta(source, prior, sig, n, fi, tol, max_iter, coef)
        n_iter += it
        conv = conv and ok
    objective = data.rss(coef) / (2.0 * n) + pen.value(coef)
    coef_orig = coef / s
    intercept = float(data.y_offset - data.x_offset @ coef_orig) if fi else 0.0
    return MAPResult(
        coef=np.array(coef_orig),
        intercept=intercept,
        sigma=float(sig),
        penalty=pen,
        objective=float(objective),
        gap=float(gap) if not isinstance(pen, L2) else 0.0,
        converged=bool(conv),
        n_iter=int(n_iter),
        n_alternations=int(n_alt),
        feature_names=list(data.feature_names),
    )


# --------------------------------------------------------------------------------------------
# find_MAP
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FindMAPResult:
    """What ``pm.find_MAP`` found, as named arrays, with the optimiser's diagnostics.

    Attributes
    ----------
    values : dict of str -> ndarray
        Every model variable at the optimum (free and deterministic, constrained scale).
    coef : ndarray of shape (p,)
        ``values["beta"]``.
    intercept : float
    sigma : float
        Modal or fixed sigma.
    method : str
        SciPy method used.
    success : bool
        SciPy's success flag.
    message : str
        SciPy's message.
    n_iter, n_eval : int
        Optimiser iterations and function evaluations.
    logp : float
        Log posterior (without Jacobians) at the optimum, as the optimiser saw it.
    feature_names : list of str
    """

    values: dict
    coef: np.ndarray
    intercept: float
    sigma: float
    method: str
    success: bool
    message: str
    n_iter: int
    n_eval: int
    logp: float
    feature_names: list = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"FindMAPResult(method={self.method!r}, success={self.success}, coef={_fmt_coef(self.coef)}, "
            f"intercept={self.intercept:.6g}, sigma={self.sigma:.6g}, logp={self.logp:.8g}, n_iter={self.n_iter}, "
            f"n_eval={self.n_eval}, message={self.message!r})"
        )


def find_map(
    model,
    *,
    method: str = "L-BFGS-B",
    polish: bool = True,
    maxeval: int = 50_000,
    start=None,
    options=None,
    seed=None,
):
    """Run ``pm.find_MAP`` on a model from :func:`bayesreg.build_model`; named arrays and diagnostics.

    Gradient methods stall near the kinks of an L1 posterior: at a coefficient whose mode is
    exactly zero the gradient jumps, the line searches shrink, and L-BFGS-B with SciPy's default
    tolerances stops with relative objective errors of 1e-4 to 1e-2 and coefficient errors of
    several percent (measured in ``benchmarks/results/map.md``). Tighter tolerances alone help a
    little; BFGS and CG are worse. Powell's derivative-free direction search is not misled by
    the kink. The default is therefore two stages: L-BFGS-B with tight tolerances (``maxcor=30``,
    ``ftol=1e-12``, ``gtol=1e-9``) to get close cheaply, then ``polish``: Powell
    (``xtol=1e-12``, ``ftol=1e-15``) started there. Coefficients whose mode is zero still come out
    as small numbers, not zeros (use :func:`map_estimate` for exact zeros).

    Parameters
    ----------
    model : pymc.Model
        From :func:`bayesreg.build_model` (any PyMC model works; ``coef``/``sigma`` are then read
        from variables named ``beta``/``sigma`` when present).
    method : str, default="L-BFGS-B"
        ``scipy.optimize.minimize`` method of the first stage.
    polish : bool, default=True
        Run Powell from the first stage's optimum.
    maxeval : int, default=50000
        Largest number of posterior evaluations per stage.
    start : dict, optional
        Starting point (default: the model's initial point).
    options : dict, optional
        ``scipy.optimize.minimize`` options of the first stage, replacing the defaults above.
    seed : int, optional
        Seed of the initial point (used only by jittered initial points).

    Returns
    -------
    FindMAPResult

    Raises
    ------
    ValueError
        For a model of :func:`bayesreg.build_model` whose joint mode does not exist (beta can
        interpolate ``y`` and nothing keeps sigma from 0; the rule of :func:`map_estimate`),
        before anything compiles, and when the optimum's sigma fell to rounding level.
    """
    from ._upstream import run_find_map

    maxeval = check_scalar(maxeval, "maxeval", lower=1, integer=True)
    method = _check_find_map_method(method)
    options = _check_find_map_options(options, method)
    start = _check_find_map_start(model, start)
    spec = getattr(model, "bayesreg_spec", None)
    if spec is not None and spec.noise is not None:
        # the same rule as map_estimate: no joint mode when beta can interpolate y (before anything compiles)
        d = spec.data
        obstacle = interpolation_obstacle(spec.noise, spec.prior, d.n, d.p, d.fit_intercept, target="mode")
        if obstacle is not None:
            raise ValueError(obstacle)
    values, raw = run_find_map(model, start=start, method=method, maxeval=maxeval, seed=seed, options=options)
    methods = [str(method)]
    n_iter = int(getattr(raw, "nit", 0) or 0) if raw is not None else 0
    n_eval = int(getattr(raw, "nfev", 0) or 0) if raw is not None else maxeval
    success = bool(getattr(raw, "success", False))
    message = str(getattr(raw, "message", "stopped at maxeval"))
    if polish:
        # Powell from the first stage's optimum, restarted (a fresh direction set) while it still
        # improves: on a kinked objective with tens of coordinates one Powell run can stall along
        # directions it built early (measured: L1 logistic on 30 standardised features, one run
        # 2e-2 from the MAP, the restart 2e-7); at most POWELL_RESTARTS runs
        free = {rv.name for rv in model.free_RVs}
        methods.append("Powell")
        best = -np.inf if raw is None or getattr(raw, "fun", None) is None else -float(raw.fun)
        for _ in range(POWELL_RESTARTS):
            start2 = {k: v for k, v in values.items() if k in free}
            values2, raw2 = run_find_map(
                model, start=start2, method="Powell", maxeval=maxeval, seed=seed, options=_default_options("powell")
            )
            n_iter += int(getattr(raw2, "nit", 0) or 0) if raw2 is not None else 0
            n_eval += int(getattr(raw2, "nfev", 0) or 0) if raw2 is not None else maxeval
            new = -float(raw2.fun) if raw2 is not None and getattr(raw2, "fun", None) is not None else -np.inf
            if new < best:  # never keep a worse point
                break
            values, raw = values2, raw2
            improved = new - best > 1e-12 * max(abs(new), 1.0)
            best = new
            if not improved:
                break
        success = bool(getattr(raw, "success", False))
        message = str(getattr(raw, "message", "stopped at maxeval")) if raw is not None else "stopped at maxeval"
    coef = values.get("beta", np.array([]))
    intercept = float(values["intercept"]) if "intercept" in values else 0.0
    if "sigma" in values:
        sigma = float(values["sigma"])
    elif spec is not None and spec.sigma_fixed:
        sigma = float(spec.noise.value)
    else:
        sigma = float("nan")
    if spec is not None and spec.noise is not None and not spec.noise.fixed:
        _check_not_collapsed(sigma, spec.data, spec.noise, spec.prior)
        note = held_by_prior_note(spec.noise, spec.prior, sigma, _y_sd(spec.data), spec.data.n, spec.data.p,
                                  spec.data.fit_intercept)  # fmt: skip
        if note is not None:
            from ._warnings import warn
            from .exceptions import PriorDominatedWarning

            warn(note, PriorDominatedWarning)
    logp = -float(raw.fun) if raw is not None and getattr(raw, "fun", None) is not None else float("nan")
    names = list(spec.data.feature_names) if spec is not None else [f"x{j}" for j in range(np.size(coef))]
    return FindMAPResult(
        values=values,
        coef=np.array(coef),
        intercept=intercept,
        sigma=sigma,
        method="+".join(methods),
        success=success,
        message=message,
        n_iter=n_iter,
        n_eval=n_eval,
        logp=logp,
        feature_names=names,
    )


POWELL_RESTARTS = 5  # Powell polishing runs at most (each restarts its direction set)

# scipy.optimize.minimize methods that need no Hessian (find_MAP gives the gradient only)
FIND_MAP_METHODS = ("L-BFGS-B", "BFGS", "CG", "Powell", "Nelder-Mead", "TNC", "SLSQP", "COBYLA", "trust-constr")


def _check_find_map_method(method) -> str:
    """The method, by its SciPy spelling, or one error listing those that work."""
    names = {m.lower(): m for m in FIND_MAP_METHODS}
    if not isinstance(method, str) or method.lower() not in names:
        raise ValueError(f"method must be one of {', '.join(FIND_MAP_METHODS)} (case does not matter), got {method!r}")
    return names[method.lower()]


def _check_find_map_options(options, method: str) -> dict:
    """The first stage's ``scipy.optimize.minimize`` options: a dict with string keys."""
    if options is None:
        return _default_options(method)
    if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
        raise ValueError(
            "options must be a dict of scipy.optimize.minimize options with string keys (e.g. {'maxiter': 1000}), "
            f"got {type(options).__name__}"
        )
    return dict(options)


def _check_find_map_start(model, start):
    """Check the model and a starting point against its free variables, before anything compiles."""
    from ._upstream import free_variable_shapes

    shapes = free_variable_shapes(model)
    if start is None:
        return None
    if not isinstance(start, dict):
        raise ValueError(f"start must be a dict {{variable name: value}}, got {type(start).__name__}")
    out = {}
    for name, value in start.items():
        if name not in shapes:
            raise ValueError(f"start names {name!r}, which is not a free variable of the model ({', '.join(shapes)})")
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"start[{name!r}] must be numeric, got {type(value).__name__}") from None
        if arr.shape != shapes[name]:
            raise ValueError(f"start[{name!r}] has shape {arr.shape}; the variable {name!r} has shape {shapes[name]}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"start[{name!r}] must be finite")
        out[name] = arr
    return out


def _default_options(method: str) -> dict:
    m = str(method).lower()
    if m == "l-bfgs-b":
        return {"maxiter": 50_000, "maxcor": 30, "ftol": 1e-12, "gtol": 1e-9}
    if m == "bfgs":
        return {"maxiter": 50_000, "gtol": 1e-10}
    if m == "powell":
        return {"maxiter": 200_000, "xtol": 1e-12, "ftol": 1e-15}
    return {}


# --------------------------------------------------------------------------------------------
# posterior sampling
# --------------------------------------------------------------------------------------------


def sample_posterior(
    X,
    y=None,
    prior=None,
    *,
    sigma="default",
    sampler: str = "auto",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    cores: int | None = None,
    random_seed=None,
    progressbar: bool = True,
    fit_intercept: bool = True,
    feature_names=None,
    standardize: bool = False,
    likelihood: str | None = None,
    log_likelihood: bool | str | None = "auto",
    posterior_predictive: bool = False,
    target_accept: float = 0.9,
    check: bool = True,
    family=None,
    trials=None,
    intercept_prior=None,
    **sample_kwargs,
):
    r"""Sample the posterior of the Bayesian linear model; return its posterior container.

    Parameters
    ----------
    X : array_like of shape (n, p), DataFrame, or SufficientStats
        Design matrix (DataFrame columns become ``feature`` coordinates), or its sufficient
        statistics with ``y`` omitted (then the groups that need rows are left out).
    y : array_like of shape (n,), optional
    prior : Laplace, ParkCasella, Gaussian, Flat, ElasticNetPrior, Horseshoe, RegularizedHorseshoe or R2D2
        Prior on the coefficients. ``sampler="auto"`` takes the exact posterior where it exists
        (Gaussian or Flat, sigma fixed), the Gibbs samplers where one exists (every prior here but
        R2D2; the Polya-Gamma sampler for logistic and binomial models with Gaussian, Laplace and
        Horseshoe priors), NUTS otherwise (R2D2 always).
    sigma : float, "estimate", "default", "jeffreys", "flat", None, InverseGammaPrior or SigmaPrior, default="default"
        As in :func:`bayesreg.build_model` (the vocabulary of :mod:`bayesreg.noise`).
    sampler : {"auto", "exact", "gibbs", "nuts", "nutpie"} or bayesreg.sampling.Sampler, default="auto"
        ``"exact"``: independent draws from the closed-form posterior (Gaussian prior, fixed tau
        and sigma); ``"gibbs"``: the conditionally conjugate samplers of :mod:`bayesreg.samplers`
        (Gaussian, Park-Casella and Laplace, horseshoe priors); ``"nuts"``: PyMC's NUTS;
        ``"nutpie"``: nutpie's NUTS on the same PyMC model (needs ``pip install nutpie``);
        ``"auto"``: exact where it exists, else Gibbs where it applies, else NUTS (elastic-net
        prior, ``standardize=True``, ``likelihood=`` or ``pm.sample`` keywords given). See
        :func:`bayesreg.sampling.resolve_sampler`.
    draws, tune, chains : int
        Draws kept per chain, tuning (burn-in) iterations per chain, number of chains (>= 1).
    cores : int, optional
        Chains run in parallel (default: PyMC's / the Gibbs sampler's choice).
    random_seed : int, optional
        The same seed gives the same draws.
    progressbar : bool, default=True
    fit_intercept, feature_names, standardize
        As in :func:`bayesreg.build_model`.
    likelihood : {"normal", "suffstats"}, optional
        NUTS only. Default: ``"suffstats"`` (O(p^2) per gradient) when ``n > p``, else ``"normal"``.
    log_likelihood : {"auto", True, False}, default="auto"
        Add the ``log_likelihood`` group (pointwise ``y``, for ``az.loo``/``az.compare``); needs rows.
        ``"auto"`` (or None): added when rows are given and ``n x chains x draws`` is at most
        :data:`bayesreg._posterior.LOG_LIKELIHOOD_AUTO_MAX` (25 million values, 200 MB); above
        that it is left out, ``posterior.posterior.attrs["log_likelihood"]`` says so, and
        :func:`bayesreg.add_log_likelihood` adds it (``az.loo(bayesreg.add_log_likelihood(post))``).
        ``True``: always (asking for it with a SufficientStats is an error).
    posterior_predictive : bool, default=False
        Add the ``posterior_predictive`` group (replicated ``y``); needs rows.
    target_accept : float, default=0.9
        NUTS step-size adaptation target (higher for fewer divergences).
    check : bool, default=True
        Warn (:class:`~bayesreg.SamplingWarning`) on divergences, R-hat > 1.01 and low ESS
        (:func:`bayesreg.diagnostics.check_sampling`). The diagnostics are stored in
        ``posterior.attrs`` whether or not ``check`` is set.
    family : {"gaussian", "bernoulli", "binomial", "poisson"}, optional
        The likelihood (:mod:`bayesreg.families`; default Gaussian, or a prepared ModelData's).
        For logistic and binomial regression ``sampler="auto"`` is the Polya-Gamma Gibbs
        sampler (Gaussian, Laplace and horseshoe priors), else NUTS; Poisson regression is
        sampled by NUTS. A GLM has no ``sigma`` (leave it at its default).
    trials : int or array_like, optional
        Binomial trials per row.
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`N(\mu, s^2)` on the intercept instead of the flat one, in every
        sampler: the exact posterior (one more Gaussian term), Gibbs (the intercept is drawn from
        its conditional in each sweep) and NUTS (a ``pm.Potential``); not the Polya-Gamma Gibbs
        sampler of a GLM.
    **sample_kwargs
        Passed to ``pm.sample`` (NUTS only).

    Returns
    -------
    arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
        ``posterior`` (``beta`` [chain, draw, feature], ``intercept``, ``sigma`` when not fixed,
        hyperparameters ``lam``/``tau``/``lam_local`` by name), ``sample_stats``, and with rows
        ``observed_data`` (``y``), ``constant_data`` (``X``), ``log_likelihood`` (``y``) and on
        request ``posterior_predictive`` (``y``).
    """
    from .intercept import parse_intercept_prior
    from .sampling import resolve_sampler

    check_prior(prior)
    b0_prior = parse_intercept_prior(intercept_prior, fit_intercept)
    draws = check_scalar(draws, "draws", lower=1, integer=True)
    chains = check_scalar(chains, "chains", lower=1, integer=True)
    if log_likelihood is True:
        require_rows(X, "log_likelihood=True (the pointwise log-likelihood)")
    if posterior_predictive:
        require_rows(X, "posterior_predictive=True")
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize,
                        family=family, trials=trials)  # fmt: skip
    prior = prior.resolve(data.n, data.p)  # settings that depend on the data's size (RegularizedHorseshoe's p0)
    if log_likelihood is None:
        log_likelihood = "auto"
    resolve_log_likelihood(log_likelihood, n=data.n if data.X is not None else None, chains=chains, draws=draws)
    if data.is_gaussian:
        noise = parse_sigma(sigma).resolve(data.y_var, data.X, data.y)
    else:
        from .families import check_glm_arguments

        check_glm_arguments(data, prior, sigma)
        noise = None
    why = prior.data_obstacle(data, None if noise is None or noise.fixed else noise)
    if why is not None:
        raise ValueError(why)
    chosen = resolve_sampler(sampler, prior, noise, data, tune=tune, target_accept=target_accept, cores=cores,
                             likelihood=likelihood, options=sample_kwargs)  # fmt: skip
    idata = chosen.run(data, prior, noise, draws=draws, chains=chains, random_seed=random_seed,
                       progressbar=progressbar, log_likelihood=log_likelihood,
                       posterior_predictive=posterior_predictive, check=check, intercept_prior=b0_prior)  # fmt: skip
    if check and not data.standardize:
        warn_if_posterior_is_prior(idata, prior, data.p)
    return idata


# The posterior is called "the prior" when the data moved no coefficient: each posterior sd within
# POSTERIOR_IS_PRIOR_SD of the prior's and each posterior mean within POSTERIOR_IS_PRIOR_MEAN prior sds
# of 0. The Monte Carlo error of a sd from N draws is sqrt((kurtosis - 1) / (4 N)) relative: 2.5% for a
# Laplace (kurtosis 6) at N = 2000, so a 10% band is 4 standard errors (a 5% band missed a Laplace prior
# sampled by Gibbs, min ratio 0.949); a mean's error is 1 / sqrt(N) = 2.2% of the sd there.
POSTERIOR_IS_PRIOR_SD = 0.1
POSTERIOR_IS_PRIOR_MEAN = 0.2


def warn_if_posterior_is_prior(idata, prior, p: int) -> bool:
    """Warn (PriorDominatedWarning) when every coefficient's posterior is its prior; return whether it did.

    Only for priors with a fixed prior sd per coefficient (:meth:`bayesreg.priors.Prior.coefficient_sd`:
    Laplace ``sqrt(2) b``, Gaussian ``tau``); unpenalised coefficients are left out.
    """
    sd0 = prior.coefficient_sd(p)
    if sd0 is None:
        return False
    on = np.isfinite(sd0)
    if not on.any():
        return False
    beta = np.asarray(idata.posterior["beta"].values, dtype=np.float64).reshape(-1, p)[:, on]
    ratio = beta.std(axis=0) / sd0[on]
    shift = np.abs(beta.mean(axis=0)) / sd0[on]
    if np.all(np.abs(ratio - 1.0) <= POSTERIOR_IS_PRIOR_SD) and np.all(shift <= POSTERIOR_IS_PRIOR_MEAN):
        from ._warnings import warn
        from .exceptions import PriorDominatedWarning

        warn(f"the posterior is the prior: every coefficient's posterior sd is within "
             f"{POSTERIOR_IS_PRIOR_SD:.0%} of its prior sd (ratios {ratio.min():.3f}..{ratio.max():.3f}) and every "
             f"posterior mean within {POSTERIOR_IS_PRIOR_MEAN} prior sds of 0 (largest {shift.max():.3f}): at this "
             f"prior scale the data move no coefficient. A larger scale lets them (bayesreg.choose_prior_scale "
             "chooses one from the data)", PriorDominatedWarning)  # fmt: skip
        return True
    return False
