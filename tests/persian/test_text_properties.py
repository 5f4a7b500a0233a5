"""Properties of the normaliser that every component relies on, checked over arbitrary text (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from persian.text import ZWNJ, normalize, parse_persian_number, search_key, to_ascii_digits, to_persian_digits

# Persian and Arabic letters, digits of three scripts, marks, spaces, emoji and anything else.
persianish = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(list("0123456789 \t\n\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u0640")),
        st.characters(),
    ),
    max_size=200,
)


@given(persianish)
def test_normalising_keeps_the_length_so_entity_offsets_stay_valid(text: str) -> None:
    assert len(normalize(text)) == len(text)


@given(persianish)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(persianish)
def test_normalised_text_has_no_arabic_letter_forms_digits_or_controls(text: str) -> None:
    normalised = normalize(text)
    assert not set("يكىة٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ـ") & set(normalised)
    assert not any(unicodedata.category(ch) == "Cc" for ch in normalised)


@given(persianish)
def test_search_keys_are_stable_and_free_of_half_spaces_and_doubled_spaces(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert ZWNJ not in key and "  " not in key and key == key.strip()


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_convert_both_ways_without_loss(number: int) -> None:
    persian = to_persian_digits(str(number))
    assert to_ascii_digits(persian) == str(number)
    assert parse_persian_number(persian) == number
