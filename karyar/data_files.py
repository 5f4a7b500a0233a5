"""Data files the code reads (reference tables, words it recognises in what people type, wording): YAML,
read safely as UTF-8, in one way everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def read_data_file(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
