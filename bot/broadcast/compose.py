"""The screens of the staff's guided broadcast flow: what each step says and which buttons it offers.

Buttons carry "bc:<draft id>:<action>[:<argument>[:<index>]]"; option values are never in the data,
only their place in the list (or a course's id), so Persian names need not fit in Telegram's 64 bytes.
Typed input (part of a course's name or its code, a link, cities, fields, an age range, a time) is read
here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import jdatetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from karyar.broadcast.audience import AGE_KEY, FILTER_FACTS, OLDEST, Audience
from karyar.broadcast.content import BUTTON_TITLE_LIMIT, MAX_BUTTONS
from karyar.broadcast.workflow import Actor, ButtonInfo, CourseChoices, CourseRef, Draft
from karyar.catalogue.reference import compact_key, fields, places
from karyar.clock import now
from karyar.data_files import read_data_file
from karyar.facts import ProfileFactName
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS, VALUE_LABELS, value_label
from persian.format import (
    IRAN_TIME,
    format_number,
    jalali_date,
    jalali_datetime,
    join_list,
    join_parts,
    persian_text,
)
from persian.text import LIST_SEPARATORS, RANGE_WORD, to_ascii_digits

PATTERN = r"^bc:"
_DATA = re.compile(r"^bc:(\d{1,18}):([a-z]{1,8})(?::([a-z_]{1,16}|\d{1,12}))?(?::(\d{1,3}))?$")
# Facts chosen from buttons, and those typed (cities and fields are too many to list).
TOGGLED = (
    ProfileFactName.ORGANISATION,
    ProfileFactName.PROVINCE,
    ProfileFactName.GENDER,
    ProfileFactName.TARGET_GROUP,
    ProfileFactName.EDUCATION,
)
TYPED = (ProfileFactName.CITY, ProfileFactName.FIELD, AGE_KEY)
FILTERS: tuple[str, ...] = (*FILTER_FACTS, AGE_KEY)
PAGE_SIZE = 10
BUTTON_VALUES_CHARS = 28
COURSE_TITLE_CHARS = 36
# Cities and fields are typed as a list or one to a line.
_SEPARATORS = re.compile(rf"(?:{LIST_SEPARATORS.pattern}|\n)+")
_AGE = re.compile(rf"^\s*(\d{{1,3}})?{RANGE_WORD.pattern}(\d{{1,3}})?\s*$")
_DIGITS = re.compile(r"(\d+)")
_ONE_AGE = re.compile(r"^\s*(\d{1,3})\s*$")
_LINK = re.compile(r"^(.+?)\s*[|｜]\s*(\S+)\s*$", re.DOTALL)
WORDS_FILE = Path(__file__).resolve().parent / "compose_words.yml"


@dataclass(frozen=True, slots=True)
class Press:
    draft_id: int
    action: str
    argument: str | None = None
    index: int | None = None


def data(draft_id: int, action: str, argument: str | int | None = None, index: int | None = None) -> str:
    parts = [f"bc:{draft_id}:{action}"]
    if argument is not None:
        parts.append(str(argument))
    if index is not None:
        parts.append(str(index))
    encoded = ":".join(parts)
    assert _DATA.match(encoded) and len(encoded.encode()) <= 64, encoded
    return encoded


def parse(raw: str | None) -> Press | None:
    match = _DATA.match(raw or "")
    if match is None:
        return None
    return Press(int(match[1]), match[2], match[3], int(match[4]) if match[4] else None)


@cache
def _start_word_key() -> str:
    words = read_data_file(WORDS_FILE)
    return compact_key(str(words["start_word"]))


def is_word_command(text: str | None) -> bool:
    return bool(text) and compact_key(text or "") == _start_word_key()


def _button(
    text: str, draft_id: int, action: str, argument: str | int | None = None, index: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data(draft_id, action, argument, index))


def _quit(draft_id: int) -> list[InlineKeyboardButton]:
    return [_button(_("Broadcast button: quit"), draft_id, "quit")]


# --- step 0 and 1: starting, the message ------------------------------------------------------------------


def resume_offer(draft_id: int) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = [
        [_button(_("Broadcast button: continue draft"), draft_id, "cont")],
        [_button(_("Broadcast button: new announcement"), draft_id, "fresh")],
        _quit(0),
    ]
    return _("Broadcast compose: resume draft").format(number=format_number(draft_id)), InlineKeyboardMarkup(
        keyboard
    )


def ask_message(draft_id: int) -> tuple[str, InlineKeyboardMarkup]:
    return _("Broadcast compose: ask message"), InlineKeyboardMarkup([_quit(draft_id)])


# --- step 2: buttons ------------------------------------------------------------------------------------


def course_label(course: CourseRef | None, *, title_chars: int | None = None) -> str:
    """A course as staff know it: «خیاطی لباس مجلسی (مشهد، ۲۱ آذر ۱۴۰۵)», never its code alone."""
    if course is None:
        return _("Broadcast compose: course gone")
    title = persian_text(course.title)
    return _("Broadcast compose: course label").format(
        title=_short(title, title_chars) if title_chars else title,
        place=course.place,
        date=jalali_date(course.starts_at),
    )


def button_line(info: ButtonInfo) -> str:
    if info.kind == "course":
        return _("Broadcast compose: course button line").format(
            title=info.title, course=course_label(info.course)
        )
    if info.kind == "link":
        return _("Broadcast compose: link button line").format(title=info.title, url=info.detail)
    return _("Broadcast compose: interest button line").format(title=info.title)


def buttons_list(draft: Draft) -> str:
    if not draft.button_info:
        return _("Broadcast compose: no buttons")
    return "\n".join(button_line(info) for info in draft.button_info)


def buttons_screen(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Broadcast compose: buttons").format(
        limit=format_number(MAX_BUTTONS), buttons=buttons_list(draft)
    )
    rows = []
    if len(draft.buttons) < MAX_BUTTONS:
        rows += [
            [_button(_("Broadcast button: add course"), draft.id, "btn", "course")],
            [_button(_("Broadcast button: add interest"), draft.id, "btn", "interest")],
            [_button(_("Broadcast button: add link"), draft.id, "btn", "link")],
        ]
    if draft.buttons:
        rows.append([_button(_("Broadcast button: remove buttons"), draft.id, "btn", "clear")])
        rows.append([_button(_("Broadcast button: continue"), draft.id, "btn", "next")])
    else:
        rows.append([_button(_("Broadcast button: no buttons"), draft.id, "btn", "next")])
    rows.append(_quit(draft.id))
    return text, InlineKeyboardMarkup(rows)


def back_to_buttons(draft_id: int, prompt: str) -> tuple[str, InlineKeyboardMarkup]:
    return prompt, InlineKeyboardMarkup(
        [[_button(_("Broadcast button: back"), draft_id, "edit", "btn")], _quit(draft_id)]
    )


def _course_keyboard(draft_id: int, courses: tuple[CourseRef, ...]) -> InlineKeyboardMarkup:
    rows = [
        [_button(course_label(course, title_chars=COURSE_TITLE_CHARS), draft_id, "crs", course.id)]
        for course in courses
    ]
    rows += [[_button(_("Broadcast button: back"), draft_id, "edit", "btn")], _quit(draft_id)]
    return InlineKeyboardMarkup(rows)


def _or_pick(upcoming: CourseChoices) -> str:
    return _("Broadcast compose: or pick an upcoming course") if upcoming.courses else ""


def ask_course(draft_id: int, upcoming: CourseChoices) -> tuple[str, InlineKeyboardMarkup]:
    """Part of a course's name (or its code) to type, or one of the upcoming courses to press."""
    prompt = _("Broadcast compose: ask course")
    hint = _or_pick(upcoming) or _("Broadcast compose: no upcoming courses")
    return f"{prompt}\n\n{hint}", _course_keyboard(draft_id, upcoming.courses)


def course_matches(draft_id: int, typed: str, found: CourseChoices) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Broadcast compose: course matches").format(count=format_number(found.total), text=typed)
    if found.total > len(found.courses):
        text += "\n" + _("Broadcast compose: more course matches").format(
            shown=format_number(len(found.courses))
        )
    return text, _course_keyboard(draft_id, found.courses)


def no_course_match(draft_id: int, typed: str, upcoming: CourseChoices) -> tuple[str, InlineKeyboardMarkup]:
    """Nothing by that name: try again, or pick an upcoming course."""
    text = _("Broadcast compose: no course match").format(text=typed)
    hint = _or_pick(upcoming)
    return (f"{text}\n{hint}" if hint else text), _course_keyboard(draft_id, upcoming.courses)


def with_courses(text: str, draft: Draft) -> str:
    """The text with a line for each course the announcement links, by name (the confirmation and the
    approval request show no buttons list)."""
    lines = [
        _("Broadcast compose: linked course").format(course=course_label(info.course))
        for info in draft.button_info
        if info.kind == "course"
    ]
    return "\n".join([text, *lines])


@dataclass(frozen=True, slots=True)
class CourseInput:
    text: str  # part of the course's name, or its code
    title: str | None


def read_course_input(text: str) -> CourseInput:
    """«مجلسی», «C-THR-001», or either with the button's own title: «مجلسی | ثبت‌نام در دوره»."""
    wanted, _sep, title = text.partition("|")
    return CourseInput(" ".join(wanted.split()), title.strip() or None)


def read_link(text: str) -> tuple[str, str] | None:
    """(title, url) from «عنوان | https://…», or None."""
    match = _LINK.match(text.strip())
    if match is None:
        return None
    return " ".join(match[1].split()), match[2]


def title_fits(title: str) -> bool:
    return 0 < len(title) <= BUTTON_TITLE_LIMIT


# --- step 3: the audience ---------------------------------------------------------------------------------


def filter_label(name: str) -> str:
    return FACT_LABELS[ProfileFactName(name)]


def values_text(audience: Audience, name: str) -> str:
    if name == AGE_KEY:
        return age_text(audience)
    values = audience.facts.get(name)
    if not values:
        return _("Broadcast compose: everyone")
    return join_list([value_label(name, value) for value in values])


def age_text(audience: Audience) -> str:
    low, high = audience.age_min, audience.age_max
    if low is None and high is None:
        return _("Broadcast compose: everyone")
    if high is None:
        return _("Broadcast compose: age from").format(low=persian_text(str(low)))
    if low is None:
        return _("Broadcast compose: age up to").format(high=persian_text(str(high)))
    return _("Broadcast compose: age range").format(low=persian_text(str(low)), high=persian_text(str(high)))


def describe_audience(audience: Audience) -> str:
    """The filters in force, for a summary: «استان: تهران؛ جنسیت: زن», or every subscriber."""
    parts = [
        f"{filter_label(name)}: {values_text(audience, name)}"
        for name in FILTERS
        if (name == AGE_KEY and (audience.age_min is not None or audience.age_max is not None))
        or (name != AGE_KEY and audience.facts.get(name))
    ]
    return join_parts(parts) if parts else _("Broadcast compose: every subscriber")


def _short(text: str, limit: int = BUTTON_VALUES_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def audience_screen(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"{filter_label(name)}: {values_text(draft.audience, name)}" for name in FILTERS]
    text = _("Broadcast compose: audience").format(
        filters="\n".join(lines), count=format_number(draft.recipients)
    )
    buttons = [
        _button(f"{filter_label(name)}: {_short(values_text(draft.audience, name))}", draft.id, "f", name)
        for name in FILTERS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(_("Broadcast button: continue"), draft.id, "prev")])
    rows.append(_quit(draft.id))
    return text, InlineKeyboardMarkup(rows)


def options(name: str, actor: Actor) -> list[tuple[str, str]]:
    """(value, label) a staff member may choose for a fact: within their organisations and provinces."""
    if name == ProfileFactName.PROVINCE:
        return [(p, p) for p in places().provinces if not actor.provinces or p in actor.provinces]
    values = list(VALUE_LABELS[name])
    if name == ProfileFactName.ORGANISATION and actor.organisations:
        values = [v for v in values if v in actor.organisations]
    return [(value, value_label(name, value)) for value in values]


def options_screen(draft: Draft, name: str, actor: Actor, page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    choices = options(name, actor)
    chosen = set(draft.audience.facts.get(name, ()))
    pages = max(1, -(-len(choices) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = list(enumerate(choices))[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [
        _button(("✅ " if value in chosen else "") + label, draft.id, "t", name, index)
        for index, (value, label) in shown
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if pages > 1:
        turn = []
        if page > 0:
            turn.append(_button(_("Broadcast button: previous page"), draft.id, "pg", name, page - 1))
        if page < pages - 1:
            turn.append(_button(_("Broadcast button: next page"), draft.id, "pg", name, page + 1))
        rows.append(turn)
    rows.append(
        [
            _button(_("Broadcast button: all"), draft.id, "all", name),
            _button(_("Broadcast button: done"), draft.id, "aud"),
        ]
    )
    text = _("Broadcast compose: choose values").format(
        label=filter_label(name),
        values=values_text(draft.audience, name),
        count=format_number(draft.recipients),
    )
    return text, InlineKeyboardMarkup(rows)


def typed_screen(draft: Draft, name: str) -> tuple[str, InlineKeyboardMarkup]:
    prompts = {
        ProfileFactName.CITY: _("Broadcast compose: ask cities"),
        ProfileFactName.FIELD: _("Broadcast compose: ask fields"),
        AGE_KEY: _("Broadcast compose: ask age"),
    }
    text = _("Broadcast compose: typed filter").format(
        label=filter_label(name),
        values=values_text(draft.audience, name),
        count=format_number(draft.recipients),
        prompt=prompts[name],
    )
    keyboard = [
        [
            _button(_("Broadcast button: all"), draft.id, "all", name),
            _button(_("Broadcast button: back"), draft.id, "aud"),
        ]
    ]
    return text, InlineKeyboardMarkup(keyboard)


def split_names(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def read_cities(text: str) -> tuple[list[str], list[str]]:
    """(canonical city names, names not recognised)."""
    known: list[str] = []
    unknown: list[str] = []
    for name in split_names(text):
        city = places().city(name)
        (known if city else unknown).append(city or name)
    return known, unknown


def read_fields(text: str) -> tuple[list[str], list[str]]:
    known: list[str] = []
    unknown: list[str] = []
    for name in split_names(text):
        field = fields().canonical(name)
        (known if field else unknown).append(field or name)
    return known, unknown


def read_age_range(text: str) -> tuple[int | None, int | None] | None:
    """«۱۸-۳۵», «18 تا 35», «۱۸-» (and older), «-۳۵», or one age; None if it is not a range of ages."""
    # Digits set apart, so «۱۸تا۳۵» typed without spaces still has the word «تا» on its own.
    cleaned = _DIGITS.sub(r" \1 ", to_ascii_digits(text))
    low: int | None
    high: int | None
    one = _ONE_AGE.match(cleaned)
    if one:
        low = high = int(one[1])
    else:
        match = _AGE.match(cleaned)
        if match is None or (match[1] is None and match[2] is None):
            return None
        low = int(match[1]) if match[1] else None
        high = int(match[2]) if match[2] else None
    if any(age is not None and not 0 <= age <= OLDEST for age in (low, high)):
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


# --- step 4 and 5: the preview and when ----------------------------------------------------------------------


def summary_screen(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Broadcast compose: summary").format(
        count=format_number(draft.recipients),
        audience=describe_audience(draft.audience),
        buttons=buttons_list(draft),
    )
    if draft.recipients == 0:
        text += "\n\n" + _("Broadcast compose: nobody")
    rows = []
    if draft.recipients:
        rows.append(
            [
                _button(_("Broadcast button: send now"), draft.id, "now"),
                _button(_("Broadcast button: schedule"), draft.id, "at"),
            ]
        )
    rows.append(
        [
            _button(_("Broadcast button: edit message"), draft.id, "edit", "msg"),
            _button(_("Broadcast button: edit buttons"), draft.id, "edit", "btn"),
            _button(_("Broadcast button: edit audience"), draft.id, "edit", "aud"),
        ]
    )
    rows.append(_quit(draft.id))
    return text, InlineKeyboardMarkup(rows)


def time_example(moment: datetime | None = None) -> str:
    """Tomorrow at 10:00 Iran time, written as staff should type it: «۱۴۰۵/۰۹/۱۱ ۱۰:۰۰»."""
    local = ((moment or now()) + timedelta(days=1)).astimezone(IRAN_TIME)
    day = jdatetime.date.fromgregorian(date=local.date())
    return persian_text(f"{day.year}/{day.month:02d}/{day.day:02d} 10:00")


def ask_time(draft_id: int) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Broadcast compose: ask time").format(example=time_example())
    keyboard = [
        [_button(_("Broadcast button: send now"), draft_id, "now")],
        [_button(_("Broadcast button: back"), draft_id, "prev")],
        _quit(draft_id),
    ]
    return text, InlineKeyboardMarkup(keyboard)


# --- step 6: confirmation --------------------------------------------------------------------------------


def confirm_screen(draft: Draft, *, approval_required: bool) -> tuple[str, InlineKeyboardMarkup]:
    count = format_number(draft.recipients)
    if draft.send_at is None:
        text = _("Broadcast compose: confirm now").format(count=count)
    else:
        text = _("Broadcast compose: confirm at").format(count=count, when=jalali_datetime(draft.send_at))
    text = with_courses(text, draft)
    if approval_required:
        text += "\n" + _("Broadcast compose: approval note")
    rows = [
        [_button(_("Broadcast button: confirm").format(count=count), draft.id, "go")],
        [_button(_("Broadcast button: back"), draft.id, "prev")],
        _quit(draft.id),
    ]
    return text, InlineKeyboardMarkup(rows)


def when_text(send_at: datetime | None) -> str:
    return jalali_datetime(send_at) if send_at else _("Broadcast compose: right away")
