"""Destination registration in the process registry."""

from workflows.registry import ProcessEntry

from . import notifications, sweeps, views
from .flow import COLLEGE_AUDIT, CORRECT, REGISTER, UNIVERSITY_AUDIT, RegistrationFlow


def _deadline() -> str:
    notices = sweeps.registration_deadline_sweep()
    if not notices:
        return "nothing to send"
    return "; ".join(
        f"{n.get_kind_display()} ({n.university_id}/{n.cohort}): {n.recipients} graduate(s) told"
        for n in notices
    )


PROCESS = ProcessEntry(
    name="registration",
    flows=(RegistrationFlow,),
    pages={
        REGISTER: views.registration_task,
        CORRECT: views.registration_task,
        COLLEGE_AUDIT: views.audit_task,
        UNIVERSITY_AUDIT: views.audit_task,
    },
    notifications=(notifications.DEADLINE_APPROACHING, notifications.CHANGES_CLOSED),
    sweeps={"deadline": _deadline},
)
