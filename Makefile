# Bangkom: the only entry points a newcomer needs.
#   make system  the Debian packages the tests need (Java, Maven, PostgreSQL, Chromium, Node.js, Go, pdfsig), as root
#   make setup   virtualenv in .venv with the project and its test and developer tools, at the locked versions
#   make lock    the lock files (requirements/runtime.txt, requirements/dev.txt) anew after pyproject.toml changed
#   make tools   promtool, kustomize, composecheck, the Strimzi schemas, axe-core and the Nu HTML Checker for the tests
#   make test    start Kafka and PostgreSQL when not running, run the whole suite, stop what it started
#   make test-cluster  the cluster suite alone (in make test too): three Kafka brokers, every part twice, kills and a restart
#   make bench   every figure of docs/performance.md against its bare baseline, one table at the end (bench/)
#   make soak    the whole stack for an hour under a steady mixed load, sampled each minute: table and docs/soak.png
#   make lint    ruff, and mypy on shared/, every domain.py and commands.py
#   make audit   the locked runtime dependencies against PyPI's vulnerability advisories (pip-audit; needs pypi.org's JSON API)
#   make demo    the whole system on this machine with the Lhokseumawe demo data (Ctrl-C stops it)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: system setup lock tools test test-cluster bench soak lint audit format demo kafka-start kafka-stop postgres-start postgres-stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# the locked versions (requirements/dev.txt, every hash checked), then the project itself on top of them
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed

# after a change to the dependencies in pyproject.toml: new lock files, the versions chosen anew within its ranges
lock: setup
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q -o requirements/runtime.txt
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --extra test --extra dev --generate-hashes -q \
		-o requirements/dev.txt

system:
	deploy/local/system-packages.sh

tools:
	deploy/tools/install.sh

test: system setup tools
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/local/with-infra.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

test-cluster: system setup tools
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/local/with-infra.sh $(BIN)/python -m pytest -m cluster tests/cluster $(PYTEST_ARGS)

bench: setup
	deploy/tools/install.sh bench
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/local/with-infra.sh sh -c '$(BIN)/python bench/figures.py --reset && $(BIN)/python bench/backbone.py && $(BIN)/python bench/workers.py && $(BIN)/python bench/attendance_ingest.py && $(BIN)/python bench/attendance.py && $(BIN)/python bench/evaluation_latency.py && $(BIN)/python bench/needs_gap.py && $(BIN)/python bench/simpeg_sync.py && $(BIN)/python bench/faults.py && $(BIN)/python bench/ui_pages.py && $(BIN)/python bench/memory.py && $(BIN)/python bench/figures.py'

soak: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/local/with-infra.sh $(BIN)/python bench/soak.py --minutes $${SOAK_MINUTES:-60}

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# --strict: a dependency that could not be checked fails the audit, as a vulnerable one does
audit: setup
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements/runtime.txt

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: system setup
	deploy/demo/run.sh

kafka-start:
	deploy/local/kafka.sh start
kafka-stop:
	deploy/local/kafka.sh stop
postgres-start:
	deploy/local/postgres.sh start
postgres-stop:
	deploy/local/postgres.sh stop

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
