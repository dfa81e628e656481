import datetime

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    credit_code_check_char,
    id_number_birth_date,
    id_number_check_char,
    id_number_gender,
    normalise_credit_code,
    normalise_id_number,
    validate_credit_code,
    validate_document,
    validate_id_number,
    validate_mobile,
    validate_phone,
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
    "110103200001010013",  # 崇文区, merged into 东城区 in 2010: IDs keep the code
    "810000200001010014",  # residence permit for Hong Kong residents
    "830000200001010018",  # residence permit for Taiwan residents
]
BAD_ID_NUMBERS = [
    ("11010519491231002", "format"),  # 17 characters
    ("1101051949123100X2", "format"),  # X not last
    ("11010519491231002Y", "format"),
    ("110105194912310021", "check_char"),  # wrong check character
    ("110105194902300027", "birth_date"),  # 30 February
    ("110105209901010011", "birth_date"),  # born in the future
    ("990105194912310024", "region"),  # no province 99
    ("11999920030101001X", "region"),  # province 11, but no division 119999 ever
    ("119901200301010014", "region"),  # nor a prefecture 1199
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


# --- Half-width input, ASCII digits, plausible graduates, GB 32100's tables ----------------------


@pytest.mark.parametrize(
    ("validate", "typed"),
    [
        (validate_id_number, "１１０１０５１９４９１２３１００２ｘ"),  # full-width, lower-case x
        (validate_credit_code, "９１３５０１００ｍ０００１００ｙ４３"),
        (validate_mobile, "１３８００１３８０００"),
        (validate_postcode, "１００８７１"),
        (validate_phone, "０１０－６２７５１２３４"),
    ],
    ids=_validator_name,
)
def test_full_width_input_is_accepted_as_its_half_width_form(validate, typed):
    validate(typed)


@pytest.mark.parametrize(
    ("validate", "value"),
    [
        (validate_id_number, "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"),  # Arabic-Indic digits
        (validate_mobile, "١٣٨٠٠١٣٨٠٠٠"),
        (validate_mobile, "१३८००१३८०००"),  # Devanagari digits
        (validate_postcode, "١٠٠٨٧١"),
        (validate_phone, "٠١٠-٦٢٧٥١٢٣٤"),
    ],
    ids=_validator_name,
)
def test_digits_of_other_scripts_are_refused(validate, value):
    with pytest.raises(ValidationError):
        validate(value)


def test_the_normalised_forms_are_ascii_and_upper_case():
    assert normalise_id_number(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert normalise_credit_code("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"


def _with_check_char(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (_with_check_char("01350100M000100Y4"), "authority"),  # no authority 0
        (_with_check_char("99350100M000100Y4"), "institution_type"),  # 工商 gives 1, 2, 3 only
        (_with_check_char("90350100M000100Y4"), "institution_type"),
        ("Z1350100M000100Y43", "alphabet"),
    ],
)
def test_credit_codes_follow_the_authority_and_institution_tables(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    assert exc.value.code == code


@pytest.mark.parametrize(
    "value",
    [
        "91110000802100433B",  # 工商: 企业
        _with_check_char("92350100MA2Y0000X"),  # 个体工商户
        _with_check_char("12100000400000000"),  # 机构编制: 事业单位
        _with_check_char("51100000500000000"),  # 民政: 社会团体
        _with_check_char("31110000400000000"),  # 司法行政: 律师事务所
        _with_check_char("N2350100MA0000000"),  # 农业: 村级集体经济组织
    ],
)
def test_credit_codes_of_every_kind_of_registrant_are_accepted(value):
    validate_credit_code(value)


@pytest.mark.parametrize(
    ("born", "accepted"),
    [("2012", True), ("2013", False), ("1956", True), ("1955", False), ("1850", False)],
)
def test_a_graduate_id_number_is_held_to_a_plausible_age_in_the_cohort(born, accepted):
    number = make_id_number(
        region="320102", birth=datetime.date(int(born), 5, 17), seq=7, male=True
    )
    validate_id_number(number)  # a valid number of someone born then …
    if accepted:
        validate_id_number(number, cohort=2026)
    else:  # … but not of a 2026 graduate (14 to 70 years old)
        with pytest.raises(ValidationError) as exc:
            validate_id_number(number, cohort=2026)
        assert exc.value.code == "birth_date" and "2026" in exc.value.messages[0]


@pytest.mark.django_db
def test_every_save_stores_the_normalised_form(uni):
    from cases.models import Graduate

    graduate = Graduate.objects.create(
        university=uni,
        province=uni.province,
        college=uni.colleges.first(),
        cohort=2026,
        student_no="HW001",
        name="半角",
        gender="F",
        id_number="１１０１０１１９９００３０７８０３ｘ",
        education_level="bachelor",
        major_name="临床医学",
        mobile="１３８００１３８０００",
    )
    graduate.refresh_from_db()
    assert (graduate.id_number, graduate.mobile) == ("11010119900307803X", "13800138000")
    graduate.id_number = "11010119900307803x"
    graduate.full_clean()
    graduate.save()
    assert Graduate.objects.get(pk=graduate.pk).id_number == "11010119900307803X"


@pytest.mark.django_db
def test_the_roster_refuses_a_graduate_aged_five(uni):
    from cases.roster_files import RosterValidator

    from ..workflows.helpers import ROSTER_COLUMNS

    number = make_id_number(region="110101", birth=datetime.date(2021, 3, 1), seq=3, male=True)
    row = ["R001", "五岁", "男", number, "本科", uni.colleges.first().name, "临床医学"]
    parsed = RosterValidator(university=uni, cohort=2026).parse([ROSTER_COLUMNS, row])
    assert [e.column for e in parsed[0].errors] == ["身份证号"]
    assert "5" in parsed[0].errors[0].message and "2026" in parsed[0].errors[0].message


# --- Identity documents other than the resident ID --------------------------------------------


def _gb11643(first17: str) -> str:
    return first17 + id_number_check_char(first17)


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        ("hmt_permit", _gb11643("81000020040101001")),  # Hong Kong resident
        ("hmt_permit", _gb11643("83000020030615002")),  # Taiwan resident
        ("foreign_pr", _gb11643("93114020030101001")),  # 2023 edition: 9, …, birth date, check
        ("foreign_pr", "USA330103201001"),  # earlier editions: 3 letters, 12 digits
        ("foreign_pr", "ｕｓａ３３０１０３２０１００１"),  # typed full-width
        ("passport", "E12345678"),
        ("passport", "EA1234567"),
        ("passport", "p1234567"),
        ("resident_id", "11010520031231018X"),
    ],
)
def test_every_identity_document_has_its_own_validator(kind, number):
    validate_document(kind, number, cohort=2026)


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("hmt_permit", _gb11643("11010520031231018"), "format"),  # a resident ID is not one
        ("hmt_permit", "81000020040101001" + "0", "check_char"),
        ("foreign_pr", _gb11643("13114020030101001"), "format"),  # must begin with 9
        ("foreign_pr", "US330103201001", "format"),  # 14 characters
        ("foreign_pr", _gb11643("93114020031301001"), "birth_date"),  # month 13
        ("foreign_pr", _gb11643("93114020210101001"), "birth_date"),  # five years old in 2026
        ("passport", "E12", "format"),
        ("passport", "ABCDEFGH", "format"),  # no digit
        ("passport", "E1234567-8", "format"),
        ("resident_id", "USA330103201001", "format"),
    ],
)
def test_each_document_refuses_what_is_not_its_number(kind, number, code):
    with pytest.raises(ValidationError) as exc:
        validate_document(kind, number, cohort=2026)
    assert exc.value.code == code


@pytest.mark.django_db
def test_a_roster_registers_graduates_by_any_document_type(uni):
    from cases.roster_files import RosterValidator

    from ..workflows.helpers import ROSTER_COLUMNS

    college = uni.colleges.first().name
    header = [*ROSTER_COLUMNS, "证件类型"]
    rows = [
        header,
        ["P001", "约翰", "男", "E12345678", "本科", college, "临床医学", "护照"],
        [
            "P002",
            "陈美",
            "女",
            _gb11643("81000020040101002"),
            "本科",
            college,
            "临床医学",
            "港澳台居民居住证",
        ],
        [
            "P003",
            "安娜",
            "女",
            _gb11643("93114020030101002"),
            "本科",
            college,
            "临床医学",
            "外国人永久居留身份证",
        ],
        ["P004", "李雷", "男", "E12345678", "本科", college, "临床医学", ""],  # a resident ID then
    ]
    parsed = RosterValidator(university=uni, cohort=2026).parse(rows)
    assert [r.errors for r in parsed[:3]] == [[], [], []]
    assert [r.values["id_type"] for r in parsed[:3]] == ["passport", "hmt_permit", "foreign_pr"]
    assert [e.column for e in parsed[3].errors] == ["身份证号"]
