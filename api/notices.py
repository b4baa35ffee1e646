"""The API's view of a contract's published Contract Performance Notices, each with the
regulation 39 fields exactly as published. Drafts are never listed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.models import Contract
from notices import content
from notices.models import PerformanceNotice


class PerformanceNoticeSerializer(serializers.Serializer):
    contract = serializers.CharField()
    kind = serializers.CharField(help_text="periodic, termination or breach (section 71).")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    version = serializers.IntegerField(help_text="1 for the period's first publication.")
    published_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="SHA-256 of the notice's stored content.")
    notice = serializers.JSONField(
        help_text="The regulation 39 fields, as the notice's JSON download holds them."
    )
    url = serializers.URLField(help_text="The notice's page.")


class PerformanceNoticeView(generics.GenericAPIView):
    """A contract's published Contract Performance Notices, newest first."""

    serializer_class = PerformanceNoticeSerializer

    def get_queryset(self) -> QuerySet[Contract]:
        return Contract.objects.visible_to(self.request.user)

    @extend_schema(responses=PerformanceNoticeSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        contract = get_object_or_404(self.get_queryset(), code=code)
        notices = PerformanceNotice.objects.for_contract(contract).readable_by_all().newest_first()
        rows = [
            {
                "contract": contract.code,
                "kind": n.kind,
                "period_start": n.period_start,
                "period_end": n.period_end,
                "version": n.version,
                "published_at": n.approved_at,
                "sha256": n.sha256,
                "notice": content.as_json(n),
                "url": request.build_absolute_uri(
                    reverse("notice_detail", args=[contract.code, n.pk])
                ),
            }
            for n in notices
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
