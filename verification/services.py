"""Issuing and superseding confirmations, the graduate's consent, and verification lookups.

A lookup answers only what a hukou or archive department needs, only when the
graduate has authorised it, and the same way for a wrong name as for a wrong
number. Every lookup is logged; repeated failures lock the verifier's account.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.hook import changes_case
from cases.models import CaseEvent, Graduate, RegistrationStatus
from notifications.services import notify_event
from roles.models import Role
from roles.org_scope import scope_for_user

from . import notifications as kinds
from . import numbers
from .models import (
    Confirmation,
    ConfirmationStatus,
    Lookup,
    LookupChannel,
    LookupResult,
    VerificationConsent,
    VerifierLock,
)

QR_SALT = "verification.qr"


class ConfirmationNotPossible(Exception):
    """Something is still pending; the message says what."""


# --- Issuing --------------------------------------------------------------------------------


def _unique(model_field: str, make) -> str:
    for _attempt in range(20):
        value = make()
        if not Confirmation.objects.filter(**{model_field: value}).exists():
            return value
    raise RuntimeError(f"could not draw a unique {model_field}")  # pragma: no cover: 2^-51 per draw


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def confirmation_issue(*, graduate: Graduate, actor, consent: bool) -> Confirmation:
    """Record the graduate's leave-time confirmation and issue its numbers and QR token.

    Needs an approved current registration and approved current archive/hukou details, and
    no change pending in the provincial system the case is synced from.
    Also records the consent given with it. Side effects: ``graduate.confirmed_at``, a
    ``confirmed`` case event.
    """
    registration = graduate.current_registration
    transfer = graduate.transfers.filter(
        is_current=True, status=RegistrationStatus.APPROVED
    ).first()
    if graduate.remote_change_pending:
        raise ConfirmationNotPossible(
            _(
                "A change is pending in the provincial system; you can confirm once it has "
                "arrived here."
            )
        )
    if registration is None or registration.status != RegistrationStatus.APPROVED:
        raise ConfirmationNotPossible(_("Your destination registration is not approved yet."))
    if transfer is None:
        raise ConfirmationNotPossible(
            _("Your archive and hukou details have not been approved yet.")
        )
    if Confirmation.objects.filter(
        graduate=graduate, is_current=True, status=ConfirmationStatus.VALID
    ).exists():
        raise ConfirmationNotPossible(_("You have already confirmed."))
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                confirmation = Confirmation.objects.create(
                    graduate=graduate,
                    registration=registration,
                    transfer=transfer,
                    confirmed_at=now,
                    transfer_no=_unique(
                        "transfer_no",
                        lambda: numbers.new_transfer_no(
                            year=graduate.cohort, university_code=graduate.university.code
                        ),
                    ),
                    verification_no=_unique("verification_no", numbers.new_verification_no),
                    qr_token=secrets.token_hex(16),
                )
            break
        except IntegrityError:  # a concurrent confirmation drew the same number
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not issue unique numbers")
    _confirmed_at_set(
        graduate, now, now, actor, CaseEvent.Kind.CONFIRMED, note=confirmation.transfer_no
    )
    consent_set(graduate=graduate, granted=consent, actor=actor)
    return confirmation


def _confirmed_at_set(graduate, confirmed_at, at, actor, kind, *, note, before=None) -> None:
    """The case counts as confirmed from ``confirmed_at`` (None: no longer); its history
    says so at ``at``."""
    graduate.confirmed_at = confirmed_at
    graduate.save(update_fields=["confirmed_at"])
    CaseEvent.objects.create(
        graduate=graduate, at=at, actor=actor, kind=kind, before=before, note=note
    )


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def confirmation_supersede(*, graduate: Graduate, actor, reason: str) -> Confirmation | None:
    """A change after confirmation: the issued numbers stop being valid (they verify as
    superseded) and the graduate must confirm again. Returns the superseded confirmation."""
    confirmation = (
        Confirmation.objects.select_for_update().filter(graduate=graduate, is_current=True).first()
    )
    if confirmation is None:
        return None
    now = timezone.now()
    confirmation.status, confirmation.is_current = ConfirmationStatus.SUPERSEDED, False
    confirmation.superseded_at, confirmation.superseded_reason = now, reason[:200]
    confirmation.save(update_fields=["status", "is_current", "superseded_at", "superseded_reason"])
    superseded = CaseEvent.Kind.SUPERSEDED
    _confirmed_at_set(
        graduate, None, now, actor, superseded, before=confirmation.transfer_no, note=reason
    )
    return confirmation


@transaction.atomic
def consent_set(*, graduate: Graduate, granted: bool, actor) -> VerificationConsent:
    """Grant or revoke the authorisation to verify; each change is in the case history."""
    consent, created = VerificationConsent.objects.select_for_update().get_or_create(
        graduate=graduate
    )
    if created or consent.granted != granted:
        consent.granted, consent.changed_at = granted, timezone.now()
        consent.save(update_fields=["granted", "changed_at"])
        kind = CaseEvent.Kind.CONSENT_GRANTED if granted else CaseEvent.Kind.CONSENT_REVOKED
        CaseEvent.objects.create(graduate=graduate, at=consent.changed_at, actor=actor, kind=kind)
    return consent


def qr_signed_token(confirmation: Confirmation) -> str:
    return signing.Signer(salt=QR_SALT).sign(confirmation.qr_token)


def qr_url(confirmation: Confirmation) -> str:
    return settings.SITE_URL + reverse("verification:qr", args=[qr_signed_token(confirmation)])


# --- Lookups -----------------------------------------------------------------------------------


@dataclass
class Answer:
    result: str
    confirmation: Confirmation | None = None

    @property
    def shows_record(self) -> bool:
        return self.result == LookupResult.VALID


def _verifier_org(user):
    for membership in scope_for_user(user).memberships:
        if membership.role == Role.VERIFIER:
            return membership.verifier_organisation
    return None


def verifier_locked(user) -> bool:
    return VerifierLock.objects.filter(user=user, until__gt=timezone.now()).exists()


def _log(*, user, channel, name, number, result, confirmation=None, ip=None) -> Lookup:
    return Lookup.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        organisation=_verifier_org(user) if user is not None and user.is_authenticated else None,
        channel=channel,
        asked_name=(name or "")[:50],
        asked_number=(number or "")[:40],
        result=result,
        confirmation=confirmation,
        graduate=confirmation.graduate if confirmation else None,
        ip=ip,
    )


def _maybe_lock(user) -> None:
    """Lock the account after too many failures within the window; the lock is logged."""
    window = timezone.now() - timedelta(minutes=settings.VERIFY_FAILURE_WINDOW_MINUTES)
    failures = Lookup.objects.filter(
        user=user, at__gte=window, result=LookupResult.NO_MATCH
    ).count()
    if failures >= settings.VERIFY_FAILURE_LIMIT and not verifier_locked(user):
        VerifierLock.objects.create(
            user=user,
            until=timezone.now() + timedelta(minutes=settings.VERIFY_LOCK_MINUTES),
            failures=failures,
        )


# What an answer shows, read with the confirmation in one query.
ANSWER_RELATED = (
    "graduate__verification_consent",
    "graduate__university",
    "registration__category",
    "registration__employer_region",
    "transfer",
)


def _answer_for(confirmation: Confirmation | None, name: str) -> tuple[str, Confirmation | None]:
    if confirmation is None or confirmation.graduate.name != name:
        return LookupResult.NO_MATCH, None
    try:
        granted = confirmation.graduate.verification_consent.granted
    except VerificationConsent.DoesNotExist:
        granted = False
    if not granted:
        return LookupResult.NOT_AUTHORISED, confirmation
    if confirmation.status == ConfirmationStatus.SUPERSEDED:
        return LookupResult.SUPERSEDED, confirmation
    return LookupResult.VALID, confirmation


@transaction.atomic
def lookup(*, user, name: str, number: str, ip: str | None = None) -> Answer:
    """Verify a registration by name + 转递编号 or name + 核验编号.

    A wrong name and a wrong number give the same answer (no match). A locked account is
    answered ``locked`` without looking anything up.
    """
    name = (name or "").strip().replace(" ", "")
    kind = numbers.kind_of(number)
    channel = LookupChannel.TRANSFER_NO if kind == "transfer_no" else LookupChannel.VERIFICATION_NO
    if verifier_locked(user):
        _log(
            user=user, channel=channel, name=name, number=number, result=LookupResult.LOCKED, ip=ip
        )
        return Answer(LookupResult.LOCKED)
    confirmation = None
    if kind == "transfer_no":
        confirmation = _confirmation(transfer_no=numbers.transfer_no_text(number))
    elif kind == "verification_no":
        confirmation = _confirmation(verification_no=numbers.normalise(number))
    return _conclude(
        user=user, channel=channel, name=name, number=number, confirmation=confirmation, ip=ip
    )


def confirmation_for_qr(signed: str) -> Confirmation | None:
    try:
        token = signing.Signer(salt=QR_SALT).unsign(signed)
    except signing.BadSignature:
        return None
    return _confirmation(qr_token=token)


def _confirmation(**unique) -> Confirmation | None:
    """The confirmation with this number or token (each is unique), with what an answer
    shows; ``get`` rather than ``first``: no ordering to compile or to run."""
    try:
        return Confirmation.objects.select_related(*ANSWER_RELATED).get(**unique)
    except Confirmation.DoesNotExist:
        return None


@transaction.atomic
def lookup_qr(*, user, signed: str, ip: str | None = None) -> Answer:
    """A verifier opened the QR URL: answered like a lookup by number, without the name."""
    if verifier_locked(user):
        _log(
            user=user,
            channel=LookupChannel.QR,
            name="",
            number="",
            result=LookupResult.LOCKED,
            ip=ip,
        )
        return Answer(LookupResult.LOCKED)
    confirmation = confirmation_for_qr(signed)
    name = confirmation.graduate.name if confirmation else ""
    return _conclude(
        user=user,
        channel=LookupChannel.QR,
        name=name,
        number=signed[:40],
        confirmation=confirmation,
        ip=ip,
        asked_name="",
    )


def _conclude(*, user, channel, name, number, confirmation, ip, asked_name=None) -> Answer:
    """Answer, log, and then lock the account after repeated failures or tell the graduate."""
    result, confirmation = _answer_for(confirmation, name)
    lookup = _log(
        user=user,
        channel=channel,
        name=name if asked_name is None else asked_name,
        number=number,
        result=result,
        confirmation=confirmation if result != LookupResult.NO_MATCH else None,
        ip=ip,
    )
    if result == LookupResult.NO_MATCH:
        _maybe_lock(user)
    else:
        _tell_graduate(lookup)
    return Answer(
        result, confirmation if result in (LookupResult.VALID, LookupResult.SUPERSEDED) else None
    )


@transaction.atomic
def lookup_malformed(*, user, name: str, number: str, ip: str | None) -> None:
    """A number that is neither a 转递编号 nor a 核验编号 (its check character wrong, say):
    logged as a lookup that matched nothing, and counted towards the account's lock like
    one, so that guessing by format is no cheaper than guessing by value."""
    _log(
        user=user,
        channel=LookupChannel.VERIFICATION_NO,
        name=(name or "").strip(),
        number=number,
        result=LookupResult.NO_MATCH,
        ip=ip,
    )
    _maybe_lock(user)


def lookup_refused(*, user, channel: str, name: str, number: str, ip: str | None) -> Answer:
    """A lookup refused by the rate limit, logged like any other."""
    _log(
        user=user,
        channel=channel,
        name=name,
        number=number,
        result=LookupResult.RATE_LIMITED,
        ip=ip,
    )
    return Answer(LookupResult.RATE_LIMITED)


def _tell_graduate(lookup: Lookup) -> None:
    """The graduate is told of every lookup that reached their record."""
    graduate = lookup.graduate
    if graduate is not None and graduate.user_id:
        notify_event(
            user_ids=[graduate.user_id],
            kind=kinds.RECORD_VERIFIED,
            context={
                "verifier": str(lookup.organisation or _("a verifier")),
                "result": str(LookupResult(lookup.result).label),
            },
            dedupe_key=f"verified:{lookup.pk}",
            url=f"/cases/{graduate.pk}/",
        )
