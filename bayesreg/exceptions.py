"""Warnings raised by bayesreg."""

__all__ = ["ConvergenceWarning", "SamplingWarning"]


class ConvergenceWarning(UserWarning):
    """A solver or optimiser stopped before reaching its tolerance.

    (Not a subclass of scikit-learn's warning, whose import would cost a second at start-up.)
    """


class SamplingWarning(UserWarning):
    """A posterior sample shows divergences, R-hat above 1.01 or a low effective sample size."""
