"""The duality gap against one written out here from the primal and the dual, feature by feature.

Reference (independent of bayesreg.solvers and of scikit-learn's formula in test_solvers.py): the
elastic net ``1/(2n)||y_c - X_c w||^2 + a1 ||w||_1 + a2/2 ||w||^2`` is a Lasso on the augmented design
``[X_c; sqrt(n a2) I]``, target ``[y_c; 0]``. Its dual is
``D(theta) = (theta^T y~ - ||theta||^2 / 2) / n`` over ``|X~^T theta|_inf <= n a1``; the dual point is the
augmented residual ``r~ = y~ - X~ w`` scaled into the feasible set, ``theta = r~ min(1, n a1 / |X~^T r~|_inf)``,
and the gap is ``P(w) - D(theta)``. Every quantity is formed with the augmented matrices themselves.
The solvers also try a second dual point, anchored at the least-squares residual ``r_LS`` of the
augmented problem (``X~^T r_LS = 0``, so ``theta = r_LS + c (r~ - r_LS)`` is feasible with
``c = min(1, n a1 / |X~^T (r~ - r_LS)|_inf)``), and report the smaller gap; here ``r_LS`` comes
from ``np.linalg.lstsq`` and the gap is again ``P(w) - D(theta)`` (:func:`anchored_gap_by_hand`),
so what a solver reports is compared with :func:`best_gap_by_hand`, the smaller of the two.

The gap depends on the dual norm ``max_j |x~_j^T r~|``: the problems below put the feature attaining
it first or last, with a clear margin over the runner-up, so a gap that skips (or double counts) an
end of the feature range is off by far more than rounding. Iterates are not converged (a given
coefficient vector, or one or two sweeps), where the dual scaling is active.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _gap_ref import best_gap_by_hand, gap_by_hand

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.penalties import L1, ElasticNet
from bayesreg.solvers import duality_gap, elastic_net, enet_path, lasso, lasso_path, relative_gap
from bayesreg.solvers._route import force_route
from bayesreg.suffstats import SufficientStats


def grad_abs(X, y, w, a2, fit_intercept=True):
    """|x~_j^T r~| for every feature (the dual constraint values at the unscaled residual)."""
    n = X.shape[0]
    Xc = X - X.mean(0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    return np.abs(Xc.T @ (yc - Xc @ w) - n * a2 * w)


def problem(where: str, n=40, p=12, seed=0, offsets=True):
    """Data with one feature far more correlated with y than the rest, placed first or last.

    ``offsets``: non-zero column means and intercept (with ``fit_intercept=False`` they would make
    every column correlate with y through the means).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + (rng.uniform(-2, 2, p) if offsets else 0.0)
    y = 4.0 * X[:, 0] + 0.5 * X[:, 1] + rng.standard_normal(n) + (3.0 if offsets else 0.0)
    order = np.arange(p) if where == "first" else np.r_[1:p, 0]  # the strong feature to the end
    return X[:, order], y, (0 if where == "first" else p - 1)


def sweep_problem(where: str):
    """Equicorrelated data on which ONE sweep of coordinate descent from zero (alpha = 0.3, lasso and
    l1_ratio = 0.7, every mode) leaves the worst dual constraint at the first or the last feature.

    The feature swept first goes stale as its correlated neighbours move, so the worst constraint
    after a sweep is usually the first; the column rotation for "last" was found by a search over
    seeds and rotations. The tests assert the property on the iterate they get, so a change in the
    sweep order shows as a failed precondition, not as a silently weaker test.
    """
    n, p = 40, 12
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((n, p))
    X = np.sqrt(0.5) * Z + np.sqrt(0.5) * rng.standard_normal((n, 1)) + rng.uniform(-2, 2, p)
    y = X @ rng.uniform(-2, 2, p) + rng.standard_normal(n) + 3.0
    X = np.roll(X, 11 if where == "first" else 10, axis=1)
    return X, y, (0 if where == "first" else p - 1)


def _assert_worst_at(X, y, w, a2, j, fit_intercept=True):
    g = grad_abs(X, y, w, a2, fit_intercept)
    top = np.argsort(g)[::-1]
    assert top[0] == j, (top[:3], g[top[:3]])
    assert g[top[1]] < 0.8 * g[top[0]]  # a clear margin: ignoring feature j changes the gap


PENALTIES = [L1(0.4), ElasticNet(0.5, 0.6)]


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("pen", PENALTIES, ids=["l1", "enet"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_duality_gap_of_a_given_vector_matches_the_primal_minus_dual(where, pen, fit_intercept):
    X, y, j = problem(where, offsets=fit_intercept)
    w = np.full(X.shape[1], 0.05)
    w[j] = 0.3  # far from the optimum (about 4): the dual point is scaled
    _assert_worst_at(X, y, w, pen.alpha_l2, j, fit_intercept)
    assert grad_abs(X, y, w, pen.alpha_l2, fit_intercept)[j] > X.shape[0] * pen.alpha_l1
    ref = gap_by_hand(X, y, w, pen.alpha_l1, pen.alpha_l2, fit_intercept)
    assert ref > 0
    # rows (naive kernel) and sufficient statistics (Gram kernel): the same gap to rounding
    got_rows = duality_gap(X, y, w, pen, fit_intercept=fit_intercept)
    got_stats = duality_gap(SufficientStats.from_arrays(X, y), coef=w, penalty=pen, fit_intercept=fit_intercept)
    assert got_rows == pytest.approx(ref, rel=1e-9)
    assert got_stats == pytest.approx(ref, rel=1e-9)
    yc = y - y.mean() if fit_intercept else y
    assert relative_gap(X, y, w, pen, fit_intercept=fit_intercept) == pytest.approx(ref / (yc @ yc / len(y)), rel=1e-9)
    # a path of iterates (2-D coef): each row its own gap, wherever its worst feature is
    W = np.vstack([w, np.zeros_like(w), np.roll(w, 3)])
    gaps = duality_gap(X, y, W, [pen] * 3, fit_intercept=fit_intercept)
    np.testing.assert_allclose(gaps, [gap_by_hand(X, y, v, pen.alpha_l1, pen.alpha_l2, fit_intercept) for v in W],
                               rtol=1e-9)  # fmt: skip


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("mode", ["naive", "gram", "covariance"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_solver_reports_the_gap_of_its_non_converged_iterate(where, mode, l1_ratio):
    # one sweep from zero of the compiled kernels (working sets, screening): the reported gap is
    # the whole problem's gap at the returned coef (the NumPy route: the test below)
    X, y, j = sweep_problem(where)
    a = 0.3
    with warnings.catch_warnings(), force_route("compiled"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        if l1_ratio == 1.0:
            res = lasso(X, y, a, tol=1e-14, max_iter=1, mode=mode)
        else:
            res = elastic_net(X, y, a, l1_ratio, tol=1e-14, max_iter=1, mode=mode)
    assert not res.converged
    a1, a2 = a * l1_ratio, a * (1 - l1_ratio)
    _assert_worst_at(X, y, res.coef, a2, j)
    assert grad_abs(X, y, res.coef, a2)[j] > X.shape[0] * a1  # the dual point is scaled
    ref = best_gap_by_hand(X, y, res.coef, a1, a2)
    assert res.gap == pytest.approx(ref, rel=1e-8)
    assert ref > 1e-6 * np.var(y)  # not converged: the gap is far from 0


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
@pytest.mark.parametrize("max_iter", [1, 2, 3])
def test_numpy_route_reports_the_gap_of_its_iterate(where, l1_ratio, max_iter):
    # the NumPy route (sweeps plus an active-set solve): whatever point it stops at, the gap it
    # reports is the reference gap there, and converged says whether that is within tol
    X, y, _ = sweep_problem(where)
    a = 0.3
    with warnings.catch_warnings(), force_route("numpy"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = elastic_net(X, y, a, l1_ratio, tol=1e-14, max_iter=max_iter, mode="gram")
    ref = best_gap_by_hand(X, y, res.coef, a * l1_ratio, a * (1 - l1_ratio))
    yc = y - y.mean()
    assert res.gap == pytest.approx(ref, rel=1e-8, abs=1e-13 * (yc @ yc) / len(y))
    assert res.converged == (ref <= 1e-14 * (yc @ yc) / len(y) * (1 + 1e-6) + 1e-15 * (yc @ yc) / len(y))


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_path_gaps_of_non_converged_points(where, l1_ratio):
    X, y, _ = sweep_problem(where)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if l1_ratio == 1.0:
            path = lasso_path(X, y, n_alphas=5, tol=1e-14, max_iter=1)
        else:
            path = enet_path(X, y, l1_ratio=l1_ratio, n_alphas=5, tol=1e-14, max_iter=1)
    # (where the worst constraint lies varies along the path: the single-alpha test above pins it)
    for a, c, g in zip(path.alphas, path.coefs, path.gaps):
        assert g == pytest.approx(best_gap_by_hand(X, y, c, a * l1_ratio, a * (1 - l1_ratio)), rel=1e-8, abs=1e-13)
