"""The processes about organisations.

- University filing (备案): a university supervisor submits a snapshot of the cohort's
  registrations; the provincial monitor files it or returns it with the issues listed; a
  returned filing is fixed and resubmitted as a new version, until it is filed.
- Provincial report: a provincial monitor submits the province's report, built from its
  filed university snapshots; the national administrator accepts it or returns it; a
  returned report is revised and submitted again, until it is accepted.

The flows hold the process graphs only; ``services`` does each step under the flow's
lock. Their human tasks are about organisations: their rows are ``workflows.OrgTaskScope``.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from roles.models import Role
from workflows.nodes import OrgFlowMixin, org_task
from workflows.registry import TaskKind

from .models import Filing, ProvincialReport, ReportStatus, ReviewStatus

REVIEW_FILING = TaskKind(
    "review_filing",
    _("Review a university's filing (备案)"),
    role=Role.PROVINCIAL_MONITOR,
    sla_hours=7 * 24,
)
RESUBMIT_FILING = TaskKind(
    "resubmit_filing",
    _("Resubmit the returned filing"),
    role=Role.UNIVERSITY_SUPERVISOR,
    sla_hours=7 * 24,
)
ACCEPT_REPORT = TaskKind(
    "accept_report", _("Accept a provincial report"), role=Role.NATIONAL_ADMIN, sla_hours=7 * 24
)
REVISE_REPORT = TaskKind(
    "revise_report",
    _("Revise the returned provincial report"),
    role=Role.PROVINCIAL_MONITOR,
    sla_hours=7 * 24,
)
FILING_KINDS = (REVIEW_FILING, RESUBMIT_FILING)
REPORT_KINDS = (ACCEPT_REPORT, REVISE_REPORT)


class FilingFlow(OrgFlowMixin, Flow):
    """University filing (备案)

    The university's snapshot goes to its province's monitors, who file it or return it
    with issues; a returned filing comes back as a new version.
    """

    process_title = _("University filing")

    start = nodes.StartHandle(this.open_subject).Next(this.review_filing)
    review_filing = org_task(REVIEW_FILING).Next(this.route_review)
    route_review = nodes.If(this.was_filed).Then(this.filing_filed).Else(this.resubmit_filing)
    resubmit_filing = org_task(RESUBMIT_FILING).Next(this.review_filing)
    filing_filed = nodes.End()

    def was_filed(self, activation):
        return Filing.objects.filter(
            pk=activation.process.artifact_object_id, status=ReviewStatus.FILED
        ).exists()


class ReportFlow(OrgFlowMixin, Flow):
    """Provincial report

    The province's report, built from its filed snapshots, goes to the Ministry, which
    accepts it or returns it; a returned report comes back as a new version.
    """

    process_title = _("Provincial report")

    start = nodes.StartHandle(this.open_subject).Next(this.accept_report)
    accept_report = org_task(ACCEPT_REPORT).Next(this.route_acceptance)
    route_acceptance = (
        nodes.If(this.was_accepted).Then(this.report_accepted).Else(this.revise_report)
    )
    revise_report = org_task(REVISE_REPORT).Next(this.accept_report)
    report_accepted = nodes.End()

    def was_accepted(self, activation):
        return ProvincialReport.objects.filter(
            pk=activation.process.artifact_object_id, status=ReportStatus.ACCEPTED
        ).exists()
