"""Execute every notebook top to bottom (fast mode) and check the committed ones match their sources.

The notebooks are built from ``notebooks/src/*.py`` by ``notebooks/build.py``; here each source is
built afresh and executed with nbclient under ``BAYESREG_FAST=1`` (fewer draws, smaller grids) in
the ``python3`` kernel of the running interpreter's environment. A cell that raises fails the test.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

_spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = build.sources()


def test_there_are_six_notebooks():
    assert [s.stem[:2] for s in SOURCES] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_committed_notebook_matches_source_and_has_outputs(src):
    committed = NOTEBOOKS / f"{src.stem}.ipynb"
    assert committed.is_file(), f"{committed.name} is missing: run notebooks/build.py"
    nb = nbformat.read(committed, as_version=4)
    fresh = build.build_notebook(src)
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in fresh.cells], (
        f"{committed.name} differs from {src.name}: rebuild it with notebooks/build.py"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{committed.name} was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{committed.name} has stored errors"


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebook_executes(src, monkeypatch):
    monkeypatch.setenv("BAYESREG_FAST", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = build.build_notebook(src)
    build.execute(nb, NOTEBOOKS, timeout=600)  # raises CellExecutionError, naming the cell, on failure
