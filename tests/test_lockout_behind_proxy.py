"""Behind the TLS proxy, sign-in lockout is keyed on each client's address, not the proxy's."""

import pytest
from django.urls import reverse

from serco_kpi.throttle import client_address
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"
GUESSER = "203.0.113.5"
OFFICER_AT_WORK = "198.51.100.7"


@pytest.fixture
def behind_proxy(settings):
    settings.PROXY_COUNT = 1


def _sign_in(client, password: str, forwarded: str):
    # What the proxy sends on: its own address, and the client's appended to X-Forwarded-For.
    return client.post(
        reverse("login"),
        {"username": "officer", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_it_locks_out_the_guessing_client_only(client, officer, settings, behind_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong password", GUESSER)

    assert _sign_in(client, PASSWORD, GUESSER).status_code == 429
    assert _sign_in(client, PASSWORD, OFFICER_AT_WORK).status_code == 302


def test_it_is_not_fooled_by_an_address_the_client_writes_itself(
    client, officer, settings, behind_proxy
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The guesser claims a new address each time; the proxy appends the real one.
        _sign_in(client, "wrong password", f"192.0.2.{n}, {GUESSER}")

    assert _sign_in(client, PASSWORD, f"{OFFICER_AT_WORK}, {GUESSER}").status_code == 429
    assert _sign_in(client, PASSWORD, OFFICER_AT_WORK).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "192.0.2.1", PROXY),  # no proxy configured: the header is the client's own claim
        (1, "", PROXY),  # the header missing: the request did not come through the proxy
        (1, f"192.0.2.1, {GUESSER}", GUESSER),
        (2, f"192.0.2.1, {GUESSER}, 10.0.0.9", GUESSER),
        (2, GUESSER, PROXY),
    ],
)
def test_it_finds_the_clients_address(rf, settings, proxies, forwarded, address):
    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address
