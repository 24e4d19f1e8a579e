"""Post-sampling checks shared by every sampler (NUTS, nutpie, the Gibbs samplers, exact draws).

:func:`check_sampling` looks at a posterior and warns (:class:`~bayesreg.SamplingWarning`) on
divergent transitions, rank-normalised split R-hat above 1.01, bulk or tail effective sample
sizes below 100 per chain (the thresholds of Vehtari, Gelman, Simpson, Carpenter and Buerkner,
2021), and on what cannot be checked: a single Markov chain (no R-hat) or fewer than
:data:`MIN_DRAWS` draws per chain (no ESS either). It says how many and what to try.
:func:`sampling_summary` returns the same numbers without warning; :func:`summary_attrs` is the
flat form stored in the posterior's attributes by :func:`bayesreg._posterior.build_posterior`.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._warnings import warn
from .exceptions import SamplingWarning

__all__ = ["check_sampling", "sampling_summary", "summary_attrs", "warn_sampling"]

RHAT_MAX = 1.01
ESS_PER_CHAIN_MIN = 100.0
MIN_DRAWS = 4  # split R-hat and ESS need at least two halves of two draws per chain


def _flatten(ds, skip):
    """``{label: values}`` per scalar parameter of a (chain, draw, ...) statistic Dataset."""
    out = {}
    for name, da in ds.data_vars.items():
        if name in skip:
            continue
        vals = np.asarray(da.values, dtype=np.float64)
        if vals.ndim == 0:
            out[name] = float(vals)
            continue
        other = [d for d in da.dims]
        coords = [da.coords[d].values if d in da.coords else np.arange(da.sizes[d]) for d in other]
        for idx in np.ndindex(vals.shape):
            label = name + "[" + ", ".join(str(c[i]) for c, i in zip(coords, idx)) + "]"
            out[label] = float(vals[idx])
    return out


def constant_vars(post) -> set:
    """Posterior variables that do not vary over the draws (a fixed value stored for reference)."""
    const = set()
    for name, da in post.data_vars.items():
        v = np.asarray(da.values)
        if v.size and np.all(v == v.reshape(-1)[0]):
            const.add(name)
    return const


def sampling_summary(idata, var_names=None, *, mcmc: bool = True) -> dict:
    """Divergences, largest R-hat, smallest bulk and tail ESS, largest MCSE of a posterior sample.

    Parameters
    ----------
    idata : arviz.InferenceData
        With a ``posterior`` group (and ``sample_stats``, read for ``diverging`` when present).
    var_names : list of str, optional
        Variables to check (default: every posterior variable that varies over the draws).
    mcmc : bool, default=True
        Whether the draws come from Markov chains. Independent draws (the exact posterior) need
        no R-hat, so a single chain of them is not a problem to report.

    Returns
    -------
    dict
        ``chains``, ``draws``, ``divergences``, ``rhat_max``, ``rhat_bad`` (labels above 1.01),
        ``ess_bulk_min``, ``ess_tail_min``, ``ess_bad`` (labels below 100 per chain),
        ``mcse_rel_max`` (the largest Monte Carlo standard error of a posterior mean, as a
        fraction of that parameter's posterior sd), ``n_params``, and ``unchecked``: sentences
        saying what could not be checked (one chain: no R-hat; under :data:`MIN_DRAWS` draws
        per chain: no R-hat nor ESS), ``nonfinite``: variables with NaN or infinite draws
        (left out of the other checks). NaN marks a number that was not computed.
    """
    from ._upstream import ess, group_dataset, has_group, mcse, rhat

    post = group_dataset(idata, "posterior")
    chains, draws = int(post.sizes["chain"]), int(post.sizes["draw"])
    divergences = 0
    if has_group(idata, "sample_stats") and "diverging" in idata["sample_stats"]:
        divergences = int(np.asarray(idata["sample_stats"]["diverging"].values).sum())
    nonfinite = [str(v) for v in (var_names or list(post.data_vars)) if not np.all(np.isfinite(post[v].values))]
    skip = constant_vars(post) | set(nonfinite)
    names = [v for v in (var_names or list(post.data_vars)) if v not in skip]
    out = {
        "chains": chains,
        "draws": draws,
        "divergences": divergences,
        "rhat_max": float("nan"),
        "rhat_bad": [],
        "ess_bulk_min": float("nan"),
        "ess_tail_min": float("nan"),
        "ess_bad": [],
        "mcse_rel_max": float("nan"),
        "n_params": 0,
        "unchecked": [],
        "nonfinite": nonfinite,
    }
    if not names:
        return out
    if draws < MIN_DRAWS:
        out["unchecked"].append(
            f"only {draws} draw{'s' if draws != 1 else ''} per chain: R-hat and the effective sample size need at "
            f"least {MIN_DRAWS} (and {ESS_PER_CHAIN_MIN:.0f} effective draws per chain are needed for reliable "
            "means and intervals); nothing about convergence was checked"
        )
        return out
    if chains < 2 and mcmc:
        out["unchecked"].append(
            "a single chain: R-hat needs at least 2 chains, so agreement between chains (convergence) was not "
            "checked; run chains=4 to check it"
        )
    sub = post[names]
    with warnings.catch_warnings():
        # ArviZ warns (RuntimeWarning) on variables with too few draws or zero variance
        warnings.simplefilter("ignore", RuntimeWarning)
        rh_all = _flatten(rhat(sub, method="rank"), ()) if chains > 1 else {}
        bulk = _flatten(ess(sub, method="bulk"), ())
        tail = _flatten(ess(sub, method="tail"), ())
        se = _flatten(mcse(sub, method="mean"), ())
        sd = _flatten(sub.std(dim=("chain", "draw")), ())
    out["n_params"] = len(bulk)
    rel = [se[k] / sd[k] for k in se if k in sd and np.isfinite(se[k]) and sd[k] > 0]
    if rel:
        out["mcse_rel_max"] = float(max(rel))
    rh = {k: v for k, v in rh_all.items() if np.isfinite(v)}
    if rh:
        out["rhat_max"] = max(rh.values())
        out["rhat_bad"] = sorted((k for k, v in rh.items() if v > RHAT_MAX), key=lambda k: -rh[k])
    eb = {k: v for k, v in bulk.items() if np.isfinite(v)}
    et = {k: v for k, v in tail.items() if np.isfinite(v)}
    if eb:
        out["ess_bulk_min"] = min(eb.values())
    if et:
        out["ess_tail_min"] = min(et.values())
    threshold = ESS_PER_CHAIN_MIN * chains
    low = {k for k, v in eb.items() if v < threshold} | {k for k, v in et.items() if v < threshold}
    out["ess_bad"] = sorted(low, key=lambda k: min(eb.get(k, np.inf), et.get(k, np.inf)))
    return out


def _names(labels, k=3) -> str:
    head = ", ".join(labels[:k])
    return head + (f" and {len(labels) - k} more" if len(labels) > k else "")


def check_sampling(idata, var_names=None, *, mcmc: bool = True, sampler: str | None = None) -> dict:
    """Warn on divergences, R-hat above 1.01, low effective sample sizes and what went unchecked.

    Each problem gives one :class:`~bayesreg.SamplingWarning` that says how many and what to
    try; so does each thing that could not be checked (a single chain, too few draws): a check
    skipped is said, never silent. Variables that do not vary over the draws (a fixed value
    stored for reference) are skipped.

    Parameters
    ----------
    idata : arviz.InferenceData
    var_names : list of str, optional
        Variables to check (default: all posterior variables).
    mcmc : bool, default=True
        Whether the draws come from Markov chains (see :func:`sampling_summary`).
    sampler : str, optional
        The sampler that made the draws (default: the posterior's ``sampler`` attribute). The
        advice names only what that sampler has (``target_accept=`` for NUTS's divergences, ``tune=``
        and ``chains=`` for every Markov chain sampler); no sampler of the package thins, so thinning is never advised.

    Returns
    -------
    dict
        :func:`sampling_summary`'s numbers.
    """
    s = sampling_summary(idata, var_names, mcmc=mcmc)
    warn_sampling(s, _sampler_of(idata) if sampler is None else sampler)
    return s


def _sampler_of(idata) -> str:
    from ._upstream import group_dataset

    return str(group_dataset(idata, "posterior").attrs.get("sampler", ""))


def _more_draws(sampler: str) -> str:
    """What gives more effective draws, with the options ``sampler`` has."""
    if sampler in ("nuts", "nutpie"):
        return ("Increase draws= (and tune=), or try standardize=True or sampler='gibbs' where the prior has a "
                "Gibbs sampler (sampler='auto' picks it)")  # fmt: skip
    if sampler == "gibbs":
        return "Increase draws= (and tune=), or run more chains (chains=)"
    return "Increase draws="


def warn_sampling(s: dict, sampler: str = "") -> None:
    """The warnings of :func:`check_sampling` for :func:`sampling_summary`'s numbers ``s``.

    ``sampler`` (``"nuts"``, ``"nutpie"``, ``"gibbs"``, ``"exact"``) chooses the advice.
    """
    if s["nonfinite"]:
        warn(
            f"the draws of {', '.join(s['nonfinite'])} contain NaN or infinite values: the sampler failed "
            "numerically and these draws are not a posterior sample. Check the data and the prior's scale "
            "(standardize=True can help), or try another sampler.",
            SamplingWarning,
        )
    for note in s["unchecked"]:
        warn(note[0].upper() + note[1:] + ".", SamplingWarning)
    total = s["chains"] * s["draws"]
    if s["divergences"]:
        warn(
            f"{s['divergences']} of {total} post-tuning transitions diverged: the sampler could not follow the "
            "posterior's curvature and the draws may be biased. Try target_accept=0.95 or 0.99, "
            "standardize=True, or sampler='gibbs' where the prior has a Gibbs sampler.",
            SamplingWarning,
        )
    if s["rhat_bad"]:
        warn(
            f"R-hat above {RHAT_MAX} for {len(s['rhat_bad'])} of {s['n_params']} parameters (largest "
            f"{s['rhat_max']:.3f}: {_names(s['rhat_bad'])}): the {s['chains']} chains disagree. "
            + ("Run more tuning and draws (tune=, draws=), more chains, or check the model for multimodality."
               if sampler != "exact" else "Check the model for multimodality."),
            SamplingWarning,
        )
    if s["ess_bad"]:
        warn(
            f"effective sample size below {ESS_PER_CHAIN_MIN:.0f} per chain ({ESS_PER_CHAIN_MIN * s['chains']:.0f} "
            f"in all) for {len(s['ess_bad'])} of {s['n_params']} parameters (smallest bulk ESS "
            f"{s['ess_bulk_min']:.0f}, tail ESS {s['ess_tail_min']:.0f}: {_names(s['ess_bad'])}): posterior "
            f"means and intervals are imprecise. {_more_draws(sampler)}.",
            SamplingWarning,
        )


def summary_attrs(s: dict) -> dict:
    """:func:`sampling_summary`'s numbers as flat attributes (numbers and strings, NetCDF-safe).

    ``diagnostics_ok`` is 1 when every check ran and passed (no divergence, R-hat <= 1.01 where
    it applies, ESS >= 100 per chain), else 0; ``diagnostics_unchecked`` says what could not be
    checked ("" when nothing).
    """
    ok = (
        s["divergences"] == 0
        and not s["rhat_bad"]
        and not s["ess_bad"]
        and not s["unchecked"]
        and not s["nonfinite"]
        and s["n_params"] > 0
    )
    return {
        "chains": int(s["chains"]),
        "draws": int(s["draws"]),
        "divergences": int(s["divergences"]),
        "rhat_max": float(s["rhat_max"]),
        "ess_bulk_min": float(s["ess_bulk_min"]),
        "ess_tail_min": float(s["ess_tail_min"]),
        "mcse_rel_max": float(s["mcse_rel_max"]),
        "diagnostics_ok": int(ok),
        "diagnostics_unchecked": "; ".join(s["unchecked"]),
        "nonfinite_vars": ", ".join(s["nonfinite"]),
    }
