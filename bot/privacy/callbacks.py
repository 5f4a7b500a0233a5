"""Callback data of the privacy buttons: `pv:<action>:<client id>`, checked against the presser on use."""

from __future__ import annotations

import re
from dataclasses import dataclass

FILE = "file"
ASK_ERASE = "ask"
ERASE = "erase"
KEEP = "keep"

PATTERN = rf"^pv:({FILE}|{ASK_ERASE}|{ERASE}|{KEEP}):"
_SHAPE = re.compile(rf"^pv:({FILE}|{ASK_ERASE}|{ERASE}|{KEEP}):(\d{{1,18}})$")


@dataclass(frozen=True, slots=True)
class Press:
    action: str
    client_id: int


def data(action: str, client_id: int) -> str:
    return f"pv:{action}:{client_id}"


def parse(raw: str | None) -> Press | None:
    match = _SHAPE.match(raw or "")
    return Press(match.group(1), int(match.group(2))) if match else None
