"""`karyar catalogue …`: the staff's commands to load the course and job catalogue from spreadsheets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from karyar.catalogue.columns import CatalogueKind
from karyar.catalogue.importer import CatalogueImportError, ImportReport, import_catalogue, import_samples
from karyar.catalogue.sheets import UnreadableSheetError
from karyar.db.catalogue_counts import COUNTS, refresh_counts
from karyar.db.engine import database_for
from karyar.settings import get_settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    catalogue = commands.add_parser("catalogue", help="import training courses and job openings")
    actions = catalogue.add_subparsers(dest="catalogue_command", required=True)
    load = actions.add_parser(
        "import", help="import a .csv or .xlsx file (see karyar/reference/catalogue/README.md)"
    )
    load.add_argument("file", type=Path)
    load.add_argument(
        "--kind", choices=[kind.value for kind in CatalogueKind], help="default: from the columns"
    )
    load.add_argument("--replace", action="store_true", help="deactivate items whose code is not in the file")
    load.set_defaults(handler=cmd_import)
    actions.add_parser("sample", help="load the sample courses and jobs").set_defaults(handler=cmd_sample)
    actions.add_parser(
        "recount", help="rebuild the counts lists show, after items were changed outside Karyar (SQL by hand)"
    ).set_defaults(handler=cmd_recount)


def cmd_import(args: argparse.Namespace) -> None:
    kind = CatalogueKind(args.kind) if args.kind else None
    _run(lambda session: [import_catalogue(session, path=args.file, kind=kind, replace=args.replace)])


def cmd_sample(_: argparse.Namespace) -> None:
    _run(import_samples)


def cmd_recount(_: argparse.Namespace) -> None:
    database = database_for(get_settings().DATABASE_URL)
    with database.unit_of_work() as session:
        for model in COUNTS:
            refresh_counts(session, model)
    print("catalogue counts rebuilt")


def _run(work: Callable[[Session], list[ImportReport]]) -> None:
    """Run an import in one unit of work, so a failing file leaves the database as it was."""
    database = database_for(get_settings().DATABASE_URL)
    try:
        with database.unit_of_work() as session:
            reports = work(session)
    except (CatalogueImportError, UnreadableSheetError) as error:
        print(error, file=sys.stderr)
        raise SystemExit(1) from error
    for report in reports:
        print(report)
