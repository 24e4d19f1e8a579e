# %% [markdown]
# # 1. Why regularise?
#
# A degree-15 polynomial fitted to 30 noisy points of $\cos(1.5\pi x)$ (scikit-learn's
# "Underfitting vs. Overfitting" example) has 15 coefficients to spend on 30 points. Without any
# constraint it spends them on the noise. Regularisation adds a penalty to the objective,
#
# $$\min_{b_0, \beta}\ \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \text{penalty}(\beta),$$
#
# and in the Bayesian reading the penalty is a prior: a Gaussian prior $\beta_j \sim N(0, \tau^2)$
# gives ridge, a Laplace prior gives the lasso (notebooks 3 and 4).

# %%
import numpy as np
import pandas as pd

import bayesreg
from bayesreg import datasets, mapping, plotting

pd.set_option("display.float_format", "{:.4g}".format)

data = datasets.make_cosine()  # n = 30, noise sd 0.1, seed 0: the scikit-learn example's data
x, y = data.X[:, 0], data.y
X15 = datasets.polynomial_features(x, degree=15)  # x, x^2, ..., x^15 (the intercept is separate)
X15.shape

# %% [markdown]
# ## Two fits: a flat prior and a Gaussian prior
#
# A flat prior on $\beta$ makes the MAP the least-squares fit. A Gaussian prior with
# $\tau = 3$ and the true noise $\sigma = 0.1$ makes it ridge with scikit-learn's
# $\alpha = \sigma^2/\tau^2$; `bayesreg.mapping` does the conversion (in the package's own
# convention, with the $1/(2n)$ data term, the same prior is `L2(alpha = sigma^2 / (n tau^2))`).

# %%
sigma, tau = 0.1, 3.0
prior = bayesreg.Gaussian(tau)
penalty = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=x.size)
print(prior, "->", penalty, "| scikit-learn Ridge alpha =", mapping.ridge_alpha(tau, sigma=sigma))

flat = bayesreg.ridge(X15, y, 0.0, method="svd")  # least squares (minimum-norm), the flat-prior MAP
gauss = bayesreg.ridge(X15, y, penalty.alpha)  # the Gaussian-prior MAP

# %%
plotting.plot_overfitting(data, degree=15, prior_scale=tau, sigma=sigma);

# %% [markdown]
# ## The coefficients
#
# The unregularised fit reaches its wiggles with coefficients of order $10^{10}$ that cancel
# each other; the Gaussian prior keeps them of order one. scikit-learn's `Ridge` at the mapped
# alpha gives the same coefficients as the package.

# %%
from sklearn.linear_model import Ridge

sk = mapping.to_sklearn(prior, sigma=sigma, n_samples=x.size, solver="svd").fit(X15, y)
assert isinstance(sk, Ridge)
table = pd.DataFrame(
    {"flat prior": flat.coef, "Gaussian prior": gauss.coef, "sklearn Ridge": sk.coef_},
    index=[f"x^{k}" for k in range(1, 16)],
)
table.T

# %%
print("largest |difference| bayesreg vs sklearn Ridge:", np.max(np.abs(gauss.coef - sk.coef_)))

# %% [markdown]
# ## Error away from the data
#
# On a fine grid of $[0, 1]$ against the noiseless curve: the flat-prior fit has the smaller
# training error and a far larger error between the points.

# %%
grid = np.linspace(0, 1, 500)
G15 = datasets.polynomial_features(grid, 15)
truth = datasets.cosine_function(grid)


def errors(fit):
    train = np.mean((X15 @ fit.coef + fit.intercept - y) ** 2)
    between = np.mean((G15 @ fit.coef + fit.intercept - truth) ** 2)
    return train, between


pd.DataFrame(
    {"training MSE": [errors(flat)[0], errors(gauss)[0]], "MSE against the curve": [errors(flat)[1], errors(gauss)[1]]},
    index=["flat prior", "Gaussian prior"],
)

# %% [markdown]
# The penalty (the prior) trades a little training error for a fit that generalises. Notebook 2
# looks at the L1 penalty analytically, notebook 3 at its prior.
