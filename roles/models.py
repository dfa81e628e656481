"""Organisations and people: Province → University → College, and memberships.

This app knows nothing of cases or workflows. Scope rules ("which organisations
may this user see or act on") are built from memberships in ``scope.py``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

province_code_validator = RegexValidator(
    r"^\d{2}0000$", _("A province code has six digits and ends in 0000 (GB/T 2260).")
)
university_code_validator = RegexValidator(
    r"^\d{5}$", _("A university code (学校代码) has exactly five digits.")
)


class Province(models.Model):
    code = models.CharField(
        _("province code"), max_length=6, unique=True, validators=[province_code_validator]
    )
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class University(models.Model):
    code = models.CharField(
        _("university code"), max_length=5, unique=True, validators=[university_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="universities", verbose_name=_("province")
    )
    audit_levels = models.PositiveSmallIntegerField(
        _("audit levels"),
        choices=[(1, _("one level (university)")), (2, _("two levels (college, then university)"))],
        default=1,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("university")
        verbose_name_plural = _("universities")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class College(models.Model):
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="colleges", verbose_name=_("university")
    )
    code = models.CharField(_("college code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["university", "code"]
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        constraints = [
            models.UniqueConstraint(
                fields=["university", "code"], name="college_code_unique_per_university"
            ),
            models.UniqueConstraint(
                fields=["university", "name"], name="college_name_unique_per_university"
            ),
        ]

    def __str__(self):
        return self.name


class VerifierOrganisation(models.Model):
    """A hukou or archive-receiving department that verifies registrations (核验单位)."""

    class Kind(models.TextChoices):
        HUKOU = "hukou", _("household registration (户籍) department")
        ARCHIVE = "archive", _("archive-receiving (档案接收) department")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("verifier organisation")
        verbose_name_plural = _("verifier organisations")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    GRADUATE = "graduate", _("graduate")
    COLLEGE_REVIEWER = "college_reviewer", _("college reviewer")
    UNIVERSITY_REVIEWER = "university_reviewer", _("university reviewer")
    TARGETED_REVIEWER = "targeted_reviewer", _("targeted-enrolment reviewer")
    UNIVERSITY_SUPERVISOR = "university_supervisor", _("university supervisor")
    PROVINCIAL_MONITOR = "provincial_monitor", _("provincial monitor")
    INSPECTOR = "inspector", _("inspector")
    NATIONAL_ADMIN = "national_admin", _("national administrator")
    VERIFIER = "verifier", _("verifier")


# The organisation level each role is tied to.
ROLE_LEVEL = {
    Role.GRADUATE: "university",
    Role.COLLEGE_REVIEWER: "college",
    Role.UNIVERSITY_REVIEWER: "university",
    Role.TARGETED_REVIEWER: "university",
    Role.UNIVERSITY_SUPERVISOR: "university",
    Role.PROVINCIAL_MONITOR: "province",
    Role.INSPECTOR: "province",
    Role.NATIONAL_ADMIN: "nation",
    Role.VERIFIER: "verifier",
}


class Membership(models.Model):
    """A user's role in one organisation. The organisation columns are denormalised
    downwards (a college membership also records its university and province) so that
    scope filters are single indexed comparisons."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    university = models.ForeignKey(
        University,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("university"),
    )
    college = models.ForeignKey(
        College,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("college"),
    )
    verifier_organisation = models.ForeignKey(
        VerifierOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("verifier organisation"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            models.Index(fields=["university", "role"]),
            models.Index(fields=["college", "role"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="membership_org_matches_role",
                condition=(
                    (
                        Q(role__in=["college_reviewer"])
                        & Q(college__isnull=False)
                        & Q(university__isnull=False)
                    )
                    | (
                        Q(
                            role__in=[
                                "graduate",
                                "university_reviewer",
                                "targeted_reviewer",
                                "university_supervisor",
                            ]
                        )
                        & Q(university__isnull=False)
                        & Q(college__isnull=True)
                    )
                    | (
                        Q(role__in=["provincial_monitor", "inspector"])
                        & Q(province__isnull=False)
                        & Q(university__isnull=True)
                    )
                    | (
                        Q(role="national_admin")
                        & Q(province__isnull=True)
                        & Q(university__isnull=True)
                    )
                    | (
                        Q(role="verifier")
                        & Q(verifier_organisation__isnull=False)
                        & Q(university__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        org = self.college or self.university or self.verifier_organisation or self.province
        return str(org) if org else str(_("nationwide"))

    def clean(self):
        # Fill the denormalised parents, then check the role's organisation level.
        if self.college_id:
            self.university = self.college.university
        if self.university_id:
            self.province = self.university.province
        if self.verifier_organisation_id:
            self.province = self.verifier_organisation.province
        ok = {
            "college": bool(self.college_id),
            "university": bool(self.university_id) and not self.college_id,
            "province": bool(self.province_id)
            and not self.university_id
            and not self.verifier_organisation_id,
            "nation": not (self.province_id or self.university_id),
            "verifier": bool(self.verifier_organisation_id) and not self.university_id,
        }[ROLE_LEVEL[self.role]]
        if not ok:
            raise ValidationError(_("This role needs exactly one organisation at its own level."))


class AccountActivation(models.Model):
    """A one-time activation code for an account created without a usable password.

    Only digests are stored: the identity (the graduate's ID number) and the code are
    keyed-hashed, so neither can be read back from the database.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation"
    )
    identity_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account activation")
        verbose_name_plural = _("account activations")

    def __str__(self):
        return f"activation of {self.user_id}"
