"""`karyar openings …`: staff review of employers' openings from the command line (audited as the CLI).

    list [--status pending|approved|rejected|filled|all]    the openings (pending ones by default)
    show N                                                  an opening in full, as staff see it in Telegram
    approve N                                               it enters the catalogue that search lists
    reject N --reason TEXT                                  the employer reads the reason
    edit N [--title T] [--field F] [--positions N] [--hours full_time|part_time|seasonal]
           [--wage-min TOMAN] [--wage-max TOMAN] [--insured yes|no] [--requirements T]
           [--suits-disability yes|no] [--home-based yes|no] [--gender any|female|male] [--min-age N]
    fill N                                                  taken: it leaves the catalogue

With `--by TELEGRAM_ID` a command acts for that staff member, within their organisations and provinces;
without it, the operator reviews everything.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from karyar.catalogue.reference import compact_key
from karyar.catalogue.words import no_words, yes_words
from karyar.db.engine import database_for
from karyar.db.models import OpeningStatus
from karyar.employers import cards, review
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.review import Outcome
from karyar.employers.views import OpeningView
from karyar.settings import get_settings

T = TypeVar("T")
COLUMNS = ("ID", "STATUS", "CREATED", "ORGANISATION", "PROVINCE", "EMPLOYER", "TITLE", "INTERESTED")
# CLI option -> opening field, and how the typed value is read.
_EDITS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "title": ("title", str),
    "field": ("field", str),
    "positions": ("positions", int),
    "hours": ("hours", str),
    "wage_min": ("wage_min_toman", int),
    "wage_max": ("wage_max_toman", int),
    "insured": ("insured", lambda text: _yes_no(text)),
    "requirements": ("requirements", str),
    "suits_disability": ("suits_disability", lambda text: _yes_no(text)),
    "home_based": ("home_based", lambda text: _yes_no(text)),
    "gender": ("gender", str),
    "min_age": ("min_age", int),
}
_REFUSALS = {
    Problem.NOT_FOUND: "there is no opening {number}",
    Problem.NOT_PENDING: "opening {number} is {status} already",
    Problem.NOT_ALLOWED: "{by} may not review opening {number} (not staff of its organisation and province)",
}


class CommandError(ValueError):
    """Input the command cannot use; printed as one line."""


def _one_line_errors(command: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], None]:
    @wraps(command)
    def run(args: argparse.Namespace) -> None:
        try:
            command(args)
        except (CommandError, OpeningError) as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(1) from error

    return run


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    openings = commands.add_parser(
        "openings",
        help="review employers' openings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = openings.add_subparsers(dest="openings_command", required=True)
    listing = actions.add_parser("list", help="the openings, pending ones by default")
    listing.add_argument("--status", choices=[*OpeningStatus, "all"], default=OpeningStatus.PENDING)
    _by(listing)
    listing.set_defaults(handler=cmd_list)
    for name, helped, handler in (
        ("show", "an opening in full", cmd_show),
        ("approve", "publish an opening in the catalogue", cmd_approve),
        ("fill", "the opening is taken: out of the catalogue", cmd_fill),
    ):
        action = actions.add_parser(name, help=helped)
        _number(action)
        action.set_defaults(handler=handler)
    reject = actions.add_parser("reject", help="refuse an opening, with the reason the employer reads")
    _number(reject)
    reject.add_argument("--reason", required=True, help="in Persian: the employer reads it")
    reject.set_defaults(handler=cmd_reject)
    edit = actions.add_parser("edit", help="correct an opening's details")
    _number(edit)
    for option, (_field, read) in _EDITS.items():
        edit.add_argument(f"--{option.replace('_', '-')}", dest=option, type=read)
    edit.set_defaults(handler=cmd_edit)


def _number(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=int, help="the opening's number")
    _by(parser)


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", type=int, metavar="TELEGRAM_ID", help="act for this staff member, within their scope"
    )


@_one_line_errors
def cmd_list(args: argparse.Namespace) -> None:
    status = None if args.status == "all" else OpeningStatus(args.status)
    found = _run(lambda session: review.listing(session, telegram_user_id=args.by, status=status))
    if not found.allowed:
        raise CommandError(f"{args.by} is not an active staff member who may review openings")
    if not found.openings:
        print("no openings")
        return
    print(_table([COLUMNS, *(_row(opening) for opening in found.openings)]))


@_one_line_errors
def cmd_show(args: argparse.Namespace) -> None:
    opening = _done(args, _run(lambda s: review.show(s, opening_id=args.number, telegram_user_id=args.by)))
    print(cards.card(opening))


@_one_line_errors
def cmd_approve(args: argparse.Namespace) -> None:
    opening = _done(args, _run(lambda s: review.approve(s, opening_id=args.number, telegram_user_id=args.by)))
    print(f"opening {opening.id}: {opening.status}, in the catalogue as job {opening.job_opening_id}")


@_one_line_errors
def cmd_reject(args: argparse.Namespace) -> None:
    def work(session: Session) -> Outcome:
        return review.reject(session, opening_id=args.number, reason=args.reason, telegram_user_id=args.by)

    opening = _done(args, _run(work))
    print(f"opening {opening.id}: {opening.status}")


@_one_line_errors
def cmd_fill(args: argparse.Namespace) -> None:
    opening = _done(
        args, _run(lambda s: review.mark_filled(s, opening_id=args.number, telegram_user_id=args.by))
    )
    print(f"opening {opening.id}: {opening.status}")


@_one_line_errors
def cmd_edit(args: argparse.Namespace) -> None:
    changes = {
        field: getattr(args, option)
        for option, (field, _r) in _EDITS.items()
        if getattr(args, option) is not None
    }
    if not changes:
        raise CommandError(
            "nothing to change; give at least one of --" + ", --".join(o.replace("_", "-") for o in _EDITS)
        )

    def work(session: Session) -> Outcome:
        return review.edit(session, opening_id=args.number, changes=changes, telegram_user_id=args.by)

    opening = _done(args, _run(work))
    print(cards.card(opening))


def _done(args: argparse.Namespace, outcome: Outcome) -> OpeningView:
    """The opening, or the refusal in one line (after the unit of work, so a refusal's audit is kept)."""
    if outcome.problem is not None or outcome.opening is None:
        problem = outcome.problem or Problem.NOT_FOUND
        status = ""
        if problem == Problem.NOT_PENDING:
            shown = _run(lambda s: review.show(s, opening_id=args.number, telegram_user_id=None))
            status = shown.opening.status if shown.opening else ""
        raise CommandError(_REFUSALS[problem].format(number=args.number, status=status, by=args.by))
    return outcome.opening


def _yes_no(text: str) -> bool:
    key = compact_key(text)
    if key in yes_words():
        return True
    if key in no_words():
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def _row(opening: OpeningView) -> list[str]:
    return [
        str(opening.id),
        opening.status,
        opening.created_at.date().isoformat(),
        opening.organisation or "any",
        opening.province,
        opening.business_name,
        opening.title,
        str(opening.interested),
    ]


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _run(work: Callable[[Session], T]) -> T:
    with database_for(get_settings().DATABASE_URL).unit_of_work() as session:
        return work(session)
