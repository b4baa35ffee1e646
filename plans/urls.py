from django.urls import path

from plans.pages import views

urlpatterns = [
    path("contracts/<slug:code>/plans/", views.plan_list, name="plan_list"),
    path("contracts/<slug:code>/plans/new/", views.plan_new, name="plan_new"),
    path("contracts/<slug:code>/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("contracts/<slug:code>/plans/<int:pk>/change/", views.plan_change, name="plan_change"),
    path("contracts/<slug:code>/plans/<int:pk>/state/", views.plan_state, name="plan_state"),
    path(
        "contracts/<slug:code>/plans/<int:pk>/actions/new/",
        views.action_new,
        name="plan_action_new",
    ),
    path(
        "contracts/<slug:code>/plans/<int:pk>/actions/<int:action_pk>/change/",
        views.action_change,
        name="plan_action_change",
    ),
    path(
        "contracts/<slug:code>/plans/<int:pk>/actions/<int:action_pk>/progress/",
        views.action_progress,
        name="plan_action_progress",
    ),
]
