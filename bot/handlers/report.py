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
from karyar.catalogue.reference import places
from karyar.reports import periods, reading
from karyar.reports.reading import FileFormat, Refusal
from karyar.reports.request import ReportRequest
from karyar.reports.scope import ORGANISATIONS, Scope
from karyar.reports.summary import text
from karyar.texts import _

logger = logging.getLogger(__name__)
COMMAND = "report"
PREFIX = "rp"
# Jalali days are sent as days since this one, so the data stays short (Telegram allows 64 bytes).
_EPOCH = jdatetime.date(1300, 1, 1)


@dataclass(frozen=True, slots=True)
class ExportPress:
    file_format: FileFormat
    request: ReportRequest


def export_data(file_format: FileFormat, request: ReportRequest) -> str:
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
    if len(parts) != 6 or parts[0] != PREFIX or parts[1] not in tuple(FileFormat):
        return None
    try:
        first = _EPOCH + jdatetime.timedelta(days=int(parts[2]))
        last = _EPOCH + jdatetime.timedelta(days=int(parts[3]))
        organisations = tuple(ORGANISATIONS[int(index)] for index in parts[4])
        provinces = tuple(places().provinces[int(index)] for index in parts[5].split(".") if index)
        period = periods.spanning(first, last)
    except (ValueError, IndexError, OverflowError):
        return None
    return ExportPress(FileFormat(parts[1]), ReportRequest(period, Scope(organisations, provinces)))


def _keyboard(request: ReportRequest) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Report: figures CSV"), callback_data=export_data(FileFormat.FIGURES_CSV, request)
                ),
                InlineKeyboardButton(
                    _("Report: rows CSV"), callback_data=export_data(FileFormat.ROWS_CSV, request)
                ),
            ],
            [InlineKeyboardButton(_("Report: Excel"), callback_data=export_data(FileFormat.XLSX, request))],
        ]
    )


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    s = services(context)
    request_text = " ".join(context.args or [])
    await message.reply_chat_action(ChatAction.TYPING)
    report = await s.database.run_async(
        reading.prepare,
        telegram_user_id=user.id,
        request_text=request_text,
        claim_target_minutes=s.settings.HANDOFF_ESCALATE_MINUTES,
    )
    if report is None:
        return  # a client: the client handlers record it and answer as any unknown command
    if isinstance(report, Refusal):
        await message.reply_text(report.reason)
        raise ApplicationHandlerStop
    parts = split_text(text(report))
    for part in parts[:-1]:
        await message.reply_text(part)
    request = ReportRequest(report.period, report.scope)
    await message.reply_text(parts[-1], reply_markup=_keyboard(request))
    # matplotlib and numpy cost the bot some 35 MiB: they are loaded with the first report, not at start.
    from karyar.reports import charts

    images = await asyncio.to_thread(charts.all_charts, report)  # drawing takes a while: not on the loop
    album = [
        InputMediaPhoto(chart.png, filename=f"{chart.name}.png", caption=chart.title) for chart in images
    ]
    try:
        await message.reply_media_group(album)
    except TelegramError as error:
        logger.warning("report charts could not be sent (%s); the figures were", error)
        await message.reply_text(_("Report: charts failed"))
    raise ApplicationHandlerStop  # handled: the client and counsellor groups must not answer it too


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    press = parse_export(query.data)
    if press is None:
        await query.answer(_("Report: stale button"), show_alert=True)
        raise ApplicationHandlerStop
    await query.answer(_("Report: preparing file"))
    s = services(context)
    file = await s.database.run_async(
        reading.export_file,
        telegram_user_id=user.id,
        request=press.request,
        file_format=press.file_format,
        claim_target_minutes=s.settings.HANDOFF_ESCALATE_MINUTES,
    )
    if isinstance(file, Refusal):
        await context.bot.send_message(user.id, file.reason)
        raise ApplicationHandlerStop
    caption = f"{press.request.period.label} — {press.request.scope.label()}"
    await context.bot.send_document(user.id, InputFile(file.content, filename=file.name), caption=caption)
    raise ApplicationHandlerStop


def register(application: Application, group: int) -> None:
    application.add_handler(CommandHandler(COMMAND, on_report, filters=filters.ChatType.PRIVATE), group=group)
    application.add_handler(CallbackQueryHandler(on_export, pattern=rf"^{PREFIX}:"), group=group)
