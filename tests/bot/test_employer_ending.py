"""An employer ends an opening from «وضعیت آگهی من», through python-telegram-bot and the local Bot API on a
migrated SQLite database: a button per open opening, a confirmation, the end said plainly, search no longer
listing it, and a stale press on the old list answered politely without a second change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from karyar.catalogue.search import JobQuery, search_jobs
from karyar.db.engine import Database
from karyar.db.models import OpeningStatus
from karyar.employers import review
from karyar.identity.cipher import DataCipher
from karyar.texts import _
from localapi import LocalBotApi
from tests.bot import test_openings_command as openings
from tests.bot.test_openings_command import current, press, say, until
from tests.karyar.employers.conftest import sewing_opening, workshop
from tests.support.databases import migrated_database_or_skip
from tests.support.stack import DATA_KEY

OWNER = 7_300_000_001
# The local Bot API and the bot as the factory wires it, on this module's database.
api, application = openings.api, openings.application
SEWING_IN_TEHRAN = JobQuery(field="خیاطی", province="تهران", city="تهران", gender="female", age=30)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """The employer's approved «چرخ‌کار» (no. 1), in search, and a rejected «اتوکار» (no. 2)."""
    with migrated_database_or_skip("sqlite", tmp_path) as url:
        database = Database(url)
        with database.unit_of_work() as session:
            employer = workshop(session, DataCipher([DATA_KEY]), telegram_user_id=OWNER)
            approved = sewing_opening(session, employer)
            review.approve(session, opening_id=approved.id, telegram_user_id=None)
            rejected = sewing_opening(session, employer, title="اتوکار")
            review.reject(session, opening_id=rejected.id, reason="دستمزد کم است", telegram_user_id=None)
        yield database
        database.dispose()


def _titles(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def _listed(database: Database) -> int:
    with database.unit_of_work() as session:
        return search_jobs(session, query=SEWING_IN_TEHRAN).total


@pytest.mark.usefixtures("application")
async def test_the_employer_marks_the_opening_filled_after_confirming_and_a_stale_press_changes_nothing(
    api: LocalBotApi, database: Database
) -> None:
    filled, withdraw = _("Employer button: filled").format(number="۱"), _("Employer button: withdraw")
    (status,) = await say(api, OWNER, "وضعیت آگهی من")
    assert filled in _titles(status) and withdraw.format(number="۱") in _titles(status)
    assert withdraw.format(number="۲") not in _titles(status)  # the rejected one has ended already

    mark = api.mark(OWNER)
    await press(api, OWNER, status, filled)
    (asked,) = await api.wait_for_bot_messages_async(OWNER, 1, since=mark, timeout=5)
    assert asked["text"] == _("Employer end: confirm filled").format(number="۱", title="چرخ‌کار")
    assert _listed(database) == 1  # nothing changes before the confirmation

    mark = api.mark(OWNER)
    await press(api, OWNER, asked, _("Employer button: confirm filled"))
    (done,) = await api.wait_for_bot_messages_async(OWNER, 1, since=mark, timeout=5)
    assert done["text"] == _("Employer end: filled").format(number="۱", title="چرخ‌کار")
    await until(lambda: not _titles(current(api, OWNER, asked)))  # the confirmation cannot be pressed again
    assert _listed(database) == 0

    # The old list's button, pressed now: a short notice, and the opening stays filled.
    mark = api.mark(OWNER)
    notice = await press(api, OWNER, status, withdraw.format(number="۱"))
    assert notice["text"] == _("Employer end: already ended").format(status=_("Opening status: filled"))
    assert api.bot_messages(OWNER, since=mark) == []
    with database.unit_of_work() as session:
        shown = review.show(session, opening_id=1, telegram_user_id=None).opening
    assert shown is not None and shown.status == OpeningStatus.FILLED
