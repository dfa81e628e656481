"""Runs the periodic sweeps in this process: the way to run them without a broker.

    manage.py run_sweeps                 # every sweep once, then exit (for cron)
    manage.py run_sweeps --every 900     # every sweep every 15 minutes, until stopped
    manage.py run_sweeps --only overdue escalations

Notifications the sweeps write are sent in-process when no broker is configured, or
queued to the workers when one is.
"""

import time

from django.core.management.base import BaseCommand

from notifications.services import notifications_relay
from workflows import sweeps
from workflows.registry import registry

# The engine's sweeps, then each process's (its registry entry's), then the notification relay.
ENGINE_SWEEPS = {
    "timers": lambda: (
        "{timers} timer(s) fired, {starts} start(s), {conditions} condition(s)".format(
            **sweeps.workflow_timers_fire()
        )
    ),
    "overdue": lambda: f"{sweeps.overdue_sweep()} task(s) marked overdue",
    "escalations": lambda: f"{sweeps.escalation_sweep()} task(s) escalated",
    "reminders": lambda: f"{sweeps.due_reminder_sweep()} due-date reminder(s) sent",
}


def all_sweeps() -> dict:
    return {
        **ENGINE_SWEEPS,
        **registry.sweeps(),
        "relay": lambda: f"{notifications_relay()} unsent notification(s) queued again",
    }


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps (timers, overdue, escalations, reminders, deadline, leave, relay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=list(all_sweeps()), help="run only these")
        parser.add_argument(
            "--every", type=int, metavar="SECONDS", help="repeat every SECONDS until stopped"
        )

    def handle(self, *args, only=None, every=None, **options):
        sweeps_by_name = all_sweeps()
        while True:
            for name in only or sweeps_by_name:
                self.stdout.write(f"{name}: {sweeps_by_name[name]()}")
            if not every:
                return
            time.sleep(every)
