"""The bot's own texts and keyboards: all Persian, all within Telegram's limits."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import keyboards
from bot.outbox import TELEGRAM_TEXT_LIMIT, split_text
from bot.texts import LOCALES_DIR, _

PERSIAN = re.compile(r"[\u0600-\u06FF]")
PO_FILE = LOCALES_DIR / "fa" / "LC_MESSAGES" / "messages.po"


def _catalog_ids() -> dict[str, str]:
    with PO_FILE.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_every_text_the_code_uses_has_a_persian_translation() -> None:
    # The same extraction `make i18n` runs (pybabel extract with babel.cfg's Python method).
    bot_dir = Path(__file__).resolve().parents[2] / "bot"
    used = {message for _file, _line, message, _comments, _context in extract_from_dir(bot_dir)}
    catalog = _catalog_ids()
    assert len(used) > 30
    assert used - set(catalog) == set(), "texts used in code but missing from the Persian catalogue"
    untranslated = [msgid for msgid in used if not PERSIAN.search(catalog[msgid])]
    assert untranslated == []


def test_texts_inside_f_strings_are_in_the_catalogue_too() -> None:
    # pybabel does not look inside f-strings on Python 3.11, so a _("…") there would show its id.
    bot_dir = Path(__file__).resolve().parents[2] / "bot"
    call = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*\)""")
    used = {m.group(2) for path in bot_dir.rglob("*.py") for m in call.finditer(path.read_text("utf-8"))}
    assert len(used) > 30
    assert used - set(_catalog_ids()) == set()


def test_translations_are_looked_up() -> None:
    assert _("Rasa unavailable").startswith("🙏")
    assert _("Welcome, new client").format(name="مریم").startswith("سلام مریم")


def test_menu_labels_map_to_rasa_payloads() -> None:
    assert keyboards.menu_payload(_("Menu: training")) == "/ask_training"
    assert keyboards.menu_payload(f"  {_('Menu: counsellor')} ") == "/request_counsellor"
    assert keyboards.menu_payload("آموزش") is None
    menu = keyboards.main_menu()
    assert [len(row) for row in menu.keyboard] == [2, 2, 2]


def test_rasa_button_data_round_trips_and_stays_within_64_bytes() -> None:
    data = keyboards.rasa_button_data(9_223_372_036_854_775, 11)
    assert len(data.encode()) <= 64
    ref = keyboards.parse_rasa_button(data)
    assert ref is not None and (ref.message_id, ref.index) == (9_223_372_036_854_775, 11)


def test_forged_button_data_is_not_parsed() -> None:
    for forged in ["rb:1", "rb:x:1", "rb:1:2:3", "rb:-1:0", "consent:yes", "", None, "rb:1:999"]:
        assert keyboards.parse_rasa_button(forged) is None


def test_long_texts_are_split_at_word_boundaries_within_the_limit() -> None:
    text = "کاریار " * 1500
    parts = split_text(text)
    assert len(parts) == 3
    assert all(len(part) <= TELEGRAM_TEXT_LIMIT for part in parts)
    assert " ".join(parts).split() == text.split()
    assert split_text("سلام") == ["سلام"]
