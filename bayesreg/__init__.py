"""bayesreg: Bayesian MAP and posterior modelling of regularised linear models.

The Lasso is the MAP estimate of a linear model under a Laplace prior, Ridge the MAP under a
Gaussian prior; this package computes both sides exactly, checks they agree, and goes past the
MAP to the full posterior.

``import bayesreg`` is fast: PyMC, PyTensor, ArviZ and matplotlib are imported only when a
function that needs them is first called. Public names are resolved lazily from the table below.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (imported on first attribute access)
_LAZY = {
    # priors and penalties
    "Laplace": "bayesreg.priors",
    "ParkCasella": "bayesreg.priors",
    "Gaussian": "bayesreg.priors",
    "Flat": "bayesreg.priors",
    "ElasticNetPrior": "bayesreg.priors",
    "Horseshoe": "bayesreg.priors",
    "RegularizedHorseshoe": "bayesreg.priors",
    "R2D2": "bayesreg.priors",
    "GammaPrior": "bayesreg.priors",
    "InverseGammaPrior": "bayesreg.priors",
    # priors on the noise scale sigma
    "HalfNormal": "bayesreg.noise",
    "HalfCauchy": "bayesreg.noise",
    "HalfStudentT": "bayesreg.noise",
    "Exponential": "bayesreg.noise",
    "Uniform": "bayesreg.noise",
    "NormalIntercept": "bayesreg.intercept",
    "L1": "bayesreg.penalties",
    "L2": "bayesreg.penalties",
    "ElasticNet": "bayesreg.penalties",
    "soft_threshold": "bayesreg.penalties",
    # data
    "SufficientStats": "bayesreg.suffstats",
    "InvalidStatisticsError": "bayesreg.suffstats",
    "sparse_summary": "bayesreg.selection",
    "SparseSummary": "bayesreg.selection",
    "prepare_data": "bayesreg.design",
    # solvers
    "lasso": "bayesreg.solvers",
    "elastic_net": "bayesreg.solvers",
    "ridge": "bayesreg.solvers",
    "lasso_path": "bayesreg.solvers",
    "enet_path": "bayesreg.solvers",
    "ridge_path": "bayesreg.solvers",
    "alpha_max": "bayesreg.solvers",
    "orthogonal_lasso": "bayesreg.solvers",
    "duality_gap": "bayesreg.solvers",
    # probabilistic view
    "build_model": "bayesreg.models",
    "find_map": "bayesreg.inference",
    "map_estimate": "bayesreg.inference",
    "sample_posterior": "bayesreg.inference",
    "add_log_likelihood": "bayesreg._posterior",
    "exact_posterior": "bayesreg.conjugate",
    "log_marginal_likelihood": "bayesreg.conjugate",
    "check_equivalence": "bayesreg.equivalence",
    "shrinkage_table": "bayesreg.shrinkage",
    "choose_prior_scale": "bayesreg.hyperparameters",
    "BayesianRegression": "bayesreg.estimators",
    "BayesianLogisticRegression": "bayesreg.estimators",
    "BayesianPoissonRegressor": "bayesreg.estimators",
    # warnings
    "BayesregWarning": "bayesreg.exceptions",
    "ConvergenceWarning": "bayesreg.exceptions",
    "SamplingWarning": "bayesreg.exceptions",
    "EmptyMAPWarning": "bayesreg.exceptions",
    "PriorDominatedWarning": "bayesreg.exceptions",
    "RateOverflowWarning": "bayesreg.exceptions",
    "NoSignalWarning": "bayesreg.exceptions",
}

__all__ = sorted(_LAZY) + ["mapping", "solvers", "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in ("mapping", "solvers", "priors", "penalties", "datasets", "plotting", "samplers", "figures", "noise",
                "design", "sampling"):
        module = importlib.import_module(f"bayesreg.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__():
    return __all__
