"""What the handlers share, built once by the application factory and kept in `bot_data`."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.broadcast.gate import SendGate
from bot.broadcast.runner import RunningSender
from bot.handoff.desk import HandoffDesk
from bot.observability.server import HealthServer
from bot.outbox import Outbox
from bot.privacy.desk import PrivacyDesk
from bot.rasa_client import RasaClient
from bot.relay import Relay
from bot.staff_directory import StaffDirectory
from karyar.db.engine import Database
from karyar.identity.cipher import DataCipher
from karyar.settings import Settings

_KEY = "karyar"


@dataclass(slots=True)
class Services:
    settings: Settings
    database: Database
    rasa: RasaClient
    outbox: Outbox
    relay: Relay
    desk: HandoffDesk
    staff: StaffDirectory
    gate: SendGate
    cipher: DataCipher
    privacy: PrivacyDesk
    # The broadcast sender running inside the bot, if it does (BROADCAST_SENDER_IN_BOT).
    sender: RunningSender | None = None
    health: HealthServer | None = None


def attach(bot_data: dict[str, object], services: Services) -> None:
    bot_data[_KEY] = services


def from_bot_data(bot_data: dict[str, object]) -> Services:
    found = bot_data[_KEY]
    assert isinstance(found, Services)
    return found


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return from_bot_data(context.bot_data)
