"""The one error a bad policy file produces: `file:line: where: what`, so staff can fix it without a traceback."""

from __future__ import annotations

from pathlib import Path

from karyar.settings import PROJECT_ROOT, ConfigurationError


class PolicyError(ConfigurationError):
    """A policy file that cannot be used; the message names the file, the line and the reason."""

    @classmethod
    def at(cls, path: Path, line: int, message: str) -> PolicyError:
        return cls(f"{display_path(path)}:{line}: {message}")


def display_path(path: Path) -> str:
    """Relative to the project when the file is in it (as staff see it in the repository)."""
    resolved = path.resolve()
    return str(resolved.relative_to(PROJECT_ROOT)) if resolved.is_relative_to(PROJECT_ROOT) else str(path)
