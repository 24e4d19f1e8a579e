"""Tests of bayesreg.penalties: value, prox, subdifferential distance (the KKT violation)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from bayesreg.penalties import L1, L2, ElasticNet, Penalty, soft_threshold

finite = st.floats(-50.0, 50.0, allow_nan=False, allow_infinity=False)
weights = st.floats(0.0, 20.0, allow_nan=False, allow_infinity=False)
ratios = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
vectors = st.lists(finite, min_size=1, max_size=6).map(np.array)


@st.composite
def penalties(draw):
    kind = draw(st.sampled_from(["l1", "l2", "enet"]))
    alpha = draw(weights)
    if kind == "l1":
        return L1(alpha)
    if kind == "l2":
        return L2(alpha)
    return ElasticNet(alpha, draw(ratios))


# ---------------------------------------------------------------- value


def test_values_by_hand():
    b = np.array([1.0, -2.0, 0.0])
    assert L1(0.5).value(b) == pytest.approx(0.5 * 3.0)
    assert L2(2.0).value(b) == pytest.approx(0.5 * 2.0 * 5.0)
    # sklearn's ElasticNet: alpha rho ||b||_1 + alpha (1 - rho)/2 ||b||^2
    assert ElasticNet(2.0, 0.25).value(b) == pytest.approx(2.0 * 0.25 * 3.0 + 0.5 * 2.0 * 0.75 * 5.0)
    assert L1(3.0).value(np.zeros(4)) == 0.0


def test_weights_of_each_penalty():
    assert (L1(0.7).alpha_l1, L1(0.7).alpha_l2) == (0.7, 0.0)
    assert (L2(0.7).alpha_l1, L2(0.7).alpha_l2) == (0.0, 0.7)
    en = ElasticNet(2.0, 0.25)
    assert (en.alpha_l1, en.alpha_l2) == pytest.approx((0.5, 1.5))


def test_value_of_scalar_and_of_a_stack_of_vectors():
    # a scalar and a (draws, p) array are summed over every entry
    assert L2(2.0).value(3.0) == pytest.approx(9.0)
    assert L1(1.0).value(-3.0) == pytest.approx(3.0)
    B = np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.5]])
    assert ElasticNet(1.0, 0.5).value(B) == pytest.approx(0.5 * 11.0 + 0.25 * 30.5)


def test_elastic_net_endpoints_are_l1_and_l2():
    b = np.array([0.3, -1.2, 2.5])
    assert ElasticNet(1.3, 1.0).value(b) == pytest.approx(L1(1.3).value(b))
    assert ElasticNet(1.3, 0.0).value(b) == pytest.approx(L2(1.3).value(b))


@given(penalties(), vectors, vectors, st.floats(0.0, 1.0))
def test_value_is_nonnegative_symmetric_and_convex(pen, a, b, t):
    m = min(a.size, b.size)
    a, b = a[:m], b[:m]
    assert pen.value(a) >= 0.0
    assert pen.value(-a) == pytest.approx(pen.value(a), rel=1e-12)
    lhs = pen.value(t * a + (1 - t) * b)
    rhs = t * pen.value(a) + (1 - t) * pen.value(b)
    assert lhs <= rhs + 1e-9 * (1.0 + rhs)


@given(weights, vectors, st.floats(-10.0, 10.0))
def test_homogeneity(alpha, b, c):
    # ||c b||_1 = |c| ||b||_1 and ||c b||^2 = c^2 ||b||^2
    assert L1(alpha).value(c * b) == pytest.approx(abs(c) * L1(alpha).value(b), rel=1e-10, abs=1e-12)
    assert L2(alpha).value(c * b) == pytest.approx(c**2 * L2(alpha).value(b), rel=1e-10, abs=1e-12)


# ---------------------------------------------------------------- prox


def test_soft_threshold_by_hand():
    z = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    np.testing.assert_array_equal(soft_threshold(z, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0])
    np.testing.assert_array_equal(soft_threshold(z, 0.0), z)
    assert soft_threshold(2.5, 1.0) == 1.5


def test_soft_threshold_rejects_negative_threshold():
    with pytest.raises(ValueError, match="threshold"):
        soft_threshold([1.0, 2.0], -0.1)


def test_prox_by_hand():
    # argmin 1/2 (b - 3)^2 + 2 (1 |b| + 1/2 * 0.5 b^2) = (3 - 2) / (1 + 2 * 0.5) = 0.5
    pen = ElasticNet(alpha=1.5, l1_ratio=1.0 / 1.5)
    assert pen.alpha_l1 == pytest.approx(1.0) and pen.alpha_l2 == pytest.approx(0.5)
    assert pen.prox(np.array([3.0]), step=2.0)[0] == pytest.approx(0.5)
    assert L2(1.0).prox(np.array([4.0]))[0] == pytest.approx(2.0)
    assert L1(1.0).prox(np.array([0.7]))[0] == 0.0


def _brute_prox(pen, z, step):
    """Minimise 1/2 (b - z)^2 + step * pen(b) over a scalar b by bounded Brent search.

    The minimiser lies between 0 and z (shrinkage), so [min(0,z) - 1, max(0,z) + 1] brackets it.
    """
    lo, hi = min(0.0, z) - 1.0, max(0.0, z) + 1.0
    res = minimize_scalar(
        lambda b: 0.5 * (b - z) ** 2 + step * pen.value(b),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-12, "maxiter": 2000},
    )
    return res.x, res.fun


@given(penalties(), vectors, st.floats(0.01, 5.0))
def test_prox_against_brute_force_minimisation(pen, z, step):
    out = pen.prox(z, step=step)
    for zj, bj in zip(z, out):
        b_ref, f_ref = _brute_prox(pen, float(zj), step)
        f_out = 0.5 * (bj - zj) ** 2 + step * pen.value(bj)
        # the prox is the exact minimiser: its objective is never above the numerical minimum
        assert f_out <= f_ref + 1e-10 * (1.0 + abs(f_ref))
        # the objective is 1-strongly convex, so f(b_ref) - f(b*) >= |b_ref - b*|^2 / 2: a tiny
        # objective gap pins the point; Brent's xatol 1e-12 on a ~100-wide interval gives ~1e-6
        assert bj == pytest.approx(b_ref, abs=1e-6 * (1.0 + abs(zj)))


@given(penalties(), vectors, vectors, st.floats(0.01, 5.0))
def test_prox_is_nonexpansive_and_shrinks(pen, z1, z2, step):
    m = min(z1.size, z2.size)
    z1, z2 = z1[:m], z2[:m]
    p1, p2 = pen.prox(z1, step), pen.prox(z2, step)
    assert np.linalg.norm(p1 - p2) <= np.linalg.norm(z1 - z2) * (1 + 1e-12) + 1e-12
    assert np.all(np.abs(p1) <= np.abs(z1) + 1e-12)
    assert np.all(p1 * z1 >= 0.0)  # never changes sign


def test_prox_with_zero_step_is_identity():
    z = np.array([-2.0, 0.3, 5.0])
    np.testing.assert_array_equal(ElasticNet(3.0, 0.4).prox(z, step=0.0), z)


def test_prox_rejects_negative_step():
    with pytest.raises(ValueError, match="step"):
        L1(1.0).prox([1.0], step=-1.0)


# ---------------------------------------------------------------- subdifferential distance


def test_subdiff_distance_by_hand():
    # beta = 0: the subdifferential of a1|b| is [-a1, a1]; distance of -grad is max(|grad| - a1, 0)
    assert L1(1.0).subdiff_distance([0.0], [3.0])[0] == pytest.approx(2.0)
    assert L1(1.0).subdiff_distance([0.0], [-0.5])[0] == 0.0
    # beta != 0: the subdifferential is {a1 sign(b) + a2 b}
    assert L1(1.0).subdiff_distance([2.0], [0.0])[0] == pytest.approx(1.0)
    assert L1(1.0).subdiff_distance([2.0], [-1.0])[0] == pytest.approx(0.0)
    assert L2(1.0).subdiff_distance([2.0], [0.0])[0] == pytest.approx(2.0)
    assert L2(1.0).subdiff_distance([2.0], [-2.0])[0] == pytest.approx(0.0)
    en = ElasticNet(2.0, 0.5)  # a1 = 1, a2 = 1
    assert en.subdiff_distance([-1.0], [2.0])[0] == pytest.approx(0.0)
    assert en.subdiff_distance([-1.0], [0.0])[0] == pytest.approx(2.0)


@given(penalties(), vectors, st.floats(0.01, 5.0))
def test_subdiff_distance_zero_at_the_prox_optimum(pen, z, step):
    # b = prox(z) minimises 1/2||b - z||^2 + step pen(b): 0 in (b - z)/step + d pen(b)
    b = pen.prox(z, step)
    dist = pen.subdiff_distance(b, (b - z) / step)
    assert np.all(dist <= 1e-9 * (1.0 + np.abs(z) / step))


@given(penalties(), vectors, st.floats(0.01, 5.0), st.floats(0.05, 3.0))
def test_subdiff_distance_positive_away_from_the_optimum(pen, z, step, shift):
    # moving b off the optimum of a strongly convex problem, with the gradient taken at the
    # new point, violates the optimality condition by at least the shift (the smooth part
    # has curvature 1/step, the penalty subdifferential is monotone)
    b = pen.prox(z, step) + shift
    dist = pen.subdiff_distance(b, (b - z) / step)
    assert np.all(dist >= shift / step * (1 - 1e-9))


def test_subdiff_distance_at_sklearn_optimum(regression_data):
    from sklearn.linear_model import ElasticNet as SkElasticNet
    from sklearn.linear_model import Lasso

    X, y = regression_data
    n = X.shape[0]
    Xc, yc = X - X.mean(0), y - y.mean()
    for pen, est in [
        (L1(0.1), Lasso(alpha=0.1, tol=1e-14, max_iter=100_000)),
        (ElasticNet(0.2, 0.3), SkElasticNet(alpha=0.2, l1_ratio=0.3, tol=1e-14, max_iter=100_000)),
    ]:
        coef = est.fit(X, y).coef_
        grad = -Xc.T @ (yc - Xc @ coef) / n
        assert np.max(pen.subdiff_distance(coef, grad)) < 1e-7
        assert np.any(coef == 0.0)  # the check covers both branches
        off = coef + np.where(coef == 0.0, 0.05, 0.0)
        grad_off = -Xc.T @ (yc - Xc @ off) / n
        assert np.max(pen.subdiff_distance(off, grad_off)) > 1e-3


# ---------------------------------------------------------------- construction


@pytest.mark.parametrize("cls", [L1, L2])
def test_negative_or_bad_alpha_raises_naming_it(cls):
    with pytest.raises(ValueError, match="alpha"):
        cls(-0.1)
    with pytest.raises(ValueError, match="alpha"):
        cls(float("nan"))
    with pytest.raises(TypeError, match="alpha"):
        cls("1.0")


def test_elastic_net_bad_l1_ratio_raises_naming_it():
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNet(1.0, 1.5)
    with pytest.raises(ValueError, match="alpha"):
        ElasticNet(-1.0, 0.5)


def test_penalties_are_frozen_and_hashable():
    pen = L1(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pen.alpha = 2.0
    assert {L1(1.0), L1(1.0), L2(1.0)} == {L1(1.0), L2(1.0)}


def test_from_weights_picks_the_family():
    assert Penalty.from_weights(0.3, 0.0) == L1(0.3)
    assert Penalty.from_weights(0.0, 0.3) == L2(0.3)
    en = Penalty.from_weights(0.3, 0.1)
    assert isinstance(en, ElasticNet)
    assert (en.alpha_l1, en.alpha_l2) == pytest.approx((0.3, 0.1), rel=1e-14)
    with pytest.raises(ValueError, match="alpha_l2"):
        Penalty.from_weights(0.3, -1.0)
