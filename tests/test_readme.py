"""README's layout names every app, so that a newcomer finds each from the folder names."""

import re

from tests.readme import section
from tests.test_layers import LAYERS


def test_the_layout_has_a_row_for_every_app():
    rows = set(re.findall(r"^\| `(\w+)/` \|", section("Layout"), re.MULTILINE))
    assert set(LAYERS) <= rows
