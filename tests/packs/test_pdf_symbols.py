"""Every symbol that stands beside a status word can be printed: the committee's packs are PDFs,
laid out with the fonts installed on the server, and a symbol no font holds prints as an empty
box."""

import shutil
import subprocess

import pytest

from kpis.reads.display import IN_PROGRESS, SYMBOLS
from kpis.rules.travel import SYMBOLS as TRAVEL_SYMBOLS

# The due-date tags (`due_tag` in kpis/templatetags/kpi_display.py) use these beside their words.
DUE_SYMBOLS = ["!", "◔", "✓", "·"]


def _fonts_holding(symbol: str) -> str:
    charset = f":charset={ord(symbol):x}"
    return subprocess.run(
        ["fc-list", charset, "family"], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
def test_it_prints_every_status_symbol_with_an_installed_font():
    symbols = {
        *SYMBOLS.values(),
        *(symbol for _, symbol in IN_PROGRESS.values()),
        *DUE_SYMBOLS,
        *TRAVEL_SYMBOLS.values(),
    }
    unprintable = sorted(symbol for symbol in symbols if not _fonts_holding(symbol))
    assert unprintable == []
