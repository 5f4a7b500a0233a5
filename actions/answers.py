"""Reading and checking the answers to the intake questions (pure: no Rasa, no database).

An answer arrives as an entity the NLU extracted (a button payload or free text such as «خانمم») or as
plain text read against the question being asked: one of its options in the client's words («آقا»,
«سرپرستم»), a bare number for the age («۲۳», «بیست و سه») or the school year, a city or a field of work in
the client's own spelling.
"""

from __future__ import annotations

from pathlib import Path

from actions.options import option_in, read_as_typed
from karyar.catalogue.reference import fields, places
from karyar.data_files import read_data_file
from karyar.facts import AGE_BOUNDS, FACT_BY_NAME, SKIPPED, FactKind
from karyar.texts import _
from persian.text import normalize, parse_persian_number, parse_school_grade

_WORDS = read_data_file(Path(__file__).with_name("answer_words.yml"))
_STRIPPED: str = _WORDS["strip"]
_AGE_FILLERS = frozenset(_WORDS["age_fillers"])
_AGE_UNIT: str = _WORDS["age_unit"]


def example_for(slot: str) -> str:
    """Shown in utter_invalid_answer after «ببخشید، این جواب را متوجه نشدم.», so the client sees what kind
    of answer fits."""
    examples = {
        "age": _("Intake example: age"),
        "province": _("Intake example: province"),
        "city": _("Intake example: city"),
        "field": _("Intake example: field"),
    }
    return examples.get(slot) or _("Intake example: buttons")


def answer_from_text(slot: str, text: str) -> str | None:
    """The answer to `slot` that the whole of `text` gives, read against that question only (None if the
    text is something else, or more than the answer)."""
    text = normalize(text).strip(_STRIPPED)
    if not text:
        return None
    option = option_in(slot, text)
    if option is not None:
        return option
    if slot == "age":
        number = _age_in(text)
        return str(number) if number is not None else None
    if slot == "school_grade":
        grade = parse_school_grade(text)
        return str(grade) if grade is not None else None
    if slot == "city":
        return read_as_typed(text, places().city)
    if slot == "province":
        return read_as_typed(text, places().province) or read_as_typed(text, places().city)
    if slot == "field":
        return read_as_typed(text, fields().canonical)
    return None


def _age_in(text: str) -> int | None:
    """«۲۳», «بیست و سه», «۲۳ سالمه», «سنم ۲۳»: the number alone or before a last word starting with «سال»."""
    words = [word for word in text.split() if word not in _AGE_FILLERS]
    if words and words[-1].startswith(_AGE_UNIT):
        words = words[:-1]
    return parse_persian_number(" ".join(words)) if words else None


def checked(slot: str, value: object) -> str | None:
    """The canonical answer, or None when the value cannot be an answer to `slot`."""
    if value is None:
        return None
    text = str(value).strip()
    if text == SKIPPED:
        return SKIPPED
    if slot == "age":
        number = parse_persian_number(text)
        return str(number) if number in AGE_BOUNDS else None
    fact = FACT_BY_NAME.get(slot)
    if fact is not None and fact.kind is not FactKind.TEXT:
        # Buttons and the NLU give the stored form itself, including the answers only a button gives.
        return text if text in fact.answers else None
    if slot == "province":
        # A city named where a province was asked («مشهد») is accepted by the caller as the city.
        return places().province(text)
    if slot == "city":
        return places().city(text)
    if slot == "field":
        return fields().canonical(text) or (text if 2 <= len(text) <= 40 else None)
    return text or None
