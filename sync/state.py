"""A case's synced state: what a provincial node sends and the national node holds.

The same function builds it on both nodes from their own rows, so that a case's digest
(and a university cohort's checksum) is equal on the two exactly when the national copy
is up to date. Every event carries the whole state as of its version: the newest event
applied is the truth, and an older one can be dropped as stale without losing anything.
"""

import datetime
import decimal
import hashlib
import json
from collections.abc import Iterable

from django.db.models import Count, Q

from cases.models import (
    ChangeRequest,
    DestinationCategory,
    EmployerNature,
    Graduate,
    Industry,
    JobCategory,
    Region,
    RegistrationStatus,
    RegistrationVersion,
    TransferDetails,
)
from cases.selectors import RECORD_RELATIONS

GRADUATE_FIELDS = (
    "name",
    "gender",
    "id_type",
    "id_number",
    "education_level",
    "major_code",
    "major_name",
    "enrolled_on",
    "graduation_date",
    "training_mode",
    "is_incomplete",
    "targeted_employer_name",
    "targeted_credit_code",
    "agreement_no",
    "mobile",
    "origin_kind",
    "major_direction",
    "study_form",
    "schooling_years",
    "commissioning_employer",
    "exam_no",
)
# Sent by their code: the regions, 民族 and 政治面貌.
GRADUATE_REGIONS = ("origin_region", "targeted_region")
GRADUATE_CODES = ("ethnicity", "political_status")
# Registration content: plain fields, and code-table fields sent by their code.
REGISTRATION_FIELDS = (
    "employer_name",
    "employer_credit_code",
    "employer_address",
    "signed_on",
    "study_institution",
    "foreign_institution",
    "remarks",
)
REGISTRATION_CODES = {
    "category": DestinationCategory,
    "employer_nature": EmployerNature,
    "employer_industry": Industry,
    "employer_region": Region,
    "job_category": JobCategory,
}
TRANSFER_FIELDS = TransferDetails.CONTENT_FIELDS


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _code(obj) -> str:
    return obj.code if obj is not None else ""


def _registration_state(version: RegistrationVersion | None) -> dict | None:
    if version is None:
        return None
    state = {
        "number": version.number,
        "status": version.status,
        "decision_reason": version.decision_reason,
    }
    state.update({name: _plain(getattr(version, name)) for name in REGISTRATION_FIELDS})
    state.update({name: _code(getattr(version, name)) for name in REGISTRATION_CODES})
    return state


def _transfer_state(details: TransferDetails | None) -> dict | None:
    if details is None:
        return None
    return {
        "number": details.number,
        **{name: _plain(getattr(details, name)) for name in TRANSFER_FIELDS},
    }


def states_for(graduates: Iterable) -> dict[int, dict]:
    """The synced state of each graduate (instances or ids; by id), a fixed handful of
    queries for any number.

    A synced case (on the national node) says a change is pending when its provincial
    node said so; a case registered here, when a change request or new archive/hukou
    details wait for audit.
    """
    ids = [getattr(g, "pk", g) for g in graduates]
    if not ids:
        return {}
    rows = Graduate.objects.filter(pk__in=ids).select_related(*RECORD_RELATIONS).order_by("pk")
    transfers = {
        t.graduate_id: t
        for t in TransferDetails.objects.filter(
            graduate_id__in=ids, is_current=True, status=RegistrationStatus.APPROVED
        )
    }
    pending = set(
        ChangeRequest.objects.filter(
            graduate_id__in=ids, status=ChangeRequest.Status.PENDING
        ).values_list("graduate_id", flat=True)
    ) | set(
        TransferDetails.objects.filter(
            graduate_id__in=ids, status=RegistrationStatus.PENDING
        ).values_list("graduate_id", flat=True)
    )
    states = {}
    for g in rows:
        graduate = {name: _plain(getattr(g, name)) for name in GRADUATE_FIELDS}
        graduate["schooling_years"] = graduate["schooling_years"] or ""
        graduate.update(
            {name: _code(getattr(g, name)) for name in (*GRADUATE_REGIONS, *GRADUATE_CODES)}
        )
        graduate["college_code"] = g.college.code
        graduate["college_name"] = g.college.name
        states[g.pk] = {
            "graduate": graduate,
            "status": g.status,
            "change_pending": g.remote_change_pending if g.is_synced else g.pk in pending,
            "registration": _registration_state(
                g.current_registration if g.current_registration_id else None
            ),
            "transfer": _transfer_state(transfers.get(g.pk)),
        }
    return states


def case_state(graduate: Graduate) -> dict:
    return states_for([graduate])[graduate.pk]


def digest(state: dict) -> str:
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checksum(digests: Iterable[tuple[str, str]]) -> str:
    """One checksum over (学号, case digest) pairs, in 学号 order."""
    hasher = hashlib.sha256()
    for student_no, case_digest in sorted(digests):
        hasher.update(f"{student_no}:{case_digest}\n".encode())
    return hasher.hexdigest()


GROUP_BATCH = 2000


def group_digests(*, university_id: int, cohort: int) -> dict[str, str]:
    """学号 → digest of every case of one university cohort, in batches of 2,000."""
    result: dict[str, str] = {}
    base = Graduate.objects.filter(university_id=university_id, cohort=cohort).order_by("pk")
    last = 0
    while batch := list(base.filter(pk__gt=last).only("pk", "student_no")[:GROUP_BATCH]):
        states = states_for(batch)
        for g in batch:
            result[g.student_no] = digest(states[g.pk])
        last = batch[-1].pk
    return result


def groups_summary(*, university_ids: Iterable[int], cohort: int | None = None) -> list[dict]:
    """Per university and cohort: the number of cases, their statuses and the checksum."""
    filters = Q(university_id__in=list(university_ids))
    if cohort is not None:
        filters &= Q(cohort=cohort)
    groups = (
        Graduate.objects.filter(filters)
        .values("university_id", "university__code", "cohort", "status")
        .annotate(n=Count("pk"))
        .order_by("university__code", "cohort", "status")
    )
    summary: dict[tuple, dict] = {}
    for row in groups:
        key = (row["university__code"], row["cohort"])
        entry = summary.setdefault(
            key,
            {
                "university": row["university__code"],
                "university_id": row["university_id"],
                "cohort": row["cohort"],
                "count": 0,
                "by_status": {},
            },
        )
        entry["count"] += row["n"]
        entry["by_status"][row["status"]] = row["n"]
    for entry in summary.values():
        digests = group_digests(university_id=entry["university_id"], cohort=entry["cohort"])
        entry["checksum"] = checksum(digests.items())
    return [{k: v for k, v in entry.items() if k != "university_id"} for entry in summary.values()]
