from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contracts.models import Assignment, Contract
from contracts.roles import Role

DEMO_USERS = [
    ("officer", "Olivia", "Officer", Role.OFFICER),
    ("manager", "Manoj", "Manager", Role.MANAGER),
    ("committee", "Cath", "Councillor", Role.COMMITTEE),
    ("admin", "Ada", "Administrator", None),
]
# The demo officer and manager look after the Peterborough contracts.
ASSIGNED_CONTRACTS = ["PSSP", "ICT"]


class Command(BaseCommand):
    help = "Create or update one demo user per role: officer, manager, committee and admin."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo user.")
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (production)."
        )

    @transaction.atomic
    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like production: demo users are refused. "
                "Pass --force if you really mean it."
            )
        User = get_user_model()
        contracts = list(Contract.objects.filter(code__in=ASSIGNED_CONTRACTS))
        for username, first, last, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.org"
            user.is_staff = user.is_superuser = role is None
            user.set_password(password)
            user.save()
            # get_or_create: a database emptied by `flush` has lost the groups its migration made.
            group = Group.objects.get_or_create(name=role.value)[0] if role else None
            user.groups.set([group] if group else [])
            if role in (Role.OFFICER, Role.MANAGER):
                for contract in contracts:
                    Assignment.objects.get_or_create(user=user, contract=contract)
            label = role.label if role else "Administrator"
            self.stdout.write(f"  {label:<28} {username:<10} password: {password}")
