"""The first run: small problems take a NumPy route that needs no compiler, with the same answers.

The NumPy route (bayesreg.solvers._small, bayesreg.samplers._numpy_kernels) is compared with the
compiled numba route on the same problems, and both with independent references: scikit-learn's
Lasso/ElasticNet, the closed-form ridge, the exact conjugate posterior. Solver tolerances come from
the certificate: each result's objective is within its reported duality gap of the optimum, so two
certified results differ in objective by at most the larger gap (plus rounding of the objective).
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from typing import NamedTuple

import numpy as np
import pytest
from _stack import moments
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

import bayesreg as br
from bayesreg.penalties import L1, L2, ElasticNet
from bayesreg.samplers import sample_gibbs
from bayesreg.solvers import enet_path, solve
from bayesreg.solvers._route import compile_notice, force_route, use_numpy_sampler, use_numpy_solver
from bayesreg.suffstats import SufficientStats

TOL = 1e-14
# Route-agreement tests ask for a gap of CERT_TOL * scale, well above the certificate's rounding floor: the
# primal and dual objectives are sums of n + p terms of size <= scale, each rounded with relative error
# eps, so the computed gap is within (n + p) eps scale (~2e-14 scale at n + p = 100) of the true one, and
# a target at 1e-14 scale sits on that floor (it failed under OpenBLAS's Haswell kernels: gap 8.8e-14
# against 7.6e-14). 1e-11 is 500x above the floor at these sizes.
CERT_TOL = 1e-11


def _data(n, p, seed=0, offset=1.0):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p)) + 0.4 * r.standard_normal((n, 1)) + offset * r.uniform(-1, 1, p)
    beta = np.zeros(p)
    beta[:3] = [2.0, -1.5, 1.0]
    y = 0.5 + X @ beta + 0.7 * r.standard_normal(n)
    return X, y


def _objective(X, y, w, pen, fit_intercept):
    Xc = X - X.mean(0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    r = yc - Xc @ w
    return (r @ r) / (2 * len(y)) + pen.alpha_l1 * np.abs(w).sum() + 0.5 * pen.alpha_l2 * (w @ w)


def _penalty(kind, X, y):
    amax = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / len(y)
    return {"l1": L1(0.05 * amax), "enet": ElasticNet(0.08 * amax, 0.6), "l2": L2(0.3)}[kind]


def _assert_certified_close(X, y, a, b, pen, fit_intercept, scale):
    """Two certified solutions are as close as their gaps allow, in the norm the objective controls.

    With F(w) = ||yc - Xc w||^2 / (2n) + alpha_l1 ||w||_1 + alpha_l2 ||w||^2 / 2 and w* a minimiser,
    F(w) - F(w*) >= N(w - w*)^2 / 2 for N(d)^2 = ||Xc d||^2 / n + alpha_l2 ||d||^2 (the quadratic part is
    exact, the optimality condition bounds the rest from below). So N(a - b) <= sqrt(2 gap_a) + sqrt(2 gap_b),
    with each gap widened by its rounding floor (n + p) eps scale. N controls the fitted values
    ybar + Xc w (unique even where w is not, p > n), hence also each route's intercept.
    """
    n, p = X.shape
    floor = (n + p) * np.finfo(float).eps * scale
    bound = np.sqrt(2 * (a.gap + floor)) + np.sqrt(2 * (b.gap + floor))
    Xc = X - X.mean(0) if fit_intercept else X
    d = a.coef - b.coef
    dist = np.sqrt((Xc @ d) @ (Xc @ d) / n + pen.alpha_l2 * (d @ d))
    assert dist <= bound, (dist, bound)
    fitted_a, fitted_b = a.intercept + X @ a.coef, b.intercept + X @ b.coef
    assert np.sqrt(np.mean((fitted_a - fitted_b) ** 2)) <= bound


class _PathPoint(NamedTuple):
    coef: np.ndarray
    intercept: float
    gap: float


def _both_routes(*args, **kwargs):
    out = {}
    for route in ("numpy", "compiled"):
        with force_route(route):
            out[route] = solve(*args, **kwargs)
    return out["numpy"], out["compiled"]


@pytest.mark.parametrize("shape", [(60, 8), (15, 30)])  # n > p and p > n
@pytest.mark.parametrize("kind", ["l1", "enet", "l2"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("source", ["arrays", "stats"])
def test_numpy_and_compiled_routes_agree(shape, kind, fit_intercept, source):
    X, y = _data(*shape)
    pen = _penalty(kind, X, y)
    args = (X, y) if source == "arrays" else (SufficientStats.from_arrays(X, y), None)
    mode = "auto" if source == "arrays" else "gram"
    a, b = _both_routes(*args, pen, fit_intercept=fit_intercept, tol=CERT_TOL, mode=mode)
    scale = (np.var(y) if fit_intercept else np.mean(y**2)) / 2
    n, p = X.shape
    floor = (n + p) * np.finfo(float).eps * scale  # rounding of a gap (see CERT_TOL)
    for res in (a, b):
        assert res.converged and -floor <= res.gap <= CERT_TOL * 2 * scale + floor
        assert type(res) is type(a)
    # certified objectives: both within their gaps (and the objective's rounding) of the optimum
    fa, fb = (_objective(X, y, r.coef, pen, fit_intercept) for r in (a, b))
    assert abs(fa - fb) <= max(a.gap, b.gap) + 2 * floor
    _assert_certified_close(X, y, a, b, pen, fit_intercept, scale)


@pytest.mark.parametrize("kind", ["l1", "enet"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_numpy_route_against_scikit_learn(kind, fit_intercept):
    X, y = _data(80, 10, seed=3)
    pen = _penalty(kind, X, y)
    with force_route("numpy"):
        res = solve(X, y, pen, fit_intercept=fit_intercept, tol=TOL)
    if kind == "l1":
        sk = SkLasso(alpha=pen.alpha, fit_intercept=fit_intercept, tol=1e-13, max_iter=1_000_000)
    else:
        sk = SkElasticNet(alpha=pen.alpha, l1_ratio=pen.l1_ratio, fit_intercept=fit_intercept, tol=1e-13,
                          max_iter=1_000_000)  # fmt: skip
    sk.fit(X, y)
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=0, atol=1e-6 * np.abs(sk.coef_).max())
    assert np.array_equal(res.coef == 0, sk.coef_ == 0)  # the same exact zeros
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-6 * np.abs(y).max())


def test_numpy_route_ridge_is_the_closed_form():
    X, y = _data(40, 12, seed=4)
    a = 0.7
    with force_route("numpy"):
        res = solve(X, y, L2(a), tol=TOL)
    Xc, yc = X - X.mean(0), y - y.mean()
    exact = np.linalg.solve(Xc.T @ Xc + len(y) * a * np.eye(12), Xc.T @ yc)
    np.testing.assert_allclose(res.coef, exact, rtol=1e-9, atol=1e-12)


def test_numpy_route_warm_start_and_least_squares():
    X, y = _data(50, 6, seed=5)
    w0 = np.linspace(-1, 1, 6)
    before = w0.copy()
    with force_route("numpy"):
        res = solve(X, y, L1(0.0), tol=TOL, coef_init=w0)
    assert np.array_equal(w0, before)  # the warm start is not modified in place
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(res.coef, np.linalg.lstsq(Xc, yc, rcond=None)[0], rtol=1e-9)
    assert res.converged and res.n_iter >= 1


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_paths_agree_between_routes(l1_ratio):
    X, y = _data(70, 9, seed=6)
    out = {}
    for route in ("numpy", "compiled"):
        with force_route(route):
            out[route] = enet_path(X, y, l1_ratio=l1_ratio, n_alphas=25, tol=CERT_TOL)
    a, b = out["numpy"], out["compiled"]
    np.testing.assert_array_equal(a.alphas, b.alphas)
    assert a.converged.all() and b.converged.all()
    scale = np.var(y) / 2
    floor = sum(X.shape) * np.finfo(float).eps * scale  # rounding of a gap (see CERT_TOL)
    for gaps in (a.gaps, b.gaps):
        assert np.all(gaps >= -floor) and np.all(gaps <= CERT_TOL * 2 * scale + floor)
    for k, alpha in enumerate(a.alphas):
        pen = ElasticNet(alpha, l1_ratio) if l1_ratio < 1 else L1(alpha)
        ra, rb = (_PathPoint(r.coefs[k], r.intercepts[k], r.gaps[k]) for r in (a, b))
        _assert_certified_close(X, y, ra, rb, pen, True, scale)


def test_size_rule_and_override():
    assert use_numpy_solver(442, 10) and not use_numpy_solver(100, 500)
    assert use_numpy_sampler(10, 4000) and not use_numpy_sampler(300, 4000)
    with force_route("compiled"):
        assert not use_numpy_solver(442, 10) and not use_numpy_sampler(10, 10)
        with force_route("numpy"):
            assert use_numpy_solver(100, 500)
        assert not use_numpy_solver(442, 10)  # restored on exit
    assert use_numpy_solver(442, 10)
    with pytest.raises(ValueError, match="route must be"):
        with force_route("fast"):
            pass


class _FakeDispatcher:
    def __init__(self, misses):
        self.signatures = []
        self._cache_misses = misses


def test_compile_notice_speaks_once_and_only_when_compiling(capsys):
    from bayesreg.solvers import _route

    _route._told.discard("test")
    with compile_notice(_FakeDispatcher({}), "test", delay=0.01):  # a cache hit: nothing said
        time.sleep(0.2)
    assert capsys.readouterr().err == ""
    with compile_notice(_FakeDispatcher({"sig": 1}), "test", delay=0.01):
        time.sleep(0.2)
    assert capsys.readouterr().err.count("compiling test kernels (first run only") == 1
    with compile_notice(_FakeDispatcher({"sig": 1}), "test", delay=0.01):  # once per process
        time.sleep(0.2)
    assert capsys.readouterr().err == ""
    _route._told.discard("test")
    with compile_notice(_FakeDispatcher({"sig": 1}), "test", delay=5.0):  # returned in time: nothing
        pass
    assert capsys.readouterr().err == ""


def test_progress_bar_says_it_is_compiling_then_counts():
    from bayesreg.samplers.driver import Progress as _Progress

    compiling = [True]
    bar = _Progress(100, 2, True, delay=0.0, compiling=lambda: compiling[0])
    bar.update(0)
    task = bar.bar.tasks[0]
    assert task.total is None and "compiling sampler kernels" in task.description  # a pulsing bar
    compiling[0] = False
    bar.update(10)
    task = bar.bar.tasks[0]
    assert task.total == 200 and task.completed == 10 and task.description == "Gibbs sampling"
    bar.update(200, final=True)


def test_small_problems_never_compile():
    # a fresh interpreter: the diabetes MAP, a path and alpha_max import no numba; a Gibbs posterior
    # imports it (the kernels' types) but compiles nothing
    code = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "import bayesreg as br\n"
        "from bayesreg.datasets import load_diabetes\n"
        "d = load_diabetes()\n"
        "r = br.map_estimate(d.X, d.y, br.Laplace(20.0), sigma=54.0)\n"
        "from bayesreg.solvers import lasso_path, alpha_max\n"
        "lasso_path(d.X, d.y, n_alphas=10); alpha_max(d.X, d.y)\n"
        "assert r.converged and 'numba' not in sys.modules, sorted(m for m in sys.modules if 'numba' in m)[:3]\n"
        "from bayesreg.samplers import sample_gibbs\n"
        "from bayesreg.samplers import _kernels as K\n"
        "idata = sample_gibbs(d.X, d.y, br.Laplace(20.0), draws=50, tune=50, random_seed=0, progressbar=False,"
        " check=False)\n"
        "assert idata.sample_stats.attrs['kernels'] == 'numpy'\n"
        "assert not K.run_block.signatures and not K.seed.signatures\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
    assert "compiling" not in out.stderr


# ----------------------------------------------------------------------------- Gibbs routes


def _exact_ridge(X, y, sigma, tau):
    Xc, yc = X - X.mean(0), y - y.mean()
    Q = Xc.T @ Xc / sigma**2 + np.eye(X.shape[1]) / tau**2
    cov = np.linalg.inv(Q)
    return cov @ Xc.T @ yc / sigma**2, np.sqrt(np.diag(cov))


@pytest.mark.slow
@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_gibbs_routes_against_the_closed_form(route):
    # Gaussian prior, tau and sigma fixed: the exact posterior; means within 4.5 MCSE (Bonferroni
    # over 6 coordinates at family level 1e-3 gives about 4.0), sds within 10% (ESS >= 1000 makes
    # the sd's relative standard error about 2%)
    X, y = _data(50, 6, seed=8)
    mean, sd = _exact_ridge(X, y, 1.0, 0.8)
    with force_route(route):
        idata = sample_gibbs(X, y, br.Gaussian(0.8), sigma=1.0, draws=2000, tune=200, chains=2, random_seed=1,
                             progressbar=False)  # fmt: skip
    assert idata.sample_stats.attrs["kernels"] == ("numpy" if route == "numpy" else "numba")
    m, s, mc = moments(idata, "beta")
    assert np.all(np.abs(m - mean) <= 4.5 * mc), (m - mean) / mc
    np.testing.assert_allclose(s, sd, rtol=0.1)


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior, sigma",
    [(br.Laplace(0.5), "default"), (br.ParkCasella(lam=2.0), "jeffreys"), (br.Horseshoe(), "default")],
    ids=["laplace", "park-casella", "horseshoe"],
)
def test_gibbs_routes_sample_the_same_posterior(prior, sigma):
    # every kernel kind and both free-sigma updates: the two routes' posterior means agree within
    # 4.5 combined MCSE, and sigma too
    X, y = _data(60, 5, seed=9)
    res = {}
    for route in ("numpy", "compiled"):
        with force_route(route), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res[route] = sample_gibbs(X, y, prior, sigma=sigma, draws=3000, tune=500, chains=2, random_seed=2,
                                      progressbar=False)  # fmt: skip
    for var in ("beta", "sigma"):
        (ma, _, ca), (mb, _, cb) = moments(res["numpy"], var), moments(res["compiled"], var)
        assert np.all(np.abs(ma - mb) <= 4.5 * np.hypot(ca, cb)), (var, (ma - mb) / np.hypot(ca, cb))


def test_gibbs_numpy_route_is_reproducible():
    X, y = _data(30, 4, seed=10)
    with force_route("numpy"):
        a = sample_gibbs(X, y, br.Laplace(1.0), draws=40, tune=10, random_seed=5, progressbar=False, check=False)
        b = sample_gibbs(X, y, br.Laplace(1.0), draws=40, tune=10, random_seed=5, progressbar=False, check=False,
                         cores=1)  # fmt: skip
    np.testing.assert_array_equal(a.posterior["beta"].values, b.posterior["beta"].values)
