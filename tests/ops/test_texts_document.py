"""docs/texts.md, every text a person can receive, is current with the domain and the catalogue."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ops.commands import texts as text_commands
from ops.texts_document import CATALOGUE, DOCUMENT, DOMAIN_DIR, build_document
from ops.texts_document.sources import read_catalogue, read_domain


def test_the_checked_in_document_is_current() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == build_document(), (
        "docs/texts.md is not current: run `make texts` (python -m ops.cli texts) and commit it"
    )


def test_a_domain_answer_and_a_catalogue_text_are_in_the_document() -> None:
    document = DOCUMENT.read_text(encoding="utf-8")
    shared = next(file for file in read_domain(DOMAIN_DIR) if file.path == "domain/_shared.yml")
    goodbye = next(response for response in shared.responses if response.name == "utter_goodbye")
    assert f"> {goodbye.variations[0].text}" in document
    command = next(group for group in read_catalogue(CATALOGUE) if group.name == "Command")
    start = next(entry for entry in command.entries if entry.description == "Command: start")
    assert f"> {start.text}" in document
    assert "**`Command: start`**" in document
    assert "**`elsewhere[0].answer`**" in document and "دولت من" in document  # the policy files' texts


DOMAIN = """\
version: "3.1"
responses:
  utter_hello:
    - text: |-
        سلام {name}!
        * یک خط با <b>ستاره</b>

        بند دوم
      buttons:
        - title: "آموزش و دوره‌ها"
          payload: "/ask_training"
    - condition:
        - type: slot
          name: gender
          value: female
      text: "سلام خانم"
  utter_screen:
    - custom:
        privacy: show
"""

CATALOGUE_TEXT = """\
msgid ""
msgstr ""
"Language: fa\\n"
"Content-Type: text/plain; charset=utf-8\\n"

#: bot/app.py:53
msgid "Report: heading"
msgstr "📊 گزارش کاریار — {period}"

msgid "Consent button: accept"
msgstr "✅ موافقم"

msgid "Welcome back"
msgstr "خوش برگشتید"

#, fuzzy
msgid "Catalogue: empty"
msgstr ""
"هیچ دوره‌ای\\n"
"پیدا نشد"
"""


POLICY = """\
organisation: general
min_age: 15
too_young: >-
  برای کسانی است که حداقل {min_age} سال
  داشته باشند.
services:
  - id: general.public_training
    kind: training
    notes:
      - این دوره‌ها رایگان است.
"""


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path, Path]:
    domain = tmp_path / "domain"
    domain.mkdir()
    (domain / "greeting.yml").write_text(DOMAIN, encoding="utf-8")
    (domain / "no_responses.yml").write_text('version: "3.1"\nintents: [greet]\n', encoding="utf-8")
    catalogue = tmp_path / "messages.po"
    catalogue.write_text(CATALOGUE_TEXT, encoding="utf-8")
    policies = tmp_path / "reference" / "policies"
    policies.mkdir(parents=True)
    (policies / "general.yml").write_text(POLICY, encoding="utf-8")
    return domain, catalogue, policies


def test_policy_texts_are_listed_with_their_place_in_the_file(sources: tuple[Path, Path, Path]) -> None:
    document = build_document(*sources)
    assert '### <a id="policy-general"></a>reference/policies/general.yml' in document
    assert "**`too_young`**\n\n> برای کسانی است که حداقل {min\\_age} سال داشته باشند." in document
    assert "**`services[0].notes[0]`**\n\n> این دوره‌ها رایگان است." in document
    assert "general.public_training" not in document  # ids are not texts


def test_each_text_keeps_its_lines_placeholders_buttons_and_conditions(
    sources: tuple[Path, Path, Path],
) -> None:
    document = build_document(*sources)
    assert "> سلام {name}!\\\n> \\* یک خط با \\<b\\>ستاره\\</b\\>\n>\n> بند دوم\n" in document
    assert "دکمه‌ها · Buttons: «آموزش و دوره‌ها»" in document
    assert "**`utter_hello`** — گونه‌ی 2 از 2 · variation 2 of 2" in document
    assert "Only when: `gender = female`" in document
    assert "The bot builds this message itself* (`privacy: show`)" in document
    assert "no_responses" not in document


def test_catalogue_texts_are_grouped_by_area_with_their_places_and_readers(
    sources: tuple[Path, Path, Path],
) -> None:
    document = build_document(*sources)
    sections = [line for line in document.splitlines() if line.startswith("### ")]
    assert [section.split("</a>")[1] for section in sections] == [
        "domain/greeting.yml", "Catalogue", "Consent button", "Report", "Other texts", "reference/policies/general.yml",
    ]  # fmt: skip
    assert (
        "**`Report: heading`**\\\nاستفاده در · Used in: `bot/app.py:53`\n\n> 📊 گزارش کاریار — {period}"
        in document
    )
    assert "[Report](#texts-report) (1, read by staff)" in document
    assert "[Consent button](#texts-consent-button) (1, read by clients)" in document
    assert "[Catalogue](#texts-catalogue) (1)\n" in document
    assert "Draft (fuzzy): not sent yet\n\n> هیچ دوره‌ای\\\n> پیدا نشد" in document
    assert "**`Welcome back`**\n\n> خوش برگشتید" in document


def test_check_fails_while_the_document_is_stale(
    sources: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = tmp_path / "texts.md"
    monkeypatch.setattr(text_commands, "DOCUMENT", document)
    monkeypatch.setattr(text_commands, "build_document", lambda: build_document(*sources))
    check = argparse.Namespace(check=True)
    assert text_commands.cmd_texts(check) == 1
    assert "is not current" in capsys.readouterr().err
    assert text_commands.cmd_texts(argparse.Namespace(check=False)) == 0
    assert text_commands.cmd_texts(check) == 0
    assert document.read_text(encoding="utf-8") == build_document(*sources)
