"""The steps of a spot check: launching a campaign (its sample, one check task per sampled
case), the inspector's check, the university's resolution of a discrepancy, and closing the
campaign. The records they write are ``records``'s."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Graduate
from notifications.services import notify_event
from processes.changes.services import change_consequences, refuse_while_audited
from processes.targeted.services import targeted_check_open_if_mismatch
from roles.models import Membership, Role
from workflows.models import ACTIVE_STATUSES, CaseProcess, TaskScope
from workflows.opening import processes_open_bulk
from workflows.steps import process_cancel, task_step
from workflows.sweeps import task_url

from . import records
from .flow import CORRECT_DISCREPANCY, SPOT_CHECK, SpotCheckFlow
from .models import Campaign, CampaignInspector, Outcome, Resolution, SpotCheck
from .notifications import SPOT_CHECK_DISCREPANCY, SPOT_CHECKS_ASSIGNED


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def campaign_launch(*, actor, **campaign) -> Campaign:
    """Create a provincial spot-check campaign and draw its sample
    (``records.campaign_create``, which takes the same keyword arguments), then open one
    check task per sampled case in the campaign's inspectors' queue, due at the end of the
    deadline day. The inspectors are told how many cases wait for them."""
    created, checks = records.campaign_create(actor=actor, **campaign)
    by_graduate = {c.graduate_id: c for c in checks}
    graduates = list(
        Graduate.objects.filter(pk__in=list(by_graduate))
        .select_related("current_registration__category")
        .order_by("pk")
    )
    due_at = _end_of_day(created.deadline)
    for start in range(0, len(graduates), 1000):
        batch = graduates[start : start + 1000]
        processes_open_bulk(
            flow=SpotCheckFlow,
            graduates=batch,
            first=SPOT_CHECK,
            for_graduate=False,
            process_data=[
                {"spot_check": by_graduate[g.pk].pk, "campaign": created.pk} for g in batch
            ],
            due_at=due_at,
            campaign_id=created.pk,
        )
    notify_event(
        user_ids=list(
            CampaignInspector.objects.filter(campaign=created).values_list("user_id", flat=True)
        ),
        kind=SPOT_CHECKS_ASSIGNED,
        dedupe_key=f"spot-checks-assigned:{created.pk}",
        context={
            "campaign": created.name,
            "count": len(checks),
            "deadline": created.deadline.isoformat(),
        },
        url="/tasks/queue/",
    )
    return created


def _check_of(process) -> SpotCheck:
    return SpotCheck.objects.select_related("campaign", "graduate").get(
        pk=process.data["spot_check"]
    )


def _case(graduate_id: int) -> Graduate:
    return Graduate.objects.select_related("university", "current_registration__category").get(
        pk=graduate_id
    )


def spot_check_decide(
    *, task_id: int, user, outcome: str, notes: str = "", uploads=()
) -> SpotCheck:
    """The inspector records the outcome of a check (claiming the task if it is unclaimed).
    不一致 opens the correction task of the case's university, whose reviewers and
    supervisors are told."""
    with task_step(task_id, user=user, kinds=(SPOT_CHECK,), claim=True) as step:
        check = records.spot_check_record(
            check=_check_of(step.process), outcome=outcome, notes=notes, uploads=uploads, actor=user
        )
        graduate = _case(check.graduate_id)
        step.hold(graduate)
        if outcome == Outcome.INCONSISTENT:
            step.then(_tell_university_of_discrepancy, check, graduate, step.process.pk)
        return check


def _tell_university_of_discrepancy(check: SpotCheck, graduate: Graduate, process_id) -> None:
    row = TaskScope.objects.get(process_id=process_id, kind=CORRECT_DISCREPANCY)
    notify_event(
        user_ids=list(
            Membership.objects.filter(
                university_id=graduate.university_id,
                role__in=[Role.UNIVERSITY_REVIEWER, Role.UNIVERSITY_SUPERVISOR],
            ).values_list("user_id", flat=True)
        ),
        kind=SPOT_CHECK_DISCREPANCY,
        dedupe_key=f"spot-check-discrepancy:{check.pk}",
        context={"campaign": check.campaign.name, "graduate": graduate.name},
        url=task_url(row),
    )


def discrepancy_decide(
    *, task_id: int, user, resolution: str, note: str, values: dict | None = None
) -> SpotCheck:
    """The university resolves a discrepancy found by a spot check: it corrects the
    registration (a new approved version in effect at once, with the usual consequences of
    a change: issued numbers superseded, confirmation opened again) or explains why the
    registration stands. The resolution is recorded on the campaign's check."""
    note = (note or "").strip()
    if not note:
        raise ValueError(_("Explain the resolution."))
    if resolution == Resolution.CORRECTED and not values:
        raise ValueError(_("Enter the corrected registration."))
    with task_step(task_id, user=user, kinds=(CORRECT_DISCREPANCY,), claim=True) as step:
        check = _check_of(step.process)
        graduate = _case(check.graduate_id)
        corrected = None
        if resolution == Resolution.CORRECTED:
            refuse_while_audited(graduate)
            request = case_services.check_correction_record(
                graduate=graduate, values=values, reason=note, actor=user
            )
            corrected = request.proposed
            case_services.targeted_check_record(graduate=graduate, version=corrected, actor=user)
        check = records.discrepancy_resolve(
            check=check,
            resolution=resolution,
            note=note,
            actor=user,
            corrected_version=corrected,
        )
        graduate = _case(graduate.pk)
        step.hold(graduate)
        if corrected is not None:
            step.then(change_consequences, graduate=graduate, actor=user, reason=note, void=False)
            step.then(targeted_check_open_if_mismatch, graduate)
        return check


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor) -> int:
    """Close a campaign: its unfinished check tasks are cancelled, the cases not checked are
    marked so and the inspectors' grants are revoked (``records.campaign_records_close``).
    Corrections under way at universities go on. Returns the number of grants revoked."""
    for process_id in TaskScope.objects.filter(
        campaign_id=campaign.pk, kind=SPOT_CHECK, status__in=ACTIVE_STATUSES
    ).values_list("process_id", flat=True):
        process_cancel(CaseProcess.objects.get(pk=process_id))
    return records.campaign_records_close(campaign=campaign, actor=actor)
