from django.urls import path

from regime import views

urlpatterns = [
    path(
        "open-data/service-failures.csv",
        views.open_data_csv,
        {"kind": "failures"},
        name="open_data_failures",
    ),
    path(
        "open-data/service-credits.csv",
        views.open_data_csv,
        {"kind": "credits"},
        name="open_data_credits",
    ),
    path("contracts/<slug:code>/regime/", views.regime_page, name="regime"),
    path("contracts/<slug:code>/regime/relief/", views.relief_new, name="relief_new"),
    path("contracts/<slug:code>/regime/credit/", views.applied_credit_new, name="credit_new"),
]
