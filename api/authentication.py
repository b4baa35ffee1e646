"""API tokens that expire: a key that leaks stops working by itself after API_TOKEN_DAYS."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        age = timezone.now() - token.created
        if age > datetime.timedelta(days=settings.API_TOKEN_DAYS):
            raise AuthenticationFailed(
                "This token has expired. Ask an administrator for a new one."
            )
        return user, token
