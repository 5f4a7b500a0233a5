"""One running product for all end-to-end tests: trained once, started once per run."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from karyar.db.engine import Database
from tests.support.catalogue import load_sample_catalogue
from tests.support.databases import BACKENDS, migrated_database_or_skip
from tests.support.stack import Stack, running_stack
from tests.support.team import PROVINCES, Team

_user_ids = itertools.count(8_100_000_001)


@pytest.fixture(scope="session", params=BACKENDS)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The product on each database: SQLite (the default; the bot and the action server share one file)
    and PostgreSQL (production). Rasa loads in seconds, so the whole suite runs on both."""
    backend: str = request.param
    workdir = tmp_path_factory.mktemp(f"e2e-{backend}")
    with migrated_database_or_skip(backend, workdir) as url:
        load_sample_catalogue(url)
        with running_stack(database_url=url, log_dir=workdir) as running:
            yield running


@pytest.fixture(scope="session")
def stack_db(stack: Stack) -> Iterator[Database]:
    database = Database(stack.database_url)
    yield database
    database.dispose()


@pytest.fixture
def gate(stack: Stack) -> Iterator[Stack]:
    """The stack, with the Rasa gate opened again after the test (tests close it or slow it down)."""
    yield stack
    stack.gate.mode = "open"


@pytest.fixture
def team(stack: Stack, stack_db: Database) -> Iterator[Team]:
    """Colleagues for one test, in a province of their own; dismissed when it ends."""
    made = Team(stack.api, stack_db, next(PROVINCES))
    yield made
    made.dismiss()


@pytest.fixture
def user_id(stack: Stack) -> int:
    """A new Telegram user for each test, so tests never see each other's conversations."""
    return next(_user_ids)


@pytest.fixture(autouse=True)
def _show_logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    report: Any = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "stack" in request.fixturenames:
        print(request.getfixturevalue("stack").logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
