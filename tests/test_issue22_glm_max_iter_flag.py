"""The GLM solver's ``converged`` flag at its last exit (``max_iter`` reached), as an equivalence.

``glm_fit`` stops early when ``gap <= tol * scale``; when ``max_iter`` runs out first, the flag is
computed once more after the last Newton step. Both exits must say ``converged == (gap <= tol *
scale)`` with ``scale`` the null model's loss, here written by hand (the log-loss of the pooled
rate, ``n`` times the binary entropy of ``mean(y)``, about 136 on these data), so that the flag
compared with ``gap <= tol`` (a target 136 times smaller) is wrong in the window
``tol < gap <= tol * scale``. The fits end in that window at ``max_iter`` 2 to 4 with ``tol`` 1e-1
to 1e-6 (checked below: the test asserts it reaches that window at the ``max_iter`` exit, and
outside it on both sides). A ``ConvergenceWarning`` is said exactly when the flag is False.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.solvers.glm import glm_fit


def _logistic(seed=22, n=200, p=10):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:3] = [1.5, -1.0, 0.5]
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.3 + X @ beta)))).astype(float)
    return X, y


def _null_log_loss(y):
    # sum of the log-loss at the intercept-only MLE (the pooled rate): n times the binary entropy
    q = y.mean()
    return -y.size * (q * np.log(q) + (1.0 - q) * np.log1p(-q))


def _log_loss(X, y, coef, b0):
    eta = X @ coef + b0
    return float(np.sum(y * np.logaddexp(0.0, -eta) + (1.0 - y) * np.logaddexp(0.0, eta)))


@pytest.mark.parametrize("l1_frac, l2", [(0.1, 0.0), (0.05, 0.5)], ids=["lasso", "elastic-net"])
def test_converged_is_gap_within_tol_times_scale_at_every_exit(l1_frac, l2):
    X, y = _logistic()
    scale = _null_log_loss(y)
    assert scale > 100.0  # so that tol and tol * scale are far apart
    l1 = l1_frac * float(np.max(np.abs(X.T @ (y.mean() - y))))  # below the all-zero threshold, by hand
    window_at_max_iter = below = above = 0
    for max_iter in range(1, 6):
        for tol in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = glm_fit(X, y, "bernoulli", l1=l1, l2=l2, tol=tol, max_iter=max_iter)
            said = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
            assert res.scale == pytest.approx(scale, rel=1e-12)
            # the objective it reports is the primal at its point, by hand
            pen = l1 * np.abs(res.coef).sum() + 0.5 * l2 * res.coef @ res.coef
            by_hand = _log_loss(X, y, res.coef, res.intercept) + pen
            assert res.objective == pytest.approx(by_hand, rel=1e-12)
            target = tol * scale
            assert res.converged == (res.gap <= target), (max_iter, tol, res.gap, target, res.converged)
            assert bool(said) == (not res.converged), (max_iter, tol, [str(w.message) for w in said])
            if res.n_iter == max_iter and tol < res.gap <= target:
                window_at_max_iter += 1
            below += res.gap <= tol
            above += res.gap > target
    # the cases that tell the two targets apart were reached, at the max_iter exit, and both outcomes occur
    assert window_at_max_iter >= 2 and below >= 1 and above >= 1, (window_at_max_iter, below, above)

