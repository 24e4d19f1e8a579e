"""Exact MAP against pm.find_MAP on the diabetes data; find_MAP's options at the L1 kink; PyTensor BLAS.

Run: ``.venv/bin/python benchmarks/map.py [--quick]``. Writes ``benchmarks/results/map.md``.

1. Wall time of the exact MAP (:func:`bayesreg.map_estimate`, coordinate descent to a 1e-14 relative
   duality gap) and of find_MAP (:func:`bayesreg.find_map`, two stages, and plain ``pm.find_MAP``
   with its defaults), first call in a fresh subprocess (imports excluded; numba / PyTensor
   compilation and model building included) and warm (median of repeated calls in one process).
   Target: the exact MAP's first call under 1% of find_MAP's first call; every time is also given as a
   fraction of plain ``pm.find_MAP``'s (PyMC's own function), the fair reference.
2. Accuracy of find_MAP's optimiser choices against the exact MAP (objective excess, coefficient
   error relative to the largest coefficient, largest |coefficient| where the MAP is exactly zero).
3. PyTensor's gradient with the bundled OpenBLAS linked (bayesreg's configuration) and without BLAS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "map.md"

PRELUDE = """
import json, time, numpy as np, warnings
warnings.simplefilter("error", Warning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
import bayesreg as br
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True)
prior = br.Laplace(50.0); sigma = 54.0
"""

FIRST = {
    "exact MAP (map_estimate)": "t = time.perf_counter(); r = br.map_estimate(X, y, prior, sigma=sigma)",
    "find_map (L-BFGS-B + Powell)": (
        "import bayesreg._upstream as bp; bp.import_pymc()\n"
        "t = time.perf_counter(); r = br.find_map(br.build_model(X, y, prior, sigma=sigma))"
    ),
    "pm.find_MAP (defaults)": (
        "import bayesreg._upstream as bp; pm = bp.import_pymc()\n"
        "t = time.perf_counter(); m = br.build_model(X, y, prior, sigma=sigma)\n"
        "r = pm.find_MAP(model=m, progressbar=False)"
    ),
}


def first_call(label: str, reps: int, cold: bool = False) -> list[float]:
    """First-call times in fresh processes; ``cold``: empty numba and PyTensor caches (a new install)."""
    import tempfile

    code = PRELUDE + FIRST[label] + "\nprint(json.dumps(time.perf_counter() - t))"
    out = []
    for _ in range(reps):
        env = dict(os.environ)
        if cold:
            tmp = tempfile.mkdtemp(prefix="bayesreg_bench_")
            env["NUMBA_CACHE_DIR"] = os.path.join(tmp, "numba")
            env["PYTENSOR_FLAGS"] = f"compiledir={os.path.join(tmp, 'pytensor')}"
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=1800,
                             env=env)  # fmt: skip
        if res.returncode != 0:
            raise RuntimeError(res.stderr)
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


def warm_calls(reps: int) -> dict:
    import numpy as np
    from sklearn.datasets import load_diabetes

    import bayesreg as br
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    X, y = load_diabetes(return_X_y=True)
    prior, sigma = br.Laplace(50.0), 54.0
    model = br.build_model(X, y, prior, sigma=sigma)
    br.map_estimate(X, y, prior, sigma=sigma)
    br.find_map(model)
    pm.find_MAP(model=model, progressbar=False)

    def med(f, k):
        ts = []
        for _ in range(k):
            t = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    exact = br.map_estimate(X, y, prior, sigma=sigma)
    return {
        "exact MAP (map_estimate)": med(lambda: br.map_estimate(X, y, prior, sigma=sigma), 5 * reps),
        "find_map (L-BFGS-B + Powell)": med(lambda: br.find_map(model), reps),
        "pm.find_MAP (defaults)": med(lambda: pm.find_MAP(model=model, progressbar=False), reps),
        "nonzero": int(np.count_nonzero(exact.coef)),
        "gap": exact.gap,
    }


def option_study(quick: bool) -> list[dict]:
    import numpy as np
    from sklearn.datasets import load_diabetes

    import bayesreg as br
    from bayesreg.equivalence import _objective

    X, y = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(0)
    Xw = rng.standard_normal((60, 120))
    yw = Xw[:, :5] @ np.array([3.0, -2.0, 1.5, 1.0, 2.0]) + rng.standard_normal(60)
    cases = [
        ("diabetes, Laplace(50)", X, y, br.Laplace(50.0), 54.0),
        ("diabetes, Laplace(5)", X, y, br.Laplace(5.0), 54.0),
        ("diabetes, ElasticNet(50, 300)", X, y, br.ElasticNetPrior(50.0, 300.0), 54.0),
        ("n=60, p=120, Laplace(0.1)", Xw, yw, br.Laplace(0.1), 1.0),
    ]
    if quick:
        cases = cases[:1]
    configs = [
        ("L-BFGS-B, SciPy defaults", dict(method="L-BFGS-B", options={}, polish=False)),
        ("L-BFGS-B, maxcor=30 ftol=1e-12 gtol=1e-9", dict(method="L-BFGS-B", polish=False)),
        ("BFGS, gtol=1e-10", dict(method="BFGS", polish=False)),
        ("CG, gtol=1e-10", dict(method="CG", options={"gtol": 1e-10, "maxiter": 50_000}, polish=False)),
        ("Powell, xtol=1e-12 ftol=1e-15", dict(method="Powell", polish=False)),
        ("L-BFGS-B then Powell (default)", dict()),
    ]
    rows = []
    for name, Xc, yc, prior, sigma in cases:
        ex = br.map_estimate(Xc, yc, prior, sigma=sigma)
        st = br.SufficientStats.from_arrays(Xc, yc)
        model = br.build_model(Xc, yc, prior, sigma=sigma)
        br.find_map(model, polish=False)  # compile caches warm
        scale = float(np.abs(ex.coef).max())
        zeros = ex.coef == 0
        for label, kw in configs:
            t = time.perf_counter()
            r = br.find_map(model, **kw)
            dt = time.perf_counter() - t
            obj = _objective(st, True, ex.penalty, r.coef, r.intercept)
            rows.append({
                "case": name,
                "config": label,
                "excess": (obj - ex.objective) / abs(ex.objective),
                "coef": float(np.abs(r.coef - ex.coef).max()) / scale,
                "zeros": float(np.abs(r.coef[zeros]).max()) / scale if zeros.any() else 0.0,
                "n_eval": r.n_eval,
                "seconds": dt,
            })  # fmt: skip
            print(f"  {name:32s} {label:42s} excess {rows[-1]['excess']:.1e} coef {rows[-1]['coef']:.1e}", flush=True)
    return rows


BLAS_CODE = """
import json, os, timeit, numpy as np
import bayesreg as br
from bayesreg._upstream import import_pymc, blas_info
import_pymc()
out = {"ldflags": bool(blas_info()["ldflags"])}
rng = np.random.default_rng(0)
for n, p in ((442, 10), (5000, 100)):
    X = rng.standard_normal((n, p)); y = X[:, 0] + rng.standard_normal(n)
    m = br.build_model(X, y, br.Laplace(1.0), sigma=1.0, likelihood="normal")
    g = m.compile_dlogp(); pt = m.initial_point(); g(pt)
    out[f"{n}x{p}"] = min(timeit.repeat(lambda: g(pt), number=200, repeat=7)) / 200
print(json.dumps(out))
"""


def blas_study() -> dict:
    res = {}
    configs = (
        ("bundled OpenBLAS (bayesreg)", {}),
        ("no BLAS (PyTensor fallback)", {"PYTENSOR_FLAGS": "blas__ldflags="}),
    )
    for label, extra in configs:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", **extra)
        r = subprocess.run([sys.executable, "-c", BLAS_CODE], capture_output=True, text=True, cwd=ROOT, env=env,
                           timeout=900)  # fmt: skip
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        res[label] = json.loads(r.stdout.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repetition and one accuracy case")
    args = ap.parse_args()
    reps = 1 if args.quick else 3

    print("first calls (fresh subprocesses)...", flush=True)
    first = {label: first_call(label, reps) for label in FIRST}
    print("first calls with empty caches...", flush=True)
    cold = {label: first_call(label, 1, cold=True) for label in FIRST}
    print("warm calls...", flush=True)
    warm = warm_calls(1 if args.quick else 5)
    print("find_MAP options...", flush=True)
    study = option_study(args.quick)
    print("PyTensor BLAS...", flush=True)
    blas = blas_study()

    fm_first = statistics.median(first["find_map (L-BFGS-B + Powell)"])
    pm_first = statistics.median(first["pm.find_MAP (defaults)"])
    ex_first = statistics.median(first["exact MAP (map_estimate)"])
    lines = [
        "# Exact MAP against pm.find_MAP",
        "",
        f"Generated by `benchmarks/map.py{' --quick' if args.quick else ''}` on {platform.platform()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared with other jobs: times are noisy).",
        "",
        "Diabetes data (n = 442, p = 10), Laplace(b = 50) prior, sigma = 54 fixed: the MAP is the Lasso with "
        f"alpha = 0.132 ({warm['nonzero']} non-zero coefficients). Exact MAP: coordinate descent to a relative "
        f"duality gap of 1e-14 (gap reached {warm['gap']:.1e}).",
        "",
        "## Wall time",
        "",
        "First call: in a fresh Python process, imports excluded, everything else included (numba JIT loaded "
        "from its on-disk cache or compiled; PyMC model building; PyTensor graph rewriting and C compilation, "
        "PyTensor's on-disk module cache as a user has it after the first run). Median of "
        f"{reps} process(es). Warm: median of repeated calls in one process (find_MAP compiles its logp and "
        "gradient functions on every call, so its warm time still contains compilation).",
        "",
        "Cold: a first call with empty numba and PyTensor on-disk caches (what a new install sees once: "
        "numba compiles the coordinate-descent kernels where bayesreg takes its compiled route, PyTensor compiles "
        "its C modules).",
        "",
        "| method | first call (s) | / pm.find_MAP first call | / find_map first call | cold first call (s) "
        "| / pm.find_MAP cold | warm (s) | / pm.find_MAP warm |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    fm_cold = cold["find_map (L-BFGS-B + Powell)"][0]
    pm_cold = cold["pm.find_MAP (defaults)"][0]
    pm_warm = warm["pm.find_MAP (defaults)"]
    for label in FIRST:
        f = statistics.median(first[label])
        lines.append(
            f"| {label} | {f:.3g} | {f / pm_first:.1%} | {f / fm_first:.1%} | {cold[label][0]:.3g} | "
            f"{cold[label][0] / pm_cold:.1%} | {warm[label]:.3g} | {warm[label] / pm_warm:.2%} |"
        )
    target_ok = ex_first < 0.01 * min(fm_first, pm_first)
    lines += [
        "",
        f"Exact MAP first call = **{ex_first / pm_first:.1%} of `pm.find_MAP`'s first call** (PyMC's own "
        f"function with its defaults) and {ex_first / fm_first:.1%} of bayesreg's two-stage `find_map` (which "
        f"runs a Powell polish after L-BFGS-B and is slower; the ratio against it flatters). Target: under 1% of "
        f"find_MAP: {'met' if target_ok else 'NOT met'}. Warm, the exact MAP is "
        f"{warm['find_map (L-BFGS-B + Powell)'] / warm['exact MAP (map_estimate)']:.0f}x faster than find_map "
        f"and {warm['pm.find_MAP (defaults)'] / warm['exact MAP (map_estimate)']:.0f}x faster than pm.find_MAP, "
        "and it is exact (zeros are zeros, certified by the duality gap). With empty caches the exact MAP costs "
        f"{cold['exact MAP (map_estimate)'][0] / pm_cold:.1%} of pm.find_MAP's first call "
        f"({cold['exact MAP (map_estimate)'][0] / fm_cold:.1%} of find_map's).",
        "",
        f"The exact MAP's first call takes {ex_first:.3g} s against {warm['exact MAP (map_estimate)'] * 1e3:.2g} ms "
        "warm: the difference is one-time start-up of the first solve in a fresh process (loading the solver "
        "code and, on the compiled route, numba's cached kernels), not solving. `pm.find_MAP`'s first call with "
        f"PyTensor's cache warm takes {pm_first:.3g} s (bayesreg's `find_map` {fm_first:.3g} s), so the "
        f"first-call ratio is {ex_first / pm_first:.1%} of `pm.find_MAP` and {ex_first / fm_first:.1%} of "
        "`find_map`. After the first call the exact MAP is far cheaper than either (warm column).",
        "",
        "## find_MAP at the L1 kink: which optimiser reaches the mode",
        "",
        "Against the exact MAP at the same sigma. `excess`: relative objective excess; `coef`: largest coefficient "
        "error / largest coefficient; `zeros`: largest |find_MAP coefficient| where the MAP is exactly zero, "
        "/ largest coefficient. Times are warm (compilation of the two functions included, as find_MAP does "
        "on every call).",
        "",
        "| case | optimiser | excess | coef | zeros | evaluations | seconds |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in study:
        lines.append(
            f"| {r['case']} | {r['config']} | {r['excess']:.1e} | {r['coef']:.1e} | {r['zeros']:.1e} | "
            f"{r['n_eval']} | {r['seconds']:.2f} |"
        )
    lines += [
        "",
        "Gradient methods stall at the kinks of |beta_j|: the gradient jumps at zero, line searches shrink and "
        "SciPy stops on its relative-reduction test. Tightening L-BFGS-B's tolerances helps a little; BFGS and "
        "CG are worse. Powell's derivative-free search is not misled by the kink but on its own is erratic "
        "(good on some problems, 1e-6 excess on others). L-BFGS-B followed by a Powell polish was the most "
        "reliable: it is `bayesreg.find_map`'s default. Measured over the equivalence tests' problems the "
        "default's worst case was 1.1e-7 objective excess and 3.8e-4 coefficient error (typically 1e-12 and "
        "1e-8); `check_equivalence` and `tests/test_equivalence.py` use 1e-6 and 5e-3. Where the MAP is exactly "
        "zero find_MAP still returns small non-zeros: `map_estimate` is the way to exact sparsity.",
        "",
        "## PyTensor and BLAS",
        "",
        "PyTensor installed from pip finds no BLAS to link its C code to and warns. bayesreg links it to the "
        "OpenBLAS bundled in SciPy's wheel (symbols renamed `scipy_dgemm_`, mapped with `-D` defines; see "
        "`bayesreg/_upstream.py`). Time of one log-posterior gradient (Laplace prior, plain likelihood), single "
        "BLAS thread, best of 7 x 200 calls:",
        "",
        "| PyTensor configuration | BLAS linked | 442 x 10 (us) | 5000 x 100 (us) |",
        "|---|---|---:|---:|",
    ]
    for label, r in blas.items():
        lines.append(f"| {label} | {r['ldflags']} | {r['442x10'] * 1e6:.1f} | {r['5000x100'] * 1e6:.1f} |")
    a, b = blas["bundled OpenBLAS (bayesreg)"], blas["no BLAS (PyTensor fallback)"]
    lines += [
        "",
        f"Linked: {b['442x10'] / a['442x10']:.1f}x faster gradients at 442 x 10 and "
        f"{b['5000x100'] / a['5000x100']:.1f}x at 5000 x 100.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
