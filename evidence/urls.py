from django.urls import path

from evidence.pages import views

urlpatterns = [
    path(
        "contracts/<slug:code>/returns/<str:end_date>/kpis/<int:kpi_pk>/evidence/",
        views.figure_evidence,
        name="figure_evidence",
    ),
    path(
        "contracts/<slug:code>/plans/<int:pk>/evidence/", views.plan_evidence, name="plan_evidence"
    ),
    path("contracts/<slug:code>/evidence/<int:pk>/", views.download, name="evidence_download"),
    path("contracts/<slug:code>/evidence/<int:pk>/remove/", views.remove, name="evidence_remove"),
]
