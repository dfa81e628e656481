"""Code tables: destination categories, employer natures, industries, job categories and
regions (data, loaded by migrations, editable in the admin)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DestinationClass(models.TextChoices):
    EMPLOYED = "employed", _("employed (就业)")
    FURTHER_STUDY = "further_study", _("further study (升学)")
    NOT_EMPLOYED = "not_employed", _("not employed (未就业)")


# Fields of a registration that a destination category may require.
REQUIRABLE_FIELDS = (
    "employer_name",
    "employer_credit_code",
    "employer_nature",
    "employer_industry",
    "employer_region",
    "job_category",
    "signed_on",
    "employer_address",
    "study_institution",
    "foreign_institution",
)
EMPLOYER_FIELDS = (
    "employer_name",
    "employer_credit_code",
    "employer_nature",
    "employer_industry",
    "employer_region",
    "job_category",
    "signed_on",
)


class DestinationCategory(models.Model):
    """毕业去向类别. A new year's codes are new rows with their ``valid_from``."""

    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=60)
    destination_class = models.CharField(
        _("class"), max_length=16, choices=DestinationClass.choices
    )
    flexible = models.BooleanField(_("flexible employment (灵活就业)"), default=False)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), default=2023)
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("destination category")
        verbose_name_plural = _("destination categories")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="category_code_year_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        unknown = [f for f in self.required_fields or [] if f not in REQUIRABLE_FIELDS]
        if unknown:
            raise ValidationError(
                {"required_fields": _("Unknown fields: %(f)s") % {"f": ", ".join(unknown)}}
            )

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


class CodeTable(models.Model):
    """A national code table's row. A code retired from the table keeps its row, with the
    last year it was valid in ``valid_to``, for what refers to it; pickers offer the current
    ones (``current``). Where a table comes from is its ``CodeEdition`` row."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @classmethod
    def current(cls):
        """The codes to choose among: those not retired."""
        return cls.objects.filter(valid_to__isnull=True)


class EmployerNature(CodeTable):
    """单位性质."""

    class Meta(CodeTable.Meta):
        verbose_name = _("employer nature")
        verbose_name_plural = _("employer natures")


class Industry(CodeTable):
    """单位行业: GB/T 4754 sections."""

    class Meta(CodeTable.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class JobCategory(CodeTable):
    """工作职位类别."""

    class Meta(CodeTable.Meta):
        verbose_name = _("job category")
        verbose_name_plural = _("job categories")


class Ethnicity(CodeTable):
    """民族: GB/T 3304."""

    class Meta(CodeTable.Meta):
        verbose_name = _("ethnicity")
        verbose_name_plural = _("ethnicities")


class PoliticalStatus(CodeTable):
    """政治面貌: GB/T 4762."""

    class Meta(CodeTable.Meta):
        verbose_name = _("political status")
        verbose_name_plural = _("political statuses")


class Region(models.Model):
    """GB/T 2260 administrative divisions, down to county level (``cases/data/regions.csv``;
    its source and edition are a ``CodeEdition`` row). A division abolished since keeps its
    row, with ``valid_to``, for what refers to it; the pickers offer the current ones."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)

    # A province with no divisions below it in GB/T 2260's table is itself a place to
    # choose: Taiwan (the table lists none below 710000).
    PLACES = models.Q(level__gte=2) | models.Q(code="710000")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.full_name}"

    @classmethod
    def places(cls):
        """The current divisions a location is chosen among: prefectures and counties."""
        return cls.objects.filter(cls.PLACES, valid_to__isnull=True)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class CodeEdition(models.Model):
    """Where a code table comes from and which edition of it is loaded."""

    table = models.CharField(_("code table"), max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=200)
    edition = models.CharField(_("edition"), max_length=60)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        ordering = ["table"]
        verbose_name = _("code table edition")
        verbose_name_plural = _("code table editions")

    def __str__(self):
        return f"{self.table}: {self.edition}"
