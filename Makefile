# gossamer: two commands set everything up on a fresh machine.
#   make demo   creates .venv, installs pinned dependencies, analyses the demo corpus into out/
#   make test   runs the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench install clean lint

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gossamer analyze demo/corpus --format html -o out/
	$(VENV)/bin/gossamer analyze demo/corpus --format jsonl -o out/analyses.jsonl
	$(VENV)/bin/gossamer analyze demo/corpus/lws-convoy-alqaim.txt
	@echo "Reports: out/*.html  JSON lines: out/analyses.jsonl"

test: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache
