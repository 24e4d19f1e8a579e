"""The one posterior builder: every sampler's draws become the same container here.

The exact conjugate posterior, the Gibbs samplers and NUTS/nutpie all hand their draws to
:func:`build_posterior`, which owns

- the variable names and dims: ``beta`` (and every other per-feature variable) on ``feature``,
  ``intercept``, ``sigma`` and the hyperparameters by name, each ``(chain, draw, ...)``;
- the data groups: ``observed_data`` (``y``) and ``constant_data`` (``X``) when rows are given;
- the one pointwise log-likelihood formula (:func:`pointwise_log_likelihood`) and the posterior
  predictive draws;
- the sampling diagnostics (divergences, largest R-hat, smallest bulk and tail ESS), computed
  once by :mod:`bayesreg.diagnostics`, stored in ``posterior.attrs`` and warned about.

Groups are built as xarray Datasets; the container type (ArviZ's) comes from the upstream
adapter, so a change of ArviZ version is not seen here.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "LOG_LIKELIHOOD_AUTO_MAX", "add_log_likelihood", "build_posterior", "check_draws_memory", "hdi_from_draws",
    "normal_mixture_quantiles", "pointwise_log_likelihood", "resolve_log_likelihood",
]  # fmt: skip

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)

#: ``log_likelihood="auto"`` (the default) stores the pointwise log-likelihood when it has at most
#: this many values, ``n x chains x draws`` (25 million float64: 200 MB); above, it is left out
#: and :func:`add_log_likelihood` adds it on request.
LOG_LIKELIHOOD_AUTO_MAX = 25_000_000


def resolve_log_likelihood(log_likelihood, *, n: int | None, chains: int, draws: int) -> bool:
    """Whether the pointwise log-likelihood is stored: the one home of that rule.

    Parameters
    ----------
    log_likelihood : {"auto", True, False} or None
        ``True``: always (needs the rows). ``False``: never. ``"auto"`` (or None): when the rows
        are given and ``n * chains * draws <= LOG_LIKELIHOOD_AUTO_MAX``.
    n : int or None
        Rows (None: only sufficient statistics, no rows).
    chains, draws : int

    Raises
    ------
    ValueError
        For another value, or ``True`` without rows.
    """
    if log_likelihood is None or (isinstance(log_likelihood, str) and log_likelihood == "auto"):
        return n is not None and n * chains * draws <= LOG_LIKELIHOOD_AUTO_MAX
    if not isinstance(log_likelihood, bool | np.bool_):
        raise ValueError(f"log_likelihood must be 'auto', True or False; got {log_likelihood!r}")
    if log_likelihood and n is None:
        raise ValueError("log_likelihood=True needs the rows (X, y); a SufficientStats has none")
    return bool(log_likelihood)


def _log_likelihood_note(n: int, chains: int, draws: int) -> str:
    values = n * chains * draws
    return (f"not stored: n x chains x draws = {values:.3g} values ({values * 8 / 1e9:.3g} GB) is above "
            f"log_likelihood='auto''s limit of {LOG_LIKELIHOOD_AUTO_MAX:.3g}; add it with "
            "bayesreg.add_log_likelihood(posterior) (then az.loo), or sample with log_likelihood=True")  # fmt: skip


def check_draws_memory(*, draws: int, chains: int, per_draw: int, tune_kept: int = 0) -> None:
    """Refuse, before any work, draws that could not be held in this machine's memory.

    Parameters
    ----------
    draws, chains : int
    per_draw : int
        float64 values stored per draw and chain (coefficients, hyperparameters, and the
        pointwise log-likelihood's ``n`` when it is stored).
    tune_kept : int
        Tuning iterations the sampler keeps in memory while it runs (PyMC's NUTS records them).

    Raises
    ------
    ValueError
        Naming ``draws`` (and ``chains``), the memory the draws need and the memory there is.
    """
    need = 8.0 * chains * (draws + tune_kept) * per_draw
    have = _physical_memory()
    if have is not None and need > have:
        tune = f" plus tune={tune_kept}" if tune_kept else ""
        raise ValueError(
            f"draws={draws}{tune} with chains={chains} would need {need / 1e9:.3g} GB to store "
            f"({per_draw} float64 values per draw and chain), more than this machine's {have / 1e9:.3g} GB of memory: "
            "lower draws= (or chains=)"
        )


def _physical_memory() -> float | None:
    """Bytes of physical memory, where the platform says (None otherwise)."""
    import os

    try:
        return float(os.sysconf("SC_PAGE_SIZE")) * float(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - platforms without sysconf
        return None


def pointwise_log_likelihood(X, y, beta, intercept, sigma, *, chunk: int = 256, progressbar: bool = False):
    """``log N(y_i | b0 + x_i beta, sigma^2)`` for every draw: shape ``(chain, draw, n)``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
    beta : ndarray of shape (chain, draw, p)
    intercept, sigma : ndarray of shape (chain, draw) or float
    chunk : int
        Draws per block (bounds the temporary memory).
    progressbar : bool, default=False
        Show progress (blocks of draws) once the computation has lasted a second.
    """
    from ._progress import Progress
    from .suffstats import require_rows

    require_rows(X, "the pointwise log-likelihood")
    c, d, p = beta.shape
    n = X.shape[0]
    b = beta.reshape(c * d, p)
    b0 = np.broadcast_to(np.asarray(intercept, dtype=np.float64), (c, d)).reshape(-1)
    sd = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (c, d)).reshape(-1)
    out = np.empty((c * d, n))
    with Progress("pointwise log-likelihood", c * d, progressbar, unit="draws") as bar:
        for start in range(0, c * d, chunk):
            sl = slice(start, start + chunk)
            z = (y[None, :] - b0[sl, None] - b[sl] @ X.T) / sd[sl, None]
            out[sl] = -_LOG_SQRT_2PI - np.log(sd[sl, None]) - 0.5 * z * z
            bar.update(min(start + chunk, c * d))
    return out.reshape(c, d, n)


def hdi_from_draws(draws: np.ndarray, hdi_prob: float = 0.94) -> np.ndarray:
    """Narrowest intervals holding ``hdi_prob`` of the draws, column by column.

    The same estimator as ArviZ's ``hdi`` for unimodal marginals: of the ``m - k`` windows of
    ``k = floor(hdi_prob * m)`` consecutive sorted draws, the shortest.

    Parameters
    ----------
    draws : ndarray of shape (m, p)
        Draws (rows) of ``p`` quantities.
    hdi_prob : float, default=0.94

    Returns
    -------
    ndarray of shape (p, 2)
        Lower and upper ends.
    """
    x = np.sort(np.asarray(draws, dtype=np.float64), axis=0)
    m = x.shape[0]
    k = int(np.floor(hdi_prob * m))
    if k < 1 or k >= m:
        return np.column_stack([x[0], x[-1]])
    width = x[k:] - x[: m - k]
    i = np.argmin(width, axis=0)
    cols = np.arange(x.shape[1])
    return np.column_stack([x[i, cols], x[i + k, cols]])


def normal_mixture_quantiles(f, s, probs, *, tol: float = 1e-10) -> np.ndarray:
    """Quantiles of the equal mixture of ``N(f[i, d], s[d]^2)`` over draws ``d``, row by row.

    The posterior predictive distribution of a new ``y`` at row ``i`` given posterior draws of
    the regression function ``f[i, d] = b0_d + x_i beta_d`` and of the noise sd ``s_d``: its
    quantile ``q`` solves ``mean_d Phi((q - f[i, d]) / s[d]) = prob``. Solved by bisection, to
    ``tol`` times the spread of the mixture; no Monte Carlo noise beyond that of the draws.

    Parameters
    ----------
    f : ndarray of shape (rows, draws)
    s : float or ndarray of shape (draws,)
        Positive.
    probs : sequence of float in (0, 1)
    tol : float
        Relative accuracy of the bisection.

    Returns
    -------
    ndarray of shape (rows, len(probs))
    """
    from scipy.special import ndtr, ndtri

    f = np.asarray(f, dtype=np.float64)
    s = np.broadcast_to(np.asarray(s, dtype=np.float64), (f.shape[1],))
    smax = float(s.max())
    out = np.empty((f.shape[0], len(probs)))
    for k, prob in enumerate(probs):
        # the mixture's quantile lies within the extreme components' quantiles
        z = abs(float(ndtri(prob))) + 1.0
        lo = f.min(axis=1) - z * smax
        hi = f.max(axis=1) + z * smax
        width = hi - lo
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            below = ndtr((mid[:, None] - f) / s[None, :]).mean(axis=1) < prob
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
            if np.all(hi - lo <= tol * width):
                break
        out[:, k] = 0.5 * (lo + hi)
    return out


def poisson_mixture_quantiles(mu, probs) -> np.ndarray:
    """Quantiles of the equal mixture of ``Poisson(mu[i, d])`` over draws ``d``, row by row (exact).

    The posterior predictive distribution of a new count at row ``i`` given posterior draws of
    its rate ``mu[i, d]``: its quantile at ``prob`` is the smallest integer ``k`` with
    ``mean_d P(Poisson(mu[i, d]) <= k) >= prob``, found by bisection over the integers between the
    extreme components' quantiles (the mixture's lies between them). Computed from the mixture's
    CDF, no simulation: the only Monte Carlo error is that of the draws themselves.

    Parameters
    ----------
    mu : ndarray of shape (rows, draws)
        Finite, non-negative rates.
    probs : sequence of float in (0, 1)

    Returns
    -------
    ndarray of shape (rows, len(probs))
        Integer-valued floats.
    """
    from scipy.special import pdtr
    from scipy.stats import poisson

    mu = np.asarray(mu, dtype=np.float64)
    out = np.empty((mu.shape[0], len(probs)))
    for j, prob in enumerate(probs):
        comp = poisson.ppf(prob, mu)  # each component's quantile
        lo = comp.min(axis=1)  # F(lo - 1) < prob: every component is below prob there
        hi = comp.max(axis=1)  # F(hi) >= prob
        while np.any(hi > lo):
            mid = np.floor(0.5 * (lo + hi))
            ok = pdtr(mid[:, None], mu).mean(axis=1) >= prob
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid + 1.0)
        out[:, j] = lo
    return out


def _linear_predictor(X, post, fit_intercept: bool) -> np.ndarray:
    """``b0 + X beta`` for every draw: shape ``(chain, draw, n)``."""
    beta = post["beta"].values
    c, d, p = beta.shape
    eta = (beta.reshape(c * d, p) @ X.T).reshape(c, d, X.shape[0])
    if fit_intercept:
        eta = eta + post["intercept"].values[..., None]
    return eta


def _dataset(values, feature_names, p: int):
    """A Dataset of ``(chain, draw, ...)`` arrays; a trailing axis of length ``p`` is ``feature``."""
    import xarray as xr

    if hasattr(values, "data_vars"):
        if not isinstance(values, xr.Dataset):  # a DataTree node (PyMC >= 6 returns DataTrees)
            values = values.to_dataset()
        return values[[v for v in values.data_vars if not str(v).endswith("__")]]
    data_vars = {}
    coords = {}
    for name, arr in values.items():
        arr = np.asarray(arr)
        dims = ["chain", "draw"]
        if arr.ndim == 3 and arr.shape[2] == p:
            dims.append("feature")
            coords["feature"] = list(feature_names)
        elif arr.ndim > 2:
            dims += [f"{name}_dim_{k}" for k in range(arr.ndim - 2)]
        data_vars[name] = (dims, arr)
        coords.setdefault("chain", np.arange(arr.shape[0]))
        coords.setdefault("draw", np.arange(arr.shape[1]))
    return xr.Dataset(data_vars, coords=coords)


def _log_likelihood_group(X, y, post, fit_intercept, sigma, family, trials, progressbar=False):
    """The ``log_likelihood`` group: ``y`` ``(chain, draw, obs)``, Gaussian or the GLM family's."""
    import xarray as xr

    obs = np.arange(X.shape[0])
    cd = {"chain": post.coords["chain"].values, "draw": post.coords["draw"].values, "obs": obs}
    if family is not None and family.name != "gaussian":
        ll = -family.nll(y[None, None, :], _linear_predictor(X, post, fit_intercept), trials)
    else:
        intercept = post["intercept"].values if fit_intercept else 0.0
        sig = post["sigma"].values if "sigma" in post else float(sigma)
        ll = pointwise_log_likelihood(X, y, post["beta"].values, intercept, sig, progressbar=progressbar)
    return xr.Dataset({"y": (("chain", "draw", "obs"), ll)}, coords=cd)


def add_log_likelihood(posterior, *, progressbar: bool = True):
    """The posterior with its pointwise log-likelihood group added (for ``az.loo`` / ``az.compare``).

    ``sample_posterior`` stores the group by default only when it is small
    (``n x chains x draws <= LOG_LIKELIHOOD_AUTO_MAX``, 25 million values, 200 MB; see
    ``posterior.posterior.attrs["log_likelihood"]`` when it was left out). This computes it from
    the stored rows and draws, in blocks of draws, with the same formula as at sampling time:
    ``az.loo(bayesreg.add_log_likelihood(posterior))``.

    Parameters
    ----------
    posterior : arviz.InferenceData or xarray.DataTree
        A posterior of :func:`bayesreg.sample_posterior` (or the estimators), sampled with the rows
        (``constant_data`` holds ``X``, ``observed_data`` ``y``).
    progressbar : bool, default=True
        Show progress once the computation has lasted a second.

    Returns
    -------
    arviz.InferenceData or xarray.DataTree
        A new container with the same groups (shared, not copied) plus ``log_likelihood``
        (``y``, ``(chain, draw, obs)``). The posterior passed in is not modified.

    Raises
    ------
    ValueError
        When the posterior has no rows (sampled from a SufficientStats).
    """
    from ._upstream import group_dataset, group_names, has_group, make_posterior_data
    from .families import family as parse_family

    if not (has_group(posterior, "constant_data") and has_group(posterior, "observed_data")):
        raise ValueError("posterior has no rows (constant_data X, observed_data y): the pointwise log-likelihood "
                         "needs them; sample from (X, y), not a SufficientStats")  # fmt: skip
    groups = {g: group_dataset(posterior, g) for g in group_names(posterior)}
    post, const = groups["posterior"], groups["constant_data"]
    X = np.asarray(const["X"].values, dtype=np.float64)
    y = np.asarray(groups["observed_data"]["y"].values, dtype=np.float64)
    fam = parse_family(post.attrs.get("family", "gaussian"))
    trials = np.asarray(const["trials"].values) if "trials" in const else None
    sigma = float(const["sigma"].values) if "sigma" in const else None
    groups["log_likelihood"] = _log_likelihood_group(X, y, post, "intercept" in post, sigma, fam, trials,
                                                     progressbar=progressbar)  # fmt: skip
    attrs = {k: v for k, v in post.attrs.items() if k != "log_likelihood"}
    groups["posterior"] = post.copy(deep=False)
    groups["posterior"].attrs = {}
    return make_posterior_data(groups, attrs=attrs)


def build_posterior(
    posterior,
    *,
    feature_names,
    X=None,
    y=None,
    fit_intercept: bool = True,
    sigma=None,
    sample_stats=None,
    log_likelihood: bool | str | None = False,
    posterior_predictive: bool = False,
    rng=None,
    attrs=None,
    check: bool = False,
    family=None,
    trials=None,
):
    """Assemble the posterior container of the package from a sampler's draws.

    Parameters
    ----------
    posterior : dict of ndarray or xarray.Dataset
        Draws ``(chain, draw, ...)``: ``beta`` (required), ``intercept`` when fitted, ``sigma``
        when sampled, hyperparameters by name. Variables ending in ``__`` are dropped.
    feature_names : list of str
    X, y : ndarray, optional
        The rows: add ``observed_data``, ``constant_data`` and the groups below.
    fit_intercept : bool, default=True
        Whether ``intercept`` is in ``posterior`` (otherwise it is zero).
    sigma : float, optional
        The fixed noise scale when ``sigma`` is not among the draws.
    sample_stats : dict of ndarray or xarray.Dataset, optional
    log_likelihood : {"auto", True, False} or None
        Add the pointwise log-likelihood of ``y`` (needs the rows): as
        :func:`resolve_log_likelihood` decides (``"auto"``/None: when
        ``n x chains x draws <= LOG_LIKELIHOOD_AUTO_MAX``; when it is left out by that rule,
        ``posterior.attrs["log_likelihood"]`` says so and how to add it).
    posterior_predictive : bool
        Add replicated ``y`` (needs the rows).
    rng : numpy.random.Generator, optional
        Source of the posterior predictive draws.
    attrs : dict, optional
        Attributes of the posterior group.
    check : bool, default=False
        Warn (:class:`~bayesreg.SamplingWarning`) on divergences, R-hat above 1.01, low ESS, a
        single chain or too few draws. The diagnostics are computed and stored in
        ``posterior.attrs`` whatever ``check`` is (:func:`bayesreg.diagnostics.summary_attrs`:
        chains, draws, divergences, largest R-hat, smallest bulk and tail ESS, largest relative
        MCSE, ``diagnostics_ok`` and what went unchecked).
    family : Family, optional
        The likelihood (:mod:`bayesreg.families`); default Gaussian. For a GLM the pointwise
        log-likelihood is ``-family.nll`` at the linear predictor and the replicated ``y`` are
        the family's draws (there is no sigma).
    trials : ndarray, optional
        Binomial trials per row.

    Returns
    -------
    arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
    """
    import xarray as xr

    from ._upstream import make_posterior_data

    names = list(feature_names)
    p = len(names)
    post = _dataset(posterior, names, p)
    groups = {"posterior": post}
    if sample_stats is not None:
        groups["sample_stats"] = _dataset(sample_stats, names, p)
    if X is not None:
        obs = np.arange(X.shape[0])
        groups["observed_data"] = xr.Dataset({"y": (("obs",), y)}, coords={"obs": obs})
        constant = {"X": (("obs", "feature"), X)}
        if sigma is not None and "sigma" not in post:
            constant["sigma"] = ((), np.float64(sigma))  # a fixed sigma is data, as pm.Data("sigma") for NUTS
        if trials is not None:
            constant["trials"] = (("obs",), np.broadcast_to(np.asarray(trials, dtype=np.float64), (X.shape[0],)))
        groups["constant_data"] = xr.Dataset(constant, coords={"obs": obs, "feature": names})
        chains, draws = int(post.sizes["chain"]), int(post.sizes["draw"])
        keep_ll = resolve_log_likelihood(log_likelihood, n=X.shape[0], chains=chains, draws=draws)
        if not keep_ll and (log_likelihood is None or isinstance(log_likelihood, str)):
            attrs = {**(attrs or {}), "log_likelihood": _log_likelihood_note(X.shape[0], chains, draws)}
        if keep_ll:
            groups["log_likelihood"] = _log_likelihood_group(X, y, post, fit_intercept, sigma, family, trials)
        if posterior_predictive:
            glm = family is not None and family.name != "gaussian"
            cd = {"chain": post.coords["chain"].values, "draw": post.coords["draw"].values, "obs": obs}
            eta = _linear_predictor(X, post, fit_intercept)
            if glm:
                yrep = family.draw(eta, trials, np.random.default_rng(rng))
            else:
                sig = post["sigma"].values if "sigma" in post else float(sigma)
                sd = np.broadcast_to(np.asarray(sig, dtype=np.float64), eta.shape[:2])[..., None]
                yrep = eta + sd * np.random.default_rng(rng).standard_normal(eta.shape)
            groups["posterior_predictive"] = xr.Dataset({"y": (("chain", "draw", "obs"), yrep)}, coords=cd)
    elif log_likelihood is True or posterior_predictive:  # pragma: no cover - callers check first
        raise ValueError("the log-likelihood and posterior predictive groups need the rows (X, y)")
    idata = make_posterior_data(groups, attrs=attrs)
    from .diagnostics import sampling_summary, summary_attrs, warn_sampling

    sampler = (attrs or {}).get("sampler", "")
    s = sampling_summary(idata, mcmc=sampler != "exact")  # independent draws need no R-hat
    idata.posterior.attrs.update(summary_attrs(s))  # the node itself (a DataTree node on ArviZ >= 1)
    if check:
        warn_sampling(s, sampler)
    return idata
