# Two commands on a fresh machine (Python 3.11 and make):
#   make notebooks   execute every notebook; HTML, executed copies and figures go to build/
#   make test        the whole test suite
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: notebooks test report lab benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[forecasts]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

notebooks: $(VENV)/.installed-base
	$(BIN)/python -m analysis.notebooks --output build

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2

# an HTML report on evaluation results: make report RESULTS=path/to/results FORMAT=lm-eval [SIZES=sizes.csv]
RESULTS ?= data/examples/lm_eval
FORMAT ?= lm-eval
SIZES ?= $(if $(filter data/examples/lm_eval,$(RESULTS)),data/examples/lm_eval_sizes.csv)
report: $(VENV)/.installed-base
	$(BIN)/python -m analysis.report $(RESULTS) --format $(FORMAT) $(if $(SIZES),--sizes $(SIZES))

# pair every source with its .ipynb (notebooks/jupytext.toml), so a double click opens a notebook
lab: $(VENV)/.installed-base
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py
	$(BIN)/jupyter lab notebooks

# pref-voting (an anchor of benchmarks/bench_kemeny.py) pins numpy < 2.4, so it gets an environment of its own
$(VENV)-prefvoting/.installed:
	$(PYTHON) -m venv $(VENV)-prefvoting
	$(VENV)-prefvoting/bin/python -m pip install --quiet pref_voting==1.18.2
	touch $@

# PRAXIS and ArborEnum (anchors of benchmarks/bench_rashomon.py) are compiled against the newest numpy and pandas
$(VENV)-praxis/.installed:
	$(PYTHON) -m venv $(VENV)-praxis
	$(VENV)-praxis/bin/python -m pip install --quiet tree-praxis==0.0.30 arborenum==0.2.6
	touch $@

benchmarks: $(VENV)/.installed-test $(VENV)-prefvoting/.installed $(VENV)-praxis/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build .pytest_cache
