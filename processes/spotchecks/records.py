"""The records of spot checks: creating a campaign and drawing its sample, recording a check,
the university's resolution of a discrepancy, and closing the campaign's records.

The inspectors' right to read the sampled cases is a guardian grant on each sampled case
(``roles.permissions``), given when the sample is drawn and taken back when the campaign
closes, except where another open campaign of the same inspector still needs it. The
process's steps (``services``) call these inside the flow's lock.
"""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import CaseEvent, CaseStatus, Graduate
from roles import permissions
from roles.models import Membership, Role

from . import sampling
from .models import (
    CHECKED_OUTCOMES,
    Campaign,
    CampaignInspector,
    Outcome,
    Resolution,
    SpotCheck,
)

VIEW_CASE = "view_graduate"


class CheckNotPossible(Exception):
    """The check or resolution cannot be recorded now; the message says why."""


def _population(*, province_id: int, cohort: int, university_ids: list[int]):
    """The cases a campaign draws from: approved registrations of its scope and cohort."""
    qs = Graduate.objects.filter(
        province_id=province_id,
        cohort=cohort,
        status=CaseStatus.APPROVED,
        current_registration__isnull=False,
    )
    if university_ids:
        qs = qs.filter(university_id__in=university_ids)
    return qs


@transaction.atomic
def campaign_create(
    *,
    name: str,
    province,
    cohort: int,
    universities: list,
    size_mode: str,
    size_value: int,
    oversample_factor: int,
    deadline: date,
    inspectors: list,
    actor,
    seed: int | None = None,
) -> tuple[Campaign, list[SpotCheck]]:
    """Create a campaign and draw its sample.

    The universities must be of the province (none: the whole province), the inspectors
    inspectors of the province. The seed (random unless given) is stored; the sample is
    ``sampling.draw`` over the approved registrations of the scope, in id order. Writes one
    ``SpotCheck`` and one ``sampled`` case event per sampled case, and grants every inspector
    read access to every sampled case. Returns the campaign and its checks."""
    university_ids = sorted({u.pk for u in universities})
    if any(u.province_id != province.pk for u in universities):
        raise ValidationError(_("Every university must be of the campaign's province."))
    inspector_ids = sorted({u.pk for u in inspectors})
    if not inspector_ids:
        raise ValidationError(_("Name at least one inspector."))
    allowed = set(
        Membership.objects.filter(
            role=Role.INSPECTOR, province=province, user_id__in=inspector_ids
        ).values_list("user_id", flat=True)
    )
    if allowed != set(inspector_ids):
        raise ValidationError(_("Every inspector must be an inspector of the province."))
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    campaign = Campaign(
        name=name.strip(),
        province=province,
        cohort=cohort,
        size_mode=size_mode,
        size_value=size_value,
        oversample_factor=oversample_factor,
        deadline=deadline,
        seed=secrets.randbits(62) if seed is None else seed,
        created_by=actor,
    )
    campaign.full_clean()
    rows = list(
        _population(province_id=province.pk, cohort=cohort, university_ids=university_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "university_id",
            "current_registration_id",
            "current_registration__category__code",
            "current_registration__category__flexible",
        )
    )
    population = [(pk, bool(flexible)) for pk, _u, _r, _c, flexible in rows]
    size = sampling.sample_size(mode=size_mode, value=size_value, population=len(population))
    if size == 0:
        raise ValidationError(_("There is no approved registration to check in this scope."))
    campaign.population_size = len(population)
    campaign.population_digest = sampling.population_digest(population)
    campaign.save()
    campaign.universities.set(university_ids)
    CampaignInspector.objects.bulk_create(
        [CampaignInspector(campaign=campaign, user_id=pk) for pk in inspector_ids]
    )
    drawn = set(sampling.draw(population, size=size, seed=campaign.seed, factor=oversample_factor))
    checks = SpotCheck.objects.bulk_create(
        [
            SpotCheck(
                campaign=campaign,
                graduate_id=pk,
                university_id=university_id,
                registration_id=registration_id,
                category_code=code,
                flexible=bool(flexible),
            )
            for pk, university_id, registration_id, code, flexible in rows
            if pk in drawn
        ],
        batch_size=1000,
    )
    permissions.grant_many(
        model=Graduate,
        codename=VIEW_CASE,
        pairs=[(user_id, c.graduate_id) for user_id in inspector_ids for c in checks],
    )
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                graduate_id=c.graduate_id,
                at=now,
                actor=actor,
                kind=CaseEvent.Kind.SAMPLED,
                note=campaign.name,
            )
            for c in checks
        ],
        batch_size=1000,
    )
    return campaign, checks


def sample_redraw(campaign: Campaign) -> list[int] | None:
    """Draw the campaign's sample again from its stored seed, over the cases it can draw from
    now; ``None`` when those are no longer the cases it was drawn from."""
    rows = list(
        _population(
            province_id=campaign.province_id,
            cohort=campaign.cohort,
            university_ids=list(campaign.universities.values_list("pk", flat=True)),
        ).values_list("pk", "current_registration__category__flexible")
    )
    population = [(pk, bool(flexible)) for pk, flexible in rows]
    if sampling.population_digest(population) != campaign.population_digest:
        return None
    size = sampling.sample_size(
        mode=campaign.size_mode, value=campaign.size_value, population=len(population)
    )
    return sampling.draw(
        population, size=size, seed=campaign.seed, factor=campaign.oversample_factor
    )


@transaction.atomic
def spot_check_record(
    *, check: SpotCheck, outcome: str, notes: str, uploads=(), actor
) -> SpotCheck:
    """Record what the inspector found: 核实一致, 不一致 (with notes and an evidence file) or
    无法联系 (with notes). Once only, while the campaign is open. Writes a ``spot_checked``
    case event; the evidence is stored with the case (``cases.services.evidence_store``)."""
    check = (
        SpotCheck.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=check.pk)
    )
    if check.outcome:
        raise CheckNotPossible(_("This case has already been checked."))
    if not check.campaign.is_open:
        raise CheckNotPossible(_("The campaign is closed."))
    if outcome not in CHECKED_OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    notes = (notes or "").strip()
    if outcome != Outcome.CONSISTENT and not notes:
        raise ValueError(_("Say what you found."))
    if outcome == Outcome.INCONSISTENT and not uploads:
        raise ValueError(_("A discrepancy needs an evidence file."))
    evidence = (
        case_services.evidence_store(
            graduate=check.graduate, uploads=list(uploads)[:1], actor=actor
        )
        if uploads
        else []
    )
    now = timezone.now()
    check.outcome, check.notes, check.checked_at, check.checked_by = outcome, notes, now, actor
    check.evidence = evidence[0] if evidence else None
    check.save(update_fields=["outcome", "notes", "checked_at", "checked_by", "evidence"])
    CaseEvent.objects.create(
        graduate_id=check.graduate_id,
        at=now,
        actor=actor,
        kind=CaseEvent.Kind.SPOT_CHECKED,
        after=str(Outcome(outcome).label),
        note=f"{check.campaign.name}：{notes}" if notes else check.campaign.name,
    )
    return check


@transaction.atomic
def discrepancy_resolve(
    *, check: SpotCheck, resolution: str, note: str, actor, corrected_version=None
) -> SpotCheck:
    """The university's answer to a discrepancy, linked to the campaign's check: the
    registration was corrected (``corrected_version``, written by
    ``cases.services.check_correction_record``), or it stands, with an explanation."""
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if check.outcome != Outcome.INCONSISTENT or check.resolution:
        raise CheckNotPossible(_("This discrepancy has already been resolved."))
    if resolution not in (Resolution.CORRECTED, Resolution.UPHELD):
        raise ValueError(f"unknown resolution {resolution!r}")
    if not (note or "").strip():
        raise ValueError(_("Explain the resolution."))
    if resolution == Resolution.CORRECTED and corrected_version is None:
        raise ValueError("a correction needs the corrected version")
    check.resolution, check.resolution_note = resolution, note.strip()
    check.corrected_version = corrected_version
    check.resolved_at, check.resolved_by = timezone.now(), actor
    check.save(
        update_fields=[
            "resolution",
            "resolution_note",
            "corrected_version",
            "resolved_at",
            "resolved_by",
        ]
    )
    if resolution == Resolution.UPHELD:
        CaseEvent.objects.create(
            graduate_id=check.graduate_id,
            actor=actor,
            kind=CaseEvent.Kind.CHECK_UPHELD,
            note=note.strip(),
        )
    return check


def _grants_still_needed(*, campaign: Campaign, user_id: int) -> set[int]:
    """Cases of ``campaign`` the inspector still needs through another open campaign."""
    others = CampaignInspector.objects.filter(user_id=user_id).exclude(campaign=campaign)
    return set(
        SpotCheck.objects.filter(
            campaign__status=Campaign.Status.OPEN,
            campaign_id__in=others.values("campaign_id"),
            graduate_id__in=campaign.checks.values("graduate_id"),
        ).values_list("graduate_id", flat=True)
    )


@transaction.atomic
def campaign_records_close(*, campaign: Campaign, actor) -> int:
    """Close the campaign: cases not checked yet are marked so, and the inspectors' grants
    on its cases are revoked (those another open campaign of theirs needs are kept).
    Returns the number of grants revoked. Open checks' tasks are cancelled by the caller
    (``services.campaign_close``)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise CheckNotPossible(_("The campaign is already closed."))
    campaign.checks.filter(outcome=Outcome.PENDING).update(outcome=Outcome.NOT_CHECKED)
    campaign.status, campaign.closed_at, campaign.closed_by = (
        Campaign.Status.CLOSED,
        timezone.now(),
        actor,
    )
    campaign.save(update_fields=["status", "closed_at", "closed_by"])
    graduate_ids = set(campaign.checks.values_list("graduate_id", flat=True))
    revoked = 0
    for user_id in CampaignInspector.objects.filter(campaign=campaign).values_list(
        "user_id", flat=True
    ):
        keep = _grants_still_needed(campaign=campaign, user_id=user_id)
        revoked += permissions.revoke_many(
            model=Graduate,
            codename=VIEW_CASE,
            object_ids=sorted(graduate_ids - keep),
            user_ids=[user_id],
        )
    return revoked
