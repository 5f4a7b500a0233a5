"""The application factory: one place that wires python-telegram-bot, Rasa and the case database."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot import limits
from bot.broadcast.gate import SendGate
from bot.broadcast.runner import start_sender
from bot.broadcast.traffic import ConversationTraffic
from bot.employer import desk as employer
from bot.handlers import (
    admin,
    alerts,
    announcement,
    broadcast_staff,
    client,
    counsellor,
    handoff_client,
    openings,
    privacy,
    report,
    resume,
)
from bot.handlers.errors import on_error
from bot.handoff.desk import HandoffDesk
from bot.observability.metrics import watch_queues
from bot.observability.server import HealthServer
from bot.outbox import Outbox
from bot.polling import InboxUpdateProcessor, retry_unhandled
from bot.privacy.desk import PrivacyDesk
from bot.rasa_client import RasaClient
from bot.relay import Relay
from bot.services import Services, attach, from_bot_data, services
from bot.staff_directory import StaffDirectory
from karyar import inbox
from karyar.db.engine import Database
from karyar.identity.cipher import DataCipher
from karyar.privacy import retention
from karyar.settings import Settings
from karyar.texts import _

logger = logging.getLogger(__name__)

# Updates of different clients are handled side by side; one client's are kept in order by the relay.
CONCURRENT_UPDATES = 64
RETENTION_INTERVAL_SECONDS = 6 * 3600
RETRY_INTERVAL_SECONDS = 15.0

Register = Callable[[Application, int], None]

# The order in which python-telegram-bot offers an update to the handlers: a row's position is its group.
# Within a group the first handler that matches takes the update; later groups still see it unless a
# handler stops it (ApplicationHandlerStop), as every staff handler does once it has answered.
HANDLER_GROUPS: tuple[tuple[Register, ...], ...] = (
    # Oversized callback data is refused before any handler reads it.
    (limits.register,),
    # A staff member's announcement flow: its typed answers and «اطلاعیه» must not be taken for a message
    # to their client or a question to Rasa.
    (broadcast_staff.register,),
    # /staff, /report and /openings (with the reason typed after «رد»): the counsellors' and clients'
    # catch-alls for private messages would take them.
    (admin.register, report.register, openings.register),
    # A counsellor's private message goes to their client, not to Rasa; a client's passes through.
    (counsellor.register,),
    # An employer's answers while they post an opening: only a user in that conversation is taken, so a job
    # seeker's messages pass on to the client handlers untouched.
    (employer.register,),
    # Buttons and clients' messages share one group, so the client handlers' catch-alls, registered last,
    # answer only what no feature took.
    (
        counsellor.register_case_buttons,
        handoff_client.register,
        announcement.register,
        alerts.register,
        privacy.register,
        resume.register,
        client.register,
    ),
    # After a press is answered (an interest recorded), the client is asked whether her résumé may go to
    # the employer of the opening.
    (resume.register_after,),
)


def bot_commands() -> list[BotCommand]:
    return [
        BotCommand("start", _("Command: start")),
        BotCommand("menu", _("Command: menu")),
        BotCommand("help", _("Command: help")),
        BotCommand("cancel", _("Command: cancel")),
        BotCommand("restart", _("Command: restart")),
        BotCommand("mydata", _("Command: my data")),
        BotCommand("deletemydata", _("Command: delete my data")),
    ]


async def _post_init(application: Application) -> None:
    try:
        await application.bot.set_my_commands(bot_commands())
    except TelegramError as error:
        # A Bot-API-compatible server may not implement it; the bot works without the command list.
        logger.warning(
            "setMyCommands is not available on this Bot API server (%s); continuing without it", error
        )
    s = from_bot_data(application.bot_data)
    watch_queues(s.database)
    s.health = HealthServer(
        database=s.database, rasa=s.rasa, listen=s.settings.BOT_HEALTH_LISTEN, port=s.settings.BOT_HEALTH_PORT
    )
    await s.health.start()
    await s.staff.refresh()
    if s.settings.BROADCAST_SENDER_IN_BOT:
        s.sender = await start_sender(database=s.database, settings=s.settings, gate=s.gate)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _answer_waiting, interval=s.settings.PENDING_RETRY_SECONDS, first=1.0, name="answer-waiting"
        )
        application.job_queue.run_repeating(
            _check_handoffs, interval=s.settings.HANDOFF_CHECK_SECONDS, first=2.0, name="check-handoffs"
        )
        application.job_queue.run_repeating(
            _retry_unhandled,
            interval=RETRY_INTERVAL_SECONDS,
            first=RETRY_INTERVAL_SECONDS,
            name="retry-unhandled",
        )
        application.job_queue.run_repeating(
            _apply_retention, interval=RETENTION_INTERVAL_SECONDS, first=30.0, name="retention"
        )


async def _post_shutdown(application: Application) -> None:
    s = from_bot_data(application.bot_data)
    if s.sender is not None:
        await s.sender.stop()
    if s.health is not None:
        await s.health.stop()
    await s.rasa.close()
    s.database.dispose()


async def _check_handoffs(context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    await s.staff.refresh()
    await s.desk.check(context.bot)


async def _retry_unhandled(context: ContextTypes.DEFAULT_TYPE) -> None:
    await retry_unhandled(context.application, services(context).database)


async def _apply_retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    older_than = retention.cutoff(retention_days=s.settings.MESSAGE_RETENTION_DAYS)
    total = 0
    while done := await s.database.run_async(retention.anonymise_batch, older_than=older_than):
        total += done
    if total:
        logger.info("retention: anonymised the texts of %d message(s)", total)
    await s.database.run_async(inbox.forget_old)


async def _answer_waiting(context: ContextTypes.DEFAULT_TYPE) -> None:
    served = await services(context).relay.answer_waiting(context.bot)
    if served:
        logger.info("answered the waiting messages of %d client(s)", served)


def build_application(settings: Settings, database: Database) -> Application:
    token = settings.require_bot_token()
    cipher = DataCipher.from_settings(settings)
    gate = SendGate(settings.BROADCAST_RATE_PER_SECOND)
    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .concurrent_updates(InboxUpdateProcessor(CONCURRENT_UPDATES, database))
        # Notes what conversations send, so a running broadcast slows down for them.
        .rate_limiter(ConversationTraffic(gate))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.TELEGRAM_PROXY_URL:
        builder = builder.proxy(settings.TELEGRAM_PROXY_URL).get_updates_proxy(settings.TELEGRAM_PROXY_URL)
    application = builder.build()

    rasa = RasaClient(
        settings.rasa_urls,
        auth_token=settings.RASA_AUTH_TOKEN,
        timeout=settings.RASA_TIMEOUT_SECONDS,
        action_server_url=settings.action_server_url,
    )
    outbox = Outbox(database)
    staff = StaffDirectory(database)
    desk = HandoffDesk(database=database, outbox=outbox, rasa=rasa, settings=settings, staff=staff)
    privacy_desk = PrivacyDesk(database=database, outbox=outbox, rasa=rasa, cipher=cipher, settings=settings)
    relay = Relay(
        database=database,
        rasa=rasa,
        outbox=outbox,
        desk=desk,
        privacy=privacy_desk,
        cipher=cipher,
        patience_seconds=settings.RASA_PATIENCE_SECONDS,
    )
    attach(
        application.bot_data,
        Services(
            settings=settings,
            database=database,
            rasa=rasa,
            outbox=outbox,
            relay=relay,
            desk=desk,
            staff=staff,
            gate=gate,
            cipher=cipher,
            privacy=privacy_desk,
        ),
    )
    for group, registers in enumerate(HANDLER_GROUPS):
        for register in registers:
            register(application, group)
    application.add_error_handler(on_error)
    return application
