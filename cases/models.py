"""The domain: graduates, their destination registrations, code tables and the case history.

A graduate is a *case*. Each submission of a destination is a new immutable
``RegistrationVersion``; the one in effect is marked current. Every state change
and every field change is a ``CaseEvent``. This app never imports the engine
(``workflows``): the flows orchestrate the domain, not the other way round.
"""

import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.validators import (
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_phone,
    validate_postcode,
)
from roles.models import College, Province, University

# --- Code tables (data, loaded by migrations, editable in the admin) ----------------------


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
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


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


class Region(models.Model):
    """GB/T 2260 administrative divisions: provinces and prefecture-level units."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.full_name}"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


# --- The case ------------------------------------------------------------------------------


class EducationLevel(models.TextChoices):
    JUNIOR_COLLEGE = "junior_college", _("专科")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士")
    DOCTOR = "doctor", _("博士")
    SECOND_BACHELOR = "second_bachelor", _("第二学士学位")


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
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
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
    targeted_employer_name = models.CharField(_("定向单位"), max_length=100, blank=True)
    targeted_credit_code = models.CharField(
        _("定向单位统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
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
    mobile = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mobile]
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
        if errors:
            raise ValidationError(errors)


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
    employer_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
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


class ArchiveMethod(models.TextChoices):
    CONFIDENTIAL_MAIL = "confidential_mail", _("机要通信")
    EMS = "ems", _("EMS 高校学生档案专用")


class ArchiveDestination(models.TextChoices):
    EMPLOYER = "employer", _("就业单位")
    TALENT_CENTRE = "talent_centre", _("人才服务机构")
    ORIGIN = "origin", _("生源地人社部门")
    SCHOOL = "school", _("升学院校")
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
    archive_postcode = models.CharField(_("邮编"), max_length=6, validators=[validate_postcode])
    archive_contact = models.CharField(_("联系人"), max_length=50)
    archive_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
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
        if errors:
            raise ValidationError(errors)


class CaseEvent(models.Model):
    """The case history: one row per state change and per field change."""

    class Kind(models.TextChoices):
        CREATED = "created", _("case opened")
        UPDATED = "updated", _("graduate data updated")
        DRAFT_SAVED = "draft_saved", _("draft saved")
        SUBMITTED = "submitted", _("registration submitted")
        RESUBMITTED = "resubmitted", _("correction submitted")
        FIELD_CHANGED = "field_changed", _("field changed")
        CLAIMED = "claimed", _("task claimed")
        UNCLAIMED = "unclaimed", _("task released")
        APPROVED = "approved", _("approved")
        PASSED_LEVEL = "passed_level", _("passed first-level audit")
        RETURNED = "returned", _("returned for correction")
        STATUS_CHANGED = "status_changed", _("status changed")
        IMPORTED = "imported", _("destination reported by the province imported")
        CONFIRMATION_OPENED = "confirmation_opened", _("leave-time confirmation opened")
        TRANSFER_SUBMITTED = "transfer_submitted", _("archive and hukou details submitted")
        TRANSFER_APPROVED = "transfer_approved", _("archive and hukou details approved")
        TRANSFER_RETURNED = "transfer_returned", _("archive and hukou details returned")
        CONFIRMED = "confirmed", _("confirmed at leave time")
        SUPERSEDED = "superseded", _("confirmation superseded")
        CONSENT_GRANTED = "consent_granted", _("verification authorised")
        CONSENT_REVOKED = "consent_revoked", _("verification authorisation revoked")
        CHANGE_REQUESTED = "change_requested", _("change requested")
        CHANGE_APPROVED = "change_approved", _("change approved")
        CHANGE_REJECTED = "change_rejected", _("change rejected")
        LATE_CORRECTION = "late_correction", _("late correction (after the deadline)")
        TARGETED_MISMATCH = (
            "targeted_mismatch",
            _("destination does not match the targeted agreement"),
        )
        TARGETED_EXCEPTION = "targeted_exception", _("targeted-enrolment exception approved")
        TARGETED_REFUSED = "targeted_refused", _("targeted-enrolment exception refused")
        EVIDENCE_UPLOADED = "evidence_uploaded", _("evidence uploaded")
        OVERDUE = "overdue", _("task overdue")
        ESCALATED = "escalated", _("escalated to the supervisor")
        REASSIGNED = "reassigned", _("task reassigned")
        REMINDED = "reminded", _("reminder sent")
        SYNCED = "synced", _("synced from the provincial system")
        SAMPLED = "sampled", _("sampled for a spot check")
        SPOT_CHECKED = "spot_checked", _("spot check recorded")
        CHECK_CORRECTED = "check_corrected", _("corrected after a spot check")
        CHECK_UPHELD = "check_upheld", _("registration upheld after a spot check")

    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    field = models.CharField(max_length=40, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["graduate", "at"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def _shown(self, value):
        if self.field == "status" and value in CaseStatus.values:
            return CaseStatus(value).label
        return value

    @property
    def field_label(self) -> str:
        for model in (RegistrationVersion, TransferDetails, Graduate):
            try:
                return str(model._meta.get_field(self.field).verbose_name)
            except FieldDoesNotExist:
                continue
        return self.field

    @property
    def shown_before(self):
        return self._shown(self.before)

    @property
    def shown_after(self):
        return self._shown(self.after)


class CaseAccess(models.Model):
    """A read of a graduate's record by someone other than the graduate."""

    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["graduate", "at"]), models.Index(fields=["user", "at"])]
        verbose_name = _("case access")
        verbose_name_plural = _("case accesses")

    def __str__(self):
        return f"{self.user_id} {self.action} {self.graduate_id}"


# --- Statistics kept incrementally ---------------------------------------------------------


class TallyFigures(models.Model):
    """The dimensions every count row carries below its organisation, and the counts.

    A row counts the graduates whose case is in this state: their cohort, province and
    education level, the case status, the category of their current registration (whatever
    its audit state; figures count the approved ones), whether they confirmed at leave time,
    and their targeted-enrolment standing. ``late_corrections`` adds up their late
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


# The categories the employment count leaves out: 总数 − (70 + 71 + 72).
NOT_EMPLOYED_CODES = ("70", "71", "72")


class UniversitySummary(models.Model):
    """One row per university and cohort with the counts a province's dashboard shows for
    it: what its row in the table and the charts need, so that a province reads one row per
    university whatever the number and mix of its graduates. Kept in the same transaction as
    the ``CaseTally`` rows it sums (``cases.tallies.tally_apply``); the counts follow the
    definitions of ``reporting.figures.Figures`` (classes, flexible and 70/71/72 of the
    approved registrations, confirmations and targeted standing of all)."""

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


# --- Direct-FK object permissions (guardian) -----------------------------------------------


class GraduateUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Graduate, on_delete=models.CASCADE)


class GraduateGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Graduate, on_delete=models.CASCADE)
