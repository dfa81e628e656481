r"""Validators for the identifiers the registration carries.

Each raises ``ValidationError`` with a message (translated to Chinese) naming what is wrong.
Digits are ASCII digits only: a pattern never uses ``\d``, which matches any Unicode digit.
Full-width input (１２３, ｘ) is turned half-width on entry (``half_width``): the
``normalise_*`` functions do it, and the fields of ``core.fields`` apply them on every save.
"""

import datetime
import functools
import re
import unicodedata
from pathlib import Path

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


# GB 32100-2015 (with its amendment): the registration authority (登记管理部门, first
# character) and the institution types (机构类别, second) it may give. An authority not
# listed with its own types gives 1 to 9.
CREDIT_CODE_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "9": "123",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
CREDIT_CODE_AUTHORITIES = "123456789ABCDEFGNY"
_ASCII_DIGITS = frozenset("0123456789")


def half_width(value: str) -> str:
    """``value`` stripped, with full-width characters turned half-width (NFKC): １ → 1,
    ｘ → x. Other scripts' digits (٣) stay what they are, and are refused as digits."""
    return unicodedata.normalize("NFKC", value or "").strip()


def ascii_digits(value: str) -> bool:
    return bool(value) and set(value) <= _ASCII_DIGITS


# The first six digits of a residence permit for Hong Kong, Macao and Taiwan residents.
_PERMIT_PREFIXES = {"810000", "820000", "830000"}


@functools.cache
def region_codes_ever() -> frozenset[str]:
    """Every GB/T 2260 code that has existed (``core/data/region_codes_ever.txt``, built by
    ``scripts/build_regions``): an ID number keeps the code of where and when it was
    issued, so many are codes abolished since."""
    path = Path(__file__).resolve().parent / "data" / "region_codes_ever.txt"
    return frozenset(path.read_text(encoding="utf-8").split())


def id_region_known(prefix: str) -> bool:
    """Whether an ID number's first six digits name a division that existed: the code
    itself, or a county of a prefecture that existed (the table holds the revisions from
    2002 on; a county abolished before then still has its prefecture)."""
    codes = region_codes_ever()
    return prefix in _PERMIT_PREFIXES or prefix in codes or prefix[:4] + "00" in codes


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return half_width(value).upper()


# A graduate's age in the year of the cohort, as their ID number gives it.
GRADUATE_AGES = (14, 70)


def validate_id_number(value: str, *, cohort: int | None = None) -> None:
    """A resident ID number (GB 11643): its form, province, birth date and check character.
    With ``cohort``, the birth date must also make a plausible graduate of that year."""
    value = normalise_id_number(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits, then a digit or X."), code="format"
        )
    if value[:2] not in _ID_PROVINCES:
        raise ValidationError(
            _("The first two digits of the ID number are not a valid province code."), code="region"
        )
    if not id_region_known(value[:6]):
        raise ValidationError(
            _(
                "The first six digits of the ID number, %(code)s, are not an administrative division code that has ever existed."
            )
            % {"code": value[:6]},
            code="region",
        )
    _birth_and_check(value, cohort)


def _birth_and_check(value: str, cohort: int | None) -> None:
    """What an 18-character number of GB 11643's form carries besides its prefix: the birth
    date in characters 7 to 14 (real, past, and a plausible graduate's with ``cohort``) and
    the ISO 7064 MOD 11-2 check character."""
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
    if cohort is not None and not (GRADUATE_AGES[0] <= cohort - born.year <= GRADUATE_AGES[1]):
        raise ValidationError(
            _(
                "By its date of birth the holder of this ID number would be %(age)s in %(cohort)s: a graduate is between %(low)s and %(high)s. Please check the number."
            )
            % {
                "age": cohort - born.year,
                "cohort": cohort,
                "low": GRADUATE_AGES[0],
                "high": GRADUATE_AGES[1],
            },
            code="birth_date",
        )
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of the ID number is wrong; please check the number."),
            code="check_char",
        )


def validate_residence_permit(value: str, *, cohort: int | None = None) -> None:
    """港澳台居民居住证: GB 11643's form, beginning 810000 (Hong Kong), 820000 (Macao) or
    830000 (Taiwan)."""
    value = normalise_id_number(value)
    if not re.fullmatch(r"8[123]0000[0-9]{11}[0-9X]", value):
        raise ValidationError(
            _(
                "A residence permit number for Hong Kong, Macao and Taiwan residents has 18 characters and begins 810000, 820000 or 830000."
            ),
            code="format",
        )
    _birth_and_check(value, cohort)


def validate_permanent_residence(value: str, *, cohort: int | None = None) -> None:
    """外国人永久居留身份证: the 2023 edition's 18 characters (9, then 16 digits with the birth
    date in characters 7 to 14, then a MOD 11-2 check character), or the earlier 15 (three
    Latin letters of the nationality, then 12 digits)."""
    value = normalise_id_number(value)
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", value):
        return
    if not re.fullmatch(r"9[0-9]{16}[0-9X]", value):
        raise ValidationError(
            _(
                "A foreigner's permanent residence ID card number has 18 characters beginning with 9 (the 2023 edition), or 3 letters and 12 digits (earlier editions)."
            ),
            code="format",
        )
    _birth_and_check(value, cohort)


def validate_passport(value: str, *, cohort: int | None = None) -> None:
    """A passport number: 5 to 20 Latin letters and digits, with at least one digit."""
    value = normalise_id_number(value)
    if not re.fullmatch(r"[A-Z0-9]{5,20}", value) or not any(c in _ASCII_DIGITS for c in value):
        raise ValidationError(_("A passport number has 5 to 20 letters and digits."), code="format")


# The validator of each identity document type (``cases.models.IdDocument``).
DOCUMENT_VALIDATORS = {
    "resident_id": validate_id_number,
    "hmt_permit": validate_residence_permit,
    "foreign_pr": validate_permanent_residence,
    "passport": validate_passport,
}
# The document types whose numbers give the holder's sex (the 17th digit's parity).
DOCUMENTS_WITH_SEX = ("resident_id", "hmt_permit")


def validate_document(kind: str, value: str, *, cohort: int | None = None) -> None:
    DOCUMENT_VALIDATORS[kind or "resident_id"](value, cohort=cohort)


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
    return half_width(value).upper()


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
    authority, kind = value[0], value[1]
    if authority not in CREDIT_CODE_AUTHORITIES:
        raise ValidationError(
            _(
                "The first character of the unified social credit code, %(char)s, is not a registration authority of GB 32100."
            )
            % {"char": authority},
            code="authority",
        )
    if kind not in CREDIT_CODE_TYPES.get(authority, "123456789"):
        raise ValidationError(
            _(
                "The second character of the unified social credit code, %(char)s, is not an institution type that registration authority %(authority)s gives."
            )
            % {"char": kind, "authority": authority},
            code="institution_type",
        )
    if not ascii_digits(value[2:8]):
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
    if not re.fullmatch(r"[0-9]{6}", half_width(value)):
        raise ValidationError(_("A postcode has exactly 6 digits."), code="postcode")


def validate_mobile(value: str) -> None:
    if not re.fullmatch(r"1[3-9][0-9]{9}", half_width(value)):
        raise ValidationError(_("A mobile number has 11 digits and starts with 1."), code="mobile")


def validate_phone(value: str) -> None:
    """A mobile number, or a landline with its area code (010-12345678, 0571-1234567)."""
    text = half_width(value).replace(" ", "")
    if re.fullmatch(r"1[3-9][0-9]{9}", text) or re.fullmatch(
        r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?", text
    ):
        return
    raise ValidationError(
        _("Give a mobile number, or a landline with its area code, such as 010-62751234."),
        code="phone",
    )
