"""Registers the scenario plugin for everything under ``scenarios/`` (the catalog items
and the property and self tests next to it)."""

from scenarios.plugin import (  # noqa: F401  (pytest finds hooks by name here)
    pytest_collect_file,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)
