"""Archive transfer and hukou migration details (档案转递, 户口迁移), versioned and audited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import HALF_WIDTH_HELP, NormalisedCharField
from core.validators import (
    validate_phone,
    validate_postcode,
)

from .codes import DestinationClass
from .graduate import Graduate
from .registration import RegistrationStatus


class ArchiveMethod(models.TextChoices):
    CONFIDENTIAL_MAIL = "confidential_mail", _("机要通信")
    EMS = "ems", _("EMS 高校学生档案专用")


class ArchiveDestination(models.TextChoices):
    EMPLOYER = "employer", _("就业单位")
    TALENT_CENTRE = "talent_centre", _("人才服务机构")
    ORIGIN = "origin", _("生源地人才服务机构（人社部门）")
    SCHOOL = "school", _("升学院校")
    KEPT = "kept", _("保留在学校（暂缓转递）")
    OTHER = "other", _("其他")


class HukouMigration(models.TextChoices):
    TO_EMPLOYER = "to_employer", _("迁往就业地")
    TO_ORIGIN = "to_origin", _("迁回生源地")
    TO_SCHOOL = "to_school", _("迁往升学院校")
    OTHER = "other", _("其他")


class TransferDetails(models.Model):
    """Archive transfer (档案转递) and hukou migration (户口迁移) at leave time.

    Like a registration, each submission is an immutable version audited by the
    university; the approved one in effect is marked current."""

    graduate = models.ForeignKey(
        Graduate, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("graduate")
    )
    number = models.PositiveIntegerField(_("version"))
    archive_destination = models.CharField(
        _("档案转寄类型"), max_length=20, choices=ArchiveDestination.choices
    )
    archive_unit = models.CharField(_("档案转寄单位"), max_length=100)
    archive_address = models.CharField(_("档案转寄地址"), max_length=200)
    archive_postcode = NormalisedCharField(
        _("邮编"), max_length=6, validators=[validate_postcode], help_text=HALF_WIDTH_HELP
    )
    archive_contact = models.CharField(_("联系人"), max_length=50)
    archive_phone = NormalisedCharField(
        _("联系电话"), max_length=30, validators=[validate_phone], help_text=HALF_WIDTH_HELP
    )
    archive_method = models.CharField(_("转递方式"), max_length=20, choices=ArchiveMethod.choices)
    hukou_migrate = models.BooleanField(_("是否迁移户口"), default=False)
    hukou_type = models.CharField(
        _("户口迁移类型"), max_length=20, choices=HukouMigration.choices, blank=True
    )
    hukou_address = models.CharField(_("户口迁移地址"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    is_current = models.BooleanField(_("current"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    CONTENT_FIELDS = (
        "archive_destination",
        "archive_unit",
        "archive_address",
        "archive_postcode",
        "archive_contact",
        "archive_phone",
        "archive_method",
        "hukou_migrate",
        "hukou_type",
        "hukou_address",
    )

    class Meta:
        ordering = ["graduate", "-number"]
        verbose_name = _("archive and hukou details")
        verbose_name_plural = _("archive and hukou details")
        constraints = [
            models.UniqueConstraint(fields=["graduate", "number"], name="transfer_version_unique"),
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(is_current=True), name="transfer_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.graduate} transfer v{self.number}"

    def clean(self):
        errors = {}
        if self.hukou_migrate:
            if not self.hukou_type:
                errors["hukou_type"] = _("Required when the hukou is migrated.")
            if not self.hukou_address:
                errors["hukou_address"] = _("Required when the hukou is migrated.")
        registration = self.graduate.current_registration if self.graduate_id else None
        if registration is not None and registration.category_id:
            errors.update(transfer_disagreements(self, registration.category))
        if errors:
            raise ValidationError(errors)


# What ``transfer_disagreements`` says, by the rule that is broken.
_NO_EMPLOYER_ARCHIVE = _(
    "The destination is “%(name)s”: there is no employer to send the archive to. Choose the 生源地 talent centre, a talent service agency, or keep it at the school."
)
_NO_SCHOOL_ARCHIVE = _(
    "The destination is “%(name)s”, not domestic further study: the archive cannot go to an admitting institution."
)
_SCHOOL_ARCHIVE = _("The destination is “%(name)s”: the archive goes to the admitting institution.")
_NO_EMPLOYER_HUKOU = _(
    "The destination is “%(name)s”: the hukou cannot move to an employer's location."
)
_NO_SCHOOL_HUKOU = _(
    "The destination is “%(name)s”, not domestic further study: the hukou cannot move to an admitting institution."
)


def transfer_disagreements(details: TransferDetails, category) -> dict[str, str]:
    """Where archive and hukou details disagree with the destination (the rules of
    ``docs/domain.md``): no employer to send to without a job, no school without domestic
    升学, and a domestic 升学 sends the archive to the admitting institution."""
    employed = category.destination_class == DestinationClass.EMPLOYED
    studying = "study_institution" in (category.required_fields or [])
    archive = details.archive_destination
    hukou = details.hukou_type if details.hukou_migrate else ""
    rules = (  # the first broken rule of a field is the one it says
        ("archive_destination", studying and archive != ArchiveDestination.SCHOOL, _SCHOOL_ARCHIVE),
        (
            "archive_destination",
            not employed and archive == ArchiveDestination.EMPLOYER,
            _NO_EMPLOYER_ARCHIVE,
        ),
        (
            "archive_destination",
            not studying and archive == ArchiveDestination.SCHOOL,
            _NO_SCHOOL_ARCHIVE,
        ),
        ("hukou_type", not employed and hukou == HukouMigration.TO_EMPLOYER, _NO_EMPLOYER_HUKOU),
        ("hukou_type", not studying and hukou == HukouMigration.TO_SCHOOL, _NO_SCHOOL_HUKOU),
    )
    errors: dict[str, str] = {}
    for field, broken, message in rules:
        if broken:
            errors.setdefault(field, message % {"name": category.name})
    return errors
