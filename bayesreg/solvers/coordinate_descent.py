r"""Lasso and elastic net by cyclic coordinate descent, and warm-started paths.

Objective (the package's one convention, scikit-learn's ``Lasso``/``ElasticNet``):

.. math::

    \min_{b_0, \beta}\ \frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2
        + \alpha\rho\lVert\beta\rVert_1 + \frac{\alpha(1-\rho)}{2}\lVert\beta\rVert^2 .

The intercept is unpenalised (X and y are centred). Each sweep updates one coordinate at a
time by soft-thresholding; the solver stops when scikit-learn's duality gap satisfies
``gap <= tol * ||y_c||^2 / n`` and returns an immutable :class:`SolverResult`.

Three modes:

- ``"naive"`` keeps the residual (O(n) per coordinate, on a centred Fortran-ordered copy of X);
- ``"gram"`` keeps ``X^T X w`` (O(p) per coordinate after forming ``X^T X`` once, in one
  cache-blocked pass that never copies X);
- ``"covariance"`` (:mod:`bayesreg.solvers.covariance`) forms the Gram entries among the
  features that enter a working set only, solves there, and checks the whole problem by one
  pass over the raw X per round (glmnet's covariance updates with celer's working sets).

``"auto"`` picks, for one alpha, the covariance route when ``n >= 2p`` (beyond small data,
where the plain Gram is as fast), and naive sweeps otherwise; for a path, the Gram when
``n >= 2p`` and p is at most a few thousand (one Gram serves every alpha, while the covariance
route would pay a pass over X per alpha); and the Gram whenever a
:class:`~bayesreg.SufficientStats` is given.

Accelerations (each can be switched off; none changes the answer, since every variant stops on
the duality gap of the whole problem): working sets grown by KKT violation, gap-safe screening,
Anderson extrapolation of the iterates, and on paths warm starts, the strong rules and the reuse
of ``X^T r`` between alphas, the whole path running in one compiled call. The kernels and the
references are in :mod:`bayesreg.solvers._kernels`; what each technique earns is measured in
``benchmarks/results/solvers.md``.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_scalar, check_vector
from .._warnings import warn
from ..exceptions import ConvergenceWarning
from ..penalties import L1, ElasticNet, Penalty
from . import _gapmath, _route, _small
from ._problem import _SMALL, Problem, build_problem, make_problem
from .results import PathResult, SolverResult

__all__ = ["solve", "lasso", "elastic_net", "alpha_max", "lasso_path", "enet_path"]

_MODES = ("auto", "naive", "gram", "covariance")
# first working-set size (celer and skglm use the same)
_P0 = 10
# "auto" picks the Gram mode when n >= _GRAM_RATIO * p and p is small (see _gram_pays)
_GRAM_RATIO = 2
_GRAM_MAX_P = 300
# the covariance route starts from a loose solve on every k-th row when n >= _SUBSAMPLE_RATIO p
# and n p >= _SUBSAMPLE_MIN_SIZE (see _subsample_start)
_SUBSAMPLE_RATIO = 20
_SUBSAMPLE_MIN_SIZE = 2_000_000
_SUBSAMPLE_TOL = 1e-4
# the compiled kernels' first run of sweeps before the whole problem's certificate is asked (see _run)
_CHUNK = 1000


def _check_options(
    tol, max_iter, mode, working_set="auto", screening="auto", extrapolation="auto", strong_rules="auto"
):
    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    check_choice(mode, "mode", _MODES)
    switches = (
        ("working_set", working_set),
        ("screening", screening),
        ("extrapolation", extrapolation),
        ("strong_rules", strong_rules),
    )
    for name, value in switches:
        if not (isinstance(value, bool | np.bool_) or value == "auto"):
            raise ValueError(f"{name} must be 'auto', True or False; got {value!r}")
    return tol, max_iter


def _gram_pays(n: int, p: int, n_alphas: int = 1) -> bool:
    """Whether forming ``X^T X`` (BLAS, ~n p^2 flops) beats residual sweeps (~n p per check).

    A working-set solve makes a few full passes over X per alpha; the Gram costs about p / 10 of
    them (BLAS runs several times faster per flop than a sweep), and is formed once per path.
    See the mode ablation in benchmarks/results/solvers.md.
    """
    return n >= _GRAM_RATIO * p and p <= _GRAM_MAX_P * max(1, n_alphas) ** 0.5


def _resolve_mode(problem: Problem, mode: str) -> str:
    if problem.X_raw is not None:
        return "covariance"
    if problem.X is None:
        if mode == "naive":
            raise ValueError("mode='naive' needs the data arrays; a SufficientStats allows 'gram' only")
        return "gram"
    # (arrays here with "covariance" asked for: the columns were too far from zero for it)
    return "naive" if mode in ("auto", "covariance") else mode


def _covariance_pays(n: int, p: int) -> bool:
    """Whether one alpha should take the covariance route: n >> p and more than a small problem.

    It replaces the Gram's n p^2 / 2 multiply-adds by a few passes over X and the Gram of the
    working set only; on small data the plain Gram is as fast and has less Python around it.
    """
    return n >= _GRAM_RATIO * p and n * p > _SMALL


def _subsample_pays(n: int, p: int) -> bool:
    """Whether a cold start on the covariance route begins with a solve on a subsample of rows."""
    return n >= _SUBSAMPLE_RATIO * p and n * p >= _SUBSAMPLE_MIN_SIZE


def _subsample_start(problem: Problem, w: np.ndarray, l1: float, l2: float, use_anderson: bool) -> None:
    """Warm-start ``w`` from the same problem solved loosely on every k-th row (k <= 10).

    With n >> p a tenth of the rows already pins down most of the support, so the full problem
    starts with its working set nearly complete and needs one or two passes over X instead of
    growing the set over four or five. Only the start changes: the answer is certified by the
    duality gap of the whole problem, as always. (The objective is per row, so alpha, i.e.
    ``l1 / n``, is the same for the subsample.)
    """
    n, p = problem.n, problem.p
    k = int(min(10, n // (_SUBSAMPLE_RATIO // 2 * p)))
    Xs = np.ascontiguousarray(problem.X_raw[::k])
    sub = build_problem((None, Xs, np.ascontiguousarray(problem.y[::k])), problem.fit_intercept, "covariance")
    if sub.X_raw is None:
        return
    scale = sub.n / n
    from . import covariance

    covariance.enet_covariance(
        sub.X_raw, sub.x_mean, sub.y, sub.q, sub.col_sq(), sub.yy, w, np.empty(p), l1 * scale, l2 * scale,
        _SUBSAMPLE_TOL * sub.yy, 1000, True, True, use_anderson, _P0,
    )  # fmt: skip


def _form(mode: str, n_alphas: int = 1):
    """The problem form a mode needs (``auto`` decides from the shape).

    A problem small enough for the NumPy route (:func:`._route.use_numpy_solver`) takes the Gram
    form, the one that route solves on.
    """
    if mode in ("gram", "covariance"):
        return mode
    if mode == "naive":
        return "arrays"
    if n_alphas == 1:
        return lambda n, p: (
            "gram" if _route.use_numpy_solver(n, p)
            else "covariance" if _covariance_pays(n, p) else "gram" if _gram_pays(n, p) else "arrays"
        )  # fmt: skip
    return lambda n, p: "gram" if _route.use_numpy_solver(n, p) or _gram_pays(n, p, n_alphas) else "arrays"


def _on(value) -> bool:
    return True if value == "auto" else bool(value)


def _run(
    problem: Problem,
    penalty: Penalty,
    w: np.ndarray,
    tol,
    max_iter,
    mode,
    working_set="auto",
    screening="auto",
    extrapolation="auto",
    l1_prev=0.0,
    strong=False,
    xtr=None,
    xtr_valid=False,
):
    """Run the kernel on a prepared problem, updating ``w`` in place.

    ``xtr``, when given, receives ``X^T r`` at the solution (valid when converged); with
    ``xtr_valid`` it already holds ``X^T r`` at ``w`` (the previous alpha of a path). Returns
    ``(gap, n_iter, converged)``, the gap in the package scale.
    """
    n = problem.n
    l1 = n * penalty.alpha_l1
    l2 = n * penalty.alpha_l2
    tol_abs = tol * problem.y_norm2()
    if l1 > 0.0 and not np.any(w) and l1 >= np.max(np.abs(problem.xty())):
        # alpha >= alpha_max: zero is optimal, exactly (no rounding from the sweeps)
        if xtr is not None:
            xtr[:] = problem.xty()
        return 0.0, 0, True, 0.0
    if xtr is None:
        xtr = np.empty(problem.p)
        xtr_valid = False
    if mode == "gram" and _route.use_numpy_solver(n, problem.p):
        # small: NumPy, no compiler (same update, certificate and stopping rule; the switches
        # only speed up large problems)
        problem.ensure_gram()
        gap, n_iter, conv = _small.enet_gram_numpy(problem.G, problem.q, problem.yy, w, xtr, l1, l2, tol_abs, max_iter)
        return gap / n, int(n_iter), bool(conv), _bound(problem, w, l1, l2) / n
    from . import _kernels, covariance

    opts = (_on(working_set), _on(screening), _on(extrapolation), _P0, float(l1_prev), bool(strong))
    # The kernels stop on scikit-learn's gap, which cannot certify a penalty below the rounding of
    # X^T r (nor least squares): they would sweep to max_iter, or stop early. So they run a first
    # chunk of sweeps, the certificate of the whole problem (_certify: also the dual point
    # anchored at the least-squares residual) and the active-set candidate decide, and only an
    # uncertified iterate gets the remaining sweeps.
    n_done, chunk, remaining = 0, min(max_iter, _CHUNK), max_iter
    prev = np.inf
    while True:
        if mode == "covariance":
            if _on(working_set) and l1 > 0.0 and not np.any(w) and _subsample_pays(n, problem.p):
                _subsample_start(problem, w, l1, l2, opts[2])
            with _route.compile_notice(_kernels.whole_gap, "solver"):
                gap, n_iter, conv, handover = covariance.enet_covariance(
                    problem.X_raw, problem.x_mean, problem.y, problem.q, problem.col_sq(), problem.yy, w, xtr,
                    l1, l2, tol_abs, chunk, *opts[:4],
                )  # fmt: skip
            if handover:
                # the centred copy of the working-set columns would pass its memory bound: finish on
                # the Gram form, warm-started from here
                problem.ensure_gram()
                problem.X_raw = None  # (the rest of a path stays on the Gram form too)
                mode = "gram"
                n_done, remaining = n_done + n_iter, remaining - n_iter
                chunk = max(min(remaining, chunk), 1)
                continue
        elif mode == "gram":
            problem.ensure_gram()
            with _route.compile_notice(_kernels.enet_gram, "solver"):
                gap, n_iter, conv = _kernels.enet_gram(
                    problem.G, problem.q, problem.yy, w, xtr, l1, l2, tol_abs, chunk, *opts
                )
        else:
            with _route.compile_notice(_kernels.enet_naive, "solver"):
                gap, n_iter, conv = _kernels.enet_naive(
                    problem.X, problem.y, w, problem.col_sq(), xtr, xtr_valid, l1, l2, tol_abs, chunk, *opts
                )
        xtr_valid = False
        n_done, remaining = n_done + int(n_iter), remaining - int(n_iter)
        gap = _certify(problem, w, l1, l2, gap, tol_abs)
        if gap > tol_abs and problem.G is not None:
            Gw = problem.G @ w
            _small._polish(problem.G, problem.q, problem.yy, w, Gw, l1, l2)
            gap = _certify(problem, w, l1, l2, gap, tol_abs, Gw)
            xtr[:] = problem.q - Gw
        bound = _bound(problem, w, l1, l2) if gap > tol_abs else 0.0
        at_rounding = gap <= bound and gap > _small.STALL * prev  # (at the bound, and a chunk no longer halves it)
        if gap <= tol_abs or at_rounding or conv or remaining <= 0:
            # (conv with gap > tol_abs: the kernel's own gap is met but not the certificate, and
            # more sweeps would not change the kernel's mind)
            return gap / n, n_done, bool(gap <= max(tol_abs, bound)), bound / n
        # the next chunk: all remaining sweeps unless the gap is already at rounding level (then a
        # chunk at a time, until it stops falling)
        prev = gap
        chunk = min(remaining, _CHUNK) if gap <= bound else remaining


def _bound(problem: Problem, w: np.ndarray, l1: float, l2: float) -> float:
    """:func:`._gapmath.rounding_bound` at ``w`` (sum scale) where the Gram form is at hand, else 0.

    (Without the Gram the kernels' gap is only raised to its floor, :func:`_certify`; the bound
    is then that floor, already in the gap, and nothing more is claimed.)
    """
    if problem.G is None:
        return 0.0
    return _gapmath.rounding_bound(problem.G, problem.q, problem.yy, w, problem.G @ w, l1, l2)


def _certify(problem: Problem, w: np.ndarray, l1: float, l2: float, gap: float, tol_abs: float, Gw=None) -> float:
    """The compiled kernels' gap made honest, as the NumPy route's (:func:`._gapmath.certified_gap`).

    On the Gram form the certified gap itself. Otherwise the kernel's gap raised to its rounding
    floor (a gap that rounding made negative is not a certificate); for least squares, and when
    the kernel's gap does not certify ``tol_abs`` and the anchored certificate can help (``n > p``
    or a ridge part),
    the Gram is formed (once per problem, at most ``_LS_MAX_P`` features) and the certified gap
    taken there (least squares beyond that size: not certified).
    """
    least_squares = l1 == 0.0 and l2 == 0.0  # (the kernels' formula is no bound there)
    # (r_LS = 0 on wide data without a ridge part: then the anchored point is scikit-learn's)
    helps = gap > tol_abs and (problem.n > problem.p or l2 > 0.0)
    if problem.G is None and problem.p <= _gapmath._LS_MAX_P and (least_squares or helps):
        problem.ensure_gram()
    if problem.G is None and least_squares:
        return np.inf
    if problem.G is not None:
        if Gw is None:
            S = np.flatnonzero(w)
            Gw = problem.G[:, S] @ w[S]
        ls = problem.least_squares_dual(l2)
        return _gapmath.certified_gap(problem.G, problem.q, problem.yy, w, Gw, l1, l2, tol_abs, ls)
    # The kernels form this gap from the residual (naive) or from passes over the rows
    # (covariance), not from q - G w: its terms are w^T q and ||X w||^2 (~ w^T q at the optimum),
    # so t = |w^T q| + ||X w||^2 / 2 as in the floor's formula.
    w_q = float(w @ problem.xty())
    w_Gw = float(np.square(problem.X @ w).sum()) if problem.X is not None else abs(w_q)
    t = abs(w_q) + 0.5 * w_Gw
    floor = _gapmath.rounding_floor(problem.y_norm2(), t, l1, float(np.abs(w).sum()), l2, float(w @ w))
    return max(float(gap), floor)


def _warn_not_converged(gap, tol, problem, n_iter, where=""):
    target = tol * problem.y_norm2() / problem.n
    warn(
        f"coordinate descent did not converge{where} after {n_iter} sweeps: duality gap "
        f"{gap:.3g} > tol * ||y||^2 / n = {target:.3g} (and above the gap rounding allows to certify). "
        "Increase max_iter, or scale the columns of X.",
        ConvergenceWarning,
    )


def _check_init(coef_init, p):
    if coef_init is None:
        return np.zeros(p)
    return check_vector(coef_init, "coef_init", n=p, n_name="the number of features").copy()


def solve(
    X,
    y=None,
    penalty: Penalty | None = None,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-4,
    max_iter: int = 10_000,
    mode: str = "auto",
    coef_init=None,
    working_set="auto",
    screening="auto",
    extrapolation="auto",
) -> SolverResult:
    """Minimise ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)`` by coordinate descent.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    penalty : L1, L2 or ElasticNet
        The penalty.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (centre X and y).
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * ||y_c||^2 / n`` (scikit-learn's rule).
    max_iter : int, default=10000
        Maximum number of sweeps over the coordinates.
    mode : {"auto", "naive", "gram", "covariance"}, default="auto"
        Residual updates (O(n) per coordinate), Gram updates (O(p) per coordinate after
        forming ``X^T X`` once), or covariance updates (the Gram of the working set only, one
        pass over X per round). ``"auto"``: covariance when ``n >= 2p`` beyond small data,
        the Gram for small n >> p data or a SufficientStats (whose Gram is given), naive
        otherwise. See the module docstring.
    coef_init : array_like of shape (p,), optional
        Warm start.
    working_set : {"auto", True, False}, default="auto"
        Solve on a growing set of features ranked by KKT violation, checking the rest between
        rounds. ``False`` sweeps every (unscreened) feature.
    screening : {"auto", True, False}, default="auto"
        Gap-safe screening: remove features proven zero at the optimum.
    extrapolation : {"auto", True, False}, default="auto"
        Anderson extrapolation of the iterates (kept only when it lowers the objective).

    Returns
    -------
    SolverResult

    Notes
    -----
    None of the accelerations changes the answer: every variant stops on the same duality
    gap of the whole problem, ``gap <= tol * ||y_c||^2 / n``.
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be L1, L2 or ElasticNet; got {type(penalty).__name__}")
    tol, max_iter = _check_options(tol, max_iter, mode, working_set, screening, extrapolation)
    if penalty.weight_vector is not None:
        return _solve_weighted(X, y, penalty, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter, mode=mode,
                               coef_init=coef_init, working_set=working_set, screening=screening,
                               extrapolation=extrapolation)  # fmt: skip
    problem = make_problem(X, y, fit_intercept, _form(mode))
    w = _check_init(coef_init, problem.p)
    gap, n_iter, conv, bound = _run(
        problem, penalty, w, tol, max_iter, _resolve_mode(problem, mode), working_set, screening, extrapolation
    )
    if not conv:
        _warn_not_converged(gap, tol, problem, n_iter)
    return SolverResult(
        coef=w,
        intercept=problem.intercept(w),
        gap=gap,
        n_iter=n_iter,
        converged=conv,
        penalty=penalty,
        tol=tol,
        target=tol * problem.y_norm2() / problem.n,
        rounding_bound=bound,
    )


def _solve_weighted(X, y, penalty, *, fit_intercept, coef_init, **options) -> SolverResult:
    """The weighted penalty on the common-weight working model of :func:`bayesreg.design.reweight`.

    ``sum_j w_j pen(b_j)`` with ``b_j = c_j g_j`` is ``pen(g)`` on the columns ``c_j x_j``; an
    unpenalised column (``w_j = 0``) is profiled out exactly (its coefficient and the intercept at
    their conditional optimum). The working objective equals the full one at the profiled point
    (same ``1/(2n)`` normalisation), so its duality gap certifies the full problem.
    """
    from ..design import prepare_data, reweight
    from .ridge import ridge

    data = prepare_data(X, y, fit_intercept=fit_intercept)
    w = penalty.weight_vector
    if w.size != data.p:
        raise ValueError(f"the penalty has {w.size} weights but the data have p = {data.p} features")
    rw = reweight(data, penalty.column_factors())
    work = rw.working
    source = (work.X, work.y) if work.X is not None else (work.stats, None)
    inner = penalty.unweighted()
    m = rw.multipliers[rw.penalised]
    if work.X is not None and options.get("mode") == "auto" and m.max() > 1e3 * m.min():
        # columns a thousand times apart: on the Gram form the rounding of q - G w in the widest
        # column (eps |q_j|) can exceed what its tight KKT condition allows, so no gap certifies;
        # passes over the rows compute X^T r from the residual and do
        options = {**options, "mode": "covariance"}
    if coef_init is not None:
        b = check_vector(coef_init, "coef_init", n=data.p, n_name="the number of features")
        coef_init = b[rw.penalised] / rw.multipliers[rw.penalised]
    if inner.alpha_l1 > 0.0 or isinstance(inner, L1):  # (ridge, weighted L2, has its closed form)
        res = solve(*source, inner, fit_intercept=work.fit_intercept, coef_init=coef_init, **options)
        gamma, b0, gap, n_iter, conv, tol = res.coef, res.intercept, res.gap, res.n_iter, res.converged, res.tol
        target, bound = res.target, res.rounding_bound
    else:
        r = ridge(*source, inner.alpha, fit_intercept=work.fit_intercept)
        gamma, b0, gap, n_iter, conv, tol = r.coef, r.intercept, 0.0, 0, True, options["tol"]
        target, bound = float("nan"), 0.0
    coef, intercept = rw.coef(gamma, b0 if work.fit_intercept else None)
    return SolverResult(coef=coef, intercept=intercept, gap=gap, n_iter=n_iter, converged=conv, penalty=penalty,
                        tol=tol, target=target, rounding_bound=bound)  # fmt: skip


def lasso(X, y=None, alpha: float = 1.0, **kwargs) -> SolverResult:
    """Lasso: ``1/(2n) ||y - b0 - X beta||^2 + alpha ||beta||_1`` (scikit-learn's ``Lasso``).

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    alpha : float, default=1.0
        Non-negative L1 weight.
    **kwargs
        ``fit_intercept``, ``tol``, ``max_iter``, ``mode``, ``coef_init``, ``working_set``,
        ``screening``, ``extrapolation`` as in :func:`solve`.

    Returns
    -------
    SolverResult
    """
    return solve(X, y, L1(alpha), **kwargs)


def elastic_net(X, y=None, alpha: float = 1.0, l1_ratio: float = 0.5, **kwargs) -> SolverResult:
    """Elastic net: ``1/(2n)||r||^2 + alpha rho ||b||_1 + alpha (1 - rho)/2 ||b||^2``.

    The same objective as scikit-learn's ``ElasticNet`` (``rho`` is ``l1_ratio``).

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    alpha : float, default=1.0
        Non-negative overall weight.
    l1_ratio : float, default=0.5
        Mixing parameter in [0, 1].
    **kwargs
        ``fit_intercept``, ``tol``, ``max_iter``, ``mode``, ``coef_init``, ``working_set``,
        ``screening``, ``extrapolation`` as in :func:`solve`.

    Returns
    -------
    SolverResult
    """
    return solve(X, y, ElasticNet(alpha, l1_ratio), **kwargs)


def _alpha_max(problem: Problem, l1_ratio: float) -> float:
    return float(np.max(np.abs(problem.xty())) / (problem.n * l1_ratio))


def alpha_max(X, y=None, *, l1_ratio: float = 1.0, fit_intercept: bool = True) -> float:
    """Smallest ``alpha`` at which every coefficient is zero: ``max_j |x_j^T y| / (n l1_ratio)``.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    l1_ratio : float, default=1.0
        Elastic-net mixing, in (0, 1].
    fit_intercept : bool, default=True

    Returns
    -------
    float
    """
    l1_ratio = check_scalar(l1_ratio, "l1_ratio", lower=0.0, upper=1.0, lower_inclusive=False)
    # (the covariance form needs one pass over X and no copy of it; small data, the NumPy Gram)
    form = lambda n, p: "gram" if _route.use_numpy_solver(n, p) else "covariance"  # noqa: E731
    return _alpha_max(make_problem(X, y, fit_intercept, form), l1_ratio)


def _path_covariance(problem, grid, l1_ratio, tol, max_iter, warm_start, switches):
    """A path on the covariance route: one :func:`_run` per alpha, warm-started (asked for by name only).

    Each alpha costs at least one pass over X to certify its gap, so "auto" prefers the Gram
    route for paths, whose ``X^T X`` is formed once for every alpha.
    """
    k, p = grid.size, problem.p
    coefs = np.zeros((k, p))
    gaps = np.zeros(k)
    n_iters = np.zeros(k, dtype=np.int64)
    conv = np.zeros(k, dtype=bool)
    w = np.zeros(p)
    for i, a in enumerate(grid):
        if not warm_start:
            w[:] = 0.0
        mode = "covariance" if problem.X_raw is not None else "gram"  # (gram after a handover)
        gaps[i], n_iters[i], conv[i], _ = _run(problem, ElasticNet(a, l1_ratio), w, tol, max_iter, mode, *switches)
        coefs[i] = w
    return coefs, gaps * problem.n, n_iters, conv


def enet_path(
    X,
    y=None,
    *,
    l1_ratio: float = 0.5,
    n_alphas: int = 100,
    eps: float = 1e-3,
    alphas=None,
    fit_intercept: bool = True,
    tol: float = 1e-4,
    max_iter: int = 10_000,
    mode: str = "auto",
    working_set="auto",
    screening="auto",
    extrapolation="auto",
    strong_rules="auto",
    warm_start: bool = True,
) -> PathResult:
    """Elastic-net path over a log grid from ``alpha_max`` down to ``eps * alpha_max``, warm-started.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    l1_ratio : float, default=0.5
        Mixing parameter in (0, 1].
    n_alphas : int, default=100
        Grid length when ``alphas`` is not given.
    eps : float, default=1e-3
        ``alpha_min / alpha_max``.
    alphas : array_like, optional
        Explicit grid (sorted decreasing before solving).
    fit_intercept, tol, max_iter, mode, working_set, screening, extrapolation
        As in :func:`solve`.
    strong_rules : {"auto", True, False}, default="auto"
        Seed each working set with the sequential strong rule (the support plus the features
        with ``|x_j^T r| >= 2 alpha_new - alpha_old``, in the L1 scale). Needs working sets.
    warm_start : bool, default=True
        Start each alpha from the previous solution (``False`` starts from zero: slower, kept
        for the benchmark).

    Returns
    -------
    PathResult
    """
    l1_ratio = check_scalar(l1_ratio, "l1_ratio", lower=0.0, upper=1.0, lower_inclusive=False)
    tol, max_iter = _check_options(tol, max_iter, mode, working_set, screening, extrapolation, strong_rules)
    if not isinstance(warm_start, bool | np.bool_):
        raise TypeError(f"warm_start must be True or False; got {warm_start!r}")
    if alphas is None:
        n_alphas = check_scalar(n_alphas, "n_alphas", lower=1, integer=True)
        eps = check_scalar(eps, "eps", lower=0.0, upper=1.0, lower_inclusive=False)
    else:
        grid = np.sort(check_vector(alphas, "alphas"))[::-1].copy()
        if np.any(grid < 0):
            raise ValueError("alphas must be non-negative")
    problem = make_problem(X, y, fit_intercept, _form(mode, n_alphas if alphas is None else grid.size))
    if alphas is None:
        amax = _alpha_max(problem, l1_ratio)
        grid = amax * np.logspace(0.0, np.log10(eps), n_alphas) if amax > 0 else np.zeros(n_alphas)
    mode = _resolve_mode(problem, mode)
    k = grid.size
    n = problem.n
    # the whole path runs in one kernel call: no Python between alphas
    l1s = n * l1_ratio * grid
    l2s = n * (1.0 - l1_ratio) * grid
    xty_max = float(np.max(np.abs(problem.xty())))
    opts = (
        l1s, l2s, tol * problem.y_norm2(), max_iter, _on(working_set), _on(screening), _on(extrapolation), _P0,
        _on(strong_rules) and _on(working_set), bool(warm_start),
    )  # fmt: skip
    if mode == "covariance":
        coefs, gaps, n_iters, conv = _path_covariance(problem, grid, l1_ratio, tol, max_iter, warm_start, opts[4:7])
    elif mode == "gram" and _route.use_numpy_solver(n, problem.p):
        problem.ensure_gram()
        coefs, gaps, n_iters, conv = _small.path_gram_numpy(
            problem.G, problem.q, problem.yy, xty_max, l1s, l2s, opts[2], max_iter, bool(warm_start)
        )
    elif mode == "gram":
        from . import _kernels

        problem.ensure_gram()
        with _route.compile_notice(_kernels.path_gram, "solver"):
            coefs, gaps, n_iters, conv = _kernels.path_gram(problem.G, problem.q, problem.yy, xty_max, *opts)
    else:
        from . import _kernels

        with _route.compile_notice(_kernels.path_naive, "solver"):
            coefs, gaps, n_iters, conv = _kernels.path_naive(
                problem.X, problem.y, problem.col_sq(), xty_max, *opts
            )
    if mode != "covariance" and not (mode == "gram" and _route.use_numpy_solver(n, problem.p)):
        # the compiled path kernels stop on scikit-learn's gap: each point certified as _run does
        tol_abs = opts[2]
        for i in range(k):
            if l1s[i] > 0.0 and not coefs[i].any() and l1s[i] >= xty_max:
                continue  # (the zero solution above alpha_max: exact)
            gaps[i] = _certify(problem, coefs[i], l1s[i], l2s[i], gaps[i], tol_abs)
            conv[i] = gaps[i] <= max(tol_abs, _bound(problem, coefs[i], l1s[i], l2s[i]))
    # what rounding lets each point certify (package scale; 0 without the Gram form)
    bounds = np.array([_bound(problem, coefs[i], l1s[i], l2s[i]) for i in range(k)]) / n
    gaps = gaps / n
    intercepts = problem.y_mean - coefs @ problem.x_mean
    if not conv.all():
        bad = np.flatnonzero(~conv)
        _warn_not_converged(
            gaps[bad].max(), tol, problem, max_iter, where=f" at {bad.size} of {k} alphas"
        )
    return PathResult(
        alphas=grid,
        coefs=coefs,
        intercepts=intercepts,
        gaps=gaps,
        n_iters=n_iters,
        converged=conv,
        l1_ratio=l1_ratio,
        rounding_bounds=bounds,
    )


def lasso_path(X, y=None, **kwargs) -> PathResult:
    """Lasso path: :func:`enet_path` with ``l1_ratio=1``.

    Parameters
    ----------
    X : array_like of shape (n, p) or SufficientStats
    y : array_like of shape (n,), optional
    **kwargs
        ``n_alphas``, ``eps``, ``alphas``, ``fit_intercept``, ``tol``, ``max_iter``, ``mode``,
        ``working_set``, ``screening``, ``extrapolation``, ``strong_rules``, ``warm_start``.

    Returns
    -------
    PathResult
    """
    if "l1_ratio" in kwargs:
        raise TypeError("lasso_path has l1_ratio = 1; use enet_path for other values")
    return enet_path(X, y, l1_ratio=1.0, **kwargs)
