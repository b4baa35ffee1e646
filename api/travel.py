"""The direction of travel of each reading the API serves (`kpis.reads.travel`), against the
approved readings of its previous quarter and of the same quarter a year before.

A list works them out for its whole page in one query (`ReadingListSerializer`); a single
reading asks for its own.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from kpis.reads.travel import add_to_readings
from kpis.rules.travel import Travel


class TravelSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        source="travel",
        choices=Travel.choices,
        help_text="improving, worsening or no_change in the KPI's own direction (lower is "
        "better counts), or not_comparable.",
    )
    text = serializers.CharField(help_text="In words: 'Improving since Jun-19'.")
    symbol = serializers.CharField(
        help_text="Shown beside the words: ↗ ↘ → or \u2013 (an en dash)."
    )
    compared_with = serializers.DateField(help_text="The last day of the quarter compared with.")
    note = serializers.CharField(
        allow_blank=True,
        help_text="Why it is not comparable, or what qualifies it ('Target changed from ≥ 90% "
        "to ≥ 95%.'); empty where there is nothing to add.",
    )


class TravelField(TravelSerializer):
    """The reading's `travel_previous` or `travel_year`: set for a page by
    `ReadingListSerializer`, else worked out for the one reading."""

    def get_attribute(self, instance):
        if not hasattr(instance, "travel_year"):
            add_to_readings([instance], timezone.localdate())
        return super().get_attribute(instance)


class ReadingListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        readings = list(data.all() if hasattr(data, "all") else data)
        add_to_readings(readings, timezone.localdate())
        return super().to_representation(readings)
