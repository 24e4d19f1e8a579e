"""The solver and MAP results share one base (issue 23, item 4) and kept every name and repr.

The literal reprs below are the ones these types printed before they shared a base (notebooks 02
and 03 show the same formats); the field lists are each type's public constructor order.
"""

import dataclasses
import pickle

import numpy as np
import pytest

from bayesreg import Laplace, map_estimate
from bayesreg.families import family
from bayesreg.inference import MAPResult
from bayesreg.penalties import L1
from bayesreg.solvers import PathResult, RidgeResult, SolverResult, lasso, lasso_path, ridge
from bayesreg.solvers.glm import GLMPathResult, GLMResult, glm_fit, glm_path
from bayesreg.solvers.results import CertifiedPath, CertifiedResult, Result

COEF = np.array([0.0, 1.5, -2.25, 0, 0, 3, 4, 1e-9])


def _solver(gap, converged, target=1e-10):
    return SolverResult(COEF.copy(), 0.5, gap, 3, converged, L1(0.5), 1e-4, target, 1e-8)


def test_reprs_unchanged():
    head = "coef=[0, 1.5, -2.25, 0, 0, 3, ...]"
    assert repr(_solver(1e-12, True)) == (
        f"SolverResult(penalty=L1(alpha=0.5), {head}, intercept=0.5, nonzero=5/8, gap=1e-12, n_iter=3, converged=True)"
    )
    assert repr(_solver(1e-9, True)) == (
        f"SolverResult(penalty=L1(alpha=0.5), {head}, intercept=0.5, nonzero=5/8, gap=1e-09, n_iter=3, "
        "converged=True, gap at rounding level)"
    )
    assert repr(_solver(1.0, False)).endswith("gap=1, n_iter=3, converged=False)")
    g = GLMResult(COEF.copy(), -0.25, 1e-9, True, 7, 12.3456789012, family("bernoulli"), 0.5, 0.0, 1e-8, 60.0)
    assert repr(g) == (
        f"GLMResult(family='bernoulli', l1=0.5, l2=0, {head}, intercept=-0.25, nonzero=5/8, "
        "objective=12.3456789, gap=1e-09, n_iter=7, converged=True)"
    )
    m = MAPResult(COEF.copy(), 1.0, 2.0, L1(0.3), 0.7, 1e-11, True, 4, 2, ["a"] * 8)
    assert repr(m) == (
        f"MAPResult(penalty=L1(alpha=0.3), {head}, intercept=1, sigma=2, nonzero=5/8, gap=1e-11, converged=True)"
    )
    m = MAPResult(COEF.copy(), 1.0, np.nan, L1(0.3), 0.7, 1e-11, True, 4, 2, ["a"] * 8, "bernoulli")
    assert repr(m) == (
        f"MAPResult(family='bernoulli', penalty=L1(alpha=0.3), {head}, intercept=1, nonzero=5/8, gap=1e-11, "
        "converged=True)"
    )
    two = dict(coefs=np.array([[0, 1.0], [1, 2.0]]), intercepts=np.zeros(2), gaps=np.zeros(2),
               n_iters=np.array([1, 2]))  # fmt: skip
    p = PathResult(alphas=np.array([2.0, 1.0]), converged=np.array([True, False]), l1_ratio=1.0, **two)
    assert repr(p) == "PathResult(n_alphas=2, alpha=[2 .. 1], nonzero=[1 .. 2], l1_ratio=1.0, all_converged=False)"
    gp = GLMPathResult(l1s=np.array([2.0, 1.0]), l2=0.1, objectives=np.zeros(2), converged=np.array([True, True]),
                       family=family("poisson"), **two)  # fmt: skip
    assert repr(gp) == (
        "GLMPathResult(family='poisson', n_l1=2, l1=[2 .. 1], l2=0.1, nonzero=[1 .. 2], all_converged=True)"
    )
    assert len(p) == len(gp) == 2
    r = RidgeResult(COEF.copy(), 0.1, 0.3, "cholesky", 1e-15)
    assert repr(r) == f"RidgeResult(alpha=0.3, method='cholesky', {head}, intercept=0.1, residual=1e-15)"
    assert repr(RidgeResult(np.ones((2, 3)), np.zeros(2), np.ones(2), "svd", np.zeros(2))) == (
        "RidgeResult(n_alphas=2, method='svd')"
    )


@pytest.mark.parametrize(
    "cls, names",
    [
        (SolverResult, "coef intercept gap n_iter converged penalty tol target rounding_bound"),
        (GLMResult, "coef intercept gap converged n_iter objective family l1 l2 tol scale"),
        (MAPResult, "coef intercept sigma penalty objective gap converged n_iter n_alternations feature_names family"),
        (PathResult, "alphas coefs intercepts gaps n_iters converged l1_ratio method residuals rounding_bounds"),
        (GLMPathResult, "l1s l2 coefs intercepts gaps objectives n_iters converged family"),
        (RidgeResult, "coef intercept alpha method residual"),
    ],
)
def test_fields_unchanged(cls, names):
    assert [f.name for f in dataclasses.fields(cls)] == names.split()
    assert issubclass(cls, Result)


def _fitted():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, 0, -0.5, 0]) + 0.3 * rng.standard_normal(30)
    yb = (y > 0).astype(float)
    return {
        "solver": lasso(X, y, 0.1),
        "glm": glm_fit(X, yb, family="bernoulli", l1=1.0),
        "map": map_estimate(X, y, Laplace(1.0), sigma=1.0),
        "path": lasso_path(X, y, n_alphas=4),
        "glm_path": glm_path(X, yb, family="bernoulli", n_l1=4),
        "ridge": ridge(X, y, 0.1),
    }


def test_real_results_share_the_base_and_stay_frozen():
    res = _fitted()
    for key in ("solver", "glm", "map"):
        r = res[key]
        assert isinstance(r, CertifiedResult) and r.converged and r.gap >= 0
        np.testing.assert_array_equal(r.support, np.flatnonzero(r.coef))
        with pytest.raises(ValueError, match="read-only"):
            r.coef[0] = 1.0
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.gap = 0.0
        back = pickle.loads(pickle.dumps(r))
        assert type(back) is type(r) and repr(back) == repr(r)
        assert repr(r).startswith(type(r).__name__ + "(")
    for key in ("path", "glm_path"):
        r = res[key]
        assert isinstance(r, CertifiedPath) and len(r) == 4 and r.converged.all()
        for name in r._arrays:
            a = getattr(r, name)
            if a is not None:
                with pytest.raises(ValueError, match="read-only"):
                    a.flat[0] = 1
    assert not res["ridge"].coef.flags.writeable
