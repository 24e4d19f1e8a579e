"""The ``bayesreg`` command.

::

    bayesreg run [SPEC] [--out DIR] [--fast] [--quiet]   fit a model spec, print a summary, write a report
    bayesreg list                                         list the specs found
    bayesreg check [SPEC ...]                             validate specs and load their data, fit nothing
    bayesreg equivalence --data diabetes --prior laplace --scale 20 --sigma 54 [--no-find-map]
                                                          MAP vs scikit-learn vs find_MAP, side by side
    bayesreg init DATA.csv --target COL [--prior laplace] [--out DIR]
                                                          write a ready spec for your own CSV data
    bayesreg compare [--sigma 54] [--laplace-scale 50] [--gaussian-scale 100]
                                                          Lasso, Ridge, ElasticNet vs the MAP on diabetes

``SPEC`` is a path to a ``.toml`` file or the name of one (``diabetes_laplace``, the default)
in the first of: ``$BAYESREG_MODELS``, ``./models``, and the specs bundled with the package
(``bayesreg/specs``, found from any folder after ``pip install``). ``--fast`` (or ``BAYESREG_FAST=1``
in the environment, read here and nowhere else) shrinks draws and grids. Exit status: 0 on
success, 2 for a bad spec or bad arguments (the message names the file and the key), 1 for any other failure (and for an
equivalence check whose verdict is FAIL).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

__all__ = ["main", "build_parser", "comparison_table"]

DEFAULT_OUT = Path("bayesreg-report")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    from .spec import DEFAULT_SPEC

    ap = argparse.ArgumentParser(
        prog="bayesreg",
        description="Bayesian MAP and posterior modelling of regularised linear models: the Lasso is the MAP "
        "under a Laplace prior, Ridge under a Gaussian prior.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="fit a model spec, print a summary table and write a report folder")
    run.add_argument("spec", nargs="?", default=None,
                     help=f"spec file, or the name of a bundled or ./models spec (default: {DEFAULT_SPEC})")
    run.add_argument("--out", type=Path, default=None,
                     help=f"report folder (default: ./{DEFAULT_OUT}/<spec name>)")
    run.add_argument("--fast", action="store_true", help="fewer draws and a smaller grid (as BAYESREG_FAST=1)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    run.add_argument("--no-report", action="store_true", help="print the summary only, write no files")

    sub.add_parser("list", help="list the model specs found")

    check = sub.add_parser("check", help="validate specs and load their data (fits nothing)")
    check.add_argument("specs", nargs="*", help="spec files or names (default: every spec found)")

    ini = sub.add_parser("init", help="write a ready model spec for a CSV file (checked by loading the data)")
    ini.add_argument("csv", type=Path, help="the data: a CSV file with a header row of column names")
    ini.add_argument("--target", required=True, help="the column to predict")
    ini.add_argument("--prior", default="laplace", choices=["laplace", "gaussian", "horseshoe"],
                     help="coefficient prior (default: laplace); its scale is chosen by empirical Bayes "
                          "(laplace, gaussian) or set to 1 (horseshoe)")
    ini.add_argument("--out", type=Path, default=Path("models"),
                     help="folder of the new spec (default: ./models, where `bayesreg run NAME` looks first)")
    ini.add_argument("--force", action="store_true", help="replace a spec of the same name")

    cmp = sub.add_parser("compare", help="scikit-learn's Lasso, Ridge and ElasticNet against the exact MAP "
                                         "under the mapped prior, on the diabetes data")
    cmp.add_argument("--sigma", type=float, default=54.0, help="fixed noise sd (default: 54)")
    cmp.add_argument("--laplace-scale", type=float, default=50.0, help="Laplace scale b (default: 50)")
    cmp.add_argument("--gaussian-scale", type=float, default=100.0, help="Gaussian sd tau (default: 100)")

    eq = sub.add_parser("equivalence",
                        help="exact MAP, scikit-learn and find_MAP side by side for a data set and prior")
    eq.add_argument("--data", default="diabetes",
                    help="data set: diabetes, cosine, polynomial, sparse, or a CSV file (with --target)")
    eq.add_argument("--target", default=None, help="target column when --data is a CSV file")
    eq.add_argument("--prior", default="laplace", choices=["laplace", "gaussian", "park_casella"],
                    help="coefficient prior (default: laplace)")
    eq.add_argument("--scale", type=float, required=True,
                    help="prior scale: Laplace b, Gaussian tau, or Park-Casella lambda")
    eq.add_argument("--sigma", type=float, default=None,
                    help="fixed noise sd (default: the least-squares residual sd)")
    eq.add_argument("--no-find-map", action="store_true",
                    help="skip PyMC's find_MAP (which compiles a model): exact MAP against scikit-learn only")
    return ap


def _cmd_list(args) -> int:
    from .spec import SpecError, find_specs, load_spec, models_dirs

    files = find_specs()
    if not files:
        print("no specs found; looked in: " + ", ".join(str(d) for d in models_dirs()), file=sys.stderr)
        return 1
    print(f"specs in {files[0].parent}:")
    width = max(len(f.stem) for f in files)
    for f in files:
        try:
            s = load_spec(f)
            print(f"  {f.stem:<{width}}  {s.description}")
        except SpecError as exc:
            print(f"  {f.stem:<{width}}  INVALID: {exc}")
    return 0


def _cmd_check(args) -> int:
    from .spec import find_specs, load_spec, resolve_spec

    files = [resolve_spec(s) for s in args.specs] if args.specs else find_specs()
    for f in files:
        s = load_spec(f)
        d = s.load_data()
        print(f"ok  {f}  ({d.n_samples} x {d.n_features}, prior {s.prior.family}, sigma {s.sigma})")
    return 0


def _cmd_run(args) -> int:
    from .report import format_table, run_spec, write_report
    from .spec import fast_mode, load_spec, resolve_spec

    fast = bool(args.fast) or fast_mode()
    path = resolve_spec(args.spec)
    spec = load_spec(path)
    if not args.quiet:
        note = " (fast mode)" if spec.effective_inference(fast) != spec.inference else ""
        print(f"bayesreg run: {path}{note}", file=sys.stderr)
    spec.load_data()  # data errors stop here, before any fitting
    res = run_spec(spec, fast=fast, quiet=args.quiet)
    print(format_table(res))
    if not args.no_report:
        out = args.out if args.out is not None else DEFAULT_OUT / spec.name
        report = write_report(res, out)
        print(f"\nreport written to {report}")
    return 0


def _cmd_equivalence(args) -> int:
    import bayesreg

    from . import datasets
    from .priors import Gaussian, Laplace, ParkCasella
    from .report import estimate_sigma

    if Path(args.data).suffix.lower() == ".csv":
        if args.target is None:
            raise ValueError("--target is required when --data is a CSV file")
        from .spec import DataSpec, _load_csv

        data = _load_csv(DataSpec(csv=Path(args.data), target=args.target), None)
    else:
        data = datasets.get_dataset(args.data)
    sigma = args.sigma
    if sigma is None:
        sigma, note = estimate_sigma(data.X, data.y)
        print(f"sigma = {sigma:.6g} ({note})")
    prior = {"laplace": Laplace, "gaussian": Gaussian, "park_casella": ParkCasella}[args.prior](args.scale)
    report = bayesreg.check_equivalence(np.asarray(data.X), np.asarray(data.y), prior, sigma=sigma,
                                        feature_names=list(data.feature_names), find_map=not args.no_find_map)
    print(repr(report))
    return 0 if report.passed else 1


def comparison_table(sigma: float = 54.0, laplace_scale: float = 50.0, gaussian_scale: float = 100.0, *,
                     return_max_diff: bool = False):  # fmt: skip
    """scikit-learn's fit and the exact MAP side by side on the diabetes data, as plain text.

    For a Laplace, a Gaussian and their product (elastic-net) prior at a fixed ``sigma``, each a
    :func:`bayesreg.check_equivalence` (no find_MAP): scikit-learn configured by
    :func:`bayesreg.mapping.to_sklearn` against :func:`bayesreg.map_estimate`.

    Parameters
    ----------
    sigma : float, default=54.0
        Fixed noise standard deviation (about the residual sd of least squares on these data).
    laplace_scale, gaussian_scale : float
        Prior scales ``b`` and ``tau``; the elastic-net prior is their product.
    return_max_diff : bool, default=False
        Also return the largest relative coefficient difference over the three priors.

    Returns
    -------
    str or (str, float)
    """
    import bayesreg

    from .datasets import load_diabetes
    from .priors import ElasticNetPrior, Gaussian, Laplace

    data = load_diabetes(scaled=True)
    X, y, names = np.asarray(data.X), np.asarray(data.y), list(data.feature_names)
    lines = [
        f"MAP under a prior at fixed sigma = {sigma:g} (n = {X.shape[0]}) on the diabetes data:",
        "scikit-learn configured by bayesreg.mapping.to_sklearn vs bayesreg's exact MAP.",
        "",
    ]
    worst = 0.0
    for prior in (Laplace(laplace_scale), Gaussian(gaussian_scale), ElasticNetPrior(laplace_scale, gaussian_scale)):
        rep = bayesreg.check_equivalence(X, y, prior, sigma=sigma, feature_names=names, find_map=False)
        sk, ours = rep.rows["sklearn"], rep.rows["exact"]
        lines.append(f"{prior} prior  ->  sklearn {rep.sklearn_estimator}")
        lines.append(f"{'feature':>10} {'sklearn':>14} {'bayesreg':>14} {'|diff|':>10}")
        for name, a, b in zip(names, sk.coef, ours.coef):
            # "+ 0.0" prints an exact zero from either side as 0, not -0
            lines.append(f"{name:>10} {a + 0.0:>14.6f} {b + 0.0:>14.6f} {abs(a - b):>10.2e}")
        lines.append(f"{'intercept':>10} {sk.intercept:>14.6f} {ours.intercept:>14.6f} "
                     f"{abs(sk.intercept - ours.intercept):>10.2e}")  # fmt: skip
        diff = float(np.max(np.abs(sk.coef - ours.coef)) / max(np.max(np.abs(sk.coef)), 1e-300))
        worst = max(worst, diff)
        same = bool(np.array_equal(sk.support, ours.support))
        lines.append(f"largest relative coefficient difference: {diff:.2e}; same zeros: {same}\n")
    verdict = "agree" if worst < 1e-7 else "DISAGREE"
    lines.append(f"sklearn and bayesreg {verdict}: largest relative difference {worst:.2e} (threshold 1e-7)")
    table = "\n".join(lines)
    return (table, worst) if return_max_diff else table


def spec_text(csv: Path, target: str, prior: str, spec_dir: Path | None) -> str:
    """The TOML of a ready spec for ``csv`` (its path relative to ``spec_dir``; absolute when None)."""
    import os

    where = csv.resolve() if spec_dir is None else Path(os.path.relpath(csv.resolve(), spec_dir.resolve()))
    rel = where.as_posix()
    scale = '"empirical_bayes"   # Monte Carlo EM (laplace) or type-II ML (gaussian)' if prior != "horseshoe" else "1.0"
    return f"""# Written by `bayesreg init`: a spec for {csv.name}, target column {target!r}.
# Edit freely; `bayesreg check {csv.stem}` validates it, `bayesreg run {csv.stem}` fits it.
name = "{csv.stem}"
description = "{csv.name}: {target} on every other numeric column, {prior} prior"

[data]
csv = "{rel}"
target = "{target}"

[prior]
family = "{prior}"
scale = {scale}

[noise]
sigma = "estimate"            # plug-in residual sd, then fixed (the MAP is then exactly the penalised fit)

[inference]
map = {"false" if prior == "horseshoe" else "true"}
sklearn = {"false" if prior == "horseshoe" else "true"}
find_map = false
posterior = true
draws = 2000
tune = 1000
chains = 4
seed = 0
"""


def _cmd_init(args) -> int:
    import tomllib

    from .spec import SpecError, parse_spec

    csv = Path(args.csv)
    if not csv.is_file():
        raise SpecError(csv, "csv", "file not found")
    out_dir = Path(args.out)
    target = out_dir / f"{csv.stem}.toml"
    if target.exists() and not args.force:
        raise SpecError(target, "file", "exists; pass --force to replace it")
    # the spec is checked as `bayesreg check` would, data loaded, before anything is written (with
    # the CSV's absolute path: the output folder may not exist yet)
    spec = parse_spec(tomllib.loads(spec_text(csv, args.target, args.prior, None)), path=target)
    data = spec.load_data()
    text = spec_text(csv, args.target, args.prior, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text)
    tmp.replace(target)  # atomic: a complete spec or none
    print(f"wrote {target} ({data.n_samples} rows, {data.n_features} features: "
          f"{', '.join(list(data.feature_names)[:6])}{', ...' if data.n_features > 6 else ''})")  # fmt: skip
    print(f"next: bayesreg check {target}   and   bayesreg run {target}")
    return 0


def _cmd_compare(args) -> int:
    table, worst = comparison_table(args.sigma, args.laplace_scale, args.gaussian_scale, return_max_diff=True)
    print(table)
    return 0 if worst < 1e-7 else 1


def main(argv=None) -> int:
    """Entry point of the ``bayesreg`` console script."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures go to files; never open a window
    args = build_parser().parse_args(argv)
    from .spec import SpecError

    handlers = {"run": _cmd_run, "list": _cmd_list, "check": _cmd_check, "equivalence": _cmd_equivalence,
                "compare": _cmd_compare, "init": _cmd_init}  # fmt: skip
    try:
        return handlers[args.command](args)
    except SpecError as exc:
        print(f"bayesreg: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        if args.command == "run":
            raise
        print(f"bayesreg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bayesreg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
