"""Callback data of handoff buttons. Every press is checked against the database, so old or forged data
is refused politely instead of acting."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Counsellor side
CLAIM = "claim"
CLOSE = "close"
OUTCOME = "outcome"
TRANSFER = "transfer"
TRANSFER_TO = "to"
TO_SUPERVISORS = "supervisor"  # the value of a TRANSFER_TO press back to the queue, for supervisors
FOCUS = "focus"
TIMELINE = "case"
REVEAL = "reveal"
# Client side
CANCEL = "cancel"
RATE = "rate"
COMMENT = "comment"
NO_COMMENT = "nocomment"
FOLLOW_UP = "fu"

COUNSELLOR_PATTERN = rf"^ho:({CLAIM}|{CLOSE}|{OUTCOME}|{TRANSFER}|{TRANSFER_TO}|{FOCUS}|{TIMELINE}|{REVEAL}):"
CLIENT_PATTERN = rf"^hc:({CANCEL}|{RATE}|{COMMENT}|{NO_COMMENT}|{FOLLOW_UP}):"
_SHAPE = re.compile(r"^(ho|hc):([a-z]+):(\d{1,18})(?::([a-z_0-9]{1,24}))?$")


@dataclass(frozen=True, slots=True)
class Press:
    action: str
    target: int  # a handoff id (a case id for TIMELINE, a follow-up id for FOLLOW_UP)
    value: str | None


def counsellor(action: str, target: int, value: str | None = None) -> str:
    return _data("ho", action, target, value)


def client(action: str, target: int, value: str | None = None) -> str:
    return _data("hc", action, target, value)


def _data(side: str, action: str, target: int, value: str | None) -> str:
    return f"{side}:{action}:{target}" + (f":{value}" if value is not None else "")


def parse(data: str | None) -> Press | None:
    match = _SHAPE.match(data or "")
    if match is None:
        return None
    return Press(action=match.group(2), target=int(match.group(3)), value=match.group(4))
