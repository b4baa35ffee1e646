"""A manager or administrator creates a contract, then imports its KPIs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.dates import validate_near_today
from contracts.models import Contract
from kpis.pages.forms import error_summary
from kpis.permissions import may_create_contract
from kpis.writes.contract_setup import create_contract


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Like 2024-04-01. Leave it empty if the contract does not say.",
        error_messages={"invalid": "Enter a date like 2024-04-01"},
        validators=[validate_near_today],
    )


def _text(label: str, limit: int, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=hint,
        error_messages={"max_length": f"Keep it to {limit} characters or fewer"},
    )


class NewContractForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="A short code for addresses and exports, such as WASTE or PSSP: letters, "
        "numbers, hyphens and underscores.",
        error_messages={
            "required": "Enter the contract's code",
            "max_length": "Keep the code to 20 characters or fewer",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the contract's name"},
    )
    authority = forms.CharField(
        label="Council",
        max_length=200,
        help_text="The council that let the contract.",
        error_messages={"required": "Enter the council that let the contract"},
    )
    supplier = forms.CharField(
        label="Supplier", max_length=200, error_messages={"required": "Enter the supplier"}
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the description to 4,000 characters or fewer"},
    )
    start_date = _date("Start date (optional)")
    end_date = _date("End date (optional)")
    # The procurement's details, which the Procurement Act 2023's notices publish.
    procured_under_act = forms.BooleanField(
        label="Procured under the Procurement Act 2023",
        required=False,
        help_text="Worth £5 million or more, it publishes at least three KPIs and a Contract "
        "Performance Notice at least once every 12 months.",
    )
    estimated_value = forms.DecimalField(
        label="Estimated value in pounds (optional)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="Like 12000000.",
        error_messages={
            "invalid": "Enter the value in pounds, like 12000000",
            "min_value": "The value cannot be negative",
            "max_digits": "Enter a value below £1 trillion",
            "max_decimal_places": "Give pence at most",
        },
    )
    procurement_title = _text("Procurement title (optional)", 200)
    procurement_identifier = _text("Procurement's unique identifier (optional)", 100)
    contract_identifier = _text("Contract's unique identifier (optional)", 100)
    supplier_legal_name = _text("Supplier's legal name (optional)", 200)
    supplier_address = forms.CharField(
        label="Supplier's postal address (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the address to 500 characters or fewer"},
    )
    supplier_email = forms.EmailField(
        label="Supplier's email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like contracts@example.com"},
    )
    supplier_identifier = _text(
        "Supplier's unique identifier (optional)", 100, "Such as its Companies House number."
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest) -> HttpResponse:
    if not may_create_contract(request.user):
        raise PermissionDenied("Only a contract manager or an administrator can create a contract.")
    form = NewContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = create_contract(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            if created := _created_already(request.user, form.cleaned_data):
                # The form sent twice: the first one made the contract.
                messages.info(request, f"{created} has been created already. Import its KPIs.")
                return redirect("definitions_upload", code=created.code)
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"{contract.name} ({contract.code}) has been created. Now import its KPIs.",
            )
            return redirect("definitions_upload", code=contract.code)
    context = {"form": form, "errors": error_summary([(form, "")])}
    return render(request, "kpis/contract_new.html", context, status=400 if form.errors else 200)


def _created_already(user, data: dict) -> Contract | None:
    """The contract exactly as sent, if one exists that the user works on."""
    same = {
        name: value.strip() if isinstance(value, str) else value for name, value in data.items()
    }
    return Contract.objects.editable_by(user).filter(**same).first()
