# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench fuzz clean compile

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# byte-compile the sources: where PYTHONDONTWRITEBYTECODE is set, nothing else would, and every run
# of eksguard would compile its modules again
compile: $(STAMP)
	@$(BIN)/python -m compileall -q src > /dev/null

demo: compile
	@echo "== eksguard scan examples/ (the two article-000 mistakes, and a hardened cluster)"
	-$(BIN)/eksguard scan examples/ --no-color; echo "exit code: $$? (1 = findings at or above high)"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2

test: lint typecheck unit

bench: compile
	$(BIN)/python bench/bench.py

fuzz: $(STAMP)
	EKSGUARD_FUZZ_EXAMPLES=20000 $(BIN)/pytest tests/test_fuzz.py -q

clean:
	rm -rf $(VENV) build dist
