"""Persian output: numbers and lists as a Persian reader expects them."""

from karyar.persian import format_number, join_list, persian_text
from karyar.vocabulary import value_label


def test_numbers_use_persian_digits_and_separators() -> None:
    assert format_number(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert format_number(23) == "۲۳"


def test_text_digits_become_persian() -> None:
    assert persian_text("سن: 23") == "سن: ۲۳"


def test_lists_use_the_persian_comma() -> None:
    assert join_list(["سن: ۲۳", "استان: تهران"]) == "سن: ۲۳، استان: تهران"


def test_canonical_values_have_persian_labels_and_free_text_passes_through() -> None:
    assert value_label("gender", "female") == "زن"
    assert value_label("organisation", "behzisti") == "بهزیستی"
    assert value_label("city", "مشهد") == "مشهد"
