"""Warnings raised by bayesreg."""

__all__ = [
    "BayesregWarning",
    "ConvergenceWarning",
    "SamplingWarning",
    "PriorDominatedWarning",
    "EmptyMAPWarning",
    "RateOverflowWarning",
    "NoSignalWarning",
]


class BayesregWarning(UserWarning):
    """Base class of every warning bayesreg emits (each points at the caller's line)."""


class ConvergenceWarning(BayesregWarning):
    """A solver or optimiser stopped before reaching its tolerance.

    (Not a subclass of scikit-learn's warning, whose import would cost a second at start-up.)
    """


class NoSignalWarning(ConvergenceWarning):
    """Type-II maximum likelihood drives the Gaussian prior's tau to 0: the data show no linear signal."""


class SamplingWarning(BayesregWarning):
    """A posterior sample shows divergences, R-hat above 1.01 or a low effective sample size."""


class EmptyMAPWarning(BayesregWarning):
    """A MAP with every coefficient exactly 0: the prior scale is at or below the data's threshold."""


class PriorDominatedWarning(BayesregWarning):
    """A mode exists only because of a prior: the data alone would push it to a boundary.

    Raised when the design interpolates ``y`` and a proper prior alone holds the joint mode's sigma
    above 0, and when separable labels would send a GLM's coefficients to infinity and a proper
    prior alone keeps the MAP finite: the size of that part of the answer is set by the prior's
    scale, not estimated from the data. Also raised when a sampled posterior is its prior (every
    coefficient's posterior sd and mean as the prior's: the data move nothing at that scale).
    """


class RateOverflowWarning(BayesregWarning, RuntimeWarning):
    """A predicted rate ``exp(eta)`` overflows float64 and is returned as ``inf`` (rows far outside the data)."""
