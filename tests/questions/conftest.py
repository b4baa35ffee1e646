"""A question asked by the committee about a figure, and the people who answer it, with email
addresses so that the emails have somewhere to go."""

import pytest

from kpis.models import Kpi
from questions import writes
from questions.models import Question
from tests.questions.asking import MAR_19, TEXT


@pytest.fixture
def addressed(officer, manager, committee_member):
    """The named users, each with an email address."""
    for user in (officer, manager, committee_member):
        user.email = f"{user.username}@example.org"
        user.save()


@pytest.fixture
def kpi(seed) -> Kpi:
    return Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")


@pytest.fixture
def asked(seed, committee_member, kpi) -> Question:
    """The committee's question about R&B-K-009's figure for Mar-19."""
    return writes.ask_question(
        contract=seed["PSSP"], user=committee_member, text=TEXT, kpi=kpi, end_date=MAR_19
    )
