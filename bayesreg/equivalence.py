r"""Is the MAP the penalised fit? scikit-learn, the exact MAP and ``pm.find_MAP`` side by side.

:func:`check_equivalence` fits, for one prior at a fixed noise scale ``sigma``,

1. scikit-learn's ``Lasso`` / ``Ridge`` / ``ElasticNet`` under the mapped ``alpha``
   (:func:`bayesreg.mapping.to_sklearn`), to a tight tolerance;
2. the exact MAP (:func:`bayesreg.map_estimate`): coordinate descent to a duality gap, or Cholesky;
3. PyMC's ``pm.find_MAP`` on the model of :func:`bayesreg.build_model` (:func:`bayesreg.find_map`);

and reports the largest coefficient differences, the objective of each solution on one common
scale (the solver's ``1/(2n) ||y - b0 - X beta||^2 + penalty(beta)``, which is the negative log
posterior times ``sigma^2 / n`` up to a constant), whether the supports agree, and a verdict.

**GLMs** (``family="bernoulli" | "binomial" | "poisson"``): the same three solutions with the
family's likelihood and no sigma: scikit-learn's ``LogisticRegression`` (``C = b`` for
``Laplace(b)``, ``C = tau^2`` for ``Gaussian(tau)``, unpenalised intercept: never the ``liblinear``
solver) or ``PoissonRegressor`` (``alpha = 1/(n tau^2)``) from :func:`bayesreg.mapping.to_sklearn_glm`,
where scikit-learn has the model (not for L1 Poisson nor for binomial counts); the objective is
then the mean loss (half the mean deviance) plus the penalty, the negative log posterior over ``n``.

Tolerances (defaults; measured in ``tests/test_equivalence.py`` and ``benchmarks/results/map.md``):

- exact MAP vs scikit-learn: coefficients within ``rtol = 1e-7`` relative to the largest
  coefficient, identical supports (exact zeros on both sides);
- find_MAP vs exact MAP: objective within ``find_map_objective_rtol = 1e-6`` relative, coefficients
  within ``find_map_coef_rtol = 5e-3`` relative to the largest coefficient (measured with the
  default two-stage :func:`bayesreg.find_map` over six problems: at most 1.1e-7 and 3.8e-4,
  typically 1e-12 and 1e-8; L-BFGS-B alone stalls at the kinks with 3e-4 to 8e-3 objective
  excess and coefficient errors of 3-30%). L-BFGS-B cannot land on
  the kink of ``|beta_j|`` at zero, so find_MAP's "zeros" are small numbers: its support is read
  after thresholding at ``find_map_coef_rtol`` times the largest coefficient.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_positive
from .design import prepare_data
from .noise import parse_sigma
from .priors import check_prior

__all__ = ["check_equivalence", "EquivalenceReport", "SolutionRow"]


@dataclass(frozen=True, eq=False)
class SolutionRow:
    """One solution in the report."""

    name: str
    coef: np.ndarray
    intercept: float
    objective: float
    support: np.ndarray
    seconds: float
    note: str = ""


@dataclass(frozen=True, eq=False)
class EquivalenceReport:
    """scikit-learn, exact MAP and find_MAP side by side, with a pass/fail verdict.

    Attributes
    ----------
    prior : Prior
    sigma : float
    penalty : Penalty
        The mapped penalty (solver convention).
    sklearn_estimator : str
        The scikit-learn estimator and its ``alpha`` (e.g. ``"Lasso(alpha=0.132)"``).
    rows : dict of str -> SolutionRow
        ``"sklearn"``, ``"exact"`` and ``"find_map"`` (those computed).
    feature_names : list of str
    checks : dict of str -> (bool, str)
        Each criterion: passed, and a sentence with the measured value and its tolerance.
    tolerances : dict
    """

    prior: object
    sigma: float
    penalty: object
    sklearn_estimator: str
    rows: dict
    feature_names: list
    checks: dict
    tolerances: dict = field(default_factory=dict)
    family: str = "gaussian"

    @property
    def _model(self) -> str:
        if self.family == "gaussian":
            return f"{self.prior} with sigma={self.sigma:g}"
        return f"{self.family} likelihood, {self.prior}"

    @property
    def _objective_line(self) -> str:
        if self.family == "gaussian":
            return "objective: 1/(2n)||y - b0 - X beta||^2 + penalty(beta) = sigma^2/n * (-log posterior) + const"
        return "objective: mean loss (half the mean deviance) + penalty(beta) = (-log posterior)/n + const"

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(ok for ok, _ in self.checks.values())

    def __bool__(self) -> bool:
        return self.passed

    def coef_table(self):
        """The coefficients side by side as a pandas DataFrame (rows: features and intercept)."""
        import pandas as pd

        cols = {}
        for key, row in self.rows.items():
            cols[row.name] = list(row.coef) + [row.intercept]
        return pd.DataFrame(cols, index=list(self.feature_names) + ["intercept"])

    def _lines(self) -> list[str]:
        names = list(self.feature_names) + ["intercept"]
        keys = list(self.rows)
        width = max(12, max(len(s) for s in names) + 1)
        head = f"{'':<{width}}" + "".join(f"{self.rows[k].name:>16}" for k in keys)
        out = [
            f"Equivalence check: {self._model} -> {self.penalty}; scikit-learn {self.sklearn_estimator}",
            head,
        ]
        for i, nm in enumerate(names):
            vals = []
            for k in keys:
                r = self.rows[k]
                v = r.coef[i] if i < r.coef.size else r.intercept
                vals.append(f"{v:>16.8g}")
            out.append(f"{nm:<{width}}" + "".join(vals))
        out.append(f"{'objective':<{width}}" + "".join(f"{self.rows[k].objective:>16.10g}" for k in keys))
        out.append(f"{'nonzero':<{width}}" + "".join(f"{self.rows[k].support.size:>16d}" for k in keys))
        out.append(f"{'seconds':<{width}}" + "".join(f"{self.rows[k].seconds:>16.3g}" for k in keys))
        out.append(self._objective_line)
        for key, (ok, msg) in self.checks.items():
            out.append(f"  [{'PASS' if ok else 'FAIL'}] {key}: {msg}")
        out.append(f"verdict: {'PASS' if self.passed else 'FAIL'}")
        return out

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_html_(self) -> str:
        names = list(self.feature_names) + ["intercept"]
        keys = list(self.rows)
        esc = html.escape
        h = [
            f"<div><p><b>Equivalence check</b>: {esc(self._model)} &rarr; "
            f"{esc(str(self.penalty))}; scikit-learn {esc(self.sklearn_estimator)}</p>",
            "<table><thead><tr><th></th>" + "".join(f"<th>{esc(self.rows[k].name)}</th>" for k in keys)
            + "</tr></thead><tbody>",
        ]
        for i, nm in enumerate(names):
            cells = []
            for k in keys:
                r = self.rows[k]
                v = r.coef[i] if i < r.coef.size else r.intercept
                cells.append(f"<td>{v:.8g}</td>")
            h.append(f"<tr><th>{esc(nm)}</th>{''.join(cells)}</tr>")
        h.append("<tr><th>objective</th>" + "".join(f"<td>{self.rows[k].objective:.10g}</td>" for k in keys) + "</tr>")
        h.append("<tr><th>nonzero</th>" + "".join(f"<td>{self.rows[k].support.size}</td>" for k in keys) + "</tr>")
        h.append("</tbody></table><ul>")
        for key, (ok, msg) in self.checks.items():
            color = "green" if ok else "red"
            badge = f"<span style='color:{color}'><b>{'PASS' if ok else 'FAIL'}</b></span>"
            h.append(f"<li>{badge} {esc(key)}: {esc(msg)}</li>")
        verdict = "PASS" if self.passed else "FAIL"
        h.append(f"</ul><p><b>verdict: {verdict}</b></p></div>")
        return "".join(h)


def _objective(stats, fit_intercept, penalty, coef, intercept) -> float:
    """``1/(2n) ||y - b0 - X coef||^2 + penalty(coef)`` from the sufficient statistics."""
    n = stats.n
    rss_c = stats.yty - 2.0 * coef @ stats.xty + coef @ stats.xtx @ coef
    b0 = intercept if fit_intercept else 0.0
    rss = max(rss_c, 0.0) + n * (stats.y_mean - b0 - stats.x_mean @ coef) ** 2
    return float(rss / (2.0 * n) + penalty.value(coef))


def _fit_rescaled(est, X, y, factors, fit_intercept) -> tuple[np.ndarray, float]:
    """Fit scikit-learn's twin; for per-coefficient scales on rescaled columns, computed independently here.

    Finite relative scales ``c_j``: the estimator of the common prior fitted on ``X * c``, its
    coefficients times ``c``. Infinite ones (unpenalised): the intercept and those columns are
    projected out of the others and of ``y`` by a QR factorisation of the rows (not the Gram form
    the package's solver uses), the estimator is fitted without intercept on what is left, and the
    unpenalised coefficients and the intercept are the least-squares fit of the remaining residual.
    """
    if factors is None:
        est.fit(X, y)
        return np.ravel(est.coef_), (float(np.ravel(est.intercept_)[0]) if fit_intercept else 0.0)
    free = ~np.isfinite(factors)
    if not free.any():
        est.fit(X * factors, y)
        b0 = float(np.ravel(est.intercept_)[0]) if fit_intercept else 0.0
        return np.ravel(est.coef_) * factors, b0
    n = X.shape[0]
    Z = np.column_stack(([np.ones(n)] if fit_intercept else []) + [X[:, free]])
    Q, _ = np.linalg.qr(Z)
    XP = X[:, ~free] * factors[~free]
    est.fit(XP - Q @ (Q.T @ XP), y - Q @ (Q.T @ y))
    beta = np.empty(X.shape[1])
    beta[~free] = np.ravel(est.coef_) * factors[~free]
    sol = np.linalg.lstsq(Z, y - X[:, ~free] @ beta[~free], rcond=None)[0]
    beta[free] = sol[1:] if fit_intercept else sol
    return beta, (float(sol[0]) if fit_intercept else 0.0)


def _glm_objective(data, penalty, coef, intercept) -> float:
    """Mean loss plus penalty of a GLM solution (the negative log posterior over n, up to a constant)."""
    eta = data.X @ coef + (intercept if data.fit_intercept else 0.0)
    return float(np.mean(data.family.loss(data.y, eta, data.trials)) + penalty.value(coef))


def check_equivalence(
    X,
    y=None,
    prior=None,
    *,
    sigma=None,
    fit_intercept: bool = True,
    feature_names=None,
    find_map: bool = True,
    rtol: float = 1e-7,
    find_map_objective_rtol: float = 1e-6,
    find_map_coef_rtol: float = 5e-3,
    tol: float = 1e-14,
    family=None,
    trials=None,
) -> EquivalenceReport:
    """Compare scikit-learn's penalised fit, the exact MAP and ``pm.find_MAP`` for one prior.

    Parameters
    ----------
    X : array_like of shape (n, p), DataFrame, or SufficientStats
        Data (scikit-learn needs the rows: with a SufficientStats its column is left out).
    y : array_like of shape (n,), optional
    prior : Laplace, ParkCasella, Gaussian or ElasticNetPrior
        Coefficient prior (fixed scale).
    sigma : float or "estimate"
        Fixed noise standard deviation (or ``"estimate"``, the plug-in value of
        :mod:`bayesreg.noise`): the equivalence is exact only with sigma fixed.
    fit_intercept : bool, default=True
    feature_names : sequence of str, optional
    find_map : bool, default=True
        Also run ``pm.find_MAP`` (compiles a PyMC model: seconds).
    rtol : float, default=1e-7
        Largest relative coefficient difference (to the largest coefficient) between the exact MAP
        and scikit-learn, and between their intercepts (relative to ``max(|intercept|, |coef|)``).
    find_map_objective_rtol : float, default=1e-6
        Largest relative objective excess of find_MAP over the exact MAP.
    find_map_coef_rtol : float, default=5e-3
        Largest coefficient difference of find_MAP, relative to the largest coefficient.
    tol : float, default=1e-14
        Relative duality-gap tolerance given to both coordinate-descent solvers (GLMs: to the
        exact MAP's solver; scikit-learn's GLM solvers get ``1e-12``).
    family : {"gaussian", "bernoulli", "binomial", "poisson"}, optional
        The likelihood (see the module docstring; default Gaussian); a GLM takes no ``sigma``.
    trials : int or array_like, optional
        Binomial trials per row.

    Returns
    -------
    EquivalenceReport
    """
    import time

    from . import mapping
    from .inference import map_estimate

    check_prior(prior)
    if not prior.has_mode:
        raise TypeError(f"nothing to compare with scikit-learn: {prior.map_obstacle()[1]}")
    from .families import family as parse_family

    fam = parse_family(family) if family is not None else getattr(X, "family", parse_family("gaussian"))
    if fam.name != "gaussian":
        return _check_glm(X, y, prior, sigma, fit_intercept, feature_names, find_map, rtol, find_map_objective_rtol,
                          find_map_coef_rtol, tol, fam, trials)  # fmt: skip
    if sigma is None:
        raise TypeError("check_equivalence() needs sigma= for the linear model (a positive number or 'estimate')")
    sigma_spec = parse_sigma(sigma)
    if not (sigma_spec.fixed or sigma_spec.word == "estimate"):
        raise TypeError(
            f"sigma must be fixed (a positive number, or 'estimate') for the equivalence to hold; got {sigma!r}"
        )
    for name, v in (("rtol", rtol), ("find_map_objective_rtol", find_map_objective_rtol),
                    ("find_map_coef_rtol", find_map_coef_rtol), ("tol", tol)):  # fmt: skip
        check_positive(v, name)
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names)
    sigma = sigma_spec.resolve(data.y_var, data.X, data.y).value
    st = data.stats
    n = data.n
    rows = {}

    t0 = time.perf_counter()
    exact = map_estimate(data, None, prior, sigma=sigma, fit_intercept=fit_intercept, tol=tol)
    t_exact = time.perf_counter() - t0
    pen = exact.penalty
    scale = max(float(np.max(np.abs(exact.coef))), 1e-300)

    def row(name, coef, intercept, seconds, note="", support=None):
        coef = np.asarray(coef, dtype=np.float64)
        sup = np.flatnonzero(coef) if support is None else support
        return SolutionRow(name, coef, float(intercept), _objective(st, fit_intercept, pen, coef, intercept), sup,
                           seconds, note)  # fmt: skip

    rows["exact"] = row("exact MAP", exact.coef, exact.intercept, t_exact, f"gap {exact.gap:.2g}")
    common, factors = mapping.rescaled_columns(prior)
    free = np.zeros(data.p, dtype=bool) if factors is None else ~np.isfinite(factors)
    est = mapping.to_sklearn(common, sigma=sigma, n_samples=n, fit_intercept=fit_intercept and not free.any())
    if not hasattr(est, "alpha"):  # LinearRegression: the flat prior's twin has no penalty weight
        est_name = f"{type(est).__name__}()"
    else:
        est_name = f"{type(est).__name__}(alpha={est.alpha:.6g}" + (
            f", l1_ratio={est.l1_ratio:.6g})" if type(est).__name__ == "ElasticNet" else ")"
        )
    if factors is not None:
        est_name += " on the columns times their relative prior scales" + (
            " (the unpenalised ones and the intercept projected out first)" if free.any() else "")
    if data.X is not None:
        if hasattr(est, "max_iter") and type(est).__name__ != "Ridge":
            est.set_params(tol=tol, max_iter=1_000_000)
        t0 = time.perf_counter()
        coef, b0 = _fit_rescaled(est, data.X, data.y, factors, fit_intercept)
        rows["sklearn"] = row("scikit-learn", coef, b0, time.perf_counter() - t0)
    if find_map:
        from .inference import find_map as _find_map
        from .models import build_model

        t0 = time.perf_counter()
        model = build_model(data, None, prior, sigma=sigma, fit_intercept=fit_intercept)
        fm = _find_map(model)
        sup = np.flatnonzero(np.abs(fm.coef) > find_map_coef_rtol * scale)
        rows["find_map"] = row("pm.find_MAP", fm.coef, fm.intercept, time.perf_counter() - t0,
                               f"{fm.method}, {fm.n_eval} evaluations", support=sup)  # fmt: skip

    checks = _checks(rows, scale, rtol, find_map_objective_rtol, find_map_coef_rtol)
    return EquivalenceReport(
        prior=prior,
        sigma=sigma,
        penalty=pen,
        sklearn_estimator=est_name,
        rows=rows,
        feature_names=list(data.feature_names),
        checks=checks,
        tolerances={
            "rtol": rtol,
            "find_map_objective_rtol": find_map_objective_rtol,
            "find_map_coef_rtol": find_map_coef_rtol,
            "tol": tol,
        },
    )


def _checks(rows, scale, rtol, find_map_objective_rtol, find_map_coef_rtol) -> dict:
    """The verdict's criteria from the solutions computed (the same for every family)."""
    checks = {}
    ex = rows["exact"]
    if "sklearn" in rows:
        sk = rows["sklearn"]
        d = float(np.max(np.abs(sk.coef - ex.coef))) / scale
        db = abs(sk.intercept - ex.intercept) / max(abs(ex.intercept), scale)
        checks["exact MAP = scikit-learn (coefficients)"] = (
            bool(d <= rtol and db <= rtol),
            f"largest relative difference {d:.2g} (intercept {db:.2g}); tolerance {rtol:g}",
        )
        same = np.array_equal(sk.support, ex.support)
        checks["identical supports (exact zeros)"] = (
            same,
            f"exact MAP {ex.support.size} non-zero, scikit-learn {sk.support.size}"
            + ("" if same else f"; differ at {np.setxor1d(sk.support, ex.support).tolist()}"),
        )
    if "find_map" in rows:
        fmr = rows["find_map"]
        d = float(np.max(np.abs(fmr.coef - ex.coef))) / scale
        excess = (fmr.objective - ex.objective) / max(abs(ex.objective), 1e-300)
        checks["find_MAP objective"] = (
            bool(excess <= find_map_objective_rtol),
            f"relative excess over the exact MAP {excess:.2g}; tolerance {find_map_objective_rtol:g}",
        )
        checks["find_MAP coefficients"] = (
            bool(d <= find_map_coef_rtol),
            f"largest difference {d:.2g} of the largest coefficient; tolerance {find_map_coef_rtol:g}",
        )
        zeros = np.setdiff1d(np.arange(ex.coef.size), ex.support)
        largest = float(np.max(np.abs(fmr.coef[zeros]))) / scale if zeros.size else 0.0
        checks["find_MAP near zero where the MAP is zero"] = (
            bool(largest <= find_map_coef_rtol),
            f"largest |find_MAP coefficient| at the {zeros.size} exact zeros is {largest:.2g} of the largest "
            f"coefficient; tolerance {find_map_coef_rtol:g} (L-BFGS-B cannot land exactly on the kink)",
        )
    return checks


def _check_glm(X, y, prior, sigma, fit_intercept, feature_names, find_map, rtol, find_map_objective_rtol,
               find_map_coef_rtol, tol, fam, trials) -> EquivalenceReport:  # fmt: skip
    """check_equivalence for a logistic, binomial or Poisson model."""
    import time
    import warnings

    from . import mapping
    from .families import check_glm_arguments
    from .inference import map_estimate

    for name, v in (("rtol", rtol), ("find_map_objective_rtol", find_map_objective_rtol),
                    ("find_map_coef_rtol", find_map_coef_rtol), ("tol", tol)):  # fmt: skip
        check_positive(v, name)
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, family=fam, trials=trials)
    check_glm_arguments(data, prior, "default" if sigma is None else sigma)
    rows = {}
    t0 = time.perf_counter()
    exact = map_estimate(data, None, prior, tol=tol, family=fam)
    t_exact = time.perf_counter() - t0
    pen = exact.penalty
    scale = max(float(np.max(np.abs(exact.coef))), 1e-300)

    def row(name, coef, intercept, seconds, note="", support=None):
        coef = np.asarray(coef, dtype=np.float64).reshape(-1)
        sup = np.flatnonzero(coef) if support is None else support
        return SolutionRow(name, coef, float(intercept), _glm_objective(data, pen, coef, intercept), sup, seconds,
                           note)  # fmt: skip

    rows["exact"] = row("exact MAP", exact.coef, exact.intercept, t_exact, f"gap {exact.gap:.2g}")
    common, factors = mapping.rescaled_columns(prior)
    est = mapping.to_sklearn_glm(common, family=fam, n_samples=data.n, fit_intercept=fit_intercept, tol=1e-12,
                                 max_iter=1_000_000)  # fmt: skip
    if est is None:
        est_name = f"none (scikit-learn has no {fam.name} model with this penalty)"
    else:
        params = est.get_params()
        if "C" in params:
            est_name = (f"LogisticRegression(C={params['C']:.6g}, l1_ratio={params['l1_ratio']:.3g}, "
                        f"solver={params['solver']!r})")  # fmt: skip
        else:
            est_name = f"PoissonRegressor(alpha={params['alpha']:.6g})"
        if factors is not None:
            est_name += " on the columns times their relative prior scales"
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # saga's convergence chatter at tol 1e-12: its distance is checked below
            coef, b0 = _fit_rescaled(est, data.X, data.y, factors, fit_intercept)
        rows["sklearn"] = row("scikit-learn", coef, b0, time.perf_counter() - t0)
    if find_map:
        from .inference import find_map as _find_map
        from .models import build_model

        t0 = time.perf_counter()
        fm = _find_map(build_model(data, None, prior, fit_intercept=fit_intercept))
        sup = np.flatnonzero(np.abs(fm.coef) > find_map_coef_rtol * scale)
        rows["find_map"] = row("pm.find_MAP", fm.coef, fm.intercept, time.perf_counter() - t0,
                               f"{fm.method}, {fm.n_eval} evaluations", support=sup)  # fmt: skip
    return EquivalenceReport(
        prior=prior, sigma=float("nan"), penalty=pen, sklearn_estimator=est_name, rows=rows,
        feature_names=list(data.feature_names),
        checks=_checks(rows, scale, rtol, find_map_objective_rtol, find_map_coef_rtol),
        tolerances={"rtol": rtol, "find_map_objective_rtol": find_map_objective_rtol,
                    "find_map_coef_rtol": find_map_coef_rtol, "tol": tol},
        family=fam.name,
    )  # fmt: skip
