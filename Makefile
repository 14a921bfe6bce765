# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint chromium fonts bench demo messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run dashboard.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check evaluation tests benchmarks dashboard.py
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (Playwright cannot download its own build here);
# the CJK font makes Chinese labels render in screenshots.
chromium:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei)

# The bulletin and letters embed a Song face for text and a bold sans face for titles;
# `pdftoppm` (poppler-utils) renders their pages to PNG for the docs.
fonts:
	test -f /usr/share/fonts/truetype/arphic/uming.ttc -a -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc -a -x /usr/bin/pdftoppm || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-wqy-zenhei poppler-utils)

test: lint chromium fonts
	$(BIN)/python -m pytest

# Extract every message from the code into the catalogs (evaluation/locale) and list what
# still needs a translator.
messages: $(STAMP)
	$(BIN)/python -m evaluation.catalogs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_evaluate.py
	$(BIN)/python benchmarks/bench_upload.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_reports.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
