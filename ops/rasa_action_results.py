"""Rasa checks every action server answer against its schema; here the schema itself is checked once.

Rasa 3.6 validates each answer with `jsonschema.validate`, which first checks the (large) event schema
against the JSON Schema meta-schema: 30–80 ms of Rasa's time on every custom action call, the biggest
part of a message's handling. The answer is still validated in full, with the same schema and the same
error; only the check of the unchanging schema is done once. Installed in the Rasa process by the REST
channel it loads (ops/rasa_rest_channel.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:
        # Rasa's own wording, so its logs read the same.
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
