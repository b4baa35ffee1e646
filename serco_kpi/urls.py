from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from serco_kpi import health

admin.site.site_header = "KPI tracker administration"
admin.site.site_title = "KPI tracker admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Sign-in and sign-out only: accounts are made by an administrator, and there is no email
    # set up for password resets.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("api.urls")),
    path("", include("regime.urls")),
    path("", include("plans.urls")),
    path("", include("notices.urls")),
    path("", include("evidence.urls")),
    path("", include("kpis.urls")),
    path("", include("packs.urls")),
    path("", include("questions.urls")),
]

handler500 = health.handler500
