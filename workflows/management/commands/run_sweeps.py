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
from workflows.services import leave_confirmation_open_due


def _deadline() -> str:
    notices = sweeps.registration_deadline_sweep()
    if not notices:
        return "nothing to send"
    return "; ".join(
        f"{n.get_kind_display()} ({n.university_id}/{n.cohort}): {n.recipients} graduate(s) told"
        for n in notices
    )


SWEEPS = {
    "timers": lambda: (
        "{timers} timer(s) fired, {starts} start(s), {conditions} condition(s)".format(
            **sweeps.workflow_timers_fire()
        )
    ),
    "overdue": lambda: f"{sweeps.overdue_sweep()} task(s) marked overdue",
    "escalations": lambda: f"{sweeps.escalation_sweep()} task(s) escalated",
    "reminders": lambda: f"{sweeps.due_reminder_sweep()} due-date reminder(s) sent",
    "deadline": _deadline,
    "leave": lambda: f"{leave_confirmation_open_due()} leave-time confirmation task(s) opened",
    "relay": lambda: f"{notifications_relay()} unsent notification(s) queued again",
}


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps (timers, overdue, escalations, reminders, deadline, leave, relay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=list(SWEEPS), help="run only these")
        parser.add_argument(
            "--every", type=int, metavar="SECONDS", help="repeat every SECONDS until stopped"
        )

    def handle(self, *args, only=None, every=None, **options):
        while True:
            for name in only or SWEEPS:
                self.stdout.write(f"{name}: {SWEEPS[name]()}")
            if not every:
                return
            time.sleep(every)
