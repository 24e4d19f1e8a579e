"""Memory of a default posterior (issue 21): peak RSS and time of ``sample_posterior`` at 200000 x 50.

Two settings on the same data, each run in a fresh process (peak RSS is per process):

- **before**: ``log_likelihood=True``, what the default was before issue 21 (the pointwise
  log-likelihood of every row at every draw: ``n x chains x draws`` float64 values);
- **after**: the default, ``log_likelihood="auto"``, which leaves that group out above
  ``LOG_LIKELIHOOD_AUTO_MAX`` values and says how to add it (``bayesreg.add_log_likelihood``).

The call is ``sample_posterior(X, y, Laplace(0.1))`` with every other argument at its default
(``sampler="auto"``: Gibbs; 2 chains, 1000 draws, 1000 tuning sweeps). Each child first fits a
small problem (so that the numba kernels are loaded from their cache and the timing is of the
run), then records its resident memory, times the call, and reads its peak RSS
(``resource.getrusage``, ``ru_maxrss``). The data (X is 80 MB) are part of both; the table shows
the peak and the increase over the RSS just before the call. Medians of ``--repeats`` runs
(default 3; ``--quick``: one run at 20000 x 50). The machine is shared: the load average at
each run's start is recorded.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_CHILD = r"""
import json, os, resource, sys, time
import numpy as np
import bayesreg as br

n, p, setting = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
load = os.getloadavg()[0]
rng = np.random.default_rng(0)
Xs = rng.standard_normal((200, p)); ys = Xs[:, 0] + rng.standard_normal(200)
br.sample_posterior(Xs, ys, br.Laplace(0.1), draws=20, tune=20, progressbar=False, check=False)  # kernels loaded
X = rng.standard_normal((n, p))
beta = np.zeros(p); beta[:5] = [2.0, -1.5, 1.0, 0.5, -0.5]
y = X @ beta + rng.standard_normal(n)

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

before = rss_mb()
kw = {"log_likelihood": True} if setting == "before" else {}
t0 = time.perf_counter()
post = br.sample_posterior(X, y, br.Laplace(0.1), progressbar=False, **kw)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # (KiB on Linux) -> MB
has_ll = "log_likelihood" in (post.children if hasattr(post, "children") else post.groups())
print(json.dumps({"seconds": dt, "peak_mb": peak, "rss_before_mb": before, "load": load, "log_likelihood": has_ll,
                  "sampler": post.posterior.attrs.get("sampler")}))
"""


def _run(n: int, p: int, setting: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), str(p), setting], capture_output=True, text=True,
                         env=env, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    repeats = 1 if quick else next((int(a.split("=")[1]) for a in argv if a.startswith("--repeats=")), 3)
    n, p = (20_000, 50) if quick else (200_000, 50)
    rows = {}
    start = time.time()
    for setting in ("after", "before"):
        runs = []
        for _ in range(repeats):
            runs.append(_run(n, p, setting))
            print(setting, runs[-1], flush=True)
        rows[setting] = runs
    med = {s: {k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_mb", "rss_before_mb")}
           for s, runs in rows.items()}  # fmt: skip
    lines = [
        "# Memory of a default posterior (issue 21)",
        "",
        f"`sample_posterior(X, y, Laplace(0.1))` at n = {n}, p = {p} (every other argument at its default: "
        f"sampler \"auto\" = {rows['after'][0]['sampler']}, 2 chains, 1000 draws, 1000 tuning sweeps). Each run in a "
        "fresh process, peak resident memory from `getrusage` (`ru_maxrss`); the data (X: "
        f"{n * p * 8 / 1e6:.0f} MB) are in both. Medians of {repeats} run(s); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs shared with other jobs, run "
        f"{time.strftime('%Y-%m-%d', time.gmtime(start))}.",
        "",
        "| setting | log-likelihood stored | peak RSS (MB) | increase during the call (MB) | time (s) "
        "| load average at start |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    labels = {"before": "before: `log_likelihood=True` (the old default)",
              "after": "after: default `log_likelihood=\"auto\"`"}  # fmt: skip
    for s in ("before", "after"):
        m = med[s]
        loads = ", ".join(f"{r['load']:.1f}" for r in rows[s])
        lines.append(f"| {labels[s]} | {'yes' if rows[s][0]['log_likelihood'] else 'no (a note says how to add it)'} "
                     f"| {m['peak_mb']:.0f} | {m['peak_mb'] - m['rss_before_mb']:.0f} | {m['seconds']:.1f} | {loads} |")
    lines += [
        "",
        f"Ratio before / after: peak RSS {med['before']['peak_mb'] / med['after']['peak_mb']:.1f}x, time "
        f"{med['before']['seconds'] / med['after']['seconds']:.1f}x. The group left out holds "
        f"n x chains x draws = {n * 2 * 1000:.3g} values ({n * 2 * 1000 * 8 / 1e9:.2f} GB); "
        "`bayesreg.add_log_likelihood(posterior)` adds it when asked (then `az.loo`).",
        "",
        "Per run (seconds, peak MB): "
        + "; ".join(f"{s}: " + ", ".join(f"({r['seconds']:.1f}, {r['peak_mb']:.0f})" for r in rows[s]) for s in rows),
        "",
    ]
    if not quick:
        (HERE / "results" / "memory.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
