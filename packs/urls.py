from django.urls import path

from packs import views

urlpatterns = [
    path("contracts/<slug:code>/pack/<str:quarter>/pdf", views.pack_pdf, name="pack_pdf"),
    path("contracts/<slug:code>/pack/<str:quarter>/publish", views.publish, name="publish_pack"),
    path("contracts/<slug:code>/packs/<int:pk>/", views.published_pack, name="published_pack"),
    path(
        "contracts/<slug:code>/packs/<int:pk>/pdf",
        views.published_pack_pdf,
        name="published_pack_pdf",
    ),
    path("contracts/<slug:code>/restatements/", views.restatements, name="restatements"),
]
