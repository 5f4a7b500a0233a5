"""The people someone can act as on the local chat page, and the staff registry entries they need."""

from __future__ import annotations

from dataclasses import dataclass

from karyar.db.models import StaffRole
from localapi.webchat import Persona

# The counsellors' forum group of local mode (negative like Telegram's supergroup ids).
COUNSELLOR_GROUP_ID = -1009100000001
COUNSELLOR_GROUP_TITLE = "مشاوران اشتغال کاریار"


@dataclass(frozen=True, slots=True)
class StaffPersona:
    persona: Persona
    role: StaffRole


CLIENTS = (
    Persona(910001, "مریم رضایی", "مددجو — کمیته امداد"),
    Persona(910002, "علی محمدی", "مددجو — بهزیستی"),
    Persona(910003, "زهرا احمدی", "جویای کار"),
)
COUNSELLOR = StaffPersona(
    Persona(920001, "خانم کریمی", "مشاور اشتغال", kind="counsellor"), StaffRole.COUNSELLOR
)
STAFF = StaffPersona(Persona(930001, "آقای حسینی", "کارشناس اشتغال", kind="staff"), StaffRole.STAFF)
STAFF_PERSONAS = (COUNSELLOR, STAFF)
PERSONAS = (*CLIENTS, *(member.persona for member in STAFF_PERSONAS))
