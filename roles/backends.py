"""Authentication by ID number and one-time activation code, rate-limited by django-axes."""

from django.contrib.auth import get_user_model

from .services import activation_verify, identity_digest


class ActivationCodeBackend:
    """Authenticates (identity, activation_code) credentials for first-time activation.

    It proves who the person is; the activation view then asks for a password and
    only then logs them in. Failures count towards the same lockout as log-ins.
    """

    def authenticate(self, request, identity=None, activation_code=None, **kwargs):
        if not identity or not activation_code:
            return None
        return activation_verify(identity=identity, code=activation_code)

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id).first()


def axes_username(request, credentials):
    """The name a failed attempt is counted under: the username, or a digest of the
    ID number for activation attempts (so no ID number is ever stored in clear)."""
    data = credentials if credentials is not None else getattr(request, "POST", {})
    if data.get("username"):
        return data["username"]
    if data.get("identity"):
        return "id:" + identity_digest(data["identity"])[:24]
    return None
