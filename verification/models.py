"""Leave-time confirmations, their numbers and QR token, the graduate's consent to
verification, and the log of every third-party lookup (核验)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Graduate, RegistrationVersion, TransferDetails
from roles.models import VerifierOrganisation


class ConfirmationStatus(models.TextChoices):
    VALID = "valid", _("valid")
    SUPERSEDED = "superseded", _("superseded")


class Confirmation(models.Model):
    """What the graduate confirmed at leave time, and the numbers issued for it.

    A later change supersedes it: its numbers then verify as superseded, never valid."""

    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="confirmations")
    registration = models.ForeignKey(
        RegistrationVersion, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(TransferDetails, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    transfer_no = models.CharField(_("转递编号"), max_length=18, unique=True)
    verification_no = models.CharField(_("核验编号"), max_length=24, unique=True)
    qr_token = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConfirmationStatus.choices,
        default=ConfirmationStatus.VALID,
    )
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(is_current=True), name="confirmation_one_current"
            )
        ]

    def __str__(self):
        return f"{self.graduate} {self.transfer_no}"

    @property
    def is_valid(self) -> bool:
        return self.status == ConfirmationStatus.VALID


class VerificationConsent(models.Model):
    """The graduate's authorisation for departments to verify their registration (核验授权)."""

    graduate = models.OneToOneField(
        Graduate, on_delete=models.CASCADE, related_name="verification_consent"
    )
    granted = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verification consent")
        verbose_name_plural = _("verification consents")

    def __str__(self):
        return f"{self.graduate_id}: {self.granted}"


class LookupResult(models.TextChoices):
    VALID = "valid", _("valid")
    SUPERSEDED = "superseded", _("superseded")
    NOT_AUTHORISED = "not_authorised", _("not authorised")
    NO_MATCH = "no_match", _("no match")
    RATE_LIMITED = "rate_limited", _("rate limited")
    LOCKED = "locked", _("account locked")


class LookupChannel(models.TextChoices):
    TRANSFER_NO = "transfer_no", _("name + 转递编号")
    VERIFICATION_NO = "verification_no", _("name + 核验编号")
    QR = "qr", _("QR code")


class Lookup(models.Model):
    """One verification request: who, which organisation, when, what was asked, the answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        VerifierOrganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=20, choices=LookupChannel.choices)
    asked_name = models.CharField(max_length=50, blank=True)
    asked_number = models.CharField(max_length=40, blank=True)
    result = models.CharField(max_length=20, choices=LookupResult.choices)
    confirmation = models.ForeignKey(
        Confirmation, null=True, blank=True, on_delete=models.SET_NULL, related_name="lookups"
    )
    graduate = models.ForeignKey(
        Graduate, null=True, blank=True, on_delete=models.CASCADE, related_name="lookups"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification lookup")
        verbose_name_plural = _("verification lookups")
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["graduate", "at"]),
            models.Index(fields=["ip", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.result}"


class VerifierLock(models.Model):
    """A verifier account locked after repeated failed lookups."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifier_locks"
    )
    locked_at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()
    failures = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("verifier lock")
        verbose_name_plural = _("verifier locks")
        indexes = [models.Index(fields=["user", "until"])]

    def __str__(self):
        return f"{self.user_id} until {self.until:%Y-%m-%d %H:%M}"
