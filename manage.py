#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "serco_kpi.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Loaded here, so that a setting the production settings refuse (no SECRET_KEY with
        # DEBUG off, say) reads as the one sentence it is rather than as a traceback.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as refused:
        sys.exit(
            f"The settings refused to load: {refused}\n"
            "docs/operations.md (Configuration) lists what production needs; for development on "
            "your own machine, DEBUG=1 (as make run sets) needs none of it."
        )
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
