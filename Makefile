# Two commands set up everything on a fresh machine:
#   make run    create the environment if missing, then run the main job (the baseline scenario)
#   make test   create the environment if missing, then run the whole test suite
#   make mutants  the mutation check (not part of make test): does a test catch each named break of the model?
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test mutants lint notebooks clean-venv

run: $(STAMP)
	$(PYTHON) run.py

test: $(STAMP)
	$(PYTHON) -m pytest

# Each mutant of tests/mutants.toml applied alone to a temporary copy, its tests run under a time and a
# memory limit; prints the table (also written to results/mutants.txt), its last line "killed K of N (P%)".
mutants: $(STAMP)
	$(PYTHON) -m tests.mutants --out results/mutants.txt

# The notebooks are edited in their py:percent form (notebooks/*.py); this writes the .ipynb, without outputs.
notebooks: $(STAMP)
	$(VENV)/bin/jupytext --to ipynb --update-metadata '{"jupytext": {"formats": "ipynb,py:percent"}}' notebooks/*.py

lint: $(STAMP)
	$(PYTHON) -m ruff check sim tests run.py benchmarks scripts notebooks

$(STAMP): pyproject.toml scripts/find-python
	@set -e; if [ ! -x $(PYTHON) ]; then \
	  base=$$(scripts/find-python); \
	  echo "creating $(VENV) with $$base"; \
	  "$$base" -m venv $(VENV); \
	fi
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
