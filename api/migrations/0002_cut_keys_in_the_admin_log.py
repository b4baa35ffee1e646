"""The admin's log of changes made through DRF's own token admin, before `ApiToken` replaced it,
names each token by its whole key: "Recent actions" showed it to anyone who opens the admin.
Cut each down to the first characters, as the admin shows a key now.

The key is DRF's `Token.__str__`, so it is the `object_repr` of those entries; under the oldest
token admin, whose tokens' primary key was the key itself, it is their `object_id` too.
"""

from django.db import migrations

# As `api.models.key_prefix` shows a key; kept here so that this migration never changes.
SHOWN_CHARACTERS = 4


def _cut(key: str) -> str:
    return f"{key[:SHOWN_CHARACTERS]}…"


def cut_keys(apps, schema_editor) -> None:
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    drf_tokens = ContentType.objects.filter(
        app_label="authtoken", model__in=["token", "tokenproxy"]
    )
    for entry in LogEntry.objects.filter(content_type__in=drf_tokens).iterator():
        key = entry.object_repr
        entry.object_repr = _cut(key)
        if entry.object_id == key:
            entry.object_id = entry.object_repr
        entry.save(update_fields=["object_repr", "object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_token"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The keys cut away cannot be put back.
        migrations.RunPython(cut_keys, migrations.RunPython.noop),
    ]
