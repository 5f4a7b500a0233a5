"""docs/texts.md: every text a client, counsellor or staff member can receive, for review in one sitting."""

from __future__ import annotations

from pathlib import Path

from karyar.policies import POLICY_DIR
from karyar.settings import PROJECT_ROOT
from ops.texts_document.markdown import render
from ops.texts_document.sources import read_catalogue, read_domain, read_policies

DOMAIN_DIR = PROJECT_ROOT / "domain"
CATALOGUE = PROJECT_ROOT / "karyar" / "locales" / "fa" / "LC_MESSAGES" / "messages.po"
DOCUMENT = PROJECT_ROOT / "docs" / "texts.md"


def build_document(
    domain_dir: Path = DOMAIN_DIR, catalogue: Path = CATALOGUE, policy_dir: Path = POLICY_DIR
) -> str:
    return render(read_domain(domain_dir), read_catalogue(catalogue), read_policies(policy_dir))
