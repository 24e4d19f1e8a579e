"""Small timing helpers shared by the benchmarks: medians of repeats and Markdown tables."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence


def timed(fn: Callable, *args, **kwargs):
    """Run ``fn`` once; return ``(result, seconds)``."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def median_time(fn: Callable, repeats: int = 3, warmup: int = 0, budget: float | None = None):
    """Median wall time of ``fn()`` over ``repeats`` runs (after ``warmup`` untimed runs).

    With ``budget`` (seconds), stop repeating once the runs so far have used it (at least one run).
    Returns ``(median_seconds, last_result, times)``.
    """
    for _ in range(warmup):
        fn()
    times: list[float] = []
    out = None
    for _ in range(max(repeats, 1)):
        out, dt = timed(fn)
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
