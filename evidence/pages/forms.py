"""The forms that attach and remove evidence; the file is checked as the write checks it, so the
message sits beside the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from contracts.limits import REASON_LENGTH, too_long_message
from evidence import writes
from evidence.models import DESCRIPTION_LENGTH


class AttachForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="PDF, picture (PNG, JPEG, GIF), Excel, Word, CSV or text, up to 10 MB.",
        error_messages={
            "required": "Choose the file to attach",
            "empty": "The file chosen is empty",
        },
    )
    description = forms.CharField(
        label="What it shows",
        help_text="In a line, for example “Call logs for March, from the supplier”.",
        max_length=DESCRIPTION_LENGTH,
        error_messages={
            "required": "Say in a line what the file shows",
            "max_length": too_long_message("description", DESCRIPTION_LENGTH),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            writes.check_file(upload)
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None
        return upload


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why it is being removed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LENGTH,
        error_messages={
            "required": "Give the reason for removing it",
            "max_length": too_long_message("reason", REASON_LENGTH),
        },
    )
