"""What counsellors and waiting clients see: case cards, waiting notices, lists and the case timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handoff import callbacks
from bot.handoff.labels import (
    distress_label,
    event_label,
    follow_up_answer_labels,
    outcome_labels,
    reason_label,
    result_label,
    stage_label,
)
from karyar.handoff.casework import FoundCase, ListedHandoff
from karyar.handoff.snapshot import CaseSnapshot
from karyar.handoff.views import Colleague
from karyar.handoff.waiting import WaitingInfo
from karyar.identity.identifiers import IdentifierKind
from karyar.office_hours import describe_moment
from karyar.texts import _
from karyar.vocabulary import IDENTIFIER_LABELS
from persian.format import jalali_datetime, join_list, ltr, persian_text

# A card stays readable on a phone: long recent messages are cut.
_QUOTE_LIMIT = 200


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def card_text(snapshot: CaseSnapshot) -> str:
    parts = [
        _("Card: title").format(case=persian_text(str(snapshot.case_id))),
        _("Card: reason").format(reason=reason_label(snapshot.reason)),
        _("Card: client").format(
            name=snapshot.client_name,
            username=f" {ltr('@' + snapshot.username)}" if snapshot.username else "",
        ),
        _("Card: stage").format(stage=stage_label(snapshot.stage)),
        _("Card: requested at").format(when=jalali_datetime(snapshot.requested_at)),
    ]
    if snapshot.distress:
        parts.append(
            _("Card: distress").format(signs=join_list([distress_label(k) for k in snapshot.distress]))
        )
    if snapshot.details.get("title"):
        parts.append(_("Card: about item").format(title=snapshot.details["title"]))
    if snapshot.facts:
        facts = [f"{label}: {persian_text(value)}" for label, value in snapshot.facts]
        parts.append(_("Card: facts") + "\n" + _bullets(facts))
    if snapshot.members:
        members = [
            f"{member}: " + join_list([f"{label} {persian_text(value)}" for label, value in facts])
            for member, facts in snapshot.members
        ]
        parts.append(_("Card: family members") + "\n" + _bullets(members))
    if snapshot.services:
        services = [f"{title}: {result_label(status)}" for title, status in snapshot.services]
        parts.append(_("Card: eligibility") + "\n" + _bullets(services))
    if snapshot.priority:
        parts.append(_("Card: priority").format(group=snapshot.priority))
    if snapshot.interests:
        parts.append(_("Card: interests") + "\n" + _bullets(snapshot.interests))
    if snapshot.recent:
        lines = [
            ("👤 " if message.from_client else "🤖 ") + _shorten(message.text) for message in snapshot.recent
        ]
        parts.append(_("Card: recent messages") + "\n" + "\n".join(lines))
    if snapshot.claimed_by:
        parts.append(_("Card: claimed by").format(name=snapshot.claimed_by))
    return "\n\n".join(parts)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


def claim_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: claim"), callback_data=callbacks.counsellor(callbacks.CLAIM, handoff_id)
                )
            ]
        ]
    )


def conversation_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    """Under a claimed case's card: the counsellor's tools."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: transfer"), callback_data=callbacks.counsellor(callbacks.TRANSFER, handoff_id)
                ),
                InlineKeyboardButton(
                    _("Button: close case"), callback_data=callbacks.counsellor(callbacks.CLOSE, handoff_id)
                ),
            ],
            [reveal_button(handoff_id)],
        ]
    )


def reveal_button(handoff_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        _("Button: reveal identifiers"), callback_data=callbacks.counsellor(callbacks.REVEAL, handoff_id)
    )


def revealed_text(values: dict[IdentifierKind, str]) -> str:
    """Shown only to the counsellor who pressed (an alert), never posted where colleagues read."""
    if not values:
        return _("Reveal: nothing recorded")
    return "\n".join(f"{IDENTIFIER_LABELS[kind]}: {persian_text(value)}" for kind, value in values.items())


def outcome_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.counsellor(callbacks.OUTCOME, handoff_id, outcome)
                )
            ]
            for outcome, label in outcome_labels().items()
        ]
    )


def transfer_keyboard(handoff_id: int, colleagues: Sequence[Colleague]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                member.name,
                callback_data=callbacks.counsellor(callbacks.TRANSFER_TO, handoff_id, str(member.id)),
            )
        ]
        for member in colleagues
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Button: to supervisors"),
                callback_data=callbacks.counsellor(
                    callbacks.TRANSFER_TO, handoff_id, callbacks.TO_SUPERVISORS
                ),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def waiting_text(info: WaitingInfo) -> str:
    if not info.office_open and info.back_at is not None:
        return _("Handoff: after hours").format(back=describe_moment(info.back_at))
    if info.position <= 1:
        return _("Handoff: first in line").format(minutes=persian_text(str(info.minutes)))
    return _("Handoff: in line").format(
        position=persian_text(str(info.position)), minutes=persian_text(str(info.minutes))
    )


def cancel_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: stop waiting"), callback_data=callbacks.client(callbacks.CANCEL, handoff_id)
                )
            ]
        ]
    )


def rating_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    stars = [
        InlineKeyboardButton(
            persian_text(str(score)) + "⭐",
            callback_data=callbacks.client(callbacks.RATE, handoff_id, str(score)),
        )
        for score in range(1, 6)
    ]
    return InlineKeyboardMarkup([stars])


def comment_keyboard(handoff_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Button: write a comment"),
                    callback_data=callbacks.client(callbacks.COMMENT, handoff_id),
                ),
                InlineKeyboardButton(
                    _("Button: no comment"), callback_data=callbacks.client(callbacks.NO_COMMENT, handoff_id)
                ),
            ]
        ]
    )


def follow_up_keyboard(follow_up_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.client(callbacks.FOLLOW_UP, follow_up_id, answer)
                )
            ]
            for answer, label in follow_up_answer_labels().items()
        ]
    )


def handoff_list(title: str, items: Sequence[ListedHandoff], *, empty: str) -> str:
    if not items:
        return empty
    lines = [
        _("List: handoff line").format(
            case=persian_text(str(item.case_id)),
            name=item.client_name,
            reason=reason_label(item.reason),
            since=jalali_datetime(item.since),
        )
        + (f" — {item.claimed_by}" if item.claimed_by else "")
        for item in items
    ]
    return title + "\n\n" + "\n".join(lines)


def list_keyboard(items: Sequence[ListedHandoff], action: str) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    label = _("Button: claim") if action == callbacks.CLAIM else _("Button: open case")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{label} {persian_text(str(item.case_id))}",
                    callback_data=callbacks.counsellor(action, item.handoff_id),
                )
            ]
            for item in items
        ]
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # "stage" or a CaseEventKind
    actor: str
    detail: str


def timeline_text(case_id: int, client_name: str, entries: Sequence[TimelineEntry]) -> str:
    lines = []
    for entry in entries:
        what = (
            _("Timeline: stage").format(stage=stage_label(entry.detail))
            if entry.kind == "stage"
            else event_label(entry.kind) + (f": {entry.detail}" if entry.detail else "")
        )
        lines.append(f"{jalali_datetime(entry.at)} — {what} ({entry.actor})")
    header = _("Timeline: title").format(case=persian_text(str(case_id)), name=client_name)
    return header + "\n\n" + "\n".join(lines)


def case_buttons(found: Sequence[FoundCase]) -> InlineKeyboardMarkup:
    """One button per case found, opening the case's timeline."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{persian_text(str(case.case_id))} — {case.client_name}",
                    callback_data=callbacks.counsellor(callbacks.TIMELINE, case.case_id),
                )
            ]
            for case in found
        ]
    )
