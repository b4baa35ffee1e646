"""`kpis/returns/_text_field.html` as a function, for the return page, which shows some three
hundred boxes: each include of the template cost more than the rest of its row.

tests/kpis/test_text_field_tag.py holds the two renderings equal, field by field.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _text(value) -> str:
    """A value as `{{ value }}` writes it: localized, escaped unless safe. Most are labels,
    names and ids, which localizing leaves as they are."""
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(localize(value))


@register.simple_tag
def text_field(
    field: BoundField,
    *,
    label,
    for_what="",
    hint="",
    textarea=False,
    rows=None,
    suffix="",
    numeric=False,
    width="",
) -> SafeString:
    """One GOV.UK text input or textarea, byte for byte as `_text_field.html` with the same
    arguments: label, hint, error messages linked by aria-describedby."""
    errors = field.errors
    auto_id = _text(field.auto_id)
    value = field.value()
    value = "" if value is None else _text(value)
    group = " govuk-form-group--error" if errors else ""
    parts = [f'\n<div class="govuk-form-group{group}">\n']
    visually_hidden = ""
    if for_what:
        visually_hidden = f'<span class="govuk-visually-hidden"> for {_text(for_what)}</span>'
    parts.append(
        f'  <label class="govuk-label" for="{auto_id}">{_text(label)}{visually_hidden}</label>\n'
    )
    parts.append(
        f'  <div id="{auto_id}-hint" class="govuk-hint">{_text(hint)}</div>\n' if hint else "  \n"
    )
    parts.append("  ")
    for error in errors:
        parts.append(
            f'\n    <p id="{auto_id}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {_text(error)}</p>\n  '
        )
    parts.append("\n  ")
    described = ""
    if hint or errors:
        ids = (f"{auto_id}-hint" if hint else "") + (f" {auto_id}-error" if errors else "")
        described = f' aria-describedby="{ids}"'
    name = _text(field.html_name)
    if textarea:
        error_class = " govuk-textarea--error" if errors else ""
        parts.append(
            f'\n    <textarea class="govuk-textarea{error_class}" id="{auto_id}" name="{name}"'
            f' rows="{_text(rows or 2)}"{described}>{value}</textarea>\n  '
        )
    else:
        width = _text(width or "govuk-input--width-20")
        error_class = " govuk-input--error" if errors else ""
        decimal = ' inputmode="decimal" spellcheck="false" autocomplete="off"' if numeric else ""
        parts.append('\n    <div class="govuk-input__wrapper">' if suffix else "\n    ")
        parts.append(
            f'\n    <input class="govuk-input {width}{error_class}"'
            f' id="{auto_id}" name="{name}" type="text"{decimal} value="{value}"{described}>\n    '
        )
        if suffix:
            parts.append(
                f'<div class="govuk-input__suffix" aria-hidden="true">{_text(suffix)}</div></div>'
            )
        parts.append("\n  ")
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))
