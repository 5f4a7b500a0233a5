"""`karyar texts`: docs/texts.md, every text clients, counsellors and staff can receive, for review."""

from __future__ import annotations

import argparse
import sys

from karyar.settings import PROJECT_ROOT
from ops.texts_document import DOCUMENT, build_document


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    texts = commands.add_parser(
        "texts",
        help="write docs/texts.md, every text a person can receive, from domain/*.yml and messages.po",
    )
    texts.add_argument(
        "--check", action="store_true", help="write nothing; fail if docs/texts.md is not current"
    )
    texts.set_defaults(handler=cmd_texts)


def cmd_texts(args: argparse.Namespace) -> int:
    document = build_document()
    shown = DOCUMENT.relative_to(PROJECT_ROOT) if DOCUMENT.is_relative_to(PROJECT_ROOT) else DOCUMENT
    if args.check:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else None
        if current != document:
            print(
                f"error: {shown} is not current with domain/*.yml and messages.po; "
                "run `make texts` (python -m ops.cli texts) and commit it",
                file=sys.stderr,
            )
            return 1
        print(f"{shown} is current")
        return 0
    DOCUMENT.write_text(document, encoding="utf-8")
    print(f"wrote {shown}")
    return 0
