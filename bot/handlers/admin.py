"""`/staff`: administrators manage the staff registry from a private chat with the bot.

    /staff                      the active colleagues (`/staff list all` adds the deactivated ones)
    /staff add <id> <role> <name…> [org=…] [prov=…] [hours=…]
    /staff role <id> <role>
    /staff set <id> [name=…] [org=…] [prov=…] [hours=…]
    /staff remove <id>

<id> is the colleague's numeric Telegram user id; a role is counsellor, supervisor, staff or admin, or
مشاور، سرپرست، کارشناس، مدیر. An option's value runs to the next option, so names, provinces and hours may
contain spaces; lists are separated by commas (, or ،). An empty value means all organisations, all
provinces, or the office hours: `/staff set 123 prov= hours=`.

The handler runs in a group before the counsellor and client handlers, so the order of `register` calls
does not matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.handlers.counsellor import STAFF_GROUP
from bot.outbox import split_text
from bot.services import services
from bot.texts import _
from karyar.catalogue.labels import ORGANISATION
from karyar.db.models import StaffMember
from karyar.office_hours import PersonalHours
from karyar.staff import registry
from karyar.staff.access import authorise
from karyar.staff.registry import Problem, StaffError
from karyar.staff.roles import Permission
from persian.format import format_number, join_list

# Ahead of the counsellor and client groups: their catch-alls for private messages would take /staff.
GROUP = STAFF_GROUP - 1
OPTIONS = ("name", "org", "prov", "hours")
_OPTION = re.compile(rf"(?:^|\s)({'|'.join(OPTIONS)})=", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[,،]")
# Direction marks that Telegram clients add around mixed Persian and Latin text.
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UsageError(ValueError):
    """The command does not follow the /staff syntax."""


@dataclass(frozen=True, slots=True)
class StaffCommand:
    action: str  # list, add, role, set or remove
    telegram_user_id: int = 0
    role: str = ""
    name: str = ""
    options: dict[str, str] = field(default_factory=dict)
    include_inactive: bool = False


def parse_command(text: str) -> StaffCommand:
    """Read a /staff message; raises UsageError when it does not follow the syntax above."""
    parts = _BIDI_MARKS.sub("", text).split(maxsplit=1)  # the first word is /staff (or /staff@bot)
    head, options = _split_options(parts[1] if len(parts) == 2 else "")
    words = head.split()
    action, arguments = (words[0].lower(), words[1:]) if words else ("list", [])
    if action == "list" and arguments in ([], ["all"]) and not options:
        return StaffCommand("list", include_inactive=bool(arguments))
    if action == "remove" and len(arguments) == 1 and not options:
        return StaffCommand("remove", telegram_user_id=_telegram_id(arguments[0]))
    if action == "role" and len(arguments) == 2 and not options:
        return StaffCommand("role", telegram_user_id=_telegram_id(arguments[0]), role=arguments[1])
    if action == "add" and len(arguments) >= 3 and "name" not in options:
        return StaffCommand(
            "add",
            telegram_user_id=_telegram_id(arguments[0]),
            role=arguments[1],
            name=" ".join(arguments[2:]),
            options=options,
        )
    if action == "set" and len(arguments) == 1 and options:
        return StaffCommand("set", telegram_user_id=_telegram_id(arguments[0]), options=options)
    raise UsageError(action)


def _split_options(text: str) -> tuple[str, dict[str, str]]:
    """The words before the first option, and each option's value (up to the next option)."""
    head, *pairs = _OPTION.split(text)
    options: dict[str, str] = {}
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        if key.lower() in options:
            raise UsageError(f"{key} given twice")
        options[key.lower()] = value.strip()
    return head, options


def _telegram_id(word: str) -> int:
    if not word.isdecimal():  # Persian digits are decimal too, and int() reads them
        raise UsageError(word)
    return int(word)


def _items(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(value) if item.strip()]


def _list(session: Session, actor: int, command: StaffCommand) -> str:
    members = registry.list_members(session, include_inactive=command.include_inactive)
    if not members:
        return _("Staff list empty")
    header = _("Staff list header").format(count=format_number(len(members)))
    return "\n\n".join([header, *(member_card(member) for member in members)])


def _add(session: Session, actor: int, command: StaffCommand) -> str:
    member = registry.add_member(
        session,
        telegram_user_id=command.telegram_user_id,
        name=command.name,
        role=command.role,
        organisations=_items(command.options.get("org", "")),
        provinces=_items(command.options.get("prov", "")),
        hours=command.options.get("hours"),
        actor_telegram_user_id=actor,
    )
    return _confirmation(_("Staff added"), member)


def _role(session: Session, actor: int, command: StaffCommand) -> str:
    member = registry.update_member(
        session, telegram_user_id=command.telegram_user_id, role=command.role, actor_telegram_user_id=actor
    )
    return _confirmation(_("Staff role changed"), member)


def _set(session: Session, actor: int, command: StaffCommand) -> str:
    given = command.options
    changes: dict[str, Any] = {}
    if "name" in given:
        changes["name"] = given["name"]
    if "org" in given:
        changes["organisations"] = _items(given["org"])
    if "prov" in given:
        changes["provinces"] = _items(given["prov"])
    if "hours" in given:
        changes["hours"] = given["hours"]
    member = registry.update_member(
        session, telegram_user_id=command.telegram_user_id, actor_telegram_user_id=actor, **changes
    )
    return _confirmation(_("Staff updated"), member)


def _remove(session: Session, actor: int, command: StaffCommand) -> str:
    member = registry.deactivate_member(
        session, telegram_user_id=command.telegram_user_id, actor_telegram_user_id=actor
    )
    return _confirmation(_("Staff removed"), member)


ACTIONS: dict[str, Callable[[Session, int, StaffCommand], str]] = {
    "list": _list,
    "add": _add,
    "role": _role,
    "set": _set,
    "remove": _remove,
}


def perform(session: Session, *, actor: int, command: StaffCommand | None) -> str:
    """The reply to a /staff command (None: one that did not parse), after checking the sender may manage staff."""
    target = f"staff:{command.telegram_user_id}" if command and command.telegram_user_id else None
    allowed = authorise(
        session,
        telegram_user_id=actor,
        permission=Permission.MANAGE_STAFF,
        action=f"staff.{command.action if command else 'command'}",
        target=target,
    )
    if allowed is None:
        return _("Staff command refused")  # and nothing else: not even the syntax
    if command is None:
        return _("Staff usage")
    return ACTIONS[command.action](session, actor, command)


def _confirmation(text: str, member: StaffMember) -> str:
    return f"{text.format(name=member.name)}\n\n{member_card(member)}"


def member_card(member: StaffMember) -> str:
    organisations = [ORGANISATION.get(code, code) for code in member.organisations]
    return _("Staff member card").format(
        name=member.name,
        role=registry.ROLE_LABELS.get(member.role, member.role),
        # Latin digits, so the id can be copied into the next command as it is.
        telegram_id=member.telegram_user_id,
        organisations=join_list(organisations) or _("Staff: all organisations"),
        provinces=join_list(member.provinces) or _("Staff: all provinces"),
        hours=_hours(member.hours),
        status=_("Staff: active") if member.active else _("Staff: inactive"),
    )


def _hours(spec: str | None) -> str:
    hours = PersonalHours.parse(spec)
    return hours.describe() if hours else _("Staff: office hours")


def problem_text(error: StaffError) -> str:
    texts = {
        Problem.BAD_TELEGRAM_ID: _("Staff error: bad Telegram id"),
        Problem.BAD_NAME: _("Staff error: bad name"),
        Problem.UNKNOWN_ROLE: _("Staff error: unknown role"),
        Problem.UNKNOWN_ORGANISATION: _("Staff error: unknown organisation"),
        Problem.UNKNOWN_PROVINCE: _("Staff error: unknown province"),
        Problem.BAD_HOURS: _("Staff error: bad hours"),
        Problem.ALREADY_ACTIVE: _("Staff error: already active"),
        Problem.NOT_FOUND: _("Staff error: not found"),
        Problem.LAST_ADMIN: _("Staff error: last admin"),
    }
    return texts[error.problem].format(value=error.value)


async def on_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    try:
        command: StaffCommand | None = parse_command(message.text or "")
    except UsageError:
        command = None
    try:
        reply = await services(context).database.run_async(perform, actor=user.id, command=command)
    except StaffError as error:
        reply = problem_text(error)  # the unit of work rolled back: nothing changed
    await services(context).staff.refresh()
    for part in split_text(reply):
        await message.reply_text(part)
    raise ApplicationHandlerStop  # handled: no other group may answer it as well


def register(application: Application) -> None:
    application.add_handler(CommandHandler("staff", on_staff, filters=filters.ChatType.PRIVATE), group=GROUP)
