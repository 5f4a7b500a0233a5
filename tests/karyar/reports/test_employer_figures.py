"""The employer side of a report: openings posted in the period, their state, and the first interest."""

from __future__ import annotations

from datetime import timedelta

from karyar.catalogue.interests import record_interest
from karyar.clients import TelegramIdentity, ensure_client
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import CaseEvent, EmployerOpening
from karyar.employers import review, store
from karyar.identity.cipher import DataCipher
from karyar.reports import periods
from karyar.reports.figures import build
from karyar.reports.scope import Scope
from karyar.reports.summary import text

CIPHER = DataCipher([DataCipher.new_key()])


def _post(db: Database, title: str, *, days_ago: int) -> int:
    with db.unit_of_work() as session:
        employer = store.register_employer(
            session, cipher=CIPHER, business_name="کارگاه", province="خراسان رضوی"
        )
        opening = store.add_opening(session, employer_id=employer.id, title=title, field="خیاطی")
        opening.created_at = now() - timedelta(days=days_ago)
        return opening.id


def test_openings_posted_in_the_period_their_state_and_the_wait_for_the_first_interested_client(
    db: Database,
) -> None:
    approved, filled, rejected, _waiting = (
        _post(db, title, days_ago=5) for title in ("چرخکار", "اتوکار", "فروشنده", "راننده")
    )
    _post(db, "قدیمی", days_ago=60)  # posted before the period
    with db.unit_of_work() as session:
        for opening_id in (approved, filled):
            assert review.approve(session, opening_id=opening_id, telegram_user_id=None).problem is None
        review.reject(
            session, opening_id=rejected, reason="دستمزد کمتر از حداقل قانونی است", telegram_user_id=None
        )
        review.mark_filled(session, opening_id=filled, telegram_user_id=None)
        job_id = session.get_one(EmployerOpening, approved).job_opening_id
        assert job_id is not None
        client = ensure_client(session, identity=TelegramIdentity(user_id=5501))
        event: CaseEvent = record_interest(session, client_id=client.id, kind="job", item_id=job_id)
        event.created_at = now() - timedelta(days=3)
    today = periods.jalali_day(now())
    period = periods.days(today - timedelta(days=10), today)
    with db.unit_of_work() as session:
        report = build(session, period=period, scope=Scope())
        elsewhere = build(session, period=period, scope=Scope(provinces=("تهران",)))
    employers = report.employers
    assert employers.posted == 4
    assert employers.by_status == {"approved": 1, "filled": 1, "rejected": 1, "pending": 1}
    assert employers.with_interest == 1 and employers.median_days_to_first_interest == 2.0
    assert elsewhere.employers.posted == 0
    line = next(line for line in text(report).splitlines() if line.startswith("🏢"))
    assert "۴ آگهی شغلی ثبت شد" in line and "۱ آگهی مددجوی علاقه‌مند داشت" in line and "۲ روز" in line
    assert "در این دوره آگهی شغلی ثبت نشده است" in text(elsewhere)
