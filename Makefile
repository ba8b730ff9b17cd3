# Huiguang: `make run` serves the demo city, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HG := $(BIN)/huiguang
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# The public address in share links, QR codes, calendars and certificates: the one `make run`
# serves unless set in the environment (behind a proxy or on 0.0.0.0, set it to what users reach).
HUIGUANG_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install messages migrate seed run test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(HG) compile_translations

migrate: messages
	$(HG) migrate --noinput -v0

seed: migrate
	$(HG) seed_demo --if-empty

# In development tasks (notification deliveries) run in the web process, so SMS and e-mail print
# to this console; production runs `huiguang db_worker` (README).
run: seed
	HUIGUANG_SITE_URL=$(HUIGUANG_SITE_URL) $(HG) demo_logins
	HUIGUANG_SITE_URL=$(HUIGUANG_SITE_URL) \
	HUIGUANG_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend $(HG) runserver $(HOST):$(PORT)

test: messages
	$(HG) makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: messages
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

# The request and import benches on SQLite, then (with DATABASE_URL) on PostgreSQL, each on a
# throwaway database, and one table of the figures (bench/table.py). Sizes: BENCH_ROWS (import),
# BENCH_VOLUNTEERS (check-in); BENCH_ALL=1 adds the credit and bulletin benches.
BENCH_ROWS ?= 10000
BENCH_VOLUNTEERS ?= 300
BENCH_OUT ?= var/bench.jsonl
bench: migrate
	mkdir -p var && rm -f $(BENCH_OUT)
	env -u DATABASE_URL $(BIN)/python bench/import_volunteers.py --rows $(BENCH_ROWS) --json $(BENCH_OUT)
	env -u DATABASE_URL $(BIN)/python bench/checkin.py --volunteers $(BENCH_VOLUNTEERS) --json $(BENCH_OUT)
	env -u DATABASE_URL $(BIN)/python bench/signup.py --volunteers $(BENCH_VOLUNTEERS) --json $(BENCH_OUT)
	if [ -n "$$DATABASE_URL" ]; then \
	  $(BIN)/python bench/import_volunteers.py --rows $(BENCH_ROWS) --json $(BENCH_OUT) && \
	  $(BIN)/python bench/checkin.py --volunteers $(BENCH_VOLUNTEERS) --json $(BENCH_OUT) && \
	  $(BIN)/python bench/signup.py --volunteers $(BENCH_VOLUNTEERS) --json $(BENCH_OUT); fi
	if [ -n "$(BENCH_ALL)" ]; then $(BIN)/python bench/credit.py && $(BIN)/python bench/bulletin.py; fi
	@echo; $(BIN)/python bench/table.py $(BENCH_OUT)

clean:
	rm -rf $(VENV) var
