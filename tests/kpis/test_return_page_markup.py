"""The return page writes its boxes with the `text_field` tag; the page is byte for byte the one
the `_text_field.html` include wrote, with and without errors, for monthly and quarterly KPIs
(the officer's draft of ICT with two monthly KPIs beside the seed's quarterly ones)."""

import copy
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.kpis.monthly import add_monthly_kpis
from tests.kpis.returns import start_return

URL = "/contracts/ICT/returns/2019-12-31/"
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
WITH_THE_TAG = [
    "kpis/returns/_row_form.html",
    "kpis/returns/_figure_fields.html",
    "kpis/returns/_months_form.html",
]


def _with_the_include(name: str) -> str:
    """The template as it was written before the tag: each box an include."""
    source = (TEMPLATES / name).read_text()
    assert "{% text_field " in source
    source = source.replace("{% load form_fields %}", "")
    return re.sub(
        r"\{% text_field (\S+) ",
        r'{% include "kpis/returns/_text_field.html" with field=\1 ',
        source,
    )


@pytest.fixture
def included(settings):
    """Settings serving the templates with includes in place of the tag."""

    def use() -> None:
        templates = copy.deepcopy(settings.TEMPLATES)
        engine = templates[0]
        engine["APP_DIRS"] = False
        engine["OPTIONS"]["loaders"] = [
            (
                "django.template.loaders.locmem.Loader",
                {name: _with_the_include(name) for name in WITH_THE_TAG},
            ),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ]
        settings.TEMPLATES = templates

    return use


def _without_nonces(html: str) -> str:
    """The page less what each request makes anew (the form's token, the scripts' nonce)."""
    return re.sub(r'(nonce|value)="[A-Za-z0-9+/=_-]{16,}"', "", html)


def _both(client, included, data=None) -> tuple[str, str]:
    def page() -> str:
        response = client.post(URL, data) if data else client.get(URL)
        return _without_nonces(response.content.decode())

    with_the_tag = page()
    included()
    return with_the_tag, page()


@pytest.fixture
def draft(client, officer, seed):
    kpis = add_monthly_kpis(seed["ICT"])
    quarterly_return = start_return(officer, seed["ICT"])
    client.force_login(officer)
    return quarterly_return, kpis


def test_it_writes_the_page_as_the_include_did(client, included, draft):
    with_the_tag, with_the_include = _both(client, included)
    assert 'name="kpi-' in with_the_tag
    assert with_the_tag == with_the_include


def test_it_writes_the_page_with_errors_and_what_was_typed_as_the_include_did(
    client, included, draft
):
    _, kpis = draft
    calls, waste = kpis["CALLS"].pk, kpis["WASTE"].pk
    # Errors beside a month's parts, a month's figure and a quarterly KPI's figure and reason.
    data = {
        "action": "save",
        f"kpi-{calls}-m1_numerator": "11",
        f"kpi-{calls}-m1_denominator": "10",
        f"kpi-{waste}-m1_value": "12o",
        f"kpi-{waste}-m2_value": "<100>",
    }
    with_the_tag, with_the_include = _both(client, included, data)
    assert "govuk-input--error" in with_the_tag
    assert 'value="12o"' in with_the_tag and 'value="&lt;100&gt;"' in with_the_tag
    assert with_the_tag == with_the_include
