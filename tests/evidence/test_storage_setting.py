"""Evidence is stored through Django's storage API: a private folder by default, an
S3-compatible bucket once EVIDENCE_S3_BUCKET is set, and whatever `STORAGES["evidence"]` names
is what the files go to."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from storages.backends.s3 import S3Storage

from evidence.models import Evidence
from kpis.models import Kpi
from serco_kpi.evidence_storage import evidence_storage
from tests.evidence.making import PDF, upload
from tests.kpis.returns import Q3, start_return

ROOT = Path(__file__).resolve().parents[2]


def test_it_keeps_files_in_a_private_folder_by_default():
    entry = evidence_storage({}, ROOT)
    assert entry["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert entry["OPTIONS"] == {"location": str(ROOT / "var" / "evidence"), "base_url": None}
    assert evidence_storage({"EVIDENCE_ROOT": "/srv/evidence"}, ROOT)["OPTIONS"]["location"] == (
        "/srv/evidence"
    )


def test_a_bucket_named_swaps_in_a_private_s3_store():
    entry = evidence_storage(
        {
            "EVIDENCE_S3_BUCKET": "council-evidence",
            "EVIDENCE_S3_ENDPOINT_URL": "https://s3.example.org",
            "EVIDENCE_S3_REGION": "eu-west-2",
        },
        ROOT,
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"]["bucket_name"] == "council-evidence"
    assert entry["OPTIONS"]["default_acl"] == "private"
    assert entry["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    with pytest.raises(ImproperlyConfigured):
        evidence_storage({"EVIDENCE_S3_BUCKET": "b", "EVIDENCE_S3_ENDPOINT_URL": "s3.x"}, ROOT)


def test_the_setting_reaches_the_settings_from_the_environment():
    env = {**os.environ, "DEBUG": "1", "EVIDENCE_S3_BUCKET": "council-evidence"}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['evidence']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "serco_kpi.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["BACKEND"] == "storages.backends.s3.S3Storage"


def test_the_s3_store_builds_from_the_setting():
    with override_settings(
        STORAGES={"evidence": evidence_storage({"EVIDENCE_S3_BUCKET": "council-evidence"}, ROOT)}
    ):
        store = storages["evidence"]
        assert isinstance(store, S3Storage)
        assert (store.bucket_name, store.default_acl) == ("council-evidence", "private")


def test_uploads_go_where_the_setting_says(client, seed, officer, tmp_path):
    draft = start_return(officer, seed["ICT"])
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    store = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "base_url": None},
    }
    with override_settings(STORAGES={**settings.STORAGES, "evidence": store}):
        client.force_login(officer)
        url = reverse("figure_evidence", args=["ICT", Q3.isoformat(), kpi.pk])
        client.post(url, {"file": upload(), "description": "Logs"})
        row = Evidence.objects.get()
        assert (tmp_path / row.file.name).read_bytes() == PDF
        download = client.get(reverse("evidence_download", args=["ICT", row.pk]))
        assert b"".join(download.streaming_content) == PDF
    assert draft.period == row.period
