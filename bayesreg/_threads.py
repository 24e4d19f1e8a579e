"""How many threads the samplers use: the one home of that rule.

The Gibbs and Polya-Gamma samplers run their chains in threads and let BLAS work inside each
chain. The CPUs they count are those this process may run on (its affinity,
``os.sched_getaffinity``, where the platform has it; else ``os.cpu_count()``), and a limit the
user set on BLAS (``threadpoolctl.threadpool_limits``, or ``OPENBLAS_NUM_THREADS`` /
``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS`` before NumPy loaded, which threadpoolctl reads back
as the libraries' current thread counts) is never raised.
"""

from __future__ import annotations

import os

__all__ = ["available_cpus", "blas_threads", "chain_threads", "chain_workers"]


def available_cpus() -> int:
    """CPUs this process may run on: its affinity mask where the platform has one, else the CPU count."""
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:  # pragma: no cover - platforms that list the call but refuse it
            pass
    return max(1, os.cpu_count() or 1)


def chain_workers(chains: int, cores: int | None = None) -> int:
    """Chains run at once: ``cores`` when given, else one per chain up to :func:`available_cpus`."""
    return min(chains, available_cpus()) if cores is None else int(cores)


def _current_blas_threads() -> int | None:
    """The smallest thread count of the loaded BLAS libraries now (None when none is loaded).

    The smallest: a limit set by the user applies to the libraries loaded at that time, and one
    loaded later (SciPy's own OpenBLAS, say) starts at its default; the user's limit is the one
    to keep.
    """
    from threadpoolctl import threadpool_info

    counts = [int(d["num_threads"]) for d in threadpool_info() if d.get("user_api") == "blas"]
    return min(counts) if counts else None


def blas_threads(cores: int, chains: int) -> int:
    """BLAS threads per chain: the available CPUs shared among the chains running at once.

    ``max(1, available_cpus() // min(cores, chains))``, and never more than BLAS has now (the
    user's limit, or the library's own default).
    """
    share = max(1, available_cpus() // max(1, min(cores, chains)))
    current = _current_blas_threads()
    return share if current is None else max(1, min(share, current))


def chain_threads(cores: int, chains: int):
    """A context manager limiting BLAS to :func:`blas_threads` while the chains run."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=blas_threads(cores, chains), user_api="blas")
