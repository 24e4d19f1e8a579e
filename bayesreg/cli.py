"""The ``bayesreg`` command.

::

    bayesreg run [SPEC] [--out DIR] [--fast] [--quiet]   fit a model spec, print a summary, write a report
    bayesreg list                                         list the specs found
    bayesreg check [SPEC ...]                             validate specs and load their data, fit nothing
    bayesreg equivalence --data diabetes --prior laplace --scale 20 --sigma 54 [--family F] [--no-find-map]
                                                          MAP vs scikit-learn vs find_MAP, side by side
    bayesreg init DATA.csv --target COL [--prior laplace] [--family bernoulli] [--out DIR]
                                                          write a ready spec for your own CSV data
    bayesreg compare [--sigma 54] [--laplace-scale 50] [--gaussian-scale 100]
                                                          Lasso, Ridge, ElasticNet vs the MAP on diabetes

``SPEC`` is a path to a ``.toml`` file or the name of one (``diabetes_laplace``, the default)
in the first of: ``$BAYESREG_MODELS``, ``./models``, and the specs bundled with the package
(the project's top-level ``models/`` folder, shipped in the wheel as ``bayesreg._models``: found
from any folder after ``pip install``); the format is in
``docs/specs.md``. ``--fast`` (or ``BAYESREG_FAST=1`` in the environment, read here and nowhere
else) shrinks draws and grids.

Every check happens before any fitting: the spec, its data, the plug-in sigma, the prior's range
and the report folder (``--out``: see :mod:`bayesreg._outdir`). An error is one line on stderr,
never a traceback (``bayesreg --debug ...`` shows it). Exit status: 0 on success, 2 for a bad spec,
bad arguments or an unusable output folder (the message names the file and the key, or the
option), 130 when interrupted, 1 for any other failure (and for an equivalence check whose
verdict is FAIL).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from .families import FAMILY_NAMES
from .priors import Gaussian, Horseshoe, Laplace, ParkCasella, Prior

__all__ = ["main", "build_parser", "comparison_table"]

# the words are the library's (Prior.word, families.FAMILY_NAMES); each command takes these priors
_INIT_PRIORS = tuple(cls.word for cls in (Laplace, Gaussian, Horseshoe))
_EQUIVALENCE_PRIORS = tuple(cls.word for cls in (Laplace, Gaussian, ParkCasella))

DEFAULT_OUT = Path("bayesreg-report")
DOCS = "docs/specs.md\n(in the bayesreg sources; in an installed copy: python -m pydoc bayesreg.spec)"

SPEC_FORMAT = f"""\
A spec is a TOML file; every key, its type and default: {DOCS}.

  name = "my_model"                  # [file name]; also the default report folder
  description = "one line"
  [data]                             # exactly one of:
  dataset = "diabetes"               #   a bundled data set ("diabetes", "breast_cancer")
  generator = "sparse"               #   or "cosine", "polynomial", "sparse"
  csv = "data/mine.csv"              #   or a CSV file (relative to the spec), with
  target = "y"                       #     the target column (features = [...]: [all others])
  [data.params]                      # the generator's arguments, e.g. n_samples = 50
  [likelihood]                       # optional: the linear model (family = "gaussian") by default
  family = "bernoulli"               #   "gaussian", "bernoulli" (logistic), "binomial", "poisson"
  trials = "n"                       #   binomial only: a CSV column of trial counts, or one integer
  [prior]
  family = "laplace"                 # "laplace", "park_casella", "gaussian", "horseshoe"
  scale = 50.0                       # a number, "empirical_bayes" or "hyperprior"
                                     #   (park_casella: lam; horseshoe: global_scale [1.0])
  [noise]                            # gaussian likelihood only (a GLM has no sigma)
  sigma = 54.0                       # a number (fixed), "estimate" or "jeffreys"
  [inference]                        # all optional: map, sklearn, find_map, posterior,
  draws = 1000                       #   sampler, draws, tune, chains, seed, hdi_prob,
  chains = 2                         #   shrinkage, n_scales, scale_range

`bayesreg init DATA.csv --target COL [--family bernoulli]` writes a ready spec for your data;
`bayesreg check SPEC` validates it and loads the data without fitting."""

OUT_NOTE = """\
The report folder (--out) is checked before any fitting: it must be a new or empty folder, or
one written by bayesreg (it holds .bayesreg-manifest.json); --force writes into another folder,
replacing only files of the report's names. One run at a time per folder (a lock); each file is
written under a temporary name and renamed; INCOMPLETE marks a folder whose run did not finish;
a re-run removes the files of the previous run it did not write again."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (``bayesreg: error: ...``), exit status 2."""

    def error(self, message):  # noqa: D102 - argparse's hook
        self.exit(2, f"bayesreg: error: {message} (see `{self.prog} --help`)\n")


def _finite(kind: str):
    """An argparse type: a finite float (``positive``: > 0)."""

    def convert(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
        if not np.isfinite(v) or (kind == "positive" and not v > 0):
            raise argparse.ArgumentTypeError(f"must be a finite number{' > 0' if kind == 'positive' else ''}; "
                                             f"got {text!r}")
        return v

    convert.__name__ = f"{kind} number"
    return convert


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    from .spec import DEFAULT_SPEC

    raw = argparse.RawDescriptionHelpFormatter
    ap = _Parser(
        prog="bayesreg",
        description="Bayesian MAP and posterior modelling of regularised linear models: the Lasso is the MAP "
        "under a Laplace prior, Ridge under a Gaussian prior.",
        epilog=SPEC_FORMAT, formatter_class=raw,
    )
    ap.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="fit a model spec, print a summary table and write a report folder",
                         description="Fit a model spec, print a summary table and write a report folder.",
                         epilog=SPEC_FORMAT + "\n\n" + OUT_NOTE, formatter_class=raw)
    run.add_argument("spec", nargs="?", default=None,
                     help=f"spec file, or the name of a bundled or ./models spec (default: {DEFAULT_SPEC})")
    run.add_argument("--out", type=Path, default=None,
                     help=f"report folder (default: ./{DEFAULT_OUT}/<spec name>)")
    run.add_argument("--fast", action="store_true", help="fewer draws and a smaller grid (as BAYESREG_FAST=1)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    run.add_argument("--no-report", action="store_true", help="print the summary only, write no files")
    run.add_argument("--force", action="store_true",
                     help="write into a non-empty --out folder that bayesreg did not write (replacing files of "
                          "the report's names only)")

    sub.add_parser("list", help="list the model specs found")

    check = sub.add_parser("check", help="validate specs and load their data (fits nothing)",
                           description="Validate specs and load their data, as `bayesreg run` does before "
                                       "fitting (fits nothing).",
                           epilog=SPEC_FORMAT, formatter_class=raw)
    check.add_argument("specs", nargs="*", help="spec files or names (default: every spec found)")

    ini = sub.add_parser("init", help="write a ready model spec for a CSV file (checked by loading the data)")
    ini.add_argument("csv", type=Path, help="the data: a CSV file with a header row of column names")
    ini.add_argument("--target", required=True, help="the column to predict")
    ini.add_argument("--prior", default="laplace", choices=_INIT_PRIORS,
                     help="coefficient prior (default: laplace); its scale is chosen by empirical Bayes "
                          "(laplace, gaussian) or set to 1 (horseshoe)")
    ini.add_argument("--family", default=None, choices=FAMILY_NAMES,
                     help="likelihood of the target (default: bernoulli, logistic regression, for a target of only "
                          "0 and 1; otherwise gaussian, the linear model, with poisson suggested for a count target; "
                          "the choice is said in the spec and on stdout). A GLM has no noise scale, and its prior "
                          "scale is written as 1 (per unit of each feature on the link scale: edit it), not chosen "
                          "by empirical Bayes. When the feature sds differ by a factor of 100 or more, the spec "
                          "standardizes the features ([data] standardize = true); otherwise it offers it commented "
                          "out")
    ini.add_argument("--trials", default=None,
                     help="with --family binomial: the CSV column of trial counts (required there)")
    ini.add_argument("--out", type=Path, default=Path("models"),
                     help="folder of the new spec (default: ./models, where `bayesreg run NAME` looks first)")
    ini.add_argument("--force", action="store_true", help="replace a spec of the same name")

    cmp = sub.add_parser("compare", help="scikit-learn's Lasso, Ridge and ElasticNet against the exact MAP "
                                         "under the mapped prior, on the diabetes data")
    cmp.add_argument("--sigma", type=_finite("positive"), default=54.0, help="fixed noise sd (default: 54)")
    cmp.add_argument("--laplace-scale", type=_finite("positive"), default=50.0,
                     help="Laplace scale b (default: 50)")
    cmp.add_argument("--gaussian-scale", type=_finite("positive"), default=100.0,
                     help="Gaussian sd tau (default: 100)")

    eq = sub.add_parser("equivalence",
                        help="exact MAP, scikit-learn and find_MAP side by side for a data set and prior")
    eq.add_argument("--data", default="diabetes",
                    help="data set: diabetes, cosine, polynomial, sparse, or a CSV file (with --target)")
    eq.add_argument("--target", default=None, help="target column when --data is a CSV file")
    eq.add_argument("--prior", default="laplace", choices=_EQUIVALENCE_PRIORS,
                    help="coefficient prior (default: laplace)")
    eq.add_argument("--scale", type=_finite("positive"), required=True,
                    help="prior scale: Laplace b, Gaussian tau, or Park-Casella lambda")
    eq.add_argument("--sigma", type=_finite("positive"), default=None,
                    help="fixed noise sd (default: the least-squares residual sd)")
    eq.add_argument("--family", default="gaussian", choices=FAMILY_NAMES,
                    help="likelihood (default: gaussian, the Lasso / Ridge / ElasticNet of the linear model): "
                         "bernoulli is logistic regression (a 0/1 target, scikit-learn's LogisticRegression), "
                         "poisson is scikit-learn's PoissonRegressor (Gaussian prior), binomial needs --trials; a "
                         "GLM takes no --sigma. A gaussian fit to a 0/1 target prints a warning")
    eq.add_argument("--trials", default=None,
                    help="with --family binomial and a CSV file: the column of trial counts")
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
    from .report import prepare_run
    from .spec import find_specs, load_spec, resolve_spec

    files = [resolve_spec(s) for s in args.specs] if args.specs else find_specs()
    for f in files:
        s = load_spec(f)
        d = prepare_run(s).data  # every check `bayesreg run` makes before fitting
        noise = f"sigma {s.sigma}" if s.likelihood.is_gaussian else f"likelihood {s.family}"
        print(f"ok  {f}  ({d.n_samples} x {d.n_features}, prior {s.prior.word}, {noise})")
    return 0


def _cmd_run(args) -> int:
    import contextlib

    from ._outdir import ReportFolder
    from .report import format_table, prepare_run, run_spec, write_report
    from .spec import fast_mode, load_spec, resolve_spec

    fast = bool(args.fast) or fast_mode()
    path = resolve_spec(args.spec)
    spec = load_spec(path)
    if not args.quiet:
        note = " (fast mode)" if spec.effective_inference(fast) != spec.inference else ""
        print(f"bayesreg run: {path}{note}", file=sys.stderr)
    prepared = prepare_run(spec, fast=fast)  # data, sigma and prior errors stop here, before any fitting
    folder = None
    if not args.no_report:
        out = args.out if args.out is not None else DEFAULT_OUT / spec.name
        # checked and locked before fitting: a bad --out or a second run into it stops here
        folder = ReportFolder(out, force=args.force, spec_name=spec.name).open()
    with folder if folder is not None else contextlib.nullcontext():
        if folder is not None and folder.previous_incomplete and not args.quiet:
            print(f"bayesreg run: note: the previous run into {folder.path} did not finish; this run replaces "
                  "its files", file=sys.stderr)
        res = run_spec(spec, fast=fast, quiet=args.quiet, prepared=prepared)
        print(format_table(res))
        if folder is not None:
            report = write_report(res, folder)
            print(f"\nreport written to {report}")
    return 0


def _mapped_prior(name: str, scale: float, sigma: float, n: int, scale_option: str = "--scale"):
    """The prior ``name(scale)``, checked with its penalty at ``sigma`` before anything is fitted.

    The prior's own checks (its usable range) and the mapping (which must give a finite positive
    penalty; ``sigma**2`` overflows past about 1e154) fail here, naming the options.
    """
    from .mapping import prior_to_penalty

    try:
        prior = Prior.named(name)(scale)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"{scale_option} {scale:g}: {exc}") from exc
    try:
        pen = prior_to_penalty(prior, sigma=sigma, n_samples=n)
        weights = [w for w in (pen.alpha_l1, pen.alpha_l2) if w != 0]
        problem = "" if weights and all(np.isfinite(weights)) else f"gives the penalty {pen}"
    except (ValueError, OverflowError, ZeroDivisionError) as exc:
        problem = f"cannot be mapped to a penalty ({exc})"
    if problem:
        raise ValueError(f"{scale_option} {scale:g} with --sigma {sigma:g} (n = {n}): the {name} prior {problem}; "
                         "the penalty must be a finite positive float64: bring the scale and sigma closer to the "
                         "data's scale")
    return prior


def _cmd_equivalence(args) -> int:
    import bayesreg

    from . import datasets
    from .noise import parse_sigma
    from .report import estimate_sigma, target_kind

    glm = args.family != "gaussian"
    if glm and args.sigma is not None:
        raise ValueError(f"--sigma is only for --family gaussian: the {args.family} likelihood has no noise scale")
    if glm and Prior.named(args.prior) is ParkCasella:
        raise ValueError(f"--prior park_casella is scaled by sigma, which the {args.family} likelihood does not "
                         "have; use --prior laplace with --scale 1/lam")  # fmt: skip
    if args.trials is not None and args.family != "binomial":
        raise ValueError(f"--trials is only for --family binomial; got --family {args.family}")
    csv = Path(args.data).suffix.lower() == ".csv"
    if args.family == "binomial" and (args.trials is None or not csv):
        raise ValueError("--family binomial needs a CSV file as --data and --trials, its column of trial counts")
    if args.sigma is not None:
        parse_sigma(args.sigma, "--sigma")  # its range, before loading anything
    if csv:
        if args.target is None:
            raise ValueError("--target is required when --data is a CSV file")
        from .spec import DataSpec, _load_csv

        data = _load_csv(DataSpec(csv=Path(args.data), target=args.target), None, trials_column=args.trials)
    else:
        try:
            data = datasets.get_dataset(args.data)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"--data {args.data}: {exc}") from exc
    y = np.asarray(data.y)
    trials = data.extra.get("trials") if args.family == "binomial" else None
    if glm:
        from .families import family as parse_family

        try:  # the target as the family needs it, before anything is fitted
            parse_family(args.family).validate_y(y, trials, n=len(y))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"--family {args.family}: the target of --data {args.data} cannot be modelled: "
                             f"{exc}") from exc
        sigma = 1.0  # a GLM's penalty is the prior's at sigma = 1 (bayesreg.mapping)
    else:
        if target_kind(y) == "binary":
            print(f"bayesreg equivalence: warning: the target of --data {args.data} holds only 0 and 1: a linear "
                  "model (scikit-learn's Lasso / Ridge / ElasticNet) is fitted to the labels as asked; "
                  "--family bernoulli maps the prior to logistic regression", file=sys.stderr)
        sigma = args.sigma
        if sigma is None:
            try:
                sigma, note = estimate_sigma(data.X, y)
            except ValueError as exc:
                raise ValueError(f"--sigma not given and cannot be estimated: {exc}") from exc
            print(f"sigma = {sigma:.6g} ({note})")
    prior = _mapped_prior(args.prior, args.scale, sigma, len(y))
    kw = {"family": args.family, "trials": trials} if glm else {"sigma": sigma}
    report = bayesreg.check_equivalence(np.asarray(data.X), y, prior, feature_names=list(data.feature_names),
                                        find_map=not args.no_find_map, **kw)  # fmt: skip
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
    from .priors import ElasticNetPrior

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


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (quoted; backslash, quote and control characters escaped).

    Names from a user's file (a column, a path) are pasted into the spec through this, so a quote
    or a backslash in a name reads back as itself.
    """
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")  # control characters (tab too, for one rule)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


#: ``bayesreg init`` writes ``standardize = true`` when the largest feature sd is at least this
#: many times the smallest (two orders of magnitude): one prior scale cannot suit both columns.
STANDARDIZE_RATIO = 100.0

_GLM_WHAT = {"bernoulli": "logistic regression", "binomial": "binomial regression", "poisson": "Poisson regression"}


def spec_text(csv: Path, target: str, prior: str, spec_dir: Path | None, family: str = "gaussian",
              trials: str | None = None, *, family_note: str | None = None,
              standardize: tuple[bool, str] | None = None) -> str:  # fmt: skip
    """The TOML of a ready spec for ``csv`` (its path relative to ``spec_dir``; absolute when None).

    ``family`` other than ``"gaussian"`` writes a ``[likelihood]`` table (with ``trials``, a
    column name, for the binomial), no ``[noise]`` table and a prior scale of 1. ``family_note``
    is a comment above the likelihood (why the family was chosen, or which other fits);
    ``standardize`` is ``(on, reason)``: ``standardize = true`` or a commented-out line, with the
    reason. Every name from the data is written as an escaped TOML string (:func:`toml_string`).
    """
    import os

    where = csv.resolve() if spec_dir is None else Path(os.path.relpath(csv.resolve(), spec_dir.resolve()))
    rel = where.as_posix()
    glm = family != "gaussian"
    cls = Prior.named(prior)
    # a prior with no mode (the horseshoe) has no penalised twin and no empirical-Bayes scale: its scale is set
    penalised = cls().has_mode
    if not penalised:
        scale = f"{cls.scale_field} = 1.0"
    elif glm:
        scale = ("scale = 1.0                   # b (laplace) or tau (gaussian) per unit of each feature (per sd "
                 "with standardize) on the link scale: edit it")
    else:
        scale = 'scale = "empirical_bayes"   # Monte Carlo EM (laplace) or type-II ML (gaussian)'
    note = "".join(f"# {line}\n" for line in (family_note or "").splitlines())
    if glm:
        fam_line, trials_line = "family = " + toml_string(family), "trials = " + toml_string(str(trials))
        noise = f"{note}[likelihood]\n{fam_line:<30}# {_GLM_WHAT[family]}: no noise scale, no [noise] table\n"
        if trials is not None:
            noise += f"{trials_line:<30}# the column of trial counts\n"
    else:
        noise = (f"{note}[noise]\nsigma = \"estimate\"            # plug-in residual sd, then fixed (the MAP is "
                 "then exactly the penalised fit)\n")
    std = ""
    if standardize is not None:
        on, why = standardize
        std = f"# {why}\n" + ("standardize = true\n" if on else "# standardize = true\n")
    model = f"{family} likelihood, " if glm else ""
    name = repr(csv.name)
    return f"""# Written by `bayesreg init`: a spec for {name}, target column {target!r}.
# Edit freely; `bayesreg check {csv.stem!r}` validates it, `bayesreg run {csv.stem!r}` fits it.
name = {toml_string(csv.stem)}
description = {toml_string(f"{csv.name}: {target} on every other numeric column, {model}{prior} prior")}

[data]
csv = {toml_string(rel)}
target = {toml_string(target)}
{std}
[prior]
family = "{prior}"
{scale}

{noise}
[inference]
map = {"true" if penalised else "false"}
sklearn = {"true" if penalised else "false"}
find_map = false
posterior = true
draws = 2000
tune = 1000
chains = 4
seed = 0
"""


def _family_choice(y, asked: str | None, target: str) -> tuple[str, str | None]:
    """The family for ``bayesreg init`` and what to say about it: ``(family, note)``.

    Without ``--family``: a 0/1 target gets the Bernoulli family (logistic regression), said in
    the note; a count target (non-negative integers, more than two values) stays linear with the
    Poisson family suggested (a count-valued measurement is often modelled linearly: the choice is
    the user's); anything else is linear. With ``--family gaussian`` on a 0/1 target the note says
    that a linear model was asked for 0/1 labels.
    """
    from .report import target_kind

    kind = target_kind(y)
    if asked is None:
        if kind == "binary":
            return "bernoulli", (f"family bernoulli (logistic regression) chosen: the target {target!r} holds only "
                                 "0 and 1; pass --family gaussian for a linear model instead")
        if kind == "count":
            return "gaussian", (f"the target {target!r} holds non-negative integers: if they are counts, "
                                "--family poisson (Poisson regression) may fit them better than this linear model")
        return "gaussian", None
    if asked == "gaussian" and kind == "binary":
        return "gaussian", (f"the target {target!r} holds only 0 and 1, fitted here by a linear model as asked "
                            "(--family gaussian); --family bernoulli fits logistic regression")
    return asked, None


def _standardize_choice(X) -> tuple[bool, str]:
    """Whether ``bayesreg init`` writes ``standardize = true``, and why (the spread of the feature sds)."""
    sd = np.asarray(X, dtype=np.float64).std(axis=0)
    sd = sd[sd > 0]
    if sd.size < 2:
        return False, "standardize = true divides each feature by its sd (the prior scale then per sd)"
    ratio = float(sd.max() / sd.min())
    if ratio >= STANDARDIZE_RATIO:
        return True, (f"the feature sds differ by a factor {ratio:.3g}: each feature is divided by its sd, so one "
                      "prior scale fits every column (coefficients per sd)")
    return False, (f"the feature sds differ by a factor {ratio:.3g} at most: uncomment to divide each feature by "
                   "its sd (coefficients per sd)")


def _cmd_init(args) -> int:
    import contextlib
    import secrets
    import tomllib

    from .report import prepare_run
    from .spec import SpecError, parse_spec

    csv = Path(args.csv)
    if not csv.is_file():
        raise SpecError(csv, "csv", "file not found")
    out_dir = Path(args.out)
    target = out_dir / f"{csv.stem}.toml"
    if os.path.lexists(target) and not args.force:  # a link, even a dangling one, counts
        raise SpecError(target, "file", "exists; pass --force to replace it")
    if args.family == "binomial" and args.trials is None:
        raise ValueError("--trials is required with --family binomial (the CSV column of trial counts)")
    if args.family != "binomial" and args.trials is not None:
        raise ValueError(f"--trials is only for --family binomial; got --family {args.family}")
    # the data first, as a linear spec reads them (the CSV reading rules), to choose the family and
    # standardize; then the spec written is checked as `bayesreg check` checks it, data loaded,
    # before anything is written (with the CSV's absolute path: the output folder may not exist yet)
    first = parse_spec(tomllib.loads(spec_text(csv, args.target, args.prior, None, args.family or "gaussian",
                                               args.trials)), path=target)  # fmt: skip
    data = first.load_data()
    family, note = _family_choice(np.asarray(data.y), args.family, args.target)
    std = _standardize_choice(data.X)
    kw = dict(family_note=note, standardize=std)
    spec = parse_spec(tomllib.loads(spec_text(csv, args.target, args.prior, None, family, args.trials, **kw)),
                      path=target)  # fmt: skip
    prepare_run(spec)  # every check `bayesreg check` makes: a spec it would reject is not written
    text = spec_text(csv, args.target, args.prior, out_dir, family, args.trials, **kw)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir}: exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    # a fresh temporary file (never through a link), then one rename: a complete spec or none
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)  # replaces a link of that name (with --force), never writes through it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    print(f"wrote {target} ({data.n_samples} rows, {data.n_features} features: "
          f"{', '.join(list(data.feature_names)[:6])}{', ...' if data.n_features > 6 else ''})")  # fmt: skip
    if note:
        print(f"note: {note}")
    if std[0]:
        print(f"note: standardize = true: {std[1]}")
    print(f"next: bayesreg check {target}   and   bayesreg run {target}")
    return 0


def _cmd_compare(args) -> int:
    from .noise import parse_sigma

    parse_sigma(args.sigma, "--sigma")
    n = 442  # the diabetes data: every check before the table is computed
    _mapped_prior(Laplace.word, args.laplace_scale, args.sigma, n, "--laplace-scale")
    _mapped_prior(Gaussian.word, args.gaussian_scale, args.sigma, n, "--gaussian-scale")
    table, worst = comparison_table(args.sigma, args.laplace_scale, args.gaussian_scale, return_max_diff=True)
    print(table)
    return 0 if worst < 1e-7 else 1


def main(argv=None) -> int:
    """Entry point of the ``bayesreg`` console script."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures go to files; never open a window
    args = build_parser().parse_args(argv)

    handlers = {"run": _cmd_run, "list": _cmd_list, "check": _cmd_check, "equivalence": _cmd_equivalence,
                "compare": _cmd_compare, "init": _cmd_init}  # fmt: skip
    try:
        return handlers[args.command](args)
    except BrokenPipeError:  # output piped into `head` and the like
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("bayesreg: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, ArithmeticError, OSError, MemoryError) as exc:
        # bad input (a spec, an option, the data, the output folder): one line, no traceback
        if args.debug:
            raise
        print(f"bayesreg: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, and the way to see more
        if args.debug:
            raise
        print(f"bayesreg: internal error: {type(exc).__name__}: {_one_line(exc)} (run `bayesreg --debug "
              f"{args.command} ...` for the traceback)", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 2000 else text[:2000] + " ..."


if __name__ == "__main__":
    sys.exit(main())
