"""A page as the site serves it under a prefix, such as /kpi behind a proxy."""

from django.urls import set_script_prefix


def page_under(client, path: str, prefix: str) -> str:
    """The page at `path` as a WSGI server serving the site under `prefix` would give it: the
    test client sets no script prefix of its own, so it is set here and put back after."""
    set_script_prefix(f"{prefix}/")
    try:
        return client.get(path, SCRIPT_NAME=prefix).content.decode()
    finally:
        set_script_prefix("/")
