# ruff: noqa: F401 - fixtures are imported by name so pytest finds them here
"""The registry tests' fixtures (tests/registry/fixtures.py)."""

from tests.registry.fixtures import _tasks_inline, blu_unit, login, unit
