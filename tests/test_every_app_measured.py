"""Coverage (`make coverage`) measures every app, and mutation testing (`make mutation`) copies
every app into mutants/, where the tests import them from: a new app left out of either list
fails here."""

import tomllib

from tests.test_layers import LAYERS, ROOT

SETTINGS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]


def test_coverage_measures_every_app():
    assert set(SETTINGS["coverage"]["run"]["source"]) == set(LAYERS)


def test_mutation_testing_copies_every_app():
    assert set(SETTINGS["mutmut"]["source_paths"]) == set(LAYERS)
