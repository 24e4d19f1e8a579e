"""Penalised least-squares solvers: coordinate descent, paths, closed-form ridge, duality gap.

One objective convention throughout: ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)``.
"""

from .coordinate_descent import alpha_max, elastic_net, enet_path, lasso, lasso_path, solve
from .gap import duality_gap, relative_gap
from .orthogonal import orthogonal_lasso
from .results import PathResult, RidgeResult, SolverResult
from .ridge import ridge, ridge_path
from .trace import coordinate_descent_trace

__all__ = [
    "solve",
    "lasso",
    "elastic_net",
    "lasso_path",
    "enet_path",
    "alpha_max",
    "ridge",
    "ridge_path",
    "orthogonal_lasso",
    "coordinate_descent_trace",
    "duality_gap",
    "relative_gap",
    "SolverResult",
    "PathResult",
    "RidgeResult",
]
