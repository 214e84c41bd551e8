# Two commands for a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_DIR ?= exports/demo
PIPELINE ?= blank

.PHONY: demo test fuzz install install-dev neo4j neo4j-stop bench schemas clean models

# setuptools prints a ten-line box about editable installs on every `pip install -e`; it is not for our users.
QUIET_PIP := PYTHONWARNINGS="ignore:Editable installation"

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "kg needs Python 3.11 or later; run: make $(MAKECMDGOALS) PYTHON=python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files so a second `make` does not reinstall.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(QUIET_PIP) $(PY) -m pip install --quiet -e ".[sm]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(QUIET_PIP) $(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## demo: build the graph of the bundled sample corpus into exports/demo (no server needed)
demo: install
	$(BIN)/kg build kg/data/sample_corpus/*.txt -o $(DEMO_DIR) --pipeline $(PIPELINE)
	@echo
	@echo "kg is installed in $(abspath $(BIN)); to run the README's examples as plain \`kg ...\`:"
	@echo "  source $(BIN)/activate        (or: export PATH=\"$(abspath $(BIN)):\$$PATH\")"

## test: install the development dependencies and run the whole test suite
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## fuzz: the long fuzzing profile (over 10,000 generated inputs), the slow fault runs (20+ SIGKILLs, Neo4j kills)
## and the bounded-memory read of a 200 MB text and BibTeX file
FUZZ_KILLS ?= 20
fuzz: install-dev
	@start=$$(date +%s); \
	KG_HYPOTHESIS_PROFILE=fuzz KG_FAULT_KILLS=$(FUZZ_KILLS) KG_NEO4J_KILLS=3 KG_STREAM_MB=200 $(PY) -m pytest -q \
		tests/test_fuzz.py tests/test_faults.py tests/test_neo4j_faults.py \
		tests/test_scale.py::test_every_format_is_read_in_bounded_memory $(PYTEST_ARGS); status=$$?; \
	echo "make fuzz took $$(( $$(date +%s) - start )) s"; exit $$status

## bench: print extraction, push, HTML and incremental-update figures
bench: install-dev
	$(PY) bench/extract.py
	$(PY) bench/push.py
	$(PY) bench/html.py
	$(PY) bench/update.py

## neo4j: start a local Neo4j Community 5.26 (needs Java 17+ and Maven); prints the bolt:// URI and credentials
neo4j: install
	$(BIN)/kg neo4j start

## neo4j-stop: stop the server `make neo4j` started
neo4j-stop: install
	$(BIN)/kg neo4j stop

## schemas: copy the pattern schemas (schemas/patterns/, the one source) into the package; a test checks they match
schemas:
	rm -f kg/extract/patterns/schemas/*.schema.json
	cp schemas/patterns/*.schema.json kg/extract/patterns/schemas/

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts

# The four learned models (kg/extract/models/*.json), retrained in order on the training sets they ship with
# (README, "Learned models: training sets and `make models`"): the entity scorer and the result metric chooser on
# dev; the result method chooser on dev and synthetic-dev (synthetic-dev's results weighted 0.3); the edge scorer on
# dev and synthetic-dev. train_result_choosers fits both choosers on one training set: it runs twice, and each run
# keeps one of its two models.
GOLD := tests/data/gold
DEV_SET := --gold $(GOLD)/dev.jsonl --papers $(GOLD)/dev-papers.jsonl
SYNTHETIC_DEV_SET := --gold $(GOLD)/synthetic-dev.jsonl --papers $(GOLD)/synthetic-dev-papers.jsonl
models: install-dev
	$(PY) -m kg.evaluate.train_scorer --gold $(GOLD)/dev.jsonl $(GOLD)/dev-papers.jsonl
	@unused=$$(mktemp -d) && trap 'rm -rf "$$unused"' EXIT && set -e && \
	echo "train_result_choosers (metric chooser: dev)" && \
	$(PY) -m kg.evaluate.train_result_choosers $(DEV_SET) --method-out "$$unused/method.json" && \
	echo "train_result_choosers (method chooser: dev + synthetic-dev, weight 0.3)" && \
	$(PY) -m kg.evaluate.train_result_choosers $(DEV_SET) $(SYNTHETIC_DEV_SET) --set-weight synthetic-dev=0.3 \
		--metric-out "$$unused/metric.json"
	$(PY) -m kg.evaluate.train_edge_scorer $(DEV_SET) $(SYNTHETIC_DEV_SET)
