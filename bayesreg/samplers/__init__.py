"""Gibbs samplers for the Bayesian linear model on sufficient statistics.

:func:`sample_gibbs` samples the Gaussian (ridge), Park-Casella and unconditional Laplace
(lasso) and horseshoe priors; :func:`gibbs_supports` says whether a prior has a Gibbs sampler.
:func:`bayesreg.sample_posterior` dispatches here for ``sampler="gibbs"`` (and ``"auto"``).
"""

from .gibbs import GIBBS_PRIORS, gibbs_supports, sample_gibbs

__all__ = ["sample_gibbs", "gibbs_supports", "GIBBS_PRIORS"]
