"""`import bayesreg` stays light and quiet; the demo runs and shows sklearn and bayesreg agreeing."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

HEAVY = ["pymc", "pytensor", "arviz", "matplotlib"]


def _run(code: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    # -W error: any warning at import time becomes an exception (and a non-zero exit code)
    return subprocess.run(
        [sys.executable, "-W", "error", *args, "-c", code] if code else [sys.executable, "-W", "error", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _loaded_heavy(code: str) -> list[str]:
    script = code + f"\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = _run(script)
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr  # no warnings, nothing else on stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_bayesreg_is_light_and_quiet():
    assert _loaded_heavy("import bayesreg") == []


def test_analytical_core_does_not_pull_in_pymc_or_plotting():
    code = "\n".join(
        [
            "import numpy as np",
            "import bayesreg",
            "from bayesreg import Laplace, Gaussian, ElasticNetPrior, Horseshoe, L1, L2, ElasticNet",
            "from bayesreg import mapping, solvers, SufficientStats, lasso, ridge",
            "X = np.random.default_rng(0).standard_normal((20, 3)); y = X[:, 0]",
            "lasso(X, y, alpha=0.1); ridge(X, y, alpha=0.1); SufficientStats.from_arrays(X, y)",
            "mapping.to_sklearn(Laplace(1.0), sigma=1.0, n_samples=20)",
            "Laplace(1.0).logp(y); Horseshoe().sample(3, rng=0); ElasticNetPrior().sample(3, rng=0)",
        ]
    )
    assert _loaded_heavy(code) == []


def test_public_names_resolve_lazily():
    import bayesreg

    for name in ["Laplace", "L1", "mapping", "solvers", "lasso", "SufficientStats", "ConvergenceWarning"]:
        assert getattr(bayesreg, name) is not None
    with pytest.raises(AttributeError, match="no_such_name"):
        bayesreg.no_such_name  # noqa: B018


def test_demo_prints_a_table_where_sklearn_and_bayesreg_agree():
    out = _run("", "-m", "bayesreg.demo")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for heading in ("sklearn Lasso(alpha=", "sklearn Ridge(alpha=", "sklearn ElasticNet(alpha="):
        assert heading in text
    for feature in ("age", "bmi", "s6", "intercept"):
        assert len(re.findall(rf"^\s*{feature}\s", text, flags=re.M)) == 3
    # the numbers themselves: every row of the table agrees to 1e-7 relative to the largest coefficient
    diffs = [float(d) for d in re.findall(r"largest relative coefficient difference: (\S+);", text)]
    assert len(diffs) == 3
    assert max(diffs) < 1e-7
    assert "same zeros: False" not in text
    rows = re.findall(r"^\s*(\w+)\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)\s+\S+$", text, flags=re.M)
    assert len(rows) == 33
    for _, a, b in rows:
        assert float(a) == pytest.approx(float(b), abs=2e-6)  # six printed decimals
    assert "sklearn and bayesreg agree" in text


def test_an_unsupported_upstream_version_is_one_clear_import_error():
    import types

    from bayesreg import _upstream

    fake = types.SimpleNamespace(__name__="arviz", __version__="0.19.0")
    with pytest.raises(ImportError, match=r"arviz >= 0\.23 and < 2; found arviz 0\.19\.0"):
        _upstream._check_version(fake)
    fake = types.SimpleNamespace(__name__="pymc", __version__="7.0.0")
    with pytest.raises(ImportError, match="pymc >= 5.28 and < 7; found pymc 7.0.0"):
        _upstream._check_version(fake)
    _upstream._check_version(types.SimpleNamespace(__name__="pymc", __version__="6.4.0"))  # supported: quiet
