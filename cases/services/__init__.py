"""Writes on cases. Every change of state or of a field writes ``CaseEvent`` rows, and every
write that changes a case runs inside the one "case changed" hook (``cases.hook``).

Services take keyword-only arguments and run in a transaction. They do not know about
workflow tasks: the process steps (``processes``) call them inside the flow's lock. They
are kept by subject in the modules of this package and are all importable from here.
"""

from .changes import (
    change_decide,
    change_request_create,
    check_correction_record,
    late_correction_record,
)
from .events import (
    case_access_record,
    confirmation_opened_record,
    field_change_events,
    status_event,
    task_event_record,
    task_events_record_bulk,
)
from .evidence import (
    evidence_store,
)
from .registration import (
    CASE_STATUS_OF,
    make_current,
    new_version,
    registration_approve,
    registration_draft_save,
    registration_import_reported,
    registration_outcome_synced,
    registration_pass_level,
    registration_return,
    registration_submit,
    registration_void_synced,
    synced_state_record,
)
from .roster import (
    RosterResult,
    activation_codes_export,
    graduate_update,
    graduate_username,
    graduates_create,
    roster_batch_apply,
    student_no_taken_message,
    usernames_taken,
)
from .rules import (
    ChangeNotAllowed,
    change_deadline,
    changes_open,
    cohort_change_deadline,
    cohort_window_set,
    default_change_deadline,
    synced_case_refuse,
)
from .targeted import (
    targeted_check_record,
    targeted_exception_approve,
    targeted_exception_refuse,
    targeted_recompute,
)
from .transfer import (
    transfer_decide,
    transfer_submit,
)

__all__ = [
    "CASE_STATUS_OF",
    "ChangeNotAllowed",
    "RosterResult",
    "activation_codes_export",
    "case_access_record",
    "change_deadline",
    "change_decide",
    "change_request_create",
    "changes_open",
    "check_correction_record",
    "cohort_change_deadline",
    "cohort_window_set",
    "confirmation_opened_record",
    "default_change_deadline",
    "evidence_store",
    "field_change_events",
    "graduate_update",
    "graduate_username",
    "graduates_create",
    "late_correction_record",
    "make_current",
    "new_version",
    "registration_approve",
    "registration_draft_save",
    "registration_import_reported",
    "registration_outcome_synced",
    "registration_pass_level",
    "registration_return",
    "registration_submit",
    "registration_void_synced",
    "roster_batch_apply",
    "status_event",
    "student_no_taken_message",
    "synced_case_refuse",
    "synced_state_record",
    "targeted_check_record",
    "targeted_exception_approve",
    "targeted_exception_refuse",
    "targeted_recompute",
    "task_event_record",
    "task_events_record_bulk",
    "transfer_decide",
    "transfer_submit",
    "usernames_taken",
]
