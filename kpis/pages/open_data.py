"""The open data: a page that lists the published files with what each column means, and the
files themselves, streamed so that a long history never sits in memory."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kpis.pages.panels import panels
from kpis.reads.open_data import (
    MONTHS_DICTIONARY,
    READINGS_DICTIONARY,
    open_data_lines,
    open_data_month_lines,
)


@require_GET
@login_required
def open_data_page(request: HttpRequest) -> HttpResponse:
    """The files with their data dictionaries. No figures: nothing here moves with the data.
    Apps built on `kpis` add their own files at the "open_data" panel."""
    context = {
        "readings_dictionary": READINGS_DICTIONARY,
        "months_dictionary": MONTHS_DICTIONARY,
        "more_files": panels("open_data", request),
    }
    return render(request, "kpis/open_data.html", context)


@require_GET
@login_required
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every reading of every contract."""
    today = timezone.localdate()
    response = StreamingHttpResponse(open_data_lines(today), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi-readings-{today}.csv"'
    return response


@require_GET
@login_required
def open_data_months_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every month beneath an approved quarter of every contract."""
    today = timezone.localdate()
    response = StreamingHttpResponse(
        open_data_month_lines(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-months-{today}.csv"'
    return response
