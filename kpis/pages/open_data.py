from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kpis.reads.open_data import open_data_lines


@require_GET
@login_required
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every reading of every contract, streamed so that a long history never sits in memory."""
    today = timezone.localdate()
    response = StreamingHttpResponse(open_data_lines(today), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi-readings-{today}.csv"'
    return response
