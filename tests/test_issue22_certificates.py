"""Issue 22, item 2: every ``converged`` flag of the solvers tested as an equivalence, ``converged == (gap <= target)``.

Over a grid of ``tol`` in {1e-1, 1e-2, 1e-4, 1e-6} and ``max_iter`` in {1, 2, 3, 5} (and the defaults):

- the exact GLM MAP solver (``glm_fit``, ``glm_path``, ``glm_gap``; bernoulli, binomial, poisson,
  gaussian; L1, L2, elastic net). Its target is ``tol * scale``, ``scale`` the null model's loss (the
  docstrings of ``glm_fit`` and ``GLMResult``); the gap is recomputed by hand (:mod:`_glm_ref`: the
  losses, their conjugates and the documented dual point written from NumPy/SciPy, nothing from
  ``bayesreg``), and bounded from the other side by an independent optimum (scipy L-BFGS-B on the
  split variables ``beta = u - v``): ``P(beta) - gap <= P(reference)``;
- the linear solvers' public entry points (``lasso``, ``elastic_net``, ``solve`` with per-coefficient
  weights, ``lasso_path``, ``enet_path``) on both routes; target ``max(tol ||y_c||^2 / n,
  rounding_bound)``, the gap by hand from :mod:`_gap_ref`;
- the small-problem NumPy route's exits (:mod:`bayesreg.solvers._small`): the fixed point of a sweep
  and ``max_iter`` with a gap above the target, and a target below what rounding can certify.

The data are chosen so that the targets disagree: the GLM null loss is ~140-210 (logistic, binomial,
Poisson; n = 200), so ``tol < gap <= tol * scale`` occurs, and 0.025 for the Gaussian family on a small
target, so ``tol * scale < gap <= tol`` occurs too; each grid asserts that both flags and the window
cases actually occur (the test cannot pass vacuously).

Rounding: the hand gap is a plain difference ``P - D``; its error is at most ``(n + p + 4) eps``
times the sum of the magnitudes of the terms (:func:`_glm_ref.gap`), ~2e-11 here, against targets of at
least ``1e-6 * 0.025``. A case whose hand gap lies within that bound of the target is not used to
decide the flag (none does on these data; the count is asserted).
"""

from __future__ import annotations

import warnings

import _glm_ref as R
import numpy as np
import pytest
from _gap_ref import assert_gap_matches, stated_floor
from scipy.optimize import minimize

from bayesreg.exceptions import ConvergenceWarning
from bayesreg.penalties import L1
from bayesreg.solvers import (
    SolverResult,
    _gapmath,
    _small,
    alpha_max,
    elastic_net,
    enet_path,
    lasso,
    lasso_path,
    solve,
)
from bayesreg.solvers._route import force_route
from bayesreg.solvers.glm import GLMResult, glm_fit, glm_gap, glm_path

TOLS = [1e-1, 1e-2, 1e-4, 1e-6]
MAX_ITERS = [1, 2, 3, 5]
DEFAULT = (None, None)  # glm_fit's defaults (tol=1e-10, max_iter=100)
FAMILIES = ["bernoulli", "binomial", "poisson", "gaussian"]


def glm_data(family, seed=0, n=200, p=12):
    """Correlated columns (0.6^|i-j|); five non-zero coefficients. The Gaussian target is small (null loss 0.025)."""
    r = np.random.default_rng(seed)
    C = 0.6 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = r.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    beta = np.zeros(p)
    beta[:5] = [1.2, -0.9, 0.7, 0.5, -0.4]
    eta = 0.3 + X @ beta
    trials = None
    if family == "bernoulli":
        y = (r.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "binomial":
        trials = r.integers(1, 6, n).astype(float)
        y = r.binomial(trials.astype(int), 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = r.poisson(np.exp(0.5 + 0.4 * X @ beta)).astype(float)
    else:
        y = 0.01 * (eta + r.standard_normal(n))
    return X, y, trials


def l1_max_by_hand(family, X, y, trials):
    """``||X^T l'(eta_0)||_inf`` at the null model (intercept at its MLE): the smallest l1 with a zero MAP."""
    n = y.size
    if family in ("bernoulli", "binomial"):
        m = np.ones(n) if trials is None else trials
        pbar = y.sum() / m.sum()
        b0 = np.log(pbar / (1 - pbar))
    elif family == "poisson":
        b0 = np.log(y.mean())
    else:
        b0 = y.mean()
    return float(np.abs(X.T @ R.grad_rows(family, y, np.full(n, b0), trials)).max())


def penalties(family, X, y, trials):
    top = l1_max_by_hand(family, X, y, trials)
    l2 = 2.0 if family != "gaussian" else 2e-4  # (the Gaussian loss is 1e-4 times smaller here)
    return {"l1": (0.3 * top, 0.0), "l2": (0.0, l2), "enet": (0.2 * top, l2 / 2)}


_REF = {}


def reference_optimum(family, pen_name):
    """An independent optimum: L-BFGS-B on ``(u, v, b0)``, ``beta = u - v``, ``u, v >= 0`` (smooth in these)."""
    key = (family, pen_name)
    if key in _REF:
        return _REF[key]
    X, y, trials = glm_data(family)
    l1, l2 = penalties(family, X, y, trials)[pen_name]
    p = X.shape[1]

    def f(z):
        u, v, b0 = z[:p], z[p:2 * p], z[-1]
        beta = u - v
        eta = X @ beta + b0
        g = R.grad_rows(family, y, eta, trials)
        val = R.loss_rows(family, y, eta, trials).sum() + l1 * (u.sum() + v.sum()) + 0.5 * l2 * beta @ beta
        gb = X.T @ g + l2 * beta
        return val, np.concatenate([gb + l1, -gb + l1, [g.sum()]])

    bounds = [(0, None)] * (2 * p) + [(None, None)]
    z = minimize(f, np.zeros(2 * p + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(maxiter=100_000, maxfun=200_000, ftol=1e-15, gtol=1e-12)).x  # fmt: skip
    beta, b0 = z[:p] - z[p:2 * p], z[-1]
    P = R.primal(family, X, y, beta, b0, l1, l2, trials)
    g_ref, _ = R.gap(family, X, y, beta, b0, l1, l2, trials)
    _REF[key] = (P, g_ref)
    return _REF[key]


def fit(family, pen_name, tol, max_iter):
    X, y, trials = glm_data(family)
    l1, l2 = penalties(family, X, y, trials)[pen_name]
    kw = {} if tol is None else dict(tol=tol, max_iter=max_iter)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ConvergenceWarning)
        res = glm_fit(X, y, family, l1, l2, trials=trials, **kw)
    said = any(issubclass(w.category, ConvergenceWarning) for w in seen)
    return X, y, trials, l1, l2, res, said


def test_documented_targets():
    # what the equivalences below test is what the docstrings say
    assert "gap <= tol * scale" in glm_fit.__doc__ and "null model's loss" in glm_fit.__doc__
    assert "Whether ``gap <= tol * scale``" in GLMResult.__doc__
    # the linear solvers: tol * ||y_c||^2 / n, or the rounding bound where that is above it
    assert "``tol * ||y_c||^2 / n``" in solve.__doc__
    assert "``gap <= max(target, rounding_bound)``" in SolverResult.__doc__
    path_doc = " ".join(glm_path.__doc__.split())  # (Python 3.13 dedents docstrings)
    assert "X, y, family, fit_intercept, trials, tol, max_iter As in :func:`glm_fit`" in path_doc


@pytest.mark.parametrize("family", FAMILIES)
def test_glm_fit_converged_is_gap_within_tol_times_null_loss(family):
    counts = dict(true=0, false=0, window=0, last_step=0, undecided=0)
    for pen_name in ["l1", "l2", "enet"]:
        P_ref, g_ref = reference_optimum(family, pen_name)
        # (the reference is within 1e-7 x scale of the optimum by its own hand gap: an understated gap shows)
        assert g_ref <= 1e-7 * R.null_loss(family, glm_data(family)[1], glm_data(family)[2])
        for tol, max_iter in [(t, m) for t in TOLS for m in MAX_ITERS] + [DEFAULT]:
            X, y, trials, l1, l2, res, said = fit(family, pen_name, tol, max_iter)
            tol = 1e-10 if tol is None else tol
            scale = R.null_loss(family, y, trials)
            assert res.scale == pytest.approx(scale, rel=1e-12)
            assert res.tol == tol
            target = tol * scale
            gap, rb = R.gap(family, X, y, res.coef, res.intercept, l1, l2, trials)
            P = R.primal(family, X, y, res.coef, res.intercept, l1, l2, trials)
            # the reported gap and objective are those of the returned point (not of an earlier iterate)
            assert abs(res.gap - gap) <= rb, (pen_name, tol, max_iter, res.gap, gap, rb)
            assert abs(res.objective - P) <= rb
            assert res.gap >= 0.0
            # a gap bounds the sub-optimality: P - gap is below the optimum, so below an independent optimum
            assert P - res.gap <= P_ref + rb, (pen_name, tol, max_iter, P - P_ref, res.gap)
            # the flag is the documented equivalence, with the reported numbers ...
            assert res.converged == (res.gap <= res.tol * res.scale)
            # ... and with the hand-computed ones, wherever rounding cannot tip the comparison
            if abs(gap - target) > rb:
                assert res.converged == (gap <= target), (pen_name, tol, max_iter, gap, target)
            else:
                counts["undecided"] += 1
            # a ConvergenceWarning exactly when not converged
            assert said == (not res.converged)
            counts["true" if res.converged else "false"] += 1
            # the targets disagree: converged although gap > tol (scale > 1), or not although gap <= tol (scale < 1)
            counts["window"] += bool((res.converged and gap > tol) or (not res.converged and gap <= tol))
            # the working-set route's last Newton step, certified only by the final certificate
            counts["last_step"] += bool(res.converged and res.n_iter == max_iter and pen_name != "l2")
            if res.converged and pen_name != "l2" and res.n_iter >= 1:
                # it stopped at the first certified iterate (its iterates do not depend on tol): one step fewer is not
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    fewer = glm_fit(X, y, family, l1, l2, trials=trials, tol=tol, max_iter=max(res.n_iter, 1))
                    assert fewer.converged  # (max_iter = n_iter steps: the same point)
                    if res.n_iter >= 2:
                        short = glm_fit(X, y, family, l1, l2, trials=trials, tol=tol, max_iter=res.n_iter - 1)
                        assert not short.converged and short.gap > tol * scale
    # not vacuous: both flags occur, the targets disagree somewhere, and rounding decided nothing
    assert counts["true"] > 0 and counts["false"] > 0, counts
    assert counts["window"] > 0, counts
    assert counts["undecided"] == 0, counts
    if family != "gaussian":  # (the Gaussian family's Newton step is exact: it never needs a second one)
        assert counts["last_step"] > 0, counts


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_glm_fit_gap_exactly_at_the_target_is_converged(family):
    # ``gap <= target`` (not ``<``): refit with tol chosen so that tol * scale equals the gap to the last bit
    X, y, trials = glm_data(family)
    l1, _ = penalties(family, X, y, trials)["l1"]
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        first = glm_fit(X, y, family, l1, trials=trials, tol=1e-12, max_iter=2)
    assert not first.converged
    tol = first.gap / first.scale
    for _ in range(8):
        if tol * first.scale == first.gap:
            break
        tol = np.nextafter(tol, np.inf if tol * first.scale < first.gap else 0.0)
    assert tol * first.scale == first.gap
    again = glm_fit(X, y, family, l1, trials=trials, tol=tol, max_iter=2)
    assert again.gap == first.gap and again.converged


@pytest.mark.parametrize("family", FAMILIES)
def test_glm_path_converged_per_point_is_gap_within_tol_times_null_loss(family):
    X, y, trials = glm_data(family)
    top = l1_max_by_hand(family, X, y, trials)
    l1s = top * np.array([0.9, 0.5, 0.2, 0.05])
    scale = R.null_loss(family, y, trials)
    l2 = 0.5 if family != "gaussian" else 5e-5
    seen_true = seen_false = 0
    for tol in TOLS:
        for max_iter in MAX_ITERS:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always", ConvergenceWarning)
                path = glm_path(X, y, family, l1s, l2=l2, trials=trials, tol=tol, max_iter=max_iter)
            said = any(issubclass(x.category, ConvergenceWarning) for x in w)
            assert said == (not path.converged.all())
            for l1, c, b0, g, conv in zip(path.l1s, path.coefs, path.intercepts, path.gaps, path.converged):
                gap, rb = R.gap(family, X, y, c, b0, l1, l2, trials)
                assert abs(g - gap) <= rb
                assert conv == (g <= tol * scale)
                assert abs(gap - tol * scale) > rb
                seen_true += bool(conv)
                seen_false += bool(not conv)
    assert seen_true > 0 and seen_false > 0


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("pen_name", ["l1", "l2", "enet"])
def test_glm_gap_is_the_hand_gap_at_any_point(family, pen_name):
    X, y, trials = glm_data(family)
    l1, l2 = penalties(family, X, y, trials)[pen_name]
    r = np.random.default_rng(11)
    for k in range(4):
        beta = 0.3 * r.standard_normal(X.shape[1]) * (r.random(X.shape[1]) < 0.6)
        b0 = 0.1 * k
        cert = glm_gap(X, y, family, beta, b0, l1, l2, trials=trials)
        gap, rb = R.gap(family, X, y, beta, b0, l1, l2, trials)
        assert abs(cert.gap - gap) <= rb
        assert cert.scale == pytest.approx(R.null_loss(family, y, trials), rel=1e-12)
        assert cert.primal == pytest.approx(R.primal(family, X, y, beta, b0, l1, l2, trials), rel=1e-12)


# ------------------------------------------------------------------------------------------------
# linear solvers
# ------------------------------------------------------------------------------------------------
def linear_data(y_scale, seed=3, n=60, p=15):
    """Correlated columns; ``y_scale`` sets ||y_c||^2 / n (~ 400 x or 0.0025 x that of unit noise)."""
    r = np.random.default_rng(seed)
    C = 0.7 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = r.standard_normal((n, p)) @ np.linalg.cholesky(C).T + r.uniform(-2, 2, p)
    beta = np.zeros(p)
    beta[:6] = [1.0, -0.8, 0.6, 0.5, -0.3, 0.2]
    y = y_scale * (X @ beta + r.standard_normal(n) + 3.0)
    return X, y


def hadamard_data():
    """16 x 5 columns of a Hadamard matrix (+-1, centred, orthogonal: X^T X = 16 I) and an integer target of mean 7.

    Every sum the NumPy route forms on these is exact or adds exact zeros, so what it does at the rounding
    level (a sweep that leaves the iterate unchanged, a gap below the rounding bound after one sweep) is the
    same under every BLAS kernel.
    """
    from scipy.linalg import hadamard

    X = hadamard(16).astype(float)[:, 1:6]
    noise = np.array([1, -2, 0, 3, -1, 2, 1, -1, 0, 2, -3, 1, 0, -1, 2, -4], dtype=float)
    return X, X @ np.array([5.0, -3.0, 2.0, 1.0, 0.0]) + noise + 7.0


def _linear_case(res, X, y, a1, a2, tol, counts, scaled=None):
    """The flag against the reported numbers and against the hand gap; returns nothing, counts cases."""
    n = len(y)
    yc = y - y.mean()
    target = tol * (yc @ yc) / n
    assert res.target == pytest.approx(target, rel=1e-12)
    Xr, coef = (X, res.coef) if scaled is None else (X / scaled, res.coef * scaled)
    ref = assert_gap_matches(res.gap, Xr, y, coef, a1, a2)
    floor = stated_floor(Xr, y, coef, a1, a2)
    assert res.rounding_bound <= target  # (at tol >= 1e-6 the target is far above what rounding costs)
    assert res.converged == (res.gap <= max(res.target, res.rounding_bound))
    assert abs(ref - target) > 1e-6 * target + 2 * floor
    assert res.converged == (ref <= target)
    counts["true" if res.converged else "false"] += 1
    counts["window"] += bool((res.converged and ref > tol) or (not res.converged and ref <= tol))


@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("y_scale", [20.0, 0.05])
def test_lasso_and_elastic_net_converged_is_gap_within_target(route, y_scale):
    X, y = linear_data(y_scale)
    counts = dict(true=0, false=0, window=0)
    for l1_ratio in [1.0, 0.6]:
        a = 0.05 * alpha_max(X, y, l1_ratio=l1_ratio)
        for tol in TOLS:
            for max_iter in MAX_ITERS:
                with warnings.catch_warnings(record=True) as w, force_route(route):
                    warnings.simplefilter("always", ConvergenceWarning)
                    if l1_ratio == 1.0:
                        res = lasso(X, y, a, tol=tol, max_iter=max_iter)
                    else:
                        res = elastic_net(X, y, a, l1_ratio, tol=tol, max_iter=max_iter)
                assert any(issubclass(x.category, ConvergenceWarning) for x in w) == (not res.converged)
                _linear_case(res, X, y, a * l1_ratio, a * (1 - l1_ratio), tol, counts)
    assert counts["true"] > 0 and counts["false"] > 0, counts
    assert counts["window"] > 0, counts


def test_weighted_lasso_converged_is_gap_within_target():
    # per-coefficient weights: sum_j w_j |b_j| is the plain lasso on the columns x_j / w_j in gamma_j = w_j b_j
    X, y = linear_data(20.0)
    wts = np.linspace(0.3, 3.0, X.shape[1])
    a = 0.002 * alpha_max(X / wts, y)  # (small: many active features, so the short runs stop above the target)
    counts = dict(true=0, false=0, window=0)
    for tol in TOLS:
        for max_iter in MAX_ITERS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # (the flag is what is tested)
                res = solve(X, y, L1(a, weights=tuple(wts)), tol=tol, max_iter=max_iter)
            _linear_case(res, X, y, a, 0.0, tol, counts, scaled=wts)
    assert counts["true"] > 0 and counts["false"] > 0, counts


@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_paths_converged_per_alpha_is_gap_within_target(route, l1_ratio):
    X, y = linear_data(20.0)
    yc = y - y.mean()
    seen = set()
    for tol in TOLS:
        for max_iter in MAX_ITERS:
            with warnings.catch_warnings(record=True) as w, force_route(route):
                warnings.simplefilter("always", ConvergenceWarning)
                if l1_ratio == 1.0:
                    path = lasso_path(X, y, n_alphas=6, eps=1e-2, tol=tol, max_iter=max_iter)
                else:
                    path = enet_path(X, y, l1_ratio=l1_ratio, n_alphas=6, eps=1e-2, tol=tol, max_iter=max_iter)
            assert any(issubclass(x.category, ConvergenceWarning) for x in w) == (not path.converged.all())
            target = tol * (yc @ yc) / len(y)
            for a, c, g, conv, bound in zip(path.alphas, path.coefs, path.gaps, path.converged, path.rounding_bounds):
                ref = assert_gap_matches(g, X, y, c, a * l1_ratio, a * (1 - l1_ratio))
                assert bound <= target
                assert conv == (g <= max(target, bound))
                assert abs(ref - target) > 1e-6 * target + 2 * stated_floor(X, y, c, a * l1_ratio, a * (1 - l1_ratio))
                assert conv == (ref <= target)
                seen.add(bool(conv))
    assert seen == {True, False}


# ------------------------------------------------------------------------------------------------
# the NumPy route's exits (p <= 40): fixed point, max_iter, and a target below the rounding floor
# ------------------------------------------------------------------------------------------------
def test_numpy_route_max_iter_exit_above_target_is_not_converged():
    # tol = 1e-14 (within the floor's reach) and 1e-300 (below it): one or two sweeps end far above both
    X, y = linear_data(1.0, seed=8, n=40, p=30)
    yc = y - y.mean()
    a = 0.02 * alpha_max(X, y)
    for tol in [1e-14, 1e-300]:
        for max_iter in [1, 2]:
            with force_route("numpy"), pytest.warns(ConvergenceWarning, match="did not converge"):
                res = lasso(X, y, a, tol=tol, max_iter=max_iter, mode="gram")
            assert res.n_iter == max_iter
            ref = assert_gap_matches(res.gap, X, y, res.coef, a, 0.0)
            assert not res.converged and res.status == "not converged"
            assert res.gap > max(res.target, res.rounding_bound)
            assert ref > 1e3 * (tol * (yc @ yc) / len(y) + stated_floor(X, y, res.coef, a, 0.0))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_numpy_route_max_iter_exit_at_rounding_level_is_converged(l1_ratio):
    # one sweep and the active-set solve land on the optimum (orthogonal columns), so with max_iter = 1 the
    # route leaves by max_iter with a gap at the level rounding lets the data certify (tol = 1e-300 is below
    # it): converged, status "rounding level", no warning, as at the route's other exits and on the compiled
    # route. (It said "not converged" with a warning claiming the gap was above that level: the max_iter exit
    # kept the flag's initial False.)
    X, y = hadamard_data()
    a = 0.1 * alpha_max(X, y, l1_ratio=l1_ratio)
    a1, a2 = a * l1_ratio, a * (1 - l1_ratio)
    with force_route("numpy"):
        res = elastic_net(X, y, a, l1_ratio, tol=1e-300, max_iter=1, mode="gram")
    assert res.n_iter == 1
    assert res.target < res.gap <= res.rounding_bound
    assert res.converged and res.status == "rounding level"
    ref = assert_gap_matches(res.gap, X, y, res.coef, a1, a2)
    assert ref <= res.rounding_bound + stated_floor(X, y, res.coef, a1, a2)


@pytest.mark.parametrize("l1_ratio, tol", [(1.0, 1e-16), (1.0, 1e-300), (0.5, 1e-300)])
def test_numpy_route_fixed_point_exit_at_the_rounding_floor_is_converged(monkeypatch, l1_ratio, tol):
    # the stall exit disabled (STALL = inf: "the last sweep halved the gap" always), so with a target below
    # the gap's floor the loop ends at a sweep that leaves the iterate unchanged, before max_iter (on these
    # data after the second sweep; on generic data the last bits may cycle, and the stall exit stops them)
    monkeypatch.setattr(_small, "STALL", np.inf)
    X, y = hadamard_data()
    a = 0.1 * alpha_max(X, y, l1_ratio=l1_ratio)
    with force_route("numpy"):
        res = elastic_net(X, y, a, l1_ratio, tol=tol, max_iter=500, mode="gram")
    assert res.n_iter < 500  # not the max_iter exit; nor the target's: the certified gap is never below its floor
    assert res.gap > res.target
    # the fixed point is the optimum to rounding: its gap is at the level rounding lets the data certify
    a1, a2 = a * l1_ratio, a * (1 - l1_ratio)
    ref = assert_gap_matches(res.gap, X, y, res.coef, a1, a2)
    assert res.converged and res.status == "rounding level"
    assert res.converged == (res.gap <= max(res.target, res.rounding_bound))
    assert ref <= res.rounding_bound + stated_floor(X, y, res.coef, a1, a2)


def test_compiled_route_at_rounding_level_is_converged():
    # the compiled Gram kernel given a target below what rounding can certify (tol = 1e-300): it stops at the
    # rounding level, converged with status "rounding level", as documented (gap <= max(target, rounding_bound))
    X, y = hadamard_data()
    a = 0.1 * alpha_max(X, y)
    with force_route("compiled"):
        res = lasso(X, y, a, tol=1e-300, max_iter=10_000, mode="gram")
    assert res.n_iter < 10_000 and res.target < res.gap <= res.rounding_bound
    assert res.converged and res.status == "rounding level"
    ref = assert_gap_matches(res.gap, X, y, res.coef, a, 0.0)
    assert ref <= res.rounding_bound + stated_floor(X, y, res.coef, a, 0.0)


def test_numpy_route_fixed_point_above_the_target_is_not_converged(monkeypatch):
    # the same fixed point, with the rounding bound set to 0 (as on data where rounding certifies nothing above
    # the target): its gap is above the target and the bound, so not converged, and said
    monkeypatch.setattr(_small, "STALL", np.inf)
    monkeypatch.setattr(_small, "rounding_bound", lambda *a: 0.0)
    monkeypatch.setattr(_gapmath, "rounding_bound", lambda *a: 0.0)
    X, y = hadamard_data()
    a = 0.1 * alpha_max(X, y)
    with force_route("numpy"), pytest.warns(ConvergenceWarning, match="did not converge"):
        res = lasso(X, y, a, tol=1e-300, max_iter=500, mode="gram")
    assert res.n_iter < 500 and res.rounding_bound == 0.0
    assert not res.converged and res.gap > res.target


@pytest.mark.parametrize("y_scale", [20.0, 0.05])
def test_numpy_route_converged_is_gap_within_target_on_the_grid(y_scale):
    # as above on the NumPy route with mode="gram" forced (the route's own entry), l1 and elastic net
    X, y = linear_data(y_scale, seed=8, n=40, p=30)
    counts = dict(true=0, false=0, window=0)
    for l1_ratio in [1.0, 0.6]:
        a = 0.02 * alpha_max(X, y, l1_ratio=l1_ratio)
        for tol in TOLS:
            for max_iter in MAX_ITERS:
                with warnings.catch_warnings(), force_route("numpy"):
                    warnings.simplefilter("ignore", ConvergenceWarning)  # (the flag is what is tested)
                    res = elastic_net(X, y, a, l1_ratio, tol=tol, max_iter=max_iter, mode="gram")
                _linear_case(res, X, y, a * l1_ratio, a * (1 - l1_ratio), tol, counts)
                if not res.converged:
                    assert res.n_iter == max_iter
                elif res.n_iter >= 2:
                    # it stopped at the first sweep that met the target (the sweeps do not depend on tol)
                    with warnings.catch_warnings(), force_route("numpy"):
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        short = elastic_net(X, y, a, l1_ratio, tol=tol, max_iter=res.n_iter - 1, mode="gram")
                    assert not short.converged and short.gap > short.target
    assert counts["true"] > 0 and counts["false"] > 0, counts
    assert counts["window"] > 0, counts
