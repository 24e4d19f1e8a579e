"""The coordinate-descent trace: every step the exact one-coordinate minimiser, the end the solver's answer."""

from dataclasses import dataclass

import numpy as np
import pytest

from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.solvers import alpha_max, coordinate_descent_trace, lasso, solve


def _data(n=60, p=4, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    C = 0.5 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))  # correlated features
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T + shift
    beta = np.r_[2.0, -1.0, np.zeros(p - 2)]
    y = X @ beta + 0.5 * rng.standard_normal(n) + 3.0
    return X, y


def _centred(X, y, fit_intercept):
    return (X - X.mean(axis=0), y - y.mean()) if fit_intercept else (X, y)


def _objective(Xc, yc, b, penalty):
    r = yc - Xc @ b
    return r @ r / (2 * len(yc)) + penalty.value(b)


def _soft(z, t):  # written out here, not the package's soft_threshold
    return np.sign(z) * max(abs(z) - t, 0.0)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_trace_ends_at_the_solvers_lasso(fit_intercept):
    X, y = _data(shift=5.0)
    alpha = 0.1 * alpha_max(X, y, fit_intercept=fit_intercept)
    pen = L1(alpha)
    trace = coordinate_descent_trace(X, y, pen, n_sweeps=300, fit_intercept=fit_intercept)
    assert trace.shape == (1 + 300 * X.shape[1], X.shape[1])
    np.testing.assert_array_equal(trace[0], 0.0)
    sol = lasso(X, y, alpha, fit_intercept=fit_intercept, tol=1e-10)
    assert sol.converged
    # The objective is mu-strongly convex (mu the smallest eigenvalue of Xc^T Xc / n), so
    # mu/2 ||b - b*||^2 <= P(b) - P*, and the solver's gap bounds P(sol) - P*: the trace's end and
    # the solver's answer are within the distance the solver's tolerance allows.
    Xc, yc = _centred(X, y, fit_intercept)
    mu = np.linalg.eigvalsh(Xc.T @ Xc / len(y))[0]
    p_star_low = _objective(Xc, yc, sol.coef, pen) - sol.gap
    bound = np.sqrt(2 * max(_objective(Xc, yc, trace[-1], pen) - p_star_low, 0.0) / mu) + np.sqrt(2 * sol.gap / mu)
    assert np.linalg.norm(trace[-1] - sol.coef) <= bound + 1e-12
    np.testing.assert_allclose(trace[-1], sol.coef, atol=1e-6)
    assert np.array_equal(trace[-1] == 0.0, sol.coef == 0.0)  # the same exact zeros
    if fit_intercept:
        assert np.isclose(y.mean() - X.mean(axis=0) @ trace[-1], sol.intercept, atol=1e-5)


@pytest.mark.parametrize("penalty", [L1(0.3), ElasticNet(0.4, 0.6), L2(0.5)], ids=["l1", "enet", "l2"])
def test_every_step_is_the_one_coordinate_minimiser(penalty):
    X, y = _data(n=40, p=3, seed=1)
    start = np.array([1.0, -2.0, 0.5])
    trace = coordinate_descent_trace(X, y, penalty, coef_init=start, n_sweeps=4, fit_intercept=False)
    n, p = X.shape
    a1, a2 = penalty.alpha_l1, penalty.alpha_l2
    np.testing.assert_array_equal(trace[0], start)
    values = [_objective(X, y, trace[0], penalty)]
    for k in range(1, len(trace)):
        j = (k - 1) % p
        before, after = trace[k - 1], trace[k]
        others = np.arange(p) != j
        np.testing.assert_array_equal(after[others], before[others])  # one coordinate moves
        # closed form: argmin_b (c/2) b^2 - z b + a1 |b| + (a2/2) b^2 = S(z, a1) / (c + a2)
        r_j = y - X[:, others] @ before[others]
        z, c = X[:, j] @ r_j / n, X[:, j] @ X[:, j] / n
        assert after[j] == pytest.approx(_soft(z, a1) / (c + a2), rel=1e-12, abs=1e-14)
        # and it is a minimum along that coordinate
        for h in (1e-6, -1e-6):
            moved = after.copy()
            moved[j] += h
            assert _objective(X, y, after, penalty) <= _objective(X, y, moved, penalty)
        values.append(_objective(X, y, after, penalty))
    assert np.all(np.diff(values) <= 1e-13)  # exact coordinate minimisation never goes up


def test_elastic_net_trace_ends_at_solve():
    X, y = _data(seed=2)
    pen = ElasticNet(0.2, 0.7)
    trace = coordinate_descent_trace(X, y, pen, n_sweeps=300)
    np.testing.assert_allclose(trace[-1], solve(X, y, pen, tol=1e-12).coef, atol=1e-6)


def test_the_update_is_asked_of_the_penalty():
    calls = []

    @dataclass(frozen=True)
    class Recording(L1):
        def prox(self, z, step=1.0):
            calls.append((float(z), float(step)))
            return super().prox(z, step)

    X, y = _data(n=30, p=2, seed=3)
    trace = coordinate_descent_trace(X, y, Recording(0.2), n_sweeps=3, fit_intercept=False)
    assert len(calls) == 3 * 2
    np.testing.assert_array_equal(trace, coordinate_descent_trace(X, y, L1(0.2), n_sweeps=3, fit_intercept=False))


def test_zero_column_and_validation():
    X, y = _data(n=30, p=3, seed=4)
    X[:, 1] = 0.0
    trace = coordinate_descent_trace(X, y, L1(0.1), coef_init=[0.0, 5.0, 0.0], n_sweeps=2, fit_intercept=False)
    assert np.all(trace[2:, 1] == 0.0)  # only the penalty depends on it: its minimiser is 0
    with pytest.raises(TypeError, match="penalty"):
        coordinate_descent_trace(X, y, 0.1)
    with pytest.raises(ValueError, match="n_sweeps"):
        coordinate_descent_trace(X, y, L1(0.1), n_sweeps=0)
    with pytest.raises(ValueError, match="coef_init"):
        coordinate_descent_trace(X, y, L1(0.1), coef_init=[0.0, 1.0])
    with pytest.raises(ValueError, match="y"):
        coordinate_descent_trace(X, y[:-1], L1(0.1))
    from bayesreg import SufficientStats

    with pytest.raises(TypeError, match="arrays"):
        coordinate_descent_trace(SufficientStats.from_arrays(X, y), None, L1(0.1))
