"""Posterior sampling, side by side: effective draws per second of the Bayesian lasso and ridge.

Samplers, on the same data, model and number of chains (2 chains, 2 cores: one core per chain):

- ``gibbs``: bayesreg's Gibbs sampler on sufficient statistics (:func:`bayesreg.samplers.sample_gibbs`);
- ``pymc-suffstats``: PyMC's own NUTS on ``build_model(..., likelihood="suffstats")`` (O(p^2) per gradient);
- ``nutpie-suffstats``: nutpie's NUTS on the same model;
- ``pymc``: PyMC's own NUTS (``nuts_sampler="pymc"``) on the plain likelihood,
  ``build_model(..., likelihood="normal")``;
- ``nutpie``: nutpie on the plain likelihood, configured as its documentation says
  (``compiled = nutpie.compile_pymc_model(model)``, numba backend, then
  ``nutpie.sample(compiled, chains=2, cores=2, tune=..., draws=...)``). This is also exactly what
  ``pm.sample(nuts_sampler="nutpie")`` runs (PyMC's adapter makes the same two calls), and what PyMC 6
  runs by default when nutpie is installed.

Fairness:

- Every run is a fresh Python process (imports excluded from every time), with BLAS pinned to one
  thread per chain for every sampler alike (``OPENBLAS_NUM_THREADS=1``, ``OMP_NUM_THREADS=1``,
  ``MKL_NUM_THREADS=1`` set in the child's environment before NumPy loads). The BLAS thread count seen
  by the child is recorded (threadpoolctl).
- Compilation is reported apart from sampling for every sampler: PyTensor compilation, model building
  and initialisation for PyMC (the wall time of ``pm.sample`` minus PyMC's own ``sampling_time``);
  ``build_model`` plus ``nutpie.compile_pymc_model`` for nutpie; for Gibbs, the first call of the
  process (numba kernels loaded from the on-disk cache, on the first ``min(n, 2p)`` rows, one tuning
  and one kept draw). ESS/s is the smallest bulk ESS over every coordinate of ``beta``, ``intercept``
  and ``sigma`` divided by the sampling time; a second column divides by sampling + compile.
- A peer run with max R-hat > 1.01 or smallest bulk ESS < 100 is marked "not adapted" and gets no
  ratio. A run that cannot finish within the time budget is not run (and says so).

Usage: ``python benchmarks/sampling.py [--quick]`` writes ``benchmarks/results/sampling.md``
(``sampling-quick.md`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHAINS = 2
VARS = ["beta", "intercept", "sigma"]
SAMPLERS = ["gibbs", "pymc-suffstats", "nutpie-suffstats", "pymc", "nutpie"]
PINNED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MIN_ESS = 100  # below this smallest bulk ESS (or above R-hat 1.01) a peer is "not adapted": no ratio
MAX_RHAT = 1.01

FULL_SIZES = [(5000, 100), (100000, 100), (200, 1000)]
QUICK_SIZES = [(2000, 50)]


def make_data(name: str):
    """The data set called ``name`` (``diabetes`` or ``synthetic NxP``), the same in every process."""
    import numpy as np

    if name == "diabetes":
        from bayesreg.datasets import load_diabetes

        d = load_diabetes(scaled=False)
        X = (d.X - d.X.mean(0)) / d.X.std(0)
        y = (d.y - d.y.mean()) / d.y.std()
        return np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, p = (int(v) for v in name.split()[1].split("x"))
    r = np.random.default_rng(n + p)
    X = r.standard_normal((n, p))
    beta = np.zeros(p)
    k = min(10, p)
    beta[r.choice(p, k, replace=False)] = r.choice([-1.0, 1.0], k) * r.uniform(0.5, 2.0, k)
    y = 1.0 + X @ beta + r.standard_normal(n)
    return X, y


def plan(quick: bool):
    """The runs, in the order they are run: cheap and essential first, the costly plain-likelihood peers last.

    Each entry: ``(data, model, sampler, tune, draws)`` or ``(data, model, sampler, None, reason)``
    for a run left out before it starts.
    """
    it = (300, 300) if quick else (1000, 1000)
    names = ["diabetes"] + [f"synthetic {n}x{p}" for n, p in (QUICK_SIZES if quick else FULL_SIZES)]
    first, last = [], []
    for data in names:
        for model in ("lasso", "ridge"):
            for s in SAMPLERS:
                if data == "synthetic 200x1000" and s != "gibbs":
                    # p > n: NUTS on this lasso runs at maximum tree depth (1023 gradients per draw); 2 x 400
                    # iterations on sufficient statistics had not finished after 25 minutes (PyMC) and 12
                    # minutes (nutpie) in an earlier run here, and the ridge's 200 + 200 iterations did not adapt
                    first.append((data, model, s, None, "not run (time budget: NUTS at maximum tree depth)"))
                elif data == "synthetic 100000x100" and s in ("pymc", "nutpie"):
                    last.append((data, model, s, *it))  # O(n p) per gradient: run only if the budget allows
                else:
                    first.append((data, model, s, *it))
    # the lasso's plain-likelihood peers before the ridge's
    last.sort(key=lambda r: r[1] != "lasso")
    return first + last


# --------------------------------------------------------------------------------------------------------------
# child: one run in a fresh process
# --------------------------------------------------------------------------------------------------------------


def child(spec: dict) -> dict:
    """Run one sampler once; return the times and diagnostics (called in a fresh process)."""
    import warnings

    import numpy as np
    from threadpoolctl import threadpool_info

    sys.path.insert(0, str(ROOT))
    import bayesreg as br
    from bayesreg import _upstream as up

    warnings.simplefilter("ignore")
    X, y = make_data(spec["data"])
    prior = br.ParkCasella(1.0) if spec["model"] == "lasso" else br.Gaussian(1.0)
    s, tune, draws = spec["sampler"], spec["tune"], spec["draws"]
    if s != "gibbs":
        pm = up.import_pymc()
        if s.startswith("nutpie"):
            import nutpie
    up.import_arviz()  # imports are excluded from every time
    blas = sorted({d.get("num_threads") for d in threadpool_info() if d.get("user_api") == "blas"})

    if s == "gibbs":
        from bayesreg.samplers import sample_gibbs

        kw = dict(chains=CHAINS, cores=CHAINS, random_seed=1, progressbar=False, log_likelihood=False, check=False)
        m = min(X.shape[0], 2 * X.shape[1])
        t0 = time.perf_counter()
        sample_gibbs(X[:m], y[:m], prior, draws=1, tune=1, **kw)  # numba kernels: load (or compile) once
        compile_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        idata = sample_gibbs(X, y, prior, draws=draws, tune=tune, **kw)
        sampling_s = time.perf_counter() - t0
    else:
        lik = "suffstats" if s.endswith("suffstats") else "normal"
        t0 = time.perf_counter()
        model = br.build_model(X, y, prior, likelihood=lik)
        if s.startswith("nutpie"):
            compiled = nutpie.compile_pymc_model(model)  # numba backend, the default
            compile_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            idata = nutpie.sample(compiled, chains=CHAINS, cores=CHAINS, tune=tune, draws=draws, seed=1,
                                  progress_bar=False)  # fmt: skip
            sampling_s = time.perf_counter() - t0
        else:
            idata = pm.sample(draws=draws, tune=tune, chains=CHAINS, cores=CHAINS, random_seed=1, model=model,
                              nuts_sampler="pymc", progressbar=False, compute_convergence_checks=False)  # fmt: skip
            wall = time.perf_counter() - t0
            sampling_s = float(up.group_dataset(idata, "sample_stats").attrs["sampling_time"])
            compile_s = wall - sampling_s  # model building, PyTensor compilation, initialisation, process start

    post = up.group_dataset(idata, "posterior")[VARS]
    bulk, tail, rh = up.ess(post, method="bulk"), up.ess(post, method="tail"), up.rhat(post)

    def lo(ds):
        return float(min(np.min(np.asarray(ds[v])) for v in VARS))

    div = 0
    if up.has_group(idata, "sample_stats"):
        st = up.group_dataset(idata, "sample_stats")
        if "diverging" in st:
            div = int(np.asarray(st["diverging"]).sum())
    return {
        "compile": compile_s,
        "sampling": sampling_s,
        "bulk": lo(bulk),
        "tail": lo(tail),
        "rhat": float(max(np.max(np.asarray(rh[v])) for v in VARS)),
        "div": div,
        "blas_threads": blas,
    }


def run_child(spec: dict, timeout: float) -> dict | None:
    """One run in a fresh process with pinned BLAS; ``None`` if it passed ``timeout`` seconds."""
    env = dict(os.environ, **PINNED)
    try:
        res = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    if res.returncode != 0:
        raise RuntimeError(f"run {spec} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------------------
# parent: the plan, the budget, the table
# --------------------------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small problems and short chains (smoke run)")
    ap.add_argument("--budget", type=float, default=None, help="minutes for the whole run (default 33; quick 5)")
    ap.add_argument("--render-only", action="store_true", help="rewrite the Markdown from the last run's rows")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return
    rows_path = HERE / "_data" / ("sampling-rows-quick.json" if args.quick else "sampling-rows.json")
    out = HERE / "results" / ("sampling-quick.md" if args.quick else "sampling.md")
    if args.render_only:
        saved = json.loads(rows_path.read_text())
        out.write_text(render(saved["rows"], saved["total"], args.quick, saved["loads"]))
        print(f"wrote {out} from {rows_path}")
        return
    budget = 60 * (args.budget if args.budget is not None else (5 if args.quick else 33))
    per_run = 480.0
    rows = []
    loads = [os.getloadavg()[0]]
    t_start = time.perf_counter()
    for data, model, s, tune, draws in plan(args.quick):
        row = dict(data=data, model=model, sampler=s)
        if tune is None:
            row["skipped"] = draws
        else:
            left = budget - (time.perf_counter() - t_start)
            row.update(tune=tune, draws=draws)
            if left < 60:
                row["skipped"] = "not run (time budget)"
            else:
                spec = dict(data=data, model=model, sampler=s, tune=tune, draws=draws)
                res = run_child(spec, timeout=min(per_run, left))
                if res is None:
                    row["skipped"] = f"stopped after {min(per_run, left):.0f} s (time budget)"
                else:
                    row.update(res)
        loads.append(os.getloadavg()[0])
        rows.append(row)
        if row.get("skipped"):
            print(f"{data:>20} {model:5} {s:16} {row['skipped']}", flush=True)
        else:
            print(
                f"{data:>20} {model:5} {s:16} {tune}/{draws} compile {row['compile']:6.1f}s sampling "
                f"{row['sampling']:7.1f}s bulk {row['bulk']:6.0f} tail {row['tail']:6.0f} rhat {row['rhat']:.3f} "
                f"div {row['div']} blas {row['blas_threads']} load {loads[-1]:.1f}",
                flush=True,
            )
        rows_path.parent.mkdir(parents=True, exist_ok=True)
        rows_path.write_text(json.dumps({"rows": rows, "total": time.perf_counter() - t_start, "loads": loads}))
    total = time.perf_counter() - t_start
    out.write_text(render(rows, total, args.quick, loads))
    print(f"wrote {out} ({total:.0f} s)")


def adapted(r) -> bool:
    """Whether a run counts: it ran, max R-hat <= 1.01 and smallest bulk ESS >= 100."""
    return not r.get("skipped") and r["rhat"] <= MAX_RHAT and r["bulk"] >= MIN_ESS


def ess_s(r, with_compile=False) -> float:
    """Smallest bulk ESS per second of sampling (or of sampling + compilation)."""
    return r["bulk"] / (r["sampling"] + (r["compile"] if with_compile else 0.0))


def _get(rows, data, model, sampler):
    for r in rows:
        if (r["data"], r["model"], r["sampler"]) == (data, model, sampler):
            return r
    return None


def ratio_text(g, peer, with_compile=False) -> str:
    """Gibbs' ESS/s over the peer's, or why there is none."""
    if peer is None:
        return "-"
    if peer.get("skipped"):
        return "not run"
    if not adapted(peer):
        return "not adapted, no ratio"
    if g is None or g.get("skipped") or not adapted(g):
        return "-"
    return f"{ess_s(g, with_compile) / ess_s(peer, with_compile):.3g}x"


def render(rows, total, quick, loads):
    """The Markdown results file."""
    import importlib.metadata as md

    def ver(name):
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "not installed"

    blas = sorted({t for r in rows if not r.get("skipped") for t in r["blas_threads"]})
    lines = [
        "# Posterior sampling: effective draws per second" + (" (quick run)" if quick else ""),
        "",
        f"Written by `benchmarks/sampling.py{' --quick' if quick else ''}` in one uninterrupted run of "
        f"{total / 60:.1f} min on {platform.machine()} with {os.cpu_count()} cores shared with other jobs "
        f"(1-minute load average {min(loads):.1f} to {max(loads):.1f} during the run, sampled between runs). "
        f"Stack: Python {platform.python_version()}, PyMC {ver('pymc')}, PyTensor {ver('pytensor')}, ArviZ "
        f"{ver('arviz')}, numba {ver('numba')}, nutpie {ver('nutpie')}"
        + (
            " (the current stack, what `pip install` gives a new user; PyMC 6 itself samples with nutpie by "
            "default when nutpie is installed)."
            if int(ver("pymc").split(".")[0]) >= 6
            else " (the floor stack)."
        ),
        "",
        f"{CHAINS} chains on {CHAINS} cores for every sampler, each run in a fresh process (imports excluded), "
        f"BLAS threads pinned to {blas} per process for every sampler alike (`OPENBLAS_NUM_THREADS=1`, "
        "`OMP_NUM_THREADS=1` set before NumPy loads; the count is read back with threadpoolctl). Models: "
        "Bayesian lasso `ParkCasella(lam=1)` and Bayesian ridge `Gaussian(tau=1)`, sigma with the default "
        "inverse-gamma prior, flat intercept, standardised columns. nutpie is configured as its documentation "
        "says (`nutpie.compile_pymc_model(model)`, numba backend, then `nutpie.sample(compiled, chains=2, "
        'cores=2, tune, draws)`; `pm.sample(nuts_sampler="nutpie")` makes the same two calls). PyMC is '
        '`pm.sample(nuts_sampler="pymc")` with its defaults.',
        "",
        "Columns: `compile` = model building and compilation (PyMC: `pm.sample`'s wall time minus its own "
        "`sampling_time`, i.e. PyTensor compilation, initialisation and starting the chain processes; nutpie: "
        "`build_model` + `compile_pymc_model`; Gibbs: the first call of the process, numba kernels loaded from "
        "their on-disk cache). `sampling` = tuning + kept draws. `bulk`/`tail`: smallest bulk / tail ESS over "
        "every coordinate of `beta`, `intercept` and `sigma`. `ESS/s` = smallest bulk ESS / sampling time; "
        "`ESS/s incl. compile` divides by compile + sampling. A peer with max R-hat > 1.01 or smallest bulk "
        f"ESS < {MIN_ESS} is marked *not adapted* and gets no ratio.",
        "",
        "| data | model | sampler | tune/draws | compile | sampling | bulk ESS | tail ESS | max R-hat | div "
        "| ESS/s | ESS/s incl. compile | adapted |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    order = {s: i for i, s in enumerate(SAMPLERS)}
    datas = list(dict.fromkeys(r["data"] for r in rows))
    ordered = sorted(rows, key=lambda r: (datas.index(r["data"]), r["model"] != "lasso", order[r["sampler"]]))
    for r in ordered:
        if r.get("skipped"):
            lines.append(f"| {r['data']} | {r['model']} | {r['sampler']} | {r['skipped']} | | | | | | | | | |")
            continue
        ok = adapted(r)
        cells = [
            r["data"], r["model"], r["sampler"], f"{r['tune']}/{r['draws']}", f"{r['compile']:.1f} s",
            f"{r['sampling']:.1f} s", f"{r['bulk']:.0f}", f"{r['tail']:.0f}", f"{r['rhat']:.3f}", str(r["div"]),
            f"{ess_s(r):.1f}", f"{ess_s(r, True):.1f}", "yes" if ok else "**no**: not adapted, no ratio",
        ]  # fmt: skip
        if not ok:
            cells[4:12] = [f"~~{c}~~" for c in cells[4:12]]
        lines.append("| " + " | ".join(cells) + " |")

    lines += [
        "",
        "## Gibbs against each NUTS: what the sampler adds and what the reformulation adds",
        "",
        "Gibbs' ESS/s divided by the peer's (sampling time; in brackets with compilation counted for both). "
        "Against NUTS on the *same sufficient statistics* the ratio is what the Gibbs sampler itself adds; "
        "against NUTS on the *plain likelihood* it is the sampler and the sufficient-statistics reformulation "
        "together (the plain-likelihood NUTS pays O(n p) per gradient).",
        "",
        "| data | model | vs pymc-suffstats | vs nutpie-suffstats | vs pymc (plain) | vs nutpie (plain) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for data in datas:
        for model in ("lasso", "ridge"):
            g = _get(rows, data, model, "gibbs")
            if g is None:
                continue
            cells = []
            for s in SAMPLERS[1:]:
                peer = _get(rows, data, model, s)
                a, b = ratio_text(g, peer), ratio_text(g, peer, True)
                cells.append(f"{a} ({b})" if a.endswith("x") else a)
            lines.append(f"| {data} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
