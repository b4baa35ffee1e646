"""The API's view of a contract's rectification plans: those anyone may read, since the API
serves approved figures only (a plan is read with the quarters it answers)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.models import Contract
from plans.choices import PlanState, Trigger
from plans.reads import plan_rows, public_plans


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.CharField()
    kpi_reference = serializers.CharField()
    title = serializers.CharField(help_text="What the plan is to put right.")
    answers = serializers.ChoiceField(choices=Trigger.choices, help_text="What led to the plan.")
    first_quarter_end = serializers.DateField(help_text="The first quarter it answers.")
    last_quarter_end = serializers.DateField(help_text="The last quarter it answers.")
    notified_on = serializers.DateField(help_text="The day the failure was notified.")
    due_on = serializers.DateField(
        help_text="The day the supplier's plan is due: the contract's working days after the "
        "failure was notified, weekends and England and Wales bank holidays left out."
    )
    state = serializers.ChoiceField(choices=PlanState.choices)
    overdue = serializers.BooleanField(help_text="Still not agreed after the day it was due.")
    root_cause = serializers.CharField(allow_blank=True)
    actions = serializers.IntegerField(help_text="How many actions the plan has.")
    actions_done = serializers.IntegerField()
    actions_overdue = serializers.IntegerField(
        help_text="Actions not done by their due day, on a plan still open."
    )


class PlanView(generics.GenericAPIView):
    """A contract's rectification plans whose quarters are all approved: open ones first, each
    with its progress."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Contract]:
        return Contract.objects.visible_to(self.request.user)

    @extend_schema(responses=PlanSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        contract = get_object_or_404(self.get_queryset(), code=code)
        today = timezone.localdate()
        page = self.paginate_queryset(plan_rows(public_plans(contract, today), today))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
