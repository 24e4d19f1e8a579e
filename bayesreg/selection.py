r"""Sparse summaries of a posterior: which variables matter.

The posterior mean of a Laplace or horseshoe model is never sparse. :func:`sparse_summary`
turns a posterior into a short list of variables in one of three ways:

``method="dss"``
    Decoupled shrinkage and selection (Hahn and Carvalho, 2015, JASA 110:435-448). With
    :math:`\bar\beta` the posterior mean and :math:`X` the centred design, the sparse summary
    at penalty :math:`\lambda` is the adaptively weighted lasso fitted to the posterior-mean fit

    .. math::

        \gamma_\lambda = \arg\min_\gamma \frac{1}{2n}\lVert X\bar\beta - X\gamma\rVert^2
                         + \lambda \sum_j \frac{|\gamma_j|}{|\bar\beta_j|},

    solved as the plain lasso on the columns :math:`X_j |\bar\beta_j|` with response
    :math:`X\bar\beta` (then :math:`\gamma_j = |\bar\beta_j|\theta_j`), along the whole path by the
    package's own solver (:func:`bayesreg.solvers.lasso_path`, each point certified by its duality
    gap). Each summary is judged by the posterior of its *variation explained* (the paper's
    :math:`\rho^2_\lambda`), draw by draw:

    .. math::

        \rho^2_{\lambda,d} = \frac{n^{-1}\lVert X\beta_d\rVert^2}
            {n^{-1}\lVert X\beta_d\rVert^2 + \sigma_d^2 + n^{-1}\lVert X\beta_d - X\gamma_\lambda\rVert^2}:

    the model's variation explained, :math:`\lVert X\beta\rVert^2 / (\lVert X\beta\rVert^2 +
    n\sigma^2)`, with the summary's distance to the model's fit counted as noise, when
    :math:`(\beta_d, \sigma_d)` is the truth. The numerator is the *model's* fit
    :math:`X\beta_d`, not the summary's: the summary enters only through its discrepancy, so the
    curve orders the summaries as their excess loss does. This is Hahn and Carvalho's (2015)
    :math:`\rho^2_\lambda` (their section on the variation explained of a sparsified linear
    predictor) as the reference implementation computes it: Kowal's R package ``fosr``,
    ``R/variable_selection_functions.R``, ``computeRho`` (``XB2 / (XB2 + post_trace_sigma_2 +
    ||XB - X beta_lambda||^2)`` with ``XB = X beta_d`` and ``post_trace_sigma_2 = n sigma_d^2``).
    The empty summary is not at 0 but at :math:`\lVert X\beta_d\rVert^2 / (2\lVert X\beta_d\rVert^2
    + n\sigma_d^2)`, between half the model's own value and all of it (half when the noise is
    small against the signal). The full model is :math:`\lambda = 0`, whose
    summary is the posterior mean itself (:math:`\gamma_0 = \bar\beta`; its :math:`\rho^2_0` still
    counts each draw's distance to it). The chosen size is the
    smallest whose band (``level``, default 90%) reaches the posterior mean of the full model's
    :math:`\rho^2_0`: the rule of the paper and of the reference implementation
    (Kowal's ``fosr_select``, which uses an HPD band, the default here too). The paper's *excess
    loss* :math:`\psi_{\lambda,d} = \sqrt{\lVert X\beta_d - X\gamma_\lambda\rVert^2/n +
    \sigma_d^2} - \sigma_d` is reported beside it.

``method="interval"``
    The variables whose central (equal-tailed) credible interval at ``level`` (default 0.95)
    excludes zero.

``method="kappa"``
    For a horseshoe posterior, the shrinkage factors
    :math:`\kappa_j = 1 / (1 + n s_j^2 v_j / \sigma^2)` (Carvalho, Polson and Scott, 2010), with
    :math:`s_j^2` the column variance and :math:`v_j` the prior variance of :math:`\beta_j`. In
    this package's horseshoe :math:`v_j = \tau^2\lambda_j^2\sigma^2` (the prior scales with the
    noise), so :math:`\kappa_j = 1/(1 + n s_j^2 \tau^2 \lambda_j^2)`; a variable is selected when
    its posterior mean :math:`\kappa_j` is below ``threshold`` (default 0.5: more signal than
    shrinkage). A standardised fit is recognised by its ``beta_std`` draws (NUTS); a Gibbs
    posterior fitted with ``standardize=True`` stores no such draws and is read as unstandardised.
    With a vague global scale and few variables the posterior mean :math:`\kappa_j` of noise
    variables sits near 0.5, so the rule is only as sharp as the global scale's prior.
    For a regularised horseshoe (Piironen and Vehtari, 2017; a posterior with a slab scale ``c``)
    the prior variance is :math:`v_j = 1/(1/(\sigma^2\tau^2\lambda_j^2) + 1/c^2)`, so
    :math:`\kappa_j = 1/(1 + n s_j^2 / (1/(\tau^2\lambda_j^2) + \sigma^2/c^2))` (their
    regularised shrinkage factor, which needs ``sigma``). The summary also reports the effective
    number of non-zero coefficients :math:`m_{\rm eff} = \sum_j (1 - \kappa_j)` (their eq. 3.5),
    its posterior mean and band, in ``effective_size`` and the notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_choice, check_matrix, check_scalar

__all__ = ["SparseSummary", "sparse_summary", "dss_figure_data"]

_METHODS = ("dss", "interval", "kappa")
_DEFAULT_LEVEL = {"dss": 0.9, "interval": 0.95, "kappa": 0.9}


@dataclass(frozen=True, eq=False)
class SparseSummary:
    r"""A sparse summary of a posterior (see :func:`sparse_summary`).

    Attributes
    ----------
    method : {"dss", "interval", "kappa"}
    selected : tuple of str
        Names of the selected variables, in feature order.
    coef : pandas.Series
        The summary's coefficients by feature: for ``"dss"`` the sparse summary
        :math:`\gamma` of the chosen size; for ``"interval"`` and ``"kappa"`` the posterior mean
        on the selected variables and 0 elsewhere.
    intercept : float
        Intercept of the summary's predictions (0.0 when the posterior has no intercept).
    table : pandas.DataFrame
        ``"dss"``: one row per model size along the path (``size``, ``lambda``, ``support``,
        ``rho2_mean``, ``rho2_low``, ``rho2_high``, ``excess_loss_mean``, ``excess_loss_low``,
        ``excess_loss_high``, ``gap``, ``converged``), the representative of each size being the
        path point with the *smallest* penalty having that size (the least-shrunk summary with
        that support). ``"interval"``: one row per feature (``mean``, ``low``, ``high``,
        ``selected``). ``"kappa"``: one row per feature (``kappa_mean``, ``kappa_low``,
        ``kappa_high``, ``beta_mean``, ``selected``).
    level : float
        Probability of the bands (``"dss"``, ``"kappa"``) or of the credible intervals
        (``"interval"``).
    interval : str
        ``"hdi"`` or ``"equal-tailed"``: the kind of band (``"interval"`` always uses the
        central interval).
    chosen_size : int or None
        ``"dss"``: the smallest size whose band's upper end reaches the full model's posterior
        mean of :math:`\rho^2`.
    full : dict or None
        ``"dss"``: the full model (``lambda = 0``, the posterior mean): ``rho2_mean``,
        ``rho2_low``, ``rho2_high``; and ``rho2_model_mean``, the posterior mean of the model's
        own variance explained :math:`\lVert X\beta\rVert^2/(\lVert X\beta\rVert^2 + n\sigma^2)`.
    path : pandas.DataFrame or None
        ``"dss"``: every path point (``lambda``, ``size``, ``gap``, ``converged``, ``n_iter``),
        largest penalty first, the last row the full model.
    path_coefs : ndarray of shape (n_points, p) or None
        ``"dss"``: :math:`\gamma_\lambda` at every path point (read-only).
    certificate : dict or None
        ``"dss"``: ``tol``, ``gap_target`` (``tol * ||X beta_bar||^2 / n``, the stopping rule),
        ``max_gap``, ``all_converged``, ``n_points`` and ``not_converged`` (the penalties whose
        gap stayed above the target).
    notes : tuple of str
        Anything the caller should know (a fallback, a point that did not converge).
    effective_size : dict or None
        ``"kappa"``: the effective number of non-zero coefficients
        :math:`m_{\rm eff} = \sum_j (1 - \kappa_j)`, its posterior ``mean`` and band (``low``,
        ``high``, at ``level``).
    """

    method: str
    selected: tuple
    coef: object
    intercept: float
    table: object
    level: float
    interval: str
    chosen_size: int | None = None
    full: dict | None = None
    path: object = None
    path_coefs: np.ndarray | None = None
    certificate: dict | None = None
    notes: tuple = field(default_factory=tuple)
    effective_size: dict | None = None

    def __post_init__(self):
        if self.path_coefs is not None:
            self.path_coefs.setflags(write=False)

    def _headline(self) -> str:
        p = len(self.coef)
        names = ", ".join(self.selected) if self.selected else "none"
        head = f"SparseSummary(method={self.method!r}, selected {len(self.selected)} of {p}: {names}"
        if self.method == "dss":
            cert = self.certificate or {}
            head += (
                f"; chosen size {self.chosen_size}; full-model rho2 {self.full['rho2_mean']:.4g} "
                f"[{self.full['rho2_low']:.4g}, {self.full['rho2_high']:.4g}] ({self.level:g} {self.interval}); "
                f"{cert.get('n_points', 0)} path points, all converged: {cert.get('all_converged')}"
            )
        elif self.method == "interval":
            head += f"; central {self.level:g} intervals excluding 0"
        return head + ")"

    def __repr__(self) -> str:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 20, "display.precision", 4):
            body = self.table.to_string(index=False)
        lines = [self._headline(), body]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        import pandas as pd

        with pd.option_context("display.precision", 4):
            body = self.table.to_html(index=False)
        notes = "".join(f"<p><em>note:</em> {html.escape(n)}</p>" for n in self.notes)
        return f"<p><strong>{html.escape(self._headline())}</strong></p>{body}{notes}"


# ---------------------------------------------------------------------------- reading the posterior


def _draws(post, name: str, feature_dim: str | None = None) -> np.ndarray:
    """``(chain*draw,)`` or ``(chain*draw, p)`` draws of a variable."""
    da = post[name]
    order = ["chain", "draw"] + ([feature_dim] if feature_dim is not None else [])
    arr = np.asarray(da.transpose(*order).values, dtype=np.float64)
    return arr.reshape(-1, arr.shape[-1]) if feature_dim is not None else arr.reshape(-1)


def _read_posterior(posterior, X, method: str):
    """Check ``posterior`` and ``X`` and return what the method needs; no solver work here."""
    from ._upstream import group_dataset, has_group, is_posterior_data

    if not is_posterior_data(posterior):
        raise TypeError(
            "posterior must be a posterior container (what bayesreg.sample_posterior returns: an "
            f"arviz.InferenceData or xarray.DataTree with a posterior group); got {type(posterior).__name__}"
        )
    post = group_dataset(posterior, "posterior")
    if "beta" not in post.data_vars:
        raise ValueError(
            f"posterior has no variable 'beta' (the coefficients, dims chain, draw, feature); "
            f"its variables are {sorted(map(str, post.data_vars))}"
        )
    family = str(post.attrs.get("family", "gaussian"))
    if method in ("dss", "kappa") and family != "gaussian":
        what = ("the variance explained by a linear predictor with Gaussian noise (the noise scale sigma)"
                if method == "dss" else
                "the shrinkage factor of the linear model, 1 / (1 + n s_j^2 tau^2 lam_j^2), whose unit noise "
                "precision a GLM does not have")  # fmt: skip
        raise ValueError(
            f"method={method!r} is for the linear model (family 'gaussian'), but this posterior is of "
            f"family {family!r}: it is built on {what}. For a GLM posterior use method='interval' (credible-"
            "interval selection, which needs only the draws of beta)"
        )
    dims = tuple(post["beta"].dims)
    if len(dims) != 3 or dims[:2] != ("chain", "draw"):
        raise ValueError(f"posterior's 'beta' must have dims (chain, draw, feature); got {dims}")
    fdim = dims[2]
    p = post["beta"].sizes[fdim]
    names = [str(v) for v in post[fdim].values] if fdim in post.coords else [f"x{j}" for j in range(p)]
    const = group_dataset(posterior, "constant_data") if has_group(posterior, "constant_data") else None

    if X is None:
        if const is None or "X" not in const.data_vars:
            raise ValueError("X is needed: the posterior stores no design (constant_data['X']); pass X")
        Xa = np.array(const["X"].values, dtype=np.float64)
    else:
        Xa = check_matrix(X, "X")  # (a new array: the caller's X is never touched)
    if Xa.shape[1] != p:
        raise ValueError(f"X has {Xa.shape[1]} columns but the posterior's beta has {p} features; widths must match")
    if Xa.shape[0] < 2:
        raise ValueError("X must have at least 2 rows")

    out = {"beta": _draws(post, "beta", fdim), "names": names, "X": Xa, "fit_intercept": "intercept" in post}
    out["intercept"] = _draws(post, "intercept") if out["fit_intercept"] else None
    if method == "dss":
        if "sigma" in post.data_vars:
            out["sigma"] = _draws(post, "sigma")
        elif const is not None and "sigma" in const.data_vars:
            out["sigma"] = np.full(out["beta"].shape[0], float(const["sigma"].values))
        else:
            raise ValueError(
                "posterior has no variable 'sigma' (sampled) nor constant_data['sigma'] (fixed): "
                "method='dss' needs the noise scale for the variance explained"
            )
        if not np.all(np.isfinite(out["sigma"])) or np.any(out["sigma"] <= 0):
            raise ValueError("posterior's sigma draws must be positive and finite")
    if method == "kappa":
        missing = [v for v in ("tau", "lam_local") if v not in post.data_vars]
        if missing:
            raise ValueError(
                f"posterior has no variable(s) {missing}: method='kappa' needs a horseshoe posterior "
                "(global scale 'tau' and local scales 'lam_local', as bayesreg's Gibbs and NUTS "
                f"samplers name them); its variables are {sorted(map(str, post.data_vars))}"
            )
        out["tau"] = _draws(post, "tau")
        out["lam_local"] = _draws(post, "lam_local", fdim)
        # a regularised horseshoe (slab scale c): its kappa needs sigma, which enters only through c
        out["c"] = _draws(post, "c") if "c" in post.data_vars else None
        if out["c"] is not None:
            if "sigma" in post.data_vars:
                out["sigma"] = _draws(post, "sigma")
            elif const is not None and "sigma" in const.data_vars:
                out["sigma"] = np.full(out["tau"].shape[0], float(const["sigma"].values))
            else:
                raise ValueError(
                    "posterior has a slab scale 'c' (a regularised horseshoe) but no variable 'sigma' nor "
                    "constant_data['sigma']: method='kappa' needs the noise scale to compare the slab with it"
                )
        # a standardised fit (NUTS, standardize=True) puts the prior on beta_std = beta * x_scale
        if "beta_std" in post.data_vars:
            b, bs = out["beta"], _draws(post, "beta_std", fdim)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(b != 0, bs / b, np.nan)
            out["x_scale"] = np.nanmedian(ratio, axis=0)
        else:
            out["x_scale"] = np.ones(p)
    if not np.all(np.isfinite(out["beta"])):
        raise ValueError("posterior's beta draws contain NaN or infinite values")
    return out


def _band(draws: np.ndarray, level: float, interval: str) -> np.ndarray:
    """``(k, 2)`` bands of the columns of ``draws`` (m, k)."""
    if interval == "hdi":
        from ._posterior import hdi_from_draws

        return hdi_from_draws(draws, level)
    q = np.quantile(draws, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=0)
    return q.T


# ---------------------------------------------------------------------------- DSS


def _support_names(gamma: np.ndarray, names) -> tuple:
    return tuple(names[j] for j in np.flatnonzero(gamma))


def _dss_path(Xw, ybar, fit_intercept, n_lambdas, eps, tol, max_iter, refine, full_size):
    """Lasso path on the rescaled columns (solver's convention); fills in sizes the grid skipped.

    ``full_size``: the number of variables of the lambda -> 0 limit when the design has full
    column rank (None otherwise).

    Returns lists ``lams, thetas, gaps, n_iters, conv``, largest penalty first.
    """
    from .solvers import lasso, lasso_path

    path = lasso_path(Xw, ybar, n_alphas=n_lambdas, eps=eps, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter)
    stats = []  # the extra points' solves share one set of sufficient statistics (the Gram, formed once)

    def solve_at(lam, start):
        if not stats:
            from .suffstats import SufficientStats

            stats.append(SufficientStats.from_arrays(Xw, ybar))
        r = lasso(stats[0], alpha=lam, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter, coef_init=start)
        return (lam, np.array(r.coef), float(r.gap), int(r.n_iter), bool(r.converged))

    pts = [
        (float(a), np.array(c), float(g), int(k), bool(v))
        for a, c, g, k, v in zip(path.alphas, path.coefs, path.gaps, path.n_iters, path.converged, strict=True)
    ]
    if refine and full_size is not None:
        # Below the grid's end: step the penalty down tenfold until every variable is in (a full-rank
        # design only; the lambda -> 0 limit is then the posterior mean), so the bisection below can
        # find the sizes between the grid's last point and the full model.
        for _ in range(8):
            lam, start = pts[-1][0] / 10.0, pts[-1][1]
            if np.count_nonzero(start) >= full_size or lam <= 0.0:
                break
            pts.append(solve_at(lam, start))
    if refine:
        # The grid can step over a size (two variables entering between grid points). Bisect in
        # log(lambda) between the neighbours that straddle each missing size, warm-started; a size
        # is left out only when no penalty has it (variables entering at the same knot).
        for s in range(0, max(np.count_nonzero(t[1]) for t in pts) + 1):
            pts.sort(key=lambda t: -t[0])
            sizes = [int(np.count_nonzero(t[1])) for t in pts]
            if s in sizes:
                continue
            pair = next((i for i in range(len(pts) - 1) if sizes[i] < s < sizes[i + 1]), None)
            if pair is None:
                continue
            hi, lo, start = pts[pair][0], pts[pair + 1][0], pts[pair][1]
            for _ in range(60):
                if hi <= lo * (1.0 + 1e-9):
                    break
                mid = float(np.sqrt(hi * lo))
                pts.append(solve_at(mid, start))
                k = int(np.count_nonzero(pts[-1][1]))
                if k == s:
                    break
                if k < s:
                    hi, start = mid, pts[-1][1]
                else:
                    lo = mid
        pts.sort(key=lambda t: -t[0])
    return pts


def _dss(d, level, interval, n_lambdas, eps, tol, max_iter, refine):
    import pandas as pd

    B, X, names, fit_intercept = d["beta"], d["X"], d["names"], d["fit_intercept"]
    sigma = d["sigma"]
    n, p = X.shape
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(p)
    Xc = X - x_mean  # the centred design (the intercept is unpenalised)
    beta_bar = B.mean(axis=0)
    w = np.abs(beta_bar)
    ybar = Xc @ beta_bar
    if not np.any(w) or not np.any(ybar):
        raise ValueError("posterior: the posterior-mean fit X @ mean(beta) is zero; there is nothing to summarise")
    # gamma_j = |beta_bar_j| theta_j turns the weighted penalty sum |gamma_j| / |beta_bar_j| into
    # ||theta||_1 and X gamma into (X * |beta_bar|) theta: the plain lasso on rescaled columns.
    Xw = Xc * w
    # ||X v|| = ||R v|| with X = QR (thin QR of the centred design: a stable factorization)
    R = np.linalg.qr(Xc, mode="r")
    diag = np.abs(np.diag(R))
    full_rank = R.shape[0] == p and diag.min() > p * np.finfo(float).eps * max(diag.max(), 1e-300)
    pts = _dss_path(
        Xw, ybar, fit_intercept, n_lambdas, eps, tol, max_iter, refine, int(np.count_nonzero(w)) if full_rank else None
    )
    lams = np.array([t[0] for t in pts] + [0.0])
    gammas = np.vstack([w * t[1] for t in pts] + [beta_bar])  # the last point: lambda = 0, the posterior mean
    gaps = np.array([t[2] for t in pts] + [0.0])
    n_iters = np.array([t[3] for t in pts] + [0])
    conv = np.array([t[4] for t in pts] + [True])
    sizes = np.count_nonzero(gammas, axis=1)

    Z = B @ R.T  # X beta_d, in R's coordinates
    fit2 = np.einsum("dk,dk->d", Z, Z)  # ||X beta_d||^2
    ns2 = n * sigma**2
    G = gammas @ R.T
    loss = np.empty((B.shape[0], gammas.shape[0]))  # ||X beta_d - X gamma_k||^2
    for k in range(gammas.shape[0]):
        diff = Z - G[k]
        loss[:, k] = np.einsum("dk,dk->d", diff, diff)
    # Hahn and Carvalho's rho^2_lambda: the model's fit ||X beta_d||^2 over itself plus the noise and
    # the summary's discrepancy (Kowal's computeRho; not the summary's own ||X gamma||^2 on top)
    rho2 = fit2[:, None] / (fit2[:, None] + ns2[:, None] + loss)
    excess = np.sqrt(loss / n + sigma[:, None] ** 2) - sigma[:, None]
    rho_band = _band(rho2, level, interval)
    ex_band = _band(excess, level, interval)
    rho_mean = rho2.mean(axis=0)

    full = {
        "rho2_mean": float(rho_mean[-1]),
        "rho2_low": float(rho_band[-1, 0]),
        "rho2_high": float(rho_band[-1, 1]),
        "rho2_model_mean": float(np.mean(fit2 / (fit2 + ns2))),
    }
    rows = []
    for s in np.unique(sizes):
        k = int(np.flatnonzero(sizes == s)[-1])  # the smallest penalty with this size
        rows.append({
            "size": int(s), "lambda": float(lams[k]), "support": _support_names(gammas[k], names),
            "rho2_mean": float(rho_mean[k]), "rho2_low": float(rho_band[k, 0]), "rho2_high": float(rho_band[k, 1]),
            "excess_loss_mean": float(excess[:, k].mean()), "excess_loss_low": float(ex_band[k, 0]),
            "excess_loss_high": float(ex_band[k, 1]), "gap": float(gaps[k]), "converged": bool(conv[k]),
            "_k": k,
        })  # fmt: skip
    table = pd.DataFrame(rows)
    notes = []
    reach = table.index[table["rho2_high"] >= full["rho2_mean"]]
    if len(reach):
        pick = int(reach[0])
    else:  # pragma: no cover - the full model's own band reaches its mean unless the draws are degenerate
        pick = len(table) - 1
        notes.append("no size's band reaches the full model's posterior mean rho2; the largest size is returned")
    k = int(table.loc[pick, "_k"])
    table = table.drop(columns="_k")
    gamma = gammas[k]

    target = tol * float(ybar @ ybar) / n  # the solver's stopping rule, tol * ||y_c||^2 / n
    bad = lams[~conv]
    if bad.size:
        notes.append(
            f"coordinate descent did not reach the duality-gap target {target:.3g} at {bad.size} penalties "
            f"(largest gap {gaps[~conv].max():.3g}); raise max_iter"
        )
    certificate = {
        "tol": tol, "gap_target": target, "max_gap": float(gaps.max()), "all_converged": bool(conv.all()),
        "n_points": int(lams.size), "not_converged": tuple(float(a) for a in bad),
    }  # fmt: skip
    path = pd.DataFrame({"lambda": lams, "size": sizes, "gap": gaps, "converged": conv, "n_iter": n_iters})
    b0 = _intercept(d, beta_bar, gamma, x_mean)
    return SparseSummary(
        method="dss", selected=_support_names(gamma, names), coef=pd.Series(gamma, index=names, name="coef"),
        intercept=b0, table=table, level=level, interval=interval, chosen_size=int(table.loc[pick, "size"]),
        full=full, path=path, path_coefs=gammas, certificate=certificate, notes=tuple(notes),
    )  # fmt: skip


def _intercept(d, beta_bar, gamma, x_mean) -> float:
    """Intercept of a summary: the posterior-mean fit's level, ``mean(b0) + x_mean @ (beta_bar - gamma)``."""
    if not d["fit_intercept"]:
        return 0.0
    return float(d["intercept"].mean() + x_mean @ (beta_bar - gamma))


# ---------------------------------------------------------------------------- interval and kappa


def _interval(d, level):
    import pandas as pd

    B, names = d["beta"], d["names"]
    lo, hi = np.quantile(B, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=0)
    sel = (lo > 0) | (hi < 0)
    mean = B.mean(axis=0)
    coef = np.where(sel, mean, 0.0)
    x_mean = d["X"].mean(axis=0) if d["fit_intercept"] else np.zeros(B.shape[1])
    table = pd.DataFrame({"feature": names, "mean": mean, "low": lo, "high": hi, "selected": sel})
    return SparseSummary(
        method="interval", selected=tuple(np.asarray(names)[sel].tolist()),
        coef=pd.Series(coef, index=names, name="coef"), intercept=_intercept(d, mean, coef, x_mean),
        table=table, level=level, interval="equal-tailed",
    )  # fmt: skip


def _kappa(d, level, interval, threshold):
    import pandas as pd

    B, X, names = d["beta"], d["X"], d["names"]
    Xc = X - X.mean(axis=0) if d["fit_intercept"] else X
    s2 = np.einsum("ij,ij->j", Xc, Xc) / X.shape[0]  # column variance (1/n), of the centred column with an intercept
    n = X.shape[0]
    # prior variance of beta_j: tau^2 lam_j^2 sigma^2 / x_scale_j^2, so n s_j^2 v_j / sigma^2 has no sigma
    t2l2 = (d["tau"][:, None] * d["lam_local"]) ** 2
    if d.get("c") is not None:
        # regularised horseshoe: 1/v_j = 1/(sigma^2 tau^2 lam_j^2) + 1/c^2 (on the prior's scale), so
        # v_j / sigma^2 = 1 / (1/(tau^2 lam_j^2) + sigma^2/c^2)
        t2l2 = 1.0 / (1.0 / t2l2 + (d["sigma"] / d["c"])[:, None] ** 2)
    kappa = 1.0 / (1.0 + n * (s2 / d["x_scale"] ** 2)[None, :] * t2l2)
    kmean = kappa.mean(axis=0)
    band = _band(kappa, level, interval)
    # effective number of non-zero coefficients, draw by draw (Piironen and Vehtari 2017, eq. 3.5)
    m_eff = (1.0 - kappa).sum(axis=1)
    m_band = _band(m_eff[:, None], level, interval)[0]
    effective = {"mean": float(m_eff.mean()), "low": float(m_band[0]), "high": float(m_band[1])}
    sel = kmean < threshold
    mean = B.mean(axis=0)
    coef = np.where(sel, mean, 0.0)
    x_mean = X.mean(axis=0) if d["fit_intercept"] else np.zeros(B.shape[1])
    table = pd.DataFrame({
        "feature": names, "kappa_mean": kmean, "kappa_low": band[:, 0], "kappa_high": band[:, 1],
        "beta_mean": mean, "selected": sel,
    })  # fmt: skip
    note = (f"effective number of non-zero coefficients m_eff = sum_j (1 - kappa_j): posterior mean "
            f"{effective['mean']:.4g}, {level:g} {interval} [{effective['low']:.4g}, {effective['high']:.4g}]")
    return SparseSummary(
        method="kappa", selected=tuple(np.asarray(names)[sel].tolist()),
        coef=pd.Series(coef, index=names, name="coef"), intercept=_intercept(d, mean, coef, x_mean),
        table=table, level=level, interval=interval, effective_size=effective, notes=(note,),
    )  # fmt: skip


# ---------------------------------------------------------------------------- public


def sparse_summary(
    posterior,
    X=None,
    method: str = "dss",
    *,
    level: float | None = None,
    interval: str = "hdi",
    threshold: float = 0.5,
    n_lambdas: int = 100,
    eps: float = 1e-4,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    refine: bool = True,
) -> SparseSummary:
    """Say which variables matter: a sparse summary of a regression posterior.

    Parameters
    ----------
    posterior : arviz.InferenceData or xarray.DataTree
        What :func:`bayesreg.sample_posterior` returns (either ArviZ version): needs ``beta``
        (chain, draw, feature); ``"dss"`` also the noise scale (``sigma`` draws, or a fixed
        ``constant_data["sigma"]``); ``"kappa"`` a horseshoe posterior (``tau``, ``lam_local``;
        a regularised horseshoe's also ``c`` and the noise scale).
        ``intercept``, when present, means the model had one: the design is then centred.
    X : array_like of shape (n, p), optional
        The design the summary predicts at (by default the posterior's ``constant_data["X"]``).
        Its width must be the posterior's number of features.
    method : {"dss", "interval", "kappa"}, default="dss"
        Decoupled shrinkage and selection, credible-interval selection, or horseshoe
        shrinkage-factor selection (see the module docstring for the formulas). ``"dss"`` and
        ``"kappa"`` are defined for the linear model only; a GLM posterior (its
        ``posterior.attrs["family"]`` is not ``"gaussian"``) takes ``"interval"``, and the others
        are refused with a ValueError saying so.
    level : float in (0, 1), optional
        ``"dss"``: probability of the bands of the variance explained (default 0.9);
        ``"interval"``: of the central credible intervals (default 0.95); ``"kappa"``: of the bands
        of the shrinkage factors (default 0.9).
    interval : {"hdi", "equal-tailed"}, default="hdi"
        Kind of band for ``"dss"`` and ``"kappa"`` (narrowest, as the reference implementation of
        DSS, or central).
    threshold : float in (0, 1), default=0.5
        ``"kappa"``: select where the posterior mean shrinkage factor is below it.
    n_lambdas : int, default=100
        ``"dss"``: penalties on the log grid from the smallest penalty with an empty summary down
        to ``eps`` times it; sizes the grid steps over are then found by bisection (``refine``).
    eps : float in (0, 1), default=1e-4
    tol : float, default=1e-10
        Duality-gap tolerance of the lasso solver (relative: ``gap <= tol * ||X beta_bar||^2 / n``).
    max_iter : int, default=100000
        Coordinate-descent sweeps per penalty.
    refine : bool, default=True
        ``"dss"``: bisect for model sizes the grid stepped over.

    Returns
    -------
    SparseSummary
        ``selected``, ``coef``, the per-size (``"dss"``) or per-feature table, the chosen size,
        the full model's band and the solver's certificate.

    Raises
    ------
    ValueError
        An unknown ``method`` or ``interval``, a ``level`` or ``threshold`` outside (0, 1), an
        ``X`` whose width differs from the posterior's, a posterior without the variables the
        method needs; all before any solver work.
    TypeError
        ``posterior`` is not a posterior container.

    References
    ----------
    Hahn, P. R. and Carvalho, C. M. (2015). Decoupling shrinkage and selection in Bayesian linear
    models: a posterior summary perspective. JASA 110(509), 435-448.
    Carvalho, C. M., Polson, N. G. and Scott, J. G. (2010). The horseshoe estimator for sparse
    signals. Biometrika 97(2), 465-480.
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {list(_METHODS)}; got {type(method).__name__}")
    method = check_choice(method, "method", _METHODS)
    interval = check_choice(interval, "interval", ("hdi", "equal-tailed"))
    level = _DEFAULT_LEVEL[method] if level is None else level
    level = check_scalar(level, "level", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    threshold = check_scalar(threshold, "threshold", lower=0.0, upper=1.0, lower_inclusive=False,
                             upper_inclusive=False)  # fmt: skip
    n_lambdas = check_scalar(n_lambdas, "n_lambdas", lower=2, integer=True)
    eps = check_scalar(eps, "eps", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    tol = check_scalar(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", lower=1, integer=True)
    if not isinstance(refine, bool | np.bool_):
        raise TypeError(f"refine must be True or False; got {refine!r}")
    d = _read_posterior(posterior, X, method)
    if method == "dss":
        return _dss(d, level, interval, n_lambdas, eps, tol, max_iter, bool(refine))
    if method == "interval":
        return _interval(d, level)
    return _kappa(d, level, interval, threshold)


def dss_figure_data(summary: SparseSummary) -> dict:
    """What a DSS figure draws: variance explained per model size, with the full model's band.

    Parameters
    ----------
    summary : SparseSummary
        A ``method="dss"`` summary.

    Returns
    -------
    dict
        ``size`` (ndarray, x axis: model sizes along the path), ``rho2_mean``, ``rho2_low``,
        ``rho2_high`` (ndarrays: a point and an error bar per size), ``full_mean``, ``full_low``,
        ``full_high`` (floats: a horizontal line and a shaded band across the plot, the full
        model's posterior mean and band), ``chosen_size`` (int: a marker or vertical line),
        ``support`` (tuple of the variables at each size, for labels), ``level`` and ``interval``
        (for the legend, e.g. "90% hdi"), ``ylabel`` (the y axis' label).
    """
    if not isinstance(summary, SparseSummary) or summary.method != "dss":
        got = summary.method if isinstance(summary, SparseSummary) else type(summary).__name__
        raise ValueError(f"summary must be a SparseSummary from method='dss'; got {got!r}")
    t = summary.table
    return {
        "size": t["size"].to_numpy(),
        "rho2_mean": t["rho2_mean"].to_numpy(),
        "rho2_low": t["rho2_low"].to_numpy(),
        "rho2_high": t["rho2_high"].to_numpy(),
        "full_mean": summary.full["rho2_mean"],
        "full_low": summary.full["rho2_low"],
        "full_high": summary.full["rho2_high"],
        "chosen_size": summary.chosen_size,
        "support": tuple(t["support"]),
        "level": summary.level,
        "interval": summary.interval,
        "ylabel": "variance explained, the summary's distance as noise (rho^2)",
    }
