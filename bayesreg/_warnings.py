"""The one way bayesreg warns: at the caller's line.

:func:`warn` is :func:`warnings.warn` with the ``stacklevel`` worked out: it walks up the call
stack to the first frame outside the ``bayesreg`` package, so a warning raised however deep in
the package (a solver under ``map_estimate`` under an estimator's ``fit``) points at the user's
line that led to it. Every warning the package emits goes through here.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["caller_stacklevel", "warn"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def caller_stacklevel() -> int:
    """How many frames up from the caller of :func:`warn` the first frame outside the package is (1: the caller)."""
    frame = sys._getframe(2)  # the frame that will call warnings.warn
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue ``message`` as ``category``, attributed to the first line outside bayesreg that led here."""
    warnings.warn(message, category, stacklevel=caller_stacklevel() + 1)
