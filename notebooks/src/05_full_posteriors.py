# %% [markdown]
# # 5. Past the MAP: full posteriors under Laplace and Gaussian priors
#
# The MAP is one point of the posterior. Sampling the whole posterior shows how each prior
# shrinks the coefficients, how uncertain they are, and one fact the MAP hides: **the posterior
# mean of a Laplace model is never sparse, while its mode is.** The Laplace prior puts no mass
# exactly at zero, so no posterior draw is exactly zero; the lasso's zeros belong to the mode.

# %%
import os

import arviz as az
import numpy as np
import pandas as pd

import bayesreg
from bayesreg import datasets, plotting

FAST = os.environ.get("BAYESREG_FAST") == "1"
DRAWS = 300 if FAST else 2000
N_SCALES = 4 if FAST else 10
pd.set_option("display.float_format", "{:.4g}".format)

d = datasets.load_diabetes()
X, y, names = d.features, d.y, list(d.feature_names)  # a DataFrame: results carry the names
sigma = 54.0  # fixed: then the MAP is exactly the lasso / ridge fit

# %% [markdown]
# ## Two priors of the same spread
#
# A Laplace prior of scale $b = 20$ and a Gaussian prior with the same standard deviation,
# $\tau = \sqrt 2\, b$. Both posteriors are sampled by the package's Gibbs samplers.

# %%
b = 20.0
laplace, gaussian = bayesreg.Laplace(b), bayesreg.Gaussian(np.sqrt(2) * b)
idata = {
    "Laplace": bayesreg.sample_posterior(X, y, laplace, sigma=sigma, draws=DRAWS, chains=4, random_seed=1,
                                         progressbar=False),
    "Gaussian": bayesreg.sample_posterior(X, y, gaussian, sigma=sigma, draws=DRAWS, chains=4, random_seed=2,
                                          progressbar=False),
}
az.summary(idata["Laplace"], var_names=["beta"], kind="diagnostics")

# %% [markdown]
# ## The mode is sparse, the mean is not

# %%
mode = bayesreg.map_estimate(X, y, laplace, sigma=sigma)
beta = idata["Laplace"].posterior["beta"]
table = pd.DataFrame(
    {
        "MAP (lasso)": mode.coef,
        "posterior mean": beta.mean(("chain", "draw")).values,
        "posterior median": beta.median(("chain", "draw")).values,
        "P(beta > 0)": (beta > 0).mean(("chain", "draw")).values,
        "draws exactly 0": (beta == 0).sum(("chain", "draw")).values,
    },
    index=names,
)
table

# %% [markdown]
# Where the MAP is zero the posterior mean is small but not zero, and the posterior puts mass on
# both signs. The draws themselves are never exactly zero.
#
# ## Shrinkage along the prior scale
#
# Over a grid of prior scales: on the left the MAP (for the Laplace prior, the lasso path with its
# exact zeros; for the Gaussian, the ridge path), in the middle the posterior mean and its 94% HDI.
# For the Laplace prior a third panel takes every point where the MAP is exactly zero and draws
# the size of the posterior mean there on a log scale: never zero. The Gaussian prior with
# $\sigma$ fixed is conjugate, so its middle panel is exact and equals its left: mean = mode.

# %%
scales = b * np.logspace(-1, 1, N_SCALES)
shrink = {
    "Laplace": bayesreg.shrinkage_table(X, y, "laplace", scales=scales, sigma=sigma, draws=2 * DRAWS,
                                        tune=DRAWS, chains=4, random_seed=3, progressbar=False),
    "Gaussian": bayesreg.shrinkage_table(X, y, "gaussian", scales=np.sqrt(2) * scales, sigma=sigma,
                                         progressbar=False),
}
plotting.plot_shrinkage(shrink["Laplace"], xlabel="Laplace scale b", title="Laplace prior", zeros=True);

# %%
plotting.plot_shrinkage(shrink["Gaussian"], xlabel=r"Gaussian sd $\tau$", title="Gaussian prior");

# %% [markdown]
# ## The two posteriors side by side
#
# ArviZ's forest and density plots of both models. With the same prior sd, the two priors
# shrink very differently: the Laplace prior, peaked at zero, pulls the small coefficients
# towards zero, while its heavy (exponential) tail leaves the large ones (`bmi`, `s5`) nearly
# where the data put them. The Gaussian prior's light tail pulls the large coefficients down to a
# third of their size and lets the small ones wander away from zero.

# %%
plotting.plot_posterior_forest(idata);

# %%
plotting.plot_posterior_density(idata);

# %% [markdown]
# ## Which prior predicts better? LOO
#
# Both InferenceData carry the pointwise log-likelihood, so PSIS-LOO compares them on expected
# log predictive density.

# %%
comparison = az.compare(idata)
comparison

# %%
plotting.plot_loo_compare(comparison);

# %% [markdown]
# At the same prior sd the Laplace model predicts clearly better (its `elpd_loo` is higher by
# several standard errors, `dse`): a Gaussian prior narrow enough to quiet the small coefficients
# is too narrow for the large ones. A Gaussian prior needs its own, wider scale (notebook 6 picks
# it by the marginal likelihood), where the Laplace prior handles both kinds of coefficient with
# one scale.
