from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import notices, packs, plans, views

router = DefaultRouter()
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("readings", views.ReadingViewSet, basename="reading")

app_name = "api"
urlpatterns = [
    path("summaries/", views.SummaryView.as_view(), name="summary-list"),
    path(
        "contracts/<slug:code>/failures/",
        views.ServiceFailureView.as_view(),
        name="contract-failures",
    ),
    path("contracts/<slug:code>/credits/", views.CreditView.as_view(), name="contract-credits"),
    path("contracts/<slug:code>/packs/", packs.PublishedPackView.as_view(), name="contract-packs"),
    path(
        "contracts/<slug:code>/restatements/",
        packs.RestatementView.as_view(),
        name="contract-restatements",
    ),
    path("contracts/<slug:code>/plans/", plans.PlanView.as_view(), name="contract-plans"),
    path(
        "contracts/<slug:code>/performance-notices/",
        notices.PerformanceNoticeView.as_view(),
        name="contract-performance-notices",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
