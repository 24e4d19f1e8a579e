"""Logistic regression, side by side: the exact MAP against its peers, and the Polya-Gamma Gibbs sampler against NUTS.

Usage: ``python benchmarks/glm.py [--quick] [--only map,l2,path,first,sampling] [--budget MIN] [--out FILE]
[--cases NxP:PRIOR,...] [--iters TUNE,DRAWS] [--samplers gibbs,nutpie,pymc]``;
writes ``benchmarks/results/glm.md`` (``glm-quick.md`` with ``--quick``; ``--out`` elsewhere). ``l2`` is the
L2 rows of ``map`` alone; ``--cases``, ``--iters`` and ``--samplers`` run chosen sampling rows (e.g.
``--cases 500x1000:horseshoe --iters 300,300``) instead of the whole plan.

Data (the same in every process): Gaussian columns with Toeplitz correlation ``0.5^|i-j|``, a sparse
truth (10 non-zero coefficients, +-U(0.5, 2)), intercept 0.3, Bernoulli labels; ``n = 5000, p = 50``
and ``n = 500, p = 1000``.

**MAP** (one process; every fit in a forked child, CPU-timed, with one BLAS thread for every library):
the L1 MAP ``sum_i loss_i + l1 ||b||_1`` at ``l1 = l1_max / 10`` and ``l1_max / 100`` with an
unpenalised intercept (bayesreg ``glm_fit``, scikit-learn ``saga``, ``skglm.SparseLogisticRegression``),
the same without an intercept (adding ``celer.LogisticRegression``, which fits none), the L2 MAP at
``l2 = 1`` (a N(0, 1) prior; bayesreg, scikit-learn ``lbfgs`` and ``newton-cholesky``), and a
100-``l1`` path from ``l1_max`` down to ``l1_max / 100`` without intercept (bayesreg ``glm_path``,
``celer_path``, skglm ``ProxNewton.path``, scikit-learn ``saga`` warm-started along the grid). The
accuracy of every library's answer is measured by one function,
:func:`bayesreg.solvers.glm.glm_gap`, relative to the null model's loss; the time reported is the time
to reach a relative gap of 1e-8 (every point of a path), each solver's ``tol`` tightened by 10x from
1e-4 until its output gets there; a fit under 2 s is timed again (median of repeats). Every solver is
compiled (warmed up) before timing; the cost of a first fit in a fresh process is a separate table.

**Sampling** (each run a fresh process, 2 chains on 2 cores, BLAS pinned to one thread per chain for
every sampler alike): bayesreg's Polya-Gamma Gibbs (``sample_posterior(..., sampler="gibbs")``),
nutpie (``nutpie.compile_pymc_model`` then ``nutpie.sample``) and PyMC's NUTS
(``nuts_sampler="pymc"``) on the plain PyMC model of ``build_model(..., family="bernoulli")``;
Laplace(1) and horseshoe(1) priors at 5000 x 50, horseshoe at 500 x 1000. ESS/s = the smallest bulk ESS
over ``beta``, ``intercept`` (and ``tau`` for the horseshoe) per second of sampling; a run with max
R-hat > 1.01 or smallest bulk ESS < 100 is "not adapted" and gets no ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from _timing import (  # noqa: E402
    fmt_ratio,
    fmt_time,
    machine_note,
    markdown_table,
    single_threaded,
    timed_with_timeout,
)

single_threaded()  # before numpy: one BLAS thread for every library

import numpy as np  # noqa: E402

TARGET = 1e-8
LADDER = [10.0**-k for k in range(4, 15)]
CHAINS = 2
PINNED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MIN_ESS = 100
MAX_RHAT = 1.01
SIZES = [(5000, 50), (500, 1000)]


# ----------------------------------------------------------------------------- data
def simulate(n, p, rho=0.5, seed=0):
    """Toeplitz-correlated Gaussian columns, 10 non-zero coefficients, Bernoulli labels."""
    rng = np.random.default_rng(seed + n + p)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    c = np.sqrt(1.0 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + c * rng.standard_normal(n)
    k = min(10, p)
    w = np.zeros(p)
    w[rng.choice(p, k, replace=False)] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 2.0, k)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.3 + X @ w)))).astype(float)
    return X, y


def _quiet(fn):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()

    return run


# ----------------------------------------------------------------------------- MAP runners
def _sk_logreg(C, l1_ratio, solver, tol, fit_intercept, **kw):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=tol, fit_intercept=fit_intercept,
                              max_iter=1_000_000, **kw)  # fmt: skip


def l1_runners(l1, n, fit_intercept):
    """Each returns ``(coef, intercept)`` of ``sum loss + l1 |b|_1`` (scikit-learn: C = 1/l1; skglm: alpha = l1/n)."""
    import celer
    import skglm

    from bayesreg.solvers.glm import glm_fit

    def ours(X, y, tol):
        r = glm_fit(X, y, "bernoulli", l1, tol=tol, max_iter=1000, fit_intercept=fit_intercept)
        return r.coef, r.intercept

    def saga(X, y, tol):
        m = _sk_logreg(1.0 / l1, 1.0, "saga", tol, fit_intercept).fit(X, y)
        return m.coef_[0], float(m.intercept_[0]) if fit_intercept else 0.0

    def sg(X, y, tol):
        m = skglm.SparseLogisticRegression(alpha=l1 / n, tol=tol, max_iter=1000, max_epochs=100_000,
                                           fit_intercept=fit_intercept).fit(X, y)  # fmt: skip
        return np.ravel(m.coef_), float(np.ravel(m.intercept_)[0]) if fit_intercept else 0.0

    out = {"bayesreg": ours, "sklearn saga": saga, "skglm": sg}
    if not fit_intercept:

        def ce(X, y, tol):
            m = celer.LogisticRegression(C=1.0 / l1, tol=tol, max_iter=1000, max_epochs=100_000).fit(X, y)
            return m.coef_[0], 0.0

        out["celer"] = ce
    return out


def l2_runners(l2):
    from bayesreg.solvers.glm import glm_fit

    def ours(X, y, tol):
        r = glm_fit(X, y, "bernoulli", l2=l2, tol=tol, max_iter=1000)
        return r.coef, r.intercept

    def sk(solver):
        def fit(X, y, tol):
            m = _sk_logreg(1.0 / l2, 0.0, solver, tol, True).fit(X, y)
            return m.coef_[0], float(m.intercept_[0])

        return fit

    return {"bayesreg": ours, "sklearn lbfgs": sk("lbfgs"), "sklearn newton-cholesky": sk("newton-cholesky")}


def path_runners(grid, n):
    """Paths without intercept over the decreasing grid ``grid`` of l1; each returns the (k, p) coefficients."""
    from celer import celer_path
    from skglm.datafits import Logistic
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    from bayesreg.solvers.glm import glm_path

    def ours(X, y, tol):
        return glm_path(X, y, "bernoulli", grid, tol=tol, max_iter=1000, fit_intercept=False).coefs

    def ce(X, y, tol):
        return celer_path(X, 2 * y - 1, "logreg", alphas=grid, tol=tol, max_iter=1000, max_epochs=100_000)[1].T

    def sg(X, y, tol):
        # ProxNewton (skglm's solver for logistic losses) has no path method: warm starts along the grid
        solver = ProxNewton(tol=tol, fit_intercept=False, max_iter=1000)
        ypm, w, out = 2 * y - 1, None, []
        for a in grid / n:
            w = solver.solve(X, ypm, Logistic(), L1(alpha=a), w_init=w, Xw_init=None if w is None else X @ w)[0]
            out.append(w.copy())
        return np.array(out)

    def saga(X, y, tol):
        m = _sk_logreg(1.0 / grid[0], 1.0, "saga", tol, False, warm_start=True)
        out = []
        for l1 in grid:
            m.set_params(C=1.0 / l1)
            out.append(m.fit(X, y).coef_[0].copy())
        return np.array(out)

    return {"bayesreg": ours, "celer": ce, "skglm": sg, "sklearn saga (warm starts)": saga}


def warm_up(l2_only=False):
    """Compile every numba/JIT solver once, outside the timings (bayesreg's compiled CD: a large working set)."""
    from bayesreg.solvers.glm import glm_l1_max

    X, y = simulate(60, 120, seed=1)
    top = glm_l1_max(X, y, "bernoulli")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if l2_only:
            for fn in l2_runners(1.0).values():
                fn(X, y, 1e-6)
            return
        for fi in (True, False):
            for fn in l1_runners(top / 20, X.shape[0], fi).values():
                fn(X, y, 1e-6)
        for fn in l2_runners(1.0).values():
            fn(X, y, 1e-6)
        top0 = glm_l1_max(X, y, "bernoulli", fit_intercept=False)
        for fn in path_runners(top0 * np.geomspace(1.0, 0.05, 4), X.shape[0]).values():
            fn(np.asfortranarray(X), y, 1e-6)  # the paths are timed on column-ordered X (numba compiles per layout)


# ----------------------------------------------------------------------------- MAP protocol
def time_to_gap(fit, gap_of, repeats, cap):
    """Tighten tol until ``gap_of(fit(tol)) <= TARGET``; a record with the median CPU time (see solvers.py)."""
    start = time.perf_counter()
    gap, dt, tol = np.inf, None, LADDER[0]
    for tol in LADDER:
        left = cap - (time.perf_counter() - start)
        if left <= 1.0:
            return {"time": None, "tol": tol, "gap": gap, "ok": False, "why": f"> {cap:.0f} s wall in all"}
        out, dt = timed_with_timeout(_quiet(lambda: fit(tol)), left, repeats=1, rerun_below=0.0)
        if out is None:
            return {"time": None, "tol": tol, "gap": gap, "ok": False, "why": f"> {cap:.0f} s wall in all"}
        gap = gap_of(out)
        if gap <= TARGET:
            if dt < 2.0 and repeats > 1:
                _, dt2 = timed_with_timeout(_quiet(lambda: fit(tol)), cap, repeats=repeats)
                dt = dt2 if dt2 is not None else dt
            return {"time": dt, "tol": tol, "gap": gap, "ok": True}
    return {"time": dt, "tol": tol, "gap": gap, "ok": False, "why": f"gap {gap:.1e} at tol {tol:g}"}


def cell(rec):
    if rec is None:
        return "-"
    if not rec["ok"]:
        return f"fail ({rec['why']})"
    return f"{fmt_time(rec['time'])} (tol {rec['tol']:g})"


def ratio_row(name, recs, ours="bayesreg"):
    peers = {k: v for k, v in recs.items() if k != ours and v["ok"]}
    best = min(peers, key=lambda k: peers[k]["time"]) if peers else None
    r = recs[ours]["time"] / peers[best]["time"] if best and recs[ours]["ok"] else None
    return [name, *[cell(v) for v in recs.values()], best or "-", fmt_ratio(r)], r, best


def bench_map(quick, log, l2_only=False):
    from bayesreg.solvers.glm import glm_gap, glm_l1_max

    sections, notes = [], []
    sizes = [(2000, 30), (200, 400)] if quick else SIZES
    cap = 20.0 if quick else 30.0
    for fi in () if l2_only else (True, False):
        rows, names = [], None
        for n, p in sizes:
            X, y = simulate(n, p)
            top = glm_l1_max(X, y, "bernoulli", fit_intercept=fi)
            for div in (10, 100):
                l1 = top / div
                runners = l1_runners(l1, n, fi)
                names = list(runners)
                recs = {}
                for sname, fn in runners.items():
                    recs[sname] = time_to_gap(
                        lambda tol, fn=fn: fn(X, y, tol),
                        lambda out, l1=l1: glm_gap(X, y, "bernoulli", out[0], out[1], l1, fit_intercept=fi).relative,
                        1 if quick else 5,
                        cap,
                    )
                    log(f"  L1 {'intercept' if fi else 'no intercept'} {n}x{p} l1_max/{div} {sname}: "
                        f"{cell(recs[sname])}")  # fmt: skip
                row, r, best = ratio_row(f"{n} x {p}, l1_max/{div}", recs)
                rows.append(row)
                notes.append((f"L1 {'with' if fi else 'without'} intercept, {n} x {p}, l1_max/{div}", r, best))
        title = "L1 MAP with an unpenalised intercept" if fi else "L1 MAP without intercept (celer fits none)"
        sections.append((title, markdown_table(["problem", *names, "fastest peer", "bayesreg / fastest"], rows)))
    rows, names = [], None
    for n, p in sizes:
        X, y = simulate(n, p)
        runners = l2_runners(1.0)
        names = list(runners)
        recs = {}
        for sname, fn in runners.items():
            recs[sname] = time_to_gap(
                lambda tol, fn=fn: fn(X, y, tol),
                lambda out: glm_gap(X, y, "bernoulli", out[0], out[1], 0.0, 1.0).relative,
                1 if quick else 5,
                cap,
            )
            log(f"  L2 {n}x{p} {sname}: {cell(recs[sname])}")
        row, r, best = ratio_row(f"{n} x {p}, l2 = 1", recs)
        rows.append(row)
        notes.append((f"L2, {n} x {p}", r, best))
    sections.append(
        ("L2 MAP (N(0, 1) prior, l2 = 1) with intercept", markdown_table(["problem", *names, "fastest peer",
                                                                           "bayesreg / fastest"], rows))  # fmt: skip
    )
    return sections, notes


def bench_path(quick, log):
    from bayesreg.solvers.glm import glm_gap, glm_l1_max

    sizes = [(2000, 30), (200, 400)] if quick else SIZES
    rows, notes, names = [], [], None
    for n, p in sizes:
        X, y = simulate(n, p)
        Xf = np.asfortranarray(X)
        grid = glm_l1_max(X, y, "bernoulli", fit_intercept=False) * np.geomspace(1.0, 1e-2, 100)
        runners = path_runners(grid, n)
        names = list(runners)

        def worst(C):
            return max(glm_gap(X, y, "bernoulli", c, 0.0, l1, fit_intercept=False).relative for c, l1 in zip(C, grid))

        recs = {}
        for sname, fn in runners.items():
            recs[sname] = time_to_gap(lambda tol, fn=fn: fn(Xf, y, tol), worst, 1 if quick else 3,
                                      40.0 if not quick else 20.0)  # fmt: skip
            log(f"  path {n}x{p} {sname}: {cell(recs[sname])}")
        row, r, best = ratio_row(f"{n} x {p}", recs)
        rows.append(row)
        notes.append((f"path {n} x {p}", r, best))
    return markdown_table(["100 l1 values, no intercept", *names, "fastest peer", "bayesreg / fastest"], rows), notes


# ----------------------------------------------------------------------------- first fit in a fresh process
def child_first(spec):
    """Import, then time the first and the second fit of one solver (compilation or cache loading in the first)."""
    from bayesreg.solvers.glm import glm_l1_max

    n, p = spec["n"], spec["p"]
    X, y = simulate(n, p)
    l1 = glm_l1_max(X, y, "bernoulli", fit_intercept=False) / 100
    fn = l1_runners(l1, n, False)[spec["solver"]]
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        _quiet(lambda: fn(X, y, 1e-8))()
        times.append(time.perf_counter() - t0)
    return {"first": times[0], "second": times[1]}


def bench_first(quick, log):
    rows = []
    n, p = (200, 400) if quick else (500, 1000)
    for s in ("bayesreg", "skglm", "celer"):  # scikit-learn's saga is compiled ahead of time (Cython)
        res = run_child({"mode": "first", "solver": s, "n": n, "p": p}, 300)
        if res is None:
            rows.append([s, "-", "-", "-"])
            continue
        rows.append([s, fmt_time(res["first"]), fmt_time(res["second"]), fmt_time(res["first"] - res["second"])])
        log(f"  first fit {s}: {rows[-1]}")
    return markdown_table(["solver", "first fit (fresh process)", "second fit", "difference (compile / load)"],
                          rows)  # fmt: skip


# ----------------------------------------------------------------------------- sampling
SAMPLERS = ["gibbs", "nutpie", "pymc"]


def child_sample(spec):
    """One sampler run in a fresh process; returns times and diagnostics."""
    from threadpoolctl import threadpool_info

    import bayesreg as br
    from bayesreg import _upstream as up

    warnings.simplefilter("ignore")
    n, p = spec["n"], spec["p"]
    X, y = simulate(n, p)
    prior = br.Laplace(1.0) if spec["prior"] == "laplace" else br.Horseshoe(1.0)
    s, tune, draws = spec["sampler"], spec["tune"], spec["draws"]
    if s != "gibbs":
        pm = up.import_pymc()
        if s == "nutpie":
            import nutpie
    up.import_arviz()
    blas = sorted({d.get("num_threads") for d in threadpool_info() if d.get("user_api") == "blas"})
    kw = dict(family="bernoulli", progressbar=False, check=False)
    if s == "gibbs":
        m = min(n, 2 * p)
        t0 = time.perf_counter()
        br.sample_posterior(X[:m], y[:m], prior, sampler="gibbs", draws=2, tune=1, chains=CHAINS, **kw)
        compile_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        idata = br.sample_posterior(X, y, prior, sampler="gibbs", draws=draws, tune=tune, chains=CHAINS,
                                    random_seed=1, **kw)  # fmt: skip
        sampling_s = time.perf_counter() - t0
    else:
        t0 = time.perf_counter()
        model = br.build_model(X, y, prior, family="bernoulli")
        if s == "nutpie":
            compiled = nutpie.compile_pymc_model(model)
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
            compile_s = wall - sampling_s
    names = ["beta", "intercept"] + (["tau"] if spec["prior"] == "horseshoe" else [])
    post = up.group_dataset(idata, "posterior")[names]
    bulk, tail, rh = up.ess(post, method="bulk"), up.ess(post, method="tail"), up.rhat(post)
    res = {"compile": compile_s, "sampling": sampling_s, "blas_threads": blas}
    for v in names:
        res[f"bulk_{v}"] = float(np.min(np.asarray(bulk[v])))
        res[f"tail_{v}"] = float(np.min(np.asarray(tail[v])))
        res[f"rhat_{v}"] = float(np.max(np.asarray(rh[v])))
    res["bulk"] = min(res[f"bulk_{v}"] for v in names)
    res["tail"] = min(res[f"tail_{v}"] for v in names)
    res["rhat"] = max(res[f"rhat_{v}"] for v in names)
    div = 0
    if up.has_group(idata, "sample_stats"):
        st = up.group_dataset(idata, "sample_stats")
        if "diverging" in st:
            div = int(np.asarray(st["diverging"]).sum())
    res["div"] = div
    return res


def run_child(spec, timeout):
    env = dict(os.environ, **PINNED)
    try:
        res = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    if res.returncode != 0:
        raise RuntimeError(f"run {spec} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def sampling_plan(quick, cases=None, iters=None, samplers=None):
    """The sampling runs: every (data, prior) case by every sampler; ``cases``/``iters``/``samplers`` override."""
    it = iters or ((300, 300) if quick else (1000, 1000))
    cases = cases or ([(1000, 20, "laplace"), (300, 200, "horseshoe")] if quick else [
        (5000, 50, "laplace"), (5000, 50, "horseshoe"), (500, 1000, "horseshoe")])  # fmt: skip
    first, last = [], []
    for n, p, prior in cases:
        for s in samplers or SAMPLERS:
            spec = dict(mode="sample", n=n, p=p, prior=prior, sampler=s, tune=it[0], draws=it[1])
            (last if (s == "pymc" and p > n) else first).append(spec)
    return first + last


def adapted(r):
    return r is not None and not r.get("skipped") and r["rhat"] <= MAX_RHAT and r["bulk"] >= MIN_ESS


def bench_sampling(quick, budget_s, log, **plan):
    rows = []
    t0 = time.perf_counter()
    for spec in sampling_plan(quick, **plan):
        left = budget_s - (time.perf_counter() - t0)
        row = dict(spec)
        if left < 60:
            row["skipped"] = "not run (time budget)"
        else:
            limit = min(480.0 if not quick else 120.0, left)
            res = run_child(spec, limit)
            if res is None:
                row["skipped"] = f"stopped after {limit:.0f} s (time budget)"
            else:
                row.update(res)
        row["load"] = os.getloadavg()[0]
        rows.append(row)
        log(f"  sample {spec['n']}x{spec['p']} {spec['prior']} {spec['sampler']}: "
            + (row["skipped"] if row.get("skipped") else
               f"compile {row['compile']:.1f}s sampling {row['sampling']:.1f}s bulk {row['bulk']:.0f} "
               f"rhat {row['rhat']:.3f} div {row['div']} blas {row['blas_threads']}"))  # fmt: skip
    return rows


def render_sampling(rows):
    lines = [
        "| data | prior | sampler | tune/draws | compile | sampling | min bulk ESS (beta / intercept / tau) "
        "| min tail ESS | max R-hat | div | ESS/s | adapted |",
        "|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        head = f"| {r['n']} x {r['p']} | {r['prior']} | {r['sampler']} | {r['tune']}/{r['draws']} |"
        if r.get("skipped"):
            lines.append(f"{head} | | {r['skipped']} | | | | | |")
            continue
        per = " / ".join(f"{r[k]:.0f}" for k in ("bulk_beta", "bulk_intercept", "bulk_tau") if k in r)
        ok = adapted(r)
        lines.append(
            f"{head} {r['compile']:.3g} s | {r['sampling']:.3g} s | {per} | {r['tail']:.0f} | {r['rhat']:.3f} | "
            f"{r['div']} | {r['bulk'] / r['sampling']:.4g} | {'yes' if ok else '**no**: not adapted, no ratio'} |"
        )
    lines += ["", "| data | prior | Gibbs ESS/s over nutpie's | over PyMC NUTS' |", "|---|---|---:|---:|"]
    keys = list(dict.fromkeys((r["n"], r["p"], r["prior"]) for r in rows))
    verdict = []
    for n, p, prior in keys:
        got = {r["sampler"]: r for r in rows if (r["n"], r["p"], r["prior"]) == (n, p, prior)}
        g = got.get("gibbs")
        cells = []
        for s in ("nutpie", "pymc"):
            peer = got.get(s)
            if peer is None or peer.get("skipped"):
                cells.append("not run")
            elif not adapted(peer):
                cells.append("not adapted, no ratio")
            elif not adapted(g):
                cells.append("Gibbs not adapted")
            else:
                ratio = (g["bulk"] / g["sampling"]) / (peer["bulk"] / peer["sampling"])
                cells.append(f"{ratio:.3g}x")
                if s == "nutpie":
                    verdict.append((n, p, prior, ratio))
        lines.append(f"| {n} x {p} | {prior} | " + " | ".join(cells) + " |")
    return "\n".join(lines), verdict


# ----------------------------------------------------------------------------- main
def _sampling_args(ap, args):
    """``--cases``, ``--iters``, ``--samplers`` parsed (``ap.error`` naming the option on a bad value)."""
    import re

    plan = {"cases": None, "iters": None, "samplers": None}
    if args.cases:
        plan["cases"] = []
        for c in args.cases.split(","):
            m = re.fullmatch(r"\s*(\d+)x(\d+):(laplace|horseshoe)\s*", c)
            if m is None:
                ap.error(f"--cases: expected NxP:laplace or NxP:horseshoe, got {c!r}")
            plan["cases"].append((int(m[1]), int(m[2]), m[3]))
    if args.iters:
        m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", args.iters)
        if m is None or int(m[2]) < 1:
            ap.error(f"--iters: expected TUNE,DRAWS (integers, DRAWS >= 1), got {args.iters!r}")
        plan["iters"] = (int(m[1]), int(m[2]))
    if args.samplers:
        plan["samplers"] = [v.strip() for v in args.samplers.split(",")]
        bad = [v for v in plan["samplers"] if v not in SAMPLERS]
        if bad:
            ap.error(f"--samplers: unknown {bad}; choose from {SAMPLERS}")
    return plan


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small problems, short chains (smoke run)")
    ap.add_argument("--only", default="map,path,first,sampling", help="comma-separated sections (l2: map's L2 rows)")
    ap.add_argument("--out", default=None, help="write the results here instead of benchmarks/results/")
    ap.add_argument("--budget", type=float, default=None, help="minutes for the sampling runs (default 18)")
    ap.add_argument("--cases", default=None, help="sampling rows, e.g. 500x1000:horseshoe,5000x50:laplace")
    ap.add_argument("--iters", default=None, help="sampling tune,draws per chain (default 1000,1000)")
    ap.add_argument("--samplers", default=None, help="comma-separated, of gibbs,nutpie,pymc (default all)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        spec = json.loads(args.child)
        res = child_first(spec) if spec["mode"] == "first" else child_sample(spec)
        print(json.dumps(res), flush=True)
        return
    sections = set(args.only.split(","))
    plan = _sampling_args(ap, args)  # checked before any run
    start = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - start:7.1f} s] {msg}", flush=True)

    import importlib.metadata as md

    def ver(name):
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "not installed"

    loads = [os.getloadavg()[0]]
    parts = [
        "# Logistic regression: the exact MAP and the Polya-Gamma Gibbs sampler against their peers"
        + (" (quick run)" if args.quick else ""),
        "",
        f"Generated by `benchmarks/glm.py{' --quick' if args.quick else ''}` in one run. {machine_note()}. "
        f"scikit-learn {ver('scikit-learn')}, skglm {ver('skglm')}, celer {ver('celer')}, PyMC {ver('pymc')}, "
        f"nutpie {ver('nutpie')}, polyagamma {ver('polyagamma')}, numba {ver('numba')}.",
        "",
    ]
    notes = []
    l2_only = "l2" in sections and not {"map", "path"} & sections
    if "map" in sections or "path" in sections or "l2" in sections:
        log("warming up (compiling every JIT solver)")
        warm_up(l2_only)
        parts += [
            "Solvers: time to a relative duality gap of 1e-8 (`glm_gap(...).relative`, the gap over the null "
            "model's loss, computed here for every library's answer), `tol` tightened 10x from 1e-4 until the "
            "answer gets there, within 30 s wall per solver and problem (40 s per path); CPU seconds of a forked "
            "child with one BLAS thread for every library, medians of repeats for fits under 2 s. In brackets the "
            "`tol` that reached the target. Ratios below 1: bayesreg faster.",
            "",
        ]
    if "map" in sections or "l2" in sections:
        log("MAP at one l1 / l2")
        secs, n1 = bench_map(args.quick, log, l2_only="map" not in sections)
        notes += n1
        for title, table in secs:
            parts += [f"## {title}", "", table, ""]
    if "path" in sections:
        log("100-l1 paths")
        table, n2 = bench_path(args.quick, log)
        notes += n2
        parts += ["## L1 path: 100 values from l1_max to l1_max/100, no intercept", "", table, ""]
    if "first" in sections:
        log("first fit in a fresh process")
        parts += ["## First fit in a fresh process (wall time, 500 x 1000 without intercept at l1_max/100, "
                  "tol 1e-8)", "", bench_first(args.quick, log), ""]  # fmt: skip
    verdict = []
    if "sampling" in sections:
        log("sampling")
        budget = 60 * (args.budget if args.budget is not None else (5 if args.quick else 18))
        rows = bench_sampling(args.quick, budget, log, **plan)
        loads += [r["load"] for r in rows]
        table, verdict = render_sampling(rows)
        blas = sorted({t for r in rows if not r.get("skipped") for t in r["blas_threads"]})
        parts += [
            "## Sampling: smallest bulk ESS per second",
            "",
            f"{CHAINS} chains on {CHAINS} cores, each run a fresh process (imports excluded), BLAS threads "
            f"{blas} per chain for every sampler. `compile`: Gibbs: the first call of the process (a 2-draw run "
            "on the first min(n, 2p) rows; NumPy and polyagamma, nothing to compile); nutpie: `build_model` + "
            "`compile_pymc_model`; PyMC: `pm.sample`'s wall time minus its `sampling_time`. `sampling` = tuning "
            "+ kept draws. Peers run with their defaults (target_accept 0.8).",
            "",
            table,
            "",
        ]
    parts += ["## Targets", ""]
    for name, r, best in notes:
        if r is None:
            parts.append(f"- {name}: no ratio (a solver did not reach the target).")
        elif r > 1.0:
            parts.append(f"- {name}: **missed** 'no slower than the fastest peer' ({best}): {r:.2f}.")
        else:
            parts.append(f"- {name}: met ({r:.2f} of {best}).")
    for n, p, prior, ratio in verdict:
        parts.append(f"- sampler {n} x {p} {prior}: {'ahead of' if ratio > 1 else '**behind**'} nutpie "
                     f"({ratio:.3g}x).")  # fmt: skip
    loads.append(os.getloadavg()[0])
    parts += ["", f"1-minute load average {min(loads):.1f} to {max(loads):.1f} during the run. "
              f"Total benchmark time: {time.perf_counter() - start:.0f} s.", ""]  # fmt: skip
    out = Path(args.out) if args.out else HERE / "results" / ("glm-quick.md" if args.quick else "glm.md")
    out.write_text("\n".join(parts))
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
