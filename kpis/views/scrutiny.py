from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "kpis/home.html")


@login_required
def contract_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "kpis/home.html")


@login_required
def kpi_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return render(request, "kpis/home.html")
