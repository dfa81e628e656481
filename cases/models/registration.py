"""Destination registrations: immutable versions, the draft, change requests, targeted
exceptions and evidence."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import HALF_WIDTH_HELP, CreditCodeField
from core.validators import (
    validate_credit_code,
)

from .codes import DestinationCategory, EmployerNature, Industry, JobCategory, Region
from .graduate import Graduate


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting audit")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("change rejected")
    VOIDED = "voided", _("voided")


class RegistrationVersion(models.Model):
    """One submitted destination. Its content is never changed after it is written;
    only the audit outcome (status, decided_*) is recorded on it once."""

    graduate = models.ForeignKey(
        Graduate, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("graduate")
    )
    number = models.PositiveIntegerField(_("version"))
    category = models.ForeignKey(
        DestinationCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destination category"),
    )
    employer_name = models.CharField(_("单位名称"), max_length=100, blank=True)
    employer_credit_code = CreditCodeField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=HALF_WIDTH_HELP,
    )
    employer_nature = models.ForeignKey(
        EmployerNature,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("单位性质"),
    )
    employer_industry = models.ForeignKey(
        Industry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("单位行业"),
    )
    employer_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("单位所在地"),
    )
    job_category = models.ForeignKey(
        JobCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("工作职位类别"),
    )
    employer_address = models.CharField(_("单位地址"), max_length=200, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    study_institution = models.CharField(_("升学院校"), max_length=100, blank=True)
    foreign_institution = models.CharField(_("留学院校外文名称"), max_length=200, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    source = models.CharField(
        _("source"),
        max_length=12,
        choices=[
            ("self", _("self-registered")),
            ("imported", _("reported by the province")),
            ("synced", _("synced from the provincial system")),
        ],
        default="self",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    is_current = models.BooleanField(_("current"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    # The fields a graduate fills in, in form order; versions are compared over these.
    CONTENT_FIELDS = (
        "category",
        "employer_name",
        "employer_credit_code",
        "employer_nature",
        "employer_industry",
        "employer_region",
        "job_category",
        "employer_address",
        "signed_on",
        "study_institution",
        "foreign_institution",
        "remarks",
    )

    class Meta:
        ordering = ["graduate", "-number"]
        verbose_name = _("registration version")
        verbose_name_plural = _("registration versions")
        constraints = [
            models.UniqueConstraint(
                fields=["graduate", "number"], name="registration_version_unique"
            ),
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(is_current=True), name="registration_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.graduate} v{self.number}"

    def clean(self):
        """Conditional required fields: the category names the fields it requires."""
        if not self.category_id:
            return
        errors = {}
        for name in self.category.required_fields:
            value = (
                getattr(self, f"{name}_id", None)
                if name in self._fk_fields()
                else getattr(self, name)
            )
            if value in (None, ""):
                errors[name] = _("Required for the category “%(category)s”.") % {
                    "category": self.category.name
                }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def _fk_fields(cls) -> set[str]:
        return {f.name for f in cls._meta.fields if f.is_relation}


class RegistrationDraft(models.Model):
    """What the graduate typed and saved without submitting. Kept as typed, unvalidated."""

    graduate = models.OneToOneField(Graduate, on_delete=models.CASCADE, related_name="draft")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"draft of {self.graduate_id}"


def evidence_path(instance, filename):
    """Unguessable storage names, with no trace of the uploaded name or of the graduate."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ChangeRequest(models.Model):
    """A request to change (变更) or void (作废) an approved registration, until 31 August.

    The proposed content is a registration version that becomes current only on approval.
    A late correction is recorded by the university supervisor after the deadline."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("change")
        VOID = "void", _("void")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting audit")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    graduate = models.ForeignKey(
        Graduate,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("graduate"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CHANGE)
    proposed = models.ForeignKey(
        RegistrationVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed version"),
    )
    replaces = models.ForeignKey(
        RegistrationVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version in effect"),
    )
    reason = models.TextField(_("reason for the change"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    is_late = models.BooleanField(_("late correction"), default=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(status="pending"), name="change_one_pending"
            )
        ]
        indexes = [
            models.Index(
                fields=["is_late", "graduate"], condition=Q(is_late=True), name="change_late"
            )
        ]

    def __str__(self):
        return f"{self.graduate} {self.get_kind_display()} {self.requested_at:%Y-%m-%d}"


class TargetedException(models.Model):
    """A targeted graduate allowed a destination their agreement does not name (for example
    after a release agreement), decided by the university's targeted-enrolment reviewer."""

    graduate = models.ForeignKey(
        Graduate, on_delete=models.CASCADE, related_name="targeted_exceptions"
    )
    registration = models.ForeignKey(
        RegistrationVersion, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("targeted-enrolment exception")
        verbose_name_plural = _("targeted-enrolment exceptions")

    def __str__(self):
        return f"{self.graduate} v{self.registration.number}"


class Evidence(models.Model):
    """An uploaded scan (agreement, contract, release agreement): PDF, JPEG or PNG, checked
    by content, stored under an unguessable name, served only inside the case's scope."""

    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="evidence")
    change_request = models.ForeignKey(
        ChangeRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    targeted_exception = models.ForeignKey(
        TargetedException, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name
