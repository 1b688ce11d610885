# gossamer: two commands set everything up on a fresh machine.
#   make demo   creates .venv, installs pinned dependencies, builds the workbench page,
#               analyses and ingests the demo corpus, prints the workbench URL
#   make test   runs the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
STATIC := gossamer/web/static/index.html
FRONT  := gossamer/web/frontend
DB     := out/demo.db

.PHONY: demo test bench install clean serve

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The workbench page: npm packages pinned by package-lock.json, bundled by esbuild.
$(STATIC): $(FRONT)/package-lock.json $(FRONT)/build.mjs $(wildcard $(FRONT)/src/*)
	cd $(FRONT) && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent

install: $(STAMP) $(STATIC)

demo: $(STAMP) $(STATIC)
	$(VENV)/bin/gossamer analyze demo/corpus --format html -o out/
	$(VENV)/bin/gossamer analyze demo/corpus --format jsonl -o out/analyses.jsonl
	$(VENV)/bin/gossamer analyze demo/corpus/lws-convoy-alqaim.txt
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(VENV)/bin/gossamer ingest demo/corpus --db $(DB)
	$(VENV)/bin/gossamer links --db $(DB) --limit 20
	@echo "Reports: out/*.html  JSON lines: out/analyses.jsonl  Corpus: $(DB)"
	@echo "Workbench: run '$(VENV)/bin/gossamer serve --db $(DB)' and open http://127.0.0.1:8765/"

serve: $(STAMP) $(STATIC)
	$(VENV)/bin/gossamer serve --db $(DB)

test: $(STAMP) $(STATIC)
	$(PY) -m pytest -n 2 -p no:cacheprovider

bench: $(STAMP) $(STATIC)
	$(PY) bench/run.py
	$(PY) bench/corpus.py
	$(PY) bench/web.py

clean:
	rm -rf $(VENV) out .pytest_cache gossamer/web/static $(FRONT)/node_modules
