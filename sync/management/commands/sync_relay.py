"""Send the outbox to the national node now (without a broker, from cron or by hand)."""

from django.core.management.base import BaseCommand, CommandError

from sync import services


class Command(BaseCommand):
    help = "Send the pending sync events of this provincial node to the national node."

    def handle(self, *args, **options):
        try:
            delivered = services.outbox_relay()
        except services.RelayFailed as exc:
            raise CommandError(f"not delivered: {exc}") from exc
        self.stdout.write(f"{delivered} event(s) delivered.")
