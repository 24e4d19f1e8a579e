"""Small timing helpers shared by the benchmarks: medians of repeats and Markdown tables."""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence


def single_threaded() -> None:
    """Pin BLAS/OpenMP/numba to one thread; call before importing numpy.

    On a shared machine, multi-threaded BLAS contends for cores and its timings scatter; the
    coordinate-descent solvers compared here are single-threaded anyway.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def timed(fn: Callable, *args, clock: Callable[[], float] = time.perf_counter, **kwargs):
    """Run ``fn`` once; return ``(result, seconds)`` measured with ``clock``."""
    t0 = clock()
    out = fn(*args, **kwargs)
    return out, clock() - t0


def _child(conn, fn, clock, repeats, rerun_below):
    try:
        out, dt = timed(fn, clock=clock)
        if dt < rerun_below:
            # the first run in a fresh fork pays page faults (copy-on-write of the JIT caches and
            # interpreter state): short runs are timed again, and the first is dropped
            times = [timed(fn, clock=clock)[1] for _ in range(max(repeats, 1))]
            dt = statistics.median(times)
        conn.send(("ok", out, dt))
    except BaseException as exc:  # pragma: no cover - reported to the parent
        conn.send(("error", repr(exc), 0.0))
    finally:
        conn.close()


def timed_with_timeout(
    fn: Callable,
    timeout: float,
    clock: Callable[[], float] = time.process_time,
    repeats: int = 1,
    rerun_below: float = 2.0,
):
    """Run ``fn()`` in a forked child, killed after ``timeout`` wall seconds.

    The child inherits everything already loaded and compiled (fork) and times ``fn`` with
    ``clock`` (CPU time by default: single-threaded solvers on a shared machine). A first run
    shorter than ``rerun_below`` seconds is repeated ``repeats`` times and the median of the
    repeats is returned. Returns ``(result, seconds)``, or ``(None, None)`` on timeout. POSIX only.
    """
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, clock, repeats, rerun_below))
    proc.start()
    child.close()
    msg = None
    if parent.poll(timeout):
        try:
            msg = parent.recv()
        except EOFError:
            msg = None
    if msg is None:
        proc.kill()
    proc.join()
    parent.close()
    if msg is None:
        return None, None
    if msg[0] == "error":
        raise RuntimeError(f"benchmark child failed: {msg[1]}")
    return msg[1], msg[2]


def median_time(
    fn: Callable,
    repeats: int = 3,
    warmup: int = 0,
    budget: float | None = None,
    clock: Callable[[], float] = time.perf_counter,
):
    """Median time of ``fn()`` over ``repeats`` runs (after ``warmup`` untimed runs).

    With ``budget`` (seconds), stop repeating once the runs so far have used it (at least one run).
    Returns ``(median_seconds, last_result, times)``.
    """
    for _ in range(warmup):
        fn()
    times: list[float] = []
    out = None
    for _ in range(max(repeats, 1)):
        out, dt = timed(fn, clock=clock)
        times.append(dt)
        if budget is not None and sum(times) >= budget:
            break
    return statistics.median(times), out, times


def fmt_time(seconds: float | None) -> str:
    """Seconds in a short human form (``-`` for missing)."""
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(r: float | None) -> str:
    """A ratio ``x.xx`` (``-`` for missing)."""
    return "-" if r is None else f"{r:.2f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)


def machine_note() -> str:
    """One line describing where the benchmark ran."""
    return (
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} logical CPUs "
        f"({platform.system()} {platform.release()})"
    )
