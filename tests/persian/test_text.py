"""Tests for persian/text.py: the length-preserving normaliser, digit helpers and number words."""

from __future__ import annotations

import pytest

from persian.text import (
    ZWNJ,
    normalize,
    parse_persian_number,
    parse_school_grade,
    parse_years,
    search_key,
    squeeze_repeats,
    standard_form,
    to_ascii_digits,
    to_persian_digits,
)

# (phenomenon, input, expected normalised output)
NORMALISATION_CASES = [
    ("arabic yeh", "علي", "علی"),
    ("alef maksura", "مصطفى", "مصطفی"),
    ("arabic kaf", "كار", "کار"),
    ("arabic kaf and yeh together", "كاريابي", "کاریابی"),
    ("teh marbuta", "مدرسة", "مدرسه"),
    ("heh with yeh above", "خانۀ", "خانه"),
    ("heh doachashmee", "ھمدان", "همدان"),
    ("alef with hamza above", "أمید", "امید"),
    ("alef with hamza below", "إیران", "ایران"),
    ("alef wasla", "ٱب", "اب"),
    ("alef with madda is kept", "آموزش", "آموزش"),
    ("waw with hamza", "مؤسسه", "موسسه"),
    ("yeh with hamza is kept", "مسئول", "مسئول"),
    ("persian digits", "۲۳", "23"),
    ("arabic-indic digits", "٢٣", "23"),
    ("ascii digits unchanged", "23", "23"),
    ("all ten persian digits", "۰۱۲۳۴۵۶۷۸۹", "0123456789"),
    ("all ten arabic-indic digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("arabic decimal separator", "۲٫۵", "2.5"),
    ("arabic thousands separator", "۱٬۰۰۰", "1,000"),
    ("presentation forms", "ﻣﺸﻬﺪ", "مشهد"),
    ("presentation form of yeh", "ﻳ", "ی"),
    ("presentation form of kaf", "ﻛ", "ک"),
    ("presentation form of alef with madda keeps the madda", "ﺁ", "آ"),
    ("multi-letter ligature is left alone", "ﻻ", "ﻻ"),
    ("kashida becomes zwnj", "سـلام", f"س{ZWNJ}لام"),
    ("several kashidas", "کـــار", f"ک{ZWNJ * 3}ار"),
    ("fatha becomes zwnj", "سَلام", f"س{ZWNJ}لام"),
    ("tanwin becomes zwnj", "حتماً", f"حتما{ZWNJ}"),
    ("shadda becomes zwnj", "بنّا", f"بن{ZWNJ}ا"),
    ("hamza above becomes zwnj", "خانهٔ", f"خانه{ZWNJ}"),
    ("superscript alef becomes zwnj", "رحمٰن", f"رحم{ZWNJ}ن"),
    ("zwnj is kept", f"می{ZWNJ}خوام", f"می{ZWNJ}خوام"),
    ("zwj becomes zwnj", "می\u200dخوام", f"می{ZWNJ}خوام"),
    ("zero-width space becomes zwnj", "می\u200bخوام", f"می{ZWNJ}خوام"),
    ("right-to-left mark becomes zwnj", "سلام\u200f", f"سلام{ZWNJ}"),
    ("arabic letter mark becomes zwnj", "\u061cسلام", f"{ZWNJ}سلام"),
    ("byte order mark becomes zwnj", "\ufeffسلام", f"{ZWNJ}سلام"),
    ("emoji variation selector becomes zwnj", "❤️", f"❤{ZWNJ}"),
    ("no-break space becomes space", "سلام\u00a0خوبی", "سلام خوبی"),
    ("narrow no-break space becomes space", "سلام\u202fخوبی", "سلام خوبی"),
    ("tab becomes space", "سلام\tخوبی", "سلام خوبی"),
    ("newline becomes space", "سلام\nخوبی", "سلام خوبی"),
    ("carriage return becomes space", "سلام\r\nخوبی", "سلام  خوبی"),
    ("control character becomes space", "سلام\x07خوبی", "سلام خوبی"),
    ("delete character becomes space", "سلام\x7fخوبی", "سلام خوبی"),
    ("latin text unchanged", "salam mer30", "salam mer30"),
    ("emoji unchanged", "ممنون🙏", "ممنون🙏"),
    ("persian punctuation unchanged", "چطوری؟ خوبم، ممنون؛", "چطوری؟ خوبم، ممنون؛"),
    ("regional letter handled by hazm is left here", "ٹ", "ٹ"),
    ("mixed sentence", "مـن ٢٣ سالمه و ساكن كرمانم", f"م{ZWNJ}ن 23 سالمه و ساکن کرمانم"),
    ("empty string", "", ""),
]


@pytest.mark.parametrize(
    ("phenomenon", "text", "expected"), NORMALISATION_CASES, ids=[c[0] for c in NORMALISATION_CASES]
)
def test_normalize(phenomenon: str, text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text", [case[1] for case in NORMALISATION_CASES], ids=[c[0] for c in NORMALISATION_CASES]
)
def test_normalize_preserves_length(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_normalize_keeps_offsets_of_an_entity() -> None:
    original = "سَلام، مـن ۲۳ سالمه و ساكن كرمان هستم"
    start = original.index("كرمان")
    end = start + len("كرمان")
    normalised = normalize(original)
    assert normalised[start:end] == "کرمان"
    age_start = original.index("۲۳")
    assert normalised[age_start : age_start + 2] == "23"


def test_normalize_is_idempotent() -> None:
    for _, text, _ in NORMALISATION_CASES:
        once = normalize(text)
        assert normalize(once) == once


def test_normalize_preserves_length_for_every_code_point_of_the_arabic_and_format_blocks() -> None:
    blocks = [
        range(0x0000, 0x0100),
        range(0x0600, 0x0700),
        range(0x0750, 0x0780),
        range(0x08A0, 0x0900),
        range(0x2000, 0x2070),
        range(0xFB50, 0xFE00),
        range(0xFE70, 0xFF00),
    ]
    text = "".join(chr(code) for block in blocks for code in block if not 0xD800 <= code <= 0xDFFF)
    assert len(normalize(text)) == len(text)


def test_normalize_handles_characters_outside_the_basic_plane() -> None:
    text = "😀👍🏽𝔸"
    assert normalize(text) == text


DIGIT_CASES = [
    ("۱۲۳", "123", "۱۲۳"),
    ("٤٥٦", "456", "۴۵۶"),
    ("789", "789", "۷۸۹"),
    ("سن ۲۳ و ٢٣ و 23", "سن 23 و 23 و 23", "سن ۲۳ و ۲۳ و ۲۳"),
    ("بدون عدد", "بدون عدد", "بدون عدد"),
    ("", "", ""),
]


@pytest.mark.parametrize(("text", "ascii_form", "persian_form"), DIGIT_CASES)
def test_digit_helpers(text: str, ascii_form: str, persian_form: str) -> None:
    assert to_ascii_digits(text) == ascii_form
    assert to_persian_digits(text) == persian_form


def test_digit_helpers_change_only_digits() -> None:
    text = "كاريار ۱۲ abc ٣"
    assert to_ascii_digits(text) == "كاريار 12 abc 3"
    assert to_persian_digits(text) == "كاريار ۱۲ abc ۳"


NUMBER_CASES = [
    ("۲۳", 23),
    ("23", 23),
    ("٢٣", 23),
    (" ۲۳ ", 23),
    ("۲۳.", 23),
    ("1,200", 1200),
    ("۱٬۲۰۰", 1200),
    ("صفر", 0),
    ("یک", 1),
    ("یه", 1),
    ("نه", 9),
    ("ده", 10),
    ("هجده", 18),
    ("هیجده", 18),
    ("هژده", 18),
    ("هيجده", 18),
    ("پونزده", 15),
    ("شونزده", 16),
    ("بیست", 20),
    ("بیست و هفت", 27),
    ("بيست و هفت", 27),
    ("بیست‌وهفت", 27),
    ("بیستوهفت", 27),
    ("بیستو هفت", 27),
    ("سی و پنج", 35),
    ("چهل و یک", 41),
    ("شصت و شیش", 66),
    ("نود و نه", 99),
    ("صد", 100),
    ("صد و بیست", 120),
    ("سیصد و سی و سه", 333),
    ("هزار", 1000),
    ("دو هزار و پانصد", 2500),
    ("۲۰ میلیون", 20_000_000),
    ("پنجاه میلیون", 50_000_000),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CASES)
def test_parse_persian_number(text: str, expected: int) -> None:
    assert parse_persian_number(text) == expected


NOT_NUMBER_CASES = [
    "",
    "   ",
    "سلام",
    "۲۳ سال",
    "بیست و هفت سالمه",
    "بیست و دوازده",
    "هفت بیست",
    "بیست بیست",
    "یک دو",
    "و",
    "۲۳ ۴۵",
]


@pytest.mark.parametrize("text", NOT_NUMBER_CASES)
def test_parse_persian_number_rejects_non_numbers(text: str) -> None:
    assert parse_persian_number(text) is None


SQUEEZE_CASES = [
    ("سلاااام", "سلام"),
    ("خیییلی", "خیلی"),
    ("ممنونننن", "ممنون"),
    ("salaaam", "salam"),
    ("الله", "الله"),
    ("1000", "1000"),
    ("!!!", "!!!"),
]


@pytest.mark.parametrize(("text", "expected"), SQUEEZE_CASES)
def test_squeeze_repeats(text: str, expected: str) -> None:
    assert squeeze_repeats(text) == expected


SEARCH_KEY_CASES = [
    ("  قالی‌بافی  ", "قالیبافی"),
    ("قاليبافي", "قالیبافی"),
    ("خیاطیییی", "خیاطی"),
    ("Salam   KARYAR", "salam karyar"),
    ("دوره\tخیاطی\nمشهد", "دوره خیاطی مشهد"),
    ("۲۳", "23"),
]


@pytest.mark.parametrize(("text", "expected"), SEARCH_KEY_CASES)
def test_search_key(text: str, expected: str) -> None:
    assert search_key(text) == expected


def test_module_uses_the_standard_library_only() -> None:
    import ast
    import sys
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "persian" / "text.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


@pytest.mark.parametrize(
    ("informal", "standard"),
    [("میخوام", "میخواهم"), ("نمیتونم", "نمیتوانم"), ("میشه", "میشود"), ("دارین", "دارید"), ("کار", "کار")],
)
def test_informal_words_get_their_standard_form(informal: str, standard: str) -> None:
    assert standard_form(informal) == standard


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("کلاس دهم", 10),
        ("پایه‌ی ۱۱", 11),
        ("پایه یازدهم", 11),
        ("دوازدهمم", 12),
        ("کلاس 10ام", 10),
        ("کلاس ١٠ ام", 10),
        ("کلاس هفتمی", 7),
        ("كلاس نهم", 9),
        ("سال آخر دبیرستان", 12),
        ("سال اخر دبیرستانم", 12),
        ("کلاس اول", 1),
        ("ده", None),
        ("کلاس ۱۳", None),
        ("کلاس", None),
        ("خیاطی", None),
    ],
)
def test_parse_school_grade(text: str, expected: int | None) -> None:
    assert parse_school_grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ده ساله", 10),
        ("۵ سال", 5),
        ("بیست و پنج سال", 25),
        ("یه سال", 1),
        ("شش ماه", 0.5),
        ("چند سال", None),
        ("سال", None),
    ],
)
def test_parse_years(text: str, expected: float | None) -> None:
    assert parse_years(text) == expected
