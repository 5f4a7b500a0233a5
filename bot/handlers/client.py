"""Handlers for clients (job seekers) in private chats."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import keyboards, limits
from bot.media import media_kind
from bot.outbox import ReplyMarkup
from bot.privacy.screens import identifier_labels
from bot.services import services
from bot.update_identity import key_of
from karyar import buttons, clients, messages
from karyar.buttons import Unusable
from karyar.clients import TelegramIdentity
from karyar.clock import now
from karyar.eligibility.model import TOPIC_OF_INTENT
from karyar.facts import ProfileFactName
from karyar.identity import store as identifier_store
from karyar.identity.identifiers import IdentifierKind, Protected, Shielded, normalise_phone, shield
from karyar.inbound import Inbound, Receipt
from karyar.profile import record_facts_with_consent
from karyar.subscription import set_subscribed
from karyar.texts import _
from persian.text import to_ascii_digits

PRIVATE = filters.ChatType.PRIVATE
# Commands whose meaning Rasa owns: they reach it as intents, like a menu press.
RASA_COMMANDS = {"help": "/help", "cancel": "/stop", "restart": "/restart"}
# A request for courses, jobs or loans made this recently before the privacy notice was accepted is taken
# up again when it is.
RESUME_REQUESTS_WITHIN = timedelta(hours=1)


def is_blank(text: str) -> bool:
    """Nothing visible: whitespace, or only format characters such as ZWNJ and direction marks."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def identity_of(update: Update) -> TelegramIdentity:
    user = update.effective_user
    assert user is not None  # private-chat updates always have a sender
    return TelegramIdentity(
        user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def _inbound(
    update: Update,
    *,
    kind: str,
    text: str | None,
    rasa_text: str | None,
    identifiers: tuple[Protected, ...] = (),
) -> Inbound:
    """The message as it will be stored. National ids and phone numbers in it are kept only masked in the
    text (and so in Rasa and on counsellors' screens); their values travel apart, to be stored encrypted."""
    message = update.effective_message
    text, cut_from = limits.cut(text)
    rasa_text, _rasa_cut = limits.cut(rasa_text)
    shielded = shield(text) if text else None
    if shielded is not None and shielded.found_any:
        rasa_text = shielded.text if rasa_text == text else rasa_text
        text, identifiers = shielded.text, shielded.identifiers or identifiers
    return Inbound(
        identity=identity_of(update),
        kind=kind,
        text=text,
        rasa_text=rasa_text,
        telegram_message_id=message.message_id if message else None,
        telegram_update_id=update.update_id,
        telegram_update_key=key_of(update),
        identifiers=identifiers,
        extra={"cut_from": cut_from} if cut_from else None,
    )


async def keep(update: Update, context: ContextTypes.DEFAULT_TYPE, *, kind: str, text: str | None) -> Receipt:
    """Store a message that is not for Rasa; during a handoff it goes to the counsellor (`receipt.taken`)."""
    return await services(context).relay.receive(
        context.bot, _inbound(update, kind=kind, text=text, rasa_text=None)
    )


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    client_id: int,
    text: str,
    *,
    reply_markup: ReplyMarkup | None = None,
) -> None:
    await services(context).outbox.send_text(
        context.bot,
        client_id=client_id,
        chat_id=identity_of(update).user_id,
        text=text,
        reply_markup=reply_markup,
    )


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    receipt = await keep(update, context, kind="command", text="/start")
    if receipt.taken:
        return
    client_id = receipt.client_id
    user = identity_of(update)
    name = user.first_name or ""
    if await s.database.run_async(clients.has_consent, telegram_user_id=user.user_id):
        await reply(
            update,
            context,
            client_id,
            _("Welcome back").format(name=name),
            reply_markup=keyboards.main_menu(),
        )
        return
    await reply(update, context, client_id, _("Welcome, new client").format(name=name))
    await reply(update, context, client_id, _("Privacy notice"), reply_markup=keyboards.consent_keyboard())


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    receipt = await keep(update, context, kind="command", text="/menu")
    if receipt.taken:
        return
    client_id = receipt.client_id
    await reply(update, context, client_id, _("Menu prompt"), reply_markup=keyboards.main_menu())


async def on_rasa_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    await services(context).relay.receive(
        context.bot, _inbound(update, kind="command", text=message.text, rasa_text=RASA_COMMANDS[command])
    )


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    receipt = await keep(update, context, kind="command", text=message.text if message else None)
    if receipt.taken:
        return
    client_id = receipt.client_id
    await reply(update, context, client_id, _("Unknown command"))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    s = services(context)
    if is_blank(text):
        receipt = await keep(update, context, kind="text", text=text)
        if not receipt.taken:
            await reply(update, context, receipt.client_id, _("Empty message"))
        return
    if keyboards.ends_live_chat(text):
        # During a conversation the desk ends it; pressed later, from a keyboard left on screen, the menu
        # comes back instead of the words going to Rasa.
        receipt = await keep(update, context, kind="menu", text=text)
        if not receipt.taken:
            await reply(
                update,
                context,
                receipt.client_id,
                _("Handoff: no conversation to end"),
                reply_markup=keyboards.main_menu(),
            )
        return
    payload = keyboards.menu_payload(text)
    kind = "menu" if payload else "text"
    shielded = shield(text)
    if not shielded.found_any:
        await s.relay.receive(context.bot, _inbound(update, kind=kind, text=text, rasa_text=payload or text))
        return
    # «کد ملیم ۰۰۱۲۳۴۵۶۷۹»: the bot answers that itself; anything more in the message goes on to Rasa.
    rasa_text = None if shielded.only_identifiers else text
    receipt = await s.relay.receive(context.bot, _inbound(update, kind=kind, text=text, rasa_text=rasa_text))
    if not receipt.taken:
        await _answer_identifiers(update, context, receipt, shielded)


async def _answer_identifiers(
    update: Update, context: ContextTypes.DEFAULT_TYPE, receipt: Receipt, shielded: Shielded
) -> None:
    client_id = receipt.client_id
    if shielded.invalid:
        await reply(update, context, client_id, _("Identifier: national id invalid"))
    if not shielded.identifiers:
        return
    if not receipt.identifiers_stored:
        await _ask_consent_first(update, context, client_id)
        return
    labels = identifier_labels([value.kind for value in shielded.identifiers])
    await reply(update, context, client_id, _("Identifier: stored").format(what=labels))


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    accepted = query.data == keyboards.CONSENT_ACCEPT
    choice = _("Consent button: accept") if accepted else _("Consent button: decline")
    client_id = (await keep(update, context, kind="button", text=choice)).client_id
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if not accepted:
        await reply(update, context, client_id, _("Consent declined"), reply_markup=keyboards.main_menu())
        return
    newly_given = await s.database.run_async(clients.record_consent, client_id=client_id)
    request = None
    if newly_given:
        request = await s.database.run_async(
            messages.latest_request,
            client_id=client_id,
            intents=TOPIC_OF_INTENT.keys(),
            since=now() - RESUME_REQUESTS_WITHIN,
        )
    if request is not None:
        text = _("Consent accepted, request resumed")
    else:
        text = _("Consent accepted") if newly_given else _("Consent already given")
    await reply(update, context, client_id, text, reply_markup=keyboards.main_menu())
    if newly_given:
        # Asked once, when consent is first given; later the client says «خبرها را بفرست» or «خبر نفرست».
        await reply(update, context, client_id, _("News question"), reply_markup=keyboards.news_keyboard())
    if request is not None:
        # The request she made before accepting is taken up again: the questions it needs come now.
        await s.relay.receive(
            context.bot,
            Inbound(identity=identity_of(update), kind="resumed", text=request, rasa_text=request),
        )


async def on_news_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to the news question asked after consent.

    The buttons stay on the question: a later press (an old message, a double tap) applies the same choice
    again, which changes nothing and says so, or changes the client's mind in one tap.
    """
    query = update.callback_query
    assert query is not None
    s = services(context)
    wanted = query.data == keyboards.NEWS_YES
    choice = _("News button: yes") if wanted else _("News button: no")
    client_id = (await keep(update, context, kind="button", text=choice)).client_id
    await query.answer()
    changed = await s.database.run_async(
        set_subscribed, client_id=client_id, subscribed=wanted, source="after_consent"
    )
    if not wanted:
        text = _("News: not subscribed")
    else:
        text = _("News: subscribed") if changed else _("News: already subscribed")
    await reply(update, context, client_id, text)


async def on_rasa_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    ref = keyboards.parse_rasa_button(query.data)
    user_id = identity_of(update).user_id
    pressed = (
        await s.database.run_async(
            buttons.resolve, telegram_user_id=user_id, message_id=ref.message_id, index=ref.index
        )
        if ref
        else Unusable.UNKNOWN
    )
    if isinstance(pressed, Unusable):
        reason = _("Stale button") if pressed is Unusable.STALE else _("Unknown button")
        client_id = (await keep(update, context, kind="button", text=query.data)).client_id
        await query.answer(reason)
        await reply(update, context, client_id, reason, reply_markup=keyboards.main_menu())
        return
    await query.answer()
    if isinstance(query.message, Message) and not buttons.is_durable_payload(pressed.payload):
        # The choice is made: show it in place of the buttons, so nothing can be pressed twice.
        choice = _("Your choice").format(title=pressed.title)
        await query.message.edit_text(f"{query.message.text}\n\n{choice}")
    await s.relay.receive(
        context.bot, _inbound(update, kind="button", text=pressed.title, rasa_text=pressed.payload)
    )


async def on_unknown_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(_("Unknown button"))


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.contact is not None
    s = services(context)
    user_id = identity_of(update).user_id
    own = message.contact.user_id == user_id
    # Someone else's number is not stored at all: it is not the client's data to give.
    receipt = await keep(update, context, kind="contact", text=None if not own else "[contact]")
    client_id, message_id = receipt.client_id, receipt.message_id
    if not own:
        await reply(update, context, client_id, _("Only your own phone"))
        return
    phone = normalise_phone(message.contact.phone_number)
    if phone is None:
        # Not an Iranian number; still the client's own, so it is kept as Telegram gave it.
        phone = to_ascii_digits(message.contact.phone_number).strip()[:32]
    stored = await s.database.run_async(
        identifier_store.record_with_consent,
        cipher=s.cipher,
        client_id=client_id,
        values=[Protected(IdentifierKind.PHONE, phone)],
        source="telegram",
        source_message_id=message_id,
    )
    if not receipt.taken:
        await _after_shared_fact(update, context, client_id, stored, _("Phone recorded"))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.location is not None
    s = services(context)
    receipt = await keep(update, context, kind="location", text="[location]")
    client_id, message_id = receipt.client_id, receipt.message_id
    value = f"{message.location.latitude:.5f},{message.location.longitude:.5f}"
    stored = await s.database.run_async(
        record_facts_with_consent,
        client_id=client_id,
        facts=[(ProfileFactName.LOCATION, value)],
        source="telegram",
        source_message_id=message_id,
    )
    if not receipt.taken:
        await _after_shared_fact(update, context, client_id, stored, _("Location recorded"))


async def _after_shared_fact(
    update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int, stored: bool, confirmation: str
) -> None:
    if stored:
        await reply(update, context, client_id, confirmation)
        return
    await _ask_consent_first(update, context, client_id)


async def _ask_consent_first(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int) -> None:
    await reply(update, context, client_id, _("Consent needed for personal data"))
    await reply(update, context, client_id, _("Privacy notice"), reply_markup=keyboards.consent_keyboard())


def _media_reply(kind: str) -> str:
    if kind == "sticker":
        return _("Sticker received")
    if kind in {"voice", "audio", "video_note"}:
        return _("Voice received")
    if kind in {"photo", "video", "animation", "document"}:
        return _("Media received")
    return _("Unsupported message")


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, media and anything else that is not text: stored, and answered with a helpful word."""
    message = update.effective_message
    assert message is not None
    kind = media_kind(message)
    receipt = await keep(update, context, kind=kind, text=message.caption)
    if not receipt.taken:
        await reply(update, context, receipt.client_id, _media_reply(kind))


async def on_edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.edited_message
    assert message is not None
    receipt = await keep(update, context, kind="edit", text=message.text)
    if not receipt.taken:
        await reply(update, context, receipt.client_id, _("Edited message"))


def register(application: Application, group: int) -> None:
    new_message = filters.UpdateType.MESSAGE & PRIVATE
    application.add_handlers(
        [
            CommandHandler("start", on_start, filters=PRIVATE),
            CommandHandler("menu", on_menu, filters=PRIVATE),
            CommandHandler(list(RASA_COMMANDS), on_rasa_command, filters=PRIVATE),
            MessageHandler(new_message & filters.COMMAND, on_unknown_command),
            MessageHandler(new_message & filters.TEXT, on_text),
            MessageHandler(new_message & filters.CONTACT, on_contact),
            MessageHandler(new_message & filters.LOCATION, on_location),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, on_edited_message),
            MessageHandler(new_message, on_other_message),
            CallbackQueryHandler(on_consent, pattern=r"^consent:(yes|no)$"),
            CallbackQueryHandler(on_news_choice, pattern=r"^news:(yes|no)$"),
            CallbackQueryHandler(on_rasa_button, pattern=r"^rb:"),
            CallbackQueryHandler(on_unknown_callback),
        ],
        group=group,
    )
