"""Issue 21 (Seen 10): sampler threads follow the CPU affinity and never exceed the user's BLAS limit; nutpie cores.

The thread rule has one home, :mod:`bayesreg._threads`. The Gibbs samplers ask it for the BLAS
limit while the chains run; these tests record the limit the samplers request, in a fresh process
pinned to one CPU (as ``taskset -c 0`` would) and under ``threadpoolctl.threadpool_limits(1)``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import bayesreg as br

ROOT = Path(__file__).resolve().parents[1]

# records every limit asked of threadpoolctl (whatever module imported it), then runs one Gibbs fit of one chain
# (one chain at a time: main asked os.cpu_count() // 1 BLAS threads, whatever the affinity or the user's limit)
_CHILD = textwrap.dedent(
    """
    import json, os, sys
    import threadpoolctl
    asked = []
    _orig = threadpoolctl.threadpool_limits
    def recording(limits=None, user_api=None):
        asked.append(limits)
        return _orig(limits=limits, user_api=user_api)
    threadpoolctl.threadpool_limits = recording
    if sys.argv[1] == "pin":
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import numpy as np
    import bayesreg as br
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3)); y = X @ [1.0, 0.0, -1.0] + rng.standard_normal(40)
    def fit():
        br.sample_posterior(X, y, br.Laplace(1.0), sampler="gibbs", draws=20, tune=10, chains=1,
                            progressbar=False, check=False, random_seed=1)
    if sys.argv[1] == "user_limit":
        with _orig(limits=1, user_api="blas"):
            asked.clear()
            fit()
    else:
        fit()
    try:
        from bayesreg import _threads
        workers, cpus = _threads.chain_workers(4), _threads.available_cpus()
    except ImportError:  # (a tree without the rule's one home: only what was asked is compared)
        workers = cpus = None
    print(json.dumps({"asked": asked, "workers": workers, "cpus": cpus}))
    """
)


def _child(mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_a_process_pinned_to_one_cpu_gets_one_blas_thread_and_one_chain_worker():
    got = _child("pin")
    assert got["asked"] and all(a == 1 for a in got["asked"])  # on main: os.cpu_count() // cores
    assert got["cpus"] == 1
    assert got["workers"] == 1  # chains run one at a time on one CPU


def test_a_user_limit_of_one_blas_thread_is_not_raised():
    got = _child("user_limit")
    assert got["asked"] and all(a == 1 for a in got["asked"])  # on main: os.cpu_count() // cores (2 here)


def test_blas_threads_share_the_available_cpus():
    from threadpoolctl import threadpool_limits

    from bayesreg import _threads

    cpus = _threads.available_cpus()
    with threadpool_limits(limits=cpus, user_api="blas"):
        assert _threads.blas_threads(cores=1, chains=1) == cpus
        assert _threads.blas_threads(cores=2, chains=4) == max(1, cpus // 2)
    with threadpool_limits(limits=1, user_api="blas"):
        assert _threads.blas_threads(cores=1, chains=1) == 1


@pytest.mark.skipif(importlib.util.find_spec("nutpie") is None, reason="nutpie not installed")
def test_nutpie_takes_cores():
    # on PyMC 6.4 main raised TypeError: nutpie.sample.sample() got multiple values for keyword argument 'cores'
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    y = X @ [1.0, -1.0] + rng.standard_normal(50)
    post = br.sample_posterior(X, y, br.Gaussian(1.0), sigma=1.0, sampler="nutpie", cores=1, draws=100, tune=100,
                               chains=2, random_seed=1, progressbar=False, check=False)  # fmt: skip
    assert post.posterior.attrs["sampler"] == "nutpie"
    assert post.posterior["beta"].shape == (2, 100, 2)
