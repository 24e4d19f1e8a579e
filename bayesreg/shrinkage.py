r"""Shrinkage along the prior scale: the MAP (a regularisation path) beside the posterior.

For each prior scale on a grid (the Laplace scale ``b`` or the Gaussian sd ``tau``) and a fixed
noise sd ``sigma``:

- the **MAP** is the penalised fit at the mapped penalty: a lasso path over
  ``alpha = sigma^2 / (n b)`` (scikit-learn ``Lasso`` convention) for the Laplace prior, a ridge
  path over ``alpha = sigma^2 / tau^2`` (scikit-learn ``Ridge`` convention) for the Gaussian prior,
  both from the package's warm-started/one-SVD path solvers;
- the **posterior** mean, median, sd and HDI of every coefficient: in closed form for the Gaussian
  prior (:func:`bayesreg.exact_posterior`, where mean = median = MAP), by Gibbs sampling for the
  Laplace prior (:func:`bayesreg.samplers.sample_gibbs`; ``sampler="nuts"`` goes through
  :func:`bayesreg.sample_posterior`).

The Laplace MAP has exact zeros; its posterior mean never has: showing both, scale by scale,
is the point of the table.

**GLMs** (``family="bernoulli" | "binomial" | "poisson"``, no sigma): the MAP is the penalised
GLM fit (:func:`bayesreg.solvers.glm_path` for the Laplace prior, :func:`bayesreg.solvers.glm_fit`
per scale for the Gaussian), the posterior is sampled for both priors (Polya-Gamma Gibbs for
logistic and binomial regression, NUTS for Poisson); ``alpha`` is then the penalty weight on
the mean loss, ``1/(n b)`` or ``1/(n tau^2)``.

**Per-coefficient scales** (``prior_family=Laplace([b_j])`` or ``Gaussian([tau_j])``, ``inf`` =
unpenalised): the grid varies the common scale with the relative factors :math:`c_j` of
:meth:`bayesreg.priors.Prior.split` held fixed. A grid value ``s`` is the prior with the scales
``s * c_j``; ``scale`` and ``alpha`` in the table are the common scale's (``alpha`` is the lasso or
ridge alpha on the rescaled columns :math:`c_j x_j`; the penalty on :math:`|\beta_j|` is
``alpha / c_j``, on :math:`\beta_j^2` ``alpha / c_j^2``). The MAP path runs on the common-scale
working model of :func:`bayesreg.design.reweight` and is mapped back (unpenalised coefficients at
their conditional modes); the posteriors are those of the vector prior at each grid point
(exact: :func:`bayesreg.exact_posterior`; sampled: the samplers' reweighted run). A GLM takes
finite scales only.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._posterior import hdi_from_draws
from ._progress import Progress
from ._validation import check_choice, check_positive, check_scalar, check_vector
from ._warnings import warn
from .conjugate import _gram, _mapped_posterior, _posterior_from_gram, _z
from .design import reweight
from .exceptions import SamplingWarning
from .families import family as parse_family
from .hyperparameters import _family
from .mapping import gaussian_scale, laplace_scale, lasso_alpha, prior_to_penalty, ridge_alpha
from .priors import Gaussian, Laplace, check_scale
from .sampling import GRID_SAMPLER_NAMES

__all__ = ["shrinkage_table", "hdi_from_draws"]

COLUMNS = ["scale", "alpha", "feature", "map", "mean", "median", "sd", "hdi_low", "hdi_high", "mcse_mean"]


def _default_scales(family: str, g, sigma: float, n_scales: int) -> np.ndarray:
    if family == "laplace":
        # lasso alpha from alpha_max (all zero) down to 1e-3 alpha_max, mapped to b = sigma^2/(n alpha)
        amax = float(np.max(np.abs(g.q))) / g.n
        if amax <= 0.0:
            raise ValueError("X^T y is zero: every lasso solution is 0, give scales explicitly")
        alphas = amax * np.logspace(0.0, -3.0, n_scales)
        return np.sort([laplace_scale(a, sigma=sigma, n_samples=g.n) for a in alphas])
    # ridge alpha sigma^2/tau^2 over 1e-3 .. 1e3 times the mean eigenvalue of X_c^T X_c
    emean = float(np.trace(g.G)) / g.p
    if emean <= 0.0:
        raise ValueError("X has constant columns only: give scales explicitly")
    alphas = emean * np.logspace(3.0, -3.0, n_scales)
    return np.sort([gaussian_scale(a, sigma=sigma) for a in alphas])


def shrinkage_table(
    X,
    y=None,
    prior_family="laplace",
    scales=None,
    *,
    sigma: float | None = None,
    draws: int = 1000,
    tune: int = 500,
    chains: int = 2,
    random_seed=None,
    hdi_prob: float = 0.94,
    fit_intercept: bool = True,
    feature_names=None,
    n_scales: int = 20,
    sampler: str = "auto",
    tol: float = 1e-10,
    progressbar: bool = True,
    output: str = "dataframe",
    family=None,
    trials=None,
):
    r"""MAP, posterior mean, median and HDI of every coefficient over a grid of prior scales.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas.DataFrame or SufficientStats
        Design matrix (a SufficientStats, with ``y`` omitted, is enough for both families).
    y : array_like of shape (n,), optional
        Target.
    prior_family : {"laplace", "gaussian"}, or a Laplace or Gaussian prior or class
        The prior family; ``scales`` are its scale parameter (Laplace ``b``, Gaussian ``tau``;
        a Park-Casella ``lambda`` corresponds to ``b = sigma / lambda``). A prior with
        per-coefficient scales gives its relative factors ``c_j``, held fixed: ``scales`` are then
        the common scale, the prior at ``s`` has the scales ``s * c_j`` (module docstring).
    scales : array_like of positive floats, optional
        The prior scales (default: ``n_scales`` values spanning the interesting range: for the
        Laplace prior, lasso alphas from ``alpha_max`` to ``1e-3 alpha_max``; for the Gaussian,
        ridge alphas from 1e3 to 1e-3 times the mean eigenvalue of ``X_c^T X_c``; both on the
        rescaled columns with per-coefficient scales).
    sigma : float
        Fixed noise sd (the MAP equals the penalised fit only for a fixed sigma). Required for
        the linear model; a GLM has none.
    draws, tune, chains : int
        Gibbs draws per chain, burn-in, chains (Laplace only).
    random_seed : int or numpy SeedSequence, optional
        One seed for the whole table (each scale gets its own spawned stream).
    hdi_prob : float, default=0.94
    fit_intercept : bool, default=True
    feature_names : sequence of str, optional
    n_scales : int, default=20
        Length of the default grid.
    sampler : {"auto", "gibbs", "nuts"}, default="auto"
        Sampler of the posteriors that are not in closed form (``"auto"``: Gibbs where it
        applies, else NUTS; :func:`bayesreg.sampling.resolve_sampler`).
    tol : float, default=1e-10
        Relative duality-gap tolerance of the lasso path (MAP).
    progressbar : bool, default=True
        One progress line over the grid (the scale being sampled), shown once the table has
        taken a second.
    output : {"dataframe", "dataset"}, default="dataframe"
        A tidy pandas DataFrame, or an xarray Dataset with dims ``(scale, feature)``.
    family : {"gaussian", "bernoulli", "binomial", "poisson"}, optional
        The likelihood (default Gaussian: the linear model); see the module docstring.
    trials : int or array_like, optional
        Binomial trials per row.

    Returns
    -------
    pandas.DataFrame or xarray.Dataset
        One row per (scale, feature), sorted by scale then feature order, with columns ``scale``,
        ``alpha`` (scikit-learn convention: ``Lasso`` alpha for the Laplace prior, ``Ridge`` alpha
        for the Gaussian), ``feature``, ``map``, ``mean``, ``median``, ``sd``, ``hdi_low``,
        ``hdi_high`` and ``mcse_mean`` (Monte Carlo standard error of ``mean``; 0 when exact).
        ``attrs`` records the family, sigma, draws, chains and hdi_prob (and, with
        per-coefficient scales, ``factors``: the fixed relative factors, ``inf`` = unpenalised).
    """
    import pandas as pd

    pfam, start = _family(prior_family)
    factors = start.split()[1] if start is not None and start.per_coefficient else None
    hdi_prob = check_scalar(hdi_prob, "hdi_prob", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    draws = check_scalar(draws, "draws", lower=1, integer=True)
    tune = check_scalar(tune, "tune", lower=0, integer=True)
    chains = check_scalar(chains, "chains", lower=1, integer=True)
    n_scales = check_scalar(n_scales, "n_scales", lower=1, integer=True)
    tol = check_positive(tol, "tol")
    check_choice(sampler, "sampler", GRID_SAMPLER_NAMES)
    check_choice(output, "output", ("dataframe", "dataset"))
    lik = parse_family(family) if family is not None else getattr(X, "family", parse_family("gaussian"))
    if lik.name != "gaussian":
        from .design import prepare_data
        from .families import check_glm_arguments

        g = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names, family=lik, trials=trials)
        check_glm_arguments(g, Laplace(1.0) if pfam == "laplace" else Gaussian(1.0), sigma)
        rw = _reweighting(g, start, factors)
        grid = _glm_scales(pfam, g if rw is None else rw.working, n_scales) if scales is None else _check_scales(scales)
        block = _glm_rows(pfam, g, grid, hdi_prob, draws, tune, chains, random_seed, tol, sampler, progressbar, rw)
    else:
        sigma = check_scale(sigma, "sigma") if sigma is not None else _missing_sigma()
        g = _gram(X, y, fit_intercept, feature_names)
        rw = _reweighting(g, start, factors)
        gw = g if rw is None else rw.working
        grid = _default_scales(pfam, gw, sigma, n_scales) if scales is None else _check_scales(scales)
        if pfam == "gaussian":
            block = _gaussian_rows(g, grid, sigma, hdi_prob, rw)
        else:
            block = _laplace_rows(g, grid, sigma, hdi_prob, g.feature_names, draws, tune, chains, random_seed, tol,
                                  sampler, progressbar, rw)  # fmt: skip
    names = g.feature_names
    k, p = grid.size, g.p
    table = pd.DataFrame(
        {
            "scale": np.repeat(grid, p),
            "alpha": np.repeat(block["alpha"], p),
            "feature": np.tile(np.array(names, dtype=object), k),
            **{c: block[c].reshape(-1) for c in COLUMNS[3:]},
        }
    )
    exact = pfam == "gaussian" and lik.name == "gaussian"
    if lik.name != "gaussian":
        convention = "mean loss + alpha * penalty (1/(n b) or 1/(n tau^2))"
    else:
        convention = "sklearn Ridge" if pfam == "gaussian" else "sklearn Lasso"
    attrs = {
        "family": pfam,
        "likelihood": lik.name,
        "sigma": float("nan") if sigma is None else sigma,
        "n_samples": g.n,
        "hdi_prob": hdi_prob,
        "posterior": "exact" if exact else block.get("sampler", sampler),
        "draws": 0 if exact else draws,
        "chains": 0 if exact else chains,
        "alpha_convention": convention,
    }
    if rw is not None:
        attrs["factors"] = [float(c) for c in factors]
        attrs["alpha_convention"] = convention + " of the common scale, on the columns c_j x_j"
    table.attrs.update(attrs)
    if output == "dataframe":
        return table
    import xarray as xr

    ds = xr.Dataset(
        {c: (("scale", "feature"), block[c]) for c in COLUMNS[3:]},
        coords={"scale": grid, "feature": names, "alpha": ("scale", block["alpha"])},
        attrs=attrs,
    )
    return ds


def _reweighting(g, start, factors):
    """The common-scale working model of a per-coefficient prior (None for one common scale)."""
    if factors is None:
        return None
    start.check_size(g.p)
    return reweight(g, factors)


def _prior_at(prior_type, scale: float, rw):
    """The prior at the grid's common scale ``scale``: ``scale * c_j`` with per-coefficient factors."""
    if rw is None:
        return prior_type(float(scale))
    c = rw.multipliers * rw.full.x_scale
    return prior_type(tuple(float(scale * cj) for cj in c))


def _map_back(rw, coefs: np.ndarray) -> np.ndarray:
    """The MAP path of the working model, ``(k, |P|)``, as coefficients of the full model ``(k, p)``."""
    if rw is None:
        return coefs
    return np.array([rw.coef(gamma, 0.0)[0] for gamma in coefs]).reshape(len(coefs), rw.full.p)


def _check_scales(scales) -> np.ndarray:
    grid = np.sort(check_vector(scales, "scales"))
    if np.any(grid <= 0):
        raise ValueError("scales must be positive (prior scales b or tau)")
    for v in grid:
        check_scale(float(v), "scales")
    return grid


def _glm_scales(pfam: str, data, n_scales: int) -> np.ndarray:
    """Default grid of prior scales for a GLM.

    Laplace ``b`` from ``1/l1_max`` (every coefficient 0) to 1e3 times it; Gaussian ``tau`` with
    ``1/tau^2`` over 1e-3 .. 1e3 times the mean curvature of the loss at the null model.
    """
    from .solvers.glm import glm_l1_max

    if pfam == "laplace":
        top = glm_l1_max(data.X, data.y, data.family, fit_intercept=data.fit_intercept, trials=data.trials)
        if top <= 0.0:
            raise ValueError("the gradient at the null model is zero: every L1 solution is 0, give scales explicitly")
        return np.sort(1.0 / (top * np.logspace(0.0, -3.0, n_scales)))
    eta0 = np.full(data.n, data.family.null_eta(data.y, data.trials))
    w = data.family.weights(eta0, data.trials)
    curv = float(np.sum(w[:, None] * (data.X - data.X.mean(axis=0)) ** 2)) / data.p
    if curv <= 0.0:
        raise ValueError("X has constant columns only: give scales explicitly")
    return np.sort(1.0 / np.sqrt(curv * np.logspace(3.0, -3.0, n_scales)))


def _glm_rows(pfam, data, grid, hdi_prob, draws, tune, chains, random_seed, tol, sampler, progressbar, rw=None):
    """MAP (the penalised GLM fit) and sampled posterior summaries of a GLM over the prior scales."""
    from ._upstream import group_dataset, mcse
    from .solvers.glm import glm_fit, glm_path

    k, p, n = grid.size, data.p, data.n
    out = {c: np.empty((k, p)) for c in COLUMNS[3:]}
    kw = dict(fit_intercept=data.fit_intercept, trials=data.trials, tol=tol)
    # with per-coefficient (finite) scales the MAP is the common-scale fit on the columns m_j x_j
    Xw = data.X if rw is None else rw.working.X
    if pfam == "laplace":
        out["alpha"] = 1.0 / (n * grid)
        path = glm_path(Xw, data.y, data.family, 1.0 / grid, **kw)  # the path sorts l1 decreasing
        order = np.argsort(-(1.0 / grid), kind="stable")
        out["map"][order] = _map_back(rw, np.asarray(path.coefs))
    else:
        out["alpha"] = 1.0 / (n * grid**2)
        for i, tau in enumerate(grid):
            out["map"][i] = _map_back(rw, glm_fit(Xw, data.y, data.family, 0.0, 1.0 / tau**2, **kw).coef[None, :])[0]
    ss = random_seed if isinstance(random_seed, np.random.SeedSequence) else np.random.SeedSequence(random_seed)
    seeds = ss.spawn(k)
    troubled: list[tuple[float, str]] = []
    used = sampler
    bar = Progress("shrinkage grid", k, progressbar, unit="scales")
    for i, scale in enumerate(grid):
        bar.update(i, f"shrinkage grid: prior scale {scale:.4g}")
        prior = _prior_at(Laplace if pfam == "laplace" else Gaussian, scale, rw)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            idata, used = _sample(data, prior, None, draws, tune, chains, seeds[i], sampler, False,
                                  with_name=True)  # fmt: skip
        for w in caught:
            if issubclass(w.category, SamplingWarning):
                troubled.append((float(scale), str(w.message)))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        flat = idata.posterior["beta"].values.reshape(-1, p)
        out["mean"][i] = flat.mean(axis=0)
        out["median"][i] = np.median(flat, axis=0)
        out["sd"][i] = flat.std(axis=0, ddof=1)
        out["hdi_low"][i], out["hdi_high"][i] = hdi_from_draws(flat, hdi_prob).T
        out["mcse_mean"][i] = mcse(group_dataset(idata)[["beta"]], method="mean")["beta"].values
    bar.close()
    _warn_troubled(troubled, k, "scale")
    out["sampler"] = used
    return out


def _warn_troubled(troubled, k, what):
    if troubled:
        at = sorted({b for b, _ in troubled})
        shown = ", ".join(f"{b:.4g}" for b in at[:5]) + (", ..." if len(at) > 5 else "")
        warn(
            f"sampling diagnostics flagged {len(at)} of {k} prior scales ({what} = {shown}); the first: "
            f"{troubled[0][1]} The mcse_mean column gives the Monte Carlo error of each mean.",
            SamplingWarning,
        )


def _missing_sigma():
    raise ValueError(
        "sigma is required: the MAP equals the penalised fit only for a fixed noise sd "
        "(estimate it first, e.g. with choose_prior_scale or a least-squares residual sd)"
    )


def _gaussian_rows(g, grid, sigma, hdi_prob, rw=None):
    from .solvers import ridge_path

    # the table shows scikit-learn's Ridge alpha; the path runs in the solvers' L2 convention
    sk_alpha = np.array([ridge_alpha(t, sigma=sigma) for t in grid])
    l2 = np.array([prior_to_penalty(Gaussian(float(t)), sigma=sigma, n_samples=g.n).alpha for t in grid])
    gw = g if rw is None else rw.working
    path = ridge_path(gw.stats, alphas=l2, fit_intercept=gw.fit_intercept)
    z = _z(hdi_prob)
    k, p = grid.size, g.p
    out = {c: np.empty((k, p)) for c in COLUMNS[3:]}
    out["alpha"] = sk_alpha
    out["map"][:] = _map_back(rw, np.asarray(path.coef).reshape(k, gw.p))
    for i, tau in enumerate(grid):
        if rw is None:
            post = _posterior_from_gram(g, float(tau), sigma, [f"x{j}" for j in range(p)])
        else:
            post = _mapped_posterior(rw, float(tau), sigma)
        sd = post.sd
        out["mean"][i] = post.mean
        out["median"][i] = post.mean
        out["sd"][i] = sd
        out["hdi_low"][i] = post.mean - z * sd
        out["hdi_high"][i] = post.mean + z * sd
        out["mcse_mean"][i] = 0.0
    return out


def _laplace_rows(g, grid, sigma, hdi_prob, names, draws, tune, chains, random_seed, tol, sampler,
                  progressbar, rw=None):  # fmt: skip
    from ._upstream import group_dataset, mcse
    from .solvers import lasso_path

    k, p = grid.size, g.p
    sk_alpha = np.array([lasso_alpha(b, sigma=sigma, n_samples=g.n) for b in grid])
    gw = g if rw is None else rw.working  # per-coefficient scales: the common-scale working model
    # lasso_path solves from the largest alpha down (warm starts); grid is increasing in b,
    # i.e. decreasing in alpha, so its rows come back in grid order
    path = lasso_path(gw.stats, alphas=sk_alpha, fit_intercept=gw.fit_intercept, tol=tol)
    order = np.argsort(-sk_alpha, kind="stable")
    out = {c: np.empty((k, p)) for c in COLUMNS[3:]}
    out["alpha"] = sk_alpha
    out["map"][order] = _map_back(rw, np.asarray(path.coefs))
    ss = random_seed if isinstance(random_seed, np.random.SeedSequence) else np.random.SeedSequence(random_seed)
    seeds = ss.spawn(k)
    troubled: list[tuple[float, str]] = []
    bar = Progress("shrinkage grid", k, progressbar, unit="scales")
    for i, b in enumerate(grid):
        bar.update(i, f"shrinkage grid: Laplace scale b = {b:.4g}")
        # the sampler warns per run; collect its SamplingWarnings into one for the whole table
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            idata = _sample(g, _prior_at(Laplace, b, rw), sigma, draws, tune, chains, seeds[i], sampler, False)
        for w in caught:
            if issubclass(w.category, SamplingWarning):
                troubled.append((float(b), str(w.message)))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        beta = idata.posterior["beta"].values  # (chain, draw, p)
        flat = beta.reshape(-1, p)
        out["mean"][i] = flat.mean(axis=0)
        out["median"][i] = np.median(flat, axis=0)
        out["sd"][i] = flat.std(axis=0, ddof=1)
        out["hdi_low"][i], out["hdi_high"][i] = hdi_from_draws(flat, hdi_prob).T
        out["mcse_mean"][i] = mcse(group_dataset(idata)[["beta"]], method="mean")["beta"].values
    bar.close()
    _warn_troubled(troubled, k, "b")
    return out


def _sample(g, prior, sigma, draws, tune, chains, seed, sampler, progressbar, with_name=False):
    """One posterior through the sampler objects' run contract (Gibbs or NUTS), on the prepared design.

    ``sigma`` is the fixed noise sd of the linear model, ``None`` for a GLM (no noise model).
    """
    from .noise import Noise
    from .sampling import NUTSSampler, resolve_sampler

    noise = None if sigma is None else Noise("fixed", value=sigma)
    chosen = resolve_sampler(sampler, prior, noise, g, tune=tune)
    # PyMC takes an int seed; the Gibbs samplers take the spawned SeedSequence itself
    seed = int(seed.generate_state(1)[0]) if isinstance(chosen, NUTSSampler) else seed
    idata = chosen.run(g, prior, noise, draws=draws, chains=chains, random_seed=seed, progressbar=progressbar,
                       log_likelihood=False)  # fmt: skip
    return (idata, chosen.name) if with_name else idata
