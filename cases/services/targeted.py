"""Targeted enrolment (定向): registrations checked against the agreement, exceptions allowed
or refused, and the standing recomputed after a change."""

from django.db import transaction

from ..hook import changes_case
from ..models import (
    CaseEvent,
    Evidence,
    Graduate,
    RegistrationVersion,
    TargetedCompliance,
    TargetedException,
)
from ..targeted import matches_agreement


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def targeted_check_record(*, graduate: Graduate, version: RegistrationVersion, actor) -> bool:
    """Check a submitted version against the agreement; returns True if it matches.
    A mismatch is in the history and puts the case in the targeted reviewer's queue."""
    if not graduate.is_targeted:
        return True
    matched = matches_agreement(graduate, version)
    status = TargetedCompliance.MATCHING if matched else TargetedCompliance.MISMATCH
    if graduate.targeted_compliance != status:
        graduate.targeted_compliance = status
        graduate.save(update_fields=["targeted_compliance"])
    if not matched:
        CaseEvent.objects.create(
            graduate=graduate,
            actor=actor,
            kind=CaseEvent.Kind.TARGETED_MISMATCH,
            note=f"v{version.number}",
        )
    return matched


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def targeted_exception_approve(
    *, graduate: Graduate, version: RegistrationVersion, reason: str, evidence: list, actor
) -> TargetedException:
    """Allow a destination the agreement does not name, with a reason and evidence (a
    release agreement or similar). Recorded on the case and counted in reports."""
    if not reason.strip():
        raise ValueError("an exception needs a reason")
    if not evidence:
        raise ValueError("an exception needs evidence")
    exception = TargetedException.objects.create(
        graduate=graduate, registration=version, reason=reason.strip(), decided_by=actor
    )
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).update(targeted_exception=exception)
    graduate.targeted_compliance = TargetedCompliance.EXCEPTION
    graduate.save(update_fields=["targeted_compliance"])
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.TARGETED_EXCEPTION,
        note=reason.strip(),
        after=f"v{version.number}",
    )
    return exception


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def targeted_exception_refuse(
    *, graduate: Graduate, version: RegistrationVersion, reason: str, actor
) -> None:
    """Refuse an exception for a destination the agreement does not name, where the
    university recorded it itself: the case stays on record as not complying."""
    if not reason.strip():
        raise ValueError("a refusal needs a reason")
    graduate.targeted_compliance = TargetedCompliance.MISMATCH
    graduate.save(update_fields=["targeted_compliance"])
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.TARGETED_REFUSED,
        note=reason.strip(),
        after=f"v{version.number}",
    )


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def targeted_recompute(*, graduate: Graduate) -> None:
    """After a rejected change, the compliance is that of the version still in effect."""
    if not graduate.is_targeted:
        return
    current = graduate.current_registration
    if current is None:
        status = TargetedCompliance.UNREGISTERED
    elif TargetedException.objects.filter(graduate=graduate, registration=current).exists():
        status = TargetedCompliance.EXCEPTION
    else:
        status = (
            TargetedCompliance.MATCHING
            if matches_agreement(graduate, current)
            else TargetedCompliance.MISMATCH
        )
    Graduate.objects.filter(pk=graduate.pk).update(targeted_compliance=status)
    graduate.targeted_compliance = status
