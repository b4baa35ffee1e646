"""Signal receivers are connected by the apps' `ready()`, in every process, not only in those
that happen to import the module that defines them (the admin imports the services; a worker
or a management command that never loads the admin might not)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh process whose admin does not look for the apps' admin modules, so that nothing but
# the apps' own `ready()` imports their modules: are the receivers connected all the same?
CHECK = """
import json, sys
from django.conf import settings
settings.INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
    for app in settings.INSTALLED_APPS
]
import django
django.setup()
from django.db.models.signals import post_save
from kpis.models import Kpi
print(json.dumps({
    "admin_modules": sorted(
        name for name in sys.modules
        if name.rsplit(".", 1)[-1] == "admin" and name != "django.contrib.admin"
    ),
    "kpi_saved": post_save.disconnect(
        sender=Kpi, dispatch_uid="kpis.writes.opening.add_kpi_to_open_returns"
    ),
}))
"""


def test_it_gives_a_new_kpi_its_rows_in_a_process_that_never_loads_the_admin():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "serco_kpi.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"admin_modules": [], "kpi_saved": True}
