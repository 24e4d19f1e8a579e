"""``python -m bayesreg.demo``: scikit-learn's Lasso, Ridge and ElasticNet against this package's solvers.

On the diabetes data (bundled with scikit-learn), for a Laplace, a Gaussian and an elastic-net
prior with a fixed noise scale, the prior is mapped to the penalty (:mod:`bayesreg.mapping`),
solved by this package and by scikit-learn, and the coefficients are printed side by side.
"""

from __future__ import annotations

import numpy as np


def _label(prior) -> str:
    from .priors import ElasticNetPrior, Gaussian, Laplace

    if isinstance(prior, Laplace):
        return f"Laplace(b={prior.scale:g})"
    if isinstance(prior, Gaussian):
        return f"Gaussian(tau={prior.scale:g})"
    if isinstance(prior, ElasticNetPrior):
        return f"Laplace(b={prior.l1_scale:g}) x Gaussian(tau={prior.l2_scale:g})"
    return repr(prior)  # pragma: no cover


def comparison_table(
    sigma: float = 54.0,
    laplace_scale: float = 50.0,
    gaussian_scale: float = 100.0,
    *,
    return_max_diff: bool = False,
):
    """Return the comparison as a plain-text table.

    Parameters
    ----------
    sigma : float, default=54.0
        Fixed noise standard deviation (about the residual sd of least squares on these data).
    laplace_scale, gaussian_scale : float
        Prior scales ``b`` of the Laplace prior and ``tau`` of the Gaussian prior; the elastic-net
        prior is their product.
    return_max_diff : bool, default=False
        Also return the largest relative coefficient difference over all blocks.

    Returns
    -------
    str or (str, float)
    """
    from sklearn.datasets import load_diabetes

    from . import mapping
    from .priors import ElasticNetPrior, Gaussian, Laplace
    from .solvers import ridge, solve

    data = load_diabetes()
    X, y, names = data.data, data.target, data.feature_names
    n = X.shape[0]
    lines = [
        f"MAP under a prior at fixed sigma = {sigma:g} (n = {n}) on the diabetes data:",
        "scikit-learn configured by bayesreg.mapping.to_sklearn vs bayesreg's own solvers.",
        "",
    ]
    worst = 0.0
    priors = (Laplace(laplace_scale), Gaussian(gaussian_scale), ElasticNetPrior(laplace_scale, gaussian_scale))
    for prior in priors:
        pen = mapping.prior_to_penalty(prior, sigma=sigma, n_samples=n)
        extra = {} if isinstance(prior, Gaussian) else {"max_iter": 100_000}
        sk = mapping.to_sklearn(prior, sigma=sigma, n_samples=n, tol=1e-12, **extra).fit(X, y)
        if isinstance(prior, Gaussian):
            ours = ridge(X, y, pen.alpha)
            est = f"Ridge(alpha={sk.alpha:.6g})"
        else:
            ours = solve(X, y, pen, tol=1e-12)
            est = f"{type(sk).__name__}(alpha={sk.alpha:.6g}" + (
                f", l1_ratio={sk.l1_ratio:.6g})" if isinstance(prior, ElasticNetPrior) else ")"
            )
        lines.append(f"{_label(prior)} prior  ->  sklearn {est}")
        lines.append(f"{'feature':>10} {'sklearn':>14} {'bayesreg':>14} {'|diff|':>10}")
        for name, a, b in zip(names, sk.coef_, ours.coef):
            # "+ 0.0" prints an exact zero from either side as 0, not -0
            lines.append(f"{name:>10} {a + 0.0:>14.6f} {b + 0.0:>14.6f} {abs(a - b):>10.2e}")
        lines.append(
            f"{'intercept':>10} {sk.intercept_:>14.6f} {ours.intercept:>14.6f} "
            f"{abs(sk.intercept_ - ours.intercept):>10.2e}"
        )
        diff = float(np.max(np.abs(sk.coef_ - ours.coef)) / max(np.max(np.abs(sk.coef_)), 1e-300))
        worst = max(worst, diff)
        same_support = bool(np.array_equal(sk.coef_ == 0.0, ours.coef == 0.0))
        lines.append(f"largest relative coefficient difference: {diff:.2e}; same zeros: {same_support}\n")
    verdict = "agree" if worst < 1e-7 else "DISAGREE"
    lines.append(f"sklearn and bayesreg {verdict}: largest relative difference {worst:.2e} (threshold 1e-7)")
    table = "\n".join(lines)
    return (table, worst) if return_max_diff else table


def main() -> None:
    """Print the comparison table."""
    print(comparison_table())


if __name__ == "__main__":
    main()
