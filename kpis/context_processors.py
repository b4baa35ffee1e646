from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict[str, str]:
    """The council's name for the page header, which is plain text rather than a logo."""
    return {"council_name": settings.COUNCIL_NAME}
