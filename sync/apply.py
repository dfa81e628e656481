"""On the national node: a case made equal to what its provincial system sent.

``inbound`` checks each received event (its key, its version, its codes) and calls
``synced_case_apply`` with the state resolved to rows, in the event's own transaction. The
case changes only through the case services, so its counts, its task rows and its
confirmation follow as they would for a change made here.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import CaseStatus, Graduate
from processes.leave.services import confirmation_open_if_due
from processes.registration.services import registration_cancel
from roles import services as role_services
from verification import services as verification_services


@dataclass
class SyncedState:
    """A case's state as its provincial system sent it, with codes resolved to rows:
    ``graduate`` holds Graduate field values; ``registration`` is None or {number, status,
    reason, values}; ``transfer`` is None or {number, values}."""

    graduate: dict
    status: str
    change_pending: bool
    registration: dict | None = None
    transfer: dict | None = None


@transaction.atomic
def synced_case_apply(
    *, university, cohort: int, student_no: str, state: SyncedState, source_node: str, note: str
) -> Graduate:
    """On the national node: make the case equal to what its provincial system sent.

    A new case is opened like a roster row (an account without password, the graduate's
    membership and grant) but with no registration process: the graduate registers in the
    provincial system. The registration and the archive/hukou details are recorded as
    reported there (``registration_import_reported`` with ``source="synced"``, under the
    provincial version numbers and audit outcomes). A change of what the graduate had
    confirmed supersedes the confirmation; confirmation opens once the registration is
    approved and the cohort's window is open. A change pending in the provincial system is
    kept on the case and blocks confirmation. Raises ``ValidationError`` for invalid values.
    """
    graduate = (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("current_registration")
        .filter(university=university, cohort=cohort, student_no=student_no)
        .first()
    )
    if graduate is None:
        candidate = Graduate(
            university=university,
            province_id=university.province_id,
            cohort=cohort,
            student_no=student_no,
            **state.graduate,
        )
        candidate.full_clean(exclude=["user", "current_registration"])
        username = case_services.graduate_username(university, student_no)
        if case_services.usernames_taken([username]):
            raise ValidationError({"student_no": [case_services.student_no_taken_message()]})
        users = role_services.users_create_without_password_bulk(
            accounts=[(username, state.graduate["name"])]
        )
        (graduate,) = case_services.graduates_create(
            university=university,
            cohort=cohort,
            rows=[{"student_no": student_no, **state.graduate}],
            users=users,
            actor=None,
            source_node=source_node,
        )
    else:
        if graduate.source_node != source_node:
            Graduate.objects.filter(pk=graduate.pk).update(source_node=source_node)
            graduate.source_node = source_node
        case_services.graduate_update(graduate=graduate, values=state.graduate, actor=None)
        registration_cancel(graduate)

    changed = False
    current = graduate.current_registration if graduate.current_registration_id else None
    registration = state.registration
    if registration is None:
        if current is not None:
            case_services.registration_void_synced(graduate=graduate)
            changed = True
    elif current is not None and current.number == registration["number"]:
        if current.status != registration["status"]:
            case_services.registration_outcome_synced(
                graduate=graduate, status=registration["status"], reason=registration["reason"]
            )
    else:
        if graduate.registrations.filter(number=registration["number"]).exists():
            raise ValidationError(
                _("Registration version %(n)d was superseded here already.")
                % {"n": registration["number"]}
            )
        case_services.registration_import_reported(
            graduate=graduate,
            values=registration["values"],
            actor=None,
            source="synced",
            number=registration["number"],
            status=registration["status"],
            reason=registration["reason"],
        )
        changed = changed or current is not None
    transfer = state.transfer
    current_transfer = graduate.transfers.filter(is_current=True).first()
    if transfer is not None and (
        current_transfer is None or current_transfer.number != transfer["number"]
    ):
        case_services.transfer_submit(
            graduate=graduate,
            values=transfer["values"],
            actor=None,
            reported=True,
            number=transfer["number"],
        )
        changed = changed or current_transfer is not None

    graduate = Graduate.objects.select_related("university", "current_registration__category").get(
        pk=graduate.pk
    )
    case_services.synced_state_record(
        graduate=graduate, status=state.status, change_pending=state.change_pending, note=note
    )
    if changed:
        verification_services.confirmation_supersede(
            graduate=graduate, actor=None, reason=_("changed in the provincial system")
        )
    if graduate.status == CaseStatus.APPROVED:
        confirmation_open_if_due(graduate=graduate, actor=None)
    return graduate
