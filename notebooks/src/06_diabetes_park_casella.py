# %% [markdown]
# # 6. The diabetes data, as in Park and Casella's Bayesian lasso
#
# Park and Casella (2008, *The Bayesian Lasso*, JASA) analyse the diabetes data of Efron et al.
# (2004): 442 patients, ten baseline variables, disease progression after one year. Their model
# is the Bayesian lasso
#
# $$y \mid \beta, \sigma^2 \sim N(b_0 + X\beta, \sigma^2 I), \qquad
#   \beta_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda), \qquad p(\sigma^2) \propto 1/\sigma^2,$$
#
# whose mode for a fixed $\sigma$ is the lasso with $\alpha = \sigma\lambda/n$. They choose
# $\lambda$ two ways, by empirical Bayes (Monte Carlo EM, giving $\lambda = 0.237$) and by a
# Gamma hyperprior on $\lambda^2$, and they compare the posterior medians and 95% intervals with
# the lasso and ridge estimates. This notebook does the same with the package.

# %%
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LassoCV, LinearRegression

import bayesreg
from bayesreg import datasets, figures, mapping, plotting

FAST = os.environ.get("BAYESREG_FAST") == "1"
DRAWS = 300 if FAST else 4000
N_SCALES = 4 if FAST else 12
LEVEL = 0.95  # the one credible level: every interval quoted, drawn or shaded here is this HDI
pd.set_option("display.float_format", "{:.4g}".format)

d = datasets.load_diabetes()  # columns centred, unit Euclidean norm: the scaling of Efron et al.
X, y, names = d.features, d.y, list(d.feature_names)  # a DataFrame: results carry the names
n, p = X.shape

# %% [markdown]
# ## Lambda by empirical Bayes
#
# Monte Carlo EM: alternate a Gibbs run at the current $\lambda$ with the update
# $\lambda^2 = 2p / \sum_j \mathrm{E}[\tau_j^2 \mid y]$ until it settles. Park and Casella report
# $\lambda = 0.237$.

# %%
eb = bayesreg.choose_prior_scale(X, y, "laplace", method="mcem", draws=500 if FAST else 2000, random_seed=11,
                                 progressbar=False)
eb

# %% [markdown]
# ## Lambda by a hyperprior
#
# Instead of a point estimate, put $\lambda^2 \sim \mathrm{Gamma}(1, 1.78)$ (shape 1, rate 1.78,
# Park and Casella's choice) and sample $\lambda$ with everything else.

# %%
hyper_prior = bayesreg.ParkCasella(1.0, lam2_prior=bayesreg.GammaPrior(1.0, 1.78))
idata_hyper = bayesreg.sample_posterior(X, y, hyper_prior, sigma="jeffreys", draws=DRAWS, chains=4, random_seed=5,
                                        progressbar=False)
# the interval quoted and the shading drawn come from the same helper at the same level
lam_iv = figures.posterior_intervals({"hyperprior": idata_hyper}, var_names=["lam"], hdi_prob=LEVEL)
print(f"lambda: MCEM {eb.lam:.3f};  hyperprior posterior median {lam_iv.median[0, 0]:.3f}, "
      f"{LEVEL:.0%} HDI [{lam_iv.low[0, 0]:.3f}, {lam_iv.high[0, 0]:.3f}]")
plotting.plot_posterior_density({"Gamma(1, 1.78) on lambda^2": idata_hyper}, var_names=["lam", "sigma"],
                                hdi_prob=LEVEL, ncols=2);

# %% [markdown]
# ## The Bayesian lasso at the empirical-Bayes lambda, against the lasso and least squares
#
# Park and Casella's Figure 2: posterior medians and 95% intervals, with the least-squares
# estimate, the lasso chosen by cross-validation and the joint posterior mode (a lasso at the
# modal $\sigma$) as markers.

# %%
bl_prior = bayesreg.ParkCasella(eb.lam)
idata_eb = bayesreg.sample_posterior(X, y, bl_prior, sigma="jeffreys", draws=DRAWS, chains=4, random_seed=6,
                                     progressbar=False)
ols = LinearRegression().fit(X, y).coef_
lasso_cv = LassoCV(cv=10).fit(X, y)
mode = bayesreg.map_estimate(X, y, bl_prior, sigma="jeffreys")
plotting.plot_credible_intervals(
    idata_eb, hdi_prob=LEVEL,
    point_estimates={"least squares": ols, f"lasso, 10-fold CV (alpha={lasso_cv.alpha_:.3g})": lasso_cv.coef_,
                     "posterior mode": mode.coef},
);

# %% [markdown]
# Where least squares and the lasso disagree most (`s1`, `s2`, `s3`, `s4`), the posterior medians
# of the Bayesian lasso lie between them, mostly close to the lasso; unlike the lasso they set
# nothing exactly to zero, and the intervals show how little the data say about those four.
#
# ## Ridge with tau by the marginal likelihood
#
# For the Gaussian prior the marginal likelihood $p(y \mid \tau, \sigma)$ is in closed form and is
# maximised over $(\tau, \sigma)$ directly (scikit-learn's `BayesianRidge` finds the same point).

# %%
eb_ridge = bayesreg.choose_prior_scale(X, y, "gaussian", progressbar=False)
ridge_post = bayesreg.exact_posterior(X, y, eb_ridge.prior, sigma=eb_ridge.sigma)
eb_ridge

# %% [markdown]
# ## All the estimates side by side

# %%
bl_median = idata_eb.posterior["beta"].median(("chain", "draw")).values
hyper_median = idata_hyper.posterior["beta"].median(("chain", "draw")).values
estimates = pd.DataFrame(
    {
        "least squares": ols,
        "lasso (CV)": lasso_cv.coef_,
        "Bayesian lasso, EB lambda": bl_median,
        "Bayesian lasso, hyperprior": hyper_median,
        "ridge, EB tau": ridge_post.mean,
    },
    index=names,
)
estimates

# %%
plotting.plot_map_vs_sklearn(estimates);

# %% [markdown]
# ## Estimates against the prior scale
#
# Park and Casella's Figure 1 draws the lasso, the Bayesian lasso and ridge estimates along the
# amount of shrinkage. Here the MAP path (the lasso, and ridge) is beside the posterior median
# and its 95% HDI over a grid of prior scales, with $\sigma$ fixed at its posterior mean; for the
# Laplace prior the third panel shows the posterior median, on a log scale, wherever the lasso is
# exactly zero. The dashed line marks the empirical-Bayes choice.

# %%
sigma_hat = float(idata_eb.posterior["sigma"].mean())
b_eb = sigma_hat / eb.lam  # the Laplace scale of the empirical-Bayes lambda
lap_table = bayesreg.shrinkage_table(X, y, "laplace", scales=b_eb * np.logspace(-1.5, 1, N_SCALES), sigma=sigma_hat,
                                     draws=DRAWS, tune=1000, chains=4, random_seed=7, hdi_prob=LEVEL, progressbar=False)
fig = plotting.plot_shrinkage(lap_table, center="median", xlabel=r"Laplace scale $b = \sigma/\lambda$", zeros=True,
                              title=f"Laplace prior: lasso path | Bayesian lasso median and {LEVEL:.0%} HDI")
for ax in fig.axes[:3]:
    ax.axvline(b_eb, color="k", ls="--", lw=1)

# %%
tau_eb = eb_ridge.scale
ridge_table = bayesreg.shrinkage_table(X, y, "gaussian", scales=tau_eb * np.logspace(-2, 1, N_SCALES),
                                       sigma=eb_ridge.sigma, hdi_prob=LEVEL, progressbar=False)
fig = plotting.plot_shrinkage(ridge_table, center="median", xlabel=r"Gaussian sd $\tau$",
                              title=f"Gaussian prior: ridge path | exact posterior median and {LEVEL:.0%} HDI")
for ax in fig.axes[:2]:
    ax.axvline(tau_eb, color="k", ls="--", lw=1)

# %% [markdown]
# What the two views share: the penalised fits are the modes, and `bayesreg.mapping` converts
# between the prior scales here and scikit-learn's `alpha`:

# %%
pd.DataFrame(
    {
        "prior": [str(mapping.penalty_to_prior(mapping.prior_to_penalty(bayesreg.Laplace(b_eb), sigma=sigma_hat,
                                                                         n_samples=n), sigma=sigma_hat, n_samples=n)),
                  str(eb_ridge.prior)],
        "scikit-learn": [str(mapping.to_sklearn(bayesreg.Laplace(b_eb), sigma=sigma_hat, n_samples=n)),
                         str(mapping.to_sklearn(eb_ridge.prior, sigma=eb_ridge.sigma, n_samples=n))],
    },
    index=["Bayesian lasso (EB lambda)", "ridge (EB tau)"],
)
