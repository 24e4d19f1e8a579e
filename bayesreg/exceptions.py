"""Warnings raised by bayesreg."""

import os
import sys
import warnings

__all__ = ["ConvergenceWarning", "SamplingWarning", "PriorDominatedWarning", "EmptyMAPWarning"]


class ConvergenceWarning(UserWarning):
    """A solver or optimiser stopped before reaching its tolerance.

    (Not a subclass of scikit-learn's warning, whose import would cost a second at start-up.)
    """


class SamplingWarning(UserWarning):
    """A posterior sample shows divergences, R-hat above 1.01 or a low effective sample size."""


class EmptyMAPWarning(UserWarning):
    """A MAP with every coefficient exactly 0: the prior scale is at or below the data's threshold."""


class PriorDominatedWarning(UserWarning):
    """A mode exists only because of a prior: the data alone would push it to a boundary.

    Raised when the design interpolates ``y`` and a proper prior alone holds the joint mode's sigma
    above 0, and when separable labels would send a GLM's coefficients to infinity and a proper
    prior alone keeps the MAP finite: the size of that part of the answer is set by the prior's
    scale, not estimated from the data.
    """


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning issued by its caller at the first frame outside bayesreg."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR + os.sep):
        level += 1
        frame = frame.f_back
    return level


def warn_caller(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` pointed at the user's line (the first frame outside the bayesreg package)."""
    warnings.warn(message, category, stacklevel=caller_stacklevel())
