"""A body larger than the service accepts is refused from its Content-Length, before it is read."""

import io

import pytest
from django.test import Client

from kpis.imports.parse import MAX_BYTES
from tests.conftest import PASSWORD
from tests.kpis.import_files import OPEN_QUARTER


class Unreadable(io.BytesIO):
    """A body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post_claiming(client: Client, path: str, length: int):
    # Declares a body of `length` bytes, the way a 300 MB upload starts, without sending it.
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
    )


@pytest.mark.parametrize("path", ["/contracts/ICT/import/", "/accounts/login/", "/api/v1/kpis/"])
def test_it_refuses_a_signed_out_clients_huge_body_unread(client, path):
    response = _post_claiming(client, path, 300_000_000)

    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "It was 300 MB: the tracker accepts at most 11 MB" in page


def test_it_refuses_a_signed_in_officers_upload_just_over_the_limit(client, officer, settings):
    client.force_login(officer)
    response = _post_claiming(client, "/contracts/ICT/import/", settings.MAX_REQUEST_BYTES + 1)
    assert response.status_code == 413


def test_it_still_says_next_to_the_upload_how_big_a_file_over_the_import_limit_is(
    client, officer, settings
):
    client.force_login(officer)
    upload = io.BytesIO(b"a" * 1_500_000)
    upload.name = "figures.csv"
    response = client.post(
        "/contracts/ICT/import/", {"quarter": OPEN_QUARTER.isoformat(), "file": upload}
    )

    assert response.status_code == 400
    assert "The file is 1.5 MB: it must be smaller than 1 MB" in response.content.decode()
    assert MAX_BYTES < 1_500_000 < settings.MAX_REQUEST_BYTES


def test_it_lets_an_ordinary_sign_in_through(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
