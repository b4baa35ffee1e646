from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "KPI tracker administration"
admin.site.site_title = "KPI tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("kpis.urls")),
]
