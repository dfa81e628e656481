"""Open the leave-time confirmation of every cohort whose window is open today.

Idempotent: graduates who already have a confirmation under way or in effect are
skipped. Run daily (Celery beat) or by hand without a broker."""

from django.core.management.base import BaseCommand

from workflows.services import leave_confirmation_open_due


class Command(BaseCommand):
    help = "Open leave-time confirmation tasks for cohorts whose window is open."

    def handle(self, *args, **options):
        self.stdout.write(f"{leave_confirmation_open_due()} confirmation task(s) opened.")
