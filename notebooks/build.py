"""Build the notebooks from their sources and execute them.

The sources are plain Python files in the "percent" format (``notebooks/src/NN_name.py``): a line
``# %%`` starts a code cell, ``# %% [markdown]`` a Markdown cell whose lines drop their leading
``# ``. They are easy to read and to diff; the ``.ipynb`` files are built from them and executed
top to bottom with their outputs stored.

Usage (from the repository root)::

    .venv/bin/python notebooks/build.py            # build and execute every notebook
    .venv/bin/python notebooks/build.py 01 03      # only those whose name starts so
    .venv/bin/python notebooks/build.py --no-execute
    BAYESREG_FAST=1 .venv/bin/python notebooks/build.py   # quick run: fewer draws, smaller grids

The kernel is ``python3`` as provided by ipykernel in the running interpreter's environment,
so run this with the project's virtual environment.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
KERNEL = "python3"
TIMEOUT = 900


def parse_percent(text: str) -> list[tuple[str, str]]:
    """Split a percent-format source into ``(kind, source)`` cells, kind ``"code"`` or ``"markdown"``."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if "[markdown]" in line else "code"
            cells.append((kind, []))
            continue
        if not cells:
            if line.strip() and not line.startswith("#"):
                cells.append(("code", []))
            else:
                continue  # a header comment before the first cell
        kind, body = cells[-1]
        if kind == "markdown":
            line = line[2:] if line.startswith("# ") else line[1:] if line.startswith("#") else line
        body.append(line)
    out = []
    for kind, body in cells:
        src = "\n".join(body).strip("\n")
        if src.strip():
            out.append((kind, src))
    return out


def build_notebook(src_path: Path) -> nbformat.NotebookNode:
    """A fresh notebook (no outputs) from a percent-format source file."""
    nb = nbformat.v4.new_notebook()
    for kind, src in parse_percent(src_path.read_text()):
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src))
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = TIMEOUT) -> nbformat.NotebookNode:
    """Execute a notebook in place with nbclient (raises ``CellExecutionError`` on the first error)."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def sources(prefixes=()) -> list[Path]:
    """Source files, optionally only those whose name starts with one of ``prefixes``."""
    files = sorted(SRC.glob("[0-9][0-9]_*.py"))
    if prefixes:
        files = [f for f in files if any(f.stem.startswith(p) for p in prefixes)]
    return files


def main(argv=None) -> int:
    """Build (and by default execute) the notebooks."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="prefixes of the notebooks to build (default: all)")
    ap.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = ap.parse_args(argv)
    # the kernel inherits this environment: let it use the inline backend, not a headless one
    os.environ.pop("MPLBACKEND", None)
    for src in sources(args.names):
        nb = build_notebook(src)
        target = HERE / f"{src.stem}.ipynb"
        if not args.no_execute:
            t0 = time.perf_counter()
            execute(nb, HERE)
            print(f"{target.name}: executed in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        nbformat.write(nb, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
