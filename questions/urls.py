from django.urls import path

from questions.pages import views

urlpatterns = [
    path("contracts/<slug:code>/questions/", views.questions_list, name="questions"),
    path("contracts/<slug:code>/questions/ask/", views.question_new, name="question_new"),
    path(
        "contracts/<slug:code>/questions/<int:pk>/", views.question_detail, name="question_detail"
    ),
    path(
        "contracts/<slug:code>/questions/<int:pk>/answer/",
        views.question_answer,
        name="question_answer",
    ),
    path("contracts/<slug:code>/questions/<int:pk>/actions/", views.action_new, name="action_new"),
    path(
        "contracts/<slug:code>/questions/<int:pk>/actions/<int:action_pk>/close/",
        views.action_close,
        name="action_close",
    ),
]
