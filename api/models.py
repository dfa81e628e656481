"""Machine clients of the API (one per provincial system) and the log of every API call."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roles.models import Province


def _new_key_id() -> str:
    return secrets.token_hex(8)


def _new_salt() -> str:
    return secrets.token_hex(16)


class ApiClient(models.Model):
    """A provincial system writing its province's cases to the national node.

    Its key is never stored: it is derived from ``SECRET_KEY``, the public key id and a
    random salt, so the database alone reveals nothing that signs a request. A new salt
    (``rotate``) revokes the old key.
    """

    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    key_id = models.CharField(_("key id"), max_length=16, unique=True, default=_new_key_id)
    salt = models.CharField(max_length=32, default=_new_salt, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return f"{self.name} ({self.province.code})"

    @property
    def key(self) -> str:
        message = f"api-client:{self.key_id}:{self.salt}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()

    def rotate(self) -> None:
        self.salt = _new_salt()


class ApiCall(models.Model):
    """One request to ``/api/``: who (a client or a user), what, the answer, how long."""

    at = models.DateTimeField(default=timezone.now)
    client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"
