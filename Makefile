# Two commands on a fresh machine with only python3 and make:
#   make demo   the main job on the bundled default data set
#   make test   the whole suite, notebooks included
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-dev
BSTAMP  = $(VENV)/.installed-bench
export PYTHONHASHSEED = 0
export MPLBACKEND = Agg

.PHONY: demo test bench lint venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,dask]"
	touch $(STAMP)

$(BSTAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,dask,bench]"
	touch $(BSTAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/bayesreg run

test: $(STAMP)
	$(VENV)/bin/ruff check bayesreg tests benchmarks notebooks
	$(PY) -m pytest -n 2 --dist loadfile -q

bench: $(BSTAMP)
	$(PY) benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check bayesreg tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
