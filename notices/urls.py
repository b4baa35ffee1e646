from django.urls import path

from notices.pages import views

urlpatterns = [
    path("contracts/<slug:code>/notices/", views.notice_list, name="notice_list"),
    path("contracts/<slug:code>/notices/new/", views.notice_new, name="notice_new"),
    path("contracts/<slug:code>/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path(
        "contracts/<slug:code>/notices/<int:pk>/ratings/<int:rating_pk>/",
        views.rating_change,
        name="notice_rating_change",
    ),
    path(
        "contracts/<slug:code>/notices/<int:pk>/approve/",
        views.notice_approve,
        name="notice_approve",
    ),
    path(
        "contracts/<slug:code>/notices/<int:pk>/discard/",
        views.notice_discard,
        name="notice_discard",
    ),
    path(
        "contracts/<slug:code>/notices/<int:pk>/notice.json", views.notice_json, name="notice_json"
    ),
    path("contracts/<slug:code>/notices/<int:pk>/notice.csv", views.notice_csv, name="notice_csv"),
    path("contracts/<slug:code>/notices/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("contracts/<slug:code>/notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("contracts/<slug:code>/breaches/new/", views.breach_new, name="breach_new"),
]
