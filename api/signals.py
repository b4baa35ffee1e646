"""API tokens die with their user's password.

Whoever changes a password (themselves, an administrator in the admin, `changepassword`) is
usually shutting someone out: a token issued before must stop working too, or it would outlive
the password it was meant to stand beside for up to API_TOKEN_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_password_change(sender, instance, created: bool, **kwargs) -> None:
    # Django holds the new password in `_password` from set_password() until the save is done,
    # and clears it before saving a mere rehash of the same password at sign-in: it is set
    # exactly when the password has changed (django.contrib.auth.base_user).
    if not created and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user=instance).delete()
