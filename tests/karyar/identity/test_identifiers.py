"""National ids and phone numbers: the checksum, the phone forms people type, finding and masking them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karyar.identity.identifiers import (
    IdentifierKind,
    find_identifiers,
    mask,
    national_id_is_valid,
    normalise_phone,
    shield,
)
from persian.text import to_persian_digits


def _with_check_digit(nine: str) -> str:
    remainder = sum(int(nine[i]) * (10 - i) for i in range(9)) % 11
    return nine + str(remainder if remainder < 2 else 11 - remainder)


@pytest.mark.parametrize("value", ["0012345679", "0499370899", "0084575948"])
def test_valid_national_ids_pass_the_checksum(value: str) -> None:
    assert national_id_is_valid(value)


@pytest.mark.parametrize(
    "value",
    ["0012345678", "0499370898", "1111111111", "0000000000", "001234567", "00123456790", "00123a5679"],
)
def test_wrong_check_digit_length_or_repeated_digits_fail(value: str) -> None:
    assert not national_id_is_valid(value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("09121234567", "09121234567"),
        ("+989121234567", "09121234567"),
        ("00989121234567", "09121234567"),
        ("989121234567", "09121234567"),
        ("9121234567", "09121234567"),
        ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "09121234567"),
        ("0912-123-4567", "09121234567"),
        ("02188776655", "02188776655"),
    ],
)
def test_phone_numbers_in_the_forms_people_type(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize("typed", ["0912123456", "123", "00000000000", "+44 20 7946 0958", "phone"])
def test_what_is_not_an_iranian_phone_number(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_masks_keep_only_what_helps_a_counsellor_recognise_the_number() -> None:
    assert mask(IdentifierKind.NATIONAL_ID, "0012345679") == "۰۰۱•••••۷۹"
    assert mask(IdentifierKind.PHONE, "09121234567") == "۰۹۱۲•••۴۵۶۷"


def test_identifiers_in_a_sentence_are_found_and_masked_ages_and_amounts_are_not() -> None:
    text = "سلام من ۲۳ سالمه، کد ملیم ۰۰۱۲۳۴۵۶۷۹ و شمارم ۰۹۱۲ ۱۲۳ ۴۵۶۷ هست، وام ۲۰۰۰۰۰۰۰۰ میخوام"
    shielded = shield(text)
    assert [(v.kind, v.value) for v in shielded.identifiers] == [
        (IdentifierKind.NATIONAL_ID, "0012345679"),
        (IdentifierKind.PHONE, "09121234567"),
    ]
    assert (
        shielded.text == "سلام من ۲۳ سالمه، کد ملیم ۰۰۱•••••۷۹ و شمارم ۰۹۱۲•••۴۵۶۷ هست، وام ۲۰۰۰۰۰۰۰۰ میخوام"
    )
    assert not shielded.only_identifiers and not shielded.invalid


@pytest.mark.parametrize(
    "text", ["0012345679", "کد ملی من ۰۰۱۲۳۴۵۶۷۹ هست", "شماره موبایلم: +989121234567", "کد ملیم ٠٠١٢٣٤٥٦٧٩"]
)
def test_a_message_that_only_gives_an_identifier_needs_no_other_answer(text: str) -> None:
    assert shield(text).only_identifiers


def test_a_mistyped_national_id_is_masked_and_flagged_not_kept() -> None:
    shielded = shield("کد ملیم ۰۰۱۲۳۴۵۶۷۸")
    assert shielded.invalid and not shielded.identifiers
    assert "۰۰۱۲۳۴۵۶۷۸" not in shielded.text


def test_text_without_identifiers_is_untouched() -> None:
    text = "دوره خیاطی تو مشهد دارین؟ سال ۱۴۰۵، ۳ ماهه"
    shielded = shield(text)
    assert (shielded.text, shielded.found_any) == (text, False)


@given(st.text(max_size=200), st.from_regex(r"\A[0-9]{9}\Z"), st.text(max_size=200), st.booleans())
def test_a_valid_national_id_never_survives_in_the_shielded_text(
    before: str, nine: str, after: str, persian: bool
) -> None:
    national_id = _with_check_digit(nine)
    if not national_id_is_valid(national_id):
        return
    typed = to_persian_digits(national_id) if persian else national_id
    text = f"{before} {typed} {after}"
    shielded = shield(text)
    assert national_id not in shielded.text and to_persian_digits(national_id) not in shielded.text
    kept = {value.value for value in shielded.identifiers} | {"masked"}
    assert national_id in kept or any(item.kind == IdentifierKind.PHONE for item in find_identifiers(text))


@given(st.text(max_size=500))
def test_shielding_any_text_never_fails_and_is_stable(text: str) -> None:
    shielded = shield(text)
    assert shield(shielded.text).identifiers == ()
