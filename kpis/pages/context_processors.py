from django.conf import settings
from django.http import HttpRequest

from contracts.addresses import addresses
from kpis.pages.work import HeaderCount

# The pages every page's header and breadcrumbs link to.
SITE_LINKS = ("home", "my_work", "my_returns", "open_data", "logout")


def site(request: HttpRequest) -> dict:
    """The site's name for the page header, which is plain text rather than a logo, and the
    addresses of the pages the header links to. A page about one contract passes `contract`,
    and base.html names that contract's council instead. Not `site_name`: Django's sign-in view
    already puts the host's name there."""
    return {
        "service_name": settings.SITE_NAME,
        "links": addresses(SITE_LINKS),
    }


def my_work(request: HttpRequest) -> dict[str, HeaderCount]:
    """The count of "My work" for the header, read only if the page prints it."""
    return {"my_work": HeaderCount(request)}
