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

The handler's group, ahead of the counsellors' and clients' catch-alls, is set in the application factory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.outbox import split_text
from bot.services import services
from karyar.catalogue.labels import ORGANISATION
from karyar.db.engine import Database
from karyar.office_hours import PersonalHours
from karyar.staff import registry, workflow
from karyar.staff.registry import UNSET, Problem, StaffError
from karyar.staff.workflow import MemberCard, StaffAnswer
from karyar.texts import _
from persian.format import LIST_SEPARATOR, format_number, join_list

OPTIONS = ("name", "org", "prov", "hours")
_OPTION = re.compile(rf"(?:^|\s)({'|'.join(OPTIONS)})=", re.IGNORECASE)
# Commas only, Latin or Persian: a semicolon is not a separator here.
_LIST_SEPARATOR = re.compile(f"[,{LIST_SEPARATOR.strip()}]")
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


async def answer(database: Database, *, actor: int, command: StaffCommand | None) -> str:
    """The reply to a /staff command (None: one that did not parse), after checking the sender may manage
    staff; raises StaffError when the registry refuses the change."""
    if command is None:
        allowed = await database.run_async(workflow.may_manage, actor=actor)
        return _("Staff usage") if allowed else _("Staff command refused")
    found = await _perform(database, actor, command)
    if not found.allowed:
        return _("Staff command refused")  # and nothing else: not even the syntax
    if command.action == "list":
        return _list_text(found.members)
    member = found.members[0]
    return f"{_confirmation(command.action).format(name=member.name)}\n\n{member_card(member)}"


async def _perform(database: Database, actor: int, command: StaffCommand) -> StaffAnswer:
    run, target, given = database.run_async, command.telegram_user_id, command.options
    if command.action == "list":
        return await run(workflow.list_staff, actor=actor, include_inactive=command.include_inactive)
    if command.action == "add":
        return await run(
            workflow.add_staff,
            actor=actor,
            telegram_user_id=target,
            name=command.name,
            role=command.role,
            organisations=_items(given.get("org", "")),
            provinces=_items(given.get("prov", "")),
            hours=given.get("hours"),
        )
    if command.action == "role":
        return await run(workflow.change_role, actor=actor, telegram_user_id=target, role=command.role)
    if command.action == "set":
        return await run(
            workflow.update_staff,
            actor=actor,
            telegram_user_id=target,
            name=given.get("name", UNSET),
            organisations=_items(given["org"]) if "org" in given else UNSET,
            provinces=_items(given["prov"]) if "prov" in given else UNSET,
            hours=given.get("hours", UNSET),
        )
    return await run(workflow.remove_staff, actor=actor, telegram_user_id=target)


def _confirmation(action: str) -> str:
    confirmations = {
        "add": _("Staff added"),
        "role": _("Staff role changed"),
        "set": _("Staff updated"),
        "remove": _("Staff removed"),
    }
    return confirmations[action]


def _list_text(members: tuple[MemberCard, ...]) -> str:
    if not members:
        return _("Staff list empty")
    header = _("Staff list header").format(count=format_number(len(members)))
    return "\n\n".join([header, *(member_card(member) for member in members)])


def member_card(member: MemberCard) -> str:
    organisations = [ORGANISATION.get(code, code) for code in member.organisations]
    return _("Staff member card").format(
        name=member.name,
        role=registry.ROLE_LABELS.get(member.role, member.role),
        # Latin digits, so the id can be copied into the next command as it is.
        telegram_id=member.telegram_user_id,
        organisations=join_list(organisations) or _("Staff: all organisations"),
        provinces=join_list(list(member.provinces)) or _("Staff: all provinces"),
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
        reply = await answer(services(context).database, actor=user.id, command=command)
    except StaffError as error:
        reply = problem_text(error)  # the unit of work rolled back: nothing changed
    await services(context).staff.refresh()
    for part in split_text(reply):
        await message.reply_text(part)
    raise ApplicationHandlerStop  # handled: no other group may answer it as well


def register(application: Application, group: int) -> None:
    application.add_handler(CommandHandler("staff", on_staff, filters=filters.ChatType.PRIVATE), group=group)
