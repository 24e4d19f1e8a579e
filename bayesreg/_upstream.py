"""The one adapter around PyMC, PyTensor and ArviZ, whose APIs move between versions.

No other module of bayesreg imports ``pymc``, ``pytensor`` or ``arviz``: they ask this one, by
:func:`import_pymc` / :func:`import_pytensor_tensor` (building models), :func:`run_find_map`,
:func:`pymc_sample`, and the ArviZ functions below (:func:`make_posterior_data`,
:func:`is_posterior_data`, :func:`ess`, :func:`rhat`, :func:`mcse`,
:func:`diagnostics_table`). A change of upstream version is a change here only. So that

- ``import bayesreg`` never imports PyMC, PyTensor, ArviZ or matplotlib;
- PyTensor is configured once, before its first import, to link its C code to an optimised
  BLAS (see :func:`configure_pytensor`) rather than warning and falling back to slow paths;
- ArviZ's once-a-day ``FutureWarning`` about its coming refactor, which says nothing about the
  user's code, is not shown to bayesreg users;
- ``pm.find_MAP``, whose return type and options change across PyMC versions (a dict of
  arrays in PyMC 5, with ``return_raw`` giving the SciPy result), is called in one place:
  :func:`run_find_map`.
"""

from __future__ import annotations

import glob
import os
import sys
import warnings

__all__ = [
    "arviz_major",
    "blas_info",
    "configure_pytensor",
    "diagnostics_table",
    "ess",
    "import_arviz",
    "import_pymc",
    "import_pytensor_tensor",
    "is_posterior_data",
    "make_posterior_data",
    "mcse",
    "compare_summary",
    "group_dataset",
    "has_group",
    "pymc_major",
    "pymc_sample",
    "rhat",
    "run_find_map",
    "free_variable_shapes",
]

# Fortran BLAS routines PyTensor's C code declares and calls (pytensor/tensor/blas_headers.py and
# blas_c.py): level 1-3, single and double precision.
_BLAS_ROUTINES = (
    "sdot ddot sgemm dgemm sgemv dgemv sger dger sscal dscal saxpy daxpy scopy dcopy sswap dswap "
    "ssymv dsymv ssyr dsyr ssyr2 dsyr2 ssyrk dsyrk ssyr2k dsyr2k ssymm dsymm strmm dtrmm strmv dtrmv "
    "strsm dtrsm"
).split()

_STATE: dict = {"configured": False, "blas": None}


def _user_configured_blas() -> bool:
    """Whether the user set ``blas__ldflags`` (environment or a .pytensorrc file)."""
    if "blas__ldflags" in os.environ.get("PYTENSOR_FLAGS", ""):
        return True
    rc_paths = os.environ.get("PYTENSORRC", os.path.expanduser("~/.pytensorrc")).split(os.pathsep)
    for path in rc_paths:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            continue
        if "ldflags" in text:
            return True
    return False


def _scipy_openblas() -> tuple[str, str] | None:
    """The OpenBLAS library bundled in SciPy's wheels, as ``(directory, library file)``.

    SciPy's Linux wheels ship ``scipy.libs/libscipy_openblas-<hash>.so``, a 32-bit-integer
    OpenBLAS whose symbols carry a ``scipy_`` prefix (``scipy_dgemm_``). NumPy's wheels ship a
    64-bit-integer build (``scipy_dgemm_64_``), which PyTensor's ``int*`` calls cannot use.
    """
    try:
        import scipy
    except ImportError:  # pragma: no cover - scipy is a dependency
        return None
    site = os.path.dirname(os.path.dirname(os.path.abspath(scipy.__file__)))
    libdir = os.path.join(site, "scipy.libs")
    candidates = sorted(glob.glob(os.path.join(libdir, "libscipy_openblas*.so")))
    candidates = [c for c in candidates if "openblas64" not in os.path.basename(c)]
    if not candidates:
        return None
    lib = candidates[0]
    try:
        import ctypes

        handle = ctypes.CDLL(lib)
        if not hasattr(handle, "scipy_dgemm_"):
            return None
    except OSError:
        return None
    return libdir, os.path.basename(lib)


def configure_pytensor() -> str | None:
    """Point PyTensor at an optimised BLAS before it is first imported; return what was chosen.

    PyTensor compiles its graphs to C and calls Fortran BLAS (``dgemv_``, ``dgemm_``, ...) for
    matrix products. Installed from pip it finds no BLAS to link to, warns "could not link to a
    BLAS installation", and runs those products through slower fallbacks (a Python-level call
    per product): about 2x slower gradients on the diabetes data (measured: 40 us against 18 us
    per log-posterior gradient, p = 10, n = 442).

    SciPy's wheels bundle OpenBLAS with every symbol renamed ``scipy_<name>_``. Linking PyTensor
    to that library with ``-D<name>_=scipy_<name>_`` for each routine PyTensor declares makes
    PyTensor's C code call the bundled OpenBLAS directly: no warning, no slowdown, no extra
    install. Nothing is done when the user configured ``blas__ldflags`` themselves (environment
    variable ``PYTENSOR_FLAGS`` or a ``.pytensorrc``), when PyTensor is already imported (then its
    configuration is fixed), or when SciPy has no bundled OpenBLAS (conda and macOS installs,
    where PyTensor finds MKL, OpenBLAS or Accelerate by itself).

    The flags go in ``PYTENSOR_FLAGS``, which child processes (parallel chains) inherit. They
    contain no commas, which ``PYTENSOR_FLAGS`` uses as its separator.
    """
    if _STATE["configured"]:
        return _STATE["blas"]
    _STATE["configured"] = True
    if "pytensor" in sys.modules or not sys.platform.startswith("linux") or _user_configured_blas():
        return None
    found = _scipy_openblas()
    if found is None:
        return None
    libdir, libfile = found
    libname = libfile[len("lib") : -len(".so")]
    defines = " ".join(f"-D{r}_=scipy_{r}_" for r in _BLAS_ROUTINES)
    ldflags = f"-L{libdir} -l{libname} -Xlinker -rpath -Xlinker {libdir} {defines}"
    current = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = f"{current},blas__ldflags={ldflags}" if current else f"blas__ldflags={ldflags}"
    _STATE["blas"] = os.path.join(libdir, libfile)
    return _STATE["blas"]


def blas_info() -> dict:
    """What PyTensor links to: ``{"ldflags": ..., "bundled_openblas": path or None}``."""
    import_pymc()
    import pytensor

    return {"ldflags": pytensor.config.blas__ldflags, "bundled_openblas": _STATE["blas"]}


# The supported ranges (pyproject.toml states the same): the floor tested in constraints/floor.txt
# up to the next major not yet released.
SUPPORTED = {"pymc": ((5, 28), (7, 0)), "arviz": ((0, 23), (2, 0)), "pytensor": ((2, 38), (4, 0))}


def _check_version(module) -> None:
    """One clear ImportError for a version outside the supported range (instead of a deep AttributeError)."""
    name = module.__name__
    lo, hi = SUPPORTED[name]
    try:
        found = tuple(int(x) for x in str(module.__version__).split(".")[:2])
    except ValueError:  # a development version such as 6.5.0.dev1: trust the major
        found = (int(str(module.__version__).split(".")[0]), 0)
    if not lo <= found < hi:
        raise ImportError(
            f"bayesreg supports {name} >= {lo[0]}.{lo[1]} and < {hi[0]}; found {name} {module.__version__}. "
            f"Install a supported version, e.g. pip install '{name}>={lo[0]}.{lo[1]},<{hi[0]}'"
        )


def import_arviz():
    """Import ArviZ without its once-a-day FutureWarning about the 1.0 refactor."""
    if "arviz" in sys.modules:
        return sys.modules["arviz"]
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"[\s\S]*ArviZ is undergoing a major refactor", category=FutureWarning
        )
        import arviz

    _check_version(arviz)
    return arviz


def import_pymc():
    """Import PyMC (configuring PyTensor and importing ArviZ quietly first); return the module."""
    if "pymc" in sys.modules:
        return sys.modules["pymc"]
    configure_pytensor()
    import_arviz()
    import pymc
    import pytensor

    _check_version(pytensor)
    _check_version(pymc)
    return pymc


def _major(module) -> int:
    return int(str(module.__version__).split(".")[0])


def arviz_major() -> int:
    """ArviZ's major version (0: ``InferenceData``; 1: ``xarray.DataTree``)."""
    return _major(import_arviz())


def pymc_major() -> int:
    """PyMC's major version (5 or 6)."""
    return _major(import_pymc())


def run_find_map(model, *, start=None, method="L-BFGS-B", maxeval=50_000, seed=None, **options):
    """Call ``pm.find_MAP`` and return ``(point dict of arrays, optimizer result or None)``.

    PyMC 5 returns a dict (with ``return_raw=True`` a pair with SciPy's result). PyMC 6 takes
    ``initvals``, ``random_seed``, ``maxiter``, ``jitter`` and ``return_inferencedata`` and stores
    the optimizer's result in the ``optimizer_result`` group of the returned DataTree. Either way
    this returns the untransformed values as plain float64 arrays keyed by variable name, and the
    result's ``nit``, ``nfev``, ``success``, ``message`` and ``fun`` as attributes of one object.
    """
    import numpy as np

    pm = import_pymc()
    if _major(pm) < 6:
        out = pm.find_MAP(
            start=start, method=method, maxeval=maxeval, model=model, return_raw=True, include_transformed=False,
            progressbar=False, seed=seed, **options,
        )  # fmt: skip
        point, raw = out if isinstance(out, tuple) else (out, None)
        return {str(k): np.asarray(v, dtype=np.float64) for k, v in dict(point).items()}, raw
    from types import SimpleNamespace

    options = dict(options)
    opts = dict(options.pop("options", None) or {})
    opts.setdefault("maxiter", maxeval)  # PyMC 6 renamed maxeval to maxiter, a scipy option
    if "maxfun" in opts or str(method).lower() in ("l-bfgs-b", "tnc"):
        opts["maxfun"] = min(int(opts.get("maxfun", maxeval)), int(maxeval))
    dt = pm.find_MAP(
        method=method, initvals=start, random_seed=seed, jitter=False, progressbar=False, model=model,
        return_inferencedata=True, idata_kwargs={"include_transformed": False}, options=opts, **options,
    )  # fmt: skip
    post = dt["posterior"].to_dataset()
    point = {str(k): np.asarray(post[k].values, dtype=np.float64).reshape(post[k].shape[2:]) for k in post.data_vars}
    res = dt["optimizer_result"].to_dataset() if "optimizer_result" in dt.children else None
    if res is None:  # pragma: no cover - every PyMC 6 release stores it
        return point, None

    def field(name, default=None):
        return res[name].values.item() if name in res else default

    raw = SimpleNamespace(nit=field("nit", 0), nfev=field("nfev", 0), success=bool(field("success", False)),
                          message=str(field("message", "")), fun=field("fun"))  # fmt: skip
    return point, raw


def free_variable_shapes(model) -> dict:
    """``{name: shape}`` of the free random variables of a PyMC model (untransformed names).

    Raises ``ValueError`` naming ``model`` when it is not a ``pymc.Model``: the check costs no
    compilation, so callers run it before any work.
    """
    pm = import_pymc()
    if not isinstance(model, pm.Model):
        raise ValueError(
            f"model must be a pymc.Model (e.g. from bayesreg.build_model), got {type(model).__name__}"
        )
    shapes = model.eval_rv_shapes()
    return {rv.name: tuple(int(k) for k in shapes[rv.name]) for rv in model.free_RVs}


def import_pytensor_tensor():
    """``pytensor.tensor`` (PyTensor configured first, as for :func:`import_pymc`)."""
    import_pymc()
    import pytensor.tensor as pt

    return pt


def pymc_sample(model, **kwargs):
    """``pm.sample`` on ``model`` with the given keywords; returns PyMC's posterior container.

    PyMC's own pointwise log-likelihood is never asked for (the posterior builder computes it the
    same way for every sampler): PyMC 5 computes it unless told not to, PyMC 6 only when asked.

    ``cores`` (when given) reaches the sampler that runs: PyMC's own NUTS and, on PyMC >= 6, nutpie
    take it from ``pm.sample(cores=)`` (PyMC 6 passes it on to ``nutpie.sample`` itself, so giving
    it again in ``nuts_sampler_kwargs`` is an error there); PyMC 5 does not pass it to nutpie, so
    there it goes in ``nuts_sampler_kwargs``.
    """
    pm = import_pymc()
    if _major(pm) < 6 and kwargs.get("nuts_sampler", "pymc") == "pymc":
        kwargs["idata_kwargs"] = {"log_likelihood": False, **kwargs.get("idata_kwargs", {})}
    if _major(pm) < 6 and kwargs.get("nuts_sampler") == "nutpie" and kwargs.get("cores") is not None:
        kwargs["nuts_sampler_kwargs"] = {"cores": kwargs.pop("cores"), **kwargs.get("nuts_sampler_kwargs", {})}
    elif kwargs.get("cores", 0) is None:
        del kwargs["cores"]
    return pm.sample(model=model, **kwargs)


# --------------------------------------------------------------------------------------------
# ArviZ: the posterior container and the statistics read from it
# --------------------------------------------------------------------------------------------


def make_posterior_data(groups: dict, *, attrs=None):
    """The posterior container this ArviZ expects, from xarray Datasets by group.

    Parameters
    ----------
    groups : dict of str -> xarray.Dataset
        ``{"posterior": ..., "sample_stats": ..., "observed_data": ..., ...}``.
    attrs : dict, optional
        Attributes set on the ``posterior`` group.

    Returns
    -------
    arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
        The same groups, variables and dims either way.
    """
    az = import_arviz()
    if not all(_is_dataset(g) for g in groups.values()):
        raise TypeError("groups must be xarray Datasets")  # pragma: no cover - internal contract
    if _major(az) >= 1:
        import xarray as xr

        idata = xr.DataTree.from_dict(dict(groups))
        if attrs:
            idata["posterior"].attrs.update(attrs)
        return idata
    idata = az.InferenceData(**groups)
    if attrs:
        idata.posterior.attrs.update(attrs)
    return idata


def _is_dataset(obj) -> bool:
    return hasattr(obj, "data_vars") and hasattr(obj, "coords")


def is_posterior_data(obj) -> bool:
    """Whether ``obj`` is the posterior container of this ArviZ version (with a posterior group).

    Raises
    ------
    TypeError
        For the other version's container (an ``InferenceData`` under ArviZ >= 1 or a
        ``DataTree`` under ArviZ 0.x), saying so.
    """
    import xarray as xr

    az = import_arviz()
    is_tree = isinstance(obj, getattr(xr, "DataTree", ()))
    is_idata = type(obj).__name__ == "InferenceData"
    if _major(az) >= 1:
        if is_idata:
            raise TypeError(
                "this is an arviz.InferenceData (ArviZ 0.x), but ArviZ "
                f"{az.__version__} is installed, which works on xarray.DataTree: convert it with "
                "arviz.convert_to_datatree, or refit with this installation"
            )
        return is_tree and "posterior" in obj.children
    if is_tree:
        raise TypeError(
            f"this is an xarray.DataTree (ArviZ >= 1), but ArviZ {az.__version__} is installed, which works on "
            "InferenceData: refit with this installation, or upgrade ArviZ"
        )
    return isinstance(obj, az.InferenceData) and hasattr(obj, "posterior")


def group_dataset(idata, group: str = "posterior"):
    """One group of a posterior container as an ``xarray.Dataset`` (either ArviZ version)."""
    node = idata[group]
    return node.to_dataset() if hasattr(node, "to_dataset") and not _is_dataset_type(node) else node


def group_names(idata) -> list[str]:
    """The names of the groups of a posterior container (either ArviZ version)."""
    if hasattr(idata, "groups") and callable(idata.groups) and not hasattr(idata, "children"):
        return list(idata.groups())
    return list(idata.children)


def _is_dataset_type(obj) -> bool:
    import xarray as xr

    return isinstance(obj, xr.Dataset)


def has_group(idata, group: str) -> bool:
    """Whether the container has ``group`` (either ArviZ version)."""
    children = getattr(idata, "children", None)
    if children is not None:
        return group in children
    return hasattr(idata, group)


def ess(data, method: str = "bulk"):
    """Effective sample size (``"bulk"``, ``"tail"`` or ``"mean"``) of a Dataset or an array."""
    az = import_arviz()
    return az.ess(data, method=method)


def rhat(data, method: str = "rank"):
    """Rank-normalised split R-hat of a Dataset or an array."""
    az = import_arviz()
    return az.rhat(data, method=method)


def mcse(data, method: str = "mean"):
    """Monte Carlo standard error of a Dataset or an array."""
    az = import_arviz()
    return az.mcse(data, method=method)


def diagnostics_table(idata, var_names):
    """ArviZ's diagnostics table (``ess_bulk``, ``ess_tail``, ``r_hat``, ...) as a pandas DataFrame of floats."""
    az = import_arviz()
    if _major(az) >= 1:
        return az.summary(idata, var_names=var_names, kind="diagnostics", round_to="none").astype(float)
    return az.summary(idata, var_names=var_names, kind="diagnostics")


def compare_summary(comparison):
    """``elpd``, ``se``, ``elpd_diff``, ``dse`` of an ``arviz.compare`` table, best model first.

    ArviZ 0.x names the ELPD column ``elpd_loo`` (or ``elpd_waic``), ArviZ >= 1 ``elpd``.
    """
    import pandas as pd

    if not isinstance(comparison, pd.DataFrame) or "elpd_diff" not in comparison.columns:
        raise TypeError("comparison must be the DataFrame returned by arviz.compare")
    elpd = next((c for c in ("elpd", "elpd_loo", "elpd_waic") if c in comparison.columns), None)
    if elpd is None or "se" not in comparison.columns or "dse" not in comparison.columns:
        raise TypeError("comparison must be the DataFrame returned by arviz.compare (no ELPD / se / dse columns)")
    out = pd.DataFrame({"elpd": comparison[elpd], "se": comparison["se"], "elpd_diff": comparison["elpd_diff"],
                        "dse": comparison["dse"]}).astype(float)  # fmt: skip
    return out.sort_values("elpd", ascending=False)
