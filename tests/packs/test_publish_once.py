"""Publishing the same figures twice, or four times at once, makes one version; the PDF is rendered
before the return is locked, and published only if the figures did not change meanwhile."""

import threading
from html import escape
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from contracts.models import Contract
from kpis.models import QuarterlyReturn
from packs import pdf
from packs.models import PublishedPack
from packs.services import MOVED_ON_MESSAGE, publish_pack

Q4_18 = "2019-03-31"


def test_publishing_the_same_figures_again_returns_the_version_published(manager, seed):
    first = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    again = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    assert again.pk == first.pk
    assert (first.already_published, again.already_published) == (False, True)
    assert PublishedPack.objects.count() == 1


def test_the_page_says_the_pack_was_already_published(client, manager, seed):
    client.force_login(manager)
    client.post(f"/contracts/PSSP/pack/{Q4_18}/publish")
    page = client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", follow=True).content.decode()
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
        pack = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
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
        page = client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", follow=True)
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
    assert {pack.pk for pack in packs} == {PublishedPack.objects.get().pk}
    assert sorted(pack.already_published for pack in packs) == [False, True, True, True]
