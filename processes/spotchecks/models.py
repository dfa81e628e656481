"""Spot checks (核查): a provincial monitor's campaign, its reproducible sample and the check of
each sampled case.

A campaign draws its sample once, from a stored seed, over the approved registrations of its
scope; each sampled case is one ``SpotCheck``. Its inspectors may read those cases, and only
those, while the campaign is open (guardian grants, see ``records``). The check of a case and
the university's resolution of a discrepancy are recorded here; the tasks that ask for them
are the process's (``flow.SpotCheckFlow``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Evidence, Graduate, RegistrationVersion
from roles.models import Province, University


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class SizeMode(models.TextChoices):
        COUNT = "count", _("a number of cases")
        PERCENT = "percent", _("a percentage of the cases")

    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    universities = models.ManyToManyField(
        University,
        blank=True,
        related_name="+",
        verbose_name=_("universities"),
        help_text=_("None: the whole province."),
    )
    size_mode = models.CharField(
        _("sample size as"), max_length=8, choices=SizeMode.choices, default=SizeMode.COUNT
    )
    size_value = models.PositiveIntegerField(_("sample size"))
    oversample_factor = models.PositiveSmallIntegerField(
        _("over-sampling of 12/75/76"),
        default=1,
        help_text=_(
            "How many times as likely a case of 其他录用形式就业 (12), 自主创业 (75) or 自由职业 (76) "
            "is drawn; 1 means no over-sampling."
        ),
    )
    deadline = models.DateField(_("deadline"))
    seed = models.BigIntegerField(_("random seed"))
    population_size = models.PositiveIntegerField(_("cases to draw from"), default=0)
    population_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CampaignInspector",
        related_name="+",
        verbose_name=_("inspectors"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spot-check campaign")
        verbose_name_plural = _("spot-check campaigns")
        indexes = [models.Index(fields=["province", "-created_at"], name="campaign_province")]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def clean(self):
        if self.size_mode == self.SizeMode.PERCENT and not 0 < self.size_value <= 100:
            raise ValidationError({"size_value": _("A percentage is between 1 and 100.")})
        if self.size_value < 1:
            raise ValidationError({"size_value": _("Draw at least one case.")})
        if not 1 <= self.oversample_factor <= 10:
            raise ValidationError({"oversample_factor": _("Between 1 and 10.")})


class CampaignInspector(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("campaign inspector")
        verbose_name_plural = _("campaign inspectors")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="campaign_inspector_once")
        ]
        indexes = [models.Index(fields=["user", "campaign"], name="campaign_inspector_user")]

    def __str__(self):
        return f"{self.campaign_id}: {self.user_id}"


class Outcome(models.TextChoices):
    PENDING = "", _("not checked yet")
    CONSISTENT = "consistent", _("核实一致")
    INCONSISTENT = "inconsistent", _("不一致")
    UNREACHABLE = "unreachable", _("无法联系")
    NOT_CHECKED = "not_checked", _("not checked (campaign closed)")


CHECKED_OUTCOMES = (Outcome.CONSISTENT, Outcome.INCONSISTENT, Outcome.UNREACHABLE)


class Resolution(models.TextChoices):
    PENDING = "", _("awaiting the university")
    CORRECTED = "corrected", _("registration corrected")
    UPHELD = "upheld", _("registration upheld, with explanation")


class SpotCheck(models.Model):
    """One sampled case: what was drawn, what the inspector found, how the university
    resolved a discrepancy."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checks")
    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="spot_checks")
    university = models.ForeignKey(University, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        RegistrationVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registration checked"),
    )
    category_code = models.CharField(_("destination category"), max_length=8)
    flexible = models.BooleanField(default=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    notes = models.TextField(_("notes"), blank=True)
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=Resolution.choices, blank=True, default=""
    )
    resolution_note = models.TextField(_("explanation"), blank=True)
    corrected_version = models.ForeignKey(
        RegistrationVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "university", "graduate"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "graduate"], name="spot_check_once"),
        ]
        indexes = [
            models.Index(
                fields=["graduate"],
                condition=Q(resolution="", outcome="inconsistent"),
                name="spot_check_unresolved",
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.graduate_id} {self.outcome}"
