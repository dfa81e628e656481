"""University filing (备案) and the provincial report.

A ``Filing`` is one university's filing of one cohort with its province. Each submission is
an immutable ``FilingVersion``: the university's registrations at that moment
(``FilingEntry``, one per graduate, naming the registration version in effect) and their
counts (``FilingCount``, the tally columns). The province files it or returns it with
issues; a returned filing is resubmitted as a new version. A ``ProvincialReport`` version is
built from the province's filed versions and accepted or returned by the Ministry; the
accepted versions feed the national figures.

The human tasks of these processes are about organisations, not cases; their rows are the
engine's ``workflows.OrgTaskScope``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    CURRENT_DEFINITION,
    CaseStatus,
    FiguresDefinition,
    Graduate,
    RegistrationVersion,
    TallyColumns,
)
from roles.models import Province, University


class FilingPeriod(models.Model):
    """The date by which a province's universities file a cohort."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    due_on = models.DateField(_("filing due on"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("filing period")
        verbose_name_plural = _("filing periods")
        constraints = [
            models.UniqueConstraint(fields=["province", "cohort"], name="filing_period_once")
        ]

    def __str__(self):
        return f"{self.province} {self.cohort}: {self.due_on}"


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting review")
    RETURNED = "returned", _("returned")
    FILED = "filed", _("filed")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting acceptance")
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")


class Submission(models.Model):
    """Who submitted a version and when, and who decided on it: what filing and report
    versions share."""

    note = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The definition its headline figures follow: a version keeps the one it was filed under.
    figures_definition = models.PositiveSmallIntegerField(
        _("definition of the figures"),
        choices=FiguresDefinition.choices,
        default=CURRENT_DEFINITION,
    )

    class Meta:
        abstract = True


class Filing(models.Model):
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="filings", verbose_name=_("university")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices)
    current_version = models.ForeignKey(
        "FilingVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_version = models.ForeignKey(
        "FilingVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        constraints = [models.UniqueConstraint(fields=["university", "cohort"], name="filing_once")]
        indexes = [models.Index(fields=["province", "cohort", "status"], name="filing_province")]

    def __str__(self):
        return f"{self.university.name} {self.cohort}届备案"


class FilingVersion(Submission):
    """One submission of a filing. Its content (entries, counts) is never changed; only the
    province's decision is recorded on it once."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    total = models.PositiveIntegerField(_("graduates"), default=0)
    issues = models.TextField(_("issues"), blank=True)

    class Meta:
        ordering = ["filing", "-number"]
        verbose_name = _("filing version")
        verbose_name_plural = _("filing versions")
        constraints = [
            models.UniqueConstraint(fields=["filing", "number"], name="filing_version_once")
        ]

    def __str__(self):
        return f"{self.filing} v{self.number}"

    @property
    def issue_list(self) -> list[str]:
        return [line.strip() for line in self.issues.splitlines() if line.strip()]


class FilingEntry(models.Model):
    """One graduate as filed: the registration version in effect and the case's standing."""

    version = models.ForeignKey(FilingVersion, on_delete=models.CASCADE, related_name="entries")
    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        RegistrationVersion, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    category_code = models.CharField(max_length=8, blank=True)
    confirmed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("filed registration")
        verbose_name_plural = _("filed registrations")
        constraints = [
            models.UniqueConstraint(fields=["version", "graduate"], name="filing_entry_once")
        ]

    def __str__(self):
        return f"{self.version_id}: {self.graduate_id}"


class FilingCount(TallyColumns):
    """The counts of a filing version, in the same columns as the live tallies."""

    version = models.ForeignKey(FilingVersion, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        verbose_name = _("filed count")
        verbose_name_plural = _("filed counts")
        indexes = [models.Index(fields=["version", "university"], name="filing_count_version")]


class ProvincialReport(models.Model):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="reports", verbose_name=_("province")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices)
    current_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("provincial report")
        verbose_name_plural = _("provincial reports")
        constraints = [models.UniqueConstraint(fields=["province", "cohort"], name="report_once")]
        indexes = [models.Index(fields=["cohort", "status"], name="report_cohort")]

    def __str__(self):
        return f"{self.province.name} {self.cohort}届上报"


class ReportVersion(Submission):
    """One submission of a provincial report: the filed versions it is built from."""

    report = models.ForeignKey(ProvincialReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    filings = models.ManyToManyField(FilingVersion, through="ReportFiling", related_name="reports")
    universities_total = models.PositiveIntegerField(_("universities"), default=0)
    total = models.PositiveIntegerField(_("graduates"), default=0)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_once")
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"


class ReportFiling(models.Model):
    report_version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="+")
    filing_version = models.ForeignKey(FilingVersion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report_version", "filing_version"], name="report_filing_once"
            )
        ]

    def __str__(self):
        return f"{self.report_version_id}: {self.filing_version_id}"
