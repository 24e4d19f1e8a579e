"""``python -m bayesreg.demo``: scikit-learn's Lasso and Ridge against this package's solvers.

On the diabetes data (bundled with scikit-learn), for a Laplace and a Gaussian prior with a
fixed noise scale, the prior is mapped to the penalty (:mod:`bayesreg.mapping`), solved by
this package and by scikit-learn, and the coefficients are printed side by side.
"""

from __future__ import annotations

import numpy as np


def comparison_table(sigma: float = 54.0, laplace_scale: float = 50.0, gaussian_scale: float = 100.0) -> str:
    """Return the comparison as a plain-text table."""
    from sklearn.datasets import load_diabetes

    from . import mapping
    from .priors import Gaussian, Laplace
    from .solvers import ridge, solve

    data = load_diabetes()
    X, y, names = data.data, data.target, data.feature_names
    n = X.shape[0]
    lines = []
    for prior in (Laplace(laplace_scale), Gaussian(gaussian_scale)):
        pen = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n)
        sk = mapping.to_sklearn(prior, sigma=sigma, n_samples=n, tol=1e-12, **(
            {"max_iter": 100_000} if isinstance(prior, Laplace) else {}
        )).fit(X, y)
        if isinstance(prior, Laplace):
            ours = solve(X, y, pen, tol=1e-12)
            head = f"{prior} with sigma={sigma}: sklearn Lasso(alpha={sk.alpha:.6g})"
        else:
            ours = ridge(X, y, pen.alpha)
            head = f"{prior} with sigma={sigma}: sklearn Ridge(alpha={sk.alpha:.6g})"
        lines.append(head)
        lines.append(f"{'feature':>10} {'sklearn':>14} {'bayesreg':>14} {'|diff|':>10}")
        for name, a, b in zip(names, sk.coef_, ours.coef):
            lines.append(f"{name:>10} {a:>14.6f} {b:>14.6f} {abs(a - b):>10.2e}")
        lines.append(
            f"{'intercept':>10} {sk.intercept_:>14.6f} {ours.intercept:>14.6f} "
            f"{abs(sk.intercept_ - ours.intercept):>10.2e}"
        )
        diff = np.max(np.abs(sk.coef_ - ours.coef)) / max(np.max(np.abs(sk.coef_)), 1e-300)
        lines.append(f"largest relative coefficient difference: {diff:.2e}\n")
    return "\n".join(lines)


def main() -> None:
    """Print the comparison table."""
    print(comparison_table())


if __name__ == "__main__":
    main()
