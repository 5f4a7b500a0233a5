"""The action server, in one process.

`python -m rasa_sdk` serves through Sanic's process manager: a main process that only watches a single
worker, each of the two importing the actions (some 90 MiB apiece). Here rasa_sdk's own app, arguments and
logging are served in Sanic's single-process mode instead. When the process stops, the service runner stops
the product, as it does when Rasa or the bot stops.
"""

from __future__ import annotations

import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions_module or args.actions)
    app = create_app_for_serve(executor, cors_origins=args.cors, endpoints=args.endpoints)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.prepare(host=host, port=args.port, single_process=True)
    logger.info("action server listening on http://%s:%s", host, args.port)
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()
