"""A client's interest in a course or job lands once on their open case's timeline."""

from __future__ import annotations

import pytest

from karyar import cases, clients
from karyar.catalogue.interests import record_interest
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind
from tests.karyar.catalogue.factories import course, job


def test_interest_is_recorded_once_per_item_on_the_open_case(db: Database) -> None:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=7_000_000_009))
        sewing, sewing_job = course("C-1", title="دوخت مانتو"), job("J-1")
        session.add_all([sewing, sewing_job])
        session.flush()
        first = record_interest(session, client_id=client.id, kind="course", item_id=sewing.id)
        again = record_interest(session, client_id=client.id, kind="course", item_id=sewing.id)
        other = record_interest(session, client_id=client.id, kind="job", item_id=sewing_job.id)
        assert again.id == first.id and other.id != first.id
        assert first.data == {"kind": "course", "item_id": sewing.id, "code": "C-1", "title": "دوخت مانتو"}
        case = cases.open_case(session, client_id=client.id)
        timeline = cases.events(session, case_id=case.id, kind=CaseEventKind.INTEREST)
        assert [e.data["code"] for e in timeline] == ["C-1", "J-1"]
        with pytest.raises(LookupError):
            record_interest(session, client_id=client.id, kind="job", item_id=sewing.id + 999)
