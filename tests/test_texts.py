"""Every text a person reads comes from Rasa's domain or the Babel catalogue; Python holds none.

Words the code recognises in what people type (synonyms, cue words) are data files too, next to the
module that reads them. Only `persian/`, the library of the language itself, holds Persian in Python.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from karyar.texts import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PACKAGES = ("karyar", "bot", "actions", "ops", "localapi", "nlu")
# Arabic-script letters and Persian punctuation; digits alone (as in a regex's [۰-۹]) are not text.
PERSIAN_TEXT = re.compile(r"[\u060C\u061B\u061F\u0620-\u064A\u066A\u0671-\u06D5]")
PO_FILE = LOCALES_DIR / "fa" / "LC_MESSAGES" / "messages.po"


def _docstrings(tree: ast.Module) -> set[int]:
    owners = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _persian_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = _docstrings(tree)
    return [
        f"{path.name}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and PERSIAN_TEXT.search(node.value)
    ]


def _product_files() -> list[Path]:
    return sorted(path for package in PRODUCT_PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_persian_literal_in_python_outside_the_language_library() -> None:
    found = [line for path in _product_files() for line in _persian_literals(path)]
    assert found == [], "put texts in the Babel catalogue or Rasa's domain, words in a data file"


def test_the_check_sees_a_persian_literal_and_ignores_docstrings_and_digits(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""سند."""\nDIGITS = "[0-9۰-۹]"\nTEXT = "سلام"\n', "utf-8")
    assert _persian_literals(sample) == ["sample.py:3: 'سلام'"]


def _catalog() -> dict[str, str]:
    with PO_FILE.open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def test_every_text_the_code_uses_has_a_persian_translation() -> None:
    # The same extraction `make i18n` runs (pybabel extract with babel.cfg's Python method).
    used = {
        message
        for package in PRODUCT_PACKAGES
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / package)
        if isinstance(message, str)
    }
    catalog = _catalog()
    assert len(used) > 30
    assert used - set(catalog) == set(), "texts used in code but missing from the Persian catalogue"
    untranslated = [msgid for msgid in used if not PERSIAN_TEXT.search(catalog[msgid])]
    assert untranslated == []


def test_texts_inside_f_strings_are_in_the_catalogue_too() -> None:
    # pybabel does not look inside f-strings on Python 3.11, so a _("…") there would show its id.
    call = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*\)""")
    used = {m.group(2) for path in _product_files() for m in call.finditer(path.read_text("utf-8"))}
    assert len(used) > 30
    assert used - set(_catalog()) == set()
