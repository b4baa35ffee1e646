from django.contrib import admin

from packs.models import PublishedPack


@admin.register(PublishedPack)
class PublishedPackAdmin(admin.ModelAdmin):
    """Read only: a published pack never changes, and is published from its page, not here."""

    list_display = ["contract", "period", "version", "published_by", "published_at", "sha256"]
    list_filter = ["contract"]
    exclude = ["pdf"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
