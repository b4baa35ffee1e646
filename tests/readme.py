"""README's sections, for the tests that hold its tables to the code: each table is read from
the section it belongs in, so that a copy left elsewhere does not pass for it."""

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def section(title: str) -> str:
    """The text under README's `## title`, up to the next heading of that level."""
    text = README.read_text()
    heading = f"\n## {title}\n"
    assert heading in text, f"README has no section '{title}'"
    return text.split(heading, 1)[1].split("\n## ", 1)[0]
