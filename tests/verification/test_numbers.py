import re

import pytest

from verification import numbers


def test_transfer_numbers_have_the_real_shape():
    number = numbers.new_transfer_no(year=2026, university_code="10876")
    assert re.fullmatch(r"2610876[A-Z]{11}", number)
    assert numbers.kind_of(number) == "transfer_no"
    assert numbers.kind_of("2510876CYLAXKAZFVR") == "transfer_no"  # the real sample


def test_verification_numbers_carry_80_random_bits_and_a_check_character():
    drawn = {numbers.new_verification_no() for _ in range(2000)}
    assert len(drawn) == 2000
    for number in list(drawn)[:200]:
        assert len(number) == 17 and set(number) <= set(numbers.ALPHABET)
        assert numbers.luhn_valid(number)
        assert numbers.kind_of(numbers.grouped(number)) == "verification_no"
    # 16 characters of a 32-symbol alphabet: 80 bits before the check character
    assert 16 * 5 == 80


def test_every_single_character_typo_is_caught_by_the_check_character():
    number = numbers.new_verification_no()
    for position in range(17):
        for char in numbers.ALPHABET:
            if char != number[position]:
                typo = number[:position] + char + number[position + 1 :]
                assert numbers.kind_of(typo) is None


def test_reading_is_forgiving_of_case_groups_and_look_alike_letters():
    number = numbers.new_verification_no()
    sloppy = numbers.grouped(number).lower().replace("0", "o").replace("1", "l")
    assert numbers.normalise(sloppy) == number


@pytest.mark.parametrize(
    "text", ["", "123", "2610876ABCDEFGHXZ", "2610876ABCDEFGHIJKL", "26108760BCDEFGHIJK"]
)
def test_malformed_numbers_are_recognised_as_such(text):
    assert numbers.kind_of(text) is None
