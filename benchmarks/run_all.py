"""Run every benchmark in this folder (``make bench``); each writes benchmarks/results/<name>.md.

Usage: ``python benchmarks/run_all.py [--quick] [name ...]``. Benchmarks run one after the
other in fresh subprocesses so that one's compilation caches and memory do not colour another's,
each on the stack its results file documents: those in ``CURRENT_STACK`` with ``.venv-current``
(the newest releases, what users get) when it exists, the others with this interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks whose results file documents the current stack (PyMC 6, nutpie): run there when it exists
CURRENT_STACK = {"sampling", "first_run"}


def _python(name: str) -> str:
    current = ROOT / ".venv-current" / "bin" / "python"
    return str(current) if name in CURRENT_STACK and current.exists() else sys.executable


def main(argv: list[str]) -> int:
    flags = [a for a in argv if a.startswith("-")]
    names = [a for a in argv if not a.startswith("-")]
    scripts = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py")
    if names:
        scripts = [p for p in scripts if p.stem in names]
    failed = []
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        start = time.perf_counter()
        rc = subprocess.call([_python(script.stem), str(script), *flags])
        print(f"== {script.stem}: exit {rc} after {time.perf_counter() - start:.0f} s ==", flush=True)
        if rc != 0:
            failed.append(script.stem)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
