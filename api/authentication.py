"""Authentication of machine clients: a bearer key, or an HMAC-signed request.

``Authorization: Bearer <key id>.<key>``, or ``Authorization: HMAC-SHA256 key_id=…,
ts=…, sig=…`` (see ``sync.signing``). The client is ``request.auth``; ``request.user``
stays anonymous, so user endpoints refuse machine clients.
"""

import hmac
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions

from sync import signing

from .models import ApiClient


def _client(key_id: str) -> ApiClient:
    client = ApiClient.objects.select_related("province").filter(key_id=key_id).first()
    if client is None or not client.is_active:
        raise exceptions.AuthenticationFailed(_("Unknown or inactive client."))
    return client


class ClientKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            client = self._bearer(header[len("Bearer ") :].strip())
        elif header.startswith(signing.SCHEME + " "):
            client = self._signed(request, header)
        else:
            return None
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        request._request.api_client = client
        return AnonymousUser(), client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    def _bearer(self, token: str) -> ApiClient:
        key_id, _dot, key = token.partition(".")
        if not key_id.isalnum() or not key:
            raise exceptions.AuthenticationFailed(_("Malformed bearer key."))
        client = _client(key_id)
        if not hmac.compare_digest(client.key, key):
            raise exceptions.AuthenticationFailed(_("Wrong key."))
        return client

    def _signed(self, request, header: str) -> ApiClient:
        parsed = signing.parse(header)
        if parsed is None:
            raise exceptions.AuthenticationFailed(_("Malformed signature header."))
        key_id, timestamp, sig = parsed
        if abs(time.time() - timestamp) > settings.API_SIGNATURE_MAX_AGE:
            raise exceptions.AuthenticationFailed(_("The signature has expired."))
        client = _client(key_id)
        expected = signing.signature(
            key=client.key,
            method=request.method,
            path=request.get_full_path(),
            timestamp=timestamp,
            body=request.body,
        )
        if not hmac.compare_digest(expected, sig):
            raise exceptions.AuthenticationFailed(_("Wrong signature."))
        return client


class IsMachineClient(permissions.BasePermission):
    message = gettext_lazy("This endpoint is for the machine clients of provincial systems.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiClient)


class IsNationalNode(permissions.BasePermission):
    message = gettext_lazy("Only the national node receives provincial data.")

    def has_permission(self, request, view):
        return settings.NODE_ROLE == "national"
