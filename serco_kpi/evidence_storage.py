"""Where evidence files are kept, from the environment: a private folder on the app server by
default, or an S3-compatible bucket (django-storages) once `EVIDENCE_S3_BUCKET` is set.

Neither is ever served by a URL of its own: every file goes out through the evidence app's
download view, which checks who asks. So the folder is outside the static files and the
bucket is private (`default_acl` private, no query-string signing is relied upon; the view reads
the file and sends it on).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def evidence_storage(environ: Mapping[str, str], base_dir: Path) -> dict:
    """The `STORAGES["evidence"]` entry for this environment."""
    bucket = environ.get("EVIDENCE_S3_BUCKET", "").strip()
    if not bucket:
        root = environ.get("EVIDENCE_ROOT", "").strip() or str(base_dir / "var" / "evidence")
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # No base_url: nothing here has an address of its own.
            "OPTIONS": {"location": root, "base_url": None},
        }
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": environ.get("EVIDENCE_S3_PREFIX", "evidence").strip(),
    }
    endpoint = environ.get("EVIDENCE_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        if not endpoint.startswith("https://") and not endpoint.startswith("http://"):
            raise ImproperlyConfigured("EVIDENCE_S3_ENDPOINT_URL must be an http(s) address.")
        options["endpoint_url"] = endpoint
    region = environ.get("EVIDENCE_S3_REGION", "").strip()
    if region:
        options["region_name"] = region
    # Keys come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the
    # machine's role, as boto3 finds them: never from here.
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
