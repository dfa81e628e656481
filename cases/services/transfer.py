"""Archive transfer and hukou migration details: submitted, audited, or recorded as reported."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from notifications.services import notify_event

from .. import notifications as kinds
from ..hook import Change, changes_case
from ..models import (
    CaseEvent,
    Graduate,
    RegistrationStatus,
    TransferDetails,
)
from .events import field_change_events
from .rules import synced_case_refuse


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.CONFIRMATION_FIELDS)
def transfer_submit(
    *, graduate: Graduate, values: dict, actor, reported: bool = False, number: int | None = None
) -> TransferDetails:
    """A new version of the archive and hukou details, pending the university's audit.

    ``reported`` details were audited in the provincial system (the national node's copy
    of a synced case): they are recorded as approved and current, under the provincial
    version ``number``. Otherwise a synced case is refused (``ChangeNotAllowed``). On a
    provincial node the pending details are written to the sync outbox (a change pending).
    """
    if not reported:
        synced_case_refuse(graduate)
    previous = graduate.transfers.filter(is_current=True).first()
    if number is None:
        number = (graduate.transfers.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    details = TransferDetails(
        graduate=graduate, number=number, submitted_at=now, submitted_by=actor, **values
    )
    if not details.hukou_migrate:
        details.hukou_type, details.hukou_address = "", ""
    if reported:
        details.status, details.decided_at, details.is_current = (
            RegistrationStatus.APPROVED,
            now,
            True,
        )
    details.full_clean(exclude=["graduate"])
    if reported:
        graduate.transfers.filter(is_current=True).update(is_current=False)
    details.save(force_insert=True)
    events = [
        CaseEvent(
            graduate=graduate,
            at=now,
            actor=actor,
            kind=CaseEvent.Kind.SYNCED if reported else CaseEvent.Kind.TRANSFER_SUBMITTED,
            note=f"v{number}",
        ),
        *field_change_events(
            graduate=graduate,
            before=previous,
            after=details,
            fields=TransferDetails.CONTENT_FIELDS,
            actor=actor,
            at=now,
        ),
    ]
    CaseEvent.objects.bulk_create(events)
    return details


@transaction.atomic
@changes_case(
    lambda kw: [kw["graduate"]],
    change=lambda kw: Change.TRANSFER_UPDATE if kw["approve"] else Change.CONFIRMATION_FIELDS,
)
def transfer_decide(
    *, graduate: Graduate, actor, approve: bool, reason: str = ""
) -> TransferDetails:
    """Approve the pending archive and hukou details (they become current) or return them."""
    details = graduate.transfers.select_for_update().get(status=RegistrationStatus.PENDING)
    now = timezone.now()
    if approve:
        graduate.transfers.filter(is_current=True).update(is_current=False)
        details.is_current = True
    elif not reason.strip():
        raise ValueError("a return needs a reason")
    details.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.RETURNED
    details.decided_at, details.decided_by, details.decision_reason = now, actor, reason.strip()
    details.save(
        update_fields=["status", "is_current", "decided_at", "decided_by", "decision_reason"]
    )
    kind = CaseEvent.Kind.TRANSFER_APPROVED if approve else CaseEvent.Kind.TRANSFER_RETURNED
    CaseEvent.objects.create(graduate=graduate, at=now, actor=actor, kind=kind, note=reason.strip())
    if graduate.user_id and not approve:
        notify_event(
            user_ids=[graduate.user_id],
            kind=kinds.TRANSFER_RETURNED,
            context={"reason": reason.strip()},
            dedupe_key=f"transfer-returned:{details.pk}",
            url="/",
        )
    return details
