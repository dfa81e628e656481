"""Statistics kept incrementally: the count rows at three grains (see ``cases.tallies``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.models import College, Province, University

from .codes import DestinationClass
from .graduate import CaseStatus, EducationLevel, TargetedCompliance


class TallyFigures(models.Model):
    """The dimensions every count row carries below its organisation, and the counts.

    A row counts the graduates whose case is in this state: their cohort, province and
    education level, the case status, the category of their current registration (whatever
    its audit state; figures count the approved ones), whether they confirmed at leave time,
    their targeted-enrolment standing and whether they completed without graduating (结业生).
    ``late_corrections`` adds up their late
    corrections. Empty strings, never NULL, so that the columns can form a unique key."""

    cohort = models.PositiveSmallIntegerField(_("cohort"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    education_level = models.CharField(max_length=20, choices=EducationLevel.choices)
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    category_code = models.CharField(max_length=8, blank=True)
    destination_class = models.CharField(
        max_length=16, choices=DestinationClass.choices, blank=True
    )
    flexible = models.BooleanField(default=False)
    confirmed = models.BooleanField(default=False)
    targeted_compliance = models.CharField(
        max_length=16, choices=TargetedCompliance.choices, blank=True
    )
    is_incomplete = models.BooleanField(_("结业生"), default=False, db_default=False)
    n = models.IntegerField(_("graduates"), default=0)
    late_corrections = models.IntegerField(_("late corrections"), default=0)

    # What a row counts by below its organisation; every grain's key ends with these.
    FIGURE_FIELDS = (
        "education_level",
        "status",
        "category_code",
        "destination_class",
        "flexible",
        "confirmed",
        "targeted_compliance",
        "is_incomplete",
    )
    KEY_FIELDS = ("cohort", "province_id", *FIGURE_FIELDS)
    COUNTERS = ("n", "late_corrections")

    class Meta:
        abstract = True


class TallyColumns(TallyFigures):
    """Count rows down to the college (the grain of the live tallies and of filings)."""

    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="+", db_index=False)

    KEY_FIELDS = (
        "cohort",
        "province_id",
        "university_id",
        "college_id",
        *TallyFigures.FIGURE_FIELDS,
    )

    class Meta:
        abstract = True


class CaseTally(TallyColumns):
    """Live counts of the cases, kept in step by the services that change a case (in the
    same transaction, see ``cases.tallies``). Dashboards read these rows, never the cases."""

    class Meta:
        verbose_name = _("case tally")
        verbose_name_plural = _("case tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "province", "university", "college", *TallyFigures.FIGURE_FIELDS],
                name="case_tally_key",
            )
        ]
        indexes = [models.Index(fields=["university", "cohort"], name="case_tally_university")]

    def __str__(self):
        return f"{self.cohort} {self.university_id} {self.status} {self.category_code}: {self.n}"


# The categories the first definition's employment count left out: 总数 − (70 + 71 + 72).
NOT_EMPLOYED_CODES = ("70", "71", "72")


class FiguresDefinition(models.IntegerChoices):
    """Which definition of the headline figures a set of figures follows (see
    ``docs/statistics.md``). A filed version keeps the definition it was filed under."""

    NOTICE_COUNT = 1, "旧口径：就业人数 = 总数 − (70+71+72)"
    PLACEMENT = 2, "毕业去向落实率：审核通过的就业类与升学类 ÷ 毕业生总数"


CURRENT_DEFINITION = FiguresDefinition.PLACEMENT


class UniversitySummary(models.Model):
    """One row per university and cohort with the counts a province's dashboard shows for
    it: what its row in the table and the charts need, so that a province reads one row per
    university whatever the number and mix of its graduates. Kept in the same transaction as
    the ``CaseTally`` rows it sums (``cases.tallies.tally_apply``); the counts follow the
    definitions of ``cases.figures.Figures`` (classes, flexible and 70/71/72 of the
    approved registrations, confirmations, targeted standing and 结业生 of all, and the
    targeted standing of the approved)."""

    cohort = models.PositiveSmallIntegerField(_("cohort"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    n = models.IntegerField(_("graduates"), default=0)
    late_corrections = models.IntegerField(_("late corrections"), default=0)
    approved = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    flexible = models.IntegerField(default=0)
    employed = models.IntegerField(default=0)
    further_study = models.IntegerField(default=0)
    not_employed = models.IntegerField(default=0)
    category_70 = models.IntegerField(default=0)
    category_71 = models.IntegerField(default=0)
    category_72 = models.IntegerField(default=0)
    targeted_unregistered = models.IntegerField(default=0)
    targeted_matching = models.IntegerField(default=0)
    targeted_mismatch = models.IntegerField(default=0)
    targeted_exception = models.IntegerField(default=0)
    # targeted graduates with an approved registration, and those of them that comply
    targeted_approved = models.IntegerField(default=0, db_default=0)
    targeted_approved_compliant = models.IntegerField(default=0, db_default=0)
    incomplete = models.IntegerField(default=0, db_default=0)

    KEY_FIELDS = ("cohort", "province_id", "university_id")
    COUNTERS = (
        "n",
        "late_corrections",
        "approved",
        "pending",
        "returned",
        "confirmed",
        "flexible",
        "employed",
        "further_study",
        "not_employed",
        "category_70",
        "category_71",
        "category_72",
        "targeted_unregistered",
        "targeted_matching",
        "targeted_mismatch",
        "targeted_exception",
        "targeted_approved",
        "targeted_approved_compliant",
        "incomplete",
    )

    class Meta:
        verbose_name = _("university summary")
        verbose_name_plural = _("university summaries")
        constraints = [
            models.UniqueConstraint(  # its index, (cohort, province, …), serves a province's read
                fields=["cohort", "province", "university"], name="university_summary_key"
            )
        ]

    def __str__(self):
        return f"{self.cohort} {self.university_id}: {self.n}"


class ProvinceTally(TallyFigures):
    """The live tallies summed by province: what the national dashboard reads, a few
    thousand rows whatever the number of graduates. Kept in the same transaction as the
    ``CaseTally`` rows it sums (``cases.tallies.tally_apply``)."""

    class Meta:
        verbose_name = _("province tally")
        verbose_name_plural = _("province tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "province", *TallyFigures.FIGURE_FIELDS],
                name="province_tally_key",
            )
        ]
        indexes = [models.Index(fields=["province", "cohort"], name="province_tally_province")]

    def __str__(self):
        return f"{self.cohort} {self.province_id} {self.status} {self.category_code}: {self.n}"
