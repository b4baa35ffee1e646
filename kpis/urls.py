from django.urls import path

from kpis import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/<slug:code>/", views.contract_scorecard, name="contract_scorecard"),
    path("contracts/<slug:code>/kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
]
