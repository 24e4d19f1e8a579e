"""One driver for the Gibbs samplers: chains, seeds, threads, progress and the collection of draws.

Each Gibbs sampler of the package (the linear one of :mod:`bayesreg.samplers.gibbs`, the
regularised horseshoe's of :mod:`bayesreg.samplers.rhs`, the Polya-Gamma one of
:mod:`bayesreg.samplers.pg`) is a *kernel*: an object with

- ``fields``: ``{name: shape}``, the arrays one kept draw records (``()`` for a scalar);
- ``init(chain) -> state``: the chain's initial state, its random streams made from
  ``chain.seed`` (a :class:`numpy.random.SeedSequence`);
- ``step(state, chain, it, count) -> state``: sweeps ``it, ..., it + count - 1`` of the chain;
  a kept sweep ``k >= tune`` writes its draw into ``chain.out[name][k - tune]``.

:func:`run_chains` owns the rest: one seed per chain spawned from the user's seed
(:func:`chain_seeds`), the chains run in threads (the kernels release the GIL in BLAS, LAPACK,
numba and the Polya-Gamma draws) or one after the other, BLAS limited so that the chains do not
oversubscribe the cores (:func:`bayesreg._threads.chain_threads`), the progress bar
(:class:`Progress`), and the arrays of draws, ``(chains, draws, *shape)`` each.

Where ``init`` and ``step`` run: in the chain's own worker thread (``threads=True``), so a kernel
may seed thread-local generators (numba's) in ``init``; or in the calling thread, chain after
chain (``threads=False``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, Protocol

import numpy as np

from .._threads import chain_threads
from .._validation import check_scalar

__all__ = ["Chain", "Kernel", "Progress", "Run", "chain_seeds", "check_count", "run_chains"]


def check_count(value, name: str, lower: int) -> int:
    """``value`` as an int at least ``lower`` (draws, tune, chains, cores), or a clear error naming ``name``."""
    return int(check_scalar(value, name, lower=lower, integer=True))


def chain_seeds(random_seed, chains: int) -> list[np.random.SeedSequence]:
    """The seeds of a run: ``chains + 1`` independent :class:`~numpy.random.SeedSequence` children.

    Child ``c`` seeds chain ``c``; the last one is left for the posterior builder (the
    posterior predictive draws). The same ``random_seed`` gives the same children, so the same
    draws whatever the number of threads.

    Parameters
    ----------
    random_seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        ``None``: fresh entropy; an int (non-negative): ``SeedSequence(random_seed)``; a
        ``SeedSequence``: spawned from (its spawn counter advances); a ``Generator``: one 63-bit
        integer drawn from it seeds the run.
    chains : int
        The number of chains.
    """
    if isinstance(random_seed, np.random.SeedSequence):
        ss = random_seed
    elif isinstance(random_seed, np.random.Generator):
        ss = np.random.SeedSequence(int(random_seed.integers(2**63)))
    elif random_seed is None:
        ss = np.random.SeedSequence()
    else:
        if isinstance(random_seed, bool) or not isinstance(random_seed, int | np.integer):
            raise TypeError(
                f"random_seed must be None, a non-negative int, a SeedSequence or a Generator; "
                f"got {type(random_seed).__name__}"
            )
        if random_seed < 0:
            raise ValueError(f"random_seed must be non-negative; got {random_seed}")
        ss = np.random.SeedSequence(int(random_seed))
    return ss.spawn(chains + 1)


class Progress:
    """The Gibbs samplers' progress bar: rich's, the library PyMC's own progress bars use.

    Shown once a run has lasted ``delay`` seconds (short runs print nothing), refreshed from the
    driver while the chains run; rich renders it in a terminal and in a notebook, and prints a
    plain final line in a log instead of carriage returns. While no sweep is done and
    ``compiling()`` says numba is compiling the kernels (a first run), the bar says so and pulses,
    then counts sweeps.
    """

    _LABEL = "Gibbs sampling"
    _COMPILING = "compiling sampler kernels (first run only)"

    def __init__(self, total: int, chains: int, enabled: bool, delay: float = 1.0, compiling=None):
        self.total = total * chains
        self.enabled = enabled
        self.delay = delay
        self.compiling = compiling
        self.in_compile = False
        self.start = time.perf_counter()
        self.shown = False
        self.bar = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            # the task's clock starts now; the display only once the run has lasted `delay`
            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("iterations"),
                TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            )  # fmt: skip
            self.task = self.bar.add_task(self._LABEL, total=self.total)

    def update(self, done: int, final: bool = False):
        """Show ``done`` sweeps (all chains together); ``final`` closes the bar."""
        if self.bar is None:
            return
        if done == 0 and not final and not self.in_compile and self.compiling is not None and self.compiling():
            self.in_compile = True  # a pulsing bar (no total) that says why nothing is counted yet
            self.bar.update(self.task, description=self._COMPILING)
            # (rich's update() reads total=None as "unchanged"; a task without a total pulses)
            next(t for t in self.bar.tasks if t.id == self.task).total = None
        elif self.in_compile and (done > 0 or final):
            self.in_compile = False
            self.bar.update(self.task, total=self.total, description=self._LABEL)
        self.bar.update(self.task, completed=done)
        if not self.shown and not final and time.perf_counter() - self.start >= self.delay:
            self.bar.start()
            self.shown = True
        if final and self.shown:
            self.bar.stop()


class Chain(NamedTuple):
    """What the driver hands a kernel for one chain."""

    #: the chain's number, 0, 1, ...
    index: int
    #: the chain's seed (child ``index`` of :func:`chain_seeds`)
    seed: np.random.SeedSequence
    #: this chain's rows of the collected arrays: ``out[name]`` has shape ``(draws, *fields[name])``
    out: dict[str, np.ndarray]


class Kernel(Protocol):
    """A Gibbs sampler's kernel (see the module docstring)."""

    fields: Mapping[str, tuple[int, ...]]

    def init(self, chain: Chain) -> Any:
        """The chain's initial state (its random streams made from ``chain.seed``)."""

    def step(self, state: Any, chain: Chain, it: int, count: int) -> Any:
        """Sweeps ``it, ..., it + count - 1``; a kept one writes ``chain.out[name][sweep - tune]``."""


class Run(NamedTuple):
    """The draws of :func:`run_chains` and the time the chains took."""

    #: ``{name: array of shape (chains, draws, *fields[name])}``
    draws: dict[str, np.ndarray]
    #: seconds from the first sweep to the last
    elapsed: float


def run_chains(
    kernel: Kernel,
    *,
    chains: int,
    draws: int,
    tune: int,
    seeds,
    progressbar: bool,
    threads: bool = True,
    cores: int = 1,
    block: int | None = None,
    compiling=None,
) -> Run:
    """Run ``chains`` chains of ``kernel`` for ``tune + draws`` sweeps each and collect the kept draws.

    Parameters
    ----------
    kernel : Kernel
        The sampler's kernel: ``fields``, ``init``, ``step`` (module docstring).
    chains, draws, tune : int
        Number of chains, kept draws and discarded burn-in sweeps per chain (validated by the caller).
    seeds : sequence of numpy.random.SeedSequence
        At least ``chains`` seeds (:func:`chain_seeds`); chain ``c`` gets ``seeds[c]``.
    progressbar : bool
        Show the :class:`Progress` bar (sweeps of all chains together).
    threads : bool, default True
        Run the chains in ``cores`` worker threads, BLAS limited to the cores left to each chain
        (:func:`bayesreg._threads.chain_threads`); ``False``: one after the other in the calling thread.
    cores : int, default 1
        Worker threads when ``threads`` (:func:`bayesreg._threads.chain_workers` resolves the user's value).
    block : int, optional
        Sweeps per ``step`` call: the granularity of the progress bar. Default: 1 % of the sweeps
        with a bar, all of them in one call without.
    compiling : callable, optional
        Tells the bar that the kernels are being compiled (:class:`Progress`).

    Returns
    -------
    Run
        The draws, ``(chains, draws, *shape)`` per field, and the time taken.
    """
    total = tune + draws
    if block is None:
        block = max(1, total // 100) if progressbar else total
    out = {name: np.zeros((chains, draws, *shape)) for name, shape in kernel.fields.items()}
    done = np.zeros(chains, dtype=np.int64)
    lock = threading.Lock()
    bar = Progress(total, chains, bool(progressbar), compiling=compiling)

    def run_chain(c: int, report=None):
        chain = Chain(c, seeds[c], {name: a[c] for name, a in out.items()})
        state = kernel.init(chain)
        it = 0
        while it < total:
            m = min(block, total - it)
            state = kernel.step(state, chain, it, m)
            it += m
            with lock:
                done[c] = it
            if report is not None:
                report()

    t0 = time.perf_counter()
    try:
        if threads:
            # chains already fill the cores: BLAS threads inside each chain would only oversubscribe them
            with chain_threads(cores, chains), ThreadPoolExecutor(max_workers=cores) as pool:
                futures = [pool.submit(run_chain, c) for c in range(chains)]
                while not all(f.done() for f in futures):
                    time.sleep(0.02)
                    bar.update(int(done.sum()))
                for f in futures:
                    f.result()
        else:
            for c in range(chains):
                run_chain(c, report=lambda: bar.update(int(done.sum())))
    finally:
        # closed on an error too (a kernel's exception, KeyboardInterrupt): no live bar left behind
        bar.update(int(done.sum()), final=True)
    return Run(out, time.perf_counter() - t0)
