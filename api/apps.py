from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_save


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Read-only API"

    def ready(self) -> None:
        from api import signals

        pre_save.connect(
            signals.notice_a_password_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="api.signals.notice_a_password_change",
        )
        post_save.connect(
            signals.revoke_tokens_on_password_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="api.signals.revoke_tokens_on_password_change",
        )
