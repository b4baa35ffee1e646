"""The API's view of published committee packs and the restatements of their figures."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.models import Contract
from packs.models import PublishedPack
from packs.restatements import restatements_for


class PublishedPackSerializer(serializers.Serializer):
    contract = serializers.CharField()
    quarter_end = serializers.DateField()
    version = serializers.IntegerField(help_text="1 for the quarter's first publication.")
    published_by = serializers.CharField()
    published_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="SHA-256 of the PDF's bytes, to check a copy.")
    pdf = serializers.URLField(help_text="The PDF exactly as published.")


class RestatementSerializer(serializers.Serializer):
    contract = serializers.CharField()
    kpi_reference = serializers.CharField()
    quarter_end = serializers.DateField()
    pack_version = serializers.IntegerField(help_text="The pack that first printed the figure.")
    published_figure = serializers.CharField(allow_blank=True)
    published_status = serializers.CharField()
    figure_now = serializers.CharField(allow_blank=True)
    status_now = serializers.CharField()
    changed_by = serializers.CharField(allow_blank=True)
    changed_at = serializers.DateTimeField(allow_null=True)
    change_reason = serializers.CharField(allow_blank=True)
    reopen_reason = serializers.CharField(allow_blank=True)


class _ContractRows(generics.GenericAPIView):
    def get_queryset(self) -> QuerySet[Contract]:
        return Contract.objects.visible_to(self.request.user)

    def respond(self, rows: list[dict]) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublishedPackView(_ContractRows):
    """A contract's published committee packs, newest first: each never changes once published."""

    serializer_class = PublishedPackSerializer

    @extend_schema(responses=PublishedPackSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        contract = get_object_or_404(self.get_queryset(), code=code)
        packs = PublishedPack.objects.without_pdf().for_contract(contract).newest_first()
        return self.respond(
            [
                {
                    "contract": contract.code,
                    "quarter_end": p.period.end_date,
                    "version": p.version,
                    "published_by": p.published_by.get_full_name() or p.published_by.get_username(),
                    "published_at": p.published_at,
                    "sha256": p.sha256,
                    "pdf": request.build_absolute_uri(
                        reverse("published_pack_pdf", args=[contract.code, p.pk])
                    ),
                }
                for p in packs
            ]
        )


class RestatementView(_ContractRows):
    """Approved figures of published quarters that differ now from what was published."""

    serializer_class = RestatementSerializer

    @extend_schema(responses=RestatementSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        contract = get_object_or_404(self.get_queryset(), code=code)
        return self.respond(
            [
                {
                    "contract": contract.code,
                    "kpi_reference": r.kpi.reference,
                    "quarter_end": r.period.end_date,
                    "pack_version": r.pack.version,
                    "published_figure": r.was_figure or "",
                    "published_status": r.was_status,
                    "figure_now": r.now_figure or "",
                    "status_now": r.now_status,
                    "changed_by": r.changed_by,
                    "changed_at": r.changed_at,
                    "change_reason": r.change_reason,
                    "reopen_reason": r.reopen_reason,
                }
                for r in restatements_for(contract)
            ]
        )
