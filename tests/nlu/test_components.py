"""Tests for nlu/components.py (the Rasa components), run in Rasa's environment through rasa_probe.py.

The app environment has neither Rasa nor hazm, so these tests start ``.venv-rasa/bin/python`` once and check
its JSON output. They are skipped when that environment has not been built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from persian.text import ZWNJ, normalize, squeeze_repeats, standard_form
from tests.nlu.in_rasa import RASA_PYTHON, run_in_rasa

TEXTS = [
    "سلام، مـن ٢٣ سالمه و ساكن كرمانم!",
    "میییخوام دوره‌ی خیاطی 🙏🙏",
    "؟؟",
    "",
    "گفته خواهد شد",
    "23سالمه",
    "salaaam mer30",
    "سَلام\u200f",
    "خانۀ ما در ﻣﺸﻬﺪ است",
]


def _entity(kind: str, value: str, start: int, end: int, extractor: str = "RegexEntityExtractor") -> dict:
    return {"entity": kind, "value": value, "start": start, "end": end, "extractor": extractor}


ENTITIES = [
    _entity("age", "۲۳", 0, 2, "CRFEntityExtractor"),
    _entity("age", "بیست و هفت", 3, 13, "CRFEntityExtractor"),
    _entity("age", "hello", 14, 19, "CRFEntityExtractor"),
    _entity("age", "150", 20, 23, "CRFEntityExtractor"),
    _entity("field", "قالی بافی", 30, 39),
    _entity("field", "خیاطیییی", 40, 48, "CRFEntityExtractor"),
    _entity("province", "تهرانم", 50, 56, "CRFEntityExtractor"),
    _entity("city", "مشهدی", 60, 65, "CRFEntityExtractor"),
    _entity("field", "نمد مالی", 66, 74, "CRFEntityExtractor"),
    # «زن» inside «زن سرپرست خانوار»: the longer span wins
    _entity("gender", "زن", 100, 102),
    _entity("target_group", "زن سرپرست خانوار", 100, 116),
    # same span, statistical city vs lookup province: the lookup wins
    _entity("city", "تهران", 200, 205, "CRFEntityExtractor"),
    _entity("province", "تهران", 200, 205),
    # same span, two lookup matches of different types: both kept
    _entity("province", "تهران", 300, 305),
    _entity("city", "تهران", 300, 305),
    # the same entity from both extractors: kept once
    _entity("gender", "خانمم", 400, 405, "CRFEntityExtractor"),
    _entity("gender", "female", 400, 405),
    # school grades: ordinals and digits the tables miss, out-of-range grades dropped
    _entity("school_grade", "کلاس ۱۰ام", 500, 509, "CRFEntityExtractor"),
    _entity("school_grade", "پایه‌ی یازدهمی", 510, 524, "CRFEntityExtractor"),
    _entity("school_grade", "کلاس سیزدهم", 530, 541, "CRFEntityExtractor"),
    _entity("school_grade", "دهم", 550, 553),
    # work experience given as a duration; closed-set entities drop values that are none of their codes
    _entity("work_experience", "ده ساله", 600, 607, "CRFEntityExtractor"),
    _entity("work_experience", "شش ماه", 610, 616, "CRFEntityExtractor"),
    _entity("work_experience", "یه چیزایی", 620, 629, "CRFEntityExtractor"),
    _entity("household_role", "head", 630, 634),
    _entity("household_role", "همسایه", 640, 646, "CRFEntityExtractor"),
]

pytestmark = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="the Rasa environment (.venv-rasa) is not built"
)


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    result: dict[str, Any] = run_in_rasa(
        [str(Path(__file__).with_name("rasa_probe.py"))], {"texts": TEXTS, "entities": ENTITIES}, timeout=300
    )
    return result


def _text_result(probe: dict[str, Any], text: str) -> dict[str, Any]:
    return next(item for item in probe["texts"] if item["text"] == text)


def _tokens(probe: dict[str, Any], text: str) -> list[str]:
    return [token for token, _, _ in _text_result(probe, text)["tokens"]]


@pytest.mark.parametrize("text", TEXTS)
def test_normaliser_keeps_length_and_matches_nlu_text(probe: dict[str, Any], text: str) -> None:
    normalised = _text_result(probe, text)["normalised"]
    assert len(normalised) == len(text)
    assert normalised == normalize(text)


@pytest.mark.parametrize("text", TEXTS)
def test_token_offsets_point_into_the_message(probe: dict[str, Any], text: str) -> None:
    item = _text_result(probe, text)
    assert item["tokens"], "the tokenizer must never return an empty list"
    for token, start, end in item["tokens"]:
        assert 0 <= start <= end <= len(text)
        span = item["normalised"][start:end]
        if len(item["tokens"]) > 1:
            assert standard_form(squeeze_repeats(span.replace(ZWNJ, ""))) == token


def test_tokens_of_an_informal_sentence(probe: dict[str, Any]) -> None:
    # punctuation dropped, kashida gone, digits normalised, Arabic letters replaced
    assert _tokens(probe, "سلام، مـن ٢٣ سالمه و ساكن كرمانم!") == [
        "سلام",
        "من",
        "23",
        "سالمه",
        "و",
        "ساکن",
        "کرمانم",
    ]


def test_entity_offsets_from_tokens_are_valid_on_the_original(probe: dict[str, Any]) -> None:
    text = "سلام، مـن ٢٣ سالمه و ساكن كرمانم!"
    tokens = _text_result(probe, text)["tokens"]
    _, start, end = next(t for t in tokens if t[0] == "23")
    assert text[start:end] == "٢٣"


def test_repeats_half_spaces_and_emoji(probe: dict[str, Any]) -> None:
    assert _tokens(probe, "میییخوام دوره‌ی خیاطی 🙏🙏") == ["میخواهم", "دورهی", "خیاطی", "🙏", "🙏"]


def test_verb_parts_stay_apart(probe: dict[str, Any]) -> None:
    assert _tokens(probe, "گفته خواهد شد") == ["گفته", "خواهد", "شد"]


def test_digits_split_from_letters(probe: dict[str, Any]) -> None:
    assert _tokens(probe, "23سالمه") == ["23", "سالمه"]


def test_latin_script_persian(probe: dict[str, Any]) -> None:
    assert _tokens(probe, "salaaam mer30") == ["salam", "mer30"]


def test_diacritics_and_marks_are_dropped_from_tokens(probe: dict[str, Any]) -> None:
    assert _tokens(probe, "سَلام\u200f") == ["سلام"]
    assert _tokens(probe, "خانۀ ما در ﻣﺸﻬﺪ است") == ["خانه", "ما", "در", "مشهد", "است"]


@pytest.mark.parametrize("text", ["؟؟", ""])
def test_text_without_words_is_one_token(probe: dict[str, Any], text: str) -> None:
    assert _text_result(probe, text)["tokens"] == [[text, 0, len(text)]]


def test_training_data_is_normalised(probe: dict[str, Any]) -> None:
    training = probe["training"]
    assert training["text"] == "ساکن کرمان هستم"
    assert training["entity_value"] == "کرمان"
    assert training["synonyms"] == {"کرمون": "کرمان"}
    assert training["lookup"] == ["کرمان", "تهران"]


def _entities_at(probe: dict[str, Any], start: int) -> list[tuple[str, str]]:
    return sorted((e["entity"], e["value"]) for e in probe["entities"] if e["start"] == start)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (0, [("age", "23")]),
        (3, [("age", "27")]),
        (14, []),  # unreadable age dropped
        (20, []),  # impossible age dropped
        (30, [("field", "قالی‌بافی")]),  # spacing variant -> canonical
        (40, [("field", "خیاطی")]),  # repeated letters
        (50, [("province", "تهران")]),  # enclitic «م»
        (60, [("city", "مشهد")]),  # adjective «ی»
        (66, [("field", "نمد مالی")]),  # unknown value kept as written
        (100, [("target_group", "زن سرپرست خانوار")]),
        (200, [("province", "تهران")]),
        (300, [("city", "تهران"), ("province", "تهران")]),
        (400, [("gender", "female")]),
        (500, [("school_grade", "10")]),
        (510, [("school_grade", "11")]),
        (530, []),  # there is no thirteenth grade
        (550, [("school_grade", "10")]),  # through the table (type-less synonym)
        (600, [("work_experience", "experienced")]),
        (610, [("work_experience", "some")]),
        (620, []),
        (630, [("household_role", "head")]),
        (640, []),
    ],
)
def test_entity_normaliser(probe: dict[str, Any], start: int, expected: list[tuple[str, str]]) -> None:
    assert _entities_at(probe, start) == expected


def test_entities_come_out_in_text_order(probe: dict[str, Any]) -> None:
    starts = [e["start"] for e in probe["entities"]]
    assert starts == sorted(starts)


def test_a_form_with_two_meanings_gets_the_value_of_its_entity_type(probe: dict[str, Any]) -> None:
    assert [(e["entity"], e["value"]) for e in probe["typed_entities"]] == [("subject", "spouse")]
