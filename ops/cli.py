"""`python -m ops.cli …`: the operator's commands (migrate, train, start the Rasa and action servers)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy.exc

from karyar.identity.cipher import DataCipher
from karyar.office_hours import office_calendar
from karyar.policies import load_policies
from karyar.settings import PROJECT_ROOT, ConfigurationError, Settings, env_file_path, get_settings
from ops import migrate, rasa_model
from ops.commands import broadcast as broadcast_commands
from ops.commands import catalogue as catalogue_commands
from ops.commands import openings as opening_commands
from ops.commands import privacy as privacy_commands
from ops.commands import reports as report_commands
from ops.commands import staff as staff_commands
from ops.commands import texts as text_commands
from ops.dev_secrets import create_missing_secrets, creation_notice
from ops.localmode.launcher import DEFAULT_PORT, LocalModeError, LocalOptions, run_local
from ops.logfiles import LAUNCHER_LOG, LOG_DIR, logging_to
from ops.rasa_stores import ensure_tracker_schema, store_endpoints
from ops.services import interrupts_for_this_process_only, run_services

RUNTIME_DIR = PROJECT_ROOT / "var" / "rasa"
LOCAL_STATE_DIR = PROJECT_ROOT / "var" / "local"


def _port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def cmd_check(args: argparse.Namespace) -> None:
    settings = get_settings()
    if args.bot:
        settings.require_bot_token()
        DataCipher.from_settings(settings)
        settings.require_rasa_token()
    mode = "webhook" if settings.webhook_mode else "polling"
    token = "set" if settings.TELEGRAM_BOT_TOKEN else "not set"
    rules = load_policies()  # a bad policy file stops the start here, naming the file and line
    calendar = office_calendar()  # and so does a bad office calendar
    handoffs = "forum group" if settings.COUNSELLOR_GROUP_ID else "private chats"
    print(
        f"configuration ok: TELEGRAM_BOT_TOKEN {token}, {mode}, database {settings.DATABASE_URL.split(':')[0]}, "
        f"{len(rules.summary())} policies in force, {len(calendar.holidays)} holidays in the office calendar, "
        f"handoffs to counsellors in {handoffs}"
    )


def cmd_migrate(_: argparse.Namespace) -> None:
    migrate.upgrade(get_settings().DATABASE_URL)


def cmd_policies(args: argparse.Namespace) -> None:
    for line in load_policies(args.directory, today=args.date).summary():
        print(line)


def cmd_train(args: argparse.Namespace) -> None:
    path = rasa_model.ensure_trained(force=args.force, quiet=get_settings().LOG_LEVEL != "DEBUG")
    print(f"model: {path.relative_to(PROJECT_ROOT)}")


def write_rasa_runtime_files(rasa_url: str) -> tuple[Path, Path, dict[str, str]]:
    """Endpoints and credentials for `rasa run`, generated from the settings (one source of truth), and
    the environment Rasa reads the stores' passwords from.

    One directory per Rasa port, so two Rasa servers on one machine never read each other's files."""
    settings = get_settings()
    directory = RUNTIME_DIR / str(_port(rasa_url))
    directory.mkdir(parents=True, exist_ok=True)
    endpoints = directory / "endpoints.yml"
    stores = store_endpoints(settings)
    endpoints.write_text(
        f'action_endpoint:\n  url: "{settings.action_server_url}/webhook"\n' + stores.yaml, encoding="utf-8"
    )
    credentials = directory / "credentials.yml"
    # Rasa's REST channel, answering with what it understood too (ops/rasa_rest_channel.py).
    credentials.write_text("ops.rasa_rest_channel.UnderstandingRestInput:\n", encoding="utf-8")
    return endpoints, credentials, stores.environment


def cmd_run(args: argparse.Namespace) -> int:
    """The product with Telegram when a bot token is set, local mode (a browser chat page) otherwise."""
    settings = get_settings()
    terminal_level = logging.DEBUG if settings.LOG_LEVEL == "DEBUG" else logging.WARNING
    with (
        interrupts_for_this_process_only(),
        logging_to(args.log_dir / LAUNCHER_LOG, terminal_level=terminal_level),
    ):
        try:
            return _run(args, settings)
        except KeyboardInterrupt:  # Ctrl-C while the database or the model is being prepared
            print("stopped.", flush=True)
            return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    quiet = settings.LOG_LEVEL != "DEBUG"
    if args.local or settings.TELEGRAM_BOT_TOKEN is None:
        options = LocalOptions(
            state_dir=args.state_dir,
            port=args.port,
            handoffs=args.handoffs,
            fresh=args.fresh,
            log_dir=args.log_dir,
            log_level=settings.LOG_LEVEL,
        )
        try:
            return run_local(options)
        except LocalModeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    settings = _with_development_secrets(settings)
    cmd_check(argparse.Namespace(bot=True))
    migrate.upgrade(settings.DATABASE_URL)
    rasa_model.ensure_trained(quiet=quiet)
    return run_services(os.environ, log_dir=args.log_dir, log_level=settings.LOG_LEVEL)


def _with_development_secrets(settings: Settings) -> Settings:
    """On a developer's machine, the secrets the bot and Rasa need are made in .env the first time."""
    env_file = env_file_path()
    if env_file is None:
        return settings
    made = create_missing_secrets(settings, env_file)
    if not made:
        return settings
    print(creation_notice(made, env_file), flush=True)
    get_settings.cache_clear()
    return get_settings()


def cmd_serve_rasa(args: argparse.Namespace) -> None:
    settings = get_settings()
    auth_token = settings.require_rasa_token()  # refused before a minute of training, not after
    rasa_url = args.url or settings.rasa_url
    model = rasa_model.ensure_trained()
    endpoints, credentials, store_environment = write_rasa_runtime_files(rasa_url)
    ensure_tracker_schema(settings)
    parts = urlsplit(rasa_url)
    command = [
        str(rasa_model.RASA_BIN), "run",
        "--enable-api",
        "--interface", parts.hostname or "127.0.0.1",
        "--port", str(_port(rasa_url)),
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(credentials),
    ]  # fmt: skip
    command += ["--auth-token", auth_token]
    os.execve(command[0], command, rasa_model.rasa_environment() | store_environment)


def cmd_serve_actions(_: argparse.Namespace) -> None:
    settings = get_settings()
    load_policies()  # refuse to start on a bad policy file rather than fail on a client's question
    env = rasa_model.environment_with_project()
    # The action server listens on the host of ACTION_SERVER_URL only (localhost by default).
    env["SANIC_HOST"] = urlsplit(settings.action_server_url).hostname or "127.0.0.1"
    command = [sys.executable, "-m", "ops.action_server", "--actions", "actions", "--port",
               str(_port(settings.action_server_url))]  # fmt: skip
    os.execve(command[0], command, env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="karyar", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the configuration")
    check.add_argument("--bot", action="store_true", help="also require what the bot needs to start")
    check.set_defaults(handler=cmd_check)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=cmd_migrate)
    policies = commands.add_parser("policies", help="check the policy files and show the versions in force")
    policies.add_argument(
        "--date", type=date.fromisoformat, help="the day to check (YYYY-MM-DD; default today)"
    )
    policies.add_argument("--directory", type=Path, help="check drafts in another directory")
    policies.set_defaults(handler=cmd_policies)
    train = commands.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if an up-to-date model exists")
    train.set_defaults(handler=cmd_train)
    run = commands.add_parser(
        "run", help="start everything: with Telegram if TELEGRAM_BOT_TOKEN is set, else local mode"
    )
    run.add_argument("--local", action="store_true", help="local mode even when a token is set")
    run.add_argument("--port", type=int, default=DEFAULT_PORT, help="local mode's chat page and Bot API")
    run.add_argument("--state-dir", type=Path, default=LOCAL_STATE_DIR, help="local mode's database")
    run.add_argument(
        "--handoffs", choices=("group", "private"), default="group",
        help="local mode: handoffs in a counsellors' forum group (default) or in private chats",
    )  # fmt: skip
    run.add_argument("--fresh", action="store_true", help="local mode: start from an empty database")
    run.add_argument("--log-dir", type=Path, default=LOG_DIR, help="where each service's output goes")
    run.set_defaults(handler=cmd_run)
    serve_rasa = commands.add_parser("serve-rasa", help="start the Rasa server")
    serve_rasa.add_argument(
        "--url", help="where this Rasa server listens, one of RASA_URL's (default: the first)"
    )
    serve_rasa.set_defaults(handler=cmd_serve_rasa)
    commands.add_parser("serve-actions", help="start the action server").set_defaults(
        handler=cmd_serve_actions
    )
    catalogue_commands.add_parser(commands)
    staff_commands.add_parser(commands)
    broadcast_commands.add_parser(commands)
    opening_commands.add_parser(commands)
    privacy_commands.add_parser(commands)
    report_commands.add_parser(commands)
    text_commands.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    except rasa_model.TrainingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError) as error:
        # The usual cause is a database that was never migrated; say so instead of a traceback.
        print(
            f"error: the database refused the command ({error.orig}); run `make migrate` first",
            file=sys.stderr,
        )
        return 1
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
