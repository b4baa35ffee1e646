"""A live pack's PDF is rendered once per version of the contract's data, then served as kept."""

import errno
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import caches
from pypdf import PdfReader

from contracts.models import Contract
from packs import pdf

URL = "/contracts/PSSP/pack/2019-03-31/pdf"


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def renders():
    """Counts the renders, rendering each for real."""
    with mock.patch("packs.pdf.render_pdf", wraps=pdf.render_pdf) as render:
        yield render


def test_it_renders_a_pdf_once_for_every_reader(
    client, committee_member, manager, seed, renders, django_assert_num_queries
):
    client.force_login(committee_member)
    first = client.get(URL)
    client.force_login(manager)
    # The session, the user, the contract and its quarters: nothing the PDF prints.
    with django_assert_num_queries(4):
        second = client.get(URL)
    assert renders.call_count == 1
    assert second.content == first.content
    assert second.content.startswith(b"%PDF")
    for header in ("Content-Type", "Content-Disposition"):
        assert second[header] == first[header]
    assert (
        second["Content-Disposition"] == 'attachment; filename="PSSP-committee-pack-2019-03-31.pdf"'
    )


def test_it_renders_it_again_once_the_contracts_data_moves_on(
    client, committee_member, seed, renders
):
    client.force_login(committee_member)
    first = client.get(URL).content
    assert client.get(URL).content == first
    assert renders.call_count == 1
    contract = Contract.objects.get(code="PSSP")
    contract.name = "Peterborough Serco Strategic Partnership (renamed)"
    contract.save()
    second = client.get(URL).content
    assert renders.call_count == 2
    assert "(renamed)" not in _text(first)
    assert "(renamed)" in _text(second)
    # Another quarter's PDF is a PDF of its own.
    client.get("/contracts/PSSP/pack/2018-12-31/pdf")
    assert renders.call_count == 3


def _files_in(settings, location: Path) -> None:
    """The live packs' PDFs kept as files in `location`, as in production."""
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    settings.CACHES = {**settings.CACHES, "packs": {"BACKEND": backend, "LOCATION": str(location)}}


def test_it_keeps_the_pdf_as_a_file_for_the_next_reader(
    client, committee_member, seed, renders, settings, tmp_path
):
    _files_in(settings, tmp_path / "pack-pdfs")
    client.force_login(committee_member)

    first = client.get(URL).content
    second = client.get(URL).content

    assert renders.call_count == 1 and second == first
    assert len(list((tmp_path / "pack-pdfs").iterdir())) == 1


def test_it_serves_the_pdf_when_its_directory_cannot_be_written(
    client, committee_member, seed, renders, settings, tmp_path, caplog
):
    # A directory that can be neither made nor read, even by root: its parent is a file.
    (tmp_path / "a-file").write_text("not a directory")
    _files_in(settings, tmp_path / "a-file" / "pack-pdfs")
    client.force_login(committee_member)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert renders.call_count == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("could not be read from PACK_PDF_DIR" in w for w in warnings), warnings
    assert any("could not be kept in PACK_PDF_DIR" in w for w in warnings), warnings


def test_it_serves_the_pdf_when_the_disk_is_full(client, committee_member, seed, renders, caplog):
    full = OSError(errno.ENOSPC, "No space left on device")
    client.force_login(committee_member)

    with mock.patch.object(caches["packs"], "set", side_effect=full):
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "No space left on device" in caplog.text


def test_it_renders_it_again_for_a_new_release(client, committee_member, seed, renders, settings):
    client.force_login(committee_member)
    client.get(URL)
    client.get(URL)
    assert renders.call_count == 1

    # The files on disk outlive a deploy: the next release, whose templates or status rules may
    # print the same figures differently, never serves them.
    settings.RELEASE = "the-next-release"
    client.get(URL)

    assert renders.call_count == 2
