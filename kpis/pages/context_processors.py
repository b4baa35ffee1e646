from django.conf import settings
from django.http import HttpRequest

from kpis.pages.work import HeaderCount


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name for the page header, which is plain text rather than a logo. A page about
    one contract passes `contract`, and base.html names that contract's council instead. Not
    `site_name`: Django's sign-in view already puts the host's name there."""
    return {"service_name": settings.SITE_NAME}


def my_work(request: HttpRequest) -> dict[str, HeaderCount]:
    """The count of "My work" for the header, read only if the page prints it."""
    return {"my_work": HeaderCount(request)}
