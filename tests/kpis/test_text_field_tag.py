"""The `text_field` tag writes a box byte for byte as `kpis/returns/_text_field.html` does, for
every combination of arguments the templates pass, with and without errors and typed values."""

import itertools

import pytest
from django import forms
from django.template.loader import render_to_string

from kpis.templatetags.form_fields import text_field


class _Form(forms.Form):
    figure = forms.DecimalField(label="Figure", required=False, max_digits=6)
    reason = forms.CharField(label="Reason", max_length=5)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)


FORMS = {
    "unbound": lambda: _Form(prefix="kpi-7", initial={"figure": "12.5", "notes": "Met"}),
    # Errors on every field, and what was typed (with characters to escape) kept in the boxes.
    "with errors": lambda: _Form(
        {"kpi-7-figure": "12,x", "kpi-7-reason": "<too long>", "kpi-7-notes": 'a "b" & c'},
        prefix="kpi-7",
    ),
    "valid": lambda: _Form(
        {"kpi-7-figure": "1234.5", "kpi-7-reason": "N/A", "kpi-7-notes": ""}, prefix="kpi-7"
    ),
}
OPTIONS: dict[str, list[str | bool]] = {
    "for_what": ["", "R&B-K-009"],
    "hint": ["", "Such as “no survey”"],
    "suffix": ["", "%"],
    "numeric": [False, True],
    "width": ["", "govuk-input--width-5"],
}


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("name", ["figure", "reason", "notes"])
def test_it_writes_an_input_as_the_template_does(form_name, name):
    form = FORMS[form_name]()
    for values in itertools.product(*OPTIONS.values()):
        options = dict(zip(OPTIONS, values, strict=True))
        field = form[name]
        expected = render_to_string(
            "kpis/returns/_text_field.html", {"field": field, "label": field.label, **options}
        )
        assert text_field(field, label=field.label, **options) == expected, options


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("rows", [None, 5])
@pytest.mark.parametrize("hint", ["", "Required when the target is missed"])
def test_it_writes_a_textarea_as_the_template_does(form_name, rows, hint):
    form = FORMS[form_name]()
    field = form["notes"]
    context = {"field": field, "label": "Commentary", "textarea": True, "hint": hint}
    if rows:
        context["rows"] = rows
    expected = render_to_string("kpis/returns/_text_field.html", context)
    tag = text_field(field, label="Commentary", textarea=True, hint=hint, rows=rows)
    assert tag == expected
