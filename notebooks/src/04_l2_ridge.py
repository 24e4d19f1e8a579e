# %% [markdown]
# # 4. The L2 penalty: closed form, Gaussian prior, exact posterior
#
# Ridge regression minimises $\lVert y - X\beta\rVert^2 + \lambda\lVert\beta\rVert_2^2$
# (scikit-learn's `Ridge` objective, $\lambda$ = its `alpha`). Unlike the L1 penalty, this one is
# differentiable, so setting the gradient to zero gives a closed form:
#
# $$-2X^T(y - X\beta) + 2\lambda\beta = 0 \quad\Longrightarrow\quad \hat\beta = (X^TX + \lambda I)^{-1}X^Ty .$$
#
# $X^TX + \lambda I$ is positive definite for every $\lambda > 0$, so it is solved by a Cholesky
# factorisation (never an explicit inverse).

# %%
import os

import numpy as np
import pandas as pd
from scipy.linalg import cho_factor, cho_solve
from sklearn.linear_model import Ridge

import bayesreg
from bayesreg import datasets, mapping, plotting

FAST = os.environ.get("BAYESREG_FAST") == "1"
pd.set_option("display.float_format", "{:.6g}".format)

# %% [markdown]
# ## The closed form against scikit-learn
#
# The article's example: 100 rows, two standard-normal features, coefficients $(2, 3)$ and
# $\lambda = 1$. Its closed form and scikit-learn's `Ridge` came out close but not equal because
# `Ridge` fits an intercept (unpenalised: it centres $X$ and $y$) while the formula above has
# none. Centre first, or switch the intercept off, and they agree to rounding.

# %%
rng = np.random.default_rng(0)
X2 = rng.standard_normal((100, 2))
y2 = X2 @ np.array([2.0, 3.0]) + 0.5 + rng.standard_normal(100)  # note the offset 0.5
lam = 1.0


def ridge_closed_form(X, y, lam):
    return cho_solve(cho_factor(X.T @ X + lam * np.eye(X.shape[1])), X.T @ y)


Xc, yc = X2 - X2.mean(axis=0), y2 - y2.mean()
pd.DataFrame(
    {
        "closed form, raw X": ridge_closed_form(X2, y2, lam),
        "Ridge(fit_intercept=False)": Ridge(alpha=lam, fit_intercept=False).fit(X2, y2).coef_,
        "closed form, centred X": ridge_closed_form(Xc, yc, lam),
        "Ridge (with intercept)": Ridge(alpha=lam).fit(X2, y2).coef_,
    },
    index=["beta_1", "beta_2"],
).T

# %% [markdown]
# ## The Gaussian prior is the L2 penalty
#
# With $\beta_j \sim N(0, \tau^2)$ and a flat prior on the intercept,
#
# $$-\log p(\beta \mid y) = \frac{1}{2\sigma^2}\lVert y - b_0 - X\beta\rVert^2 + \frac{1}{2\tau^2}\lVert\beta\rVert^2 + C ;$$
#
# times $2\sigma^2$ this is `Ridge` with $\alpha = \sigma^2/\tau^2$ (no $1/n$, unlike the Lasso:
# the same word *alpha* means different things in the two scikit-learn estimators, and
# `bayesreg.mapping` owns the difference). The Gaussian density is smooth at zero, like its
# negative log $\beta^2/(2\tau^2)$: nothing is set exactly to zero.

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
plotting.plot_prior_densities(1.0, ax=axes[0])
plotting.plot_prior_densities(1.0, penalty=True, ax=axes[1])
fig.tight_layout()

# %% [markdown]
# ## Ridge, the exact MAP and find_MAP on the diabetes data

# %%
d = datasets.load_diabetes()
X, y, names = d.features, d.y, list(d.feature_names)  # a DataFrame: results carry the names
n = len(y)
sigma, tau = 54.0, 100.0
prior = bayesreg.Gaussian(tau)
print("Ridge alpha = sigma^2 / tau^2 =", mapping.ridge_alpha(tau, sigma=sigma))
report = bayesreg.check_equivalence(X, y, prior, sigma=sigma)
report

# %%
plotting.plot_map_vs_sklearn(report);

# %% [markdown]
# ## The exact posterior
#
# A Gaussian prior with $\sigma$ fixed is conjugate: the posterior of $\beta$ is Gaussian,
#
# $$\beta \mid y \sim N\big(m,\ \sigma^2 M^{-1}\big),\qquad M = X_c^TX_c + \tfrac{\sigma^2}{\tau^2} I,\quad m = M^{-1}X_c^Ty_c ,$$
#
# whose mean (and mode, and median) is the ridge solution. `bayesreg.exact_posterior` computes it
# from one Cholesky factor and draws from it exactly.

# %%
post = bayesreg.exact_posterior(X, y, prior, sigma=sigma)
sk = mapping.to_sklearn(prior, sigma=sigma, n_samples=n).fit(X, y)
print("max |posterior mean - Ridge|:", np.max(np.abs(post.mean - sk.coef_)))
post.summary()

# %% [markdown]
# A sampler knows nothing of the closed form: its draws should agree with it within Monte Carlo
# error. The Gibbs sampler (`sampler="gibbs"`; `"auto"` would draw from the closed form itself) against
# the exact moments:

# %%
draws = 500 if FAST else 2000
idata = bayesreg.sample_posterior(X, y, prior, sigma=sigma, sampler="gibbs", draws=draws, chains=2, random_seed=1,
                                  progressbar=False)
import arviz as az

summ = az.summary(idata, var_names=["beta"], kind="all")
check = pd.DataFrame(
    {
        "exact mean": post.mean,
        "sampled mean": summ["mean"].to_numpy(),
        "MC s.e.": summ["mcse_mean"].to_numpy(),
        "exact sd": post.sd,
        "sampled sd": summ["sd"].to_numpy(),
    },
    index=names,
)
check["|diff| / MC s.e."] = np.abs(check["exact mean"] - check["sampled mean"]) / check["MC s.e."]
check

# %%
plotting.plot_credible_intervals(idata, point_estimates={"Ridge": sk.coef_}, hdi_prob=0.95);

# %% [markdown]
# The L2 penalty shrinks every coefficient a little and none to zero; the posterior adds
# intervals around the ridge estimate. Notebook 5 compares the full posteriors under the two
# priors.
