"""The case history (every state and field change) and the log of third-party reads."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .graduate import CaseStatus, Graduate
from .registration import RegistrationVersion
from .transfer import TransferDetails


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
