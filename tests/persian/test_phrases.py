"""Known phrases in free text: whole words, with endings, whatever the letter forms and half-spaces."""

from __future__ import annotations

import pytest

from persian.phrases import PhraseFinder

FINDER = PhraseFinder({"prison": ["زندان"], "medicine": ["دارو", "هزینه درمان"], "landlord": ["صاحب‌خانه"]})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("شوهرم زندانه", ["prison"]),
        ("شوهرش زندانیه؟ داروهاشون", ["prison", "medicine"]),  # possessive endings
        ("شوهرم زندانیه", ["prison"]),
        ("پول داروهامو ندارم", ["medicine"]),
        ("دوره گیاهان دارویی", []),  # not a whole word
        ("هزینه‌ی درمان بالاست", ["medicine"]),  # with the ezafe
        ("هزينه درمان بالاست", ["medicine"]),  # Arabic letter forms
        ("صاحبخانه و زندان", ["landlord", "prison"]),  # in the order written
        ("", []),
    ],
)
def test_phrases_are_found_as_whole_words_with_their_endings(text: str, found: list[str]) -> None:
    assert FINDER.find(text) == found


def test_an_ignored_longer_phrase_hides_the_phrase_inside_it() -> None:
    finder = PhraseFinder({"allowance": ["مستمری"]}, ignoring=["مستمری بگیر"])
    assert finder.find("مستمری بگیر کمیته‌ام، وام میدین؟") == []
    assert finder.find("مستمریمو قطع کردن") == ["allowance"]
