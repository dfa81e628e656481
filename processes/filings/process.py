"""Filings and provincial reports in the process registry."""

from workflows.registry import ProcessEntry

from . import notifications, task_views
from .flow import (
    ACCEPT_REPORT,
    RESUBMIT_FILING,
    REVIEW_FILING,
    REVISE_REPORT,
    FilingFlow,
    ReportFlow,
)

PROCESS = ProcessEntry(
    name="filings",
    flows=(FilingFlow, ReportFlow),
    pages={
        REVIEW_FILING: task_views.review_filing_task,
        RESUBMIT_FILING: task_views.resubmit_filing_task,
        ACCEPT_REPORT: task_views.accept_report_task,
        REVISE_REPORT: task_views.revise_report_task,
    },
    notifications=(
        notifications.FILING_SUBMITTED,
        notifications.FILING_FILED,
        notifications.FILING_RETURNED,
        notifications.REPORT_SUBMITTED,
        notifications.REPORT_RETURNED,
        notifications.REPORT_ACCEPTED,
    ),
)
