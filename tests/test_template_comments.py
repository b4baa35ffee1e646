"""Django reads `{# ... #}` as a comment only on one line: one that runs onto a second line is
printed on the page as it stands. Longer comments use `{% comment %}`."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_short_comment_closes_on_its_own_line():
    templates = [path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"}]
    assert len(templates) > 100
    left_open = [
        f"{path}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") != line.count("#}")
    ]
    assert left_open == []
