"""What staff compose is checked before it is stored: Telegram's limits on text and captions, a photo that
exists, at most five buttons of a known kind with a usable title, links clients can open, courses that exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karyar.broadcast import store
from karyar.broadcast.content import (
    BUTTON_TITLE_LIMIT,
    CAPTION_LIMIT,
    MAX_BUTTONS,
    TEXT_LIMIT,
    Content,
    ContentError,
    check_buttons,
)
from karyar.db.engine import Database
from karyar.db.models import Broadcast
from tests.karyar.broadcast.conftest import draft
from tests.karyar.catalogue.factories import course

# --- content -------------------------------------------------------------------------------------------


def test_text_up_to_telegrams_limit_is_kept_with_its_formatting() -> None:
    bold = {"type": "bold", "offset": 0, "length": 4}
    content = Content.from_dict({"text": "دوره" + "ا" * (TEXT_LIMIT - 4), "entities": [bold]})
    assert len(content.text) == TEXT_LIMIT and not content.has_photo
    assert content.to_dict() == {"text": content.text, "entities": [bold]}
    assert Content.from_dict(content.to_dict()) == content


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        pytest.param({"text": ""}, "needs a text or a photo", id="empty"),
        pytest.param({}, "needs a text or a photo", id="nothing"),
        pytest.param({"text": " \n\t "}, "needs a text or a photo", id="only-spaces"),
        pytest.param({"text": "ا" * (TEXT_LIMIT + 1)}, f"at most {TEXT_LIMIT}", id="text-too-long"),
        pytest.param(
            {"text": "ا" * (CAPTION_LIMIT + 1), "photo": "AgACAgQAAx"},
            f"at most {CAPTION_LIMIT}",
            id="caption",
        ),
        pytest.param(
            {"text": "", "photo_path": "/nonexistent/poster.jpg"}, "does not exist", id="no-such-file"
        ),
    ],
)
def test_content_telegram_would_refuse_is_refused(data: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ContentError, match=complaint):
        Content.from_dict(data)


def test_a_photo_may_go_without_a_caption_or_with_one_up_to_the_caption_limit(tmp_path: Path) -> None:
    assert Content.from_dict({"photo": "AgACAgQAAx"}).has_photo
    captioned = Content.from_dict({"text": "ا" * CAPTION_LIMIT, "photo": "AgACAgQAAx"})
    assert captioned.to_dict() == {"text": captioned.text, "entities": [], "photo": "AgACAgQAAx"}
    poster = tmp_path / "poster.jpg"
    poster.write_bytes(b"\xff\xd8\xff")
    local = Content.from_dict({"text": "پوستر", "photo_path": str(poster)})
    assert local.has_photo and local.to_dict()["photo_path"] == str(poster)


def test_the_first_upload_leaves_the_file_id_for_later_deliveries(db: Database, tmp_path: Path) -> None:
    poster = tmp_path / "poster.jpg"
    poster.write_bytes(b"\xff\xd8\xff")
    with db.unit_of_work() as session:
        broadcast = store.create(
            session, created_by=None, content=Content.from_dict({"text": "پوستر", "photo_path": str(poster)})
        )
        store.remember_photo(session, broadcast_id=broadcast.id, file_id="AgAC-first")
        store.remember_photo(session, broadcast_id=broadcast.id, file_id="AgAC-second")
        broadcast_id = broadcast.id
    with db.unit_of_work() as session:
        stored = session.get_one(Broadcast, broadcast_id)
        assert stored.content["photo"] == "AgAC-first"
        assert Content.from_dict(stored.content).photo == "AgAC-first"


# --- buttons -------------------------------------------------------------------------------------------


def test_buttons_are_kept_in_their_stored_shape() -> None:
    given: list[dict[str, Any]] = [
        {"kind": "course", "title": "  ثبت‌نام  ", "course_id": 12, "url": "https://ignored.example"},
        {"kind": "interest", "title": "علاقه‌مندم", "extra": "dropped"},
        {"kind": "link", "title": "سایت", "url": "https://emdad.ir/courses"},
        {"kind": "link", "title": "کانال", "url": "tg://resolve?domain=emdad"},
        {"kind": "link", "title": "ا" * BUTTON_TITLE_LIMIT, "url": "http://example.org"},
    ]
    assert check_buttons(given) == [
        {"kind": "course", "title": "ثبت‌نام", "course_id": 12},
        {"kind": "interest", "title": "علاقه‌مندم"},
        {"kind": "link", "title": "سایت", "url": "https://emdad.ir/courses"},
        {"kind": "link", "title": "کانال", "url": "tg://resolve?domain=emdad"},
        {"kind": "link", "title": "ا" * BUTTON_TITLE_LIMIT, "url": "http://example.org"},
    ]
    assert check_buttons([]) == []


INTEREST = {"kind": "interest", "title": "علاقه‌مندم"}


@pytest.mark.parametrize(
    ("buttons", "complaint"),
    [
        pytest.param([INTEREST] * (MAX_BUTTONS + 1), f"at most {MAX_BUTTONS} buttons", id="too-many"),
        pytest.param([{"kind": "phone", "title": "تماس"}], "button 1: kind", id="unknown-kind"),
        pytest.param([{"title": "بدون نوع"}], "button 1: kind", id="no-kind"),
        pytest.param([INTEREST, {"kind": "interest", "title": ""}], "button 2: a title", id="empty-title"),
        pytest.param([{"kind": "interest", "title": "   "}], "button 1: a title", id="blank-title"),
        pytest.param(
            [{"kind": "interest", "title": "ا" * (BUTTON_TITLE_LIMIT + 1)}],
            "button 1: a title",
            id="long-title",
        ),
        pytest.param([{"kind": "course", "title": "ثبت‌نام"}], "needs the course's id", id="course-no-id"),
        pytest.param(
            [{"kind": "course", "title": "ثبت‌نام", "course_id": "12"}], "needs the course's id", id="id-text"
        ),
        pytest.param([{"kind": "link", "title": "سایت"}], "is not an http", id="link-no-url"),
        pytest.param(
            [{"kind": "link", "title": "سایت", "url": "javascript:alert(1)"}],
            "is not an http",
            id="javascript",
        ),
        pytest.param(
            [{"kind": "link", "title": "سایت", "url": "ftp://emdad.ir/x"}], "is not an http", id="ftp"
        ),
        pytest.param([{"kind": "link", "title": "سایت", "url": "https://"}], "is not an http", id="no-host"),
        pytest.param(
            [{"kind": "link", "title": "سایت", "url": "emdad.ir"}], "is not an http", id="no-scheme"
        ),
        pytest.param(
            [{"kind": "link", "title": "سایت", "url": "mailto:a@emdad.ir"}], "is not an http", id="mailto"
        ),
    ],
)
def test_buttons_clients_could_not_use_are_refused(buttons: list[dict[str, Any]], complaint: str) -> None:
    with pytest.raises(ContentError, match=complaint):
        check_buttons(buttons)


def test_a_course_button_must_name_a_course_in_the_catalogue(db: Database) -> None:
    with db.unit_of_work() as session:
        sewing = course("C-1")
        session.add(sewing)
        session.flush()
        with pytest.raises(ContentError, match=f"no course with id {sewing.id + 1}"):
            draft(session, buttons=[{"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id + 1}])
        broadcast = draft(session, buttons=[{"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id}])
        assert broadcast.buttons == [{"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id}]
        with pytest.raises(ContentError, match="no course"):
            store.edit(
                session,
                broadcast_id=broadcast.id,
                buttons=[{"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id + 1}],
            )
        assert broadcast.buttons == [{"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id}]
