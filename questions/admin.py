"""Questions, answers and actions in the admin, read only with their history: they are asked,
answered and closed on the question pages, where the permission table decides who does which."""

from django.contrib import admin

from contracts.admin_history import HistoryAdmin
from questions.models import AgreedAction, Answer, Question


class ReadOnly(HistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnly):
    list_display = ["pk", "contract", "kpi", "period", "state", "asked_by", "asked_at"]
    list_filter = ["state", "contract"]
    list_select_related = ["contract", "kpi", "period", "asked_by"]
    search_fields = ["text"]


@admin.register(Answer)
class AnswerAdmin(ReadOnly):
    list_display = ["pk", "question", "answered_by", "answered_at"]
    list_select_related = ["question", "answered_by"]


@admin.register(AgreedAction)
class AgreedActionAdmin(ReadOnly):
    list_display = ["pk", "question", "owner", "owner_name", "due_date", "closed_at"]
    list_filter = ["question__contract"]
    list_select_related = ["question", "owner"]
