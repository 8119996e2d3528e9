# The two commands a new user needs:
#   make run    set up, import the sample content, publish, serve on 127.0.0.1:8000
#   make test   set up, lint, type-check and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
EXTRACT := $(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-output \
           --project=syndicate --copyright-holder="syndicate" --msgid-bugs-address="" \
           -k _ -o

.PHONY: run test lint translations catalogs sample bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Compile the committed .po catalogs into .mo (built, never committed).
catalogs: $(STAMP)
	$(BIN)/pybabel -q compile -d translations --statistics

# After changing a marked string: extract -> update -> compile, in one command.
translations: $(STAMP)
	$(EXTRACT) translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching \
	    --ignore-obsolete --init-missing -l en && \
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching \
	    --ignore-obsolete --init-missing -l ar && \
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching \
	    --ignore-obsolete --init-missing -l es
	$(MAKE) catalogs

# The service on its embedded default: the app (API + files), a worker and its
# scheduler; the sample content is imported on first run. An `import` or an API
# call shows up in the served feeds within a second.
run: catalogs
	$(BIN)/syndicate up --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

test: catalogs lint
	$(BIN)/pytest -q -n 2

# Regenerate the sample content (deterministic).
sample: $(STAMP)
	$(BIN)/python -m bench.corpus --sample --stories 200 --out samples/stories.ndjson

bench: catalogs
	$(BIN)/python -m bench.publish

clean:
	rm -rf var public .pytest_cache .mypy_cache .ruff_cache
