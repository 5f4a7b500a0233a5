"""The bot's own texts and keyboards: all Persian, all within Telegram's limits."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from ruamel.yaml import YAML

from bot import keyboards
from bot.outbox import TELEGRAM_TEXT_LIMIT, split_text
from karyar.texts import LOCALES_DIR, _
from persian.format import ltr, mark_ltr_runs

PERSIAN = re.compile(r"[\u0600-\u06FF]")
PO_FILE = LOCALES_DIR / "fa" / "LC_MESSAGES" / "messages.po"
ROOT = Path(__file__).resolve().parents[2]


def _catalog_ids() -> dict[str, str]:
    with PO_FILE.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_translations_are_looked_up() -> None:
    assert _("Rasa unavailable").startswith("🙏")
    assert _("Welcome, new client").format(name="مریم").startswith("سلام مریم")


def test_menu_labels_map_to_rasa_payloads() -> None:
    assert keyboards.menu_payload(_("Menu: training")) == "/ask_training"
    assert keyboards.menu_payload(f"  {_('Menu: counsellor')} ") == "/request_counsellor"
    assert keyboards.menu_payload("آموزش") is None
    assert keyboards.menu_payload(_("Menu: employer")) == "/i_am_employer"
    menu = keyboards.main_menu()
    assert [len(row) for row in menu.keyboard] == [2, 2, 2, 1]


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


def _domain_texts() -> list[str]:
    """Every text of Rasa's responses (domain/*.yml)."""
    yaml = YAML(typ="safe", pure=True)
    texts = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for variants in (yaml.load(path.read_text("utf-8")).get("responses") or {}).values():
            texts += [str(variant.get("text") or "") for variant in variants]
    return texts


def _texts_people_read() -> list[str]:
    return [text for text in _catalog_ids().values() if text] + _domain_texts()


def test_no_text_uses_the_middle_dot_that_reads_as_a_persian_zero() -> None:
    assert len(_texts_people_read()) > 300
    assert [text for text in _texts_people_read() if "·" in text] == []
    code = [path for folder in ("bot", "actions", "karyar") for path in (ROOT / folder).rglob("*.py")]
    assert [str(path) for path in code if "·" in path.read_text("utf-8")] == []


def test_commands_phone_numbers_codes_and_links_in_texts_are_marked_to_read_left_to_right() -> None:
    # Unmarked, Telegram shows «/start» as «start/» and «051-38400000» as «38400000-051» in Persian lines.
    assert ltr("/start") in _("Unknown command") and ltr("/mydata") in _("Privacy notice")
    assert [text for text in _texts_people_read() if mark_ltr_runs(text) != text] == []


def test_during_a_live_chat_the_keyboard_is_one_button_that_ends_it() -> None:
    keyboard = keyboards.live_chat_keyboard()
    assert [[button.text for button in row] for row in keyboard.keyboard] == [["🔚 پایان گفتگو با مشاور"]]
    assert keyboards.ends_live_chat(f" {_('Button: end live chat')} ")
    assert not keyboards.ends_live_chat(_("Menu: counsellor"))
    assert keyboards.menu_payload(_("Button: end live chat")) is None
