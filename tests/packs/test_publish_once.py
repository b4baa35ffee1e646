"""Publishing the same figures twice, or four times at once, makes one version; the PDF is rendered
before the return is locked, and published only if the figures did not change meanwhile."""

import datetime
import io
import threading
from decimal import Decimal
from html import escape
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from pypdf import PdfReader

from contracts.models import Budget, Contract
from contracts.roles import Role
from kpis.models import Kpi, QuarterlyReturn
from packs import pdf
from packs.models import PublishedPack
from packs.services import MOVED_ON_MESSAGE, publish_pack
from tests.conftest import _user

Q4_18 = "2019-03-31"


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_publishing_the_same_figures_again_returns_the_version_published(manager, seed):
    first, first_created = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    again, again_created = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    assert again.pk == first.pk
    assert (first_created, again_created) == (True, False)
    assert PublishedPack.objects.count() == 1


def test_another_manager_a_day_later_publishing_the_same_finds_the_version_published(
    django_user_model, manager, seed
):
    # The stamp is all that differs: when it was produced, who published it, which version.
    first, _ = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    other = _user(django_user_model, "deputy", Role.MANAGER, [seed["PSSP"]])
    later = first.published_at + datetime.timedelta(days=1, hours=3)

    with mock.patch("django.utils.timezone.now", return_value=later):
        again, created = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=other)

    assert (again.pk, created) == (first.pk, False)


def test_the_page_says_the_pack_was_already_published(client, manager, seed):
    client.force_login(manager)
    client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"})
    page = client.post(
        f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"}, follow=True
    ).content.decode()
    pack = PublishedPack.objects.get()
    assert page.count("Version 1 of the pack for Mar-19 already holds these figures") == 1
    assert f'href="/contracts/PSSP/packs/{pack.pk}/pdf"' in page


def test_it_renders_the_pdf_before_it_locks_the_return(transactional_db, manager, seed):
    seen = []
    real = pdf.render_pdf

    def render(context, produced=None):
        seen.append(connection.in_atomic_block)
        return real(context, produced)

    with mock.patch("packs.pdf.render_pdf", render):
        publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    assert seen == [False]


def test_the_return_can_be_locked_elsewhere_while_the_pdf_renders(transactional_db, manager, seed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database, never one row")
    locked: list[QuarterlyReturn] = []

    def lock_elsewhere():
        # Another connection, in a transaction of its own; NOWAIT fails at once if it is locked.
        try:
            with transaction.atomic():
                returns = QuarterlyReturn.objects.select_for_update(nowait=True)
                locked.extend(returns.filter(contract__code="PSSP", period__end_date=Q4_18))
        finally:
            connection.close()

    def render(context, produced=None):
        thread = threading.Thread(target=lock_elsewhere)
        thread.start()
        thread.join()
        return b"%PDF-1.7 made up"

    with mock.patch("packs.pdf.render_pdf", render):
        publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    assert len(locked) == 1


def test_it_renders_again_when_the_figures_change_while_it_renders(manager, seed):
    renders = []

    def render(context, produced=None):
        renders.append(context["contract"].name)
        if len(renders) == 1:
            Contract.objects.filter(code="PSSP").touch()
        return b"%PDF-1.7 made up"

    with mock.patch("packs.pdf.render_pdf", render):
        pack, _ = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    assert len(renders) == 2
    assert (pack.version, PublishedPack.objects.count()) == (1, 1)


def test_it_refuses_when_the_figures_keep_changing(client, manager, seed):
    def render(context, produced=None):
        Contract.objects.filter(code="PSSP").touch()
        return b"%PDF-1.7 made up"

    with mock.patch("packs.pdf.render_pdf", render):
        with pytest.raises(ValidationError, match="changed while the pack was being made"):
            publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
        client.force_login(manager)
        page = client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"}, follow=True)
    assert escape(MOVED_ON_MESSAGE) in page.content.decode()
    assert not PublishedPack.objects.exists()


def test_four_people_publishing_at_once_make_one_version(transactional_db, manager, seed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: concurrent publishing needs PostgreSQL")
    publishers = 4
    barrier = threading.Barrier(publishers, timeout=30)
    packs, errors = [], []

    def render(context, produced=None):
        # Everyone has read the figures and is rendering before anyone locks the return.
        barrier.wait()
        return b"%PDF-1.7 made up"

    def publish():
        try:
            packs.append(publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager))
        except Exception as error:
            errors.append(error)
        finally:
            connections["default"].close()

    with mock.patch("packs.pdf.render_pdf", render):
        threads = [threading.Thread(target=publish) for _ in range(publishers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert PublishedPack.objects.count() == 1
    assert {pack.pk for pack, _ in packs} == {PublishedPack.objects.get().pk}
    assert sorted(created for _, created in packs) == [False, False, False, True]


def _change_the_outturn(seed) -> str:
    budget = Budget.objects.get(contract=seed["PSSP"], financial_year=2018)
    budget.actual_outturn = Decimal("7654321")
    budget.save()
    return "£7,654,321"


def _change_a_description(seed) -> str:
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    kpi.description = "Average days to process new benefit claims, counted again"
    kpi.save()
    return "counted again"


@pytest.mark.parametrize("change", [_change_the_outturn, _change_a_description])
def test_it_publishes_a_new_version_when_the_pdf_prints_something_new(manager, seed, change):
    # Neither the budget nor a KPI's description is among the figures a pack's data keeps, but
    # both are printed: the committee would be given a different PDF.
    first, _ = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    printed = change(seed)

    second, created = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)

    assert created
    assert (first.version, second.version) == (1, 2)
    assert printed not in _text(bytes(first.pdf)) and printed in _text(bytes(second.pdf))
