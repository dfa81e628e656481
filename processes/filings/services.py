"""The steps of filings and provincial reports.

Submitting starts the process; every later step runs through ``workflows.steps.task_step``
(the flow's lock, the task's state checked again, its row kept in step) and writes the
version or the decision. A version's content is written once and never changed.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Graduate
from cases.tallies import tallies_direct, university_lock
from notifications.services import notify_event
from roles.models import Membership, Role, University
from workflows.models import OrgTaskScope
from workflows.steps import TaskNotAvailable, task_step

from . import notifications as kinds
from .flow import (
    ACCEPT_REPORT,
    RESUBMIT_FILING,
    REVIEW_FILING,
    REVISE_REPORT,
    FilingFlow,
    ReportFlow,
)
from .models import (
    Filing,
    FilingCount,
    FilingEntry,
    FilingPeriod,
    FilingVersion,
    ProvincialReport,
    ReportFiling,
    ReportStatus,
    ReportVersion,
    ReviewStatus,
)


class ReportingNotPossible(Exception):
    """The filing or report cannot be submitted now; the message says why."""


def _members(role: str, **org) -> list[int]:
    return list(Membership.objects.filter(role=role, **org).values_list("user_id", flat=True))


def _new_task_url(process_id: int) -> str:
    row = (
        OrgTaskScope.objects.filter(process_id=process_id, status__in=["open", "assigned"])
        .order_by("-created_at")
        .first()
    )
    return f"/reporting/tasks/{row.pk}/" if row else "/tasks/"


# --- Filing ---------------------------------------------------------------------------------------


def _snapshot(filing: Filing, actor, note: str = "") -> FilingVersion:
    """Write a new version of the filing: one entry per graduate of the cohort (the
    registration version in effect, the status, the confirmation) and their counts.

    The university and its graduates are locked meanwhile, so the entries and the counts
    describe one moment (a tracked service waits; no graduate is created)."""
    university_lock(filing.university_id)
    graduates = Graduate.objects.filter(university_id=filing.university_id, cohort=filing.cohort)
    list(graduates.select_for_update().values_list("pk", flat=True))
    number = (filing.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FilingVersion.objects.create(
        filing=filing, number=number, submitted_by=actor, note=note.strip()
    )
    batch = []
    for pk, registration_id, status, code, confirmed_at in graduates.order_by("pk").values_list(
        "pk",
        "current_registration_id",
        "status",
        "current_registration__category__code",
        "confirmed_at",
    ):
        batch.append(
            FilingEntry(
                version=version,
                graduate_id=pk,
                registration_id=registration_id,
                status=status,
                category_code=code or "",
                confirmed=confirmed_at is not None,
            )
        )
        if len(batch) == 2000:
            FilingEntry.objects.bulk_create(batch)
            batch = []
    FilingEntry.objects.bulk_create(batch)
    counts = tallies_direct(graduates)
    FilingCount.objects.bulk_create(
        [
            FilingCount(
                version=version,
                **dict(zip(FilingCount.KEY_FIELDS, key, strict=True)),
                n=n,
                late_corrections=late,
            )
            for key, (n, late) in sorted(counts.items())
        ],
        batch_size=1000,
    )
    version.total = sum(n for n, _late in counts.values())
    version.save(update_fields=["total"])
    return version


def _submitted(filing: Filing, version: FilingVersion, process_id: int) -> None:
    filing.status, filing.current_version = ReviewStatus.SUBMITTED, version
    if filing.first_submitted_at is None:
        filing.first_submitted_at = version.submitted_at
    filing.save(update_fields=["status", "current_version", "first_submitted_at"])
    notify_event(
        user_ids=_members(Role.PROVINCIAL_MONITOR, province_id=filing.province_id),
        kind=kinds.FILING_SUBMITTED,
        dedupe_key=f"filing-submitted:{version.pk}",
        context={"university": filing.university.name, "filing": str(version)},
        url=_new_task_url(process_id),
    )


@transaction.atomic
def filing_submit(*, university: University, cohort: int, actor, note: str = "") -> Filing:
    """A university supervisor files the cohort with the province: a snapshot of its
    registrations (version 1, or a new version of a filing already filed, for instance
    after late corrections) goes to the province's monitors for review. Refused while a
    version awaits review or a returned one awaits resubmission (that is done from the
    resubmission task)."""
    filing, _created = Filing.objects.select_for_update().get_or_create(
        university=university,
        cohort=cohort,
        defaults={"province_id": university.province_id, "status": ReviewStatus.SUBMITTED},
    )
    if not _created and filing.status == ReviewStatus.SUBMITTED:
        raise ReportingNotPossible(_("This filing is already waiting for the province's review."))
    if not _created and filing.status == ReviewStatus.RETURNED:
        raise ReportingNotPossible(
            _("This filing was returned: fix the issues and resubmit it from its task.")
        )
    if not Graduate.objects.filter(university=university, cohort=cohort).exists():
        raise ReportingNotPossible(_("There are no graduates of this cohort to file."))
    return _started(FilingFlow, filing, _snapshot(filing, actor, note), _submitted)


def _started(flow, subject, version, submitted):
    """``subject``'s first version goes for review: its process starts, then ``submitted``
    records and tells it."""
    process = flow.start.run(subject=subject)
    submitted(subject, version, process.pk)
    return subject


def filing_resubmit(*, task_id: int, user, note: str = "") -> FilingVersion:
    """Resubmit a returned filing as a new version (the task of its university's supervisors)."""

    return _resubmitted(
        task_id,
        user,
        note,
        kind=RESUBMIT_FILING,
        model=Filing,
        returned=ReviewStatus.RETURNED,
        refusal=_("This filing is not waiting for resubmission."),
        new_version=_snapshot,
        submitted=_submitted,
    )


def _resubmitted(task_id, user, note, *, kind, model, returned, refusal, new_version, submitted):
    """The task ``kind`` sends the returned subject of its process (a filing or a report)
    for review again as a new version."""
    with task_step(task_id, user=user, kinds=(kind,), claim=True) as step:
        subject = model.objects.select_for_update().get(pk=step.process.artifact_object_id)
        if subject.status != returned:
            raise TaskNotAvailable(refusal)
        version = new_version(subject, user, note)
        step.hold(subject)
        step.then(submitted, subject, version, step.process.pk)
        return version


def filing_review(*, task_id: int, user, file: bool, issues: str = "") -> FilingVersion:
    """The provincial monitor files (备案) the version under review, or returns it with the
    issues listed (one per line) for the university to fix; its supervisors are told."""
    issues = (issues or "").strip()
    if not file and not issues:
        raise ValueError(_("List the issues the university must fix."))

    with task_step(task_id, user=user, kinds=(REVIEW_FILING,), claim=True) as step:
        filing = (
            Filing.objects.select_for_update(of=("self",))
            .select_related("current_version", "university")
            .get(pk=step.process.artifact_object_id)
        )
        version = filing.current_version
        now = timezone.now()
        version.status = ReviewStatus.FILED if file else ReviewStatus.RETURNED
        version.decided_at, version.decided_by, version.issues = now, user, issues
        version.save(update_fields=["status", "decided_at", "decided_by", "issues"])
        filing.status = version.status
        update = ["status"]
        if file:
            filing.filed_version = version
            update.append("filed_version")
        filing.save(update_fields=update)
        step.hold(filing)
        step.then(_reviewed, filing=filing, version=version, process_id=step.process.pk)
        return version


def _reviewed(*, filing: Filing, version: FilingVersion, process_id: int) -> None:
    """The university's supervisors are told the outcome of the review."""
    supervisors = _members(Role.UNIVERSITY_SUPERVISOR, university_id=filing.university_id)
    if version.status == ReviewStatus.FILED:
        notify_event(
            user_ids=supervisors,
            kind=kinds.FILING_FILED,
            dedupe_key=f"filing-filed:{version.pk}",
            context={"filing": str(version)},
            url=f"/filings/{filing.pk}/",
        )
    else:
        notify_event(
            user_ids=supervisors,
            kind=kinds.FILING_RETURNED,
            dedupe_key=f"filing-returned:{version.pk}",
            context={"filing": str(version), "reason": "；".join(version.issue_list)},
            url=_new_task_url(process_id),
        )


@transaction.atomic
def filing_period_set(*, province, cohort: int, due_on, actor) -> FilingPeriod:
    """The date by which the province's universities file the cohort."""
    period, _created = FilingPeriod.objects.update_or_create(
        province=province,
        cohort=cohort,
        defaults={"due_on": due_on, "set_by": actor, "set_at": timezone.now()},
    )
    return period


# --- Provincial report ------------------------------------------------------------------------------


def _report_version(report: ProvincialReport, actor, note: str) -> ReportVersion:
    """A new version built from the province's filed university snapshots of the cohort."""
    filed = list(
        Filing.objects.filter(
            province_id=report.province_id, cohort=report.cohort, filed_version__isnull=False
        ).values_list("filed_version_id", "filed_version__total")
    )
    if not filed:
        raise ReportingNotPossible(_("No university of the province has a filed filing yet."))
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        submitted_by=actor,
        note=note.strip(),
        universities_total=len(filed),
        total=sum(total for _pk, total in filed),
    )
    ReportFiling.objects.bulk_create(
        [ReportFiling(report_version=version, filing_version_id=pk) for pk, _total in filed]
    )
    return version


def _report_submitted(report: ProvincialReport, version: ReportVersion, process_id) -> None:
    report.status, report.current_version = ReportStatus.SUBMITTED, version
    report.save(update_fields=["status", "current_version"])
    notify_event(
        user_ids=_members(Role.NATIONAL_ADMIN),
        kind=kinds.REPORT_SUBMITTED,
        dedupe_key=f"report-submitted:{version.pk}",
        context={"province": report.province.name, "report": str(version)},
        url=_new_task_url(process_id),
    )


@transaction.atomic
def report_submit(*, province, cohort: int, actor, note: str = "") -> ProvincialReport:
    """A provincial monitor submits the province's report of the cohort, built from the
    universities' filed snapshots, to the Ministry. Refused while a version awaits
    acceptance or a returned one awaits revision (done from the revision task)."""
    report, created = ProvincialReport.objects.select_for_update().get_or_create(
        province=province, cohort=cohort, defaults={"status": ReportStatus.SUBMITTED}
    )
    if not created and report.status == ReportStatus.SUBMITTED:
        raise ReportingNotPossible(_("This report is already waiting for the Ministry."))
    if not created and report.status == ReportStatus.RETURNED:
        raise ReportingNotPossible(_("This report was returned: revise it from its task."))
    return _started(ReportFlow, report, _report_version(report, actor, note), _report_submitted)


def report_revise(*, task_id: int, user, note: str = "") -> ReportVersion:
    """Submit a returned report again, rebuilt from the filed snapshots as they are now."""

    return _resubmitted(
        task_id,
        user,
        note,
        kind=REVISE_REPORT,
        model=ProvincialReport,
        returned=ReportStatus.RETURNED,
        refusal=_("This report is not waiting for revision."),
        new_version=_report_version,
        submitted=_report_submitted,
    )


def report_decide(*, task_id: int, user, accept: bool, reason: str = "") -> ReportVersion:
    """The national administrator accepts the report (its figures then count nationally)
    or returns it with a reason; the province's monitors are told."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValueError(_("Say why the report is returned."))

    with task_step(task_id, user=user, kinds=(ACCEPT_REPORT,), claim=True) as step:
        report = (
            ProvincialReport.objects.select_for_update(of=("self",))
            .select_related("current_version", "province")
            .get(pk=step.process.artifact_object_id)
        )
        version = report.current_version
        version.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        version.decided_at, version.decided_by, version.reason = timezone.now(), user, reason
        version.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        report.status = version.status
        update = ["status"]
        if accept:
            report.accepted_version = version
            update.append("accepted_version")
        report.save(update_fields=update)
        step.hold(report)
        step.then(_report_decided, report=report, version=version, process_id=step.process.pk)
        return version


def _report_decided(*, report: ProvincialReport, version: ReportVersion, process_id) -> None:
    """The province's monitors are told the Ministry's decision."""
    accepted = version.status == ReportStatus.ACCEPTED
    notify_event(
        user_ids=_members(Role.PROVINCIAL_MONITOR, province_id=report.province_id),
        kind=kinds.REPORT_ACCEPTED if accepted else kinds.REPORT_RETURNED,
        dedupe_key=f"report-decided:{version.pk}",
        context={"report": str(version), "reason": version.reason},
        url=f"/reports/{report.pk}/" if accepted else _new_task_url(process_id),
    )
