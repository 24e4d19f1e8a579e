# %% [markdown]
# # 3. MLE against MAP, and the Laplace prior
#
# The linear model $y = b_0 + X\beta + \varepsilon$ with $\varepsilon \sim N(0, \sigma^2 I)$ has the
# likelihood
#
# $$p(y \mid \beta, b_0) = \prod_{i=1}^n \frac{1}{\sqrt{2\pi}\sigma}
#   \exp\Big(-\frac{(y_i - b_0 - x_i^T\beta)^2}{2\sigma^2}\Big).$$
#
# **MLE** maximises it: least squares. **MAP** maximises the posterior
# $p(\beta \mid y) \propto p(y \mid \beta)\,p(\beta)$ (Bayes' theorem), so it needs a prior. With
# independent Laplace priors $p(\beta_j) = \frac{1}{2b}e^{-|\beta_j|/b}$ and a flat prior on $b_0$,
#
# $$-\log p(\beta \mid y) = \frac{1}{2\sigma^2}\lVert y - b_0 - X\beta\rVert^2 + \frac{1}{b}\lVert\beta\rVert_1 + C,$$
#
# and multiplying by $\sigma^2/n$ (which does not move the minimiser) gives scikit-learn's Lasso
# objective with $\alpha = \sigma^2/(n b)$. The equivalence is exact when $\sigma$ is fixed.

# %%
import os

import numpy as np
import pandas as pd

import bayesreg
from bayesreg import datasets, mapping, plotting

FAST = os.environ.get("BAYESREG_FAST") == "1"
pd.set_option("display.float_format", "{:.6g}".format)

# %% [markdown]
# ## The Laplace prior is the L1 penalty
#
# The Laplace density has a cusp at zero; its negative log is $|\beta|/b$, the L1 penalty. The
# Gaussian of the same variance is smooth there (notebook 4).

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
plotting.plot_prior_densities(1.0, ax=axes[0])
plotting.plot_prior_densities(1.0, penalty=True, ax=axes[1])
fig.tight_layout()

# %% [markdown]
# ## The diabetes data: MLE, MAP and the Lasso
#
# Fix $\sigma = 54$ (about the least-squares residual sd) and a Laplace prior of scale $b = 20$.
# `bayesreg.mapping` gives the Lasso's $\alpha$.

# %%
d = datasets.load_diabetes()
X, y, names = d.features, d.y, list(d.feature_names)  # a DataFrame: results carry the names
n = len(y)
sigma, b = 54.0, 20.0
prior = bayesreg.Laplace(b)
print("Lasso alpha = sigma^2 / (n b) =", mapping.lasso_alpha(b, sigma=sigma, n_samples=n))

mle = np.linalg.lstsq(np.c_[np.ones(n), X], y, rcond=None)[0]  # least squares = MLE (flat prior)
map_ = bayesreg.map_estimate(X, y, prior, sigma=sigma)  # exact MAP: coordinate descent, duality-gap certificate
map_

# %% [markdown]
# ## Three routes to the same point
#
# `check_equivalence` solves the problem three ways: scikit-learn's `Lasso` at the mapped alpha,
# the exact MAP, and PyMC's `find_MAP` on the Bayesian model (a general-purpose optimiser on the
# log posterior). It reports the objective of each in one common scale and a verdict with its
# tolerances. find_MAP lands near the mode, but a quasi-Newton method cannot sit exactly on the
# kinks of $|\beta_j|$: its "zeros" come out small instead of zero.

# %%
report = bayesreg.check_equivalence(X, y, prior, sigma=sigma)
report

# %%
table = report.coef_table()
table.insert(0, "MLE (least squares)", np.r_[mle[1:], mle[0]])
table

# %%
plotting.plot_map_vs_sklearn(table.drop(index="intercept"));

# %% [markdown]
# The MLE keeps every feature; the MAP under the Laplace prior sets six of the ten to exactly
# zero, and scikit-learn's Lasso agrees with it to rounding error.
#
# ## The prior scale moves along the lasso path
#
# A smaller $b$ (a prior more concentrated at zero) is a larger $\alpha$: the MAP over a grid of
# $b$ is the lasso path. (Notebook 5 puts the posterior beside it.)

# %%
scales = np.array([2.0, 5.0, 10.0, 20.0, 50.0, 200.0])
path = pd.DataFrame(
    {f"b={s:g}": bayesreg.map_estimate(X, y, bayesreg.Laplace(s), sigma=sigma).coef for s in scales}, index=names
)
path.loc["non-zero"] = (path != 0).sum()
path

# %% [markdown]
# With $\sigma$ free the equivalence is no longer exact: the joint mode of $(\beta, \sigma)$ is the
# Lasso at the modal $\sigma$, which `map_estimate` finds by alternating the two.

# %%
free = bayesreg.map_estimate(X, y, prior, sigma="jeffreys")
print(free)
print("the Lasso at that sigma:", mapping.to_sklearn(prior, sigma=free.sigma, n_samples=n))

# %% [markdown]
# ## One scale per coefficient
#
# Each coefficient can have its own prior scale. `Laplace([b_1, ..., b_p])` puts
# $|\beta_j|/b_j$ in the negative log posterior, so the MAP is the weighted lasso
#
# $$\min_{b_0, \beta}\ \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \frac{\sigma^2}{n}\sum_j \frac{|\beta_j|}{b_j}.$$
#
# A scale of `np.inf` is a flat prior on that coefficient, the prior the intercept has: the
# coefficient is not penalised at all. Writing $\beta_j = c_j\gamma_j$ with $c_j = b_j/\bar b$
# ($\bar b$ the geometric mean of the finite scales) turns the weighted lasso into the plain one at
# $\alpha = \sigma^2/(n\bar b)$ on the columns $c_j x_j$ (`bayesreg.mapping.rescaled_columns`), with
# the unpenalised columns projected out first, as the intercept is. `check_equivalence` fits that
# scikit-learn `Lasso` and compares it with the exact MAP (find_MAP left out here, to keep it quick).
#
# Say bmi is known to matter (unpenalised), s5 gets a wide prior ($b = 100$), sex, bp and s3 keep
# $b = 20$, and age and the other serum measurements a narrow one ($b = 5$).

# %%
own = {"age": 5.0, "sex": 20.0, "bmi": np.inf, "bp": 20.0, "s1": 5.0, "s2": 5.0, "s3": 20.0, "s4": 5.0,
       "s5": 100.0, "s6": 5.0}
weighted = bayesreg.Laplace([own[v] for v in names])
weighted_report = bayesreg.check_equivalence(X, y, weighted, sigma=sigma, find_map=False)
print(weighted_report)

# %%
weighted_map = bayesreg.map_estimate(X, y, weighted, sigma=sigma)
pd.DataFrame(
    {"prior scale": weighted.scale, f"MAP, b = {b:g} for all": map_.coef, "MAP, own scales": weighted_map.coef},
    index=names,
)

# %% [markdown]
# Freed of its penalty, bmi's coefficient grows (from about 500 to 664), and s5's with it under the
# wide prior; bp and s3 shrink, as bmi and s5 now carry part of what they did. The five
# coefficients under narrow priors were zero at $b = 20$ already and stay exactly zero.
