r"""PyMC model builders for the Bayesian linear model: build only, never sample.

Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I_n)`, a flat
prior on the intercept :math:`b_0` (an unpenalised intercept), and a prior on :math:`\beta`:

========================  ==================================================================
``Laplace(b)``            :math:`\beta_j \sim \mathrm{Laplace}(0, b)`
``ParkCasella(lam)``      :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`;
                          ``lam2_prior=GammaPrior(r, d)`` puts Gamma(r, d) on :math:`\lambda^2`
``Gaussian(tau)``         :math:`\beta_j \sim N(0, \tau^2)`; ``tau2_prior`` inverse-gamma on
                          :math:`\tau^2`
``ElasticNetPrior(b, t)`` :math:`p(\beta_j) \propto e^{-|\beta_j|/b - \beta_j^2/(2t^2)}`
``Horseshoe(s)``          :math:`\beta_j \sim N(0, \lambda_j^2\tau^2\sigma^2)`,
                          :math:`\lambda_j \sim C^+(0, 1)`, :math:`\tau \sim C^+(0, s)`
========================  ==================================================================

**Generalised linear models** (``family="bernoulli" | "binomial" | "poisson"``): the same priors
and flat intercept on the linear predictor :math:`\eta = b_0 + X\beta`, with
:math:`y_i \sim \mathrm{Bernoulli}(\mathrm{logit}^{-1}\eta_i)`,
:math:`\mathrm{Binomial}(m_i, \mathrm{logit}^{-1}\eta_i)` or :math:`\mathrm{Poisson}(e^{\eta_i})`
(the family's PyMC form, :meth:`bayesreg.families.Family.to_pymc`). There is no noise scale:
the horseshoe is :math:`\beta_j \sim N(0, \lambda_j^2\tau^2)` and ``ParkCasella`` (defined
through sigma) is refused.

The noise scale ``sigma`` is fixed (a positive number: the setting in which the MAP is exactly
the penalised fit, or ``"estimate"``: a plug-in value) or has a prior: ``"jeffreys"`` or ``None``
(:math:`p(\sigma) \propto 1/\sigma`, i.e. :math:`p(\sigma^2) \propto 1/\sigma^2`), an
:class:`~bayesreg.InverseGammaPrior` on :math:`\sigma^2`, a prior on :math:`\sigma` itself
(:class:`~bayesreg.HalfNormal`, :class:`~bayesreg.HalfCauchy`, :class:`~bayesreg.HalfStudentT`,
:class:`~bayesreg.Exponential`, :class:`~bayesreg.Uniform`), or ``"default"``: the inverse-gamma
prior of :func:`~bayesreg.noise.default_sigma_prior`, scaled to the data. The vocabulary and what follows from
it live in :mod:`bayesreg.noise`. With a prior, the free variable is ``sigma`` itself (its prior density is
written on the sigma scale, the Jacobian of :math:`\sigma \mapsto \sigma^2` included), so a
mode found by ``find_map`` is a mode in sigma.

Named variables (the same names as the Gibbs samplers'): ``beta`` (dims ``feature``),
``intercept``, ``sigma``, ``lam`` (Park-Casella with a hyperprior; free variable ``lam2``),
``tau`` (Gaussian with a hyperprior, free ``tau2``; horseshoe global scale), ``lam_local``
(horseshoe local scales, dims ``feature``). Internal free variables: ``intercept_c`` (the
intercept of the centred design, :math:`b_0 + \bar x^T\beta`: a flat prior on either is the same
prior, and the centred one decorrelates the intercept from ``beta`` for NUTS), ``beta_std``
(with ``standardize=True``) and ``beta_z`` (horseshoe, non-centred).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_choice
from ._warnings import warn
from .design import prepare_data as _prepare_data
from .families import check_glm_arguments as _check_glm_arguments
from .intercept import parse_intercept_prior as _parse_intercept_prior
from .noise import Noise, parse_sigma
from .priors import check_prior as _check_prior

if TYPE_CHECKING:
    from .design import ModelData
    from .intercept import NormalIntercept

__all__ = ["build_model", "build_resolved", "BuiltModel"]

_LIKELIHOODS = ("normal", "suffstats")
_LOG2PI = float(np.log(2.0 * np.pi))

#: Names this module used to hold or re-export, and their homes: still importable from here, with a
#: DeprecationWarning (import them from their home).
_MOVED = {
    "prepare_data": "bayesreg.design",
    "ModelData": "bayesreg.design",
    "default_sigma_prior": "bayesreg.noise",
    "check_prior": "bayesreg.priors",
    "check_glm_arguments": "bayesreg.families",
    "NormalIntercept": "bayesreg.intercept",
    "parse_intercept_prior": "bayesreg.intercept",
}


def __getattr__(name: str):
    if name in _MOVED:
        home = _MOVED[name]
        warn(f"bayesreg.models.{name} has moved: import it from {home}", DeprecationWarning)
        return getattr(importlib.import_module(home), name)
    raise AttributeError(f"module 'bayesreg.models' has no attribute {name!r}")


@dataclass(frozen=True, eq=False)
class BuiltModel:
    """What :func:`build_model` built, attached to the model as ``model.bayesreg_spec``."""

    data: ModelData
    prior: object
    noise: Noise | None
    likelihood: str
    intercept_prior: NormalIntercept | None = None

    @property
    def sigma(self):
        """The resolved sigma: the fixed number, ``"jeffreys"`` or the InverseGammaPrior (None for a GLM)."""
        return None if self.noise is None else self.noise.argument

    @property
    def sigma_fixed(self) -> bool:
        """Whether sigma is a fixed number (False for a GLM, which has none)."""
        return self.noise is not None and self.noise.fixed


def build_model(
    X,
    y=None,
    prior=None,
    *,
    sigma="default",
    fit_intercept: bool = True,
    feature_names=None,
    standardize: bool = False,
    likelihood: str | None = None,
    family=None,
    trials=None,
    intercept_prior=None,
):
    r"""Build (never sample) the PyMC model of a Bayesian linear regression or GLM.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas.DataFrame, or SufficientStats
        Design matrix (DataFrame columns become the ``feature`` coordinates), or its sufficient
        statistics with ``y`` omitted (then only ``likelihood="suffstats"`` is possible).
    y : array_like of shape (n,), optional
        Target.
    prior : Laplace, ParkCasella, Gaussian, Flat, ElasticNetPrior, Horseshoe, RegularizedHorseshoe or R2D2
        Prior on the coefficients (see the module docstring for each model; ``Flat()``: ``pm.Flat``).
    sigma : float, "estimate", "default", "jeffreys", "flat", None, InverseGammaPrior or SigmaPrior, default="default"
        Noise standard deviation: fixed (a positive number, or ``"estimate"``: a plug-in value from
        the rows) or its prior. ``"default"`` is :func:`~bayesreg.noise.default_sigma_prior`, scaled to ``var(y)``;
        ``"jeffreys"`` or ``None``: :math:`p(\sigma) \propto 1/\sigma`; ``"flat"``:
        :math:`p(\sigma) \propto 1`; an
        :class:`~bayesreg.InverseGammaPrior` is a prior on :math:`\sigma^2`; a
        :class:`~bayesreg.noise.SigmaPrior` (``HalfNormal``, ``HalfCauchy``, ``HalfStudentT``,
        ``Exponential``, ``Uniform``) a prior on :math:`\sigma` (see :mod:`bayesreg.noise`).
    fit_intercept : bool, default=True
        Include an intercept with a flat prior (the unpenalised intercept of the penalised fit).
    feature_names : sequence of str, optional
        Names for the ``feature`` coordinate; unique, one per column.
    standardize : bool, default=False
        Put the prior on the coefficients of the standardised columns
        :math:`z_j = (x_j - \bar x_j)/s_j` (population sd :math:`s_j`), as Bambi and rstanarm
        scale their default priors to the data; ``beta`` and ``intercept`` are still reported
        on the original scale (``beta = beta_std / s``). What it does to the mapping: a
        Laplace(b) prior on :math:`s_j\beta_j` is a Laplace(:math:`b/s_j`) prior on
        :math:`\beta_j`, so the MAP is the Lasso **on the standardised columns** with the same
        ``alpha = sigma^2 / (n b)`` (equivalently a weighted Lasso on the original columns with
        weights :math:`s_j`); likewise Ridge on standardised columns with ``alpha = sigma^2/tau^2``.
        scikit-learn's ``Lasso``/``Ridge`` on raw columns then no longer gives the MAP; fit them
        on ``StandardScaler``-ed columns and divide the coefficients by :math:`s_j`.
    likelihood : {"normal", "suffstats"}, optional
        ``"normal"``: the usual per-observation Gaussian likelihood ``y`` (O(np) per gradient).
        ``"suffstats"``: the same log-likelihood written from the sufficient statistics
        (a ``pm.Potential`` named ``y_loglik``)

        .. math::

            -\tfrac n2\log(2\pi\sigma^2) - \tfrac{1}{2\sigma^2}\big(y_c^Ty_c - 2\beta^TX_c^Ty_c
            + \beta^TX_c^TX_c\beta + n(\bar y - b_0 - \bar x^T\beta)^2\big),

        exactly the same function of ``(beta, intercept, sigma)`` (the cross terms vanish because
        centred columns sum to zero), at O(p^2) per gradient. Default: ``"normal"`` for arrays,
        ``"suffstats"`` for a SufficientStats. (GLMs: the rows' likelihood only.)
    family : {"gaussian", "bernoulli", "binomial", "poisson"}, optional
        The likelihood (:mod:`bayesreg.families`; default Gaussian, or a prepared ModelData's);
        the others have no ``sigma`` (leave it at its default).
    trials : int or array_like, optional
        Binomial trials per row.
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`N(\mu, s^2)` on the intercept :math:`b_0` (a ``pm.Potential``
        named ``intercept_prior``); default flat.

    Returns
    -------
    pymc.Model
        With coords ``feature`` (and ``obs`` when the rows are given); the validated inputs are
        kept in ``model.bayesreg_spec``.

    Raises
    ------
    TypeError, ValueError
        For bad data, a prior of the wrong type, ``sigma <= 0``, bad ``feature_names``; raised
        before PyMC is imported.
    """
    _check_prior(prior)
    b0_prior = _parse_intercept_prior(intercept_prior, fit_intercept)
    data = _prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, standardize=standardize,
                        family=family, trials=trials)  # fmt: skip
    prior = prior.resolve(data.n, data.p)  # settings that depend on the data's size (RegularizedHorseshoe's p0)
    if not data.is_gaussian:
        _check_glm_arguments(data, prior, sigma)
        check_choice(likelihood or "normal", "likelihood", ("normal",))
        return build_resolved(BuiltModel(data=data, prior=prior, noise=None, likelihood="normal",
                                         intercept_prior=b0_prior))  # fmt: skip
    sigma_spec = parse_sigma(sigma)
    if likelihood is None:
        likelihood = "normal" if data.X is not None else "suffstats"
    check_choice(likelihood, "likelihood", _LIKELIHOODS)
    if likelihood == "normal" and data.X is None:
        raise ValueError("likelihood='normal' needs the rows (X, y); a SufficientStats allows 'suffstats' only")
    noise = sigma_spec.resolve(data.y_var, data.X, data.y)
    return build_resolved(BuiltModel(data=data, prior=prior, noise=noise, likelihood=likelihood,
                                     intercept_prior=b0_prior))  # fmt: skip


def build_resolved(spec: BuiltModel):
    """Build the PyMC model of inputs already validated and resolved (the data prepared, the prior resolved).

    :func:`build_model` calls it after checking the user's arguments; the NUTS samplers
    (:mod:`bayesreg.sampling`) call it on the data, prior and noise model they were given.

    Parameters
    ----------
    spec : BuiltModel
        The prepared data, the resolved prior, the noise model (``None`` for a GLM), the
        likelihood form (``"normal"`` or ``"suffstats"``) and the parsed intercept prior.

    Returns
    -------
    pymc.Model
        With ``model.bayesreg_spec = spec``.
    """
    from ._upstream import import_pymc, import_pytensor_tensor

    pm = import_pymc()
    pt = import_pytensor_tensor()

    data, prior = spec.data, spec.prior
    st = data.stats
    coords = {"feature": list(data.feature_names)}
    if data.X is not None:
        coords["obs"] = np.arange(data.n)
    sd_y = float(np.sqrt(data.y_var)) if data.y_var > 0 else 1.0

    with pm.Model(coords=coords) as model:
        # ---- noise scale (none for a GLM: the priors that scale with it see 1)
        if spec.noise is None:
            sigma = 1.0
        elif spec.noise.fixed:
            sigma = pm.Data("sigma", np.float64(spec.noise.value))
        else:
            # the noise model's own PyMC form: HalfFlat + its density (a Potential), or a bounded variable
            sigma = spec.noise.pymc_sigma(pm, pt, sd_y)

        # ---- coefficients, on the standardised scale when asked (x_scale = 1 otherwise): the
        # prior's own PyMC form (Prior.to_pymc is the only one), its scale tied to sigma where the
        # prior says so (Park-Casella, horseshoe)
        name = "beta_std" if data.standardize else "beta"
        b_raw = prior.to_pymc(name, dims="feature", sigma=sigma)
        if data.standardize:
            beta = pm.Deterministic("beta", b_raw / data.x_scale, dims="feature")
        else:
            beta = b_raw

        # ---- intercept: flat prior on intercept_c = b0 + x_mean @ beta (the centred-design
        # intercept); the map (b0, beta) -> (intercept_c, beta) has unit Jacobian, so a flat
        # prior on either is the same prior.
        x_mean = np.asarray(st.x_mean)
        if data.fit_intercept:
            start = st.y_mean if data.is_gaussian else data.family.null_eta(data.y, data.trials)
            intercept_c = pm.Flat("intercept_c", initval=start)
            b0 = pm.Deterministic("intercept", intercept_c - pt.dot(x_mean, beta))
            if spec.intercept_prior is not None:
                # N(mu, s^2) on b0 itself: a density on (intercept_c, beta) through the unit-Jacobian map
                ip = spec.intercept_prior
                z = (b0 - np.float64(ip.mu)) / np.float64(ip.scale)
                const = np.float64(-math.log(ip.scale) - 0.5 * math.log(2 * math.pi))
                pm.Potential("intercept_prior", const - 0.5 * z**2)
        else:
            intercept_c = pt.dot(x_mean, beta)  # b0 = 0

        # ---- likelihood
        if not data.is_gaussian:
            Xd = pm.Data("X", data.X, dims=("obs", "feature"))
            eta = intercept_c + pt.dot(Xd, beta) - pt.dot(x_mean, beta) if data.fit_intercept else pt.dot(Xd, beta)
            data.family.to_pymc(pm, eta, data.y, data.trials, dims="obs")
        elif spec.likelihood == "normal":
            Xd = pm.Data("X", data.X, dims=("obs", "feature"))
            if data.fit_intercept:
                mu = intercept_c + pt.dot(Xd, beta) - pt.dot(x_mean, beta)
            else:
                mu = pt.dot(Xd, beta)
            pm.Normal("y", mu=mu, sigma=sigma, observed=data.y, dims="obs")
        else:
            xtx = pm.Data("xtx", np.asarray(st.xtx))
            xty = pm.Data("xty", np.asarray(st.xty))
            n = float(st.n)
            # ||y - b0 - X beta||^2 = yc'yc - 2 beta'Xc'yc + beta'Xc'Xc beta + n (ybar - b0 - xbar'beta)^2
            quad = pt.dot(beta, pt.dot(xtx, beta))
            rss = st.yty - 2.0 * pt.dot(beta, xty) + quad + n * (st.y_mean - intercept_c) ** 2
            pm.Potential("y_loglik", -0.5 * n * _LOG2PI - n * pt.log(sigma) - 0.5 * rss / sigma**2)
    model.bayesreg_spec = spec
    return model
