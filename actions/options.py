"""The options of each intake question, as a client may type them instead of pressing a button.

An option is known by its button title (domain/intake.yml), the label of its value, the NLU's synonyms of
the fact (data/nlu/lookups/) and the words of option_words.yml that answer the question only while it is
asked. Forms are compared without spaces, half-spaces or Arabic letter forms, and a form followed by
enclitics («سرپرستم», «همسرمه», «امدادیم») is the form itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from karyar.catalogue.reference import compact_key
from karyar.data_files import read_data_file
from karyar.facts import FACT_BY_NAME, SKIPPED
from karyar.vocabulary import VALUE_LABELS
from persian.text import ENCLITIC_ENDINGS, search_key

ROOT = Path(__file__).resolve().parents[1]
# «/inform{{"gender": "male"}}»: the intent, and the entities with the braces Rasa's templates double.
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")
# Enclitics stacked on a word («همسر+م+ه»), at most this many.
_MAX_ENCLITICS = 2
# The shortest stem left after taking enclitics off, so a short word is not read as a shorter one.
_MIN_STEM = 2


def _load(path: Path) -> Any:
    return read_data_file(path)


def _flat(words: Iterable[Any]) -> Iterator[str]:
    """The words of a list that may hold shared lists (YAML aliases)."""
    for word in words:
        if isinstance(word, list):
            yield from _flat(word)
        else:
            yield str(word)


def _button_options(slot: str) -> Iterator[tuple[str, str]]:
    """(title, value) of the buttons of the question that asks `slot`; «رد شدن» and the like skip it."""
    responses = _load(ROOT / "domain" / "intake.yml")["responses"]
    for variant in responses.get(f"utter_ask_{slot}", []):
        for button in variant.get("buttons") or []:
            match = _PAYLOAD.match(str(button["payload"]))
            if match is None:
                continue
            if match["intent"] == "skip":
                yield str(button["title"]), SKIPPED
            elif match["intent"] == "inform" and match["entities"]:
                entities = json.loads(match["entities"].replace("{{", "{").replace("}}", "}"))
                if slot in entities:
                    yield str(button["title"]), str(entities[slot])


def _nlu_synonyms(slot: str) -> Iterator[tuple[str, str]]:
    path = ROOT / "data" / "nlu" / "lookups" / f"{slot}.yml"
    if not path.exists():
        return
    for item in _load(path)["nlu"]:
        if "synonym" in item:
            for line in str(item["examples"]).splitlines():
                yield line.strip().removeprefix("- ").strip(), str(item["synonym"])


@cache
def _words() -> dict[str, Any]:
    return dict(_load(Path(__file__).with_name("option_words.yml")))


def _word_options(slot: str) -> Iterator[tuple[str, str]]:
    for value, words in (_words()["option_words"].get(slot) or {}).items():
        for word in _flat(words):
            yield word, str(value)


@cache
def _options(slot: str) -> dict[str, str]:
    """Compact form → value for one question; the first source that names a form decides its value."""
    labels = [(label, value) for value, label in VALUE_LABELS.get(slot, {}).items()]
    sources = (_button_options(slot), labels, _word_options(slot), _nlu_synonyms(slot))
    found: dict[str, str] = {}
    for form, value in (pair for source in sources for pair in source):
        found.setdefault(compact_key(form), value)
    return {form: value for form, value in found.items() if form}


@cache
def _fillers() -> frozenset[str]:
    return frozenset(search_key(word) for word in _flat(_words()["answer_fillers"]))


def _without_enclitics(compact: str) -> Iterator[str]:
    """The form with one, then two enclitics taken off its end («همسرمه» → «همسرم» → «همسر»)."""
    forms = [compact]
    for _round in range(_MAX_ENCLITICS):
        forms = [
            form[: -len(ending)]
            for form in forms
            for ending in ENCLITIC_ENDINGS
            if form.endswith(ending) and len(form) - len(ending) >= _MIN_STEM
        ]
        yield from forms


def _forms(text: str) -> Iterator[str]:
    """The compact forms a typed answer may stand for: as typed, then without filler words, each with and
    without enclitics."""
    words = search_key(text).split()
    meaningful = [word for word in words if word not in _fillers()]
    for kept in (words, meaningful):
        if kept:
            compact = "".join(kept)
            yield compact
            yield from _without_enclitics(compact)


def option_in(slot: str, text: str) -> str | None:
    """The value of the option of `slot`'s question that the whole of `text` names, if one does."""
    if FACT_BY_NAME.get(slot) is None:
        return None
    options = _options(slot)
    return next((options[form] for form in _forms(text) if form in options), None)


def read_as_typed(text: str, read: Callable[[str], str | None]) -> str | None:
    """`read` (a reader of whole names, such as the place or field tables) applied to `text`, and when it
    finds nothing, to `text` without fillers and enclitics («مشهدم», «اهل تبریزم»)."""
    return next((value for form in _forms(text) if (value := read(form)) is not None), None)


@cache
def _bare_answers() -> frozenset[str]:
    return frozenset(compact_key(word) for word in _flat(_words()["bare_answers"]))


def is_bare_answer(text: str) -> bool:
    """True when `text` is only words that answer whatever is asked («هیچکدوم», «نه», «بله»)."""
    return compact_key(text) in _bare_answers()
