"""What a client types about her résumé: to see it («رزومه من»), to correct it («رزومه‌ام را ویرایش کن») or to
get it as a file («رزومه PDF»); the words are in resume_words.yml. Only short messages that name the résumé
count, so a longer question that merely mentions one still goes to the conversation."""

from __future__ import annotations

import enum
from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from persian.text import search_key

WORDS_FILE = Path(__file__).resolve().parent / "resume_words.yml"
_MAX_WORDS = 6


class Asked(enum.StrEnum):
    SHOW = "show"
    EDIT = "edit"
    FILE = "file"


@cache
def _words() -> dict[str, tuple[str, ...]]:
    data = read_data_file(WORDS_FILE)
    return {name: tuple(search_key(word) for word in data[name]) for name in ("resume", "edit", "file")}


def asked(text: str) -> Asked | None:
    key = search_key(text)
    words = _words()
    if len(key.split()) > _MAX_WORDS or not any(
        token.startswith(stem) for token in key.split() for stem in words["resume"]
    ):
        return None
    if any(word in key for word in words["edit"]):
        return Asked.EDIT
    if any(word in key for word in words["file"]):
        return Asked.FILE
    return Asked.SHOW
