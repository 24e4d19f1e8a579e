"""Former name of :mod:`bayesreg._upstream` (private; kept while callers move)."""

from ._upstream import *  # noqa: F403
from ._upstream import _STATE  # noqa: F401
