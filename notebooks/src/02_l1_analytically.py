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
# ### A two-parameter example
#
# As in the article: two standard-normal features, coefficients $(1, 2)$, and the path of the
# iterates drawn over the objective's contours. Each update moves along one axis.

# %%
rng = np.random.default_rng(1)
X_two = rng.standard_normal((100, 2))
y_two = X_two @ np.array([1.0, 2.0]) + rng.standard_normal(100)
alpha = 0.1

b_scratch, b0_scratch, path = lasso_cd(X_two, y_two, alpha, n_sweeps=8, return_path=True)
sk = Lasso(alpha=alpha, tol=1e-12).fit(X_two, y_two)
ours = bayesreg.lasso(X_two, y_two, alpha, tol=1e-12)
pd.DataFrame(
    {"from scratch (8 sweeps)": [*b_scratch, b0_scratch], "bayesreg.lasso": [*ours.coef, ours.intercept],
     "sklearn Lasso": [*sk.coef_, sk.intercept_]},
    index=["beta_1", "beta_2", "intercept"],
)

# %%
Xc2, yc2 = X_two - X_two.mean(axis=0), y_two - y_two.mean()  # the picture is of the centred problem
plotting.plot_coordinate_descent_path(Xc2, yc2, alpha, path=path[:9]);

# %% [markdown]
# The article reports from-scratch coefficients $(1.00, 2.00)$ against scikit-learn's
# $(1.11, 2.04)$. Such gaps come from solving two different objectives: a sum of squares
# against scikit-learn's mean with its $1/(2n)$, or an intercept fitted by one and not by the
# other. With the same objective the three solutions agree to the solver tolerance.
#
# ### The diabetes data
#
# Ten correlated features, the same comparison; `bayesreg.lasso` also reports its duality gap, a
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
