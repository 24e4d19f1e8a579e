# Two commands on a fresh machine with only python3 and make:
#   make demo   the main job on the bundled default data set (on the newest stack)
#   make test   the whole suite, notebooks included, on both supported stacks (the floor one on an
#               OpenBLAS kernel other than this CPU's own: see test-floor):
#                 current: the newest Python >= 3.12 found (PATH or pyenv) with current releases
#                          (PyMC 6, ArviZ 1), in .venv-current
#                 floor:   python3 with the versions pinned in constraints/floor.txt
#                          (PyMC 5, ArviZ 0.x), in .venv
PYTHON ?= python3
NEWPY  ?= $(shell sh tools/newest-python.sh)
VENV   ?= .venv
CVENV  ?= .venv-current
PY      = $(VENV)/bin/python
CPY     = $(CVENV)/bin/python
STAMP   = $(VENV)/.installed-dev
CSTAMP  = $(CVENV)/.installed-dev
BSTAMP  = $(VENV)/.installed-bench
export PYTHONHASHSEED = 0
export MPLBACKEND = Agg

.PHONY: demo test test-floor test-current bench lint venv venv-current clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints/floor.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints/floor.txt -e ".[dev,dask]"
	touch $(STAMP)

$(CPY):
	$(NEWPY) -m venv $(CVENV)
	$(CPY) -m pip install --quiet --upgrade pip

$(CSTAMP): pyproject.toml | $(CPY)
	$(CPY) -m pip install --quiet --upgrade -e ".[dev,dask]"
	touch $(CSTAMP)

$(BSTAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -c constraints/floor.txt -e ".[dev,dask,bench]"
	touch $(BSTAMP)

venv: $(STAMP)

venv-current:
	@if [ -n "$(NEWPY)" ]; then $(MAKE) --no-print-directory $(CSTAMP); fi

demo:
	@if [ -n "$(NEWPY)" ]; then \
		$(MAKE) --no-print-directory $(CSTAMP) && $(CVENV)/bin/bayesreg run; \
	else \
		$(MAKE) --no-print-directory $(STAMP) && $(VENV)/bin/bayesreg run; \
	fi

test: test-current test-floor

# The floor stack runs on an OpenBLAS kernel other than this CPU's own (tools/other-blas-kernel.sh: Haswell,
# or Sandybridge where Haswell is native), so that a result holding only under one kernel's rounding fails
# here first. An OPENBLAS_CORETYPE already set in the environment is kept as it is.
test-floor: $(STAMP)
	$(VENV)/bin/ruff check bayesreg tests benchmarks notebooks
	@k="$${OPENBLAS_CORETYPE:-$$(sh tools/other-blas-kernel.sh $(PY))}"; \
	env $${k:+OPENBLAS_CORETYPE=$$k} $(PY) -c 'import sys, pymc, arviz; from threadpoolctl import threadpool_info; k = sorted({i.get("architecture") or "?" for i in threadpool_info() if i.get("internal_api") == "openblas"}); print("== floor stack:", sys.version.split()[0], "pymc", pymc.__version__, "arviz", arviz.__version__, "OpenBLAS kernel", "/".join(k) or "none")' && \
	env $${k:+OPENBLAS_CORETYPE=$$k} $(PY) -m pytest -n 2 --dist loadfile -q

test-current:
	@if [ -z "$(NEWPY)" ]; then \
		echo "== no Python >= 3.12 on this machine (PATH or pyenv): the current stack (PyMC 6, ArviZ 1) is not tested; the floor only"; \
	else \
		$(MAKE) --no-print-directory $(CSTAMP) && \
		echo "== current stack: $$($(CPY) -c 'import sys, pymc, arviz; print(sys.version.split()[0], "pymc", pymc.__version__, "arviz", arviz.__version__)')" && \
		$(CPY) -m pytest -n 2 --dist loadfile -q; \
	fi

bench: $(BSTAMP)
	@$(MAKE) --no-print-directory venv-current
	$(PY) benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check bayesreg tests benchmarks

clean:
	rm -rf $(VENV) $(CVENV) .pytest_cache .ruff_cache
