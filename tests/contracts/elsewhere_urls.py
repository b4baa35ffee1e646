"""The whole site served under /elsewhere/, for the tests of addresses worked out once per
process: another URLconf must give other addresses."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("serco_kpi.urls"))]
