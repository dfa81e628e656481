import datetime

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    id_number_birth_date,
    id_number_gender,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_postcode,
)
from portal.demo.identifiers import make_id_number

# The two examples printed in GB 11643-1999, and numbers built by the check algorithm.
GOOD_ID_NUMBERS = [
    "11010519491231002X",
    "440524188001010014",
    "11010119900307803X",
    "110101199003074258",
    "11010119900307803x",  # lower-case x is normalised
]
BAD_ID_NUMBERS = [
    ("11010519491231002", "format"),  # 17 characters
    ("1101051949123100X2", "format"),  # X not last
    ("11010519491231002Y", "format"),
    ("110105194912310021", "check_char"),  # wrong check character
    ("110105194902300027", "birth_date"),  # 30 February
    ("110105209901010011", "birth_date"),  # born in the future
    ("990105194912310024", "region"),  # no province 99
]

# Real registered codes (the sample of GB 32100 and three listed companies).
GOOD_CREDIT_CODES = [
    "91350100M000100Y43",
    "9144030071526726XG",
    "91330100716105852F",
    "914403001922038216",
    " 91350100m000100y43 ",
]
BAD_CREDIT_CODES = [
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y44", "check_char"),
    ("91350100M00O100Y43", "alphabet"),  # letter O
    ("913501I0M000100Y43", "alphabet"),  # letter I
    ("91ABCDEFM000100Y43", "region"),
]


def _validator_name(value):
    """A validator's name as the test id; other values keep pytest's own id."""
    return value.__name__ if callable(value) else None


@pytest.mark.parametrize(
    ("validate", "value"),
    [(validate_id_number, v) for v in GOOD_ID_NUMBERS]
    + [(validate_credit_code, v) for v in GOOD_CREDIT_CODES],
    ids=_validator_name,
)
def test_it_accepts_valid_id_numbers_and_credit_codes(validate, value):
    validate(value)


@pytest.mark.parametrize(
    ("validate", "value", "code"),
    [(validate_id_number, *case) for case in BAD_ID_NUMBERS]
    + [(validate_credit_code, *case) for case in BAD_CREDIT_CODES],
    ids=_validator_name,
)
def test_it_rejects_invalid_id_numbers_and_credit_codes_with_the_reason(validate, value, code):
    with pytest.raises(ValidationError) as exc:
        validate(value)
    assert exc.value.code == code


def test_id_number_messages_are_translated_to_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_id_number("110105194912310021")
    assert "校验位" in exc.value.messages[0]


def test_it_reads_birth_date_and_sex_from_the_id_number():
    assert id_number_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_number_gender("11010519491231002X") == "F"
    assert id_number_gender("440524188001010014") == "M"


def test_generated_id_numbers_are_valid():
    for seq in range(200):
        validate_id_number(
            make_id_number(
                region="320102", birth=datetime.date(2003, 5, 17), seq=seq, male=seq % 2 == 0
            )
        )


@pytest.mark.parametrize("value", ["100871", "200433", "518057"])
def test_it_accepts_postcodes(value):
    validate_postcode(value)


@pytest.mark.parametrize("value", ["10087", "1008711", "10087a", ""])
def test_it_rejects_bad_postcodes(value):
    with pytest.raises(ValidationError):
        validate_postcode(value)


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15000000000"])
def test_it_accepts_mobile_numbers(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    "value", ["12800138000", "1380013800", "138001380001", "23800138000", "1380013800a"]
)
def test_it_rejects_bad_mobile_numbers(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)
