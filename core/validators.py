"""Validators for the identifiers the registration carries.

Each raises ``ValidationError`` with a message (translated to Chinese) naming what is wrong.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits: provinces of GB/T 2260, plus 81/82/83 of the residence permits
# for Hong Kong, Macao and Taiwan residents.
_ID_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}

# GB 32100-2015: 31 characters, without I, O, Z, S and V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    value = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits, then a digit or X."), code="format"
        )
    if value[:2] not in _ID_PROVINCES:
        raise ValidationError(
            _("The first two digits of the ID number are not a valid province code."), code="region"
        )
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in the ID number is not a valid date."), code="birth_date"
        ) from None
    if born.year < 1800 or born > datetime.date.today():
        raise ValidationError(
            _("The date of birth in the ID number is out of range."), code="birth_date"
        )
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of the ID number is wrong; please check the number."),
            code="check_char",
        )


def id_number_birth_date(value: str) -> datetime.date:
    value = normalise_id_number(value)
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_gender(value: str) -> str:
    """'M' or 'F', from the parity of the 17th digit."""
    return "M" if int(normalise_id_number(value)[16]) % 2 else "F"


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    value = normalise_credit_code(value)
    if len(value) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length")
    bad = sorted({c for c in value if c not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "The unified social credit code contains characters that are not allowed: %(chars)s (I, O, Z, S and V are never used)."
            )
            % {"chars": ", ".join(bad)},
            code="alphabet",
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of the unified social credit code must be the digits of a region code."
            ),
            code="region",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _(
                "The check character of the unified social credit code is wrong; please check the code."
            ),
            code="check_char",
        )


def validate_postcode(value: str) -> None:
    if not re.fullmatch(r"\d{6}", (value or "").strip()):
        raise ValidationError(_("A postcode has exactly 6 digits."), code="postcode")


def validate_mobile(value: str) -> None:
    if not re.fullmatch(r"1[3-9]\d{9}", (value or "").strip()):
        raise ValidationError(_("A mobile number has 11 digits and starts with 1."), code="mobile")


def validate_phone(value: str) -> None:
    """A mobile number, or a landline with its area code (010-12345678, 0571-1234567)."""
    text = (value or "").strip().replace(" ", "")
    if re.fullmatch(r"1[3-9]\d{9}", text) or re.fullmatch(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?", text):
        return
    raise ValidationError(
        _("Give a mobile number, or a landline with its area code, such as 010-62751234."),
        code="phone",
    )
