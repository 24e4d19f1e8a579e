# %% [markdown]
# # 2. The L1 penalty, analytically
#
# The lasso solves
#
# $$\min_{b_0, \beta}\ \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \alpha\lVert\beta\rVert_1 ,$$
#
# scikit-learn's `Lasso` objective and this package's convention. This notebook follows the
# analytical view: the constraint picture, why there is no closed form in general, the closed
# form for an orthogonal design, and coordinate descent with soft-thresholding, written from
# scratch and checked against scikit-learn.

# %%
import numpy as np
import pandas as pd
from sklearn.linear_model import Lasso

import bayesreg
from bayesreg import datasets, plotting

pd.set_option("display.float_format", "{:.6g}".format)

# %% [markdown]
# ## Penalty and constraint: the Lagrangian view
#
# For every $\alpha > 0$ there is a budget $t$ such that the penalised problem and
#
# $$\min_\beta\ \lVert y - X\beta\rVert^2 \quad\text{subject to}\quad \lVert\beta\rVert_1 \le t$$
#
# have the same solution: $\alpha$ is the Lagrange multiplier of the constraint, and $t$ is the
# L1 norm of the penalised solution. The solution is where the smallest least-squares contour
# touches the region. The L1 region is a diamond whose corners lie on the axes, so the contact is
# often at a corner, where a coefficient is exactly zero; the L2 disc has no corners.

# %%
import matplotlib.pyplot as plt

X2, y2 = plotting.two_feature_example()  # two correlated features, true coefficients (2, 0.6), no intercept
fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
plotting.plot_constraint_region(X2, y2, penalty="l1", ax=axes[0])
plotting.plot_constraint_region(X2, y2, penalty="l2", ax=axes[1])
fig.tight_layout()

# %% [markdown]
# ## Why there is no closed form
#
# $|\beta_j|$ is not differentiable at 0: its left derivative is $-1$, its right derivative $+1$.
# Its *subdifferential* there is the whole interval $[-1, 1]$, and the optimality condition
# becomes an inclusion,
#
# $$\frac{1}{n} x_j^T (y - X\beta) \in \alpha\,\partial|\beta_j| =
# \begin{cases} \{\alpha\,\mathrm{sign}(\beta_j)\} & \beta_j \ne 0 \\ [-\alpha, \alpha] & \beta_j = 0 \end{cases}$$
#
# which is piecewise: which coefficients are zero is part of the answer, so no single formula
# gives $\beta$ (unlike ridge, notebook 4). For **one** coefficient (or columns that do not
# interact) it can be solved: with $z = x^T y / n$ and $x^T x / n = 1$, the solution is the
# soft-thresholding of the least-squares estimate,
#
# $$\hat\beta = S(z, \alpha) = \mathrm{sign}(z)\max(|z| - \alpha, 0).$$

# %%
plotting.plot_soft_threshold(1.0);

# %% [markdown]
# ## The orthogonal design: a closed form
#
# When the centred columns are orthogonal, $X^T X = \mathrm{diag}(d)$, the objective separates
# into one-coordinate problems and $\hat\beta_j = S(x_j^T y / n, \alpha) / (d_j / n)$.
# `bayesreg.orthogonal_lasso` computes it; scikit-learn's iterative solver agrees.

# %%
rng = np.random.default_rng(0)
n, p = 100, 6
Q, _ = np.linalg.qr(rng.standard_normal((n, p)) - rng.standard_normal((n, p)).mean(axis=0))
Q -= Q.mean(axis=0)  # centre, then re-orthogonalise: columns orthogonal *after* centring
Q, _ = np.linalg.qr(Q)
X_orth = Q * np.sqrt(n) * np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0])  # orthogonal, unequal norms
beta_true = np.array([1.5, -0.5, 0.0, 0.2, 0.0, -1.0])
y_orth = 3.0 + X_orth @ beta_true + 0.5 * rng.standard_normal(n)

alpha = 0.3
closed = bayesreg.orthogonal_lasso(X_orth, y_orth, alpha)
sk = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X_orth, y_orth)
pd.DataFrame({"closed form": closed.coef, "sklearn Lasso": sk.coef_, "truth": beta_true})

# %% [markdown]
# ## Coordinate descent from scratch
#
# Coordinate descent minimises over one coordinate at a time with the others fixed; each step is
# the one-coordinate problem above. With the partial residual $r_j = y - \sum_{k \ne j} x_k\beta_k$
# (after centring $X$ and $y$, which is what an unpenalised intercept does),
#
# $$\beta_j \leftarrow \frac{S(x_j^T r_j / n,\ \alpha)}{x_j^T x_j / n}.$$
#
# Here it is in a dozen lines of NumPy.

# %%
def soft_threshold(z, a):
    return np.sign(z) * np.maximum(np.abs(z) - a, 0.0)


def lasso_cd(X, y, alpha, n_sweeps=100, return_path=False):
    """Cyclic coordinate descent for (1/(2n))||y - b0 - X b||^2 + alpha ||b||_1."""
    n, p = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # the intercept, unpenalised, is handled by centring
    col2 = (Xc**2).sum(axis=0) / n
    beta = np.zeros(p)
    r = yc.copy()  # residual y - X beta, kept up to date
    path = [beta.copy()]
    for _ in range(n_sweeps):
        for j in range(p):
            r += Xc[:, j] * beta[j]  # partial residual without coordinate j
            beta[j] = soft_threshold(Xc[:, j] @ r / n, alpha) / col2[j]
            r -= Xc[:, j] * beta[j]
            path.append(beta.copy())
    intercept = y_mean - x_mean @ beta
    return (beta, intercept, np.array(path)) if return_path else (beta, intercept)

# %% [markdown]
# ### The article's example: $\lambda = 1$
#
# The article writes coordinate descent for the sum-of-squares objective with no intercept,
#
# $$\tfrac12\lVert y - X\beta\rVert^2 + \lambda\lVert\beta\rVert_1
#   \quad\Longrightarrow\quad \beta_j \leftarrow \frac{S(x_j^T r_j,\ \lambda)}{x_j^T x_j},$$
#
# runs it at $\lambda = 1$ on two standard-normal features with coefficients $(1, 2)$, and reports
# $(1.00, 2.00)$ from scratch against $(1.11, 2.04)$ from scikit-learn's `Lasso(alpha=1)`. Its data
# are not published, so here is the same set-up on seeded data (100 rows, unit noise), with both
# answers side by side.

# %%
def lasso_cd_sum(X, y, lam, n_sweeps=100):
    """The article's coordinate descent: (1/2)||y - X b||^2 + lam ||b||_1, no intercept."""
    beta = np.zeros(X.shape[1])
    r = y - X @ beta
    path = [beta.copy()]
    for _ in range(n_sweeps):
        for j in range(X.shape[1]):
            r += X[:, j] * beta[j]
            beta[j] = soft_threshold(X[:, j] @ r, lam) / (X[:, j] @ X[:, j])
            r -= X[:, j] * beta[j]
            path.append(beta.copy())
    return beta, np.array(path)


rng = np.random.default_rng(1)
X_two = rng.standard_normal((100, 2))
y_two = X_two @ np.array([1.0, 2.0]) + rng.standard_normal(100)
n_two, lam = len(y_two), 1.0

b_article, path = lasso_cd_sum(X_two, y_two, lam)
sk_default = Lasso(alpha=lam).fit(X_two, y_two)  # what the article ran: alpha = 1, an intercept fitted
pd.DataFrame({"from scratch, lambda = 1": b_article, "sklearn Lasso(alpha=1)": sk_default.coef_},
             index=["beta_1", "beta_2"])

# %% [markdown]
# Two different answers, because they solve two different problems. scikit-learn minimises
# $\frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \alpha\lVert\beta\rVert_1$: a **mean** of squares
# (the $1/n$) and an **intercept** $b_0$. Dividing the article's objective by $n$ (which does not
# move its minimiser) gives $\frac{1}{2n}\lVert y - X\beta\rVert^2 + \frac{\lambda}{n}\lVert\beta\rVert_1$:
# scikit-learn's objective at $\alpha = \lambda / n = 0.01$ **without** the intercept. The check,
# computed: scikit-learn at that $\alpha$ with `fit_intercept=False` reproduces the from-scratch
# answer to the solver tolerance, and each of the two differences alone moves it.

# %%
fits = {
    "from scratch, lambda=1": (b_article, 0.0),
    "sklearn alpha=lambda/n, no intercept": Lasso(alpha=lam / n_two, fit_intercept=False, tol=1e-14,
                                                   max_iter=100_000),  # the same problem
    "sklearn alpha=lambda/n, intercept": Lasso(alpha=lam / n_two, tol=1e-14, max_iter=100_000),
    "sklearn alpha=1, no intercept": Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=100_000),
    "sklearn alpha=1, intercept (default)": Lasso(alpha=lam, tol=1e-14, max_iter=100_000),
}
rows = {}
for label, fit in fits.items():
    if isinstance(fit, Lasso):
        fit = fit.fit(X_two, y_two)
        fit = (fit.coef_, fit.intercept_)
    b, b0 = fit
    res = y_two - b0 - X_two @ b
    rows[label] = {
        "beta_1": b[0], "beta_2": b[1], "intercept": b0,
        # the two objectives at this point: the article's (sum, no intercept), sklearn's at alpha = 1 (mean)
        "article objective": 0.5 * np.sum((y_two - X_two @ b) ** 2) + lam * np.abs(b).sum(),
        "sklearn objective": 0.5 * np.mean(res**2) + lam * np.abs(b).sum(),
    }
compare = pd.DataFrame(rows).T
compare

# %%
same = Lasso(alpha=lam / n_two, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X_two, y_two)
print("max |from scratch - sklearn at alpha = lambda/n, no intercept| =", np.max(np.abs(b_article - same.coef_)))
print("max |from scratch - sklearn Lasso(alpha=1)|                    =", np.max(np.abs(b_article - sk_default.coef_)))
print("each point is the minimum of its own objective:",
      compare["article objective"].idxmin() == "from scratch, lambda=1",
      compare["sklearn objective"].idxmin() == "sklearn alpha=1, intercept (default)")

# %% [markdown]
# The two answers are two points of one lasso path: the from-scratch one at $\alpha = \lambda/n$,
# scikit-learn's at $\alpha = \lambda$, a hundred times more penalty. (The path is computed
# without an intercept; these features have means near zero, so the intercept moves the
# coefficients little, as the table shows.) The article's gap is smaller than this one; without
# its data its numbers cannot be recomputed, but the two objectives it compares are these.

# %%
import matplotlib.pyplot as plt
from sklearn.linear_model import lasso_path

alphas, coefs, _ = lasso_path(X_two, y_two, alphas=np.logspace(-3, 0.5, 80), tol=1e-12, max_iter=100_000)
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for j, color in enumerate(["C0", "C1"]):
    ax.plot(alphas, coefs[j], color=color, lw=1.8, label=f"path, beta_{j + 1}")
ax.plot([lam / n_two] * 2, b_article, "o", color="C3", ms=8, mfc="none", mew=2,
        label=r"from scratch, $\lambda$ = 1 ($\alpha = \lambda/n$)")
ax.plot([lam] * 2, [compare.loc["sklearn alpha=1, no intercept", c] for c in ("beta_1", "beta_2")], "s",
        color="k", ms=7, mfc="none", mew=2, label="sklearn alpha = 1 (no intercept)")
ax.set_xscale("log")
ax.axhline(0, color="0.6", lw=0.6)
ax.set_xlabel(r"scikit-learn $\alpha$ (mean-of-squares scale)")
ax.set_ylabel("coefficient")
ax.set_title("one lasso path, two penalties", fontsize=10)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
fig.tight_layout()

# %% [markdown]
# The first sweeps of the article's descent over the objective's contours (its iterates are
# those of scikit-learn's convention at $\alpha = \lambda/n$: the update
# $S(x_j^T r_j, \lambda)/(x_j^T x_j)$ is $S(x_j^T r_j/n, \lambda/n)/(x_j^T x_j/n)$). Each update
# moves along one axis.

# %%
plotting.plot_coordinate_descent_path(X_two, y_two, lam / n_two, path=path[:9]);

# %% [markdown]
# In scikit-learn's own convention, the mean of squares with an intercept handled by centring
# (the `lasso_cd` above), the from-scratch solution, `bayesreg.lasso` and scikit-learn agree to
# the solver tolerance at any $\alpha$:
#
# ### The diabetes data
#
# Ten correlated features; `bayesreg.lasso` also reports its duality gap, a
# certificate that the objective is within `gap` of the optimum.

# %%
diabetes = datasets.load_diabetes()
Xd, yd = diabetes.X, diabetes.y
alpha = 0.5
b_scratch, b0_scratch = lasso_cd(Xd, yd, alpha, n_sweeps=2000)
sk = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(Xd, yd)
ours = bayesreg.lasso(Xd, yd, alpha, tol=1e-12)
print(ours)
pd.DataFrame({"from scratch": b_scratch, "bayesreg.lasso": ours.coef, "sklearn Lasso": sk.coef_},
             index=diabetes.feature_names)

# %%
print("max |scratch - sklearn|  =", np.max(np.abs(b_scratch - sk.coef_)))
print("max |bayesreg - sklearn| =", np.max(np.abs(ours.coef - sk.coef_)))

# %% [markdown]
# ### The optimality conditions hold
#
# At the solution, the correlation of each column with the residual, $x_j^T r / n$, equals
# $\alpha\,\mathrm{sign}(\beta_j)$ for the non-zero coefficients and lies in $[-\alpha, \alpha]$ for
# the zero ones: the subgradient condition above.

# %%
r = yd - ours.intercept - Xd @ ours.coef
pd.DataFrame({"beta": ours.coef, "x_j^T r / n": Xd.T @ r / len(yd), "alpha * sign(beta)": alpha * np.sign(ours.coef)},
             index=diabetes.feature_names)

# %% [markdown]
# Next, notebook 3: the same problem as a Bayesian MAP under a Laplace prior.
