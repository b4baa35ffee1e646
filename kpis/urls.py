from django.urls import path

from kpis import pages
from kpis.pages import (
    contract_new,
    definitions,
    imports,
    returns,
    returns_workflow,
    rules,
    suspensions,
    work,
)
from kpis.pages.open_data import open_data_csv, open_data_months_csv, open_data_page

urlpatterns = [
    path("", pages.home, name="home"),
    path("open-data/", open_data_page, name="open_data"),
    path("open-data/readings.csv", open_data_csv, name="open_data_csv"),
    path("open-data/months.csv", open_data_months_csv, name="open_data_months_csv"),
    path("new-contract/", contract_new.contract_new, name="contract_new"),
    path("contracts/<slug:code>/", pages.contract_scorecard, name="contract_scorecard"),
    path("contracts/<slug:code>/kpis/", pages.kpi_table, name="kpi_table"),
    path("contracts/<slug:code>/kpis/<int:pk>/", pages.kpi_detail, name="kpi_detail"),
    path("contracts/<slug:code>/kpis/<int:pk>/rule/", rules.rule_change, name="rule_change"),
    path(
        "contracts/<slug:code>/reported/",
        pages.reported_against_computed,
        name="reported_against_computed",
    ),
    path("contracts/<slug:code>/pack/<str:quarter>/", pages.committee_pack, name="committee_pack"),
    path("contracts/<slug:code>/import/", imports.import_upload, name="import_upload"),
    path("contracts/<slug:code>/import/template/", imports.import_template, name="import_template"),
    path("contracts/<slug:code>/import/confirm/", imports.import_confirm, name="import_confirm"),
    path(
        "contracts/<slug:code>/kpis/import/",
        definitions.definitions_upload,
        name="definitions_upload",
    ),
    path(
        "contracts/<slug:code>/kpis/import/template/",
        definitions.definitions_template,
        name="definitions_template",
    ),
    path(
        "contracts/<slug:code>/kpis/import/confirm/",
        definitions.definitions_confirm,
        name="definitions_confirm",
    ),
    path("returns/", returns_workflow.my_returns, name="my_returns"),
    path("my-work/", work.my_work, name="my_work"),
    path(
        "contracts/<slug:code>/returns/start/", returns_workflow.return_start, name="return_start"
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/",
        returns.return_detail,
        name="return_detail",
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/discard/",
        returns_workflow.return_discard,
        name="return_discard",
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/reopen/",
        returns_workflow.return_reopen,
        name="return_reopen",
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/check/",
        returns.return_check,
        name="return_check",
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/send-back/",
        returns_workflow.return_send_back,
        name="return_send_back",
    ),
    path(
        "contracts/<slug:code>/returns/<str:end_date>/suspensions/new/",
        suspensions.suspension_new,
        name="suspension_new",
    ),
    path(
        "contracts/<slug:code>/suspension-requests/<int:pk>/",
        suspensions.suspension_request,
        name="suspension_request",
    ),
]
