"""Leave-time confirmation in the process registry."""

from workflows.registry import ProcessEntry

from . import notifications, services, views
from .flow import AUDIT_TRANSFER, CONFIRM_LEAVE, LeaveConfirmationFlow

PROCESS = ProcessEntry(
    name="leave",
    flows=(LeaveConfirmationFlow,),
    pages={CONFIRM_LEAVE: views.confirm_leave_task, AUDIT_TRANSFER: views.transfer_audit_task},
    notifications=(notifications.CONFIRMATION_OPENED,),
    sweeps={
        "leave": lambda: (
            f"{services.leave_confirmation_open_due()} leave-time confirmation task(s) opened"
        ),
    },
)
