"""Warnings raised by bayesreg."""

__all__ = ["BayesregWarning", "ConvergenceWarning", "SamplingWarning"]


class BayesregWarning(UserWarning):
    """Base class of every warning bayesreg emits (each points at the caller's line)."""


class ConvergenceWarning(BayesregWarning):
    """A solver or optimiser stopped before reaching its tolerance.

    (Not a subclass of scikit-learn's warning, whose import would cost a second at start-up.)
    """


class SamplingWarning(BayesregWarning):
    """A posterior sample shows divergences, R-hat above 1.01 or a low effective sample size."""
