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
    "plot_compare",
    "plot_density",
    "plot_forest",
    "pymc_sample",
    "rhat",
    "run_find_map",
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


def import_arviz():
    """Import ArviZ without its once-a-day FutureWarning about the 1.0 refactor."""
    if "arviz" in sys.modules:
        return sys.modules["arviz"]
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"[\s\S]*ArviZ is undergoing a major refactor", category=FutureWarning
        )
        import arviz

    return arviz


def import_pymc():
    """Import PyMC (configuring PyTensor and importing ArviZ quietly first); return the module."""
    if "pymc" in sys.modules:
        return sys.modules["pymc"]
    configure_pytensor()
    import_arviz()
    import pymc

    return pymc


def run_find_map(model, *, start=None, method="L-BFGS-B", maxeval=50_000, seed=None, **options):
    """Call ``pm.find_MAP`` and return ``(point dict of arrays, raw SciPy OptimizeResult or None)``.

    PyMC 5 returns a dict (with ``return_raw=True`` a pair with SciPy's result); later versions
    may return other containers. This function normalises them to plain float64 arrays keyed by
    variable name, the transformed (unconstrained) values left out.
    """
    import numpy as np

    pm = import_pymc()
    out = pm.find_MAP(
        start=start,
        method=method,
        maxeval=maxeval,
        model=model,
        return_raw=True,
        include_transformed=False,
        progressbar=False,
        seed=seed,
        **options,
    )
    if isinstance(out, tuple):
        point, raw = out
    else:  # pragma: no cover - future PyMC returning only the point
        point, raw = out, None
    if hasattr(point, "posterior"):  # pragma: no cover - InferenceData-style return
        post = point.posterior
        point = {k: post[k].values.reshape(post[k].shape[2:]) for k in post.data_vars}
    return {str(k): np.asarray(v, dtype=np.float64) for k, v in dict(point).items()}, raw


def import_pytensor_tensor():
    """``pytensor.tensor`` (PyTensor configured first, as for :func:`import_pymc`)."""
    import_pymc()
    import pytensor.tensor as pt

    return pt


def pymc_sample(model, **kwargs):
    """``pm.sample`` on ``model`` with the given keywords; returns PyMC's posterior container."""
    pm = import_pymc()
    return pm.sample(model=model, **kwargs)


# --------------------------------------------------------------------------------------------
# ArviZ: the posterior container and the statistics read from it
# --------------------------------------------------------------------------------------------


def make_posterior_data(groups: dict, *, coords=None, dims=None, attrs=None):
    """The posterior container ArviZ expects, from groups of arrays or of xarray Datasets.

    Parameters
    ----------
    groups : dict
        ``{"posterior": {...}, "sample_stats": {...}, "observed_data": {...}, ...}``; each group
        a dict of arrays (``(chain, draw, ...)`` for sampled groups) or an ``xarray.Dataset``.
    coords, dims : dict, optional
        Coordinates and per-variable dims for the array groups.
    attrs : dict, optional
        Attributes set on the ``posterior`` group.

    Returns
    -------
    arviz.InferenceData
    """
    az = import_arviz()
    kinds = {_is_dataset(g) for g in groups.values()}
    if kinds == {True}:
        idata = az.InferenceData(**groups)
    elif kinds == {False}:
        idata = az.from_dict(**groups, coords=coords, dims=dims)
    else:  # pragma: no cover - internal contract
        raise TypeError("groups must be all arrays or all xarray Datasets")
    if attrs:
        idata.posterior.attrs.update(attrs)
    return idata


def _is_dataset(obj) -> bool:
    return hasattr(obj, "data_vars") and hasattr(obj, "coords")


def is_posterior_data(obj) -> bool:
    """Whether ``obj`` is the posterior container of this ArviZ version (with a posterior group)."""
    az = import_arviz()
    return isinstance(obj, az.InferenceData) and hasattr(obj, "posterior")


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
    """ArviZ's diagnostics table (mcse, ess_bulk, ess_tail, r_hat) as a pandas DataFrame."""
    az = import_arviz()
    return az.summary(idata, var_names=var_names, kind="diagnostics")


def plot_forest(idatas, *, model_names, var_names, hdi_prob, ax):
    """ArviZ's forest plot of several posteriors (chains combined) on ``ax``."""
    az = import_arviz()
    return az.plot_forest(idatas, model_names=model_names, var_names=var_names, combined=True, hdi_prob=hdi_prob,
                          ax=ax)  # fmt: skip


def plot_density(idatas, **kwargs):
    """ArviZ's overlaid posterior densities."""
    az = import_arviz()
    return az.plot_density(idatas, **kwargs)


def plot_compare(comparison, *, ax):
    """ArviZ's plot of a model comparison table (ELPD by PSIS-LOO), without the in-sample deviance."""
    az = import_arviz()
    return az.plot_compare(comparison, ax=ax, insample_dev=False)
