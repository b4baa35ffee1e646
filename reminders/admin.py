from django.contrib import admin

from reminders.models import ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """A log of the reminders sent: read only, since it is what stops a reminder repeating."""

    list_display = ["sent_on", "recipient", "contract", "quarter_end", "stage"]
    list_filter = ["sent_on", "stage", "contract"]
    list_select_related = ["recipient", "contract"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
