# tracetrick: `make pdf` builds the sheets, `make test` runs the tests.
# Both work on a fresh Debian machine in a clean clone: they make the virtualenv
# .venv (installing the package and its test extras once, again only when
# pyproject.toml or setup.py change) and install TeX Live if it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: pdf html docs lint format test check bench fuzz tex browser venv clean

pdf: $(STAMP) tex
	$(BIN)/tracetrick build problems -o output

# The same sheets as HTML pages (MathJax copied to output/_assets/, works offline).
html: $(STAMP)
	$(BIN)/tracetrick build problems -o output --format html

# The documentation site (MkDocs, Material) into output/site/: open output/site/index.html,
# offline.  The rule catalogue and the gallery are generated from the code and problems/.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# ruff (its checks, and the code as it formats it) and mypy over the package (their
# settings: pyproject.toml).  `make format` formats it.
lint: $(STAMP)
	$(BIN)/ruff check generator
	$(BIN)/ruff format --check generator
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format generator

# On every core (pytest-xdist), each test file on one worker: a file's module fixtures
# (the site, the JAX check) are built once.
test: $(STAMP) tex browser
	$(BIN)/python -m pytest -q -n auto --dist loadfile

check: $(STAMP)
	$(BIN)/tracetrick check problems

# Every performance goal with its baseline, measured in one run: prints the tables and
# writes output/bench.json (BENCH_FLAGS=--quick: the large banks without LaTeX;
# BENCH_FLAGS=--docs: also the tables of docs/performance.md).
bench: $(STAMP) tex
	$(BIN)/python bench/run.py $(BENCH_FLAGS)

# The fuzzer: FUZZ_COUNT random objectives per depth 1 to 5, each graded against finite
# differences; prints the table (ok / refused / self-check / wrong / crash / time) and
# writes output/fuzz.json with every case that was not ok.
FUZZ_COUNT ?= 2000
fuzz: $(STAMP)
	$(BIN)/python tests/random_objectives.py --count $(FUZZ_COUNT)

tex:
	bash scripts/ensure-tex.sh

# Headless Chromium, for the test that opens the HTML pages (tests/test_render_html.py).
browser:
	bash scripts/ensure-browser.sh

venv: $(STAMP)

# A venv left half-made (no pip) is made again rather than trusted.
$(STAMP): pyproject.toml setup.py
	@if [ ! -x $(BIN)/pip ]; then \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV) || { \
	    echo "error: '$(PYTHON) -m venv' failed; on Debian: apt-get install python3-venv" >&2; \
	    exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
	find output -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
