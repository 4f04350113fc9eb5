# Comunidad OSC: the two set-up commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.test-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint bench translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.test-installed-*
	touch $(TEST_STAMP)

install: $(STAMP)

## make run: install, migrate, load catalogues and demo data, serve on http://127.0.0.1:5000
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) catalog load
	$(FLASK) seed-demo
	$(FLASK) search reindex
	$(BIN)/python wsgi.py

## make test: the whole suite (browser tests included when Chromium is installed), one
## worker per core (pytest-xdist; each worker has its own database); PYTEST_ARGS="-n 0" for one
PYTEST_ARGS ?= -n auto --dist loadfile
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

## make bench: load benchmarks under gunicorn (needs wrk: apt-get install wrk)
bench: $(TEST_STAMP)
	$(BIN)/python bench/load.py $(BENCH_ARGS)

## make translations: extract strings and update the es_MX and en catalogues
translations: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o community/translations/messages.pot .
	$(BIN)/pybabel update -i community/translations/messages.pot -d community/translations
	$(BIN)/pybabel compile -d community/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
