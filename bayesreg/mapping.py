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

The word ``alpha`` thus means different things in ``Lasso`` and ``Ridge``: this module owns
the difference so users do not have to.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_bool, check_positive, check_scalar
from .penalties import L1, L2, ElasticNet, Penalty
from .priors import ElasticNetPrior, Gaussian, Laplace, ParkCasella, Prior

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
]


def _check_common(sigma, n_samples):
    sigma = check_positive(sigma, "sigma")
    n = check_scalar(n_samples, "n_samples", lower=1, integer=True)
    return sigma, n


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
    return sigma**2 / (n * check_positive(scale, "scale"))


def laplace_scale(alpha: float, *, sigma: float, n_samples: int) -> float:
    """Laplace scale ``b = sigma^2 / (n alpha)`` whose MAP is ``Lasso(alpha)``; inverse of :func:`lasso_alpha`."""
    sigma, n = _check_common(sigma, n_samples)
    return sigma**2 / (n * check_positive(alpha, "alpha"))


def ridge_alpha(scale: float, *, sigma: float) -> float:
    """scikit-learn ``Ridge`` ``alpha = sigma^2 / tau^2`` of a Gaussian(tau) prior."""
    return check_positive(sigma, "sigma") ** 2 / check_positive(scale, "scale") ** 2


def gaussian_scale(alpha: float, *, sigma: float) -> float:
    """Gaussian prior ``tau = sigma / sqrt(alpha)`` whose MAP is ``Ridge(alpha)``; inverse of :func:`ridge_alpha`."""
    return check_positive(sigma, "sigma") / check_positive(alpha, "alpha") ** 0.5


def sklearn_ridge_alpha(l2_alpha: float, *, n_samples: int) -> float:
    """scikit-learn ``Ridge`` alpha of this package's ``L2(alpha)``: ``n * alpha``.

    ``(1/(2n))||r||^2 + a/2 ||b||^2`` times ``2n`` is ``||r||^2 + n a ||b||^2``.
    """
    n = check_scalar(n_samples, "n_samples", lower=1, integer=True)
    return n * check_scalar(l2_alpha, "l2_alpha", lower=0.0)


def park_casella_alpha(lam: float, *, sigma: float, n_samples: int) -> float:
    """Lasso ``alpha = sigma lam / n`` of the Park-Casella prior at a fixed sigma."""
    sigma, n = _check_common(sigma, n_samples)
    return sigma * check_positive(lam, "lam") / n


def park_casella_lam(alpha: float, *, sigma: float, n_samples: int) -> float:
    """Park-Casella ``lam = n alpha / sigma`` whose MAP at fixed sigma is ``Lasso(alpha)``."""
    sigma, n = _check_common(sigma, n_samples)
    return n * check_positive(alpha, "alpha") / sigma


def prior_to_penalty(prior: Prior, *, sigma: float, n_samples: int) -> Penalty:
    """The penalty (solver convention) whose minimiser is the MAP under ``prior`` at fixed sigma.

    Each penalty equals ``sigma^2/n * (-log p(beta))`` up to an additive constant. A hyperprior
    (``ParkCasella.lam2_prior``, ``Gaussian.tau2_prior``) is not part of the mapping: the
    fixed value (``lam``, ``scale``) is used.

    Parameters
    ----------
    prior : Laplace, ParkCasella, Gaussian or ElasticNetPrior
        The coefficient prior.
    sigma : float
        Fixed noise standard deviation.
    n_samples : int
        Number of observations.

    Returns
    -------
    Penalty
        ``L1``, ``L2`` or ``ElasticNet``.
    """
    sigma, n = _check_common(sigma, n_samples)
    if isinstance(prior, Laplace):
        return L1(alpha=lasso_alpha(prior.scale, sigma=sigma, n_samples=n))
    if isinstance(prior, ParkCasella):
        return L1(alpha=park_casella_alpha(prior.lam, sigma=sigma, n_samples=n))
    if isinstance(prior, Gaussian):
        # sigma^2/n * ||b||^2 / (2 tau^2) = (sigma^2 / (n tau^2)) / 2 * ||b||^2
        return L2(alpha=sigma**2 / (n * prior.scale**2))
    if isinstance(prior, ElasticNetPrior):
        a1 = sigma**2 / (n * prior.l1_scale)
        a2 = sigma**2 / (n * prior.l2_scale**2)
        return ElasticNet(alpha=a1 + a2, l1_ratio=a1 / (a1 + a2))
    raise TypeError(
        "prior must be Laplace, ParkCasella, Gaussian or ElasticNetPrior to have a penalty twin; "
        f"got {type(prior).__name__}"
    )


def penalty_to_prior(penalty: Penalty, *, sigma: float, n_samples: int) -> Prior:
    """The prior whose MAP at fixed sigma minimises ``penalty``; inverse of :func:`prior_to_penalty`.

    A zero weight has no proper prior (it is a flat prior), so ``alpha = 0`` raises.
    """
    sigma, n = _check_common(sigma, n_samples)
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    a1, a2 = penalty.alpha_l1, penalty.alpha_l2
    if a1 == 0.0 and a2 == 0.0:
        raise ValueError("penalty has alpha = 0: that is a flat prior, which is not proper")
    if a2 == 0.0:
        return Laplace(scale=sigma**2 / (n * a1))
    if a1 == 0.0:
        return Gaussian(scale=sigma / (n * a2) ** 0.5)
    return ElasticNetPrior(l1_scale=sigma**2 / (n * a1), l2_scale=sigma / (n * a2) ** 0.5)


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
    sklearn.linear_model.Lasso, Ridge or ElasticNet
        Unfitted, configured estimator: ``Lasso(alpha = sigma^2/(n b))``,
        ``Ridge(alpha = sigma^2/tau^2)`` or ``ElasticNet(alpha, l1_ratio)`` as derived above.
    """
    from sklearn.linear_model import ElasticNet as SkElasticNet
    from sklearn.linear_model import Lasso, Ridge

    fit_intercept = check_bool(fit_intercept, "fit_intercept")
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
    Laplace, Gaussian or ElasticNetPrior
        The inverse of :func:`to_sklearn`: ``Laplace(b = sigma^2/(n alpha))``,
        ``Gaussian(tau = sigma / sqrt(alpha))``, or the elastic-net product.
    """
    from sklearn.linear_model import ElasticNet as SkElasticNet
    from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV, Ridge, RidgeCV

    sigma, n = _check_common(sigma, n_samples)
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
