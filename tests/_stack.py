"""Test helpers that read and build posterior containers the same way on both supported stacks.

ArviZ 0.x (``arviz.InferenceData``) and ArviZ >= 1 (``xarray.DataTree``, arviz-base/-stats) spell
several things differently: how a container is built from arrays, how its groups are listed, the
array signature of ``ess``/``mcse``, ``hdi``'s probability keyword and the attributes of ``loo``'s
result. The tests ask these helpers instead, so that each check and tolerance is the same on
both. Containers are built from xarray Datasets by the library's own
:func:`bayesreg._upstream.make_posterior_data`; everything else is either numpy written out here
or ArviZ called with the signature of the installed version.
"""

from __future__ import annotations

import numpy as np


def _az():
    from bayesreg._upstream import import_arviz

    return import_arviz()


def arviz_major() -> int:
    from bayesreg._upstream import arviz_major as major

    return major()


def _dataset(values: dict, coords: dict, dims: dict, sample: bool):
    """An xarray Dataset of ``values``; leading ``(chain, draw)`` axes when ``sample``.

    Unnamed extra axes get ArviZ's default names ``<var>_dim_<i>``; dimensions without given
    coordinates get integer ones, as ``arviz.from_dict`` gives them.
    """
    import xarray as xr

    data_vars, used = {}, set()
    for name, value in values.items():
        arr = np.asarray(value)
        lead = ["chain", "draw"] if sample else []
        extra = list(dims.get(name, []))
        extra += [f"{name}_dim_{i}" for i in range(len(extra), arr.ndim - len(lead))]
        data_vars[name] = (tuple(lead + extra), arr)
        used.update(lead + extra)
    ds = xr.Dataset(data_vars)
    sizes = dict(ds.sizes)
    crd = {d: np.arange(n) for d, n in sizes.items()}
    crd.update({d: list(c) for d, c in coords.items() if d in used})
    return ds.assign_coords(crd)


def posterior_data(posterior: dict, *, coords=None, dims=None, **groups):
    """The installed ArviZ's posterior container from ``{name: array}`` dicts, by group.

    The replacement of ``arviz.from_dict(posterior=..., sample_stats=..., log_likelihood=...,
    coords=..., dims=...)``: sample groups (posterior, sample_stats, log_likelihood,
    posterior_predictive) have leading ``(chain, draw)`` axes; ``observed_data`` and
    ``constant_data`` do not.
    """
    from bayesreg._upstream import make_posterior_data

    coords, dims = dict(coords or {}), dict(dims or {})
    out = {"posterior": _dataset(posterior, coords, dims, sample=True)}
    for group, values in groups.items():
        if values is not None:
            out[group] = _dataset(values, coords, dims, sample=group not in ("observed_data", "constant_data"))
    return make_posterior_data(out)


def group_names(idata) -> set:
    """The names of a container's groups (``InferenceData.groups()`` / ``DataTree.children``)."""
    children = getattr(idata, "children", None)
    if children is not None:
        return set(children)
    return set(idata.groups())


def _as_chains(x):
    """A ``(chain, draw)`` float array: a 1-D array is one chain (ArviZ 0.x's reading of it)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"expected draws of shape (draw,) or (chain, draw), got {x.shape}")
    return x


def ess_array(x, method: str = "bulk") -> float:
    """ArviZ's effective sample size of draws of shape ``(chain, draw)`` or ``(draw,)``."""
    x = _as_chains(x)
    az = _az()
    if arviz_major() >= 1:
        return float(az.ess(x, method=method, chain_axis=0, draw_axis=1))
    return float(az.ess(x, method=method))


def rhat_array(x, method: str = "rank") -> float:
    """ArviZ's R-hat of draws of shape ``(chain, draw)``."""
    x = _as_chains(x)
    az = _az()
    if arviz_major() >= 1:
        return float(az.rhat(x, method=method, chain_axis=0, draw_axis=1))
    return float(az.rhat(x, method=method))


def mcse_of_mean(x) -> float:
    """MCSE of the mean of ``(chain, draw)`` draws: sd / sqrt(ESS of the mean), as ArviZ computes it."""
    x = _as_chains(x)
    return float(np.std(x, ddof=1) / np.sqrt(ess_array(x, method="mean")))


def moments(idata, var: str):
    """``mean``, ``sd`` and ``mcse_mean`` per scalar of posterior variable ``var`` (1-D arrays).

    The numbers of ``arviz.summary(idata, var_names=[var])[["mean", "sd", "mcse_mean"]]`` on
    ArviZ 0.x, computed with numpy and ArviZ's ESS and not rounded (``summary`` rounds to two
    decimals on ArviZ 0.x and to significant digits on ArviZ >= 1).
    """
    from bayesreg._upstream import group_dataset

    v = np.asarray(group_dataset(idata, "posterior")[var].values, dtype=np.float64)
    v = v.reshape(v.shape[0], v.shape[1], -1)
    mean = v.mean(axis=(0, 1))
    sd = v.std(axis=(0, 1), ddof=1)
    mcse = np.array([mcse_of_mean(v[..., j]) for j in range(v.shape[-1])])
    return mean, sd, mcse


def arviz_hdi(x, prob: float) -> np.ndarray:
    """ArviZ's HDI (``[low, high]``) of 1-D draws, with this version's probability keyword."""
    az = _az()
    x = np.asarray(x, dtype=np.float64)
    if arviz_major() >= 1:
        return np.asarray(az.hdi(x, prob=prob), dtype=np.float64)
    return np.asarray(az.hdi(x, hdi_prob=prob), dtype=np.float64)


def loo_elpd_p(idata) -> tuple[float, float]:
    """``(elpd, effective number of parameters)`` of ``arviz.loo`` (``elpd_loo``/``p_loo`` in 0.x)."""
    loo = _az().loo(idata)
    if hasattr(loo, "elpd_loo"):
        return float(loo.elpd_loo), float(loo.p_loo)
    return float(loo.elpd), float(loo.p)
