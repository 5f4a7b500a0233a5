"""Colleagues registered for one end-to-end test, in a province of its own so its cards reach no other test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from karyar import clients
from karyar.db.engine import Database
from karyar.facts import ProfileFactName
from karyar.profile import record_fact
from karyar.staff import registry
from localapi import UserDriver
from tests.support.chat import Chat

_staff_ids = itertools.count(8_200_000_001)
PROVINCES = itertools.cycle(["یزد", "سمنان", "ایلام", "زنجان", "قم", "همدان", "اردبیل", "گیلان", "کرمان"])


@dataclass
class Team:
    """Colleagues registered for one test, removed from the registry when it ends."""

    api: UserDriver
    db: Database
    province: str
    members: list[int] = field(default_factory=list)

    def add(self, name: str, role: str = "counsellor") -> int:
        telegram_id = next(_staff_ids)
        self.api.add_user(telegram_id, name)
        with self.db.unit_of_work() as session:
            registry.add_member(
                session, telegram_user_id=telegram_id, name=name, role=role, provinces=[self.province]
            )
        self.members.append(telegram_id)
        return telegram_id

    def dismiss(self) -> None:
        with self.db.unit_of_work() as session:
            for telegram_id in self.members:
                registry.deactivate_member(session, telegram_user_id=telegram_id)

    def client(self, user_id: int) -> Chat:
        """A client who accepted the privacy notice and lives in the team's province."""
        chat = Chat(self.api, user_id)
        chat.accept_privacy_notice()
        with self.db.unit_of_work() as session:
            client = clients.find_client(session, telegram_user_id=user_id)
            assert client is not None
            record_fact(
                session,
                client_id=client.id,
                name=ProfileFactName.PROVINCE,
                value=self.province,
                source="test",
            )
        return chat
