# %% [markdown]
# # 7. L1 and L2 logistic regression as MAP estimates
#
# The L1/L2 story of notebooks 3 and 4 holds for logistic regression too. With labels
# $y_i \in \{0, 1\}$, $P(y_i = 1) = \sigma(b_0 + x_i^\top\beta)$ (the logistic function) and a flat
# prior on the intercept $b_0$,
#
# - a **Laplace(0, b)** prior on each $\beta_j$ gives $-\log p(\beta \mid y) = \sum_i \ell_i(\beta)
#   + \lVert\beta\rVert_1 / b + $ const, where $\ell_i$ is the log-loss: scikit-learn's
#   `LogisticRegression` with the L1 penalty and **C = b**;
# - a **Gaussian(0, tau)** prior gives $\sum_i \ell_i + \lVert\beta\rVert_2^2/(2\tau^2)$: the L2
#   penalty with **C = tau^2**.
#
# There is no noise scale $\sigma$, so there is no $n$ or $\sigma^2$ in these conversions. One
# catch: the flat prior on $b_0$ means an **unpenalised intercept**. scikit-learn's `saga`, `lbfgs`
# and `newton-cholesky` solvers leave the intercept unpenalised; `liblinear` appends a constant
# column and penalises its coefficient like any other, so it solves a different problem (the
# MAP under a prior on the intercept too). `bayesreg.mapping.to_sklearn_glm` never picks it.
#
# The data: scikit-learn's breast cancer data, 569 tumours, 30 features standardised (so one
# prior scale suits every coefficient), $y = 1$ for benign.

# %%
import os

import numpy as np
import pandas as pd
from scipy.special import expit

import bayesreg
from bayesreg import datasets, mapping, plotting

FAST = os.environ.get("BAYESREG_FAST") == "1"
DRAWS = 300 if FAST else 2000
N_SCALES = 4 if FAST else 8
LEVEL = 0.94
pd.set_option("display.float_format", "{:.5g}".format)

d = datasets.load_breast_cancer()
X, y, names = d.features, d.y, list(d.feature_names)
n, p = X.shape
print(f"{n} tumours, {p} features; {int(y.sum())} benign (y = 1), {int(n - y.sum())} malignant (y = 0)")

# %% [markdown]
# ## L1: the exact MAP, find_MAP and scikit-learn
#
# `map_estimate(..., family="bernoulli")` solves the penalised logistic regression exactly
# (proximal Newton, stopped by a duality gap); `find_map` runs PyMC's optimiser on the model of
# `build_model(..., family="bernoulli")`; scikit-learn's estimator comes from the mapping.

# %%
b = 0.2
laplace = bayesreg.Laplace(b)
exact = bayesreg.map_estimate(X, y, laplace, family="bernoulli")
fm = bayesreg.find_map(bayesreg.build_model(X, y, laplace, family="bernoulli"))
sk = mapping.to_sklearn_glm(laplace, family="bernoulli", n_samples=n, tol=1e-12, max_iter=100_000).fit(X, y)
l1 = pd.DataFrame({"exact MAP": np.r_[exact.coef, exact.intercept], "find_MAP": np.r_[fm.coef, fm.intercept],
                   "scikit-learn": np.r_[sk.coef_[0], sk.intercept_[0]]}, index=[*names, "intercept"])
print(sk)
print(f"exact MAP: {exact.support.size} of {p} coefficients non-zero, duality gap {exact.gap:.2g}")
print(f"largest |exact MAP - scikit-learn| = {np.max(np.abs(l1['exact MAP'] - l1['scikit-learn'])):.2g}, "
      f"|exact MAP - find_MAP| = {np.max(np.abs(l1['exact MAP'] - l1['find_MAP'])):.2g}")
l1[l1["exact MAP"] != 0]

# %% [markdown]
# The three agree; find_MAP's zeros are tiny numbers (a gradient method cannot land exactly on
# the kink of $|\beta_j|$). `check_equivalence` runs the same comparison with its checks:

# %%
bayesreg.check_equivalence(X, y, laplace, family="bernoulli", find_map=False)

# %% [markdown]
# ## L2: a Gaussian prior is C = tau^2
#
# The exact MAP against scikit-learn's `newton-cholesky` solver (Newton steps with a Cholesky
# factorisation: it converges to rounding). Its quasi-Newton `lbfgs` solver solves the same
# problem but may stop short of the optimum on these strongly correlated features; the objective
# (mean log-loss plus penalty) says which point is lower.

# %%
from sklearn.linear_model import LogisticRegression

tau = 1.0
l2_map = bayesreg.map_estimate(X, y, bayesreg.Gaussian(tau), family="bernoulli")
l2 = {}
for solver in ("newton-cholesky", "lbfgs"):
    est = LogisticRegression(C=tau**2, l1_ratio=0.0, solver=solver, tol=1e-12, max_iter=100_000).fit(X, y)
    eta = est.intercept_[0] + np.asarray(X, dtype=np.float64) @ est.coef_[0]
    l2[f"scikit-learn {solver}"] = {
        "max relative |coef - exact MAP|": np.max(np.abs(est.coef_[0] - l2_map.coef)) / np.max(np.abs(l2_map.coef)),
        "objective": np.mean(np.logaddexp(0.0, eta) - y * eta) + np.sum(est.coef_[0] ** 2) / (2 * tau**2 * n),
    }
l2["exact MAP"] = {"max relative |coef - exact MAP|": 0.0, "objective": l2_map.objective}
print(f"L2 MAP: {np.count_nonzero(l2_map.coef)} of {p} non-zero (a Gaussian prior sets nothing to zero)")
pd.DataFrame(l2).T.style.format("{:.12g}")

# %% [markdown]
# ## The posterior
#
# `sample_posterior(..., family="bernoulli")` samples the Laplace-prior logistic model with the
# Polya-Gamma Gibbs sampler (Polson, Scott and Windle 2013). The posterior mean is never sparse;
# the intervals say which coefficients the data pin down.

# %%
idata = bayesreg.sample_posterior(X, y, laplace, family="bernoulli", draws=DRAWS, tune=1000, chains=4,
                                  random_seed=7, progressbar=False)
plotting.plot_credible_intervals(idata, hdi_prob=LEVEL, point_estimates={"exact MAP (L1)": exact.coef,
                                                                        "scikit-learn L1": sk.coef_[0]});

# %% [markdown]
# ## Shrinkage: the MAP path beside the posterior
#
# Over a grid of Laplace scales $b$ (= C), the L1 MAP drops coefficients to exactly zero while
# the posterior mean only shrinks them; the third panel shows the posterior median where the
# MAP is zero. The eight features largest at the MAP are drawn.

# %%
top = [names[j] for j in np.argsort(-np.abs(exact.coef))[:8]]
table = bayesreg.shrinkage_table(X, y, "laplace", scales=b * np.logspace(-1, 1, N_SCALES), family="bernoulli",
                                 draws=DRAWS, tune=500, chains=2, random_seed=3, hdi_prob=LEVEL,
                                 progressbar=False)
fig = plotting.plot_shrinkage(table, features=top, zeros=True, xlabel="Laplace scale b (= C)",
                              title="L1 logistic regression: MAP path | posterior mean and HDI")
for ax in fig.axes[:3]:
    ax.axvline(b, color="k", ls="--", lw=1)

# %% [markdown]
# ## Calibrated probabilities
#
# The posterior mean of $P(y_i = 1)$ averages the logistic curve over the draws. Binned against
# the observed frequency of benign tumours (in sample), a calibrated model lies on the diagonal;
# the bars are 95% Wilson intervals, what binomial noise alone allows in each bin.

# %%
post = idata.posterior
beta = post["beta"].stack(sample=("chain", "draw")).transpose("sample", "feature").values
b0 = post["intercept"].stack(sample=("chain", "draw")).values
prob = expit(b0[:, None] + beta @ np.asarray(X, dtype=np.float64).T).mean(axis=0)
prob_map = expit(exact.intercept + np.asarray(X, dtype=np.float64) @ exact.coef)
bins = bayesreg.figures.calibration_bins(prob, y, n_bins=10)
ax = plotting.plot_calibration(bins, label="posterior mean probability")
print(f"Brier score: posterior mean {np.mean((prob - y) ** 2):.4f}, exact MAP {np.mean((prob_map - y) ** 2):.4f}")
pd.DataFrame({"predicted": bins.predicted, "observed": bins.observed, "rows": bins.count})
