"""The steps of leave-time confirmation: opening it for a cohort or a graduate, the graduate's
new archive and hukou details and their audit, the confirmation that issues the numbers,
and reopening it to change those details."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import CaseStatus, Cohort, Graduate
from verification import services as verification_services
from workflows.models import ACTIVE_STATUSES, TaskScope
from workflows.opening import processes_open_bulk
from workflows.steps import task_step

from .flow import AUDIT_TRANSFER, CONFIRM_LEAVE, LeaveConfirmationFlow
from .notifications import CONFIRMATION_OPENED

LEAVE_KINDS = (CONFIRM_LEAVE, AUDIT_TRANSFER)


def _awaiting_confirmation(graduates):
    """Approved graduates with no confirmation in effect and no confirmation under way."""
    under_way = TaskScope.objects.filter(kind__in=LEAVE_KINDS, status__in=ACTIVE_STATUSES).values(
        "graduate_id"
    )
    return graduates.filter(status=CaseStatus.APPROVED, confirmed_at__isnull=True).exclude(
        pk__in=under_way
    )


def _leave_open_for(graduates: list[Graduate], actor) -> int:
    processes_open_bulk(
        flow=LeaveConfirmationFlow,
        graduates=graduates,
        first=CONFIRM_LEAVE,
        notify_kind=CONFIRMATION_OPENED,
    )
    case_services.confirmation_opened_record(graduate_ids=[g.pk for g in graduates], actor=actor)
    return len(graduates)


def leave_confirmation_open(*, university, cohort: int, opens_on, closes_on, actor) -> int:
    """Set the cohort's leave window; when it is open, open a "confirm at leave time" task
    for every graduate with an approved registration. Returns the number opened.
    Running it again opens tasks only for graduates approved since."""
    window = case_services.cohort_window_set(
        university=university, year=cohort, opens_on=opens_on, closes_on=closes_on, actor=actor
    )
    return _leave_open_cohort(window, today=timezone.localdate(), actor=actor)


def leave_confirmation_open_due(*, today=None) -> int:
    """Open confirmations of every cohort whose window is open (a daily sweep; idempotent)."""
    today = today or timezone.localdate()
    return sum(
        _leave_open_cohort(window, today=today, actor=None)
        for window in Cohort.objects.filter(leave_opens_on__lte=today).select_related("university")
    )


def _leave_open_cohort(window: Cohort, *, today, actor) -> int:
    if not window.leave_window_open(today):
        return 0
    graduates = (
        _awaiting_confirmation(
            Graduate.objects.filter(university_id=window.university_id, cohort=window.year)
        )
        .select_related("current_registration__category")
        .order_by("pk")
    )
    opened = 0
    while batch := list(graduates[:1000]):
        with transaction.atomic():
            opened += _leave_open_for(batch, actor)
    return opened


def confirmation_open_if_due(*, graduate: Graduate, actor) -> bool:
    """Open the graduate's confirmation if their cohort's window is open (after an approval)."""
    window = Cohort.objects.filter(
        university_id=graduate.university_id, year=graduate.cohort
    ).first()
    if window is None or not window.leave_window_open(timezone.localdate()):
        return False
    graduates = list(
        _awaiting_confirmation(Graduate.objects.filter(pk=graduate.pk)).select_related(
            "current_registration__category"
        )
    )
    return bool(graduates) and _leave_open_for(graduates, actor) == 1


@transaction.atomic
def transfer_change_open(*, graduate: Graduate, user) -> None:
    """After confirming, the graduate reopens their confirmation to change the archive
    transfer or hukou details (until the change deadline, while the leave window is open):
    the issued numbers are superseded at once, and the confirmation task opens again, where
    the new details go to the university's audit as the first ones did. A destination
    change goes through a change request instead."""
    graduate = Graduate.objects.select_for_update(of=("self",)).get(pk=graduate.pk)
    if graduate.is_synced:
        raise case_services.ChangeNotAllowed(
            _("This case is changed in the provincial system, where it was registered.")
        )
    if graduate.user_id != user.pk or graduate.confirmed_at is None:
        raise case_services.ChangeNotAllowed(_("There is no confirmation of yours to change."))
    if not case_services.changes_open(graduate):
        raise case_services.ChangeNotAllowed(
            _("Changes are closed: ask your university, which can record a late correction.")
        )
    window = Cohort.objects.filter(
        university_id=graduate.university_id, year=graduate.cohort
    ).first()
    if window is None or not window.leave_window_open(timezone.localdate()):
        raise case_services.ChangeNotAllowed(
            _("Leave-time confirmation is closed: ask your university.")
        )
    verification_services.confirmation_supersede(
        graduate=graduate, actor=user, reason=_("archive transfer or hukou details to be changed")
    )
    confirmation_open_if_due(graduate=graduate, actor=user)


def _pending_other_than(task_id: int, graduate_id: int) -> bool:
    return (
        TaskScope.objects.filter(graduate_id=graduate_id, status__in=ACTIVE_STATUSES)
        .exclude(pk=task_id)
        .exists()
    )


def leave_details_submit(*, task_id: int, user, values: dict):
    """The graduate submits new archive and hukou details; they go to the university's audit.
    Refused (``ChangeNotAllowed``) for a case synced from a provincial system: its details
    are changed there."""

    with task_step(task_id, user=user, kinds=(CONFIRM_LEAVE,)) as step:
        return case_services.transfer_submit(graduate=step.case, values=values, actor=user)


def leave_confirm(*, task_id: int, user, consent: bool):
    """The graduate confirms destination, archive transfer and hukou migration; the numbers
    and the QR code are issued. Refused while anything is pending (notice 一(三))."""

    with task_step(task_id, user=user, kinds=(CONFIRM_LEAVE,)) as step:
        graduate = step.case
        if _pending_other_than(task_id, graduate.pk):
            raise verification_services.ConfirmationNotPossible(
                _(
                    "Something is still pending on your case (an audit or a change); confirm once it is settled."
                )
            )
        return verification_services.confirmation_issue(
            graduate=graduate, actor=user, consent=consent
        )


def transfer_audit_decide(*, task_id: int, user, approve: bool, reason: str = "") -> None:
    """Approve or return the graduate's archive and hukou details; either way the graduate
    gets their confirmation task back."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("A return needs a reason."))

    with task_step(task_id, user=user, kinds=(AUDIT_TRANSFER,), claim=True) as step:
        case_services.transfer_decide(
            graduate=step.case, actor=user, approve=approve, reason=reason
        )
