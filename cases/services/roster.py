"""The roster: graduates created from it, updated by a re-import, and their activation codes."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import insert_objects, insert_rows
from roles import permissions
from roles import services as role_services
from roles.models import Role

from ..hook import Change, case_change, cases_created
from ..models import (
    CaseEvent,
    CaseStatus,
    Graduate,
    TargetedCompliance,
)
from ..tallies import university_lock
from .events import case_access_record, field_change_events


@transaction.atomic
def graduates_create(
    *, university, cohort: int, rows: list[dict], users: list, actor, source_node: str = ""
) -> list[Graduate]:
    """Create graduates from validated roster rows, each tied to its (new) user.

    Also writes their graduate membership, the guardian grant on their own case, a
    ``created`` event, and counts them in the tallies. ``rows`` hold model field values
    (``college`` an instance). ``source_node`` marks cases synced from a provincial system
    (on the national node). On a provincial node, each new case is written to the sync outbox.
    """
    university_lock(university.pk)
    now = timezone.now()
    graduates = [
        Graduate(
            targeted_compliance=TargetedCompliance.UNREGISTERED
            if row.get("training_mode", "non_targeted") != "non_targeted"
            else TargetedCompliance.NOT_APPLICABLE,
            university=university,
            province_id=university.province_id,
            cohort=cohort,
            user=user,
            source_node=source_node,
            remote_change_pending=False,
            created_at=now,
            updated_at=now,
            **row,
        )
        for row, user in zip(rows, users, strict=True)
    ]
    insert_objects(graduates)
    role_services.memberships_create_bulk(
        user_ids=[user.pk for user in users], role=Role.GRADUATE, university=university, at=now
    )
    permissions.grant_new(
        model=Graduate, codename="view_graduate", pairs=[(g.user_id, g.pk) for g in graduates]
    )
    insert_rows(
        CaseEvent,
        ["graduate_id", "at", "actor_id", "kind", "field", "before", "after"],
        [
            (
                g.pk,
                now,
                actor.pk if actor else None,
                CaseEvent.Kind.CREATED,
                "status",
                None,
                CaseStatus.UNREGISTERED,
            )
            for g in graduates
        ],
    )
    cases_created(graduates)
    return graduates


@transaction.atomic
def graduate_update(*, graduate: Graduate, values: dict, actor) -> list[str]:
    """Apply roster values to an existing graduate; returns the names of changed fields.
    A change is written to the sync outbox on a provincial node (an unchanged row sends
    nothing)."""
    with case_change([graduate]) as write:
        before = Graduate.objects.get(pk=graduate.pk)
        for name, value in values.items():
            setattr(graduate, name, value)
        now = timezone.now()
        events = field_change_events(
            graduate=graduate,
            before=before,
            after=graduate,
            fields=values.keys(),
            actor=actor,
            at=now,
        )
        if not events:
            return []
        changed = [e.field for e in events]
        graduate.updated_at = now
        graduate.full_clean()
        graduate.save(update_fields=[*(f for f in changed), "updated_at"])
        CaseEvent.objects.bulk_create(events)
        write.change = Change.GRADUATE_UPSERT
        return changed


def activation_codes_export(
    *, university, cohort: int, college_id: int | None, actor
) -> list[dict]:
    """Fresh activation codes for the cohort's graduates who have not activated yet.

    Earlier codes of those graduates stop working. Each graduate listed gets a
    ``CaseAccess`` row, since the list is a read of their records.
    """
    graduates = Graduate.objects.filter(
        university=university, cohort=cohort, user__isnull=False
    ).filter(Q(user__activation__isnull=True) | Q(user__activation__activated_at__isnull=True))
    if college_id:
        graduates = graduates.filter(college_id=college_id)
    graduates = list(
        graduates.select_related("college", "user").order_by("college__code", "student_no")
    )
    codes = role_services.activation_codes_issue(
        accounts=[(g.user_id, g.id_number) for g in graduates]
    )
    case_access_record(
        graduate_ids=[g.pk for g in graduates], user=actor, action="activation_codes_export"
    )
    return [
        {
            "student_no": g.student_no,
            "name": g.name,
            "college": g.college.name,
            "username": g.user.username,
            "code": codes[g.user_id],
        }
        for g in graduates
        if g.user_id in codes
    ]
