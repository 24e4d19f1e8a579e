"""Which implementation runs a solve or a Gibbs chain: plain NumPy or the numba kernels.

The numba kernels are fast once compiled, but the first call after an install compiles them
(10-30 s), and even a warm cache costs a fresh process about half a second (importing numba
and loading the cached machine code). A small problem is done in NumPy long before that, so
small problems take a NumPy route that needs no compiler: the same algorithm maths, the same
duality-gap certificate and stopping rule (solvers), the same conditionals (Gibbs), the same
result types. The size rule is here and only here (:func:`use_numpy_solver`,
:func:`use_numpy_sampler`); :func:`force_route` overrides it (tests compare the two routes).

For large problems the kernels compile once, and the user is told so
(:func:`compile_notice`, and the Gibbs progress bar's "compiling" phase).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

__all__ = ["use_numpy_solver", "use_numpy_sampler", "force_route", "compile_notice", "is_compiling"]

# Solvers: the NumPy route sweeps one coordinate per Python step (~3 us) on the p x p Gram and
# finishes with an exact active-set solve, so its cost grows with p (not n: the Gram is one BLAS
# product). Up to this many features a solve to tol 1e-14 takes a few ms (measured in
# benchmarks/results/first_run.md), well under what a fresh process pays to load the kernels.
SOLVER_MAX_P = 40
# Gibbs: a NumPy sweep costs ~60-150 us at p <= 20 (a p x p Cholesky and two triangular solves
# plus Python overhead) against ~5 us compiled, so NumPy wins while the whole run is short:
# at most this many features and this many sweeps in all (chains x (tune + draws)).
SAMPLER_MAX_P = 25
SAMPLER_MAX_SWEEPS = 40_000

_ROUTES = (None, "numpy", "compiled")
_forced: str | None = None


def use_numpy_solver(n: int, p: int) -> bool:
    """Whether a solve on ``n x p`` data takes the NumPy route (see :data:`SOLVER_MAX_P`)."""
    if _forced is not None:
        return _forced == "numpy"
    return p <= SOLVER_MAX_P


def use_numpy_sampler(p: int, sweeps: int) -> bool:
    """Whether a Gibbs run with ``p`` features and ``sweeps`` sweeps in all takes the NumPy route."""
    if _forced is not None:
        return _forced == "numpy"
    return p <= SAMPLER_MAX_P and sweeps <= SAMPLER_MAX_SWEEPS


@contextmanager
def force_route(route: str | None):
    """Run the block with every solve and Gibbs run on ``route``: ``"numpy"``, ``"compiled"`` or None (the rule).

    Parameters
    ----------
    route : {"numpy", "compiled", None}
    """
    global _forced
    if route not in _ROUTES:
        raise ValueError(f"route must be 'numpy', 'compiled' or None; got {route!r}")
    before = _forced
    _forced = route
    try:
        yield
    finally:
        _forced = before


def is_compiling(dispatcher) -> bool:
    """Whether numba found no cached machine code for ``dispatcher`` in this process (so it compiles).

    Numba counts a cache miss just before it starts compiling a signature. Older or newer numba
    releases without the counter answer False (no message rather than a wrong one).
    """
    misses = getattr(dispatcher, "_cache_misses", None)
    try:
        return bool(misses) and sum(misses.values()) > 0
    except (TypeError, AttributeError):
        return False


_told: set[str] = set()


@contextmanager
def compile_notice(dispatcher, what: str, delay: float = 0.5):
    """Say once per process, on stderr, that ``what`` kernels are being compiled, if they are.

    Nothing is said when the kernel is already loaded, when numba's cache has it, or when the
    call returns within ``delay`` seconds.
    """
    if what in _told or getattr(dispatcher, "signatures", ()):
        yield
        return
    done = threading.Event()

    def tell():
        if not done.is_set() and is_compiling(dispatcher) and what not in _told:
            _told.add(what)
            print(f"bayesreg: compiling {what} kernels (first run only; cached for later runs)...", file=sys.stderr,
                  flush=True)  # fmt: skip

    timer = threading.Timer(delay, tell)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        done.set()
        timer.cancel()
