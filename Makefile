# One-command entry points. `make run` installs and starts the web chat on the embedded default.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_TOOLS := tests/node/node_modules/.package-lock.json
MODEL := .meldbot/model.trained

.PHONY: run chat test lint install bench

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[telegram,teams,dev]'
	touch $(STAMP)

install: $(STAMP)

# Node.js test tools (the OpenID provider oidc-provider, axe-core), installed from the lock file.
$(NODE_TOOLS): tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

# The Dutch understanding is trained once at installation (with a progress bar), never on first serve.
$(MODEL): $(STAMP) $(wildcard data/training/*.yml) $(wildcard nlu/*.py)
	$(BIN)/meldbot train
	touch $(MODEL)

run: $(STAMP) $(MODEL)
	$(BIN)/meldbot serve --invite demo --invite mgr --invite coord

chat: $(STAMP) $(MODEL)
	$(BIN)/meldbot chat

test: $(STAMP) $(NODE_TOOLS)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.turns
	$(BIN)/python -m bench.nlu
