"""The case: a graduate of one university's cohort, and the cohort's dates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.fields import HALF_WIDTH_HELP, CreditCodeField, IdNumberField, NormalisedCharField
from core.validators import (
    validate_credit_code,
    validate_document,
    validate_mobile,
)
from roles.models import College, Province, University

from .codes import Region


class EducationLevel(models.TextChoices):
    JUNIOR_COLLEGE = "junior_college", _("专科")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士")
    DOCTOR = "doctor", _("博士")
    SECOND_BACHELOR = "second_bachelor", _("第二学士学位")


class IdDocument(models.TextChoices):
    """The identity document a graduate is registered by (its number in ``id_number``)."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    HMT_PERMIT = "hmt_permit", _("港澳台居民居住证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")


class OriginKind(models.TextChoices):
    """城乡生源."""

    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class StudyForm(models.TextChoices):
    """学习形式."""

    FULL_TIME = "full_time", _("全日制")
    PART_TIME = "part_time", _("非全日制")


class TrainingMode(models.TextChoices):
    NON_TARGETED = "non_targeted", _("非定向")
    TARGETED = "targeted", _("定向")
    COMMISSIONED = "commissioned", _("委培")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class CaseStatus(models.TextChoices):
    UNREGISTERED = "unregistered", _("not registered")
    PENDING_AUDIT = "pending_audit", _("awaiting audit")
    RETURNED = "returned", _("returned for correction")
    APPROVED = "approved", _("approved")


class TargetedCompliance(models.TextChoices):
    """How a targeted (定向/委培) graduate's registration stands against the agreement."""

    NOT_APPLICABLE = "", _("not targeted")
    UNREGISTERED = "unregistered", _("not registered")
    MATCHING = "matching", _("matches the agreement")
    MISMATCH = "mismatch", _("does not match (being checked)")
    EXCEPTION = "exception", _("approved exception")


class Cohort(models.Model):
    """A university's graduating year: its leave-time confirmation window and the date
    after which registered destinations can no longer be changed (31 August)."""

    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("university")
    )
    year = models.PositiveSmallIntegerField(_("cohort (graduation year)"))
    leave_opens_on = models.DateField(_("leave-time confirmation opens"), null=True, blank=True)
    leave_closes_on = models.DateField(_("leave-time confirmation closes"), null=True, blank=True)
    changes_close_on = models.DateField(_("changes close"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [models.UniqueConstraint(fields=["university", "year"], name="cohort_unique")]

    def __str__(self):
        return f"{self.university} {self.year}"

    def clean(self):
        if (
            self.leave_opens_on
            and self.leave_closes_on
            and self.leave_closes_on < self.leave_opens_on
        ):
            raise ValidationError(
                {"leave_closes_on": _("The window cannot close before it opens.")}
            )

    def leave_window_open(self, day) -> bool:
        return (
            bool(self.leave_opens_on)
            and self.leave_opens_on <= day
            and (self.leave_closes_on is None or day <= self.leave_closes_on)
        )


class Graduate(models.Model):
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="graduates", verbose_name=_("university")
    )
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, related_name="graduates", verbose_name=_("college")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="graduates", verbose_name=_("province")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort (graduation year)"))
    student_no = models.CharField(_("student number"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    id_type = models.CharField(
        _("identity document"),
        max_length=12,
        choices=IdDocument.choices,
        default=IdDocument.RESIDENT_ID,
        db_default=IdDocument.RESIDENT_ID,  # for bulk writers that name no such column
    )
    # checked against its document type in ``clean`` (``core.validators.validate_document``)
    id_number = IdNumberField(_("ID number"), max_length=20, help_text=HALF_WIDTH_HELP)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices
    )
    major_code = models.CharField(_("major code"), max_length=16, blank=True)
    major_name = models.CharField(_("major"), max_length=100)
    origin_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place of origin (生源地)"),
    )
    enrolled_on = models.DateField(_("enrolment month"), null=True, blank=True)
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)
    training_mode = models.CharField(
        _("training mode"),
        max_length=16,
        choices=TrainingMode.choices,
        default=TrainingMode.NON_TARGETED,
    )
    is_incomplete = models.BooleanField(_("结业生"), default=False)
    # The national roster's other fields (all optional: a roster may not carry them).
    ethnicity = models.ForeignKey(
        "Ethnicity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("民族"),
    )
    political_status = models.ForeignKey(
        "PoliticalStatus",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("政治面貌"),
    )
    origin_kind = models.CharField(
        _("城乡生源"),
        max_length=8,
        choices=OriginKind.choices,
        blank=True,
        default="",
        db_default="",
    )
    major_direction = models.CharField(
        _("专业方向"), max_length=100, blank=True, default="", db_default=""
    )
    study_form = models.CharField(
        _("学习形式"),
        max_length=12,
        choices=StudyForm.choices,
        default=StudyForm.FULL_TIME,
        db_default=StudyForm.FULL_TIME,
    )
    schooling_years = models.DecimalField(
        _("学制（年）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    commissioning_employer = models.CharField(
        _("委培单位"), max_length=100, blank=True, default="", db_default=""
    )
    exam_no = models.CharField(_("考生号"), max_length=20, blank=True, default="", db_default="")
    targeted_employer_name = models.CharField(_("定向单位"), max_length=100, blank=True)
    targeted_credit_code = CreditCodeField(
        _("定向单位统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=HALF_WIDTH_HELP,
    )
    targeted_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("定向地区"),
    )
    agreement_no = models.CharField(_("协议编号"), max_length=50, blank=True)
    mobile = NormalisedCharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[validate_mobile],
        help_text=HALF_WIDTH_HELP,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="graduate",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.UNREGISTERED
    )
    confirmed_at = models.DateTimeField(_("confirmed at leave time"), null=True, blank=True)
    targeted_compliance = models.CharField(
        _("targeted compliance"),
        max_length=16,
        choices=TargetedCompliance.choices,
        blank=True,
        default="",
    )
    current_registration = models.ForeignKey(
        "RegistrationVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current registration"),
    )
    # On the national node: the province code of the provincial system this case is synced
    # from (blank for a case registered here), and whether a change is pending there.
    # Database defaults too, so that rows written by SQL (bulk loads) are native cases.
    source_node = models.CharField(
        _("synced from (provincial system)"), max_length=6, blank=True, db_default=""
    )
    remote_change_pending = models.BooleanField(
        _("change pending in the provincial system"), db_default=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("graduate")
        verbose_name_plural = _("graduates")
        constraints = [
            models.UniqueConstraint(
                fields=["university", "cohort", "student_no"], name="graduate_unique_student_no"
            ),
        ]
        indexes = [
            models.Index(fields=["university", "cohort", "status"]),
            models.Index(fields=["college", "cohort", "status"]),
            models.Index(fields=["province", "cohort", "status"]),
            models.Index(fields=["id_number"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.student_no}）"

    @property
    def is_synced(self) -> bool:
        """A case held by the national node for a provincial system, changed only there."""
        return bool(self.source_node)

    @property
    def is_targeted(self) -> bool:
        return self.training_mode != TrainingMode.NON_TARGETED

    def clean(self):
        errors = {}
        if (
            self.college_id
            and self.university_id
            and self.college.university_id != self.university_id
        ):
            errors["college"] = _("This college does not belong to the graduate's university.")
        if self.is_targeted and not self.agreement_no:
            errors["agreement_no"] = _(
                "A targeted or commissioned graduate needs the agreement number."
            )
        if self.is_targeted and not (self.targeted_credit_code or self.targeted_region_id):
            errors["targeted_employer_name"] = _(
                "A targeted agreement names an employer (credit code) or a region."
            )
        if self.id_number:
            try:
                validate_document(self.id_type, self.id_number, cohort=self.cohort or None)
            except ValidationError as exc:
                errors.setdefault("id_number", exc.messages[0])
        if errors:
            raise ValidationError(errors)


# --- Direct-FK object permissions (guardian) -----------------------------------------------


class GraduateUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Graduate, on_delete=models.CASCADE)


class GraduateGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Graduate, on_delete=models.CASCADE)
