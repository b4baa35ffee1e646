"""How much text a person may type into each kind of field, whichever way it arrives.

The pages' forms, the spreadsheet imports, the command line and the admin all refuse the same
lengths with the same words: the limit lives on the model (a validator on the field, or the
model's `clean`), and the forms take their numbers from here.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator

# A reason given for a decision (a suspension, a change of target, a reopening, a relief).
REASON_LENGTH = 2000
# Commentary on a figure, a contract's description.
LONG_TEXT_LENGTH = 4000


def too_long_message(what: str, limit: int) -> str:
    return f"Keep the {what} to {limit:,} characters or fewer"


def kept_to(limit: int, what: str) -> MaxLengthValidator:
    """The validator for a model field: the same limit and message as the form's."""
    return MaxLengthValidator(limit, message=too_long_message(what, limit))
