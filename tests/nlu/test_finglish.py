"""Finglish read in Persian letters for the intent classifier (nlu/finglish.py, run in Rasa's environment):
known words and entity synonyms are replaced, spellings that differ by doubled letters are one word, and
anything unknown stays as written."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from tests.nlu.in_rasa import ROOT, needs_rasa, run_in_rasa

SYNONYMS = {"khayati": "خیاطی", "mashhad": "مشهد", "shirini pazi": "شیرینی‌پزی", "komite emdad": "emdad"}
CASES = {
    # a whole request with facts, a field and a city from the synonyms
    "salam man 25 salame dore khayati too mashhad mikham": "سلام من 25 سالمه دوره خیاطی تو مشهد میخوام",
    # letters typed again and again, capitals
    "SALAAAM vaaam mikhaam": "سلام وام میخوام",
    # a two-word synonym read as one; Latin punctuation kept
    "dore shirini pazi darin?": "دوره شیرینی‌پزی دارین?",
    # a synonym whose value is not Persian (a code) is left alone
    "komite emdad hastam": "کمیته امداد هستم",
    # words in a phrase must stand side by side: a comma between them ends it
    "shirini, pazi": "shirini, pazi",
    # Persian letters and unknown Latin words stay as they are
    "سلام dore": "سلام دوره",
    "qwerty zxcv": "qwerty zxcv",
    "": "",
}


def _read(texts: list[str]) -> dict[str, str]:
    script = (
        "import json, sys; from nlu.finglish import FinglishReader; given = json.load(sys.stdin); "
        "reader = FinglishReader.with_synonyms(given['synonyms']); "
        "print(json.dumps({t: reader.read(t) for t in given['texts']}, ensure_ascii=False))"
    )
    result: dict[str, str] = run_in_rasa(["-c", script], {"synonyms": SYNONYMS, "texts": texts})
    return result


@needs_rasa
def test_known_finglish_words_are_read_in_persian_letters_and_the_rest_stays() -> None:
    assert _read(list(CASES)) == CASES


def test_the_word_list_is_lower_case_latin_with_each_word_spelt_once() -> None:
    words = YAML(typ="safe", pure=True).load(
        Path(ROOT, "nlu", "finglish_words.yml").read_text(encoding="utf-8")
    )
    assert all(isinstance(latin, str) and re.fullmatch(r"[a-z]+", latin) for latin in words), (
        "Latin words only"
    )
    # Doubled letters are read once, so a key with one would never match.
    assert [latin for latin in words if re.search(r"(.)\1", latin)] == []
    assert all(re.search(r"[\u0600-\u06FF]", str(persian)) for persian in words.values())
