"""The privacy desk: shows clients their data, sends it as a file, and erases it when they confirm."""

from __future__ import annotations

import asyncio
import io
import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InputFile
from telegram.error import TelegramError

from bot.keyboards import main_menu
from bot.outbox import Outbox
from bot.privacy import screens
from bot.rasa_client import RasaClient, RasaUnavailableError
from karyar.db.engine import Database
from karyar.identity.cipher import DataCipher
from karyar.privacy import erasure, workflow
from karyar.privacy.erasure import Erasure, ErasureRefusal
from karyar.privacy.export import ClientData, client_data
from karyar.rasa_conversations import forget_conversation_sql
from karyar.settings import Settings
from karyar.texts import _

logger = logging.getLogger(__name__)

FILE_NAME = "karyar-my-data.txt"


class PrivacyDesk:
    def __init__(
        self, *, database: Database, outbox: Outbox, rasa: RasaClient, cipher: DataCipher, settings: Settings
    ) -> None:
        self._settings = settings
        self._db = database
        self._outbox = outbox
        self._rasa = rasa
        self._cipher = cipher

    async def _data(self, client_id: int) -> ClientData:
        return await self._db.run_async(client_data, client_id=client_id, cipher=self._cipher)

    async def show(self, bot: Bot, *, client_id: int, chat_id: int) -> None:
        data = await self._data(client_id)
        await self._outbox.send_text(
            bot,
            client_id=client_id,
            chat_id=chat_id,
            text=screens.summary_text(data),
            reply_markup=screens.summary_keyboard(client_id),
        )

    async def send_file(self, bot: Bot, *, client_id: int, chat_id: int) -> None:
        data = await self._data(client_id)
        content = screens.file_text(data).encode("utf-8")
        try:
            await bot.send_document(
                chat_id,
                InputFile(io.BytesIO(content), filename=FILE_NAME),
                caption=_("My data file: caption"),
            )
        except TelegramError as error:
            logger.error("could not send the data file of client %s: %s", client_id, error)
            await self._outbox.send_text(
                bot, client_id=client_id, chat_id=chat_id, text=_("My data file: failed")
            )
            return
        await self._db.run_async(
            workflow.record_file_sent, client_id=client_id, file_name=FILE_NAME, size=len(content)
        )

    async def ask_erasure(self, bot: Bot, *, client_id: int, chat_id: int) -> None:
        await self._outbox.send_text(
            bot,
            client_id=client_id,
            chat_id=chat_id,
            text=_("Erase: question"),
            reply_markup=screens.erase_question_keyboard(client_id),
        )

    async def erase(self, bot: Bot, *, client_id: int, chat_id: int) -> Erasure | ErasureRefusal:
        done = await self._db.run_async(erasure.erase_client, client_id=client_id)
        if isinstance(done, ErasureRefusal):
            await self._outbox.send_text(
                bot, client_id=client_id, chat_id=chat_id, text=_("Erase: in conversation")
            )
            return done
        try:
            # A SQL tracker store keeps every event whatever the API is told: delete them there too.
            await asyncio.to_thread(forget_conversation_sql, self._settings, str(chat_id))
            await self._rasa.forget(sender_id=str(chat_id))
        except (RasaUnavailableError, SQLAlchemyError) as error:
            # The case database is clean; Rasa's copy of the conversation needs the operator.
            logger.error("client %s was erased but Rasa's tracker could not be emptied: %s", client_id, error)
        logger.info(
            "client %s erased: %d messages, %d facts, %d identifiers",
            client_id,
            done.messages,
            done.facts,
            done.identifiers,
        )
        await self._outbox.send_text(
            bot, client_id=client_id, chat_id=chat_id, text=_("Erase: done"), reply_markup=main_menu()
        )
        return done
