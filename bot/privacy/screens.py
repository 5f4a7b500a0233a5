"""A client's own data in readable Persian: a short summary for the chat and a complete file."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handoff.labels import outcome_label, reason_label, stage_label
from bot.privacy import callbacks
from karyar.handoff.casebook import RawEntry
from karyar.identity.identifiers import IdentifierKind, mask
from karyar.members import member_label
from karyar.privacy.export import ClientData, StoredMessage
from karyar.resume.resume import note_line
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS, IDENTIFIER_LABELS, value_label
from persian.format import jalali_date, jalali_datetime, join_list, persian_text


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def _who(data: ClientData) -> list[str]:
    name = " ".join(part for part in (data.first_name, data.last_name) if part) or "—"
    lines = [_("My data: name").format(name=name + (f" (@{data.username})" if data.username else ""))]
    lines.append(_("My data: telegram id").format(id=persian_text(str(data.telegram_user_id))))
    lines.append(_("My data: first seen").format(when=jalali_date(data.first_seen_at)))
    if data.consent_given_at is not None:
        lines.append(
            _("My data: consent").format(
                when=jalali_datetime(data.consent_given_at), version=persian_text(data.consent_version or "")
            )
        )
    else:
        lines.append(_("My data: no consent"))
    lines.append(_("My data: news on") if data.subscribed else _("My data: news off"))
    return lines


def _fact_line(name: str, value: str) -> str:
    if (note := note_line(name, value)) is not None:  # a part of her résumé she wrote in her own words
        return f"{note[0]}: {persian_text(note[1])}"
    return f"{FACT_LABELS.get(name, name)}: {persian_text(value_label(name, value))}"


def _about(data: ClientData, *, masked: bool) -> list[str]:
    lines = [_fact_line(name, value) for name, value, _at in data.facts]
    for kind, value in data.identifiers.items():
        shown = mask(kind, value) if masked else persian_text(value)
        lines.append(f"{IDENTIFIER_LABELS[kind]}: {shown}")
    return lines


def _about_family(data: ClientData) -> str | None:
    """«همسر: سن: ۲۸، وضعیت شغلی: بیکار»: what the client told about each family member, if anything."""
    if not data.members:
        return None
    lines = [
        f"{member_label(member)}: " + join_list([_fact_line(name, value) for name, value, _at in facts])
        for member, facts in data.members
    ]
    return _("My data: about your family") + "\n" + _bullets(lines)


def _counts(data: ClientData) -> list[str]:
    sent = sum(1 for message in data.messages if message.inbound)
    lines = [
        _("My data: case").format(case=persian_text(str(case.id)), stage=stage_label(case.stage))
        for case in data.cases
    ]
    if data.handoffs:
        lines.append(_("My data: handoffs").format(count=persian_text(str(len(data.handoffs)))))
    lines.append(
        _("My data: messages").format(
            sent=persian_text(str(sent)), received=persian_text(str(len(data.messages) - sent))
        )
    )
    return lines


def summary_text(data: ClientData) -> str:
    parts = [_("My data: title"), _bullets(_who(data))]
    about = _about(data, masked=True)
    parts.append(
        _("My data: about you") + "\n" + (_bullets(about) if about else _("My data: nothing about you"))
    )
    if family := _about_family(data):
        parts.append(family)
    parts.append(_bullets(_counts(data)))
    parts.append(_("My data: what next"))
    return "\n\n".join(parts)


def summary_keyboard(client_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: my data file"), callback_data=callbacks.data(callbacks.FILE, client_id)
                )
            ],
            [
                InlineKeyboardButton(
                    _("Button: erase my data"), callback_data=callbacks.data(callbacks.ASK_ERASE, client_id)
                )
            ],
        ]
    )


def _entry_line(entry: RawEntry) -> str:
    when = jalali_datetime(entry.at)
    if entry.kind == "stage":
        stage_word = _("My data file: stage")
        return f"{when}: {stage_word} {stage_label(str(entry.data.get('stage')))}"
    detail = ""
    if entry.data.get("reason"):
        detail = reason_label(str(entry.data["reason"]))
    elif entry.data.get("outcome"):
        detail = outcome_label(str(entry.data["outcome"]))
    elif entry.data.get("title"):
        detail = str(entry.data["title"])
    elif entry.data.get("rating") is not None:
        detail = persian_text(f"{entry.data['rating']}/5")
    label = _("My data file: internal note") if entry.kind == "note" else entry.kind
    return f"{when}: {label}" + (f" — {detail}" if detail else "")


def _message_line(message: StoredMessage) -> str:
    speaker = _("My data file: you") if message.inbound else _("My data file: karyar")
    if message.with_counsellor and not message.inbound:
        speaker = _("My data file: counsellor")
    text = message.text if message.text is not None else f"[{message.kind}]"
    return f"[{jalali_datetime(message.at)}] {speaker}: {text}"


def file_text(data: ClientData) -> str:
    """Everything, with identifiers in full: the file goes only to the client's own chat."""
    sections = [_("My data file: title"), _bullets(_who(data))]
    about = _about(data, masked=False)
    sections.append(
        _("My data: about you") + "\n" + (_bullets(about) if about else _("My data: nothing about you"))
    )
    if family := _about_family(data):
        sections.append(family)
    for case in data.cases:
        lines = [_entry_line(entry) for entry in case.entries]
        title = _("My data: case").format(case=persian_text(str(case.id)), stage=stage_label(case.stage))
        sections.append(title + "\n" + _bullets(lines or ["—"]))
    if data.handoffs:
        lines = [
            f"{jalali_datetime(h.requested_at)}: {reason_label(h.reason)}"
            + (f" — {outcome_label(h.outcome)}" if h.outcome else "")
            + (f" — {persian_text(str(h.rating))}/۵" if h.rating else "")
            + (f" — «{h.rating_comment}»" if h.rating_comment else "")
            for h in data.handoffs
        ]
        sections.append(_("My data file: handoffs") + "\n" + _bullets(lines))
    if data.follow_ups:
        lines = [
            f"{jalali_date(f.due_at)}: " + persian_text(f"{f.months} ") + _("Timeline: months")
            for f in data.follow_ups
        ]
        sections.append(_("My data file: follow-ups") + "\n" + _bullets(lines))
    sections.append(
        _("My data file: messages") + "\n" + "\n".join(_message_line(message) for message in data.messages)
    )
    return "\n\n".join(sections) + "\n"


def erase_question_keyboard(client_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: erase confirm"), callback_data=callbacks.data(callbacks.ERASE, client_id)
                )
            ],
            [
                InlineKeyboardButton(
                    _("Button: erase keep"), callback_data=callbacks.data(callbacks.KEEP, client_id)
                )
            ],
        ]
    )


def identifier_labels(kinds: list[IdentifierKind]) -> str:
    return join_list([IDENTIFIER_LABELS[kind] for kind in kinds])
