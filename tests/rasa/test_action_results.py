"""Rasa's check of action server answers, with its schema checked once: the same verdicts and errors."""

from __future__ import annotations

import json
import subprocess

from ops import rasa_model

CHECK = """
import json
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

answers = [
    {"events": [{"event": "slot", "name": "age", "value": "23", "timestamp": None}], "responses": [{"text": "x"}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "nonsense"}], "responses": []},
    {"events": "not a list"},
    {"events": [], "responses": ["not an object"]},
]

def verdicts():
    action, out = RemoteAction("action_x", None), []
    for answer in answers:
        try:
            out.append(action._validate_action_result(answer))
        except ValidationError as error:
            out.append(error.message)
    return out

rasas_own = verdicts()
from ops import rasa_action_results
rasa_action_results.install()
print(json.dumps({"rasa": rasas_own, "ours": verdicts()}))
"""


def test_answers_get_the_same_verdict_and_error_as_with_rasas_own_check() -> None:
    python = rasa_model.RASA_BIN.parent / "python"
    run = subprocess.run(
        [str(python), "-c", CHECK],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=rasa_model.PROJECT_ROOT,
        env=rasa_model.rasa_environment(),
        check=True,
    )
    verdicts = json.loads(run.stdout.strip().splitlines()[-1])
    assert verdicts["ours"] == verdicts["rasa"]
    assert verdicts["ours"][:3] == [True, True, True]
    assert all(
        isinstance(v, str) and "Failed to validate Action server response" in v for v in verdicts["ours"][3:]
    )
