r"""The one place where prior <-> penalty <-> scikit-learn ``alpha`` scalings live.

Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I_n)`,
``sigma`` fixed, a flat prior on the intercept :math:`b_0` (which is what centring X and y
does), and a prior :math:`p(\beta)` with independent coordinates. The negative log posterior is

.. math::

    -\log p(\beta \mid y) = \frac{1}{2\sigma^2}\lVert y - X\beta\rVert^2 - \log p(\beta) + C.

**Laplace(b).** :math:`-\log p(\beta) = \lVert\beta\rVert_1 / b + C`. Multiplying the whole
objective by :math:`\sigma^2/n` (which does not move the minimiser) gives

.. math::

    \frac{1}{2n}\lVert y - X\beta\rVert^2 + \frac{\sigma^2}{n b}\lVert\beta\rVert_1,

scikit-learn's ``Lasso`` objective with :math:`\alpha = \sigma^2/(n b)`.

**Gaussian(tau).** :math:`-\log p(\beta) = \lVert\beta\rVert^2/(2\tau^2) + C`. Multiplying by
:math:`2\sigma^2` gives :math:`\lVert y - X\beta\rVert^2 + (\sigma^2/\tau^2)\lVert\beta\rVert^2`,
scikit-learn's ``Ridge`` objective with :math:`\alpha = \sigma^2/\tau^2` (Ridge has no
:math:`1/(2n)`). In this package's solver convention (``1/(2n)`` data fit and
``alpha/2 ||beta||^2``), the same prior is ``L2(alpha = sigma^2 / (n tau^2))``: multiply by
:math:`\sigma^2/n` instead.

**Both (ElasticNetPrior(b, tau)).** Multiplying by :math:`\sigma^2/n`:
:math:`\alpha\,\rho = \sigma^2/(n b)` and :math:`\alpha(1 - \rho) = \sigma^2/(n\tau^2)`, with
:math:`\rho` scikit-learn's ``l1_ratio``; hence :math:`\alpha = \sigma^2/(n b) + \sigma^2/(n\tau^2)`.

**Park-Casella(lambda).** :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`,
so for fixed sigma :math:`b = \sigma/\lambda` and :math:`\alpha = \sigma\lambda/n`.

**Flat.** :math:`-\log p(\beta) = 0`: no penalty, ``L2(alpha=0)``, the least-squares fit,
scikit-learn's ``LinearRegression`` (for GLMs the unpenalised fit: ``LogisticRegression(C=inf)``,
``PoissonRegressor(alpha=0)``).

**Per-coefficient scales.** ``Laplace([b_1, ..., b_p])`` gives
:math:`\frac{\sigma^2}{n}\sum_j |\beta_j| / b_j`: the weighted lasso ``L1(alpha, weights)`` with
``alpha = sigma^2/(n b)`` at the geometric mean ``b`` of the finite scales and ``weights_j = b/b_j``
(0 for ``b_j = inf``: unpenalised). ``Gaussian([tau_j])`` gives ``L2(alpha = sigma^2/(n tau^2))``
with ``weights_j = tau^2/tau_j^2``. Substituting :math:`\beta_j = c_j\gamma_j`,
:math:`c_j = b_j/b`, turns the weighted problem into the common-weight one on the columns
:math:`c_j x_j` (scikit-learn's ``Lasso`` / ``Ridge`` on rescaled columns: :func:`rescaled_columns`);
an unpenalised coefficient is profiled out as the intercept is (:func:`bayesreg.design.reweight`).

The word ``alpha`` thus means different things in ``Lasso`` and ``Ridge``: this module owns
the difference so users do not have to.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_bool, check_positive, check_scalar
from .penalties import L1, L2, ElasticNet, Penalty
from .priors import SCALE_RANGE, ElasticNetPrior, Flat, Gaussian, Laplace, ParkCasella, Prior, check_scale

__all__ = [
    "lasso_alpha",
    "laplace_scale",
    "ridge_alpha",
    "gaussian_scale",
    "park_casella_alpha",
    "park_casella_lam",
    "prior_to_penalty",
    "penalty_to_prior",
    "to_sklearn",
    "from_sklearn",
    "sklearn_ridge_alpha",
    "rescaled_columns",
]


def _check_common(sigma, n_samples):
    sigma = check_scale(sigma, "sigma")
    n = check_scalar(n_samples, "n_samples", lower=1, integer=True)
    return sigma, n


_TINY = float(np.finfo(np.float64).tiny)
_HUGE = float(np.finfo(np.float64).max)


def _f(x) -> np.float64:
    # NumPy floats: a product out of range becomes 0 or inf (checked below), never an OverflowError
    return np.float64(x)


def _weight(value, what: str, **inputs) -> float:
    """A penalty weight that float64 holds as a normal number, or a ValueError naming the inputs.

    With scales inside :data:`~bayesreg.priors.SCALE_RANGE` every intermediate of the formulas
    here is a normal float, so a weight outside [2.2e-308, 1.8e308] means the exact weight itself
    is not representable: 0 (or a subnormal) would silently drop the penalty, inf would zero beta.
    """
    v = float(value)
    if not _TINY <= v <= _HUGE:
        args = ", ".join(f"{k}={x!r}" for k, x in inputs.items())
        side = "overflows" if v > 1.0 else "underflows"
        raise ValueError(
            f"{what} {side} float64 for {args}: a penalty weight must lie in [{_TINY:.3g}, {_HUGE:.3g}]. The "
            "scales are too far apart for the data's units; bring sigma and the prior scale nearer each other "
            "(a prior scale this large or small is a flat or a point-mass prior in practice)"
        )
    return v


def _scale_result(value, what: str, **inputs) -> float:
    """A prior scale inside :data:`~bayesreg.priors.SCALE_RANGE`, or a ValueError naming the inputs."""
    v = float(value)
    lo, hi = SCALE_RANGE
    if not lo <= v <= hi:
        args = ", ".join(f"{k}={x!r}" for k, x in inputs.items())
        raise ValueError(
            f"{what} = {v:.3g} for {args} is outside the usable range [{lo:g}, {hi:g}] of a prior scale "
            "(it is squared); bring sigma and the penalty weight nearer the data's units"
        )
    return v


def lasso_alpha(scale: float, *, sigma: float, n_samples: int) -> float:
    """Lasso ``alpha = sigma^2 / (n b)`` of a Laplace(b) prior (scikit-learn convention).

    Parameters
    ----------
    scale : float
        Laplace scale ``b`` > 0.
    sigma : float
        Noise standard deviation > 0.
    n_samples : int
        Number of observations ``n``.
    """
    sigma, n = _check_common(sigma, n_samples)
    scale = check_scale(scale, "scale")
    with np.errstate(over="ignore", under="ignore"):
        alpha = _f(sigma) ** 2 / (n * _f(scale))
    return _weight(alpha, "lasso alpha = sigma^2 / (n b)", scale=scale, sigma=sigma, n_samples=n)


def laplace_scale(alpha: float, *, sigma: float, n_samples: int) -> float:
    """Laplace scale ``b = sigma^2 / (n alpha)`` whose MAP is ``Lasso(alpha)``; inverse of :func:`lasso_alpha`."""
    sigma, n = _check_common(sigma, n_samples)
    alpha = check_positive(alpha, "alpha")
    with np.errstate(over="ignore", under="ignore"):
        b = _f(sigma) ** 2 / (n * _f(alpha))
    return _scale_result(b, "the Laplace scale b = sigma^2 / (n alpha)", alpha=alpha, sigma=sigma, n_samples=n)


def ridge_alpha(scale: float, *, sigma: float) -> float:
    """scikit-learn ``Ridge`` ``alpha = sigma^2 / tau^2`` of a Gaussian(tau) prior."""
    sigma, scale = check_scale(sigma, "sigma"), check_scale(scale, "scale")
    with np.errstate(over="ignore", under="ignore"):
        alpha = _f(sigma) ** 2 / _f(scale) ** 2
    return _weight(alpha, "ridge alpha = sigma^2 / tau^2", scale=scale, sigma=sigma)


def gaussian_scale(alpha: float, *, sigma: float) -> float:
    """Gaussian prior ``tau = sigma / sqrt(alpha)`` whose MAP is ``Ridge(alpha)``; inverse of :func:`ridge_alpha`."""
    sigma, alpha = check_scale(sigma, "sigma"), check_positive(alpha, "alpha")
    return _scale_result(_f(sigma) / np.sqrt(_f(alpha)), "the Gaussian scale tau = sigma / sqrt(alpha)",
                         alpha=alpha, sigma=sigma)  # fmt: skip


def sklearn_ridge_alpha(l2_alpha: float, *, n_samples: int) -> float:
    """scikit-learn ``Ridge`` alpha of this package's ``L2(alpha)``: ``n * alpha``.

    ``(1/(2n))||r||^2 + a/2 ||b||^2`` times ``2n`` is ``||r||^2 + n a ||b||^2``.
    """
    n = check_scalar(n_samples, "n_samples", lower=1, integer=True)
    l2_alpha = check_scalar(l2_alpha, "l2_alpha", lower=0.0)
    out = float(n * _f(l2_alpha)) if l2_alpha > 0 else 0.0
    if not out <= _HUGE:
        raise ValueError(f"n_samples * l2_alpha overflows float64 for l2_alpha={l2_alpha!r}, n_samples={n}")
    return out


def park_casella_alpha(lam: float, *, sigma: float, n_samples: int) -> float:
    """Lasso ``alpha = sigma lam / n`` of the Park-Casella prior at a fixed sigma."""
    sigma, n = _check_common(sigma, n_samples)
    lam = check_scale(lam, "lam")
    with np.errstate(over="ignore", under="ignore"):
        alpha = _f(sigma) * _f(lam) / n
    return _weight(alpha, "lasso alpha = sigma lam / n", lam=lam, sigma=sigma, n_samples=n)


def park_casella_lam(alpha: float, *, sigma: float, n_samples: int) -> float:
    """Park-Casella ``lam = n alpha / sigma`` whose MAP at fixed sigma is ``Lasso(alpha)``."""
    sigma, n = _check_common(sigma, n_samples)
    alpha = check_positive(alpha, "alpha")
    with np.errstate(over="ignore", under="ignore"):
        lam = n * _f(alpha) / _f(sigma)
    return _scale_result(lam, "the Park-Casella lam = n alpha / sigma", alpha=alpha, sigma=sigma, n_samples=n)


def prior_to_penalty(prior: Prior, *, sigma: float, n_samples: int) -> Penalty:
    """The penalty (solver convention) whose minimiser is the MAP under ``prior`` at fixed sigma.

    Each penalty equals ``sigma^2/n * (-log p(beta))`` up to an additive constant. A hyperprior
    (``ParkCasella.lam2_prior``, ``Gaussian.tau2_prior``) is not part of the mapping: the
    fixed value (``lam``, ``scale``) is used.

    Parameters
    ----------
    prior : Laplace, ParkCasella, Gaussian, Flat or ElasticNetPrior
        The coefficient prior.
    sigma : float
        Fixed noise standard deviation.
    n_samples : int
        Number of observations.

    Returns
    -------
    Penalty
        ``L1``, ``L2`` or ``ElasticNet`` (``Flat``: ``L2(alpha=0)``).
    """
    sigma, n = _check_common(sigma, n_samples)
    if isinstance(prior, Flat):
        return L2(alpha=0.0)  # -log p(beta) = 0: no penalty at any sigma
    if isinstance(prior, Prior) and prior.per_coefficient:
        common, factors = prior.split()
        pen = prior_to_penalty(common, sigma=sigma, n_samples=n)
        return pen.with_factors(factors)  # Laplace: weights 1/c_j (L1); Gaussian: 1/c_j^2 (L2)
    if isinstance(prior, Laplace):
        return L1(alpha=lasso_alpha(prior.scale, sigma=sigma, n_samples=n))
    if isinstance(prior, ParkCasella):
        return L1(alpha=park_casella_alpha(prior.lam, sigma=sigma, n_samples=n))
    if isinstance(prior, Gaussian):
        # sigma^2/n * ||b||^2 / (2 tau^2) = (sigma^2 / (n tau^2)) / 2 * ||b||^2
        with np.errstate(over="ignore", under="ignore"):
            a2 = _f(sigma) ** 2 / (n * _f(prior.scale) ** 2)
        return L2(alpha=_weight(a2, "the L2 weight sigma^2 / (n tau^2)", scale=prior.scale, sigma=sigma,
                                n_samples=n))  # fmt: skip
    if isinstance(prior, ElasticNetPrior):
        with np.errstate(over="ignore", under="ignore"):
            a1 = _f(sigma) ** 2 / (n * _f(prior.l1_scale))
            a2 = _f(sigma) ** 2 / (n * _f(prior.l2_scale) ** 2)
            total = a1 + a2
        # each part may be negligible beside the other (then it rounds away, as it should); the sum may not
        total = _weight(total, "the elastic-net weight sigma^2/(n b) + sigma^2/(n tau^2)", l1_scale=prior.l1_scale,
                        l2_scale=prior.l2_scale, sigma=sigma, n_samples=n)  # fmt: skip
        return ElasticNet(alpha=total, l1_ratio=float(a1 / total))
    raise TypeError(
        "prior must be Laplace, ParkCasella, Gaussian or ElasticNetPrior to have a penalty twin; "
        f"got {type(prior).__name__}"
    )


def rescaled_columns(prior: Prior):
    """``(common-scale prior, factors)`` for fitting a per-coefficient-scale prior's twin on rescaled columns.

    The MAP under ``Laplace([b_j])`` (or ``Gaussian([tau_j])``) with finite scales is
    ``beta_j = c_j gamma_j``, where ``gamma`` is the MAP under the common prior (the geometric
    mean scale) on the columns ``c_j x_j``: fit scikit-learn's estimator from :func:`to_sklearn`
    (or :func:`to_sklearn_glm`) of the common prior on ``X * factors`` and multiply its
    ``coef_`` by ``factors``. An infinite scale has no finite rescaling: profile that column out
    first (:func:`bayesreg.design.reweight`).

    Parameters
    ----------
    prior : Prior

    Returns
    -------
    (Prior, ndarray or None)
    """
    return prior.split()


def penalty_to_prior(penalty: Penalty, *, sigma: float, n_samples: int) -> Prior:
    """The prior whose MAP at fixed sigma minimises ``penalty``; inverse of :func:`prior_to_penalty`.

    A zero weight is no penalty: the (improper) :class:`~bayesreg.Flat` prior.
    """
    sigma, n = _check_common(sigma, n_samples)
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    a1, a2 = penalty.alpha_l1, penalty.alpha_l2
    if a1 == 0.0 and a2 == 0.0:
        return Flat()
    with np.errstate(over="ignore", under="ignore"):
        b = _f(sigma) ** 2 / (n * _f(a1)) if a1 > 0.0 else None
        tau = _f(sigma) / np.sqrt(n * _f(a2)) if a2 > 0.0 else None
    if b is not None:
        b = _scale_result(b, "the Laplace scale sigma^2 / (n alpha_l1)", alpha_l1=a1, sigma=sigma, n_samples=n)
    if tau is not None:
        tau = _scale_result(tau, "the Gaussian scale sigma / sqrt(n alpha_l2)", alpha_l2=a2, sigma=sigma,
                            n_samples=n)  # fmt: skip
    if tau is None:
        return Laplace(scale=b)
    if b is None:
        return Gaussian(scale=tau)
    return ElasticNetPrior(l1_scale=b, l2_scale=tau)


def to_sklearn(prior: Prior, *, sigma: float, n_samples: int, fit_intercept: bool = True, **kwargs):
    """The scikit-learn estimator whose solution is the MAP under ``prior`` at fixed sigma.

    A hyperprior on the prior (``ParkCasella.lam2_prior``, ``Gaussian.tau2_prior``) is not part
    of the mapping: the fixed value (``lam``, ``scale``) is used.

    Parameters
    ----------
    prior : Laplace, ParkCasella, Gaussian or ElasticNetPrior
        The coefficient prior.
    sigma : float
        Fixed noise standard deviation.
    n_samples : int
        Number of observations the estimator will be fitted on.
    fit_intercept : bool, default=True
        Passed on (an unpenalised intercept is a flat prior on it).
    **kwargs
        Other estimator parameters (``tol``, ``max_iter``, ...).

    Returns
    -------
    sklearn.linear_model.Lasso, Ridge, ElasticNet or LinearRegression
        Unfitted, configured estimator: ``Lasso(alpha = sigma^2/(n b))``,
        ``Ridge(alpha = sigma^2/tau^2)`` or ``ElasticNet(alpha, l1_ratio)`` as derived above;
        ``LinearRegression`` for :class:`~bayesreg.Flat` (no penalty at any sigma).
    """
    from sklearn.linear_model import ElasticNet as SkElasticNet
    from sklearn.linear_model import Lasso, LinearRegression, Ridge

    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    if isinstance(prior, Flat):
        check_scale(sigma, "sigma")
        return LinearRegression(fit_intercept=fit_intercept, **kwargs)
    _refuse_per_coefficient(prior)
    for key in ("alpha", "l1_ratio"):
        if key in kwargs:
            raise TypeError(f"{key} is set by the prior, sigma and n_samples; do not pass it")
    if kwargs.get("positive", False):
        raise ValueError("positive=True truncates the prior to beta >= 0; that prior has no twin here")
    pen = prior_to_penalty(prior, sigma=sigma, n_samples=n_samples)
    if isinstance(pen, L1):
        return Lasso(alpha=pen.alpha, fit_intercept=fit_intercept, **kwargs)
    if isinstance(pen, L2):
        # directly sigma^2 / tau^2 rather than n * (sigma^2 / (n tau^2)), to round once
        return Ridge(alpha=ridge_alpha(prior.scale, sigma=sigma), fit_intercept=fit_intercept, **kwargs)
    return SkElasticNet(alpha=pen.alpha, l1_ratio=pen.l1_ratio, fit_intercept=fit_intercept, **kwargs)


def _refuse_per_coefficient(prior) -> None:
    if isinstance(prior, Prior) and prior.per_coefficient:
        raise ValueError(
            "scikit-learn's estimators have one penalty weight for every coefficient; for per-coefficient scales "
            "fit the common prior's estimator on rescaled columns (mapping.rescaled_columns gives the prior and "
            "the factors: fit on X * factors, multiply coef_ by factors)"
        )


def _estimator_alpha(estimator, attr: str = "alpha") -> float:
    """The single regularisation weight of an estimator (``alpha_`` of a fitted CV estimator)."""
    value = getattr(estimator, attr)
    if np.ndim(value) != 0:
        arr = np.asarray(value)
        if arr.size != 1:
            raise ValueError(
                f"estimator.{attr} must be a single number (one alpha for all targets); got shape {arr.shape}"
            )
        value = arr.reshape(())[()]
    return check_positive(value, f"estimator.{attr}")


def from_sklearn(estimator, *, sigma: float, n_samples: int) -> Prior:
    """The prior whose MAP at fixed sigma is the solution of a scikit-learn estimator.

    Parameters
    ----------
    estimator : sklearn.linear_model.Lasso, Ridge or ElasticNet, or a fitted LassoCV, RidgeCV or ElasticNetCV
        Fitted or not; only its ``alpha`` (and ``l1_ratio``) are read; of a cross-validated
        estimator, the selected ``alpha_`` (and ``l1_ratio_``), so it must be fitted.
    sigma : float
        Fixed noise standard deviation.
    n_samples : int
        Number of observations.

    Returns
    -------
    Laplace, Gaussian, ElasticNetPrior or Flat
        The inverse of :func:`to_sklearn`: ``Laplace(b = sigma^2/(n alpha))``,
        ``Gaussian(tau = sigma / sqrt(alpha))``, the elastic-net product, or ``Flat()`` for a
        ``LinearRegression``.
    """
    from sklearn.linear_model import ElasticNet as SkElasticNet
    from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV, LinearRegression, Ridge, RidgeCV

    sigma, n = _check_common(sigma, n_samples)
    if isinstance(estimator, LinearRegression):
        return Flat()
    cv = isinstance(estimator, LassoCV | ElasticNetCV | RidgeCV)
    if not (cv or isinstance(estimator, Lasso | SkElasticNet | Ridge)):
        raise TypeError(
            "estimator must be a scikit-learn Lasso, Ridge or ElasticNet (or LassoCV, RidgeCV, ElasticNetCV); "
            f"got {type(estimator).__name__}"
        )
    if cv and not hasattr(estimator, "alpha_"):
        raise ValueError(f"estimator is an unfitted {type(estimator).__name__}: fit it to select alpha_ first")
    if getattr(estimator, "positive", False):
        raise ValueError("estimator has positive=True, a prior truncated to beta >= 0, which has no twin here")
    alpha = _estimator_alpha(estimator, "alpha_" if cv else "alpha")
    if isinstance(estimator, Ridge | RidgeCV):
        return Gaussian(scale=gaussian_scale(alpha, sigma=sigma))
    if isinstance(estimator, Lasso | LassoCV):  # Lasso subclasses ElasticNet: test it first
        return Laplace(scale=laplace_scale(alpha, sigma=sigma, n_samples=n))
    l1_ratio = check_scalar(
        getattr(estimator, "l1_ratio_" if cv else "l1_ratio"), "estimator.l1_ratio", lower=0.0, upper=1.0
    )
    return penalty_to_prior(ElasticNet(alpha=alpha, l1_ratio=l1_ratio), sigma=sigma, n_samples=n)


# --------------------------------------------------------------------------------------------
# generalised linear models: the MAP of a logistic / binomial / Poisson model is the penalised fit
# --------------------------------------------------------------------------------------------


def glm_penalty(prior: Prior, *, n_samples: int) -> Penalty:
    r"""The penalty whose GLM fit is the MAP under ``prior``: the negative log prior over ``n``.

    For a GLM (no noise scale) the negative log posterior is
    :math:`\sum_i \ell_i(b_0 + x_i^\top\beta) - \log p(\beta)` + const, with :math:`\ell_i` the
    family's loss (:mod:`bayesreg.families`). Divided by ``n`` it is the mean loss plus
    ``pen(beta) = alpha_l1 ||beta||_1 + alpha_l2/2 ||beta||^2`` with

    - ``Laplace(b)``: ``alpha_l1 = 1/(n b)``;
    - ``Gaussian(tau)``: ``alpha_l2 = 1/(n tau^2)``;
    - ``ElasticNetPrior(b, tau)``: both;

    i.e. :func:`prior_to_penalty` at ``sigma = 1``. ``ParkCasella`` is defined through sigma and
    has no GLM form.

    Parameters
    ----------
    prior : Laplace, Gaussian or ElasticNetPrior
    n_samples : int

    Returns
    -------
    Penalty
    """
    if isinstance(prior, ParkCasella):
        raise TypeError("ParkCasella is defined through the noise scale sigma; a GLM has none: use Laplace(b)")
    return prior_to_penalty(prior, sigma=1.0, n_samples=n_samples)


def to_sklearn_glm(prior: Prior, *, family, n_samples: int, fit_intercept: bool = True, **kwargs):
    r"""The scikit-learn estimator whose fit is the MAP of a logistic or Poisson model, or ``None``.

    - Bernoulli likelihood: scikit-learn's ``LogisticRegression`` minimises
      :math:`C\sum_i \ell_i + \mathrm{pen}_{sk}(\beta)`, with
      :math:`\mathrm{pen}_{sk} = r\lVert\beta\rVert_1 + \tfrac{1-r}{2}\lVert\beta\rVert^2` (``r`` =
      ``l1_ratio``). Dividing the MAP objective :math:`\sum_i\ell_i + \lVert\beta\rVert_1/b +
      \lVert\beta\rVert^2/(2\tau^2)` by :math:`1/b + 1/\tau^2` gives the same minimiser with
      :math:`C = 1/(1/b + 1/\tau^2)` and :math:`r = (1/b) / (1/b + 1/\tau^2)`: ``Laplace(b)`` is
      ``C = b``, L1 (``r = 1``); ``Gaussian(tau)`` is ``C = tau^2``, L2 (``r = 0``). The
      intercept is unpenalised there too with the ``lbfgs``, ``newton-cholesky`` and ``saga``
      solvers (``liblinear`` penalises it: its fit is not the MAP with a flat intercept prior).
    - Poisson likelihood: ``PoissonRegressor`` minimises the mean half-deviance (the mean loss)
      plus :math:`\tfrac{\alpha}{2}\lVert\beta\rVert^2`, so ``Gaussian(tau)`` is
      ``alpha = 1/(n tau^2)``. scikit-learn has no L1-penalised Poisson regression: ``None`` for
      ``Laplace`` and ``ElasticNetPrior`` (skglm's ``Poisson`` datafit with ``L1(alpha = 1/(n b))``
      is one).
    - :class:`~bayesreg.Flat`: the unpenalised fits, ``LogisticRegression(C=inf)`` and
      ``PoissonRegressor(alpha=0)`` (both with the ``newton-cholesky`` solver).
    - Binomial counts: ``None`` (scikit-learn's logistic regression takes labels; the binomial
      MAP equals the Bernoulli MAP on the expanded rows).

    Parameters
    ----------
    prior : Laplace, Gaussian or ElasticNetPrior
    family : str or Family
    n_samples : int
    fit_intercept : bool, default=True
    **kwargs
        Other estimator parameters (``tol``, ``max_iter``, ...).

    Returns
    -------
    sklearn.linear_model.LogisticRegression or PoissonRegressor, or None
    """
    from .families import family as parse_family

    fam = parse_family(family)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    _refuse_per_coefficient(prior)
    pen = glm_penalty(prior, n_samples=n_samples)
    if isinstance(prior, Flat):
        # no penalty: the maximum-likelihood fits (C = inf is LogisticRegression's "no penalty")
        if fam.name == "bernoulli":
            from sklearn.linear_model import LogisticRegression

            kwargs = {"solver": "newton-cholesky", **kwargs}
            return LogisticRegression(C=np.inf, l1_ratio=0.0, fit_intercept=fit_intercept, **kwargs)
        if fam.name == "poisson":
            from sklearn.linear_model import PoissonRegressor

            kwargs = {"solver": "newton-cholesky", **kwargs}
            return PoissonRegressor(alpha=0.0, fit_intercept=fit_intercept, **kwargs)
        return None
    n = float(n_samples)
    l1, l2 = n * pen.alpha_l1, n * pen.alpha_l2  # the sum-scale weights 1/b and 1/tau^2
    if fam.name == "bernoulli":
        from sklearn.linear_model import LogisticRegression

        C = 1.0 / (l1 + l2)
        ratio = l1 / (l1 + l2)
        solver = "saga" if ratio > 0 else "newton-cholesky"  # lbfgs stops ~1e-6 from the optimum
        kwargs = {"solver": solver, **kwargs}
        try:
            return LogisticRegression(C=C, l1_ratio=ratio, fit_intercept=fit_intercept, **kwargs)
        except TypeError:  # pragma: no cover - scikit-learn < 1.8 also needs penalty=
            penalty = "l1" if ratio == 1 else "l2" if ratio == 0 else "elasticnet"
            return LogisticRegression(C=C, penalty=penalty, l1_ratio=ratio if penalty == "elasticnet" else None,
                                      fit_intercept=fit_intercept, **kwargs)  # fmt: skip
    if fam.name == "poisson" and l1 == 0:
        from sklearn.linear_model import PoissonRegressor

        return PoissonRegressor(alpha=pen.alpha_l2, fit_intercept=fit_intercept, **kwargs)
    return None
