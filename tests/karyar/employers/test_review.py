"""Staff review on both backends: only staff of the opening's organisation and province see and decide it,
every decision and refusal is audited, and approved openings are what catalogue search lists."""

from __future__ import annotations

from sqlalchemy import select

from karyar.catalogue.importer import import_samples
from karyar.catalogue.search import JobQuery, search_jobs
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, JobOpening, OpeningStatus
from karyar.employers import review
from karyar.employers.errors import Problem
from karyar.identity.cipher import DataCipher
from tests.karyar.employers.conftest import (
    BEHZISTI_STAFF,
    COUNSELLOR,
    FARS_STAFF,
    TEHRAN_STAFF,
    add_reviewers,
    sewing_opening,
    workshop,
)

SEWING_IN_TEHRAN = JobQuery(field="خیاطی", province="تهران", city="تهران", gender="female", age=30)


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def test_each_reviewer_sees_the_pending_openings_of_their_scope_only(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        tehran = sewing_opening(session, workshop(session, cipher))
        shiraz = sewing_opening(
            session, workshop(session, cipher, province="فارس", city="شیراز"), title="اتوکار"
        )
        for_anyone = sewing_opening(session, workshop(session, cipher, organisation=None), title="برشکار")
        behzisti = sewing_opening(
            session, workshop(session, cipher, organisation="behzisti", city="شیراز", province="")
        )
        ids = {"tehran": tehran.id, "shiraz": shiraz.id, "anyone": for_anyone.id, "behzisti": behzisti.id}

    def seen(telegram_user_id: int | None) -> list[int]:
        with db.unit_of_work() as session:
            return [o.id for o in review.listing(session, telegram_user_id=telegram_user_id).openings]

    assert seen(TEHRAN_STAFF) == [ids["tehran"], ids["anyone"]]
    assert seen(FARS_STAFF) == [ids["shiraz"]]
    assert seen(BEHZISTI_STAFF) == [ids["anyone"], ids["behzisti"]]
    assert seen(None) == sorted(ids.values())  # the operator's command line
    with db.unit_of_work() as session:
        counsellor = review.listing(session, telegram_user_id=COUNSELLOR)
        client = review.listing(session, telegram_user_id=6_000_000_001)
    assert (counsellor.allowed, counsellor.known_staff, counsellor.openings) == (False, True, ())
    assert (client.allowed, client.known_staff) == (False, False)
    assert [(e.actor_telegram_user_id, e.allowed) for e in _audit(db, "opening.list")] == [
        (COUNSELLOR, False)
    ]


def test_an_approved_opening_is_listed_by_catalogue_search_without_the_employers_contact(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        opening_id = sewing_opening(session, workshop(session, cipher)).id
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 0  # pending: not yet
        outcome = review.approve(session, opening_id=opening_id, telegram_user_id=TEHRAN_STAFF)
        assert (
            outcome.done and outcome.opening is not None and outcome.opening.status == OpeningStatus.APPROVED
        )
        page = search_jobs(session, query=SEWING_IN_TEHRAN)
        (job,) = page.items
        assert (job.title, job.employer, job.organisations, job.employment_type) == (
            "چرخ‌کار",
            "تولیدی پوشاک نسیم",
            ["emdad"],
            "full_time",
        )
        assert job.contact is None and "0912" not in (job.requirements or "")
        assert job.wage_toman == 18_000_000 and "با بیمه" in (job.wage_text or "")
        assert "مناسب افراد دارای معلولیت" in (job.requirements or "")
        assert search_jobs(session, query=JobQuery(field="خیاطی", gender="male")).total == 0
        second = review.approve(session, opening_id=opening_id, telegram_user_id=TEHRAN_STAFF)
        assert second.problem == Problem.NOT_PENDING
    (entry,) = _audit(db, "opening.approve")
    assert (entry.actor_telegram_user_id, entry.actor_role, entry.target, entry.allowed) == (
        TEHRAN_STAFF,
        "staff",
        f"opening:{opening_id}",
        True,
    )


def test_staff_of_another_province_cannot_decide_and_the_attempt_is_audited(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        opening_id = sewing_opening(session, workshop(session, cipher)).id
    with db.unit_of_work() as session:
        assert (
            review.approve(session, opening_id=opening_id, telegram_user_id=FARS_STAFF).problem
            == Problem.NOT_ALLOWED
        )
        assert (
            review.approve(session, opening_id=opening_id, telegram_user_id=COUNSELLOR).problem
            == Problem.NOT_ALLOWED
        )
        assert review.show(session, opening_id=opening_id, telegram_user_id=FARS_STAFF).opening is None
    refused = [(e.actor_telegram_user_id, e.allowed) for e in _audit(db, "opening.approve")]
    assert refused == [(FARS_STAFF, False), (COUNSELLOR, False)]
    with db.unit_of_work() as session:
        assert session.scalars(select(JobOpening)).all() == []


def test_a_rejection_keeps_the_reason_for_the_employer_and_takes_an_approved_opening_out(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        opening_id = sewing_opening(session, workshop(session, cipher)).id
        review.approve(session, opening_id=opening_id, telegram_user_id=TEHRAN_STAFF)
        outcome = review.reject(
            session,
            opening_id=opening_id,
            reason="  بیمه باید از روز اول باشد ",
            telegram_user_id=TEHRAN_STAFF,
        )
        assert outcome.opening is not None
        assert (outcome.opening.status, outcome.opening.reject_reason) == (
            "rejected",
            "بیمه باید از روز اول باشد",
        )
        assert outcome.opening.decided_at is not None
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 0
    (entry,) = _audit(db, "opening.reject")
    assert entry.details == {"reason": "بیمه باید از روز اول باشد"}


def test_an_edit_is_audited_field_by_field_and_reaches_the_catalogue(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        opening_id = sewing_opening(session, workshop(session, cipher)).id
        review.approve(session, opening_id=opening_id, telegram_user_id=TEHRAN_STAFF)
        outcome = review.edit(
            session,
            opening_id=opening_id,
            changes={"title": "چرخ‌کار ماهر", "positions": 3, "gender": "any"},
            telegram_user_id=TEHRAN_STAFF,
        )
        assert outcome.opening is not None and outcome.opening.title == "چرخ‌کار ماهر"
        (job,) = search_jobs(session, query=JobQuery(field="خیاطی", gender="male")).items
        assert job.title == "چرخ‌کار ماهر"
    (entry,) = _audit(db, "opening.edit")
    assert entry.details == {
        "changes": {
            "title": {"from": "چرخ‌کار", "to": "چرخ‌کار ماهر"},
            "gender": {"from": "female", "to": "any"},
        }
    }


def test_a_catalogue_import_that_replaces_everything_keeps_the_employers_openings(
    db: Database, cipher: DataCipher
) -> None:
    from karyar.catalogue.columns import CatalogueKind
    from karyar.catalogue.importer import SAMPLE_FILES, import_sheet
    from karyar.catalogue.sheets import read_sheet

    with db.unit_of_work() as session:
        import_samples(session)
        opening_id = sewing_opening(session, workshop(session, cipher)).id
        review.approve(session, opening_id=opening_id, telegram_user_id=None)
        sheet = read_sheet(SAMPLE_FILES[CatalogueKind.JOBS])
        report = import_sheet(session, sheet, source="jobs.csv", kind=CatalogueKind.JOBS, replace=True)
        assert report.deactivated == 0
        posted = session.scalars(select(JobOpening).where(JobOpening.code == f"EMP-{opening_id}")).one()
        assert posted.active
