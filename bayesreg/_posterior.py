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

__all__ = ["build_posterior", "hdi_from_draws", "normal_mixture_quantiles", "pointwise_log_likelihood"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def pointwise_log_likelihood(X, y, beta, intercept, sigma, *, chunk: int = 256) -> np.ndarray:
    """``log N(y_i | b0 + x_i beta, sigma^2)`` for every draw: shape ``(chain, draw, n)``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
    beta : ndarray of shape (chain, draw, p)
    intercept, sigma : ndarray of shape (chain, draw) or float
    chunk : int
        Draws per block (bounds the temporary memory).
    """
    from .suffstats import require_rows

    require_rows(X, "the pointwise log-likelihood")
    c, d, p = beta.shape
    n = X.shape[0]
    b = beta.reshape(c * d, p)
    b0 = np.broadcast_to(np.asarray(intercept, dtype=np.float64), (c, d)).reshape(-1)
    sd = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (c, d)).reshape(-1)
    out = np.empty((c * d, n))
    for start in range(0, c * d, chunk):
        sl = slice(start, start + chunk)
        z = (y[None, :] - b0[sl, None] - b[sl] @ X.T) / sd[sl, None]
        out[sl] = -_LOG_SQRT_2PI - np.log(sd[sl, None]) - 0.5 * z * z
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


def build_posterior(
    posterior,
    *,
    feature_names,
    X=None,
    y=None,
    fit_intercept: bool = True,
    sigma=None,
    sample_stats=None,
    log_likelihood: bool = False,
    posterior_predictive: bool = False,
    rng=None,
    attrs=None,
    check: bool = False,
    stacklevel: int = 3,
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
    log_likelihood, posterior_predictive : bool
        Add the pointwise log-likelihood of ``y`` / replicated ``y`` (need the rows).
    rng : numpy.random.Generator, optional
        Source of the posterior predictive draws.
    attrs : dict, optional
        Attributes of the posterior group.
    check : bool, default=False
        Compute the sampling diagnostics, store them in ``posterior.attrs``
        (:func:`bayesreg.diagnostics.summary_attrs`: chains, draws, divergences, largest R-hat,
        smallest bulk and tail ESS, largest relative MCSE, ``diagnostics_ok`` and what went
        unchecked) and warn (:class:`~bayesreg.SamplingWarning`) on divergences, R-hat above
        1.01, low ESS, a single chain or too few draws.
    stacklevel : int, default=3
        Of those warnings.
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
        groups["constant_data"] = xr.Dataset(constant, coords={"obs": obs, "feature": names})
        glm = family is not None and family.name != "gaussian"
        if (log_likelihood or posterior_predictive) and glm:
            cd = {"chain": post.coords["chain"].values, "draw": post.coords["draw"].values, "obs": obs}
            eta = _linear_predictor(X, post, fit_intercept)
            if log_likelihood:
                ll = -family.nll(y[None, None, :], eta, trials)
                groups["log_likelihood"] = xr.Dataset({"y": (("chain", "draw", "obs"), ll)}, coords=cd)
            if posterior_predictive:
                yrep = family.draw(eta, trials, np.random.default_rng(rng))
                groups["posterior_predictive"] = xr.Dataset({"y": (("chain", "draw", "obs"), yrep)}, coords=cd)
        elif log_likelihood or posterior_predictive:
            beta = post["beta"].values
            intercept = post["intercept"].values if fit_intercept else 0.0
            sig = post["sigma"].values if "sigma" in post else float(sigma)
            cd = {"chain": post.coords["chain"].values, "draw": post.coords["draw"].values, "obs": obs}
            if log_likelihood:
                ll = pointwise_log_likelihood(X, y, beta, intercept, sig)
                groups["log_likelihood"] = xr.Dataset({"y": (("chain", "draw", "obs"), ll)}, coords=cd)
            if posterior_predictive:
                c, d, _ = beta.shape
                mu = _linear_predictor(X, post, fit_intercept)
                sd = np.broadcast_to(np.asarray(sig, dtype=np.float64), (c, d))[..., None]
                yrep = mu + sd * np.random.default_rng(rng).standard_normal(mu.shape)
                groups["posterior_predictive"] = xr.Dataset({"y": (("chain", "draw", "obs"), yrep)}, coords=cd)
    elif log_likelihood or posterior_predictive:  # pragma: no cover - callers check first
        raise ValueError("the log-likelihood and posterior predictive groups need the rows (X, y)")
    idata = make_posterior_data(groups, attrs=attrs)
    if check:
        from .diagnostics import check_sampling, summary_attrs

        mcmc = (attrs or {}).get("sampler") != "exact"  # independent draws need no R-hat
        s = check_sampling(idata, mcmc=mcmc, stacklevel=stacklevel + 1)
        idata.posterior.attrs.update(summary_attrs(s))  # the node itself (a DataTree node on ArviZ >= 1)
    return idata
