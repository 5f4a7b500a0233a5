"""Persian output: numbers and lists as a Persian reader expects them."""

from karyar.vocabulary import value_label
from persian.format import LRM, format_number, join_list, join_parts, ltr, mark_ltr_runs, persian_text


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


def test_parts_of_a_line_are_set_apart_by_the_persian_semicolon_not_a_dot_that_reads_as_zero() -> None:
    assert join_parts(["مشهد، استان خراسان رضوی", "حضوری"]) == "مشهد، استان خراسان رضوی؛ حضوری"
    assert "·" not in join_parts(["۱۴۰۵", "۱۴۰ ساعت"]) and "|" not in join_parts(["۱۴۰۵", "۱۴۰ ساعت"])


def test_a_left_to_right_run_is_marked_on_both_sides() -> None:
    assert ltr("/start") == f"{LRM}/start{LRM}"


def test_phone_numbers_commands_codes_links_and_usernames_in_persian_text_are_marked() -> None:
    assert mark_ltr_runs("تلفن 051-38400000") == f"تلفن {ltr('051-38400000')}"
    assert mark_ltr_runs("برای شروع /start را بفرستید.") == f"برای شروع {ltr('/start')} را بفرستید."
    marked = mark_ltr_runs("دوره C-KHR-001 در https://example.ir/a?b=1. یا @karyar_bot")
    assert marked == f"دوره {ltr('C-KHR-001')} در {ltr('https://example.ir/a?b=1')}. یا {ltr('@karyar_bot')}"


def test_plain_latin_words_and_persian_text_need_no_mark_and_marking_twice_changes_nothing() -> None:
    assert mark_ltr_runs("مهارت‌های هفت‌گانه کامپیوتر (ICDL)") == "مهارت‌های هفت‌گانه کامپیوتر (ICDL)"
    assert mark_ltr_runs("تلفن ۰۵۱۳۸۴۰۰۰۰۰") == "تلفن ۰۵۱۳۸۴۰۰۰۰۰"
    once = mark_ltr_runs("تلفن 051-38400000، فرمان /menu")
    assert mark_ltr_runs(once) == once
