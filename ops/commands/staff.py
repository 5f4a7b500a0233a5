"""`karyar staff …`: the operator's commands to manage the staff registry (audited as coming from the CLI)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from karyar.db.engine import database_for
from karyar.db.models import StaffMember, StaffRole
from karyar.settings import get_settings
from karyar.staff import registry

T = TypeVar("T")
ROLE_HELP = f"one of {', '.join(StaffRole)} (or its Persian name)"
COLUMNS = ("TELEGRAM ID", "NAME", "ROLE", "ORGANISATIONS", "PROVINCES", "HOURS", "ACTIVE")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = commands.add_parser("staff", help="manage counsellors, supervisors, staff and admins")
    actions = staff.add_subparsers(dest="staff_command", required=True)

    add = actions.add_parser(
        "add",
        help="add a colleague, or bring back a deactivated one",
        description="Without --organisation or --province the colleague serves all of them; "
        "without --hours they work the office hours.",
    )
    _telegram_id(add)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help=ROLE_HELP)
    _scope(add, clearable=False)
    add.set_defaults(handler=cmd_add)

    update = actions.add_parser(
        "update",
        help="change the details given and keep the rest",
        description="Options left out keep their value; --organisation and --province replace the whole list.",
    )
    _telegram_id(update)
    update.add_argument("--name")
    update.add_argument("--role", help=ROLE_HELP)
    _scope(update, clearable=True)
    update.set_defaults(handler=cmd_update)

    remove = actions.add_parser("remove", help="deactivate a colleague (their history is kept)")
    _telegram_id(remove)
    remove.set_defaults(handler=cmd_remove)

    listing = actions.add_parser("list", help="show the registry")
    listing.add_argument("--all", action="store_true", help="include deactivated colleagues")
    listing.set_defaults(handler=cmd_list)


def _telegram_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--telegram-id", type=int, required=True, help="the colleague's numeric Telegram user id"
    )


def _scope(parser: argparse.ArgumentParser, *, clearable: bool) -> None:
    """--organisation, --province and --hours; an update can also set them back to all, or office hours."""
    organisations = parser.add_mutually_exclusive_group()
    organisations.add_argument(
        "--organisation",
        dest="organisations",
        action="append",
        metavar="ORGANISATION",
        help=f"{' or '.join(registry.ORGANISATIONS)}; repeat for several",
    )
    provinces = parser.add_mutually_exclusive_group()
    provinces.add_argument(
        "--province",
        dest="provinces",
        action="append",
        metavar="PROVINCE",
        help="Persian name; repeat for several",
    )
    hours = parser.add_mutually_exclusive_group()
    hours.add_argument(
        "--hours", metavar="SPEC", help='personal working hours, e.g. "sat-wed 08:00-14:00, thu 08:00-12:00"'
    )
    if clearable:
        organisations.add_argument(
            "--all-organisations",
            dest="organisations",
            action="store_const",
            const=[],
            help="serve every organisation",
        )
        provinces.add_argument(
            "--all-provinces", dest="provinces", action="store_const", const=[], help="serve every province"
        )
        hours.add_argument(
            "--office-hours", dest="hours", action="store_const", const="", help="work the office hours"
        )


def cmd_add(args: argparse.Namespace) -> None:
    member = _run(
        lambda session: registry.add_member(
            session,
            telegram_user_id=args.telegram_id,
            name=args.name,
            role=args.role,
            organisations=args.organisations or (),
            provinces=args.provinces or (),
            hours=args.hours,
        )
    )
    print(f"added: {_summary(member)}")


def cmd_update(args: argparse.Namespace) -> None:
    # Options left out keep their value; None is how argparse says "not given".
    given = {
        field: value
        for field in ("name", "role", "organisations", "provinces", "hours")
        if (value := getattr(args, field)) is not None
    }
    member = _run(lambda session: registry.update_member(session, telegram_user_id=args.telegram_id, **given))
    print(f"updated: {_summary(member)}")


def cmd_remove(args: argparse.Namespace) -> None:
    member = _run(lambda session: registry.deactivate_member(session, telegram_user_id=args.telegram_id))
    print(f"deactivated: {_summary(member)}")


def cmd_list(args: argparse.Namespace) -> None:
    members = _run(lambda session: registry.list_members(session, include_inactive=args.all))
    if not members:
        print("no staff members" if args.all else "no active staff members")
        return
    print(_table([COLUMNS, *(_row(member) for member in members)]))


def _run(work: Callable[[Session], T]) -> T:
    """One unit of work: a refused change leaves the registry as it was and says why in one line."""
    database = database_for(get_settings().DATABASE_URL)
    try:
        with database.unit_of_work() as session:
            return work(session)
    except registry.StaffError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from error


def _row(member: StaffMember) -> tuple[str, ...]:
    return (
        str(member.telegram_user_id),
        member.name,
        member.role,
        ",".join(member.organisations) or "all",
        ",".join(member.provinces) or "all",
        member.hours or "office hours",
        "yes" if member.active else "no",
    )


def _summary(member: StaffMember) -> str:
    return "  ".join(
        f"{column.lower()}: {value}" for column, value in zip(COLUMNS, _row(member), strict=True)
    )


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )
