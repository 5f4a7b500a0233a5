"""`/report`: staff and supervisors read the figures of a period in their private chat with the bot.

    /report                         this month
    /report ماه قبل بهزیستی تهران   a period, an organisation and a province, in any order

The answer is the summary text, the three charts as one album, and buttons for the CSV and Excel files.
The buttons carry the period's Iran days and the scope's indexes, not a session, so they still work after
a restart; each press is checked against the registry again and audited like the report.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import jdatetime
from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, InputMediaPhoto, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.outbox import split_text
from bot.services import services
from karyar.texts import _
from karyar.catalogue.reference import places
from karyar.reports import charts, export, periods, service
from karyar.reports.figures import Report
from karyar.reports.periods import PeriodError
from karyar.reports.request import ReportRequest, RequestError, parse, within
from karyar.reports.scope import ORGANISATIONS, Scope
from karyar.reports.summary import text
from karyar.staff.access import active_member

logger = logging.getLogger(__name__)
COMMAND = "report"
PREFIX = "rp"
FORMATS = ("csv", "rows", "xlsx")
# Jalali days are sent as days since this one, so the data stays short (Telegram allows 64 bytes).
_EPOCH = jdatetime.date(1300, 1, 1)


@dataclass(frozen=True, slots=True)
class ExportPress:
    file_format: str
    request: ReportRequest


def export_data(file_format: str, request: ReportRequest) -> str:
    first = periods.jalali_day(request.period.start)
    last = periods.jalali_day(request.period.end) - jdatetime.timedelta(days=1)
    organisations = "".join(str(ORGANISATIONS.index(o)) for o in request.scope.organisations)
    provinces = ".".join(str(places().provinces.index(p)) for p in request.scope.provinces)
    return (
        f"{PREFIX}:{file_format}:{(first - _EPOCH).days}:{(last - _EPOCH).days}:{organisations}:{provinces}"
    )


def parse_export(data: str | None) -> ExportPress | None:
    """The press, or None for data that is not a well-formed export button (forged or garbled)."""
    parts = (data or "").split(":")
    if len(parts) != 6 or parts[0] != PREFIX or parts[1] not in FORMATS:
        return None
    try:
        first = _EPOCH + jdatetime.timedelta(days=int(parts[2]))
        last = _EPOCH + jdatetime.timedelta(days=int(parts[3]))
        organisations = tuple(ORGANISATIONS[int(index)] for index in parts[4])
        provinces = tuple(places().provinces[int(index)] for index in parts[5].split(".") if index)
        period = periods.spanning(first, last)
    except (ValueError, IndexError, OverflowError):
        return None
    return ExportPress(parts[1], ReportRequest(period, Scope(organisations, provinces)))


def _keyboard(request: ReportRequest) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Report: figures CSV"), callback_data=export_data("csv", request)),
                InlineKeyboardButton(_("Report: rows CSV"), callback_data=export_data("rows", request)),
            ],
            [InlineKeyboardButton(_("Report: Excel"), callback_data=export_data("xlsx", request))],
        ]
    )


def _prepare(
    session: Session, *, telegram_user_id: int, request_text: str, claim_target: float
) -> Report | str | None:
    """The report, or the Persian reason there is none (not allowed, or a request that cannot be read);
    None for someone who is not in the staff registry at all."""
    member = service.reader(session, telegram_user_id=telegram_user_id)
    if member is None:
        return (
            None
            if active_member(session, telegram_user_id=telegram_user_id) is None
            else _("Report: not allowed")
        )
    try:
        request = parse(request_text, allowed=service.allowed_scope(member))
    except (PeriodError, RequestError) as error:
        return str(error)
    return service.build(
        session,
        request=request,
        actor_telegram_user_id=telegram_user_id,
        actor_role=member.role,
        claim_target_minutes=claim_target,
    )


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    s = services(context)
    request_text = " ".join(context.args or [])
    await message.reply_chat_action(ChatAction.TYPING)
    outcome = await s.database.run_async(
        _prepare,
        telegram_user_id=user.id,
        request_text=request_text,
        claim_target=s.settings.HANDOFF_ESCALATE_MINUTES,
    )
    if outcome is None:
        return  # a client: the client handlers record it and answer as any unknown command
    if not isinstance(outcome, Report):
        await message.reply_text(outcome)
        raise ApplicationHandlerStop
    report = outcome
    parts = split_text(text(report))
    for part in parts[:-1]:
        await message.reply_text(part)
    request = ReportRequest(report.period, report.scope)
    await message.reply_text(parts[-1], reply_markup=_keyboard(request))
    images = await asyncio.to_thread(
        charts.all_charts, report
    )  # drawing takes a while: not on the event loop
    album = [
        InputMediaPhoto(chart.png, filename=f"{chart.name}.png", caption=chart.title) for chart in images
    ]
    try:
        await message.reply_media_group(album)
    except TelegramError as error:
        logger.warning("report charts could not be sent (%s); the figures were", error)
        await message.reply_text(_("Report: charts failed"))
    raise ApplicationHandlerStop  # handled: the client and counsellor groups must not answer it too


def _export(
    session: Session, *, telegram_user_id: int, press: ExportPress, claim_target: float
) -> tuple[str, bytes] | str:
    """The file asked for, or the Persian reason there is none."""
    member = service.reader(session, telegram_user_id=telegram_user_id)
    if member is None:
        return _("Report: not allowed")
    try:  # the reader's scope may have narrowed since the report was sent
        within(press.request.scope, service.allowed_scope(member))
    except RequestError as error:
        return str(error)
    report = service.build(
        session,
        request=press.request,
        actor_telegram_user_id=telegram_user_id,
        actor_role=member.role,
        claim_target_minutes=claim_target,
    )
    if press.file_format == "csv":
        return "figures.csv", export.figures_csv(report)
    if press.file_format == "rows":
        return "rows.csv", export.rows_csv(session, report)
    return "report.xlsx", export.xlsx_bytes(session, report)


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    press = parse_export(query.data)
    if press is None:
        await query.answer(_("Report: stale button"), show_alert=True)
        raise ApplicationHandlerStop
    await query.answer(_("Report: preparing file"))
    s = services(context)
    outcome = await s.database.run_async(
        _export, telegram_user_id=user.id, press=press, claim_target=s.settings.HANDOFF_ESCALATE_MINUTES
    )
    if isinstance(outcome, str):
        await context.bot.send_message(user.id, outcome)
        raise ApplicationHandlerStop
    name, content = outcome
    caption = f"{press.request.period.label} — {press.request.scope.label()}"
    await context.bot.send_document(user.id, InputFile(content, filename=name), caption=caption)
    raise ApplicationHandlerStop


def register(application: Application, group: int) -> None:
    application.add_handler(CommandHandler(COMMAND, on_report, filters=filters.ChatType.PRIVATE), group=group)
    application.add_handler(CallbackQueryHandler(on_export, pattern=rf"^{PREFIX}:"), group=group)
