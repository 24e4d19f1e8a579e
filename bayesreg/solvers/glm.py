r"""Exact penalised GLM MAP: proximal Newton with coordinate descent, and its duality-gap certificate.

The objective (the negative log posterior up to a constant, not divided by ``n``)
=================================================================================

.. math::

    P(\beta, b_0) = \sum_{i=1}^n \ell_i(b_0 + x_i^\top\beta)
                  + l_1\lVert\beta\rVert_1 + \frac{l_2}{2}\lVert\beta\rVert_2^2,

with :math:`\ell_i` the loss of the likelihood family (:mod:`bayesreg.families`: the negative
log-likelihood minus its saturated value) and a flat prior on the unpenalised intercept
:math:`b_0`. It *is* the MAP objective: a Laplace(0, b) prior on each coefficient is
``l1 = 1/b``, a Gaussian N(0, tau^2) prior is ``l2 = 1/tau^2``, both together the elastic net.
(For the Gaussian family the loss is at ``sigma = 1``; at another sigma multiply ``l1`` and
``l2`` by ``sigma^2``.) The scikit-learn conversions live in :mod:`bayesreg.mapping`:
``LogisticRegression(C=b)`` with the L1 penalty, ``C = tau^2`` with L2, and
``PoissonRegressor(alpha = 1/(n tau^2))``.

Algorithm
=========
Proximal Newton (as glmnet / newGLMNET): at the current point, the loss is replaced by its
second-order model (the IRLS quadratic with weights :math:`w_i = \ell_i''(\eta_i)`), the
intercept is profiled out of that model exactly (weighted centring), and the penalised
quadratic is minimised by cyclic coordinate descent on the weighted Gram matrix of a
*working set* (the non-zero coefficients plus the worst KKT violators). The working set grows
until no feature outside it violates the model's optimality conditions; then a backtracking
line search on the true objective (Armijo, as Lee, Sun and Saunders) takes the step. Paths
(:func:`glm_path`) warm-start down a decreasing ``l1`` grid.

Without L1 (``l1 = 0 < l2``, a Gaussian prior) the objective is smooth and strongly convex, and
:func:`_l2_plan` decides the route: L-BFGS on ``(beta, b0)`` first (stopped by the same
certificate, down to a relative gap of ``max(tol, 1e-10)``, within about eight Newton iterations'
worth of flops; its first inverse-Hessian guess is the exact Hessian at the start when ``p < n``),
then, when ``tol < 1e-10``, at least one Newton step from its point (quadratic: the gap falls to the
rounding floor, so tight tolerances give the answer to nearly all its digits). The
Newton system is solved in the p x p form (the weighted Gram) when ``p < n``, and in the n x n
push-through form (:func:`_dual_direction`, ``X X^T`` formed once per fit) when ``p >= n``. The
Gaussian family skips L-BFGS (one Newton step is exact).

Certificate: the duality gap (:func:`glm_gap`)
==============================================
Fenchel-Rockafellar duality for :math:`P`, with :math:`g(\beta) = l_1\lVert\beta\rVert_1 +
\frac{l_2}2\lVert\beta\rVert^2` and the intercept's flat prior, gives the dual

.. math::

    D(\theta) = -\sum_i \ell_i^*(\theta_i) - g^*(-X^\top\theta), \qquad
    \textstyle\sum_i\theta_i = 0 \text{ (only with an intercept)},

where :math:`g^*(v) = \sum_j \max(|v_j| - l_1, 0)^2 / (2 l_2)` when :math:`l_2 > 0`, and the
indicator of :math:`\lVert v\rVert_\infty \le l_1` when :math:`l_2 = 0`. Weak duality:
:math:`D(\theta) \le P^\star \le P(\beta, b_0)` for every feasible :math:`\theta`, so
``gap = P - D`` bounds the sub-optimality of :math:`(\beta, b_0)`.

The dual point is built from the gradient :math:`\theta^0 = \ell'(\eta) = \mu - y` (the
optimal :math:`\theta` is this at the optimum):

1. *intercept* (:math:`\sum\theta = 0`): if :math:`r = \sum\theta^0 > 0` the positive entries
   are multiplied by :math:`1 - r/\sum_{\theta^0_i > 0}\theta^0_i`, if :math:`r < 0` the negative
   ones likewise. Each entry moves towards 0 and no further, so it stays inside the domain of
   :math:`\ell_i^*` (an interval containing 0 and :math:`\theta^0_i`);
2. *L1 only* (:math:`l_2 = 0 < l_1`): scale by :math:`t = \min(1, l_1/\lVert X^\top\theta\rVert_\infty)`,
   which keeps step 1 and the domains;
3. *no penalty* (:math:`l_1 = l_2 = 0`): project onto :math:`\{X^\top\theta = 0, \sum\theta = 0\}`
   by least squares; if that leaves a domain, the gap is reported as ``inf``.

The gap is then summed from non-negative pieces (the Fenchel-Young inequalities), never as
the difference of two large numbers:

.. math::

    P - D = \sum_i \big[\ell_i(\eta_i) + \ell_i^*(\theta_i) - \theta_i\eta_i\big]
          + \sum_j \big[g_j(\beta_j) + g_j^*(v_j) - v_j\beta_j\big] + b_0\textstyle\sum_i\theta_i,
    \qquad v = -X^\top\theta,

each row term evaluated as the family's Bregman divergence (:meth:`Family.bregman`), each
coordinate term clipped at 0 (it is :math:`\ge 0` in exact arithmetic) and the last term
added as :math:`|b_0\sum\theta|` (zero in exact arithmetic). So rounding cannot make the gap
negative, and what it reports is an honest upper bound up to the rounding of each small term.

A solution is ``converged`` when ``gap <= tol * scale``, with ``scale`` the loss of the
null model (the intercept-only fit when there is an intercept, ``eta = 0`` otherwise; ``n`` if
that is 0).

Existence
=========
With ``l1 = l2 = 0`` (flat priors) the MAP is the maximum-likelihood estimate, which does not
exist when the data are (quasi-)separable (logistic) or when some direction lowers the linear
predictor on zero counts while leaving the others unchanged (Poisson). That is checked by a
linear program before any iteration, and refused with a ValueError; any ``l1 > 0`` or
``l2 > 0`` (a proper prior) makes the objective coercive and the MAP is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .._validation import check_bool, check_matrix, check_nonnegative, check_scalar, check_vector
from .._warnings import warn
from ..exceptions import ConvergenceWarning
from ..families import Family, GaussianFamily
from ..families import family as _parse_family
from .results import CertifiedPath, CertifiedResult

__all__ = ["GLMResult", "GLMPathResult", "GLMGap", "glm_fit", "glm_path", "glm_gap", "glm_l1_max"]


class GLMGap(NamedTuple):
    """The duality-gap certificate of a penalised GLM point (see the module docstring).

    Attributes
    ----------
    gap : float
        ``P - D >= 0``, an upper bound on ``P(coef, intercept) - P*``; ``inf`` when no finite
        dual point was found (unpenalised problems far from the optimum).
    primal : float
        ``P(coef, intercept)``.
    dual : float
        ``D(theta) = primal - gap``, a lower bound on the optimum.
    scale : float
        The loss of the null model: ``converged`` means ``gap <= tol * scale``.
    theta : ndarray of shape (n,)
        The feasible dual point used.
    """

    gap: float
    primal: float
    dual: float
    scale: float
    theta: np.ndarray

    @property
    def relative(self) -> float:
        """``gap / scale``."""
        return self.gap / self.scale


@dataclass(frozen=True, eq=False, repr=False)
class GLMResult(CertifiedResult):
    """MAP of a penalised GLM (see :func:`glm_fit` for the objective).

    Attributes
    ----------
    coef : ndarray of shape (p,)
    intercept : float
        0.0 when ``fit_intercept=False``.
    gap : float
        Duality gap reached (objective scale: a sum over rows, not divided by n).
    converged : bool
        Whether ``gap <= tol * scale``.
    n_iter : int
        Proximal Newton iterations (with ``l1 = 0``, plus the L-BFGS iterations before them).
    objective : float
        ``P(coef, intercept)``.
    family : Family
    l1, l2 : float
        Penalty weights.
    tol : float
    scale : float
        The null model's loss (the unit of ``tol``).
    """

    coef: np.ndarray
    intercept: float
    gap: float
    converged: bool
    n_iter: int
    objective: float
    family: Family
    l1: float
    l2: float
    tol: float
    scale: float

    def _repr_items(self) -> list[str]:
        return [f"family={self.family.name!r}", f"l1={self.l1:.4g}", f"l2={self.l2:.4g}",
                *self._items("coef", "intercept", "nonzero"), f"objective={self.objective:.10g}",
                *self._items("gap", "n_iter", "converged")]  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class GLMPathResult(CertifiedPath):
    """A warm-started path over a decreasing ``l1`` grid at a fixed ``l2``.

    Attributes
    ----------
    l1s : ndarray of shape (k,)
    l2 : float
    coefs : ndarray of shape (k, p)
    intercepts, gaps, objectives : ndarray of shape (k,)
    n_iters : ndarray of int, shape (k,)
    converged : ndarray of bool, shape (k,)
    family : Family
    """

    l1s: np.ndarray
    l2: float
    coefs: np.ndarray
    intercepts: np.ndarray
    gaps: np.ndarray
    objectives: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray
    family: Family

    _arrays = ("l1s", "coefs", "intercepts", "gaps", "objectives", "n_iters", "converged")

    def _repr_items(self) -> list[str]:
        return [f"family={self.family.name!r}", *self._grid_items("n_l1", "l1", self.l1s), f"l2={self.l2:.4g}",
                self._nonzero_item(), self._converged_item()]  # fmt: skip


# ------------------------------------------------------------------------------------------------
# validated problem
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GLM:
    X: np.ndarray
    y: np.ndarray
    m: np.ndarray | None
    fam: Family
    fit_intercept: bool
    b0_mu: float = 0.0  # a N(b0_mu, 1/b0_prec) prior on the intercept; b0_prec = 0: flat
    b0_prec: float = 0.0

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]

    @cached_property
    def _loss_rows(self):
        return self.fam.loss_of(self.y, self.m)  # the target's constants computed once per problem

    def loss(self, eta) -> float:
        return float(np.sum(self._loss_rows(eta)))

    def b0_pen(self, b0) -> float:
        """The intercept prior's term of the objective, ``b0_prec/2 (b0 - b0_mu)^2`` (0 when flat)."""
        return 0.5 * self.b0_prec * (b0 - self.b0_mu) ** 2 if self.b0_prec > 0.0 else 0.0

    def b0_grad(self, b0) -> float:
        """Its derivative, ``b0_prec (b0 - b0_mu)``."""
        return self.b0_prec * (b0 - self.b0_mu) if self.b0_prec > 0.0 else 0.0

    def intercept_terms(self, g, w, b0) -> tuple[float, float, bool]:
        """``(G, S, centre)``: gradient and curvature of the model in ``b0`` (loss plus prior); whether to centre."""
        G = float(g.sum()) + self.b0_grad(b0)
        S = float(w.sum()) + self.b0_prec
        return G, S, self.fit_intercept and S > 0.0

    def null(self) -> tuple[float, float]:
        """Intercept of the null model and its loss (the scale of ``tol``)."""
        b0 = self.fam.null_eta(self.y, self.m) if self.fit_intercept else 0.0
        val = self.loss(np.full(self.n, b0))
        return b0, (val if val > 0.0 else float(self.n))


def _make(X, y, family, trials, fit_intercept, intercept_prior=None) -> _GLM:
    fam = _parse_family(family)
    fi = check_bool(fit_intercept, "fit_intercept")
    mu, prec = _check_intercept_prior(intercept_prior, fi)
    Xa = check_matrix(X, "X")
    ya, m = fam.validate_y(y, trials, n=Xa.shape[0])
    return _GLM(Xa, ya, m, fam, fi, mu, prec)


def _check_intercept_prior(intercept_prior, fit_intercept) -> tuple[float, float]:
    """``(mu, 1/s^2)`` of a ``(mu, s)`` pair or an object with ``mu`` and ``scale``; ``(0, 0)`` for None (flat)."""
    if intercept_prior is None:
        return 0.0, 0.0
    pair = (getattr(intercept_prior, "mu", None), getattr(intercept_prior, "scale", None))
    if pair[0] is None or pair[1] is None:
        if not isinstance(intercept_prior, tuple | list) or len(intercept_prior) != 2:
            raise TypeError(
                "intercept_prior must be None (flat) or a normal prior (mu, s) on the intercept (a pair or a "
                f"bayesreg.NormalIntercept); got {type(intercept_prior).__name__} {intercept_prior!r}"
            )
        pair = tuple(intercept_prior)
    if not fit_intercept:
        raise ValueError("intercept_prior is a prior on the intercept; with fit_intercept=False there is none")
    mu = check_scalar(pair[0], "intercept_prior mu")
    scale = check_scalar(pair[1], "intercept_prior scale", lower=0.0, lower_inclusive=False)
    with np.errstate(over="ignore"):
        prec = 1.0 / float(scale) ** 2
    if not np.isfinite(prec):
        raise ValueError(f"intercept_prior scale {scale!r} is too small: 1/scale^2 overflows float64")
    return float(mu), float(prec)


def _penalty_value(beta, l1, l2) -> float:
    return float(l1 * np.abs(beta).sum() + 0.5 * l2 * (beta @ beta))


# ------------------------------------------------------------------------------------------------
# the certificate (the one function)
# ------------------------------------------------------------------------------------------------
def _certificate(pb: _GLM, beta, b0, l1, l2, scale, eta=None) -> GLMGap:
    X, fam = pb.X, pb.fam
    if eta is None:
        eta = X @ beta + b0
    theta0 = fam.gradient(pb.y, eta, pb.m)
    primal = pb.loss(eta) + _penalty_value(beta, l1, l2) + pb.b0_pen(b0)
    c = np.ones(pb.n)
    flat_b0 = pb.fit_intercept and pb.b0_prec == 0.0
    if flat_b0:
        # step 1: sum(theta) = 0 by shrinking the entries of the sign in excess towards 0
        r = float(theta0.sum())
        side = theta0 > 0.0 if r > 0.0 else theta0 < 0.0
        mass = float(np.abs(theta0[side]).sum())
        if r != 0.0 and mass > 0.0:
            c[side] = max(1.0 - abs(r) / mass, 0.0)
    if l2 == 0.0 and l1 > 0.0:
        # step 2: ||X^T theta||_inf <= l1
        xt = X.T @ (c * theta0)
        top = float(np.max(np.abs(xt)))
        if top > l1:
            c *= l1 / top
    if l2 == 0.0 and l1 == 0.0:
        # step 3: project onto {X^T theta = 0, 1^T theta = 0}
        A = np.column_stack([np.ones(pb.n), X]) if flat_b0 else X
        coef_ls = np.linalg.lstsq(A, theta0, rcond=None)[0]
        delta = -(A @ coef_ls)
    else:
        delta = (c - 1.0) * theta0
    theta = theta0 + delta
    rows = fam.bregman(eta, delta, pb.m)
    v = -(X.T @ theta)
    if l2 > 0.0:
        excess = np.maximum(np.abs(v) - l1, 0.0)
        pen = l1 * np.abs(beta) + 0.5 * l2 * beta * beta + excess * excess / (2.0 * l2) - v * beta
    else:
        # v is feasible up to rounding (|v_j| <= l1 (1 + eps)); the term is then >= -eps l1 |b_j|
        pen = l1 * np.abs(beta) - v * beta
    gap = float(np.sum(rows) + np.sum(np.maximum(pen, 0.0)))
    if flat_b0:
        gap += abs(b0 * float(theta.sum()))
    elif pb.fit_intercept:
        # a N(mu, 1/k) intercept prior h(b0) = k/2 (b0 - mu)^2, h*(t) = mu t + t^2/(2k), t = -sum(theta):
        # h(b0) + h*(t) - t b0 = (k (b0 - mu) + sum(theta))^2 / (2k), no constraint on sum(theta)
        gap += (pb.b0_grad(b0) + float(theta.sum())) ** 2 / (2.0 * pb.b0_prec)
    if not np.isfinite(gap):
        gap = np.inf
    theta.setflags(write=False)
    return GLMGap(gap=gap, primal=primal, dual=primal - gap, scale=scale, theta=theta)


def glm_gap(X, y, family, coef, intercept=0.0, l1=0.0, l2=0.0, *, trials=None, fit_intercept=True,
            intercept_prior=None) -> GLMGap:  # fmt: skip
    """Duality gap of ``(coef, intercept)`` for the penalised GLM objective of :func:`glm_fit`.

    The dual point, its feasibility steps and the stable summation are derived in this
    module's docstring; the solvers stop on this function.

    Parameters
    ----------
    X : array_like of shape (n, p)
    y : array_like of shape (n,)
    family : str or Family
    coef : array_like of shape (p,)
    intercept : float, default=0.0
        Must be 0 when ``fit_intercept=False``.
    l1, l2 : float, default=0.0
        Penalty weights (``l1 ||b||_1 + l2/2 ||b||^2``).
    trials : int or array_like of shape (n,), optional
        Binomial trials.
    fit_intercept : bool, default=True
    intercept_prior : None or (mu, s), optional
        A normal prior on the intercept, as in :func:`glm_fit`.

    Returns
    -------
    GLMGap
        ``gap``, ``primal``, ``dual``, ``scale`` (the null model's loss) and the dual point ``theta``.
    """
    pb = _make(X, y, family, trials, fit_intercept, intercept_prior)
    beta = check_vector(coef, "coef", n=pb.p, n_name="X's columns")
    b0 = float(check_scalar(intercept, "intercept"))
    if not pb.fit_intercept and b0 != 0.0:
        raise ValueError(f"intercept must be 0 when fit_intercept=False; got {intercept!r}")
    l1 = check_nonnegative(l1, "l1")
    l2 = check_nonnegative(l2, "l2")
    return _certificate(pb, np.array(beta, dtype=np.float64), b0, l1, l2, pb.null()[1])


# ------------------------------------------------------------------------------------------------
# existence of the unpenalised MAP (the MLE)
# ------------------------------------------------------------------------------------------------
def _mle_obstacle(pb: _GLM) -> str | None:
    """Why the unpenalised MAP does not exist, or None when it does.

    A direction ``d`` (of ``(b0, beta)``) with ``A d != 0`` along which every row's loss is
    non-increasing makes the infimum unattained: ``(A d)_i <= 0`` on rows at the lower
    boundary (``y = 0``), ``>= 0`` on rows at the upper one (``y = trials``) and ``= 0``
    elsewhere. A linear program looks for one with its boundary entries in [0, 1] (after a
    sign flip) and their sum maximal: a positive optimum (>= 1 when one exists) is a direction.
    """
    if isinstance(pb.fam, GaussianFamily):
        return None
    from scipy.optimize import linprog

    # a normal intercept prior makes the objective coercive in b0: only directions of beta remain
    A = np.column_stack([np.ones(pb.n), pb.X]) if pb.fit_intercept and pb.b0_prec == 0.0 else pb.X
    A = A / np.maximum(np.max(np.abs(A), axis=0), np.finfo(float).tiny)
    if pb.m is not None or pb.fam.name == "bernoulli":
        m = pb.m if pb.m is not None else np.ones(pb.n)
        sign = np.where(pb.y == 0.0, -1.0, np.where(pb.y == m, 1.0, 0.0))
    else:  # poisson: only zero counts have a free side
        sign = np.where(pb.y == 0.0, -1.0, 0.0)
    bnd = sign != 0.0
    if not bnd.any():
        return None
    S = sign[bnd, None] * A[bnd]
    res = linprog(
        -S.sum(axis=0),
        A_ub=np.vstack([S, -S]),
        b_ub=np.concatenate([np.ones(S.shape[0]), np.zeros(S.shape[0])]),
        A_eq=A[~bnd] if (~bnd).any() else None,
        b_eq=np.zeros(int((~bnd).sum())) if (~bnd).any() else None,
        bounds=[(None, None)] * A.shape[1],
        method="highs",
    )
    if res.status == 0 and -res.fun > 0.5:
        if pb.fam.name == "poisson":
            return (
                "the MAP does not exist with l1 = l2 = 0 (flat priors): some direction of the coefficients "
                "lowers the log rate of rows with zero counts and leaves the others unchanged, so the likelihood "
                "keeps increasing as the coefficients run to infinity. Give a proper prior (l1 > 0 or l2 > 0)"
            )
        return (
            "the MAP does not exist with l1 = l2 = 0 (flat priors): the data are (quasi-)separable, so the "
            "likelihood keeps increasing as the coefficients run to infinity along a separating direction. "
            "Give a proper prior (l1 > 0 or l2 > 0)"
        )
    return None


# ------------------------------------------------------------------------------------------------
# proximal Newton
# ------------------------------------------------------------------------------------------------
def _cd_quadratic(H, q, b, d, l1, l2, tol, max_sweeps, n=0):
    """Cyclic CD for ``min_d q'd + d'Hd/2 + l1|b + d|_1 + l2/2 |b + d|^2``; returns ``d`` (updated).

    A working set of at most :data:`bayesreg.solvers._route.SOLVER_MAX_P` features sweeps in
    NumPy (one coordinate per Python step); a larger one in the compiled kernel
    :func:`_cd_sweeps` (the same updates and stopping rule, compiled once and cached on disk).
    """
    from . import _route

    v = b + d
    r = q + H @ d  # gradient of the quadratic at d
    diag = np.diag(H).copy()
    denom = diag + l2
    if not _route.use_numpy_solver(n, v.size):
        kernel = _compiled(_cd_sweeps)
        with _route.compile_notice(kernel, "GLM solver"):
            kernel(np.ascontiguousarray(H), r, v, diag, denom, float(l1), float(tol), int(max_sweeps))
        return v - b
    k = v.size
    for _ in range(max_sweeps):
        worst = 0.0
        for j in range(k):
            dj = denom[j]
            if dj <= 0.0:
                continue
            vj = v[j]
            z = diag[j] * vj - r[j]
            new = (z - l1 if z > l1 else (z + l1 if z < -l1 else 0.0)) / dj
            step = new - vj
            if step != 0.0:
                v[j] = new
                r += H[j] * step
                ch = dj * abs(step)
                if ch > worst:
                    worst = ch
        if worst <= tol:
            break
    return v - b


def _cd_sweeps(H, r, v, diag, denom, l1, tol, max_sweeps):  # pragma: no cover - runs compiled
    """The NumPy route's sweeps written for numba: ``v`` and the gradient ``r`` updated in place."""
    k = v.size
    for _ in range(max_sweeps):
        worst = 0.0
        for j in range(k):
            dj = denom[j]
            if dj <= 0.0:
                continue
            vj = v[j]
            z = diag[j] * vj - r[j]
            if z > l1:
                new = (z - l1) / dj
            elif z < -l1:
                new = (z + l1) / dj
            else:
                new = 0.0
            step = new - vj
            if step != 0.0:
                v[j] = new
                for i in range(k):
                    r[i] += H[j, i] * step
                ch = dj * abs(step)
                if ch > worst:
                    worst = ch
        if worst <= tol:
            return


_KERNELS: dict = {}


def _compiled(fn):
    """``fn`` compiled by numba, once per process (imported on first use only: small problems never load it)."""
    if fn not in _KERNELS:
        from numba import njit

        _KERNELS[fn] = njit(cache=True)(fn)
    return _KERNELS[fn]


def _cd_resid_sweeps(Xc, WXc, rr, v, diag, denom, l1, tol, max_sweeps):  # pragma: no cover - runs compiled
    """The sweeps of :func:`_cd_sweeps` on the model's residual instead of the Gram matrix.

    ``Xc`` (k x n) holds the working set's columns as rows, weighted-centred when the intercept
    is profiled out, ``WXc = w * Xc``; ``rr = g + w (eta step)`` is the model's gradient in
    ``eta``, so coordinate ``j``'s gradient is ``Xc[j] . rr`` (O(n), no Gram) and a step moves
    ``rr`` by ``step * WXc[j]``. In exact arithmetic the iterates are those of :func:`_cd_sweeps`
    on ``H = Xc W Xc^T``.
    """
    k = Xc.shape[0]
    for _ in range(max_sweeps):
        worst = 0.0
        for j in range(k):
            dj = denom[j]
            if dj <= 0.0:
                continue
            gj = np.dot(Xc[j], rr)
            vj = v[j]
            z = diag[j] * vj - gj
            if z > l1:
                new = (z - l1) / dj
            elif z < -l1:
                new = (z + l1) / dj
            else:
                new = 0.0
            step = new - vj
            if step != 0.0:
                v[j] = new
                for i in range(rr.size):
                    rr[i] += step * WXc[j, i]
                ch = dj * abs(step)
                if ch > worst:
                    worst = ch
        if worst <= tol:
            return


def _solve_quadratic(H, q, b, l2):
    """Without L1 the model's minimiser solves ``(H + l2 I) d = -(q + l2 b)``: Cholesky, else least squares."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    A = H + l2 * np.eye(b.size)
    rhs = -(q + l2 * b)
    try:
        return cho_solve(cho_factor(A, lower=True, check_finite=False), rhs, check_finite=False)
    except (np.linalg.LinAlgError, LinAlgError):  # singular model (no L2, collinear columns): the minimum-norm step
        return np.linalg.lstsq(A, rhs, rcond=None)[0]


def _l2_plan(pb: _GLM, l1, l2) -> tuple[bool, str]:
    """How the smooth problem (``l1 = 0``) is solved: ``(quasi_newton_first, newton_form)``.

    ``newton_form`` is ``"dual"`` (each Newton system in the n x n push-through form of
    :func:`_dual_direction`) when ``l2 > 0`` and ``p >= n``, else ``"primal"`` (the p x p weighted
    Gram). ``quasi_newton_first``: L-BFGS (:func:`_lbfgs`) runs before Newton when ``l2 > 0`` and the
    loss is not quadratic (for the Gaussian family one Newton step is exact). With ``l1 > 0`` the
    plan is ``(False, "primal")`` (working-set proximal Newton).
    """
    if l1 != 0.0:
        return False, "primal"
    form = "dual" if (l2 > 0.0 and pb.p >= pb.n) else "primal"
    return (l2 > 0.0 and not isinstance(pb.fam, GaussianFamily)), form


def _full_direction(pb: _GLM, g, w, beta, l2, b0=0.0):
    """The Newton step of the smooth problem (``l1 = 0``) in the p x p form, on ``X`` itself (no copies)."""
    X = pb.X
    G, sw, centre = pb.intercept_terms(g, w, b0)
    WX = w[:, None] * X
    K = X.T @ WX
    q = X.T @ g
    if centre:
        s = WX.sum(axis=0)
        K -= np.outer(s, s) / sw
        q -= G * s / sw
    d = _solve_quadratic(0.5 * (K + K.T), q, beta, l2)
    u = X @ d
    d0 = -(G + float(w @ u)) / sw if centre else 0.0
    return d, d0, u


def _dual_direction(pb: _GLM, g, w, beta, l2, XXt, b0=0.0):
    r"""The Newton step of the smooth problem with ``l2 > 0`` in the n x n (push-through) form.

    With the intercept profiled out, the model's Hessian is :math:`Z^\top Z + l_2 I` with
    :math:`Z = P D X`, :math:`D = \mathrm{diag}(\sqrt w)` and :math:`P = I - \sqrt w\sqrt w^\top / \sum w`
    the projector that removes the intercept's direction (``P = I`` without intercept). Then

    .. math::

        (Z^\top Z + l_2 I)^{-1} r = \big(r - Z^\top (l_2 I + Z Z^\top)^{-1} Z r\big) / l_2,
        \qquad Z Z^\top = P D (X X^\top) D P,

    an n x n Cholesky (``l_2 I + Z Z^\top \succeq l_2 I``) per iteration from ``X X^T``
    formed once per fit. With a normal prior of precision ``k`` on the intercept its curvature is
    ``S = sum w + k`` and the profiled Hessian ``X^T D (I - \sqrt w\sqrt w^T / S) D X``; then
    ``P = I - c \sqrt w\sqrt w^T`` with ``c = 1/(S + sqrt(S k))`` (``P^T P`` is that middle factor;
    ``c = 1/sum w``, the projector, when ``k = 0``).
    """
    from scipy.linalg import cho_factor, cho_solve

    X = pb.X
    G, sw, centre = pb.intercept_terms(g, w, b0)
    cp = 1.0 / (sw + np.sqrt(sw * pb.b0_prec)) if centre else 0.0
    rt = np.sqrt(w)
    q = X.T @ g
    if centre:
        s = X.T @ w
        q -= G * s / sw
    r = -(q + l2 * beta)

    def proj(v):
        return v - rt * (float(rt @ v) * cp) if centre else v

    M = rt[:, None] * XXt * rt[None, :]
    if centre:
        Mu = (M @ rt) * cp
        c = float(rt @ Mu) * cp
        M -= np.outer(Mu, rt)
        M -= np.outer(rt, Mu)
        M += c * np.outer(rt, rt)
    M[np.diag_indices_from(M)] += l2
    zr = proj(rt * (X @ r))
    a = cho_solve(cho_factor(M, lower=True, check_finite=False), zr, check_finite=False)
    d = (r - X.T @ (rt * proj(a))) / l2
    u = X @ d
    d0 = -(G + float(w @ u)) / sw if centre else 0.0
    return d, d0, u


def _lbfgs_metric(pb: _GLM, w0, l2, full):
    """The first inverse-Hessian guess of L-BFGS: the exact Hessian at the start (``full``), else its diagonal."""
    X, p, fi = pb.X, pb.p, pb.fit_intercept
    if full:
        from scipy.linalg import cho_factor, cho_solve

        k = p + 1 if fi else p
        H = np.empty((k, k))
        WX = w0[:, None] * X
        H[:p, :p] = X.T @ WX
        H[np.arange(p), np.arange(p)] += l2
        if fi:
            H[p, :p] = H[:p, p] = WX.sum(axis=0)
            H[p, p] = max(float(w0.sum()) + pb.b0_prec, 1e-12 * pb.n)
        try:
            fac = cho_factor(H, lower=True, check_finite=False)
            return lambda v: cho_solve(fac, v, check_finite=False)
        except np.linalg.LinAlgError:
            pass
    diag = np.empty(p + 1 if fi else p)
    diag[:p] = (X * X).T @ w0 + l2
    if fi:
        diag[p] = max(float(w0.sum()) + pb.b0_prec, 1e-12 * pb.n)
    dinv = 1.0 / diag
    return lambda v: dinv * v


def _lbfgs(pb: _GLM, l2, tol, scale, beta, b0, max_iter, memory=10, full=False):
    """L-BFGS on the smooth objective (``l1 = 0 < l2``), stopped by the certificate :func:`_certificate`.

    Variables ``(beta, b0)`` (``b0`` only with an intercept); the first inverse-Hessian guess is the
    diagonal of the Hessian at the start (rescaled each iteration as usual); Armijo backtracking
    (the objective is strictly convex, so every accepted pair has ``s'y > 0``). Returns
    ``(beta, b0, cert, iterations, stopped_by_tol)``; a stall or ``max_iter`` hands the point
    on to Newton.
    """
    X, fam, y, m = pb.X, pb.fam, pb.y, pb.m
    p, fi = pb.p, pb.fit_intercept
    k = p + 1 if fi else p

    def value_grad(z):
        eta = X @ z[:p] + (z[p] if fi else 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            F = pb.loss(eta) + 0.5 * l2 * float(z[:p] @ z[:p]) + (pb.b0_pen(z[p]) if fi else 0.0)
        if not np.isfinite(F):
            return eta, np.inf, None, None
        gr = fam.gradient(y, eta, m)
        out = np.empty(k)
        out[:p] = X.T @ gr + l2 * z[:p]
        if fi:
            out[p] = gr.sum() + pb.b0_grad(z[p])
        return eta, F, out, gr

    z = np.concatenate([beta, [b0]]) if fi else beta.copy()
    eta, F, grad, _ = value_grad(z)
    w0 = fam.weights(eta, m)
    precond = _lbfgs_metric(pb, w0, l2, full)
    S, Y, R = [], [], []
    it = 0
    cert = _certificate(pb, z[:p], z[p] if fi else 0.0, 0.0, l2, scale, eta)
    for it in range(1, max_iter + 1):
        if cert.gap <= tol * scale:
            return z[:p].copy(), (float(z[p]) if fi else 0.0), cert, it - 1, True
        # two-loop recursion
        qv = grad.copy()
        alphas = []
        for s_, y_, rho in zip(reversed(S), reversed(Y), reversed(R), strict=True):
            a = rho * float(s_ @ qv)
            alphas.append(a)
            qv -= a * y_
        gamma = float(S[-1] @ Y[-1]) / float(Y[-1] @ precond(Y[-1])) if S else 1.0
        d = gamma * precond(qv)
        for s_, y_, rho, a in zip(S, Y, R, reversed(alphas), strict=True):
            b = rho * float(y_ @ d)
            d += (a - b) * s_
        d = -d
        slope = float(grad @ d)
        if not slope < 0.0:
            break
        t = 1.0
        for _ in range(40):
            zt = z + t * d
            eta_t, F_t, g_t, _ = value_grad(zt)
            if F_t <= F + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            break
        s_vec, y_vec = zt - z, g_t - grad
        sy = float(s_vec @ y_vec)
        if sy > 1e-12 * float(np.sqrt((s_vec @ s_vec) * (y_vec @ y_vec))):
            S.append(s_vec)
            Y.append(y_vec)
            R.append(1.0 / sy)
            if len(S) > memory:
                S.pop(0), Y.pop(0), R.pop(0)
        z, F, grad, eta = zt, F_t, g_t, eta_t
        # the certificate's coefficient terms are ||grad_beta||^2 / (2 l2) when the intercept's gradient is 0:
        # it is evaluated when that estimate is within 2x of the target (and every 10th iteration)
        if float(grad[:p] @ grad[:p]) <= 4.0 * l2 * tol * scale or it % 10 == 0:
            cert = _certificate(pb, z[:p], z[p] if fi else 0.0, 0.0, l2, scale, eta)
    cert = _certificate(pb, z[:p], z[p] if fi else 0.0, 0.0, l2, scale, eta)
    return z[:p].copy(), (float(z[p]) if fi else 0.0), cert, it, cert.gap <= tol * scale


def _newton_direction(pb: _GLM, g, w, beta, ws, l1, l2, inner_tol, ws_cap, b0=0.0):
    """Minimise the penalised IRLS model, working set grown until no outside violation.

    The weighted Gram of the working set is extended by the new columns' blocks only when the
    set grows (new features are appended, not sorted in), and the intercept is profiled out of
    it by a rank-one correction.
    """
    X = pb.X
    G, sw, centre = pb.intercept_terms(g, w, b0)
    XW = X[:, ws]
    WX = w[:, None] * XW
    K = XW.T @ WX  # raw weighted Gram of the working set
    s = WX.sum(axis=0)
    qr = XW.T @ g
    d = np.zeros(ws.size)
    while True:
        if centre:
            H = K - np.outer(s, s) / sw
            q = qr - G * s / sw
        else:
            H, q = K, qr
        H = 0.5 * (H + H.T)
        if l1 == 0.0:
            d = _solve_quadratic(H, q, beta[ws], l2)
        else:
            d = _cd_quadratic(H, q, beta[ws], d, l1, l2, inner_tol, 10000, pb.n)
        u = XW @ d
        d0 = -(G + float(w @ u)) / sw if centre else 0.0
        # the model's KKT conditions outside the working set (beta_j = 0 there)
        if ws.size == pb.p:
            break
        gm = X.T @ (g + w * (u + d0))
        viol = np.maximum(np.abs(gm) - l1, 0.0)
        viol[ws] = 0.0
        if viol.max() <= inner_tol:
            break
        add = np.argsort(-viol)[: max(ws_cap - ws.size, 1)]
        add = add[viol[add] > inner_tol]
        if _use_residual(pb, ws.size + add.size):  # forming the larger Gram would not pay
            ws_new = np.concatenate([ws, add])
            d_new = np.concatenate([d, np.zeros(add.size)])
            return _newton_direction_residual(pb, g, w, beta, ws_new, l1, l2, inner_tol, min(2 * ws_cap, pb.p), d_new)
        XA = X[:, add]
        WA = w[:, None] * XA
        B = XW.T @ WA
        K = np.block([[K, B], [B.T, XA.T @ WA]])
        s = np.concatenate([s, WA.sum(axis=0)])
        qr = np.concatenate([qr, XA.T @ g])
        XW = np.hstack([XW, XA])
        ws = np.concatenate([ws, add])
        d = np.concatenate([d, np.zeros(add.size)])
        ws_cap = min(2 * ws_cap, pb.p)
    return ws, d, d0, u


def _use_residual(pb: _GLM, k: int) -> bool:
    """Whether the inner CD of a working set of ``k`` features sweeps on the residual (no Gram).

    Forming the working set's weighted Gram costs ``n k^2`` (one BLAS product; then ``k`` per
    coordinate update); sweeping on the residual costs ``2 n`` per coordinate update and nothing
    up front. Per Newton iteration (``S`` sweeps) the residual form costs about ``2 S / k`` of
    the Gram's flops, at a lower speed per flop (vector loops, not a blocked product), and much
    lower once its ``2 n k`` doubles no longer fit in cache. Measured (``benchmarks/glm.py``
    problems and others from 200 x 2000 to 20000 x 200, 40-80 sweeps per Newton iteration): the
    residual form wins for working sets of at least :data:`RESIDUAL_MIN_WS` features when
    ``n <= RESIDUAL_MAX_ROWS * k`` (wide and squarish problems: 2-2.4x at 500 x 1000 and
    1000 x 1000, 1.4x at 2000 x 300), and loses on tall ones (20000 x 200: the Gram is kept).
    Working sets on the NumPy route (:mod:`bayesreg.solvers._route`) always use the Gram.
    """
    from . import _route

    if pb.b0_prec > 0.0:  # a normal intercept prior: the Gram form (its centring is exact weighted centring)
        return False
    return k >= RESIDUAL_MIN_WS and pb.n <= RESIDUAL_MAX_ROWS * k and not _route.use_numpy_solver(pb.n, k)


RESIDUAL_MIN_WS = 160  # smallest working set swept on the residual (see _use_residual)
RESIDUAL_MAX_ROWS = 16  # ... and only while n <= RESIDUAL_MAX_ROWS * k


def _newton_direction_residual(pb: _GLM, g, w, beta, ws, l1, l2, inner_tol, ws_cap, d=None):
    """:func:`_newton_direction` with the inner CD on the model's residual (:func:`_cd_resid_sweeps`).

    The same model, working-set growth and stopping rule; the intercept is profiled out by
    weighted centring of the working set's columns (``x_j - s_j / sum(w)``, ``s_j = w . x_j``),
    which gives the Hessian ``H = X_c^T W X_c`` of the Gram form without forming it. ``d``: a
    starting step on ``ws`` (the Gram form hands over its iterate when its working set grows past
    :data:`RESIDUAL_MIN_WS`).
    """
    X = pb.X
    sw = float(w.sum())
    G = float(g.sum())
    centre = pb.fit_intercept and sw > 0.0
    kernel = _compiled(_cd_resid_sweeps)

    def columns(idx):
        Xc = X.T[idx]  # (k, n): each feature's column contiguous
        c = Xc @ w / sw if centre else np.zeros(idx.size)
        if centre:
            Xc -= c[:, None]
        WXc = Xc * w
        return Xc, WXc, c, np.einsum("ij,ij->i", WXc, Xc)

    Xc, WXc, c, diag = columns(ws)
    b_ws = beta[ws]
    v = b_ws + d if d is not None else b_ws.copy()
    base = g - (G / sw) * w if centre else g.copy()  # the model's gradient in eta at d = 0
    while True:
        d = v - b_ws
        rr = base + w * (Xc.T @ d)
        with _route_notice(kernel):
            kernel(Xc, WXc, rr, v, diag, diag + l2, float(l1), float(inner_tol), 10000)
        d = v - b_ws
        xd = Xc.T @ d
        u = xd + float(c @ d)
        d0 = -(G + float(w @ u)) / sw if centre else 0.0
        if ws.size == pb.p:
            break
        # the model's KKT conditions outside the working set: its gradient g + w (u + d0) = base + w xd
        gm = X.T @ (base + w * xd)
        viol = np.maximum(np.abs(gm) - l1, 0.0)
        viol[ws] = 0.0
        if viol.max() <= inner_tol:
            break
        add = np.argsort(-viol)[: max(ws_cap - ws.size, 1)]
        add = add[viol[add] > inner_tol]
        XA, WA, cA, dA = columns(add)
        Xc, WXc = np.vstack([Xc, XA]), np.vstack([WXc, WA])
        c, diag = np.concatenate([c, cA]), np.concatenate([diag, dA])
        ws = np.concatenate([ws, add])
        v = np.concatenate([v, beta[add]])
        b_ws = np.concatenate([b_ws, beta[add]])
        ws_cap = min(2 * ws_cap, pb.p)
    return ws, v - b_ws, d0, u


def _route_notice(kernel):
    from . import _route

    return _route.compile_notice(kernel, "GLM solver")


def _kkt(pb: _GLM, g, beta, l1, l2, b0=0.0) -> float:
    grad = pb.X.T @ g + l2 * beta
    viol = np.where(beta != 0.0, np.abs(grad + l1 * np.sign(beta)), np.maximum(np.abs(grad) - l1, 0.0))
    top = float(viol.max()) if viol.size else 0.0
    if pb.fit_intercept:
        top = max(top, abs(float(g.sum()) + pb.b0_grad(b0)))
    return top


_QN_TOL = 1e-10  # the tightest relative gap asked of the L-BFGS phase; Newton takes it further


def _lbfgs_budget(pb: _GLM, form) -> int:
    """L-BFGS iterations allowed before Newton takes over: about 8 Newton iterations' worth of flops."""
    n, p = pb.n, pb.p
    newton = n**3 / 3.0 + 2.0 * n * n if form == "dual" else n * p * p + p**3 / 3.0
    return int(max(50, 8.0 * newton / (4.0 * n * p)))


def _solve(pb: _GLM, l1, l2, tol, max_iter, beta, b0, scale):
    X, fam, y, m = pb.X, pb.fam, pb.y, pb.m
    quasi, form = _l2_plan(pb, l1, l2)
    done = 0
    if quasi:
        # L-BFGS converges linearly: below a relative gap of _QN_TOL, Newton (quadratic) finishes
        beta, b0, cert, done, _ = _lbfgs(pb, l2, max(tol, _QN_TOL), scale, beta, b0, _lbfgs_budget(pb, form),
                                         full=form == "primal")
        if tol >= _QN_TOL and cert.gap <= tol * scale:
            return beta, b0, cert, done, True
    XXt = X @ X.T if form == "dual" else None
    eta = X @ beta + b0
    F = pb.loss(eta) + _penalty_value(beta, l1, l2) + pb.b0_pen(b0)
    best, stall = np.inf, 0
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        cert = _certificate(pb, beta, b0, l1, l2, scale, eta)
        # after L-BFGS (tol < _QN_TOL) at least one Newton step: it takes the gap to the rounding floor
        if cert.gap <= tol * scale and not (quasi and n_iter == 1):
            return beta, b0, cert, done + n_iter - 1, True
        if cert.gap < best:
            best, stall = cert.gap, 0
        else:
            stall += 1
            if stall >= 5:  # the gap stopped improving: rounding floor reached
                break
        g = fam.gradient(y, eta, m)
        w = fam.weights(eta, m)
        grad = X.T @ g
        viol = np.where(beta != 0.0, np.inf, np.maximum(np.abs(grad + l2 * beta) - l1, 0.0))
        nnz = int(np.count_nonzero(beta))
        # the support and as many of the worst violators (celer's rule): sized from the current support,
        # so a first step that overshoots does not keep a large set for the rest of the solve
        ws_size = pb.p if l1 == 0.0 else min(max(2 * nnz, 10), pb.p)
        order = np.argsort(-viol, kind="stable")
        ws = np.sort(order[: max(ws_size, nnz)])
        kkt = _kkt(pb, g, beta, l1, l2, b0)
        inner_tol = max(1e-3 * kkt, 1e-16 * scale)
        if l1 == 0.0:
            ws = np.arange(pb.p)
            if form == "dual":
                d, d0, u = _dual_direction(pb, g, w, beta, l2, XXt, b0)
            else:
                d, d0, u = _full_direction(pb, g, w, beta, l2, b0)
        else:
            cap = max(ws_size, 2 * ws.size)
            if _use_residual(pb, ws.size):
                ws, d, d0, u = _newton_direction_residual(pb, g, w, beta, ws, l1, l2, inner_tol, cap)
            else:
                ws, d, d0, u = _newton_direction(pb, g, w, beta, ws, l1, l2, inner_tol, cap, b0)
        # Armijo backtracking on the true objective (Lee, Sun & Saunders 2014)
        b_ws = beta[ws]
        # the model decrease, summed from per-coordinate differences (no cancellation of large terms)
        dpen = l1 * (np.abs(b_ws + d) - np.abs(b_ws)) + l2 * d * (b_ws + 0.5 * d)
        # (the intercept prior, smooth, enters as the derivative in b0 plus its exact change)
        delta = float(grad[ws] @ d + (g.sum() + pb.b0_grad(b0)) * d0 + 0.5 * pb.b0_prec * d0 * d0 + dpen.sum())
        if not delta < 0.0:
            break  # no descent left at this precision
        noise = 64.0 * np.finfo(float).eps * (abs(F) + scale)
        t = 1.0
        accepted = False
        for _ in range(60):
            nb = b_ws + t * d
            eta_t = eta + t * (u + d0)
            F_t = pb.loss(eta_t) + _penalty_value(nb, l1, l2) + pb.b0_pen(b0 + t * d0)  # beta is 0 off the set
            if np.isfinite(F_t) and F_t <= F + 1e-4 * t * delta:
                accepted = True
                break
            if t == 1.0 and np.isfinite(F_t) and F_t <= F + noise:
                # near the optimum the decrease (~ KKT^2) drowns in the rounding of F while the gap
                # (~ KKT) still matters: take the full Newton step when F does not rise beyond rounding
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        beta = beta.copy()
        beta[ws] = nb
        b0 = b0 + t * d0
        eta = X @ beta + b0  # recomputed: no drift
        F = pb.loss(eta) + _penalty_value(beta, l1, l2) + pb.b0_pen(b0)
    cert = _certificate(pb, beta, b0, l1, l2, scale, eta)
    return beta, b0, cert, done + n_iter, cert.gap <= tol * scale


def _check_solver_args(l1, l2, tol, max_iter):
    l1 = check_nonnegative(l1, "l1")
    l2 = check_nonnegative(l2, "l2")
    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    return l1, l2, tol, max_iter


def _start(pb: _GLM, warm_start):
    if warm_start is None:
        b0, scale = pb.null()
        return np.zeros(pb.p), b0, scale
    if isinstance(warm_start, GLMResult):
        coef, b0 = warm_start.coef, warm_start.intercept
    else:
        try:
            coef, b0 = warm_start
        except (TypeError, ValueError) as exc:
            raise TypeError("warm_start must be a GLMResult or a pair (coef, intercept)") from exc
    beta = np.array(check_vector(coef, "warm_start coef", n=pb.p, n_name="X's columns"), dtype=np.float64)
    b0 = float(check_scalar(b0, "warm_start intercept")) if pb.fit_intercept else 0.0
    return beta, b0, pb.null()[1]


def _fit(pb, l1, l2, tol, max_iter, beta, b0, scale, say=True) -> GLMResult:
    beta, b0, cert, n_iter, conv = _solve(pb, l1, l2, tol, max_iter, beta, b0, scale)
    if say and not conv:
        warn(
            f"glm_fit ({pb.fam.name}, l1={l1:.4g}, l2={l2:.4g}) stopped after {n_iter} Newton iterations with "
            f"duality gap {cert.gap:.3g} > tol * scale = {tol * scale:.3g}. Increase max_iter or loosen tol",
            ConvergenceWarning,
        )
    return GLMResult(
        coef=beta, intercept=float(b0), gap=cert.gap, converged=bool(conv), n_iter=int(n_iter),
        objective=cert.primal, family=pb.fam, l1=l1, l2=l2, tol=tol, scale=scale,
    )


def glm_fit(
    X, y, family="gaussian", l1=0.0, l2=0.0, *, fit_intercept=True, trials=None, tol=1e-10, max_iter=100,
    warm_start=None, intercept_prior=None,
) -> GLMResult:
    r"""Exact MAP of a penalised GLM by proximal Newton, certified by the duality gap.

    Minimises

    .. math::

        \sum_i \ell_i(b_0 + x_i^\top\beta) + l_1\lVert\beta\rVert_1 + \frac{l_2}{2}\lVert\beta\rVert_2^2

    (a sum over rows, not a mean): the negative log posterior under a Laplace(0, 1/l1) and/or
    N(0, 1/l2) prior on each coefficient and a flat prior on the intercept; with
    ``intercept_prior = (mu, s)`` a :math:`N(\mu, s^2)` prior on it, the term
    :math:`(b_0 - \mu)^2/(2s^2)` added (in the Newton model, the line search and the certificate,
    whose intercept part is then :math:`(k(b_0 - \mu) + \sum_i\theta_i)^2/(2k)`, :math:`k = 1/s^2`).

    When a proper prior keeps the MAP of (quasi-)separable data finite, a
    :class:`~bayesreg.PriorDominatedWarning` says so. Nothing extra runs unless some 0/1 (0/trials)
    row or zero count is fitted to within ``1e-6`` of its boundary (:data:`SEPARATION_TRIGGER`),
    which a MAP held finite only by a wide prior does; then an O(n) check (the MAP's own
    hyperplane separates every 0/1 row) or, failing that, the linear program of the flat-prior
    case (:func:`_mle_obstacle`: ``p + 1`` variables, two rows per boundary observation; measured
    0.2 s at 2000 x 20 and 14 s at 20000 x 50 on a shared 2-core machine) decides. Strong but
    non-separable signals can trigger the program too (rows fitted beyond ``|eta| = 13.8``).

    Parameters
    ----------
    X : array_like of shape (n, p)
    y : array_like of shape (n,)
        The target: real numbers (gaussian), labels 0/1 (bernoulli), successes (binomial),
        counts (poisson).
    family : str or Family, default="gaussian"
    l1 : float, default=0.0
        L1 weight, ``1/b`` for a Laplace(0, b) prior.
    l2 : float, default=0.0
        L2 weight, ``1/tau^2`` for a N(0, tau^2) prior.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    trials : int or array_like of shape (n,), optional
        Binomial trials per row.
    tol : float, default=1e-10
        Stop when ``gap <= tol * scale`` (``scale``: the null model's loss). The gap bounds
        ``P - P*``, so with a strong convexity ``mu`` (``l2``, or the Hessian on the support)
        the coefficients are within ``sqrt(2 gap / mu)`` of the MAP; Newton's quadratic
        convergence makes one more iteration cheap, so ask for less (1e-13) when comparing
        coefficients to 1e-6.
    max_iter : int, default=100
        Maximum proximal Newton iterations (a ConvergenceWarning when reached).
    warm_start : GLMResult or (coef, intercept), optional
        Starting point (nothing passed in is modified).
    intercept_prior : None or (mu, s), optional
        A normal prior :math:`N(\mu, s^2)` on the intercept (an object with ``mu`` and ``scale``,
        such as :class:`bayesreg.NormalIntercept`, works too); ``None``: flat.

    Returns
    -------
    GLMResult

    Raises
    ------
    TypeError, ValueError
        On bad input (naming the argument), and when ``l1 = l2 = 0`` and the MAP does not exist
        (separable labels, or zero counts that a direction can push to rate 0).
    """
    pb = _make(X, y, family, trials, fit_intercept, intercept_prior)
    l1, l2, tol, max_iter = _check_solver_args(l1, l2, tol, max_iter)
    beta, b0, scale = _start(pb, warm_start)
    if l1 == 0.0 and l2 == 0.0:
        why = _mle_obstacle(pb)
        if why is not None:
            raise ValueError(why)
    res = _fit(pb, l1, l2, tol, max_iter, beta, b0, scale)
    note = _separation_note(pb, res)
    if note is not None:
        from .._warnings import warn
        from ..exceptions import PriorDominatedWarning

        warn(note, PriorDominatedWarning)
    return res


#: A 0/1 (0/trials) row, or a zero count, fitted closer than this to its boundary (its loss below it)
#: triggers the separation check of :func:`glm_fit` (fitted probability 1 - 1e-6: ``|eta| > 13.8``).
SEPARATION_TRIGGER = 1e-6


def _separation_note(pb: _GLM, res: GLMResult) -> str | None:
    """The warning text when a proper prior alone keeps the MAP of (quasi-)separable data finite, else None."""
    if isinstance(pb.fam, GaussianFamily):
        return None
    eta = pb.X @ res.coef + res.intercept
    rows = pb._loss_rows(eta)  # each row's loss: 0 at its boundary
    if pb.m is not None or pb.fam.name == "bernoulli":
        m = pb.m if pb.m is not None else np.ones(pb.n)
        bnd = (pb.y == 0.0) | (pb.y == m)
    else:
        bnd = pb.y == 0.0
    if not np.any(bnd) or not float(np.min(rows[bnd])) < SEPARATION_TRIGGER:
        return None
    # O(n) first: every row at a boundary and strictly on its side of the MAP's own hyperplane (0/1 labels)
    # means that (b0, beta) itself is a separating direction; otherwise the linear program decides
    own = bool(np.all(bnd)) and pb.fam.name != "poisson" and bool(np.all(np.where(pb.y == 0.0, eta < 0.0, eta > 0.0)))
    if not own and _mle_obstacle(pb) is None:
        return None
    top = float(np.max(np.abs(eta)))
    if pb.fam.name == "poisson":
        what = ("some direction of the coefficients lowers the log rate of rows with zero counts and leaves the "
                "others unchanged")  # fmt: skip
    else:
        what = ("the labels are (quasi-)separable: a direction of the coefficients fits some 0/1 rows ever better "
                "and no row worse")  # fmt: skip
    return (f"{what}, so without the prior the MAP would not exist (the likelihood keeps increasing along it). "
            f"This MAP (l1 = {res.l1:.4g}, l2 = {res.l2:.4g}) is finite only because of the prior: its size along "
            f"that direction (|eta| up to {top:.3g}) is set by the prior scale, not estimated from the data. Use "
            "a smaller prior scale, or sample the posterior (sample_posterior, inference='posterior'), whose "
            "intervals show how little the data say about that direction")  # fmt: skip


def glm_l1_max(X, y, family="gaussian", l2=0.0, *, fit_intercept=True, trials=None) -> float:
    """The smallest ``l1`` at which every coefficient of the MAP is 0: ``||X^T (mu0 - y)||_inf``.

    ``mu0`` is the mean of the null model (intercept only, or ``eta = 0``); ``l2`` does not
    change it (its gradient vanishes at 0) and is accepted for symmetry.

    Returns
    -------
    float
    """
    pb = _make(X, y, family, trials, fit_intercept)
    check_nonnegative(l2, "l2")
    return _l1_max(pb)


def _l1_max(pb: _GLM) -> float:
    b0 = pb.null()[0]
    g = pb.fam.gradient(pb.y, np.full(pb.n, b0), pb.m)
    return float(np.max(np.abs(pb.X.T @ g)))


def glm_path(
    X, y, family="gaussian", l1s=None, *, l2=0.0, n_l1=30, eps=1e-3, fit_intercept=True, trials=None,
    tol=1e-10, max_iter=100,
) -> GLMPathResult:
    """MAPs over a decreasing ``l1`` grid at a fixed ``l2``, each warm-started from the previous.

    Parameters
    ----------
    X, y, family, fit_intercept, trials, tol, max_iter
        As in :func:`glm_fit`.
    l1s : array_like, optional
        The grid (sorted decreasing here). Default: ``n_l1`` values geometric from
        :func:`glm_l1_max` down to ``eps`` times it.
    l2 : float, default=0.0
    n_l1 : int, default=30
    eps : float, default=1e-3

    Returns
    -------
    GLMPathResult
        A ConvergenceWarning names every grid point that did not reach ``tol``.
    """
    pb = _make(X, y, family, trials, fit_intercept)
    _, l2, tol, max_iter = _check_solver_args(0.0, l2, tol, max_iter)
    if l1s is None:
        n_l1 = check_scalar(n_l1, "n_l1", lower=1, integer=True)
        eps = check_scalar(eps, "eps", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
        top = _l1_max(pb)
        grid = top * np.geomspace(1.0, eps, n_l1)
    else:
        grid = np.sort(check_vector(l1s, "l1s"))[::-1].copy()
        if np.any(grid < 0.0):
            raise ValueError(f"l1s must be non-negative; got {grid.min()!r}")
    if l2 == 0.0 and np.any(grid == 0.0):
        why = _mle_obstacle(pb)
        if why is not None:
            raise ValueError(f"l1s holds 0 and l2 = 0: {why}")
    b0, scale = pb.null()
    beta = np.zeros(pb.p)
    out = []
    for l1 in grid:
        res = _fit(pb, float(l1), l2, tol, max_iter, beta, b0, scale, say=False)
        out.append(res)
        beta, b0 = np.array(res.coef), res.intercept
    conv = np.array([r.converged for r in out])
    if not conv.all():
        bad = ", ".join(f"{r.l1:.4g}" for r in out if not r.converged)
        warn(
            f"glm_path: {int((~conv).sum())} grid point(s) did not reach tol={tol:g} (l1 = {bad}); "
            "increase max_iter or loosen tol",
            ConvergenceWarning,
        )
    return GLMPathResult(
        l1s=grid,
        l2=l2,
        coefs=np.array([r.coef for r in out]),
        intercepts=np.array([r.intercept for r in out]),
        gaps=np.array([r.gap for r in out]),
        objectives=np.array([r.objective for r in out]),
        n_iters=np.array([r.n_iter for r in out]),
        converged=conv,
        family=pb.fam,
    )
