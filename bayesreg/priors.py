r"""Priors on the regression coefficients, twins of the penalties in :mod:`bayesreg.penalties`.

Each prior is a small frozen dataclass with

- ``logp(beta)``: the joint log density of independent coordinates (normalised);
- ``sample(size, rng)``: draws;
- ``to_pymc(name, dims, sigma=None)``: the PyMC distribution (PyMC imported lazily).

The exact relations to the penalties (``alpha = sigma^2 / (n b)`` and friends) live in
:mod:`bayesreg.mapping` and nowhere else.

Hyperpriors on the prior scale are given as :class:`GammaPrior` (on ``lambda^2`` of the
Park-Casella Laplace prior) and :class:`InverseGammaPrior` (on ``tau^2`` of the Gaussian
prior, or on ``sigma^2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ._validation import check_positive

__all__ = [
    "Prior",
    "Laplace",
    "ParkCasella",
    "Gaussian",
    "ElasticNetPrior",
    "Horseshoe",
    "GammaPrior",
    "InverseGammaPrior",
]

_LOG2 = float(np.log(2.0))
_LOG2PI = float(np.log(2.0 * np.pi))


def _as_beta(beta) -> np.ndarray:
    b = np.asarray(beta, dtype=np.float64)
    return b.reshape(1) if b.ndim == 0 else b


@dataclass(frozen=True)
class GammaPrior:
    """Gamma(shape, rate) hyperprior, e.g. Park and Casella's prior on ``lambda^2``.

    Parameters
    ----------
    shape : float
        Shape ``r`` > 0.
    rate : float
        Rate ``delta`` > 0 (the mean is ``shape / rate``).
    """

    shape: float = 1.0
    rate: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "shape", check_positive(self.shape, "shape"))
        object.__setattr__(self, "rate", check_positive(self.rate, "rate"))

    def logp(self, x) -> float:
        """Log density at ``x`` > 0."""
        x = np.asarray(x, dtype=np.float64)
        a, r = self.shape, self.rate
        return float(np.sum(a * np.log(r) - special.gammaln(a) + (a - 1) * np.log(x) - r * x))


@dataclass(frozen=True)
class InverseGammaPrior:
    """Inverse-gamma(shape, scale) hyperprior, e.g. on ``tau^2`` or ``sigma^2``.

    Parameters
    ----------
    shape : float
        Shape ``a`` > 0.
    scale : float
        Scale ``b`` > 0 (the density is proportional to ``x^(-a-1) exp(-b / x)``).
    """

    shape: float = 1.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "shape", check_positive(self.shape, "shape"))
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))

    def logp(self, x) -> float:
        """Log density at ``x`` > 0."""
        x = np.asarray(x, dtype=np.float64)
        a, b = self.shape, self.scale
        return float(np.sum(a * np.log(b) - special.gammaln(a) - (a + 1) * np.log(x) - b / x))


@dataclass(frozen=True)
class Prior:
    """Base class of the coefficient priors."""

    def logp(self, beta) -> float:  # pragma: no cover - overridden
        """Joint log density of independent coordinates ``beta``."""
        raise NotImplementedError

    def sample(self, size, rng=None) -> np.ndarray:  # pragma: no cover - overridden
        """Draw ``size`` coefficients."""
        raise NotImplementedError

    def to_pymc(self, name: str, dims=None, sigma=None):  # pragma: no cover - overridden
        """Return the PyMC random variable (inside a model context)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Laplace(Prior):
    r"""Laplace prior, :math:`p(\beta_j) = \frac{1}{2b} e^{-|\beta_j| / b}`, independent coordinates.

    Its MAP with a Gaussian likelihood of fixed ``sigma`` is the Lasso with
    ``alpha = sigma^2 / (n b)`` (see :func:`bayesreg.mapping.lasso_alpha`).

    Parameters
    ----------
    scale : float
        Scale ``b`` > 0 (standard deviation ``sqrt(2) b``).
    """

    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))

    def logp(self, beta) -> float:  # noqa: D102
        b = _as_beta(beta)
        return float(-b.size * (_LOG2 + np.log(self.scale)) - np.abs(b).sum() / self.scale)

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        return np.random.default_rng(rng).laplace(0.0, self.scale, size=size)

    def to_pymc(self, name: str, dims=None, sigma=None):  # noqa: D102
        import pymc as pm

        return pm.Laplace(name, mu=0.0, b=self.scale, dims=dims)


@dataclass(frozen=True)
class ParkCasella(Prior):
    r"""Park-Casella Bayesian-lasso prior, :math:`\beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`.

    Conditioning the scale on ``sigma`` keeps the posterior unimodal (Park and Casella, 2008).
    For a fixed ``sigma`` it is :class:`Laplace` with ``b = sigma / lam``, whose MAP is the
    Lasso with ``alpha = sigma * lam / n``.

    Parameters
    ----------
    lam : float
        Rate ``lambda`` > 0 (ignored as a fixed value when ``lam2_prior`` is given, where it is
        the starting value).
    lam2_prior : GammaPrior, optional
        Gamma(r, delta) hyperprior on ``lambda^2``; ``None`` keeps ``lambda`` fixed.
    """

    lam: float = 1.0
    lam2_prior: GammaPrior | None = None

    def __post_init__(self):
        object.__setattr__(self, "lam", check_positive(self.lam, "lam"))
        if self.lam2_prior is not None and not isinstance(self.lam2_prior, GammaPrior):
            raise TypeError(
                f"lam2_prior must be a GammaPrior or None; got {type(self.lam2_prior).__name__}"
            )

    def scale_given(self, sigma: float) -> float:
        """The Laplace scale ``b = sigma / lam`` for a given noise scale."""
        return float(sigma) / self.lam

    def logp(self, beta, sigma: float = 1.0) -> float:  # noqa: D102
        return Laplace(self.scale_given(sigma)).logp(beta)

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:  # noqa: D102
        return Laplace(self.scale_given(sigma)).sample(size, rng)

    def to_pymc(self, name: str, dims=None, sigma=None, lam=None):  # noqa: D102
        import pymc as pm

        lam = self.lam if lam is None else lam
        sigma = 1.0 if sigma is None else sigma
        return pm.Laplace(name, mu=0.0, b=sigma / lam, dims=dims)


@dataclass(frozen=True)
class Gaussian(Prior):
    r"""Gaussian prior :math:`\beta_j \sim N(0, \tau^2)`, independent coordinates.

    Its MAP with a Gaussian likelihood of fixed ``sigma`` is Ridge with
    ``alpha = sigma^2 / tau^2`` in scikit-learn's ``Ridge`` convention.

    Parameters
    ----------
    scale : float
        Standard deviation ``tau`` > 0 (the starting value when ``tau2_prior`` is given).
    tau2_prior : InverseGammaPrior, optional
        Inverse-gamma hyperprior on ``tau^2``; ``None`` keeps ``tau`` fixed.
    """

    scale: float = 1.0
    tau2_prior: InverseGammaPrior | None = None

    def __post_init__(self):
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))
        if self.tau2_prior is not None and not isinstance(self.tau2_prior, InverseGammaPrior):
            raise TypeError(
                "tau2_prior must be an InverseGammaPrior or None; "
                f"got {type(self.tau2_prior).__name__}"
            )

    def logp(self, beta) -> float:  # noqa: D102
        b = _as_beta(beta)
        t = self.scale
        return float(-0.5 * b.size * (_LOG2PI + 2 * np.log(t)) - 0.5 * (b @ b) / t**2)

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        return np.random.default_rng(rng).normal(0.0, self.scale, size=size)

    def to_pymc(self, name: str, dims=None, sigma=None, tau=None):  # noqa: D102
        import pymc as pm

        return pm.Normal(name, mu=0.0, sigma=self.scale if tau is None else tau, dims=dims)


def _elastic_net_log_norm(b: float, tau: float) -> float:
    # Z = int exp(-|x|/b - x^2/(2 tau^2)) dx = 2 int_0^inf ...
    #   = sqrt(2 pi) tau * exp(tau^2 / (2 b^2)) * erfc(tau / (sqrt(2) b))
    # written with erfcx for stability: erfc(z) exp(z^2) = erfcx(z), z = tau / (sqrt(2) b).
    z = tau / (np.sqrt(2.0) * b)
    return float(0.5 * _LOG2PI + np.log(tau) + np.log(special.erfcx(z)))


@dataclass(frozen=True)
class ElasticNetPrior(Prior):
    r"""Product of a Laplace(b) and a Gaussian N(0, tau^2) density, normalised per coordinate.

    :math:`p(\beta_j) \propto \exp(-|\beta_j|/b - \beta_j^2/(2\tau^2))`; its MAP is scikit-learn's
    ``ElasticNet`` with ``alpha l1_ratio = sigma^2/(n b)`` and
    ``alpha (1 - l1_ratio) = sigma^2/(n tau^2)``.

    Parameters
    ----------
    l1_scale : float
        Laplace scale ``b`` > 0.
    l2_scale : float
        Gaussian standard deviation ``tau`` > 0.
    """

    l1_scale: float = 1.0
    l2_scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "l1_scale", check_positive(self.l1_scale, "l1_scale"))
        object.__setattr__(self, "l2_scale", check_positive(self.l2_scale, "l2_scale"))

    def logp(self, beta) -> float:  # noqa: D102
        x = _as_beta(beta)
        b, t = self.l1_scale, self.l2_scale
        return float(
            -np.abs(x).sum() / b - 0.5 * (x @ x) / t**2 - x.size * _elastic_net_log_norm(b, t)
        )

    def sample(self, size, rng=None) -> np.ndarray:  # noqa: D102
        # The density is a two-sided normal tail: |x| has density proportional to
        # exp(-(x + tau^2/b)^2 / (2 tau^2)) on x > 0, a normal N(-tau^2/b, tau^2) truncated at 0.
        from scipy.stats import truncnorm

        rng = np.random.default_rng(rng)
        b, t = self.l1_scale, self.l2_scale
        mu = -(t**2) / b
        mag = truncnorm.rvs((0.0 - mu) / t, np.inf, loc=mu, scale=t, size=size, random_state=rng)
        sign = rng.choice(np.array([-1.0, 1.0]), size=size)
        return sign * mag

    def to_pymc(self, name: str, dims=None, sigma=None):  # noqa: D102
        import pymc as pm

        b, t = self.l1_scale, self.l2_scale
        log_norm = _elastic_net_log_norm(b, t)

        def logp(value, *_):
            import pytensor.tensor as pt

            return -pt.abs(value) / b - 0.5 * value**2 / t**2 - log_norm

        return pm.CustomDist(name, logp=logp, dims=dims)


@dataclass(frozen=True)
class Horseshoe(Prior):
    r"""Horseshoe prior: :math:`\beta_j \sim N(0, \lambda_j^2 \tau^2 \sigma^2)`, half-Cauchy scales.

    :math:`\lambda_j \sim C^+(0, 1)` local scales and :math:`\tau \sim C^+(0, s)` global scale
    (Carvalho, Polson and Scott, 2010), with ``sigma`` the noise scale. It has no penalty twin
    with a closed form; it is sampled, not solved.

    Parameters
    ----------
    global_scale : float
        Scale ``s`` of the half-Cauchy prior on the global scale ``tau``.
    """

    global_scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "global_scale", check_positive(self.global_scale, "global_scale"))

    def sample(self, size, rng=None, sigma: float = 1.0) -> np.ndarray:  # noqa: D102
        rng = np.random.default_rng(rng)
        tau = abs(self.global_scale * rng.standard_cauchy())
        lam = np.abs(rng.standard_cauchy(size=size))
        return rng.normal(size=size) * lam * tau * sigma

    def logp(self, beta) -> float:  # noqa: D102
        raise NotImplementedError(
            "the horseshoe marginal density of beta has no closed form; "
            "use the hierarchical model (to_pymc) instead"
        )

    def to_pymc(self, name: str, dims=None, sigma=None):  # noqa: D102
        import pymc as pm

        sigma = 1.0 if sigma is None else sigma
        tau = pm.HalfCauchy("tau", beta=self.global_scale)
        lam = pm.HalfCauchy("lam", beta=1.0, dims=dims)
        z = pm.Normal(f"{name}_z", 0.0, 1.0, dims=dims)
        return pm.Deterministic(name, z * lam * tau * sigma, dims=dims)
