"""A client's résumé in the chat, and the consent to share it with an employer through a counsellor.

- «رزومه من» shows her short résumé with «ویرایش رزومه» and «فایل PDF»; «رزومه‌ام را ویرایش کن» (or the
  button) asks which part, then the new answer, by button or typed (karyar.resume.editing).
- After she presses «علاقه‌مندم» on an employer's opening (a catalogue card or an alert), she is asked
  whether a counsellor may send her résumé to that employer («✅ بله، بفرستید» / «❌ نه»). With her yes, the
  counsellors of the employer's organisation and province get a card with «ارسال به کارفرما»; pressing it
  sends the résumé text and PDF to the employer's chat and tells her it went (karyar.resume.sharing).

Her messages and presses are stored like any other, so during a conversation with a counsellor they reach
the counsellor instead. Who is typing a correction is kept in memory for a while only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.broadcast.render import ALERT_PRESS_PATTERN
from bot.handlers.client import identity_of, keep, reply
from bot.keyboards import menu_payload
from bot.outbox import split_text
from bot.services import services
from karyar import clients, messages
from karyar.db.models import Client
from karyar.handoff.queue import active_handoff
from karyar.resume import consent, sharing
from karyar.resume.editing import CHOICES, Problem, correct
from karyar.resume.resume import (
    PHONE_KEPT,
    PHONE_SHARED,
    Part,
    Resume,
    build_resume,
    part_label,
    resume_text,
)
from karyar.resume.words import Asked, asked
from karyar.texts import _
from karyar.vocabulary import value_label

logger = logging.getLogger(__name__)

WAITING_KEY = "karyar.resume_waiting"
ANSWER_PATIENCE_SECONDS = 30 * 60
_MENU, _CONSENT, _SEND = "rsm", "rsc", "rss"


@dataclass(frozen=True, slots=True)
class Waiting:
    part: Part
    asked_at: float


class _AboutResume(filters.MessageFilter):
    """A client's text about her résumé, or her answer to the part she chose to correct."""

    def __init__(self, waiting: dict[int, Waiting]) -> None:
        super().__init__(name="about_resume")
        self.waiting = waiting

    def filter(self, message: Message) -> bool:
        if not message.text:
            return False
        user = message.from_user
        found = self.waiting.get(user.id) if user else None
        if (
            user is not None
            and found is not None
            and time.monotonic() - found.asked_at > ANSWER_PATIENCE_SECONDS
        ):
            self.waiting.pop(user.id, None)
            found = None
        if found is not None and user is not None and menu_payload(message.text) is not None:
            self.waiting.pop(user.id, None)  # she moved on: the menu is not her answer
            found = None
        return found is not None or asked(message.text) is not None


def _waiting(context: ContextTypes.DEFAULT_TYPE) -> dict[int, Waiting]:
    found: dict[int, Waiting] = context.bot_data[WAITING_KEY]
    return found


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(title, callback_data=data) for title, data in row] for row in rows]
    )


def _resume_buttons() -> InlineKeyboardMarkup:
    return _markup(
        [[(_("Resume: edit button"), f"{_MENU}:edit"), (_("Resume: file button"), f"{_MENU}:file")]]
    )


def _has_consent(session: Session, *, client_id: int) -> bool:
    return session.get_one(Client, client_id).consent_given_at is not None


async def _show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int, *, before: str = ""
) -> None:
    run = services(context).database.run_async
    if not await run(_has_consent, client_id=client_id):
        await reply(update, context, client_id, _("Resume problem: no_consent"))
        return
    resume = await run(build_resume, client_id=client_id)
    text = f"{before}\n\n{resume_text(resume)}" if before else resume_text(resume)
    await reply(update, context, client_id, text, reply_markup=_resume_buttons())


async def _ask_part(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int) -> None:
    parts = list(Part)
    rows = [
        [(part_label(part), f"{_MENU}:part:{part}") for part in parts[i : i + 2]]
        for i in range(0, len(parts), 2)
    ]
    await reply(update, context, client_id, _("Resume: which part"), reply_markup=_markup(rows))


async def _ask_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int, part: Part) -> None:
    if part in CHOICES:
        name = "education" if part is Part.EDUCATION else ""
        titles = {PHONE_SHARED: _("Resume: phone share button"), PHONE_KEPT: _("Resume: phone keep button")}
        rows = [
            [(titles.get(value) or value_label(name, value), f"{_MENU}:set:{part}:{value}")]
            for value in CHOICES[part]
        ]
        await reply(
            update,
            context,
            client_id,
            _("Resume: ask choice").format(label=part_label(part)),
            reply_markup=_markup(rows),
        )
        return
    _waiting(context)[identity_of(update).user_id] = Waiting(part, time.monotonic())
    question = (
        _("Resume: ask place") if part is Part.PLACE else _("Resume: ask text").format(label=part_label(part))
    )
    await reply(update, context, client_id, question)


def _problem_text(problem: Problem) -> str:
    return {
        Problem.NO_CONSENT: _("Resume problem: no_consent"),
        Problem.EMPTY: _("Resume problem: empty"),
        Problem.TOO_LONG: _("Resume problem: too_long"),
        Problem.IDENTIFIER: _("Resume problem: identifier"),
        Problem.UNKNOWN_PLACE: _("Resume problem: unknown_place"),
        Problem.UNKNOWN_CHOICE: _("Resume problem: unknown_choice"),
    }[problem]


async def _correct(
    update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int, part: Part, answer: str
) -> None:
    problem = await services(context).database.run_async(
        correct, client_id=client_id, part=part, answer=answer
    )
    if problem is None:
        await _show(update, context, client_id, before=_("Resume: corrected"))
        return
    if problem is not Problem.NO_CONSENT and part not in CHOICES:
        _waiting(context)[identity_of(update).user_id] = Waiting(part, time.monotonic())  # she may try again
    await reply(update, context, client_id, _problem_text(problem))


async def _pdf(resume: Resume, *, phone: str | None, heading: str | None = None) -> bytes | None:
    """The résumé's PDF, drawn off the event loop; None when its font is missing (the log says which)."""
    # fpdf costs the bot some 16 MiB: it is loaded with the first PDF asked for, not at start.
    from karyar.resume.pdf import FontMissingError, resume_pdf

    try:
        return await asyncio.to_thread(resume_pdf, resume, phone=phone, heading=heading)
    except FontMissingError:
        return None


async def _send_file(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int) -> None:
    run = services(context).database.run_async
    if not await run(_has_consent, client_id=client_id):
        await reply(update, context, client_id, _("Resume problem: no_consent"))
        return
    resume = await run(build_resume, client_id=client_id)
    # Her own file: the phone shows only if she chose to share it, as it would for an employer.
    document = await _pdf(resume, phone=resume.phone_masked if resume.phone_shared else None)
    if document is None:
        await reply(update, context, client_id, _("Resume: pdf failed"))
        return
    caption = _("Resume: pdf caption")
    await run(messages.log_outbound, client_id=client_id, kind="document", text=caption)
    await context.bot.send_document(
        identity_of(update).user_id, InputFile(document, filename="resume.pdf"), caption=caption
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    receipt = await keep(update, context, kind="text", text=message.text)
    if receipt.taken:
        return
    client_id, user_id = receipt.client_id, identity_of(update).user_id
    waiting = _waiting(context).pop(user_id, None)
    wanted = asked(message.text)
    if waiting is not None and wanted is None:
        if message.text.strip() == _("Resume: cancel word"):
            await reply(update, context, client_id, _("Resume: edit cancelled"))
        else:
            await _correct(update, context, client_id, waiting.part, message.text)
    elif wanted is Asked.EDIT:
        await _ask_part(update, context, client_id)
    elif wanted is Asked.FILE:
        await _send_file(update, context, client_id)
    else:
        await _show(update, context, client_id)


async def on_menu_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    receipt = await keep(update, context, kind="button", text=query.data)
    await query.answer()
    if receipt.taken:
        return
    client_id = receipt.client_id
    action, *rest = (query.data or "").split(":")[1:]
    if action == "edit":
        await _ask_part(update, context, client_id)
    elif action == "file":
        await _send_file(update, context, client_id)
    elif action == "part" and rest and rest[0] in set(Part):
        await _ask_answer(update, context, client_id, Part(rest[0]))
    elif action == "set" and len(rest) == 2 and rest[0] in set(Part):
        await _correct(update, context, client_id, Part(rest[0]), rest[1])


# --- consent per opening -------------------------------------------------------------------------------


def _pending(session: Session, *, telegram_user_id: int) -> tuple[int, list[consent.Question]] | None:
    client = clients.find_client(session, telegram_user_id=telegram_user_id)
    if client is None or active_handoff(session, client_id=client.id) is not None:
        return None  # in a conversation with a counsellor: asked after a later press
    return client.id, consent.ask_pending(session, client_id=client.id)


async def on_interest_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After any press a «علاقه‌مندم» may hide behind (a catalogue card's or an alert's), answered by then:
    one question for each employer's opening she has just shown interest in."""
    user = update.effective_user
    if user is None:
        return
    found = await services(context).database.run_async(_pending, telegram_user_id=user.id)
    if found is None:
        return
    client_id, questions = found
    for question in questions:
        data = f"{_CONSENT}:{question.consent_id}"
        await reply(
            update,
            context,
            client_id,
            _("Resume consent: question").format(title=question.title, business=question.business),
            reply_markup=_markup(
                [
                    [
                        (_("Resume consent: yes button"), f"{data}:y"),
                        (_("Resume consent: no button"), f"{data}:n"),
                    ]
                ]
            ),
        )


async def on_consent_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    receipt = await keep(update, context, kind="button", text=query.data)
    _prefix, consent_id, answer = (query.data or "::").split(":")
    decided = await s.database.run_async(
        consent.decide,
        client_id=receipt.client_id,
        consent_id=int(consent_id),
        agree=answer == "y",
        telegram_user_id=identity_of(update).user_id,
    )
    if decided is None:
        await query.answer(_("Unknown button"))
        return
    await query.answer(_("Resume consent: recorded"))
    if decided.changed and decided.agreed:
        await _post_cards(context, decided.consent_id)
    if receipt.taken:
        return
    if decided.already_sent:
        text = _("Resume consent: already sent")
    else:
        text = _("Resume consent: yes") if decided.agreed else _("Resume consent: no")
    await reply(update, context, receipt.client_id, text.format(title=decided.title))


async def _post_cards(context: ContextTypes.DEFAULT_TYPE, consent_id: int) -> None:
    s = services(context)
    card = await s.database.run_async(sharing.staff_card, consent_id=consent_id, cipher=s.cipher)
    if not card.recipients:
        logger.warning(
            "résumé %s: no active counsellor of the employer's organisation and province", consent_id
        )
    markup = _markup([[(_("Resume card: send button"), f"{_SEND}:{consent_id}")]]) if card.can_send else None
    for chat_id in card.recipients:
        try:
            await context.bot.send_message(chat_id, card.text, reply_markup=markup)
        except TelegramError as error:
            logger.warning("résumé card %s not delivered to staff %s: %s", consent_id, chat_id, error)


_REFUSALS = {
    sharing.Refusal.NOT_STAFF: "Resume card: not staff",
    sharing.Refusal.NO_CONSENT: "Resume card: no consent",
    sharing.Refusal.NO_TELEGRAM: "Resume card: no telegram",
    sharing.Refusal.ALREADY_SENT: "Resume card: already sent",
}


async def on_send_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    s = services(context)
    consent_id = int((query.data or "").split(":")[1])
    delivery = await s.database.run_async(
        sharing.claim_delivery, consent_id=consent_id, staff_telegram_id=user.id, cipher=s.cipher
    )
    if isinstance(delivery, sharing.Refusal):
        await query.answer(_(_REFUSALS[delivery]), show_alert=True)
        return
    try:
        for part in split_text(f"{delivery.text}\n\n{_('Resume employer: note')}"):
            await context.bot.send_message(delivery.employer_chat_id, part)
        # Without its font there is no PDF; the text above is the résumé.
        document = await _pdf(delivery.resume, phone=delivery.phone, heading=delivery.heading)
        if document is not None:
            await context.bot.send_document(
                delivery.employer_chat_id,
                InputFile(document, filename="resume.pdf"),
                caption=delivery.heading,
            )
    except TelegramError as error:
        logger.warning("résumé %s not delivered to the employer: %s", consent_id, error)
        await s.database.run_async(sharing.release_delivery, consent_id=consent_id)
        await query.answer(_("Resume card: send failed"), show_alert=True)
        return
    await query.answer(_("Resume card: sent"))
    if isinstance(query.message, Message):
        done = _("Resume card: sent by").format(name=user.full_name)
        await query.message.edit_text(f"{query.message.text}\n\n{done}")
    await s.outbox.send_text(
        context.bot,
        client_id=delivery.client_id,
        chat_id=delivery.client_telegram_id,
        text=_("Resume: sent to employer").format(title=delivery.title, business=delivery.business),
    )


def register(application: Application, group: int) -> None:
    """In the clients' group, before its catch-alls."""
    waiting: dict[int, Waiting] = application.bot_data.setdefault(WAITING_KEY, {})
    application.add_handlers(
        [
            MessageHandler(
                filters.UpdateType.MESSAGE
                & filters.ChatType.PRIVATE
                & ~filters.COMMAND
                & _AboutResume(waiting),
                on_text,
            ),
            CallbackQueryHandler(on_menu_press, pattern=rf"^{_MENU}:"),
            CallbackQueryHandler(on_consent_press, pattern=rf"^{_CONSENT}:\d{{1,18}}:[yn]$"),
            CallbackQueryHandler(on_send_press, pattern=rf"^{_SEND}:\d{{1,18}}$"),
        ],
        group=group,
    )


def register_after(application: Application, group: int) -> None:
    """In a group after the clients': the press has been answered (her interest recorded) by then."""
    application.add_handler(
        CallbackQueryHandler(on_interest_press, pattern=rf"^rb:|{ALERT_PRESS_PATTERN}"), group=group
    )
