"""The national node receives events from provincial nodes.

``events_receive`` takes a batch of events whose shape the API has checked, and answers
each one: applied, duplicate (its id was seen before: acknowledged, not applied again),
stale (older than the version the case already has) or invalid, with the reason. Each
event is applied in its own transaction under the row lock of its case key, so one
invalid event never blocks the others and two deliveries of one case never interleave.
"""

import datetime
import decimal
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    CaseStatus,
    EmployerNature,
    Ethnicity,
    Industry,
    JobCategory,
    PoliticalStatus,
    Region,
    RegistrationStatus,
)
from cases.selectors import categories_for_cohort
from roles.models import College, Province, University

from .apply import SyncedState, synced_case_apply
from .models import EventResult, EventType, ReceivedEvent, SyncedCase
from .state import GRADUATE_FIELDS, REGISTRATION_FIELDS, TRANSFER_FIELDS

logger = logging.getLogger(__name__)


class ForeignUniversities(Exception):
    """The batch names universities of another province: the client may not write them."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


class InvalidEvent(Exception):
    """The event cannot be applied; the message says why."""


@dataclass
class Outcome:
    id: str
    result: str
    reason: str = ""
    version: int | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "result": self.result,
            "reason": self.reason,
            "version": self.version,
        }


def foreign_universities(*, province: Province, codes: set[str]) -> list[str]:
    return sorted(
        University.objects.filter(code__in=codes)
        .exclude(province=province)
        .values_list("code", flat=True)
    )


def events_receive(*, province: Province, events: list[dict]) -> list[Outcome]:
    """Apply a batch of a province's events in order; one ``Outcome`` per event.

    ``events`` are dicts with ``id``, ``type``, ``case`` (university, student_no, cohort),
    ``version`` and ``payload``, or {"id", "error"} for an event whose shape was wrong.
    Raises ``ForeignUniversities`` before applying anything if an event names a
    university of another province.
    """
    codes = {e["case"]["university"] for e in events if "error" not in e}
    foreign = foreign_universities(province=province, codes=codes)
    if foreign:
        raise ForeignUniversities(foreign)
    outcomes = []
    for event in events:
        if "error" in event:
            outcomes.append(
                Outcome(str(event.get("id") or ""), EventResult.INVALID, event["error"])
            )
            continue
        try:
            outcomes.append(_receive_one(province, event))
        except InvalidEvent as exc:
            outcomes.append(Outcome(str(event["id"]), EventResult.INVALID, str(exc)))
    return outcomes


def _receive_one(province: Province, event: dict) -> Outcome:
    event_id, key, version = str(event["id"]), event["case"], event["version"]
    if ReceivedEvent.objects.filter(event_id=event_id).exists():
        return Outcome(event_id, EventResult.DUPLICATE)
    university = (
        University.objects.select_related("province").filter(code=key["university"]).first()
    )
    if university is None:
        raise InvalidEvent(_("unknown university %(code)s") % {"code": key["university"]})
    try:
        with transaction.atomic():
            synced, _created = SyncedCase.objects.get_or_create(
                university_code=key["university"],
                cohort=key["cohort"],
                student_no=key["student_no"],
                defaults={"source_province": province},
            )
            synced = SyncedCase.objects.select_for_update().get(pk=synced.pk)
            # Under the case's lock: a concurrent delivery of this event has committed by now.
            if ReceivedEvent.objects.filter(event_id=event_id).exists():
                return Outcome(event_id, EventResult.DUPLICATE, version=synced.version)
            if version <= synced.version:
                _received(event_id, synced, event, version, EventResult.STALE)
                return Outcome(
                    event_id,
                    EventResult.STALE,
                    f"the case is at version {synced.version} already",
                    synced.version,
                )
            _apply(synced=synced, university=university, province=province, event=event)
            synced.version, synced.event_id, synced.applied_at = version, event_id, timezone.now()
            synced.save(update_fields=["version", "event_id", "applied_at", "graduate"])
            _received(event_id, synced, event, version, EventResult.APPLIED)
    except ValidationError as exc:
        raise InvalidEvent(_validation_reason(exc)) from exc
    except IntegrityError as exc:
        # The same event id committed by a concurrent request between the checks.
        if ReceivedEvent.objects.filter(event_id=event_id).exists():
            return Outcome(event_id, EventResult.DUPLICATE)
        raise InvalidEvent(f"conflicts with data held here: {exc}") from exc
    return Outcome(event_id, EventResult.APPLIED, version=version)


def _received(event_id, synced, event, version, result) -> None:
    """What became of the event, kept so that its redelivery is known."""
    ReceivedEvent.objects.create(
        event_id=event_id, case=synced, event_type=event["type"], version=version, result=result
    )


def _validation_reason(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}"
            for field, messages in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)


def _apply(*, synced: SyncedCase, university: University, province: Province, event: dict) -> None:
    key = event["case"]
    state = resolve_state(event["payload"], university=university, cohort=key["cohort"])
    graduate = synced_case_apply(
        university=university,
        cohort=key["cohort"],
        student_no=key["student_no"],
        state=state,
        source_node=province.code,
        note=f"{EventType(event['type']).label} · v{event['version']} · {province.code}",
    )
    synced.graduate = graduate


# --- Codes to rows ------------------------------------------------------------------------------


def _lookup(rows, code: str, what: str):
    """The row with this code (``rows`` a model or a queryset); None for a blank code."""
    if not code:
        return None
    queryset = rows.objects.all() if isinstance(rows, type) else rows
    row = queryset.filter(code=code).first()
    if row is None:
        raise InvalidEvent(_("%(what)s: unknown code %(code)s") % {"what": what, "code": code})
    return row


def _date(value, what: str):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidEvent(f"{what}: not a date") from None


def _years(value: str):
    """学制 as sent ("" or "4.0")."""
    if not value:
        return None
    try:
        return decimal.Decimal(value)
    except decimal.InvalidOperation:
        raise InvalidEvent("schooling_years: not a number of years") from None


def resolve_state(payload: dict, *, university: University, cohort: int):
    """The payload's codes resolved to rows, as ``apply.SyncedState``."""
    data = payload["graduate"]
    college = College.objects.filter(university=university, code=data["college_code"]).first()
    if college is None:
        if College.objects.filter(university=university, name=data["college_name"]).exists():
            raise InvalidEvent("college: another college here has that name")
        college = College.objects.create(
            university=university, code=data["college_code"], name=data["college_name"]
        )
    graduate = {name: data[name] for name in GRADUATE_FIELDS}
    graduate["enrolled_on"] = _date(data["enrolled_on"], "enrolled_on")
    graduate["graduation_date"] = _date(data["graduation_date"], "graduation_date")
    graduate["college"] = college
    graduate["origin_region"] = _lookup(Region, data["origin_region"], "origin_region")
    graduate["targeted_region"] = _lookup(Region, data["targeted_region"], "targeted_region")
    graduate["ethnicity"] = _lookup(Ethnicity, data["ethnicity"], "ethnicity")
    graduate["political_status"] = _lookup(
        PoliticalStatus, data["political_status"], "political_status"
    )
    graduate["schooling_years"] = _years(data["schooling_years"])

    registration = None
    if payload.get("registration"):
        raw = payload["registration"]
        values = {name: raw[name] for name in REGISTRATION_FIELDS}
        values["signed_on"] = _date(raw["signed_on"], "signed_on")
        values["category"] = _lookup(
            categories_for_cohort(cohort), raw["category"], "category"
        ) or _missing("category")
        values["employer_nature"] = _lookup(EmployerNature, raw["employer_nature"], "nature")
        values["employer_industry"] = _lookup(Industry, raw["employer_industry"], "industry")
        values["employer_region"] = _lookup(Region, raw["employer_region"], "employer_region")
        values["job_category"] = _lookup(JobCategory, raw["job_category"], "job_category")
        registration = {
            "number": raw["number"],
            "status": raw["status"],
            "reason": raw["decision_reason"],
            "values": values,
        }
    transfer = None
    if payload.get("transfer"):
        raw = payload["transfer"]
        transfer = {"number": raw["number"], "values": {n: raw[n] for n in TRANSFER_FIELDS}}
    status = payload["status"]
    expected = (
        CaseStatus.UNREGISTERED
        if registration is None
        else {
            RegistrationStatus.PENDING: CaseStatus.PENDING_AUDIT,
            RegistrationStatus.RETURNED: CaseStatus.RETURNED,
            RegistrationStatus.APPROVED: CaseStatus.APPROVED,
        }[registration["status"]]
    )
    if status != expected:
        raise InvalidEvent(f"status: {status} does not go with the registration ({expected})")
    return SyncedState(
        graduate=graduate,
        status=status,
        change_pending=payload["change_pending"],
        registration=registration,
        transfer=transfer,
    )


def _missing(what: str):
    raise InvalidEvent(f"{what}: required")
