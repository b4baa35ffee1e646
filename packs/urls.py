from django.urls import path

from packs import views

urlpatterns = [
    path("contracts/<slug:code>/pack/<str:quarter>/pdf", views.pack_pdf, name="pack_pdf"),
]
