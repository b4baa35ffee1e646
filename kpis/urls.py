from django.urls import path

from kpis import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/<slug:code>/", views.contract_scorecard, name="contract_scorecard"),
    path("contracts/<slug:code>/kpis/", views.kpi_table, name="kpi_table"),
    path("contracts/<slug:code>/kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path(
        "contracts/<slug:code>/reported/",
        views.reported_against_computed,
        name="reported_against_computed",
    ),
    path("contracts/<slug:code>/pack/<str:quarter>/", views.committee_pack, name="committee_pack"),
]
