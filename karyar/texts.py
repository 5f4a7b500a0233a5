"""Texts people read outside Rasa's domain, from Babel gettext catalogues (Persian).

Message ids are short English descriptions; `make i18n` extracts them (`pybabel extract`), merges them
into the catalogue and compiles it. A test checks that every id has a Persian translation.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
LOCALE = "fa"


@lru_cache(maxsize=1)
def _translations() -> NullTranslations:
    compiled = LOCALES_DIR / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.mo"
    source = compiled.with_suffix(".po")
    if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
        with compiled.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    # A fresh checkout has only the .po file; compile it in memory rather than show English.
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALE, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _(message_id: str) -> str:
    return _translations().gettext(message_id)


def N_(message_id: str) -> str:  # noqa: N802 - the name pybabel extracts, as gettext's convention has it
    """Marks a message id kept to be translated where it is shown (pybabel extracts it like `_`)."""
    return message_id
