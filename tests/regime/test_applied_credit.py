"""A manager records the credit applied to an approved quarter; the page keeps it beside the
credit due, and a second recording replaces it with the first kept in the history."""

from decimal import Decimal

import pytest

from regime.models import AppliedCredit

URL = "/contracts/ICT/regime/credit/"


def test_a_manager_records_the_credit_applied(client, manager, seed):
    client.force_login(manager)
    assert "Record the credit applied" in client.get("/contracts/ICT/regime/").content.decode()
    response = client.post(URL, {"quarter": "2019-03-31", "amount": "2400.50", "note": "Agreed"})
    assert response.status_code == 302
    credit = AppliedCredit.objects.get(contract=seed["ICT"])
    assert (credit.amount, credit.note, credit.recorded_by) == (
        Decimal("2400.50"),
        "Agreed",
        manager,
    )
    assert "£2,400.50" in client.get("/contracts/ICT/regime/").content.decode()
    client.post(URL, {"quarter": "2019-03-31", "amount": "0", "note": "Waived at the review"})
    credit.refresh_from_db()
    assert credit.amount == 0
    assert [h.amount for h in credit.history.order_by("history_date")] == [
        Decimal("2400.50"),
        Decimal("0"),
    ]
    assert credit.history.latest().history_change_reason == "Waived at the review"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quarter": "2019-03-31", "amount": "-5"}, "The credit applied cannot be negative"),
        ({"quarter": "2019-03-31", "amount": "lots"}, "Enter the credit as a number of pounds"),
        # Quarters are chosen from the contract's returns: others are refused beside the field.
        ({"quarter": "2019-03-30", "amount": "5"}, "Choose a quarter from the list"),
        ({"quarter": "2019-12-31", "amount": "5"}, "Choose a quarter from the list"),
    ],
)
def test_it_refuses_bad_input_next_to_the_field_and_keeps_it(client, manager, seed, data, message):
    client.force_login(manager)
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{data["amount"]}"' in page
    assert not AppliedCredit.objects.exists()


@pytest.mark.parametrize(("reader", "status"), [("committee_member", 403), ("officer", 403)])
def test_only_managers_record_credits(client, seed, request, reader, status):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(URL).status_code == status
    assert client.post(URL, {"quarter": "2019-03-31", "amount": "5"}).status_code == status
    assert not AppliedCredit.objects.exists()
