r"""The prior on the intercept :math:`b_0`: flat (the default: an unpenalised intercept) or normal.

Its own home rather than :mod:`bayesreg.priors`: it is not a coefficient prior (no penalty twin, no
Gibbs settings, no PyMC variable of its own: the builder writes it as a ``pm.Potential`` on
:math:`b_0`), and every consumer (the PyMC builder, the exact MAP and the GLM solver, the exact
posterior, the Gibbs and Polya-Gamma samplers, NUTS) reads the parsed object of
:func:`parse_intercept_prior`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_scalar
from .priors import check_scale

__all__ = ["NormalIntercept", "parse_intercept_prior"]


@dataclass(frozen=True)
class NormalIntercept:
    r"""A normal prior :math:`b_0 \sim N(\mu, s^2)` on the intercept (the default is flat).

    The intercept is that of the original columns (with ``standardize=True`` too): the ``b_0`` of
    :math:`y = b_0 + X\beta + \varepsilon`. Pass it as ``intercept_prior=`` to
    :func:`bayesreg.build_model`, :func:`bayesreg.sample_posterior` (exact, Gibbs, NUTS) and
    :func:`bayesreg.exact_posterior`, or write it as a pair ``(mu, s)``.

    Parameters
    ----------
    mu : float
        Prior mean (finite).
    scale : float
        Prior sd ``s`` > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    """

    mu: float = 0.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "mu", float(check_scalar(self.mu, "intercept_prior mu")))
        object.__setattr__(self, "scale", check_scale(self.scale, "intercept_prior scale"))

    def logp(self, b0) -> float:
        """Log density of ``b0`` (summed)."""
        z = (np.asarray(b0, dtype=np.float64) - self.mu) / self.scale
        return float(np.sum(-0.5 * z * z - math.log(self.scale) - 0.5 * math.log(2.0 * math.pi)))


def parse_intercept_prior(intercept_prior, fit_intercept: bool = True) -> NormalIntercept | None:
    """``None`` (flat), a :class:`NormalIntercept` or a pair ``(mu, s)``; a ValueError/TypeError naming it otherwise.

    Parameters
    ----------
    intercept_prior : None, NormalIntercept or (float, float)
    fit_intercept : bool
        A prior on an intercept the model does not have is refused.

    Returns
    -------
    NormalIntercept or None
    """
    if intercept_prior is None:
        return None
    if isinstance(intercept_prior, NormalIntercept):
        out = intercept_prior
    elif isinstance(intercept_prior, tuple | list) and len(intercept_prior) == 2:
        out = NormalIntercept(*intercept_prior)
    else:
        raise TypeError(
            "intercept_prior must be None (flat), a NormalIntercept(mu, scale) or a pair (mu, scale); got "
            f"{type(intercept_prior).__name__} {intercept_prior!r}"
        )
    if not fit_intercept:
        raise ValueError("intercept_prior is a prior on the intercept; with fit_intercept=False there is none")
    return out
