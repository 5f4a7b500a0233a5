"""`karyar broadcast …`: the operator's commands for announcements (audited as coming from the CLI).

    count   [--audience JSON]                         how many subscribed, reachable clients an audience has
    create  --text T | --text-file F [--photo PATH] [--button JSON …] [--audience JSON]
            [--at "1405/09/10 14:30"] [--author TELEGRAM_ID] [--draft]
    list                                              the latest broadcasts
    show N                                            a broadcast and its report
    approve N --by TELEGRAM_ID                        a supervisor lets an announcement go
    pause N / resume N / cancel N

An audience is a JSON object of profile facts and accepted values (provinces and cities spelled as in the
reference data), with an optional age range: {"gender": ["female"], "age": [18, 35]}. A button is a JSON object: {"kind": "course", "course": "C-THR-001"} (the course's code; the title defaults
to the one the staff's screens give a course button), {"kind": "interest"} (titled as on those screens too)
or {"kind": "link", "title": "…", "url": "https://…"}.
Times are Jalali, Iran time. Sending itself is done by the bot's sender (or `python -m bot.broadcast`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import jdatetime
from sqlalchemy.orm import Session

from karyar import audit
from karyar.broadcast import workflow
from karyar.broadcast.audience import Audience, AudienceError, count
from karyar.broadcast.content import Content, ContentError
from karyar.broadcast.store import BroadcastError
from karyar.clock import now
from karyar.db.engine import database_for
from karyar.settings import get_settings
from karyar.texts import _
from persian.format import IRAN_TIME, parse_jalali_datetime

T = TypeVar("T")
AUDIENCE_EXAMPLE = '{"gender": ["female"], "age": [18, 35]}'
LIST_LIMIT = 20
COLUMNS = ("ID", "STATUS", "RECIPIENTS", "SENT", "CREATED", "SEND AT", "TEXT")
PREVIEW_CHARS = 40


class CommandError(ValueError):
    """Input the command cannot use; printed as one line."""


def _one_line_errors(command: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], None]:
    """A refused command says why in one line and exits with 1, without a traceback."""

    @wraps(command)
    def run(args: argparse.Namespace) -> None:
        try:
            command(args)
        except (CommandError, BroadcastError, ContentError, AudienceError) as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(1) from error

    return run


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    broadcast = commands.add_parser(
        "broadcast",
        help="announcements to subscribed clients",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = broadcast.add_subparsers(dest="broadcast_command", required=True)

    counting = actions.add_parser("count", help="how many clients an audience reaches")
    _audience(counting)
    counting.set_defaults(handler=cmd_count)

    create = actions.add_parser(
        "create",
        help="create an announcement and confirm it (its recipients are fixed then)",
        description="Without --at it goes out as soon as it is confirmed (or approved, where approval is "
        "required); --draft only creates it.",
    )
    text = create.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the announcement's text (a photo's caption with --photo)")
    text.add_argument("--text-file", type=Path, help="read the text from this UTF-8 file")
    create.add_argument("--photo", type=Path, help="an image file to send with the text as its caption")
    create.add_argument(
        "--button",
        dest="buttons",
        action="append",
        default=[],
        metavar="JSON",
        help='repeat for several (at most 5): {"kind": "course", "course": "C-THR-001"}, {"kind": "interest"}, '
        '{"kind": "link", "title": "…", "url": "https://…"}',
    )
    _audience(create)
    create.add_argument("--at", help='Jalali date and time, Iran time: "1405/09/10 14:30"')
    create.add_argument(
        "--author",
        type=int,
        metavar="TELEGRAM_ID",
        help="the staff member it is sent for; the audience is kept within their organisations and provinces",
    )
    create.add_argument("--draft", action="store_true", help="only create it; confirm it in Telegram")
    create.set_defaults(handler=cmd_create)

    actions.add_parser("list", help="the latest broadcasts").set_defaults(handler=cmd_list)

    show = actions.add_parser("show", help="a broadcast and its report")
    _number(show)
    show.set_defaults(handler=cmd_show)

    approve = actions.add_parser("approve", help="approve an announcement waiting for a supervisor")
    _number(approve)
    approve.add_argument(
        "--by", type=int, required=True, metavar="TELEGRAM_ID", help="the approving supervisor"
    )
    approve.set_defaults(handler=cmd_approve)

    for name, help_text in (
        ("pause", "stop handing out deliveries (those in flight finish)"),
        ("resume", "go on with a paused broadcast"),
        ("cancel", "nobody else receives it"),
    ):
        action = actions.add_parser(name, help=help_text)
        _number(action)
        action.set_defaults(handler=cmd_control, action=name)


def _audience(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audience",
        metavar="JSON",
        help=f"profile filters, e.g. {AUDIENCE_EXAMPLE}",
    )


def _number(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=int, help="the broadcast's number")


# --- commands -----------------------------------------------------------------------------------------


@_one_line_errors
def cmd_count(args: argparse.Namespace) -> None:
    audience = parse_audience(args.audience)
    print(_run(lambda session: count(session, audience)))


@_one_line_errors
def cmd_create(args: argparse.Namespace) -> None:
    text = _read_text(args.text, args.text_file)
    photo = str(args.photo.resolve()) if args.photo else None
    content = _checked(lambda: Content.from_dict({"text": text, "photo_path": photo}))
    audience = parse_audience(args.audience)
    send_at = parse_time(args.at) if args.at else None
    buttons = [parse_button(raw) for raw in args.buttons]
    approval_required = get_settings().BROADCAST_APPROVAL_REQUIRED

    def work(session: Session) -> workflow.Created:
        author = _author(session, args.author) if args.author is not None else None
        return workflow.create(
            session,
            origin=audit.OPERATOR,
            author=author,
            content=content,
            buttons=[_resolved_button(session, button) for button in buttons],
            audience=audience,
            send_at=send_at,
            confirm=not args.draft,
            approval_required=approval_required,
        )

    created = _run(work)
    print(
        f"broadcast {created.id}: {created.status}, {created.recipients} recipients{_when(created.send_at)}"
    )


@_one_line_errors
def cmd_list(_args: argparse.Namespace) -> None:
    listed = _run(lambda session: workflow.recent(session, limit=LIST_LIMIT))
    if not listed:
        print("no broadcasts")
        return
    print(_table([COLUMNS, *(_row(summary) for summary in listed)]))


@_one_line_errors
def cmd_show(args: argparse.Namespace) -> None:
    found = _run(lambda session: workflow.details(session, broadcast_id=args.number))
    if found is None:
        raise CommandError(f"there is no broadcast {args.number}")
    print("\n".join(show_lines(found)))


@_one_line_errors
def cmd_approve(args: argparse.Namespace) -> None:
    def work(session: Session) -> workflow.Decision:
        decision = workflow.approve_for(
            session, origin=audit.OPERATOR, approver_telegram_user_id=args.by, broadcast_id=args.number
        )
        if decision.outcome is workflow.Outcome.NOT_ALLOWED:
            raise CommandError(f"{args.by} is not an active supervisor who may approve announcements")
        return decision

    decision = _run(work)
    print(f"broadcast {args.number}: {decision.status}{_when(decision.send_at)}")


@_one_line_errors
def cmd_control(args: argparse.Namespace) -> None:
    def work(session: Session) -> str:
        done = workflow.operate(session, origin=audit.OPERATOR, broadcast_id=args.number, action=args.action)
        if done.outcome is workflow.Outcome.UNKNOWN:
            raise CommandError(f"there is no broadcast {args.number}")
        if done.outcome is not workflow.Outcome.DONE:
            raise CommandError(f"broadcast {args.number} is {done.status}; it cannot be {_past(args.action)}")
        return done.status

    print(f"broadcast {args.number}: {_run(work)}")


# --- reading the input --------------------------------------------------------------------------------


def parse_audience(raw: str | None) -> Audience:
    if not raw:
        return Audience()
    data = _json(raw, "--audience")
    if not isinstance(data, dict):
        raise CommandError(f"--audience must be a JSON object such as {AUDIENCE_EXAMPLE}")
    for name, values in data.items():
        if not isinstance(values, list):
            raise CommandError(f"--audience: {name} must be a list of values")
    return _checked(lambda: Audience.from_dict(data))


def parse_button(raw: str) -> dict[str, Any]:
    data = _json(raw, "--button")
    if not isinstance(data, dict):
        raise CommandError('--button must be a JSON object such as {"kind": "interest"}')
    kind = data.get("kind")
    if kind == "course":
        data.setdefault("title", _("Broadcast compose: course button title"))
    elif kind == "interest":
        data.setdefault("title", _("Broadcast compose: interest button title"))
    return data


def parse_time(text: str) -> datetime:
    try:
        moment = parse_jalali_datetime(text)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if moment <= now():
        raise CommandError(f"{text} (Iran time) is in the past")
    return moment


def _read_text(text: str | None, path: Path | None) -> str:
    if text is not None:
        return text
    assert path is not None
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}") from None


def _json(raw: str, option: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise CommandError(f"{option} is not valid JSON: {error}") from None


def _resolved_button(session: Session, button: dict[str, Any]) -> dict[str, Any]:
    """A course button named by its code gets the course's id (what the broadcast stores)."""
    if button.get("kind") != "course" or "course_id" in button:
        return button
    code = str(button.get("course") or button.get("course_code") or "").strip()
    if not code:
        raise CommandError(
            'a course button needs the course\'s code: {"kind": "course", "course": "C-THR-001"}'
        )
    course = workflow.find_course(session, code=code)
    if course is None:
        raise CommandError(f"there is no course with the code {code!r}")
    if not course.active:
        raise CommandError(f"the course {code!r} is no longer offered")
    resolved = {key: value for key, value in button.items() if key not in ("course", "course_code")}
    return {**resolved, "course_id": course.id}


def _author(session: Session, telegram_user_id: int) -> workflow.Actor:
    author = workflow.author(session, telegram_user_id=telegram_user_id)
    if author is None:
        raise CommandError(f"{telegram_user_id} is not an active staff member who may send announcements")
    return author


def _checked(make: Callable[[], T]) -> T:
    try:
        return make()
    except (ContentError, AudienceError) as error:
        raise CommandError(str(error)) from None


# --- output -------------------------------------------------------------------------------------------


def show_lines(found: workflow.Details) -> list[str]:
    broadcast, progress = found.summary, found.summary.progress
    lines = [
        f"broadcast {broadcast.id}: {broadcast.status}",
        f"created: {_local(broadcast.created_at)}",
        f"send at: {_local(broadcast.send_at) if broadcast.send_at else 'as soon as confirmed'}",
        f"audience: {json.dumps(found.audience, ensure_ascii=False) if found.audience else 'every subscriber'}",
        f"text: {_preview(broadcast.content.text, 200)}",
    ]
    if broadcast.content.photo or broadcast.content.photo_path:
        lines.append("photo: yes")
    lines += [f"button: {button['title']} ({button['kind']})" for button in found.buttons]
    if found.pause_reason:
        lines.append(f"paused because: {found.pause_reason}")
    lines += [
        f"recipients: {progress.total}",
        f"delivered: {progress.sent}",
        f"blocked or gone: {progress.blocked}",
        f"not sent (cancelled, unsubscribed): {progress.skipped}",
        f"still to send: {progress.remaining}",
        f"failed: {progress.failed}",
    ]
    lines += [f"  {reason}: {number}" for reason, number in found.failures]
    lines += [f"pressed {title!r}: {number}" for title, number in found.presses]
    lines.append(f"unsubscribed with it: {found.unsubscribed}")
    return lines


def _row(broadcast: workflow.Summary) -> tuple[str, ...]:
    return (
        str(broadcast.id),
        broadcast.status,
        str(broadcast.recipients),
        str(broadcast.progress.sent),
        _local(broadcast.created_at),
        _local(broadcast.send_at) if broadcast.send_at else "-",
        _preview(broadcast.content.text, PREVIEW_CHARS),
    )


def _when(send_at: datetime | None) -> str:
    return f", at {_local(send_at)} Iran time" if send_at else ""


def _local(moment: datetime) -> str:
    """Jalali Iran time with Latin digits: operators copy it back into --at."""
    local = moment.astimezone(IRAN_TIME)
    return jdatetime.datetime.fromgregorian(datetime=local.replace(tzinfo=None)).strftime("%Y/%m/%d %H:%M")


def _preview(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _past(action: str) -> str:
    return {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action]


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _run(work: Callable[[Session], T]) -> T:
    """One unit of work: a refused command rolls back, so it changes nothing."""
    with database_for(get_settings().DATABASE_URL).unit_of_work() as session:
        return work(session)
