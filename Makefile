# The two commands a new user runs: `make demo` and `make test`. Each sets itself up: a local
# virtual environment in .venv with the project and the extras it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench docs clean graphviz

# Small matrices run many times faster on one BLAS thread than with OpenBLAS's thread pool
# (20x on a busy 2-core machine); the demo and the tests work on small matrices.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,viz,demo]'
	rm -f $(VENV)/.installed-*
	touch $@

# The Graphviz `dot` program renders graphs; install it where we can (root or sudo with apt).
graphviz:
	@sh scripts/ensure-graphviz.sh

demo: $(STAMP) graphviz
	$(ONE_THREAD) $(BIN)/python examples/demo.py

test: $(STAMP) graphviz
	$(BIN)/ruff check autograd_mini tests examples benchmarks
	$(ONE_THREAD) $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py
	$(BIN)/python benchmarks/bench_sequence.py
	$(BIN)/python benchmarks/bench_gpt.py

# The documentation site (guides and the API reference from the docstrings) into out/site/.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache out
