"""How notifications leave the system: e-mail through Django's backend, SMS through a
pluggable transport (``SMS_TRANSPORT``), by default one that only writes to the log.

An SMS gateway adapter subclasses ``SmsTransport`` and raises ``TransportError`` when a
send fails; ``permanent=True`` says that trying again cannot help (a refused number).
Both channels pass on a stable ``reference`` per notification and channel, for gateways
and mail systems that drop duplicates themselves.
"""

import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SmsTransport:
    """The interface of an SMS gateway adapter."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send ``text`` to the mobile number ``to``; return the gateway's message id."""
        raise NotImplementedError


class LoggingSmsTransport(SmsTransport):
    """The default transport: the message goes to the log, nowhere else."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        logger.info("SMS to %s (%s): %s", to[:3] + "****" + to[-4:], reference, text)
        return ""


def sms_transport() -> SmsTransport:
    return import_string(settings.SMS_TRANSPORT)()


def sms_send(*, to: str, text: str, reference: str) -> str:
    signed = f"{settings.SMS_SIGNATURE}{text}" if settings.SMS_SIGNATURE else text
    return sms_transport().send(to=to, text=signed, reference=reference)


def email_send(*, to: str, subject: str, body: str, reference: str) -> str:
    """Send one e-mail; its Message-ID is derived from ``reference``, so it never varies."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message_id = f"<{reference}@{domain}>"
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise TransportError(f"recipient refused: {exc}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    return message_id
