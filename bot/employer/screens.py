"""What the employer reads: each question with its buttons, the summary to correct, refusals, statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from karyar.catalogue import labels
from karyar.db.models import OpeningStatus
from karyar.employers import answers, cards
from karyar.employers.chat import CONTACT_MASKED, ChatState
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.publish import OPEN
from karyar.employers.store import OpeningState
from karyar.employers.values import EMPLOYER_ORGANISATIONS, MAX_POSITIONS, NAME_LIMIT, REQUIREMENTS_LIMIT
from karyar.texts import _
from persian.format import format_number, persian_text, toman

PREFIX = "emp"
ANSWER, EDIT, SUBMIT, CANCEL, NEW, STATUS = "a", "e", "s", "x", "n", "v"
# Ending an opening from the status list: asked («emp:f:filled:12»), confirmed (END), or kept.
END_ASK, END, KEEP = "f", "y", "k"

QUESTIONS: dict[str, str] = {
    "business_name": _("Employer question: business name"),
    "province": _("Employer question: province"),
    "city": _("Employer question: city"),
    "organisation": _("Employer question: organisation"),
    "sector": _("Employer question: sector"),
    "contact": _("Employer question: contact"),
    "title": _("Employer question: title"),
    "field": _("Employer question: field"),
    "positions": _("Employer question: positions"),
    "hours": _("Employer question: hours"),
    "wage": _("Employer question: wage"),
    "insured": _("Employer question: insured"),
    "requirements": _("Employer question: requirements"),
    "suits_disability": _("Employer question: suits disability"),
    "home_based": _("Employer question: home based"),
}
# The name of each answer in the summary and on its «✏️ ویرایش» button.
NAMES: dict[str, str] = {
    "business_name": _("Employer field: business name"),
    "province": _("Employer field: province"),
    "city": _("Employer field: city"),
    "organisation": _("Employer field: organisation"),
    "sector": _("Employer field: sector"),
    "contact": _("Employer field: contact"),
    "title": _("Employer field: title"),
    "field": _("Employer field: field"),
    "positions": _("Employer field: positions"),
    "hours": _("Employer field: hours"),
    "wage": _("Employer field: wage"),
    "insured": _("Employer field: insured"),
    "requirements": _("Employer field: requirements"),
    "suits_disability": _("Employer field: suits disability"),
    "home_based": _("Employer field: home based"),
}
_YES_NO = {answers.YES: _("Opening card: yes"), answers.NO: _("Opening card: no")}
_CHOICE_TITLES: dict[str, dict[str, str]] = {
    "organisation": {
        **{code: labels.ORGANISATION.get(code, code) for code in EMPLOYER_ORGANISATIONS},
        answers.NO_ORGANISATION: _("Employer button: any organisation"),
    },
    "hours": {code: labels.EMPLOYMENT_TYPE[code] for code in answers.CHOICES["hours"]},
    "insured": _YES_NO,
    "suits_disability": _YES_NO,
    "home_based": _YES_NO,
    "city": {answers.SKIP: _("Employer button: city not listed")},
    "requirements": {answers.SKIP: _("Employer button: no requirements")},
}


def data(action: str, *args: str) -> str:
    return ":".join((PREFIX, action, *args))


def parse(raw: str | None) -> tuple[str, ...] | None:
    parts = tuple((raw or "").split(":"))
    return parts[1:] if len(parts) >= 2 and parts[0] == PREFIX else None


def _button(title: str, action: str, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(title[:64], callback_data=data(action, *args))


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_button(_("Employer button: cancel"), CANCEL)]


def question(state: ChatState) -> tuple[str, InlineKeyboardMarkup]:
    """The question of the current step; buttons for its few choices, and «انصراف» always."""
    step = state.step
    choices = _CHOICE_TITLES.get(step, {})
    rows = [[_button(title, ANSWER, step, code)] for code, title in choices.items()]
    text = QUESTIONS[step]
    if step in state.answers:  # a correction: the answer it replaces is shown
        text += "\n" + _("Employer: now").format(value=shown(step, state.answers))
    return text, InlineKeyboardMarkup([*rows, _cancel_row()])


def shown(step: str, given: dict[str, Any]) -> str:
    """An answer as the summary shows it."""
    value = given.get(step)
    if step == "contact":
        return str(given.get(CONTACT_MASKED) or "—")
    if step == "wage":
        low, high = value or (None, None)
        if low is None and high is None:
            return _("Catalogue card: wage by agreement")
        if low != high:
            return _("Opening card: wage range").format(low=toman(low or 0), high=toman(high or 0))
        return toman(low or 0)
    if isinstance(value, bool):
        return _YES_NO[answers.YES if value else answers.NO]
    if value is None:
        return "—"
    if step == "positions":
        return format_number(int(value))
    if step == "organisation":
        return labels.ORGANISATION.get(value, value)
    if step == "hours":
        return labels.EMPLOYMENT_TYPE.get(value, value)
    return persian_text(str(value))


def summary(state: ChatState) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Employer summary: header")]
    lines += [f"• {NAMES[step]}: {shown(step, state.answers)}" for step in state.steps]
    lines.append(_("Employer summary: what next"))
    rows = [
        [_button(_("Employer button: edit").format(field=NAMES[step]), EDIT, step)] for step in state.steps
    ]
    rows.append([_button(_("Employer button: submit"), SUBMIT)])
    return "\n".join(lines), InlineKeyboardMarkup([*rows, _cancel_row()])


def screen(state: ChatState) -> tuple[str, InlineKeyboardMarkup]:
    return summary(state) if state.step == answers.SUMMARY else question(state)


def refusal(error: OpeningError, state: ChatState) -> str:
    """A polite re-ask naming what is expected."""
    value = persian_text(error.value) if error.value else ""
    if error.problem == Problem.BAD_NUMBER:
        if state.step == "positions":
            return _("Employer problem: positions").format(high=format_number(MAX_POSITIONS))
        return _("Employer problem: wage")
    if error.problem == Problem.UNKNOWN_CHOICE:
        return _("Employer problem: choose")
    texts = {
        Problem.BAD_NAME: _("Employer problem: name").format(limit=format_number(NAME_LIMIT)),
        Problem.BAD_TITLE: _("Employer problem: text").format(
            limit=format_number(REQUIREMENTS_LIMIT if state.step == "requirements" else NAME_LIMIT)
        ),
        Problem.UNKNOWN_PROVINCE: _("Employer problem: province").format(value=value),
        Problem.UNKNOWN_CITY: _("Employer problem: city").format(value=value),
        Problem.CITY_ELSEWHERE: _("Employer problem: city elsewhere").format(
            value=value, province=state.answers.get("province", "")
        ),
        Problem.BAD_CONTACT: _("Employer problem: contact"),
        Problem.UNKNOWN_FIELD: _("Employer problem: field").format(value=value),
        Problem.WAGE_REVERSED: _("Employer problem: wage reversed"),
        Problem.UNKNOWN_ORGANISATION: _("Employer problem: choose"),
    }
    return texts.get(error.problem, _("Employer problem: choose"))


def submitted(opening_id: int, organisation: str | None, province: str) -> str:
    chosen = [organisation] if organisation else list(EMPLOYER_ORGANISATIONS)
    names = _("Catalogue suits: or").join(labels.ORGANISATION.get(code, code) for code in chosen)
    return _("Employer: submitted").format(
        number=format_number(opening_id), organisations=names, province=province
    )


def statuses(states: Sequence[OpeningState]) -> str:
    if not states:
        return _("Employer status: none")
    lines = [_("Employer status: header")]
    for state in states:
        line = _("Employer status: line").format(
            number=format_number(state.id),
            title=persian_text(state.title),
            status=cards.STATUS.get(state.status, state.status),
            interested=format_number(state.interested),
        )
        if state.reject_reason:
            line += "\n" + _("Opening card: reject reason").format(reason=state.reject_reason)
        lines.append(line)
    return "\n\n".join(lines)


def status_menu(states: Sequence[OpeningState]) -> InlineKeyboardMarkup:
    """Under the statuses: for each open opening «نیرو پیدا شد» and «حذف آگهی», then the employer's menu."""
    rows = [_end_buttons(state.id) for state in states if state.status in OPEN]
    return InlineKeyboardMarkup([*rows, *employer_menu().inline_keyboard])


def _end_buttons(opening_id: int) -> list[InlineKeyboardButton]:
    number, code = format_number(opening_id), str(opening_id)
    return [
        _button(_("Employer button: filled").format(number=number), END_ASK, OpeningStatus.FILLED, code),
        _button(_("Employer button: withdraw").format(number=number), END_ASK, OpeningStatus.WITHDRAWN, code),
    ]


_END_TEXTS = {
    OpeningStatus.FILLED: (
        _("Employer end: confirm filled"), _("Employer button: confirm filled"), _("Employer end: filled")
    ),
    OpeningStatus.WITHDRAWN: (
        _("Employer end: confirm withdrawn"), _("Employer button: confirm withdrawn"), _("Employer end: withdrawn")
    ),
}  # fmt: skip


def end_question(opening_id: int, title: str, status: OpeningStatus) -> tuple[str, InlineKeyboardMarkup]:
    """Whether to end the opening so: confirm, or keep it as it is."""
    question_text, confirm, _done = _END_TEXTS[status]
    text = question_text.format(number=format_number(opening_id), title=persian_text(title))
    rows = [
        [_button(confirm, END, status, str(opening_id))],
        [_button(_("Employer button: keep"), KEEP, str(opening_id))],
    ]
    return text, InlineKeyboardMarkup(rows)


def ended(opening_id: int, title: str, status: OpeningStatus) -> str:
    return _END_TEXTS[status][2].format(number=format_number(opening_id), title=persian_text(title))


def end_refusal(problem: Problem | None, status: str | None) -> str:
    """A press on an opening that ended meanwhile, or is not the employer's."""
    if problem == Problem.NOT_PENDING and status is not None:
        return _("Employer end: already ended").format(status=cards.STATUS.get(status, status))
    return _("Employer end: not found")


def employer_menu() -> InlineKeyboardMarkup:
    """For a registered employer: a new opening, or how the posted ones are doing."""
    return InlineKeyboardMarkup(
        [
            [_button(_("Employer button: new opening"), NEW)],
            [_button(_("Employer button: status"), STATUS)],
        ]
    )
