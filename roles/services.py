"""Writes for organisations, memberships and account activation."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.bulk import insert_objects, insert_rows

from .models import AccountActivation, Membership

# Crockford base32: no I, L, O or U, so a code read aloud or typed is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits; guessing is bounded by the log-in rate limit


def normalise_identity(identity: str) -> str:
    return (identity or "").strip().upper()


def normalise_code(code: str) -> str:
    cleaned = (code or "").strip().upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"roles.activation.{kind}", value, algorithm="sha256").hexdigest()


def identity_digest(identity: str) -> str:
    return _digest("identity", normalise_identity(identity))


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def user_create_without_password(*, username: str, full_name: str = "", email: str = ""):
    """A user who cannot log in until activated (no default passwords exist)."""
    user = get_user_model()(username=username, first_name=full_name[:150], email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def membership_create(
    *, user, role: str, province=None, university=None, college=None, verifier_organisation=None
) -> Membership:
    membership = Membership(
        user=user,
        role=role,
        province=province,
        university=university,
        college=college,
        verifier_organisation=verifier_organisation,
    )
    membership.full_clean()
    membership.save()
    return membership


def memberships_create_bulk(*, user_ids: list[int], role: str, university, at) -> None:
    """A membership of ``role`` at ``university`` for each user (roster imports)."""
    insert_rows(
        Membership,
        ["user_id", "role", "university_id", "province_id", "created_at"],
        [(user_id, role, university.pk, university.province_id, at) for user_id in user_ids],
    )


def users_create_without_password_bulk(*, accounts: list[tuple[str, str]]) -> list:
    """Users from (username, full name) pairs, none able to log in until activated.

    Their passwords are unusable: what ``make_password(None)`` makes (the "!" prefix and
    random characters), from one call to the system's random source instead of forty."""
    user_model = get_user_model()
    users = [
        user_model(
            username=username,
            first_name=full_name[:150],
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for username, full_name in accounts
    ]
    return insert_objects(users)


@transaction.atomic
def activation_codes_issue(*, accounts: list[tuple[int, str]]) -> dict[int, str]:
    """Issue a fresh one-time code for each (user id, identity) pair not yet activated.

    Any earlier code of those users stops working. Returns user id -> plain code;
    the plain codes exist only in the return value.
    """
    now = timezone.now()
    user_ids = [user_id for user_id, _ in accounts]
    existing = {a.user_id: a for a in AccountActivation.objects.filter(user_id__in=user_ids)}
    codes: dict[int, str] = {}
    to_create, to_update = [], []
    for user_id, identity in accounts:
        record = existing.get(user_id)
        if record is not None and record.activated_at is not None:
            continue
        code = _new_code()
        codes[user_id] = code
        if record is None:
            to_create.append(
                AccountActivation(
                    user_id=user_id,
                    identity_digest=identity_digest(identity),
                    code_digest=_digest("code", normalise_code(code)),
                    issued_at=now,
                )
            )
        else:
            record.identity_digest = identity_digest(identity)
            record.code_digest = _digest("code", normalise_code(code))
            record.issued_at = now
            to_update.append(record)
    AccountActivation.objects.bulk_create(to_create, batch_size=2000)
    AccountActivation.objects.bulk_update(
        to_update, ["identity_digest", "code_digest", "issued_at"], batch_size=2000
    )
    return codes


def activation_verify(*, identity: str, code: str):
    """The user whose pending activation matches identity and code, or None."""
    wanted = _digest("code", normalise_code(code))
    candidates = (
        AccountActivation.objects.filter(
            identity_digest=identity_digest(identity), activated_at__isnull=True
        )
        .exclude(code_digest="")
        .select_related("user")
    )
    for record in candidates:
        if constant_time_compare(record.code_digest, wanted):
            return record.user
    return None


@transaction.atomic
def activation_complete(*, user, password: str) -> None:
    """Set the first password and spend the activation code."""
    record = AccountActivation.objects.select_for_update().get(user=user, activated_at__isnull=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    record.activated_at = timezone.now()
    record.code_digest = ""
    record.save(update_fields=["activated_at", "code_digest"])
