"""A progress line for the package's long steps other than sampling (rich, as the samplers' bars).

Empirical-Bayes rounds, the shrinkage grid and the pointwise log-likelihood each report through
:class:`Progress`: shown only once the step has lasted ``delay`` seconds (short steps print
nothing), with a description that can change as the step goes (the current round and scale).
"""

from __future__ import annotations

import time

__all__ = ["Progress"]


class Progress:
    """A rich progress bar over ``total`` units of work, shown after ``delay`` seconds.

    Parameters
    ----------
    label : str
        What is being done.
    total : int or None
        Units of work (None: unknown, the bar pulses).
    enabled : bool
        False: nothing is shown (``progressbar=False``).
    unit : str
        Name of a unit, shown after the count.
    delay : float
        Seconds before the bar appears.
    """

    def __init__(self, label: str, total: int | None, enabled: bool = True, unit: str = "", delay: float = 1.0):
        self.enabled = bool(enabled)
        self.delay = delay
        self.start = time.perf_counter()
        self.shown = False
        self.bar = None
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn(unit), TimeElapsedColumn())  # fmt: skip
            self.task = self.bar.add_task(label, total=total)

    def update(self, done: int, description: str | None = None) -> None:
        """``done`` units finished; ``description`` replaces the label (e.g. the current scale)."""
        if self.bar is None:
            return
        kw = {"completed": done}
        if description is not None:
            kw["description"] = description
        self.bar.update(self.task, **kw)
        if not self.shown and time.perf_counter() - self.start >= self.delay:
            self.bar.start()
            self.shown = True

    def close(self) -> None:
        """Stop the display (a final line stays when it was shown)."""
        if self.bar is not None and self.shown:
            self.bar.stop()
        self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
