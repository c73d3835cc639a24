# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test lint typecheck bench profile install clean e2e-real

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes. The distribution is the mock alone
# (mock_entra, entra_kit); the lab's extra brings what its services need, and a .pth
# file puts this checkout on the venv's path, so backend, frontend, stack, scenarios,
# fake_downstream and benchmarks run from here without ever being installed anywhere.
# (The first two lines drop the old all-in-one distribution from venvs made before the split.)
$(STAMP): pyproject.toml | $(BIN)/python
	-$(BIN)/python -m pip uninstall --quiet --yes entra-mcp-lab >/dev/null 2>&1
	rm -rf entra_mcp_lab.egg-info
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	$(BIN)/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "entra-mcp-lab-checkout.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m stack

lint: $(STAMP)
	$(BIN)/ruff check entra_kit mock_entra backend fake_downstream frontend scenarios stack benchmarks examples tests conftest.py
	$(BIN)/ruff format --check entra_kit mock_entra backend fake_downstream frontend scenarios stack benchmarks examples tests conftest.py
	$(BIN)/mypy entra_kit mock_entra backend fake_downstream frontend scenarios stack benchmarks

typecheck: lint

# pytest exit 5 (no tests collected) is a failure here, as any non-zero exit.
test: lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Where a token request's time goes (docs/PERFORMANCE.md): py-spy samples the in-process
# token path (no server, no TLS); the profile opens in https://www.speedscope.app.
# py-spy is a profiling tool, installed here only, not a dependency of the mock.
profile: $(STAMP)
	$(BIN)/python -m pip install --quiet py-spy
	mkdir -p bench-results
	$(BIN)/py-spy record --format speedscope -o bench-results/profile-token.speedscope.json -- \
		$(BIN)/python -m benchmarks.profile_token --seconds 10
	$(BIN)/python -m benchmarks.profile_token --compare --seconds 10

clean:
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache

# Against a real tenant (the entra profile in .env). With the mock profile every check
# runs against an in-process mock instead (as in CI: tests/stack/test_e2e_real.py).
e2e-real: $(STAMP)
	$(BIN)/python -m stack e2e-real
