"""What a notice publishes: exactly the fields regulation 39 of the Procurement Regulations 2024
lists, under their names, as JSON and CSV. Built once, when the notice is approved, and stored
with its checksum; a published notice is only ever read back from what was stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from notices.choices import Rating

ASSESSMENT_STATEMENT = (
    "This notice sets out the contracting authority's assessment of the supplier's performance "
    "against the key performance indicators set under section 52 of the Procurement Act 2023."
)

# Regulation 39's fields, in its order, as the JSON names them.
REGULATION_39_FIELDS = (
    "contracting_authority",
    "procurement_title",
    "procurement_identifier",
    "contract_identifier",
    "key_performance_indicators",
    "assessment_statement",
    "suppliers",
    "period_assessed",
)
SUPPLIER_FIELDS = ("name", "postal_address", "email_address", "unique_identifier")
KPI_FIELDS = ("reference", "description", "rating")


def regulation_39(notice, ratings) -> dict:
    """The notice's published fields, from its contract and its ratings (in order)."""
    contract = notice.contract
    return {
        "contracting_authority": contract.authority,
        "procurement_title": contract.procurement_title or contract.name,
        "procurement_identifier": contract.procurement_identifier,
        "contract_identifier": contract.contract_identifier,
        "key_performance_indicators": [
            {
                "reference": r.kpi.reference,
                "description": r.kpi.description,
                "rating": Rating(r.rating).label,
            }
            for r in ratings
        ],
        "assessment_statement": ASSESSMENT_STATEMENT,
        "suppliers": [
            {
                "name": contract.supplier_legal_name or contract.supplier,
                "postal_address": contract.supplier_address,
                "email_address": contract.supplier_email,
                "unique_identifier": contract.supplier_identifier,
            }
        ],
        "period_assessed": {
            "start_date": notice.period_start.isoformat(),
            "end_date": notice.period_end.isoformat(),
        },
    }


def frozen_content(notice, ratings) -> dict:
    """Everything stored when the notice is published: the regulation 39 fields, and beside
    them the evidence behind each rating (not published, kept to show restatements)."""
    return {
        "notice": regulation_39(notice, ratings),
        "kind": notice.kind,
        "version": notice.version,
        "ratings": [
            {
                "kpi_id": r.kpi_id,
                "reference": r.kpi.reference,
                "proposed": r.proposed,
                "rating": r.rating,
                "justification": r.justification,
                "evidence": r.evidence,
            }
            for r in ratings
        ],
        "missing_quarters": notice.missing_quarters,
    }


def checksum(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def as_json(notice) -> dict:
    """What a published notice's JSON download holds: the regulation 39 fields alone, in its
    order (a JSON column in the database keeps the values, not the order of the keys)."""
    stored = notice.stored["notice"]
    fields = {name: stored[name] for name in REGULATION_39_FIELDS}
    fields["suppliers"] = [{name: s[name] for name in SUPPLIER_FIELDS} for s in stored["suppliers"]]
    fields["key_performance_indicators"] = [
        {name: k[name] for name in KPI_FIELDS} for k in stored["key_performance_indicators"]
    ]
    fields["period_assessed"] = {
        name: stored["period_assessed"][name] for name in ("start_date", "end_date")
    }
    return fields


CSV_HEADER = (
    "contracting_authority",
    "procurement_title",
    "procurement_identifier",
    "contract_identifier",
    "kpi_reference",
    "kpi_description",
    "rating",
    "assessment_statement",
    "supplier_name",
    "supplier_postal_address",
    "supplier_email_address",
    "supplier_unique_identifier",
    "period_start_date",
    "period_end_date",
)


def as_csv(notice) -> str:
    """One row per KPI, each carrying every other field of the notice."""
    fields = as_json(notice)
    supplier = fields["suppliers"][0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for kpi in fields["key_performance_indicators"]:
        writer.writerow(
            [
                fields["contracting_authority"],
                fields["procurement_title"],
                fields["procurement_identifier"],
                fields["contract_identifier"],
                kpi["reference"],
                kpi["description"],
                kpi["rating"],
                fields["assessment_statement"],
                supplier["name"],
                supplier["postal_address"],
                supplier["email_address"],
                supplier["unique_identifier"],
                fields["period_assessed"]["start_date"],
                fields["period_assessed"]["end_date"],
            ]
        )
    return out.getvalue()
