"""Loads a demo data set and prints one account per role.

Idempotent: a second run keeps the data and prints the same accounts. Passwords
are random per installation and kept in ``var/demo-accounts.json`` (never in the
repository).
"""

import json
import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import reporting, world
from processes.filings.models import Filing
from roles.models import Role, University


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            action="store_true",
            help="only the provinces, the demo universities with their colleges and the staff "
            "accounts, no cases: the national node of a provincial/national pair, whose cases "
            "arrive from the provincial node",
        )

    def handle(self, *args, **options):
        only_organisations = options["organisations"]
        path = settings.VAR_DIR / "demo-accounts.json"
        saved = json.loads(path.read_text()) if path.exists() else {}
        with transaction.atomic():
            if not University.objects.filter(code="19001").exists():
                saved = world.load(only_organisations=only_organisations)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(saved, ensure_ascii=False, indent=2))
                path.chmod(0o600)
        # Filing, report and spot check come on top, also of a demo loaded before they existed.
        if not only_organisations and not Filing.objects.exists():
            with transaction.atomic():
                reporting.reporting(world.demo_cohort(), rng=random.Random(2027))
        self._print(saved, only_organisations=only_organisations)

    # --- data -----------------------------------------------------------------------------

    def _print(self, saved: dict, *, only_organisations: bool = False):
        out = self.stdout
        out.write("")
        out.write(
            "Demo accounts (演示账号) — log in at /accounts/login/ on the address printed below"
        )
        out.write("-" * 78)
        labels = {username: f"{Role(role).label}" for username, _n, role, _o in world.ACCOUNTS}
        labels["demo-reviewer2"] = f"{Role.UNIVERSITY_REVIEWER.label}（同事，密码同 demo-reviewer）"
        labels["demo-admin"] = "Django admin (code tables, organisations)"
        for username in [a[0] for a in world.ACCOUNTS] + ["demo-admin"]:
            if username in saved:
                out.write(f"  {labels[username]:<36} {username:<24} {saved[username]}")
        activation = saved.get("activation")
        if activation:
            out.write("-" * 78)
            out.write(
                f"  Graduate to activate at /accounts/activate/: {activation['name']}, "
                f"ID number {activation['id_number']}, code {activation['code']}"
            )
        verification = saved.get("verification")
        if verification:
            out.write(
                f"  To try verification as demo-verifier at /verify/: name {verification['name']}, "
                f"转递编号 {verification['transfer_no']}"
            )
        if only_organisations:
            out.write("  Organisations and staff only: the cases come from the provincial node.")
        else:
            out.write(
                "  Filing (/filings/), provincial report (/reports/), statistics (/statistics/) "
                "and spot checks (/spot-checks/) are loaded for the Beijing universities."
            )
        out.write("-" * 78)
