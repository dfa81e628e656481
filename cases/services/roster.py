"""The roster: graduates created from it, updated by a re-import, and their activation codes."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

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
from ..roster_files import RowError
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
    cases_created(graduates, writer=f"{__name__}.graduates_create")
    return graduates


@transaction.atomic
def graduate_update(*, graduate: Graduate, values: dict, actor) -> list[str]:
    """Apply roster values to an existing graduate; returns the names of changed fields.
    A change is written to the sync outbox on a provincial node (an unchanged row sends
    nothing)."""
    with case_change([graduate], writer=f"{__name__}.graduate_update") as write:
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


# --- Applying a roster ---------------------------------------------------------------------------


def student_no_taken_message() -> str:
    return _(
        "This student number already has an account from another cohort of this university: "
        "check the graduation year and the student number."
    )


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def graduate_username(university, student_no: str) -> str:
    """A graduate's account name: the university's code and the 学号."""
    return f"{university.code}-{student_no}"


def usernames_taken(names: list[str]) -> set[str]:
    return set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )


@transaction.atomic
def roster_batch_apply(*, university, cohort, rows, actor, result: RosterResult) -> list[Graduate]:
    """Apply one batch of validated roster rows: graduates already imported get their changed
    fields (``graduate_update``); rows that clash with another graduate are reported in
    ``result``; the others become new graduates with their accounts (``graduates_create``),
    which are returned for their processes to be opened."""
    numbers = [row.values["student_no"] for row in rows]
    existing = {
        g.student_no: g
        for g in Graduate.objects.filter(
            university=university, cohort=cohort, student_no__in=numbers
        ).select_related("college", "current_registration__category")
    }
    taken_ids = set(
        Graduate.objects.filter(
            university=university,
            cohort=cohort,
            id_number__in=[r.values["id_number"] for r in rows],
        )
        .exclude(student_no__in=numbers)
        .values_list("id_number", flat=True)
    )
    # A 学号 of another cohort of the university already has the account this row needs.
    taken_accounts = usernames_taken(
        [graduate_username(university, n) for n in numbers if n not in existing]
    )
    new_rows = []
    for row in rows:
        values = dict(row.values)
        graduate = existing.get(values["student_no"])
        if graduate is not None:
            values.pop("student_no")
            if graduate_update(graduate=graduate, values=values, actor=actor):
                result.updated += 1
            else:
                result.unchanged += 1
        elif values["id_number"] in taken_ids:
            result.errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    _("Another graduate of this cohort already has this ID number."),
                )
            )
        elif graduate_username(university, values["student_no"]) in taken_accounts:
            result.errors.append(RowError(row.row, "学号", student_no_taken_message()))
        else:
            new_rows.append(values)
    if not new_rows:
        return []
    users = role_services.users_create_without_password_bulk(
        accounts=[
            (graduate_username(university, values["student_no"]), values["name"])
            for values in new_rows
        ]
    )
    graduates = graduates_create(
        university=university, cohort=cohort, rows=new_rows, users=users, actor=actor
    )
    result.created += len(graduates)
    return graduates
