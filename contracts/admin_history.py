"""django-simple-history's admin, as every model with a history is shown in the admin."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        # The history's address takes any text as the id ("4/change/history/" as well as
        # "4/history/"), which the library looks up as it stands: one that cannot be an id is
        # a page that does not exist, not a server error.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)
