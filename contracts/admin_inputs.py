"""Admin choice fields that treat a chosen value that is not a key as "not a valid choice".

Django's own look the value up as sent: the autocomplete widget raises on words where it expects
a number, and on SQLite a list of choices raises on a number too large for the database. Either
turned a form sent back with nonsense into a server error instead of the form with its message.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class KeyAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, OverflowError):
            # The form already says the choice is not valid; show nothing chosen.
            return super().optgroups(name, [], attr)


class KeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            ) from None


class KeyChoicesMixin:
    """For model admins and inlines: choice fields that never raise on a value sent back."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def guard(model_admin: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """A registered admin (Django's own for users and groups) with the same choice fields."""
    return type(model_admin.__name__, (KeyChoicesMixin, model_admin), {})
