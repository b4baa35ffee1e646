"""A small HTTP client for gunicorn on loopback, and the return form's fields for a save."""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

# gunicorn sits behind a TLS-terminating proxy in production; this header is what it adds.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float


@dataclass
class Http:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None):
        headers = dict(PROXY_HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host}:{self.port}{path}"
            headers["Origin"] = f"https://{self.host}:{self.port}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for cookie in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        finally:
            connection.close()
        return Response(raw.status, content, response_headers, time.perf_counter() - started)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self.request("POST", path, fields)


class _FormFields(HTMLParser):
    """The fields of the form that holds a return's figures, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.forms[-1].append((self._select, a.get("value", "")))
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms[-1][-1][0] == self._textarea:
            name, text = self.forms[-1][-1]
            self.forms[-1][-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


FIGURE = re.compile(r"^kpi-(\d+)-value$")


def return_form(html: str) -> list[tuple[str, str]]:
    """The figures form of a quarterly return page; empty if the page has none."""
    parser = _FormFields()
    parser.feed(html)
    for fields in parser.forms:
        if any(FIGURE.match(name) for name, _ in fields):
            return fields
    return []


def change_figures(
    fields: list[tuple[str, str]], new: str, how_many: int = 1
) -> tuple[list[int], list[tuple[str, str]]]:
    """The form with the first `how_many` measured figures set to `new`, and their KPI ids.

    `new` must fit every unit (a small whole number does): a percentage, a count of failures,
    days, or a score on a 1 to 5 scale.
    """
    values = dict(fields)
    replace: dict[str, str] = {}
    kpis: list[int] = []
    for name, value in fields:
        match = FIGURE.match(name)
        if not match or not value or values.get(f"kpi-{match.group(1)}-not_measured_reason"):
            continue
        # A figure that misses its target needs commentary.
        commentary = f"kpi-{match.group(1)}-commentary"
        replace |= {name: new, commentary: values.get(commentary) or "Checked with supplier."}
        kpis.append(int(match.group(1)))
        if len(kpis) == how_many:
            changed = [(n, replace.get(n, v)) for n, v in fields]
            return kpis, [*changed, ("action", "save")]
    raise ValueError(f"The return has fewer than {how_many} figures to change.")


def change_one_figure(fields: list[tuple[str, str]], new: str) -> tuple[int, list]:
    kpis, changed = change_figures(fields, new, 1)
    return kpis[0], changed


def spread(worker, threads: int) -> None:
    """Runs `worker(index)` on `threads` threads and waits for them all."""
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
