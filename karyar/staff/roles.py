"""What each role may do. Least privilege: staff announce, report and review employers' openings,
administrators manage people, and only counsellors and supervisors read or handle cases."""

from __future__ import annotations

import enum

from karyar.db.models import StaffRole


class Permission(enum.StrEnum):
    HANDLE_CASES = "handle_cases"  # claim, talk to the client, notes, transfer, close, follow-ups
    SUPERVISE = "supervise"  # claim escalated cases, see every pool's queue
    MANAGE_STAFF = "manage_staff"
    BROADCAST = "broadcast"  # compose and send announcements, read their reports
    APPROVE_BROADCASTS = "approve_broadcasts"  # when approval is required, let another's announcement go
    REPORT = "report"  # figures, charts and anonymised exports of the case database
    REVIEW_OPENINGS = "review_openings"  # approve, edit or reject employers' openings of their scope


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.COUNSELLOR: frozenset({Permission.HANDLE_CASES}),
    StaffRole.SUPERVISOR: frozenset(
        {
            Permission.HANDLE_CASES,
            Permission.SUPERVISE,
            Permission.BROADCAST,
            Permission.APPROVE_BROADCASTS,
            Permission.REPORT,
            Permission.REVIEW_OPENINGS,
        }
    ),
    StaffRole.STAFF: frozenset({Permission.BROADCAST, Permission.REPORT, Permission.REVIEW_OPENINGS}),
    StaffRole.ADMIN: frozenset({Permission.MANAGE_STAFF}),
}


def may(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[StaffRole(role)]
    except ValueError:
        return False
