"""Run every benchmark in this folder (``make bench``); each writes benchmarks/results/<name>.md.

Usage: ``python benchmarks/run_all.py [--quick] [name ...]``. Benchmarks run one after the
other in fresh subprocesses so that one's compilation caches and memory do not colour another's.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


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
        rc = subprocess.call([sys.executable, str(script), *flags])
        print(f"== {script.stem}: exit {rc} after {time.perf_counter() - start:.0f} s ==", flush=True)
        if rc != 0:
            failed.append(script.stem)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
