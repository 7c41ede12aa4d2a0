# callsim: two commands matter. `make run` plays, `make test` tests. Both build .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/callsim $(ARGS)

# The store tests also run against a real PostgreSQL: scripts/pg-test-server starts a throwaway server
# (installing PostgreSQL first when it is missing and we are root) and the trap stops it however pytest ends.
# With no server the PostgreSQL tests skip, except under CI=true, where they fail.
# The real-browser tests need Debian's chromium and chromedriver: scripts/ensure-chromium installs them when
# missing and we are root (without them those tests skip, except under CI=true, where they fail).
# The suite runs in TEST_JOBS worker processes (pytest-xdist; TEST_JOBS=0 runs it in this one).
TEST_JOBS ?= 2

test: $(STAMP)
	@scripts/ensure-chromium >/dev/null || true
	@pg_env="$$(scripts/pg-test-server start)" || pg_env=""; eval "$$pg_env"; \
	trap 'scripts/pg-test-server stop "$${CALLSIM_TEST_PG_DIR:-}"' EXIT INT TERM; \
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/bench_scorer.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
