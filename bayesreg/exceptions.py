"""Warnings raised by bayesreg."""

__all__ = ["ConvergenceWarning", "SamplingWarning", "EmptyMAPWarning"]


class ConvergenceWarning(UserWarning):
    """A solver or optimiser stopped before reaching its tolerance.

    (Not a subclass of scikit-learn's warning, whose import would cost a second at start-up.)
    """


class SamplingWarning(UserWarning):
    """A posterior sample shows divergences, R-hat above 1.01 or a low effective sample size."""


class EmptyMAPWarning(UserWarning):
    """A MAP with every coefficient exactly 0: the prior scale is at or below the data's threshold."""


def external_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside the bayesreg package, for ``warnings.warn`` called here.

    Counted from the caller of this function (``warnings.warn(..., stacklevel=external_stacklevel())``
    in a bayesreg function names the user's line, however deep the call came through bayesreg).
    """
    import os
    import sys

    pkg = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(pkg):
        frame, level = frame.f_back, level + 1
    return level
