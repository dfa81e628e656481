"""Compare counts and checksums with the national node and re-send what differs."""

from django.core.management.base import BaseCommand

from sync import services


class Command(BaseCommand):
    help = "Reconcile this provincial node with the national node."

    def handle(self, *args, **options):
        run = services.reconcile()
        self.stdout.write(
            f"{run.outcome}: {run.groups_checked} university cohort(s) checked, "
            f"{run.resent} case(s) re-sent. {run.error}".strip()
        )
        for difference in run.differences:
            self.stdout.write(str(difference))
