"""Reading a catalogue spreadsheet (CSV or Excel) into rows numbered as the staff member sees them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# What a cell may hold: text from CSV; text, numbers, booleans or datetimes from Excel.
Cell = object


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number in the spreadsheet (the header is row 1) and its cells by column."""

    number: int
    cells: dict[str, Cell]


@dataclass(frozen=True, slots=True)
class Sheet:
    header: tuple[str, ...]
    rows: list[Row]


class UnreadableSheetError(ValueError):
    pass


def read_sheet(path: Path) -> Sheet:
    """The first sheet of an .xlsx workbook, or a UTF-8 CSV file (with or without a byte-order mark)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return _sheet(csv.reader(file))
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise UnreadableSheetError(f"{path.name}: only .csv (UTF-8) and .xlsx files can be imported")


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl  # only staff imports need it; the bot and actions never load it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise UnreadableSheetError(f"{path.name}: not a readable Excel workbook ({error})") from error
    try:
        return _sheet(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _sheet(lines: Iterable[Sequence[Cell]]) -> Sheet:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        raise UnreadableSheetError("the file is empty; the first row must name the columns")
    header = tuple(str(name).strip().lower() if name is not None else "" for name in first)
    # Spreadsheets often carry empty trailing columns; they are not part of the format.
    while header and not header[-1]:
        header = header[:-1]
    rows = []
    for number, values in enumerate(iterator, start=2):
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        if any(not _blank(value) for value in cells.values()):
            rows.append(Row(number=number, cells=cells))
    return Sheet(header=header, rows=rows)


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
