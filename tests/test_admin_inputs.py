"""Every admin add and change form, sent empty or with nonsense, answers with a form, never a 500.

The models come from the admin's own registry, so a model registered later is covered too.
"""

import pytest
from django.contrib import admin

from tests.admin_forms import form_data

MODELS = sorted(
    f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry
)
# Values no field accepts: blank, words, a negative, too many digits, a day that does not exist.
BAD_VALUES = ["", "not a value", "-1", "9" * 40, "2019-02-30"]
# The inline formsets' bookkeeping: changed, Django refuses the whole form, so nothing else runs.
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


@pytest.fixture
def admin_client_seeded(client, admin_user, seed):
    client.force_login(admin_user)
    return client


def _fields(data: dict) -> list[str]:
    return [name for name in data if not name.endswith(MANAGEMENT)]


def _assert_answers_with_a_form(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    # 200: the form again with its messages; 403: the admin refuses the change outright.
    assert response.status_code in (200, 403), (url, data, response.status_code)
    if response.status_code == 200:
        assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()


def _first_object_url(model_path: str) -> str | None:
    model = next(
        m for m in admin.site._registry if f"{m._meta.app_label}/{m._meta.model_name}" == model_path
    )
    obj = model._default_manager.order_by("pk").first()
    return f"/admin/{model_path}/{obj.pk}/change/" if obj else None


@pytest.mark.parametrize("model_path", MODELS)
def test_it_answers_every_add_form_sent_empty_or_invalid_with_a_form(
    admin_client_seeded, model_path
):
    url = f"/admin/{model_path}/add/"
    page = admin_client_seeded.get(url)
    assert page.status_code in (200, 403), page.status_code
    if page.status_code == 403:
        return
    data = form_data(admin_client_seeded, url)
    _assert_answers_with_a_form(admin_client_seeded, url, {})
    for value in BAD_VALUES:
        _assert_answers_with_a_form(
            admin_client_seeded, url, {**data, **dict.fromkeys(_fields(data), value)}
        )


@pytest.mark.parametrize("model_path", MODELS)
def test_it_answers_every_change_form_with_a_field_empty_or_invalid_with_a_form(
    admin_client_seeded, model_path
):
    url = _first_object_url(model_path)
    if url is None:
        pytest.skip("the seed data holds none")
    page = admin_client_seeded.get(url)
    assert page.status_code == 200, page.status_code
    data = form_data(admin_client_seeded, url, change_reason="Checking bad input")
    # The model's own fields one at a time; its inlines' fields (named "prefix-N-field") together.
    own = [name for name in _fields(data) if "-" not in name and name != "change_reason"]
    inline = [name for name in _fields(data) if "-" in name]
    for value in BAD_VALUES:
        for changes in [{name: value} for name in own] + [dict.fromkeys(inline, value)]:
            response = admin_client_seeded.post(url, {**data, **changes})
            # A value some fields accept (a blank commentary) saves and redirects: also fine.
            assert response.status_code in (200, 302, 403), (changes, response.status_code)


def test_it_shows_a_budgets_derived_figures_as_a_dash_until_its_inputs_are_there(
    admin_client_seeded, seed
):
    page = admin_client_seeded.get("/admin/contracts/budget/add/")
    assert page.status_code == 200
    response = admin_client_seeded.post(
        "/admin/contracts/budget/add/",
        {
            "contract": seed["PSSP"].pk,
            "financial_year": "2020",
            "council_budget": "",
            "reserve_contribution": "0",
            "actual_outturn": "lots",
            "change_reason": "New year's budget",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("This field is required.") == 1
    assert "Enter a number." in content
    for name in ("revised", "variance_shown"):
        shown = content[content.find(f"field-{name}") :]
        assert shown[: shown.find("</div>")].endswith('<div class="readonly">-')


def test_it_works_out_a_budgets_figures_only_from_the_figures_it_has():
    from decimal import Decimal

    from contracts.models import Budget

    assert Budget(council_budget=None, actual_outturn=Decimal(5)).variance is None
    assert Budget(council_budget=Decimal(5), actual_outturn=None).variance is None
    assert Budget(council_budget=Decimal(5), actual_outturn=None).revised_budget == Decimal(5)
    assert Budget(council_budget=Decimal(5), actual_outturn=Decimal(7)).variance == Decimal(2)
    assert Budget().year_label is None
