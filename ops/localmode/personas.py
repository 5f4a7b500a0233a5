"""The people someone can act as on the local chat page, and the staff registry entries they need.

Who they are (names, what the page shows under them) is in personas.yml next to this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from karyar.data_files import read_data_file
from karyar.db.models import StaffRole
from localapi.webchat import Persona

PERSONAS_FILE = Path(__file__).resolve().parent / "personas.yml"
# The counsellors' forum group of local mode (negative like Telegram's supergroup ids).
COUNSELLOR_GROUP_ID = -1009100000001


@dataclass(frozen=True, slots=True)
class StaffPersona:
    persona: Persona
    role: StaffRole


def _persona(entry: dict[str, Any], kind: str = "client") -> Persona:
    return Persona(int(entry["user_id"]), str(entry["name"]), str(entry["role"]), kind=kind)


_PEOPLE: dict[str, Any] = read_data_file(PERSONAS_FILE)

COUNSELLOR_GROUP_TITLE = str(_PEOPLE["counsellor_group_title"])
CLIENTS = tuple(_persona(entry) for entry in _PEOPLE["clients"])
COUNSELLOR = StaffPersona(_persona(_PEOPLE["counsellor"], kind="counsellor"), StaffRole.COUNSELLOR)
STAFF = StaffPersona(_persona(_PEOPLE["staff"], kind="staff"), StaffRole.STAFF)
STAFF_PERSONAS = (COUNSELLOR, STAFF)
PERSONAS = (*CLIENTS, *(member.persona for member in STAFF_PERSONAS))
